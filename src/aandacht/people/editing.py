"""Edits to one person, section by section: the write side of the person page.

Shared by the web views, and ready for the API and the CLI. Every function checks that what it
links (an introducer, a relative, a tag) belongs to the person's own vault, runs in one
transaction, and is harmless when repeated: adding the same email twice keeps one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import IO, Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aandacht.people import contact, services
from aandacht.people.models import (
    INVERSE_KIND,
    Address,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Relationship,
    RelationshipKind,
    Tag,
)

# Fields a section of the person page may change with :func:`update_person`.
EDITABLE_FIELDS = frozenset(
    {
        "given_name",
        "particles",
        "family_name",
        "nickname",
        "name_prefix",
        "name_suffix",
        "pronouns",
        "time_zone",
        "organisation",
        "department",
        "job_title",
        "met_on",
        "met_at",
        "met_channel",
        "met_via",
        "met_story",
        "what_they_do",
        "what_they_care_about",
    }
)

# The first bytes of the image types a browser shows; anything else (SVG included: it can
# carry scripts) is refused.
IMAGE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
)
PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


class PhotoRejected(ValueError):
    """An upload that is not a photo we can show, or too large."""


# People and their details -------------------------------------------------------------------


@transaction.atomic
def update_person(person: Person, changes: Mapping[str, Any]) -> Person:
    """Save changed fields of a person; an introducer must be someone else in the same vault."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(_("these fields cannot be edited: %(fields)s") % {"fields": unknown})
    via = changes.get("met_via")
    if via is not None:
        if via.vault_id != person.vault_id or via.trashed_at is not None:
            raise ValueError(_("the person who introduced you must be in the same vault"))
        if via.pk == person.pk:
            raise ValueError(_("someone cannot introduce themselves"))
    if not (
        changes.get("given_name", person.given_name)
        or changes.get("family_name", person.family_name)
    ):
        raise ValueError(_("a person needs a name"))
    for field, value in changes.items():
        setattr(person, field, value.strip() if isinstance(value, str) else value)
    person.save(update_fields=[*changes, "updated_at"])
    return person


def check_phone(raw: str) -> str:
    """E.164 for a number that can exist; a clear error for one that cannot."""
    text = raw.strip()
    contact.normalize_phone(text, settings.PHONE_REGION)  # no digits at all: its own message
    try:
        number = phonenumbers.parse(text, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise contact.InvalidContact(
            _(
                "%(value)s is not a phone number we can call: check the digits, and start a "
                "number abroad with + and its country code."
            )
            % {"value": text}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_website(raw: str) -> str:
    """A web address with its scheme ("example.org" becomes "https://example.org")."""
    text = raw.strip()
    address = text if text.lower().startswith(("http://", "https://")) else f"https://{text}"
    try:
        URLValidator(schemes=["http", "https"])(address)
    except ValidationError:
        raise contact.InvalidContact(
            _("%(value)s is not a web address") % {"value": text}
        ) from None
    return address


def normalized_contact(kind: str, raw: str) -> tuple[str, str, str]:
    """``(value, normalized, service)`` for a contact detail, or :class:`InvalidContact`."""
    value = raw.strip()
    if not value:
        raise contact.InvalidContact(_("a contact detail cannot be empty"))
    if kind == ContactKind.EMAIL:
        return value, contact.normalize_email(value), ""
    if kind == ContactKind.PHONE:
        return value, check_phone(value), ""
    if kind == ContactKind.WEBSITE:
        address = check_website(value)
        normalized = address.lower().removeprefix("https://").removeprefix("http://").rstrip("/")
        return address, normalized, ""
    if kind == ContactKind.SOCIAL:
        service, normalized = contact.parse_social(value)
        return value, normalized, service
    raise contact.InvalidContact(_("unknown contact kind %(kind)r") % {"kind": kind})


@transaction.atomic
def add_contact(person: Person, kind: str, raw: str, *, label: str = "") -> ContactMethod:
    """Add an email, phone, website or profile; the same detail twice is kept once."""
    value, normalized, service = normalized_contact(kind, raw)
    existing = person.contact_methods.filter(kind=kind, normalized=normalized).first()
    if existing is not None:
        return existing
    method = services.add_contact_method(person, kind, value, label=label.strip(), service=service)
    if method.normalized != normalized:  # the stricter checks here have the last word
        method.normalized = normalized
        method.save(update_fields=["normalized"])
    return method


@transaction.atomic
def update_contact(method: ContactMethod, kind: str, raw: str, *, label: str = "") -> ContactMethod:
    value, normalized, service = normalized_contact(kind, raw)
    if method.kind != kind:
        method.position = method.person.contact_methods.filter(kind=kind).count()
    method.kind = kind
    method.value = value
    method.normalized = normalized
    method.service = service
    method.label = label.strip()
    method.save()
    return method


@transaction.atomic
def add_address(person: Person, fields: Mapping[str, str]) -> Address:
    """Add a postal address; an identical one already on file is returned instead."""
    cleaned = _address_fields(fields)
    existing = person.addresses.filter(**cleaned).first()
    return existing or Address.objects.create(person=person, **cleaned)


@transaction.atomic
def update_address(address: Address, fields: Mapping[str, str]) -> Address:
    for name, value in _address_fields(fields).items():
        setattr(address, name, value)
    address.save()
    return address


def _address_fields(fields: Mapping[str, str]) -> dict[str, str]:
    names = ("label", "street", "postal_code", "locality", "region", "country")
    cleaned = {name: str(fields.get(name) or "").strip() for name in names}
    if not any(cleaned[name] for name in names if name != "label"):
        raise ValueError(_("an address needs at least a street, a city or a country"))
    return cleaned


def check_date(month: int, day: int, year: int | None) -> None:
    """29 February is fine without a year (and in leap years); 30 February never is."""
    try:
        dt.date(year or 2000, month, day)
    except ValueError:
        shown = f"{day}-{month}" + (f"-{year}" if year else "")
        raise ValueError(_("%(date)s is not a date") % {"date": shown}) from None


@transaction.atomic
def add_date(
    person: Person, kind: str, month: int, day: int, year: int | None = None, label: str = ""
) -> ImportantDate:
    """Add a birthday, anniversary or other yearly date; the same one twice is kept once."""
    check_date(month, day, year)
    existing = person.important_dates.filter(
        kind=kind, month=month, day=day, year=year, label=label.strip()
    ).first()
    if existing is not None:
        return existing
    return services.add_important_date(person, kind, month, day, year, label.strip())


@transaction.atomic
def update_date(
    date: ImportantDate, kind: str, month: int, day: int, year: int | None = None, label: str = ""
) -> ImportantDate:
    check_date(month, day, year)
    if kind not in DateKind.values:
        raise ValueError(_("unknown date kind %(kind)r") % {"kind": kind})
    date.kind, date.month, date.day, date.year, date.label = kind, month, day, year, label.strip()
    date.save()
    return date


@transaction.atomic
def add_relationship(person: Person, role: str, other: Person, note: str = "") -> Relationship:
    """Record that ``other`` is ``role`` to ``person`` ("Ben is her child").

    Stored once; when the same relationship is on file from the other side, that row is kept.
    """
    if role not in RelationshipKind.values:
        raise ValueError(_("unknown relationship %(kind)r") % {"kind": role})
    if other.trashed_at is not None or other.vault_id != person.vault_id:
        raise ValueError(_("people in different vaults cannot be related"))
    mirrored = Relationship.objects.filter(
        from_person=person, to_person=other, kind=INVERSE_KIND[role]
    ).first()
    if mirrored is not None:
        return mirrored
    return services.relate(other, role, person, note=note.strip())


def relationship_of(person: Person, pk: int) -> Relationship | None:
    """One of this person's relationships (either side), or None."""
    return (
        Relationship.objects.filter(pk=pk, vault_id=person.vault_id)
        .filter(Q(from_person=person) | Q(to_person=person))
        .first()
    )


@transaction.atomic
def remove_relationship(person: Person, pk: int) -> bool:
    """Remove one of this person's relationships; False when it was already gone."""
    relationship = relationship_of(person, pk)
    if relationship is None:
        return False
    relationship.delete()
    return True


@transaction.atomic
def replace_tags(person: Person, chosen: Iterable[Tag], new_names: Iterable[str]) -> list[Tag]:
    """Set a person's tags to the chosen ones plus new names (matched case-insensitively)."""
    tags = {tag.pk: tag for tag in chosen}
    for tag in tags.values():
        if tag.vault_id != person.vault_id:
            raise ValueError(_("that tag belongs to another vault"))
    for tag in services.set_tags(person.vault, person, new_names):
        tags[tag.pk] = tag
    person.tags.set(list(tags.values()))
    return sorted(tags.values(), key=lambda tag: tag.name.casefold())


def split_tag_names(text: str) -> list[str]:
    """ "friends, running club" -> ["friends", "running club"]; blanks and repeats dropped."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


@transaction.atomic
def remove_contact(person: Person, pk: int) -> bool:
    """Remove a contact detail of this person; False when it was already gone."""
    deleted, _rows = person.contact_methods.filter(pk=pk).delete()
    return deleted > 0


@transaction.atomic
def remove_address(person: Person, pk: int) -> bool:
    deleted, _rows = person.addresses.filter(pk=pk).delete()
    return deleted > 0


@transaction.atomic
def remove_date(person: Person, pk: int) -> bool:
    deleted, _rows = person.important_dates.filter(pk=pk).delete()
    return deleted > 0


# Photos ---------------------------------------------------------------------------------------


def sniff_image(head: bytes) -> str | None:
    """The file type ("jpg", "png", "gif", "webp") from a file's first bytes, else None."""
    for signature, extension, _mime in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return extension
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_photo(upload: IO[bytes], size: int | None) -> str:
    """The extension of an acceptable photo; :class:`PhotoRejected` says what is wrong."""
    limit = int(settings.UPLOAD_MAX_BYTES)
    if size is not None and size > limit:
        raise PhotoRejected(
            _("That file is %(size)s MB; a photo can be at most %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )
    if size == 0:
        raise PhotoRejected(_("That file is empty."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = sniff_image(head)
    if extension is None:
        raise PhotoRejected(_("That is not a photo: use a JPEG, PNG, GIF or WebP image."))
    return extension


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


@transaction.atomic
def set_photo(person: Person, upload: IO[bytes], size: int | None) -> Person:
    """Store a new photo under a random name (never the uploaded one); the old file goes."""
    extension = check_photo(upload, size)
    old_name = person.photo.name if person.photo else ""
    person.photo.save(f"{secrets.token_hex(12)}.{extension}", File(upload), save=False)
    person.save(update_fields=["photo", "updated_at"])
    if old_name:
        _delete_file_after_commit(person, old_name)
    return person


@transaction.atomic
def remove_photo(person: Person) -> Person:
    if person.photo:
        old_name = person.photo.name
        person.photo = ""
        person.save(update_fields=["photo", "updated_at"])
        _delete_file_after_commit(person, old_name)
    return person


def _delete_file_after_commit(person: Person, name: str) -> None:
    storage = person.photo.storage
    transaction.on_commit(lambda: storage.delete(name))


def photo_content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return PHOTO_TYPES.get(extension, "application/octet-stream")
