"""Installable web app: the manifest, the service worker and the page it shows offline.

The service worker caches only static files and the offline page, never a page with someone's
data on it: pages always come from the network, and only when the network is gone does the
offline page stand in. It is served from the site root so its scope covers every page.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

import aandacht
from aandacht.web.context_processors import safe_reverse

# The light theme's page and header colours (see aandacht.css): the splash screen and the
# browser's toolbar match the app.
BACKGROUND_COLOUR = "#faf5ee"
THEME_COLOUR = "#fffdfa"
THEME_COLOUR_DARK = "#241d18"

SERVICE_WORKER_SOURCE = "aandacht/sw.js"
# What the offline page needs to look like the app, fetched when the service worker installs.
PRECACHED_STATIC = (
    "aandacht/aandacht.css",
    "aandacht/aandacht.js",
    "aandacht/icons/favicon.svg",
    "aandacht/icons/icon-192.png",
)
ICONS = (
    ("aandacht/icons/icon-192.png", "192x192", "image/png", "any"),
    ("aandacht/icons/icon-512.png", "512x512", "image/png", "any"),
    ("aandacht/icons/maskable-192.png", "192x192", "image/png", "maskable"),
    ("aandacht/icons/maskable-512.png", "512x512", "image/png", "maskable"),
    ("aandacht/icons/favicon.svg", "any", "image/svg+xml", "any"),
)


def start_url() -> str:
    """Where the installed app opens: the people list, or home while that page is missing."""
    return safe_reverse("people:list") or reverse("web:home")


def manifest_data() -> dict[str, Any]:
    """The web app manifest, in the request's language."""
    data: dict[str, Any] = {
        "id": "/",
        "name": "Aandacht",
        "short_name": "Aandacht",
        "description": _("Real attention to the people in your life and work."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": start_url(),
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND_COLOUR,
        "theme_color": THEME_COLOUR,
        "categories": ["productivity", "social", "lifestyle"],
        "icons": [
            {"src": static(path), "sizes": sizes, "type": kind, "purpose": purpose}
            for path, sizes, kind, purpose in ICONS
        ],
    }
    quick_add = safe_reverse("people:quick_add")
    if quick_add is not None:
        data["shortcuts"] = [
            {
                "name": _("Add someone"),
                "short_name": _("Add"),
                "url": quick_add,
                "icons": [{"src": static("aandacht/icons/icon-192.png"), "sizes": "192x192"}],
            }
        ]
    return data


@require_GET
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    body = json.dumps(manifest_data(), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/manifest+json; charset=utf-8")


def _static_bytes(path: str) -> bytes:
    found = finders.find(path)
    if not found or isinstance(found, list):
        raise LookupError(f"static file {path} is missing")
    return Path(found).read_bytes()


@lru_cache(maxsize=1)
def _static_digest() -> str:
    """A hash of the service worker and what it precaches: a new release installs afresh."""
    digest = hashlib.sha256(aandacht.__version__.encode())
    for path in (SERVICE_WORKER_SOURCE, *PRECACHED_STATIC):
        digest.update(_static_bytes(path))
    return digest.hexdigest()[:12]


def service_worker_source() -> str:
    """``static/aandacht/sw.js`` with this installation's URLs and version filled in.

    The language is part of the version, so switching language installs the worker again and
    the offline page is fetched in the new language.
    """
    if settings.DEBUG:
        _static_digest.cache_clear()
    source = _static_bytes(SERVICE_WORKER_SOURCE).decode()
    replacements: dict[str, object] = {
        "__VERSION__": f"{_static_digest()}-{get_language() or settings.LANGUAGE_CODE}",
        "__OFFLINE_URL__": reverse("web:offline"),
        "__STATIC_URL__": settings.STATIC_URL or "/static/",
        "__PRECACHE__": [static(path) for path in PRECACHED_STATIC],
    }
    for placeholder, value in replacements.items():
        source = source.replace(f'"{placeholder}"', json.dumps(value))
    return source


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(service_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The friendly page the service worker shows without a network.

    It is cached and shown to whoever uses the phone later, so it renders as if nobody were
    signed in: no names, no vaults, no form tokens, and pending messages stay unread.
    """
    context = {"user": AnonymousUser(), "messages": [], "shell_bare": True}
    return render(request, "web/offline.html", context)
