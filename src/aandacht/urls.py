from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from aandacht.accounts.language import set_language
from aandacht.accounts.views.login import guard_admin
from aandacht.api.api import api

urlpatterns = [
    path("admin/", guard_admin(admin.site).urls),
    path("accounts/", include("aandacht.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("people/", include("aandacht.people.urls")),
    path("people/", include("aandacht.timeline.urls")),
    path("", include("aandacht.attention.urls")),
    path("exchange/", include("aandacht.exchange.urls")),
    path("cards/", include("aandacht.cards.urls")),
    path("rounds/", include("aandacht.rounds.urls")),
    path("api/", api.urls),
    path("", include("aandacht.carddav.urls")),
    path("", include("aandacht.web.urls")),
]
