from __future__ import annotations

from django.urls import URLPattern, path

from aandacht.rounds import views

app_name = "rounds"

urlpatterns: list[URLPattern] = [
    path("", views.round_list, name="list"),
    path("new/", views.round_new, name="new"),
    path("<int:pk>/", views.round_board, name="board"),
    path("<int:pk>/summary/", views.round_summary, name="summary"),
    path("<int:pk>/status/", views.round_status, name="status"),
    path("<int:pk>/steps/<int:step_pk>/", views.step_update, name="step"),
    path("<int:pk>/people/add/", views.person_add, name="add"),
    path("<int:pk>/people/<int:check_in_pk>/remove/", views.person_remove, name="remove"),
]
