"""URL map: pages per app, the JSON API under /api/, the admin, language switching."""

from django.contrib import admin
from django.urls import include, path

from flowbridge.api import api

urlpatterns = [
    path("", include("flowbridge.core.urls")),
    path("", include("flowbridge.accounts.urls")),  # /accounts/login/ and /me/
    path("", include("flowbridge.org.urls")),
    path("responsibility/", include("flowbridge.responsibility.urls")),
    path("processes/", include("flowbridge.processes.urls")),
    path("", include("flowbridge.cases.urls")),  # /requests/ and /tasks/
    path("diagnosis/", include("flowbridge.diagnosis.urls")),
    path("notifications/", include("flowbridge.notify.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
