"""Security headers Django does not set itself, and the client address behind a proxy.

Django's ``SecurityMiddleware`` already sends nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy, and ``XFrameOptionsMiddleware`` sends X-Frame-Options. Django 5.2
has no Content-Security-Policy, so :class:`SecurityHeadersMiddleware` adds one (and a
Permissions-Policy) to every response that does not carry its own.

Why each allowance in the policy exists:

- ``style-src-attr 'unsafe-inline'``: tag colours and progress meters are ``style="--chip: …"``
  / ``style="width: …"`` attributes (they cannot run code; CSS in attributes cannot load
  anything beyond ``img-src``).
- ``style-src-elem`` with one hash: htmx inserts a fixed ``<style>`` for its request
  indicators; exactly that text is allowed, nothing else inline.
- No ``'unsafe-eval'`` and no inline script: every script is a file from ``/static/``. htmx
  would evaluate trigger filters such as ``keyup[key=='Escape']`` with ``Function``, so the
  templates use ``hx-trigger="escape"`` on a ``data-escape`` element instead (aandacht.js
  turns Escape into that event).
- ``object-src 'self'``, ``frame-src 'self'``: the card page shows its PDF in an
  ``<object>`` (Chromium checks it against both); the PDF itself may
  be framed by this site only (``frame-ancestors 'self'``, X-Frame-Options SAMEORIGIN).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The exact text htmx 2 inserts (``includeIndicatorStyles``); see django_htmx's htmx-2.js.
HTMX_INDICATOR_STYLE = (
    ".htmx-indicator{opacity:0;visibility: hidden} "
    ".htmx-request .htmx-indicator, .htmx-request.htmx-indicator"
    "{opacity:1;visibility: visible;transition: opacity 200ms ease-in}"
)


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def render_policy(directives: Mapping[str, list[str]]) -> str:
    """``{"default-src": ["'self'"]}`` -> ``"default-src 'self'"``."""
    return "; ".join(
        " ".join([name, *sources]) if sources else name for name, sources in directives.items()
    )


APP_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-elem": ["'self'", csp_hash(HTMX_INDICATOR_STYLE)],
    "style-src-attr": ["'unsafe-inline'"],
    # data: for small inline images (a two-factor QR code, icons in CSS).
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "worker-src": ["'self'"],
    "media-src": ["'self'"],
    # 'self' twice: the card page previews its PDF in an <object>, which Chromium checks
    # against frame-src as well (see EMBEDDED_TYPES).
    "object-src": ["'self'"],
    "frame-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# The API docs page (django-ninja's bundled Swagger UI) sets inline styles from its scripts.
API_DOCS_POLICY: dict[str, list[str]] = {
    **APP_POLICY,
    "style-src": ["'self'", "'unsafe-inline'"],
    "style-src-elem": ["'self'", "'unsafe-inline'"],
}

# Documents our own pages show inside an <object> (the card preview): they may be framed by
# this site only, instead of the DENY every HTML page gets, and load nothing themselves.
EMBEDDED_TYPES = frozenset({"application/pdf"})
EMBEDDED_POLICY = "default-src 'none'; frame-ancestors 'self'"

# Features a personal CRM never needs; denied so an injected frame or script cannot ask.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


def policy_for(path: str) -> str:
    """The Content-Security-Policy for a request path."""
    docs_path = getattr(settings, "API_DOCS_PATH", "/api/docs")
    if path.rstrip("/") == docs_path.rstrip("/"):
        return render_policy(API_DOCS_POLICY)
    return render_policy(APP_POLICY)


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy where a view has not set its own.

    A view that needs something stricter (e.g. ``default-src 'none'`` for an uploaded file)
    sets the header itself and keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type in EMBEDDED_TYPES:
            # XFrameOptionsMiddleware (inside this one) said DENY; an <object> counts as a frame.
            if response.get("X-Frame-Options") == "DENY":
                response["X-Frame-Options"] = "SAMEORIGIN"
            if "Content-Security-Policy" not in response:
                response["Content-Security-Policy"] = EMBEDDED_POLICY
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_for(request.path_info)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        return response


def client_ip_from(remote_addr: str, forwarded_for: str, trusted_proxies: int) -> str:
    """The visitor's address, given how many reverse proxies stand in front of the app.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    ``n`` trusted proxies the client is the ``n``-th entry from the right, counting
    REMOTE_ADDR (the last proxy) as the rightmost. Entries further left were written by the
    client and may be lies, so they are never used. Without trusted proxies, or with a header
    that is too short or not an address, REMOTE_ADDR is the answer.
    """
    if trusted_proxies <= 0:
        return remote_addr
    chain = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    chain.append(remote_addr)
    if len(chain) <= trusted_proxies:
        return remote_addr
    candidate = chain[-(trusted_proxies + 1)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def client_ip(request: HttpRequest) -> str:
    """The visitor's address for the lock-out (``AXES_CLIENT_IP_CALLABLE``) and the session
    list: REMOTE_ADDR unless AANDACHT_TRUSTED_PROXIES says proxies stand in front."""
    return client_ip_from(
        str(request.META.get("REMOTE_ADDR", "")),
        str(request.META.get("HTTP_X_FORWARDED_FOR", "")),
        int(getattr(settings, "TRUSTED_PROXIES", 0)),
    )
