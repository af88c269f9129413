from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("aandacht.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("people/", include("aandacht.people.urls")),
    path("people/", include("aandacht.timeline.urls")),
    path("", include("aandacht.web.urls")),
]
