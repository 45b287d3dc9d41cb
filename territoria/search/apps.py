from django.apps import AppConfig
from django.db.models.signals import pre_delete


class SearchConfig(AppConfig):
    name = "territoria.search"
    label = "search"

    def ready(self):
        from territoria.library.models import Version

        pre_delete.connect(unindex_deleted_version, sender=Version, dispatch_uid="search.unindex_deleted_version")


def unindex_deleted_version(sender, instance, **kwargs):
    """A deleted version (or document: its versions go with it) leaves no rows in the search
    index. The index tables carry no foreign key to passages (FTS5 cannot; on PostgreSQL it
    cost a check per passage at every commit), so this is what keeps them in step. Django
    sends pre_delete for every collected row before it deletes any, so the passages are
    still there to find the index rows by."""
    from territoria.search.backends import get_backend

    get_backend().unindex_version(instance.pk)
