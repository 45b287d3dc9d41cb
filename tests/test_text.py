from territoria.core.text import stem, strip_accents, terms, words


def test_it_strips_accents():
    assert strip_accents("Coopération décentralisée, ONU-Hábitat") == "Cooperation decentralisee, ONU-Habitat"


def test_it_splits_french_elisions():
    assert words("L'agenda d'apprentissage") == ["l", "agenda", "d", "apprentissage"]


def test_it_stems_per_language_without_accents():
    assert stem("réunions", "fr") == stem("réunion", "fr") == "reunion"
    assert stem("meetings", "en") == "meet"
    assert stem("reuniones", "es") == stem("reunión", "es")


def test_terms_drop_stop_words():
    assert terms("Le plan de travail de la CGLU", "fr") == ["plan", "travail", "cglu"]


def test_function_words_settle_the_language_and_the_model_decides_the_rest(monkeypatch):
    from territoria.core import lang

    assert lang.vote(words("the annual meeting of the working group was held in marrakech with the mayors"), 3) == "en"
    assert lang.vote(words("la réunion annuelle des élus locaux et du secrétariat est prévue pour le mois de mai"), 3) == "fr"
    assert lang.vote(words("el grupo de trabajo y los alcaldes del municipio se reunieron con la secretaría"), 3) == "es"
    assert lang.vote(words("cglu onu-habitat sida ocde marrakech 2023 dakar quito lyon"), 3) is None
    spanish = "El grupo de trabajo y los alcaldes del municipio se reunieron con la secretaría en Quito."
    assert lang.detect_passage(spanish, "fr") == "es"
    asked = []
    monkeypatch.setattr(lang, "classify", lambda text: asked.append(text) or ("en", 0.99))
    lang.detect_passage(spanish, "fr")
    assert asked == []  # settled by the vote, no model call
    lang.detect_passage("CGLU ONU-Habitat Sida OCDE Marrakech 2023 Dakar Quito Lyon Rabat", "fr")
    assert len(asked) == 1
