from __future__ import annotations

from django.urls import URLPattern, path

from aandacht.cards import views

app_name = "cards"

urlpatterns: list[URLPattern] = [
    path("", views.season_page, name="season"),
    path("size/", views.set_size, name="size"),
    path("<int:year>/<int:person_id>/", views.write, name="write"),
    path("<int:year>/<int:person_id>/card.pdf", views.card_pdf, name="pdf"),
    path("<int:year>/<int:person_id>/add/", views.add, name="add"),
    path("<int:year>/<int:person_id>/remove/", views.remove, name="remove"),
    path("<int:year>/<int:person_id>/sent/", views.sent, name="sent"),
    path("<int:year>/<int:person_id>/unsent/", views.unsent, name="unsent"),
]
