from django.contrib.auth import views as auth_views
from django.urls import include, path

from territoria.directory import views as directory_views
from territoria.events import views as events_views
from territoria.extraction import views as extraction_views
from territoria.web import api, views
from territoria.workplan import views as workplan_views

library_patterns = [
    path("", views.library, name="index"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/versions/<int:number>/download", views.download, name="download"),
    path("search/", views.search, name="search"),
    path("upload/", views.upload, name="upload"),
]

api_patterns = [
    path("", api.index, name="index"),
    path("openapi.json", api.openapi, name="openapi"),
    path("documents/", views.library, {"format": "json"}, name="documents"),
    path("documents/<int:pk>/", views.document, {"format": "json"}, name="document"),
    path("search/", views.search, {"format": "json"}, name="search"),
    path("upload/", views.upload, {"format": "json"}, name="upload"),
    path("documents/<int:pk>/facts/", extraction_views.review_document, {"format": "json"}, name="facts"),
    path("export/<str:kind>/", api.export, name="export"),
    path("plans/", workplan_views.plans, {"format": "json"}, name="plans"),
    path("plans/<int:pk>/", workplan_views.plan, {"format": "json"}, name="plan"),
    path("plans/<int:pk>/dashboard/", workplan_views.dashboard, {"format": "json"}, name="dashboard"),
    path("actions/<int:pk>/", workplan_views.action, {"format": "json"}, name="action"),
    path("directory/", directory_views.directory, {"format": "json"}, name="directory"),
    path("directory/map/", directory_views.world_map, {"format": "json"}, name="map"),
    path("directory/find/", directory_views.find_partner, {"format": "json"}, name="find"),
    path("directory/joint-requests/", directory_views.joint, {"format": "json"}, name="joint"),
    path("organisations/<int:pk>/", directory_views.organisation, {"format": "json"}, name="organisation"),
    path("people/<int:pk>/", directory_views.person, {"format": "json"}, name="person"),
    path("capacities/<int:pk>/", directory_views.capacity, {"format": "json"}, name="capacity"),
    path("calendar/", events_views.calendar, {"format": "json"}, name="calendar"),
    path("calendar/events/<int:pk>/", events_views.event, {"format": "json"}, name="event"),
]

urlpatterns = [
    path("", include((library_patterns, "library"))),
    path("", include("territoria.extraction.urls")),
    path("", include("territoria.workplan.urls")),
    path("", include("territoria.directory.urls")),
    path("", include("territoria.events.urls")),
    path("api/", include((api_patterns, "api"))),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
]
