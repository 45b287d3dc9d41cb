from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "territoria.web"
    label = "web"
