"""Language identification restricted to French, English and Spanish (py3langid).

The model loads lazily (about a second, once per process).
"""

from functools import lru_cache
from itertools import islice

from territoria.core.text import words

MIN_WORDS = 8
MIN_CONFIDENCE = 0.9
SAMPLE_CHARS = 400  # a passage's language shows in its first few hundred characters


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["fr", "en", "es"])
    return identifier


def classify(text: str) -> tuple[str, float]:
    language, confidence = _identifier().classify(text)
    return language, float(confidence)


def detect_document(texts) -> str:
    """The language of a whole document, from its first ~5,000 characters."""
    sample, size = [], 0
    for text in texts:
        sample.append(text)
        size += len(text)
        if size > 5_000:
            break
    return classify(" ".join(sample))[0]


def detect_passage(text: str, document_language: str) -> str:
    """A passage keeps its document's language unless it clearly speaks another one."""
    if len(list(islice(words(text), MIN_WORDS))) < MIN_WORDS:
        return document_language
    language, confidence = classify(text[:SAMPLE_CHARS])
    return language if confidence >= MIN_CONFIDENCE else document_language
