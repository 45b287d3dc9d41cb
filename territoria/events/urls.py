from django.urls import path

from territoria.events import views

app_name = "events"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/feed.ics", views.feed, name="feed"),
    path("calendar/new/", views.event_form, name="new"),
    path("calendar/preferences/", views.preferences, name="preferences"),
    path("calendar/events/<int:pk>/", views.event, name="event"),
    path("calendar/events/<int:pk>.ics", views.event_ics, name="ics"),
    path("calendar/events/<int:pk>/edit/", views.event_form, name="edit"),
    path("calendar/events/<int:pk>/agenda/", views.agenda_add, name="agenda"),
    path("calendar/events/<int:pk>/settle/", views.settle, name="settle"),
    path("calendar/events/<int:pk>/merge/", views.merge, name="merge"),
    path("calendar/events/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("calendar/events/<int:pk>/register/", views.register, name="register"),
    path("calendar/events/<int:pk>/cancel/", views.cancel, name="cancel"),
]
