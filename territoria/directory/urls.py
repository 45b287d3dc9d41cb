from django.urls import path

from territoria.directory import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.directory, name="index"),
    path("directory/map/", views.world_map, name="map"),
    path("directory/find/", views.find_partner, name="find"),
    path("directory/joint-requests/", views.joint, name="joint"),
    path("directory/import/", views.import_members, name="import"),
    path("directory/duplicates/", views.duplicates, name="duplicates"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/edit/", views.edit_form, name="edit"),
    path("organisations/<int:pk>/save/", views.edit_organisation, name="save"),
    path("organisations/<int:pk>/capacities/new/", views.new_capacity, name="new_capacity"),
    path("people/<int:pk>/", views.person, name="person"),
    path("capacities/<int:pk>/", views.capacity, name="capacity"),
    path("capacities/<int:pk>/edit/", views.edit_capacity, name="edit_capacity"),
    path("capacities/<int:pk>/contact/", views.contact, name="contact"),
]
