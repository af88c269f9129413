"""CardDAV: mounted at /dav/ (and /.well-known/carddav) by the project's urls."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "carddav"

urlpatterns: list[URLPattern] = []
