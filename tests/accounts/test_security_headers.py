"""Security headers on every response: Django's own, plus Content-Security-Policy and
Permissions-Policy from aandacht.web.security."""

from __future__ import annotations

from pathlib import Path

import django_htmx
import pytest
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.test import Client

from aandacht.web.security import (
    API_DOCS_POLICY,
    APP_POLICY,
    EMBEDDED_POLICY,
    HTMX_INDICATOR_STYLE,
    SecurityHeadersMiddleware,
    render_policy,
)


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_common_headers(response: HttpResponse) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password/reset/"])
def test_pages_for_visitors_carry_the_headers(client: Client, alice: User, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert_common_headers(response)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "no inline script and no eval, ever"
    assert "'unsafe-inline'" not in policy["style-src"]
    assert "'unsafe-inline'" not in policy["style-src-elem"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert policy["object-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_signed_in_pages_carry_the_headers(as_alice: Client) -> None:
    response = as_alice.get("/")
    assert response.status_code == 200
    assert_common_headers(response)
    assert response["Content-Security-Policy"] == render_policy(APP_POLICY)


def test_not_found_pages_carry_the_headers(as_alice: Client) -> None:
    response = as_alice.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == render_policy(APP_POLICY)


def test_api_responses_carry_the_headers_and_still_work(client: Client, alice: User) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


def test_the_api_docs_page_gets_the_policy_swagger_needs(as_alice: Client) -> None:
    response = as_alice.get("/api/docs")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == render_policy(API_DOCS_POLICY)
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"], "its scripts are files too"
    assert "swagger-ui-bundle.js" in response.content.decode()


def test_a_view_with_its_own_policy_keeps_it() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("file")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    request = HttpRequest()
    request.path_info = "/media/something"
    response = SecurityHeadersMiddleware(view)(request)
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "Permissions-Policy" in response


def test_a_pdf_may_be_shown_inside_our_own_pages_only() -> None:
    """The card page previews its PDF in an <object>; DENY would blank it."""

    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse(b"%PDF-1.4", content_type="application/pdf")
        response["X-Frame-Options"] = "DENY"  # as XFrameOptionsMiddleware sets it
        return response

    request = HttpRequest()
    request.path_info = "/cards/2026/1/card.pdf"
    response = SecurityHeadersMiddleware(view)(request)
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Content-Security-Policy"] == EMBEDDED_POLICY
    assert "frame-ancestors 'self'" in EMBEDDED_POLICY


def test_the_allowed_inline_style_is_the_one_htmx_inserts() -> None:
    """htmx builds its indicator style from a template; if a new htmx changes that text, the
    hash in the policy must change with it (the browser test would see a violation too)."""
    htmx = Path(django_htmx.__file__).parent / "static" / "django_htmx" / "htmx-2.min.js"
    source = htmx.read_text(encoding="utf-8")
    generic = HTMX_INDICATOR_STYLE.replace("htmx-indicator", "${t}").replace("htmx-request", "${n}")
    first, second = generic.split("} ", 1)
    assert f"`{first}}} `+`{second}`" in source
