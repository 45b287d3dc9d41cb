from django.apps import AppConfig


class ExtractionConfig(AppConfig):
    name = "territoria.extraction"
    label = "extraction"
    verbose_name = "Extraction"
