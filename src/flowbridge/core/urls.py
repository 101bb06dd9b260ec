from django.urls import path

from flowbridge.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/hours/", views.calendar_hours, name="calendar-hours"),
    path("calendar/overrides/", views.calendar_override, name="calendar-override"),
    path(
        "calendar/overrides/remove/",
        views.calendar_override_remove,
        name="calendar-override-remove",
    ),
    path("calendar/confirm-year/", views.calendar_confirm_year, name="calendar-confirm-year"),
    path("audit/", views.audit_log, name="audit"),
]
