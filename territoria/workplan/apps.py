from django.apps import AppConfig


class WorkplanConfig(AppConfig):
    name = "territoria.workplan"
    label = "workplan"
    verbose_name = "Work plans"
