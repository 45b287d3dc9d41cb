from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "territoria.search"
    label = "search"
