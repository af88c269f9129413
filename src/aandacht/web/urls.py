from __future__ import annotations

from django.urls import path

from aandacht.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/start/", views.start, name="start"),
]
