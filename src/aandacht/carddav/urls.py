"""CardDAV: mounted at /dav/ (and /.well-known/carddav) by the project's urls."""

from __future__ import annotations

from django.urls import URLPattern, path

from aandacht.carddav import views

app_name = "carddav"

urlpatterns: list[URLPattern] = [
    path(".well-known/carddav", views.well_known, name="well_known"),
    path(".well-known/carddav/", views.well_known, name="well_known_slash"),
    path("dav/", views.root, name="root"),
    path("dav/principals/<str:username>/", views.principal, name="principal"),
    path("dav/addressbooks/<str:username>/", views.home, name="home"),
    path("dav/addressbooks/<str:username>/<int:vault_id>/", views.collection, name="collection"),
    path("dav/addressbooks/<str:username>/<int:vault_id>/<str:href>", views.card, name="card"),
]
