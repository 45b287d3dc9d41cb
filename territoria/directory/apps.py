from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "territoria.directory"
    label = "directory"
    verbose_name = "Directory"
