from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "territoria.library"
    label = "library"
    verbose_name = "Library"
