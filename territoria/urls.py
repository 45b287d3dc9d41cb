from django.urls import include, path

urlpatterns = [
    path("", include("territoria.web.urls")),
]
