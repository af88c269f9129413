"""The account page: one place that leads to password, two-factor, sessions, tokens, vaults."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from aandacht.web.access import signed_in_user


@login_required
@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "accounts/settings.html", {"account": user})


urlpatterns: list[URLPattern] = [
    path("", settings_page, name="settings"),
]
