"""Records of the library for `territoria export documents` and /api/documents."""

from territoria.library.models import Document


def document_record(document: Document) -> dict:
    version = document.current
    return {
        "id": document.pk, "path": document.key, "title": document.title, "language": document.language,
        "type": document.doc_type, "year": document.year, "sha256": version.sha256 if version else None,
        "format": version.format if version else None, "version": version.number if version else None,
        "pages": version.pages if version else None, "size": version.size if version else None,
        "visibility": document.visibility, "updated_at": document.updated_at.isoformat(),
    }


def documents(user=None) -> list[dict]:
    queryset = Document.objects.select_related("current").order_by("id")
    queryset = queryset.visible_to(user) if user is not None else queryset.exclude(current=None)
    return [document_record(d) for d in queryset]
