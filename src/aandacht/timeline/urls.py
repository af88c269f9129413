"""Timeline URLs, mounted under ``/people/`` next to the person page they belong to."""

from __future__ import annotations

from django.urls import URLPattern, path

from aandacht.timeline import views

app_name = "timeline"

urlpatterns: list[URLPattern] = [
    path("<int:pk>/log/", views.log, name="log"),
    path("<int:pk>/note/", views.note, name="note"),
    path("<int:pk>/moment/", views.moment, name="moment"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/follow-up/<int:entry_pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("<int:pk>/timeline/", views.more, name="more"),
    path("<int:pk>/timeline/<str:kind>/<int:entry_pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/timeline/<str:kind>/<int:entry_pk>/delete/", views.delete, name="delete"),
]
