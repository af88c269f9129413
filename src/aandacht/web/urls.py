from __future__ import annotations

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from aandacht.web import pwa, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/start/", views.start, name="start"),
    # The installable app: the service worker lives at the root so its scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    # Browsers ask for /favicon.ico on pages that name no icon (a JSON answer, say).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("aandacht/icons/favicon-32.png"), permanent=True),
        name="favicon",
    ),
]
