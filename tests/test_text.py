from territoria.core.text import index_terms, stem, strip_accents, words


def test_it_strips_accents():
    assert strip_accents("Coopération décentralisée, ONU-Hábitat") == "Cooperation decentralisee, ONU-Habitat"


def test_it_splits_french_elisions():
    assert words("L'agenda d'apprentissage") == ["l", "agenda", "d", "apprentissage"]


def test_it_stems_per_language_without_accents():
    assert stem("réunions", "fr") == stem("réunion", "fr") == "reunion"
    assert stem("meetings", "en") == "meet"
    assert stem("reuniones", "es") == stem("reunión", "es")


def test_index_terms_drop_stop_words():
    assert index_terms("Le plan de travail de la CGLU", "fr").split() == ["plan", "travail", "cglu"]
