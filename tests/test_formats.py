"""Each input format yields structured blocks: headings, numbered sections, lists, tables, pages."""

from territoria.library.pipeline import convert
from tests import factories


def kinds(conv):
    return [(b.kind, b.text) for b in conv.blocks]


def test_it_reads_numbered_sections_from_text():
    text = "PLAN DE TRAVAIL 2024\n\n1. Mise en œuvre\n\nIntro.\n\n2.1.1 Alliance avec ONU-Habitat\n\n- Renforcer la coopération décentralisée.\n\n2022 marque l'année de révision.\n"
    conv = convert("plan.txt", text.encode())
    assert conv.status == "success"
    numbered = [(b.number, b.text) for b in conv.blocks if b.number]
    assert numbered == [("1", "1. Mise en œuvre"), ("2.1.1", "2.1.1 Alliance avec ONU-Habitat")]
    item = next(b for b in conv.blocks if b.kind == "list_item")
    assert (item.section, item.section_title) == ("2.1.1", "Alliance avec ONU-Habitat")
    assert next(b for b in conv.blocks if b.text.startswith("2022")).kind == "paragraph"


def test_it_reads_markdown_tables_and_inline_markup():
    text = "# Agenda\n\n| 09h00-09h30 | **Opening** by [Ana](http://x) |\n|---|---|\n| 09h30-10h00 | Debate |\n"
    conv = convert("agenda.md", text.encode())
    assert kinds(conv) == [
        ("heading", "Agenda"),
        ("table_row", "09h00-09h30 | Opening by Ana"),
        ("table_row", "09h30-10h00 | Debate"),
    ]


def test_it_reads_pdf_pages_and_drops_page_numbers():
    data = factories.pdf([
        ["1. Introduction", "Les gouvernements locaux agissent pour les ODD."],
        ["2.2.2.4. Finances", "La coalition de Malaga pour les finances municipales se réunira."],
    ])
    conv = convert("plan.pdf", data)
    assert conv.status == "success" and conv.pages == 2
    malaga = next(b for b in conv.blocks if "Malaga" in b.text)
    assert (malaga.page, malaga.section) == (2, "2.2.2.4")
    assert not any(b.text.startswith("-") for b in conv.blocks)


def test_it_reads_docx_headings_lists_and_tables():
    data = factories.docx_file(
        "Work plan 2024",
        [("1. Decentralised cooperation", ["Support three associations.", "Document five partnerships."])],
        table=[["09h00-09h30", "Opening remarks"], ["09h30-10h00", "Debate"]],
    )
    conv = convert("plan.docx", data)
    assert conv.title == "Work plan 2024" and conv.language == "en"
    assert ("list_item", "Support three associations.") in kinds(conv)
    assert ("table_row", "09h00-09h30 | Opening remarks") in kinds(conv)
    assert next(b for b in conv.blocks if b.kind == "list_item").section == "1"


def test_it_reads_html_without_scripts_or_styles():
    html = b"""<html><head><title>Noticia</title><style>p{color:red}</style></head><body>
    <h1>Reuni\xc3\xb3n anual</h1><script>alert('x')</script><p>La reuni\xc3\xb3n anual del CIB se celebr\xc3\xb3 en Bogot\xc3\xa1.</p>
    <ul><li>Primer punto<ul><li>Subpunto</li></ul></li></ul></body></html>"""
    conv = convert("noticia.html", html)
    text = " ".join(b.text for b in conv.blocks)
    assert "alert" not in text and "color" not in text
    assert conv.title == "Noticia" and conv.language == "es"
    assert [(b.kind, b.text, b.level) for b in conv.blocks if b.kind == "list_item"] == [
        ("list_item", "Primer punto", 1), ("list_item", "Subpunto", 2)]


def test_it_detects_language_per_passage():
    text = ("La coopération décentralisée entre villes européennes et africaines progresse chaque année.\n\n"
            "The annual meeting of the working group will take place in Marrakech next spring.\n")
    conv = convert("mixed.txt", text.encode())
    assert [b.language for b in conv.blocks] == ["fr", "en"]


def test_it_records_a_timing_per_stage():
    conv = convert("a.txt", b"Un document court sur les finances locales.")
    assert set(conv.timings) == {"check", "format", "read", "structure", "language", "metadata"}
