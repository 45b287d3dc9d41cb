from django.urls import path

from territoria.extraction import views

app_name = "extraction"
urlpatterns = [
    path("documents/<int:pk>/review/", views.review_document, name="review"),
    path("facts/<int:pk>/review", views.review_fact, name="review_fact"),
]
