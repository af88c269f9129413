"""The installable app: manifest, icons, service worker and offline page."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

import aandacht.urls
from aandacht.web.context_processors import safe_reverse

MANIFEST = "/manifest.webmanifest"
SERVICE_WORKER = "/sw.js"
OFFLINE = "/offline/"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no image library needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def static_file(url: str) -> Path:
    assert url.startswith("/static/"), url
    found = finders.find(url.removeprefix("/static/"))
    assert isinstance(found, str), f"{url} is missing"
    return Path(found)


def manifest(client: Client, **headers: str) -> dict[str, object]:
    response = client.get(MANIFEST, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    data: dict[str, object] = json.loads(response.content)
    return data


def test_urls_are_at_the_site_root() -> None:
    assert reverse("web:manifest") == MANIFEST
    assert reverse("web:service_worker") == SERVICE_WORKER
    assert reverse("web:offline") == OFFLINE


def test_manifest_describes_a_standalone_app(client: Client, alice: User) -> None:
    data = manifest(client)

    assert data["name"] == "Aandacht"
    assert data["short_name"] == "Aandacht"
    assert data["display"] == "standalone"
    assert data["scope"] == "/"
    assert data["start_url"] == (safe_reverse("people:list") or "/")
    assert data["background_color"] == "#faf5ee"
    assert data["theme_color"] == "#fffdfa"
    assert data["lang"] == "en"
    assert isinstance(data["description"], str) and data["description"]


@pytest.mark.urls(__name__)
def test_manifest_starts_at_the_people_list_once_it_exists(client: Client, alice: User) -> None:
    data = manifest(client)

    assert data["start_url"] == "/people/"
    shortcuts = data["shortcuts"]
    assert isinstance(shortcuts, list)
    assert shortcuts[0]["url"] == "/people/add/"


def test_manifest_icons_exist_with_their_declared_sizes(client: Client, alice: User) -> None:
    icons = manifest(client)["icons"]
    assert isinstance(icons, list)

    purposes = {(icon["sizes"], icon["purpose"]) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any")} <= purposes
    assert {("192x192", "maskable"), ("512x512", "maskable")} <= purposes
    assert any(icon["type"] == "image/svg+xml" for icon in icons)
    for icon in icons:
        file = static_file(icon["src"])
        if icon["type"] == "image/png":
            width, height = (int(side) for side in icon["sizes"].split("x"))
            assert png_size(file.read_bytes()) == (width, height), icon["src"]
        else:
            assert file.read_text().lstrip().startswith("<svg")


def test_apple_touch_icon_and_small_favicon_have_their_sizes() -> None:
    assert png_size(static_file("/static/aandacht/icons/apple-touch-icon.png").read_bytes()) == (
        180,
        180,
    )
    assert png_size(static_file("/static/aandacht/icons/favicon-32.png").read_bytes()) == (32, 32)


def test_manifest_speaks_the_visitors_language(client: Client, alice: User) -> None:
    data = manifest(client, accept_language="nl")

    assert data["lang"] == "nl"


def test_service_worker_is_javascript_allowed_at_the_root_and_never_stale(
    client: Client, alice: User
) -> None:
    response = client.get(SERVICE_WORKER)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]


def sw_constant(source: str, name: str) -> object:
    match = re.search(rf"^const {name} = (.+);$", source, re.MULTILINE)
    assert match, f"{name} is missing"
    return json.loads(match.group(1))


def test_service_worker_caches_static_files_and_the_offline_page_only(
    client: Client, alice: User
) -> None:
    source = client.get(SERVICE_WORKER).content.decode()

    assert "__" not in re.sub(r"//.*|/\*.*?\*/", "", source, flags=re.DOTALL).replace(
        "__proto__", ""
    )
    precache = sw_constant(source, "PRECACHE")
    assert isinstance(precache, list) and precache
    assert all(url.startswith("/static/") for url in precache)
    for url in precache:
        static_file(url)
    assert sw_constant(source, "OFFLINE_URL") == OFFLINE
    assert sw_constant(source, "STATIC_URL") == "/static/"
    # The only thing ever put into the cache by hand is the offline page; addAll takes PRECACHE.
    assert re.findall(r"cache\.put\(([^,]+),", source) == ["OFFLINE_URL"]
    assert re.findall(r"cache\.addAll\(([^)]+)\)", source) == ["PRECACHE"]
    # Posts pass through untouched; pages come from the network, the offline page stands in.
    assert 'request.method !== "GET"' in source
    assert 'request.mode === "navigate"' in source


def test_service_worker_version_follows_the_language(client: Client, alice: User) -> None:
    english = sw_constant(client.get(SERVICE_WORKER).content.decode(), "VERSION")
    dutch = sw_constant(
        client.get(SERVICE_WORKER, headers={"accept-language": "nl"}).content.decode(),
        "VERSION",
    )

    assert isinstance(english, str) and english.endswith("-en")
    assert isinstance(dutch, str) and dutch.endswith("-nl")
    assert english.removesuffix("-en") == dutch.removesuffix("-nl")


def test_pages_register_the_service_worker_and_link_the_manifest(
    client: Client, alice: User
) -> None:
    page = client.get(reverse("accounts:login")).content.decode()

    assert f'<link rel="manifest" href="{MANIFEST}">' in page
    assert f'data-service-worker="{SERVICE_WORKER}"' in page
    assert "/static/aandacht/aandacht.js" in page
    assert "/static/aandacht/icons/apple-touch-icon.png" in page
    assert page.count('<meta name="theme-color"') == 2
    assert static_file("/static/aandacht/aandacht.js").read_text().count("register(") == 1


def test_offline_page_is_friendly_and_open_to_anyone(client: Client, alice: User) -> None:
    response = client.get(OFFLINE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "You are offline" in page
    assert '<html lang="en">' in page


def test_offline_page_renders_in_dutch(client: Client, alice: User) -> None:
    response = client.get(OFFLINE, headers={"accept-language": "nl"})

    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()


def test_offline_page_holds_nothing_personal_even_when_signed_in(
    client: Client, alice: User, vault: object
) -> None:
    alice.first_name = "Alice"
    alice.save()
    client.force_login(alice)

    page = client.get(OFFLINE).content.decode()

    assert "csrfmiddlewaretoken" not in page
    assert "Alice" not in page
    assert "alice" not in page
    assert "Sign out" not in page
    assert "Alice&#x27;s people" not in page


def flash(request: HttpRequest) -> HttpResponse:
    messages.success(request, "Saved for later")
    return HttpResponse("flashed")


def placeholder(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a colleague's page")


# The real URLs plus stand-ins for the people pages, so these tests hold whether or not the
# people list and quick add exist yet.
urlpatterns = [
    path("flash/", flash),
    path(
        "people/",
        include(
            (
                [path("", placeholder, name="list"), path("add/", placeholder, name="quick_add")],
                "people",
            )
        ),
    ),
    *(
        pattern
        for pattern in aandacht.urls.urlpatterns
        if getattr(pattern, "namespace", None) not in {"people", "timeline"}
    ),
]


@pytest.mark.urls(__name__)
def test_offline_page_leaves_pending_messages_for_the_next_page(
    client: Client, alice: User, vault: object
) -> None:
    client.force_login(alice)
    client.get("/flash/")

    assert "Saved for later" not in client.get(OFFLINE).content.decode()
    assert "Saved for later" in client.get(reverse("accounts:password_change")).content.decode()
