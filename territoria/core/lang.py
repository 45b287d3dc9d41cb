"""Language identification restricted to French, English and Spanish.

A vote of function words that only one of the three languages uses ("the", "des", "los")
settles most texts in microseconds; the rest go to py3langid's model, which loads lazily
(about a second, once per process) and costs ~100 µs a passage.
"""

from functools import lru_cache

from collections import Counter

from territoria.core.text import words

MIN_WORDS = 8
MIN_CONFIDENCE = 0.9
SAMPLE_CHARS = 400  # a passage's language shows in its first few hundred characters

# Frequent function words that belong to one of the three languages only. Words shared by
# two ("de", "la", "en", "que", "se", "on", "son", "entre") are left out.
MARKERS = {
    "en": "the and of to is are was were be been with for that this which from by have has will their its it not or".split(),
    "fr": "le les des du et est sont avec pour dans sur une au aux qui ce ces cette leur leurs nous il elle ou où pas par été être".split(),
    "es": "el los las y del es con para una al su sus como más este esta por lo".split(),
}
MARKER_LANGUAGE = {word: language for language, words in MARKERS.items() for word in words}
MARKER_WORDS = frozenset(MARKER_LANGUAGE)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["fr", "en", "es"])
    return identifier


def classify(text: str) -> tuple[str, float]:
    language, confidence = _identifier().classify(text)
    return language, float(confidence)


def vote(tokens: list[str], least: int, prior: str | None = None) -> str | None:
    """The language whose marker words among `tokens` (lower-cased words) are at least
    `least` and three times any other's; or `prior` when the only markers are its own."""
    counts = Counter(map(MARKER_LANGUAGE.get, tokens))
    counts.pop(None, None)
    counts.update(dict.fromkeys(MARKERS, 0))
    (first, best), (_, second) = sorted(counts.items(), key=lambda kv: -kv[1])[:2]
    if best >= least and best >= 3 * second:
        return first
    return prior if first == prior and best and not second else None


def detect_document(texts) -> str:
    """The language of a whole document, from its first ~5,000 characters."""
    sample, size = [], 0
    for text in texts:
        sample.append(text)
        size += len(text)
        if size > 5_000:
            break
    text = " ".join(sample)
    return vote(words(text), least=10) or classify(text)[0]


def detect_passage(text: str, document_language: str, text_words: list[str] | None = None) -> str:
    """A passage keeps its document's language unless it clearly speaks another one.
    `text_words`: the text's words when the caller has them already."""
    tokens = text_words if text_words is not None and len(text) <= SAMPLE_CHARS else words(text[:SAMPLE_CHARS])
    if len(tokens) < MIN_WORDS:
        return document_language
    markers = MARKER_WORDS.intersection(tokens)
    if markers and all(MARKER_LANGUAGE[word] == document_language for word in markers):
        return document_language  # what vote() says when the only markers are the document's (most passages)
    voted = vote(tokens, least=3, prior=document_language)
    if voted:
        return voted
    language, confidence = classify(text[:SAMPLE_CHARS])
    return language if confidence >= MIN_CONFIDENCE else document_language
