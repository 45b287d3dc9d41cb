"""Pages, their JSON twins, roles, reserved spaces, CSRF and escaping."""

import pytest
from django.test import Client
from django.urls import reverse

from territoria.library.models import Document
from territoria.library.services import ingest_bytes

HOSTILE = b"""<html><head><title>News &lt;b&gt;</title></head><body><h1>Annual meeting</h1>
<p>The annual meeting &lt;script&gt;alert("x")&lt;/script&gt; of the CIB working group took place in Marrakech.</p>
<script>alert('stolen')</script></body></html>"""


@pytest.fixture
def documents(db):
    public = ingest_bytes("news.html", HOSTILE, key="news.html")
    reserved = ingest_bytes("bureau.txt", "Note réservée au Bureau exécutif sur la stratégie financière de CGLU et la réunion annuelle.".encode(),
                            key="bureau.txt", visibility="members")
    return Document.objects.get(pk=public.id), Document.objects.get(pk=reserved.id)


@pytest.mark.parametrize("name", ["library:index", "library:search", "login"])
def test_every_public_page_renders_in_three_languages(client, db, name):
    for language, word in (("en", "Library"), ("fr", "Bibliothèque"), ("es", "Biblioteca")):
        response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()
        assert word in response.content.decode()


def test_extracted_text_is_escaped_on_every_page(client, documents):
    public, _ = documents
    for url in (reverse("library:document", args=[public.pk]), reverse("library:search") + "?q=annual+meeting", reverse("library:index")):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
    html = client.get(reverse("library:document", args=[public.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "alert(&#x27;stolen&#x27;)" not in html and "stolen" not in html


def test_search_page_shows_snippets_with_marks_and_facets(client, documents):
    response = client.get(reverse("library:search"), {"q": "réunion annuelle"})
    html = response.content.decode()
    assert "<mark>annual</mark> <mark>meeting</mark>" in html
    assert response.context["results"].facets["language"] == {"en": 2}  # passages: heading and paragraph


def test_json_twins_match_the_pages(client, documents):
    public, _ = documents
    listing = client.get(reverse("library:index"), {"format": "json"}).json()
    assert listing == client.get(reverse("api:documents")).json()
    assert [d["id"] for d in listing["documents"]] == [public.pk]
    detail = client.get(reverse("api:document", args=[public.pk])).json()
    assert detail["title"] == public.title and detail["passages"][0]["kind"] == "heading"
    hits = client.get(reverse("api:search"), {"q": "Marrakech"}).json()["hits"]
    assert hits[0]["document_id"] == public.pk and "<mark>Marrakech</mark>" in hits[0]["snippet_html"]


def test_library_filters_by_language_type_and_year(client, documents):
    assert client.get(reverse("api:documents"), {"language": "fr"}).json()["count"] == 0
    assert client.get(reverse("api:documents"), {"language": "en"}).json()["count"] == 1
    assert client.get(reverse("api:documents"), {"year": "1999"}).json()["count"] == 0


def test_reserved_documents_are_for_members_only(client, documents, member):
    _, reserved = documents
    assert client.get(reverse("library:document", args=[reserved.pk])).status_code == 404
    assert client.get(reverse("api:search"), {"q": "Bureau exécutif"}).json()["total"] == 0
    client.force_login(member)
    assert client.get(reverse("library:document", args=[reserved.pk])).status_code == 200
    assert client.get(reverse("api:search"), {"q": "Bureau exécutif"}).json()["total"] >= 1


def test_original_files_download_as_attachments(client, documents):
    public, _ = documents
    response = client.get(reverse("library:download", args=[public.pk, 1]))
    assert response["Content-Disposition"].startswith('attachment; filename="news.html"')
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == HOSTILE


def test_upload_is_for_editors_only(client, db, member):
    assert client.get(reverse("library:upload")).status_code == 302
    client.force_login(member)
    assert client.get(reverse("library:upload")).status_code == 403


def test_an_editor_uploads_several_files_and_gets_a_result_per_file(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    files = [SimpleUploadedFile("plan.md", "# Plan de travail\n\n- Renforcer les AGL.\n".encode()),
             SimpleUploadedFile("broken.pdf", b"%PDF-1.4 nothing")]
    response = client.post(reverse("api:upload"), {"files": files, "visibility": "members"})
    documents = response.json()["documents"]
    assert [d["status"] for d in documents] == ["created", "failed"]
    assert documents[1]["error"].startswith("broken.pdf: ")
    assert Document.objects.get(pk=documents[0]["id"]).visibility == "members"


def test_upload_refuses_a_post_without_csrf_token(db, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(reverse("library:upload"), {}).status_code == 403


def test_a_query_matching_more_than_the_scan_limit_says_so(client, db, settings):
    lines = [f"Paragraph {i}: the working group met in Marrakech to prepare session {i}." for i in range(8)]
    lines[5] = "Marrakech, Marrakech: the Marrakech meeting of the working group in Marrakech."
    ingest_bytes("notes.txt", "\n\n".join(lines).encode(), key="notes.txt")
    exact = client.get(reverse("api:search"), {"q": "Marrakech"}).json()
    assert (exact["total"], exact["total_exact"]) == (8, True)
    assert exact["hits"][0]["snippet"].count("Marrakech") == 4  # ranked over every match
    settings.SEARCH_SCAN_LIMIT = 3
    bounded = client.get(reverse("api:search"), {"q": "Marrakech"}).json()
    assert (bounded["total"], bounded["total_exact"], len(bounded["hits"])) == (3, False, 3)
    assert sum(bounded["facets"]["language"].values()) == 3
    html = client.get(reverse("library:search"), {"q": "Marrakech"}).content.decode()
    assert "More than 3 passages found" in html
    french = client.get(reverse("library:search"), {"q": "Marrakech"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Plus de 3 passages trouvés" in french


def test_a_document_page_lists_its_sdgs_and_themes_with_their_passages(client, db):
    text = ("# Égalité de genre\n\nLe programme vise l'égalité de genre et l'autonomisation des femmes élues (ODD 5).\n\n"
            "Les budgets sensibles au genre renforcent l'égalité de genre dans les conseils municipaux.\n\n"
            "Un atelier sur l'adaptation au changement climatique et la résilience des villes côtières.\n").encode()
    document = Document.objects.get(pk=ingest_bytes("genre.md", text, key="genre.md").id)
    detail = client.get(reverse("api:document", args=[document.pk])).json()
    sdg5 = next(s for s in detail["sdgs"] if s["goal"] == 5)
    assert sdg5["passages"] >= 2 and sdg5["score"] == 1.0  # named explicitly in one passage
    assert detail["sdgs"][0]["goal"] == 5  # the goal most passages carry comes first
    assert "gender" in [t["code"] for t in detail["themes"]]
    html = client.get(reverse("library:document", args=[document.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "ODD et thèmes" in html and f"ODD 5 : {sdg5['passages']} passages" in html
