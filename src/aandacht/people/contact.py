"""Normalising contact details (pure; no Django): phones to E.164, emails, social handles."""

from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext as _

SOCIAL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("twitter", re.compile(r"(?:https?://)?(?:www\.)?(?:twitter|x)\.com/@?([A-Za-z0-9_]+)", re.I)),
    ("linkedin", re.compile(r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/in/([^/?#]+)", re.I)),
    ("instagram", re.compile(r"(?:https?://)?(?:www\.)?instagram\.com/([^/?#]+)", re.I)),
    ("github", re.compile(r"(?:https?://)?(?:www\.)?github\.com/([^/?#]+)", re.I)),
    ("facebook", re.compile(r"(?:https?://)?(?:www\.)?facebook\.com/([^/?#]+)", re.I)),
    ("bluesky", re.compile(r"(?:https?://)?bsky\.app/profile/([^/?#]+)", re.I)),
    ("mastodon", re.compile(r"(?:https?://)?([a-z0-9.-]+\.[a-z]+)/@([A-Za-z0-9_]+)", re.I)),
]

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidContact(ValueError):
    """A contact detail that cannot be right (an email without @, a phone without digits)."""


def normalize_phone(raw: str, region: str) -> str:
    """E.164 ("+31612345678") for a valid number; otherwise the digits as written, so it still
    matches itself. Only a *valid* number gets the home region's country code: "905-555-1234"
    from an American card is not a Dutch number, and calling "+31 905…" would reach no one."""
    text = raw.strip()
    if not re.search(r"\d", text):
        raise InvalidContact(
            _("%(value)r is not a phone number: it has no digits") % {"value": raw}
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return re.sub(r"[^\d+]", "", text)
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return re.sub(r"[^\d+]", "", text)


def format_phone(raw: str, region: str) -> str:
    """International format for display ("+31 6 12345678"); the input as written when it is
    not a valid number (see :func:`normalize_phone`)."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return raw
    if not phonenumbers.is_valid_number(number):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalize_email(raw: str) -> str:
    text = raw.strip()
    if not EMAIL_RE.match(text):
        raise InvalidContact(_("%(value)r is not an email address") % {"value": raw})
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}".lower()


def parse_social(raw: str) -> tuple[str, str]:
    """Recognise a profile URL or handle: ("twitter", "@jeroen") or ("other", raw)."""
    text = raw.strip()
    for service, pattern in SOCIAL_PATTERNS:
        match = pattern.match(text)
        if match:
            if service == "mastodon":
                return service, f"@{match.group(2)}@{match.group(1)}".lower()
            return service, "@" + match.group(1).strip("@").lower()
    if re.fullmatch(r"@[A-Za-z0-9_.]+@[A-Za-z0-9.-]+\.[a-z]+", text):
        return "mastodon", text.lower()
    return "other", text.lower()
