"""One record made ready to match and merge: everything that depends on the record alone.

Normalising contacts (phonenumbers), cleaning and shortening fields, checking dates, the
content UID, the folded name and the search columns a new person made from this record alone
would get: none of it needs the vault, so :mod:`pipeline` runs it in a second process while
the importer matches and writes (the importer runs it in-process for small files).

The warnings found here are the record's own (a too long field, a bad contact detail, an
impossible date); those that depend on the person the record lands on (no name, the photo)
are the importer's.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from aandacht.exchange import photos
from aandacht.exchange.matching import Identity, NameParts, match_keys
from aandacht.exchange.records import Problem, Record
from aandacht.people import contact, names
from aandacht.people.editing import check_website, sniff_image
from aandacht.people.models import (
    Address,
    Channel,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    SocialService,
    Tag,
)

_CHANNELS = frozenset(Channel.values)
_SERVICES = frozenset(SocialService.values)
_DATE_KINDS = frozenset(DateKind.values)
_ADDRESS_FIELDS = ("label", "street", "postal_code", "locality", "region", "country")
_NAME_FIELDS = ("given_name", "particles", "family_name")

# Person fields a record can fill, in the order conflicts are listed.
SCALAR_FIELDS: tuple[str, ...] = (
    "given_name",
    "particles",
    "family_name",
    "nickname",
    "name_prefix",
    "name_suffix",
    "pronouns",
    "organisation",
    "department",
    "job_title",
    "time_zone",
    "met_on",
    "met_channel",
    "met_at",
    "uid",
)


@dataclass(eq=False)
class PreparedIdentity(Identity):
    """An :class:`Identity` whose folded full name is computed once, not at every lookup."""

    full_name: str = ""
    # NameParts as a plain tuple: a slotted dataclass unpickles through Python code, slowly
    parts: tuple[str, str, bool] | None = None

    def name_parts(self) -> NameParts:
        if self.parts is None:
            made = super().name_parts()
            self.parts = (made.given, made.family, made.has_organisation)
            return made
        return NameParts(*self.parts)


@dataclass(eq=False)  # no slots: a slotted dataclass unpickles through Python code, slowly
class Prepared:
    """A record cleaned and normalised; what merging needs, and nothing of the vault."""

    number: int
    identity: PreparedIdentity
    values: dict[str, Any]  # SCALAR_FIELDS, cleaned; "" or None when the record has none
    contacts: list[tuple[str, str, str, str, str]]  # kind, value, normalized, service, label
    addresses: list[tuple[str, tuple[str, str, str, str, str, str]]]  # key, columns
    dates: list[tuple[str, str, int, int, int | None]]  # kind, label, month, day, year
    note: str
    tags: list[str]
    warnings: list[Problem] = field(default_factory=list)
    photo: tuple[bytes, str] | None = None  # data, extension
    photo_problem: tuple[str, str] | None = None  # code, message
    fallback_name: str = ""  # the first email or phone: the name of someone without one
    # For a new person made from this record alone: sort_key, search_names, search_text.
    documents: tuple[str, str, str] | None = None


@functools.cache
def max_length(model: Any, name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert isinstance(length, int)
    return length


@functools.cache
def _channel_label(value: str) -> str:
    return str(Channel(value).label)


class Preparer:
    """Prepares records for one import: the phone region and limits, looked up once."""

    def __init__(self, region: str, photo_limit: int) -> None:
        self.region = region
        self.photo_limit = photo_limit
        self.scalar_limits = {
            name: max_length(Person, name) for name in SCALAR_FIELDS if name != "met_on"
        }
        self.address_limits = {name: max_length(Address, name) for name in _ADDRESS_FIELDS}
        self.label_length = max_length(ContactMethod, "label")
        self.value_length = max_length(ContactMethod, "value")
        self.date_label_length = max_length(ImportantDate, "label")
        self.tag_length = max_length(Tag, "name")
        self.nickname_length = max_length(Person, "nickname")

    def prepare(self, record: Record) -> Prepared:
        warnings: list[Problem] = []
        number = record.number

        def warn(code: str, message: str) -> None:
            warnings.append(Problem(number, code, message))

        contacts, emails, phones, socials = self._contacts(record, warn)
        values = self._values(record, warn)
        addresses = self._addresses(record, warn)
        dates = self._dates(record, warn)
        tags: list[str] = []
        seen_tags: set[str] = set()
        for tag in record.tags:
            name = " ".join(tag.split())[: self.tag_length]
            if name and name.casefold() not in seen_tags:
                seen_tags.add(name.casefold())
                tags.append(name)
        given, particles, family = (values[n] for n in _NAME_FIELDS)
        identity = PreparedIdentity(
            uid=values["uid"],
            emails=emails,
            phones=phones,
            socials=socials,
            given=record.given_name,
            particles=record.particles,
            family=record.family_name,
            organisation=record.organisation,
            cities={a.locality for a in record.addresses if a.locality},
            birthdays={(d.month, d.day) for d in record.dates if d.kind == "birthday"},
            full_name=names.fold(f"{record.given_name} {record.particles} {record.family_name}"),
        )
        identity.name_parts()  # computed here, in the worker when there is one
        # The matcher folds these at every lookup; folding is idempotent, and folded text
        # takes its quick path (measured: a third of the main process's folding).
        fold = names.fold
        identity.given = fold(identity.given) or identity.given
        identity.particles = fold(identity.particles) or identity.particles
        identity.family = fold(identity.family) or identity.family
        identity.organisation = fold(identity.organisation) or identity.organisation
        identity.cities = {fold(city) or city for city in identity.cities}
        match_keys(identity)  # complete now: what the index needs, folded here once
        fallback = next(
            (value for kind, value, *_rest in contacts if kind in ("email", "phone")), ""
        )
        prepared = Prepared(
            number=number,
            identity=identity,
            values=values,
            contacts=contacts,
            addresses=addresses,
            dates=dates,
            note=record.note.strip(),
            tags=tags,
            warnings=warnings,
            fallback_name=fallback[: self.nickname_length],
        )
        self._photo(record, prepared)
        nickname = values["nickname"]
        if not (given or family or nickname or values["organisation"]):
            nickname = prepared.fallback_name
        prepared.documents = (
            names.sort_key(
                given,
                particles,
                family,
                fallback=names.fallback_name(nickname, values["organisation"]),
            ),
            *self._documents(values, nickname, contacts, tags, prepared.note),
        )
        return prepared

    def _contacts(
        self, record: Record, warn: Any
    ) -> tuple[list[tuple[str, str, str, str, str]], set[str], set[str], set[str]]:
        contacts: list[tuple[str, str, str, str, str]] = []
        emails: set[str] = set()
        phones: set[str] = set()
        socials: set[str] = set()
        for item in record.contacts:
            raw = " ".join(item.value.split())
            if not raw:
                continue
            if len(raw) > self.value_length:
                warn(
                    "too_long",
                    _("%(value)s… is longer than %(limit)d characters; left out.")
                    % {"value": raw[:40], "limit": self.value_length},
                )
                continue
            try:
                value, normalized, service = self._normalise(item.kind, raw, item.service)
            except contact.InvalidContact as error:
                warn("bad_contact", str(error))
                continue
            label = item.label.strip()[: self.label_length]
            contacts.append((item.kind, value, normalized, service, label))
            if item.kind == "email":
                emails.add(normalized)
            elif item.kind == "phone" and normalized.startswith("+"):
                # Only a valid number (E.164) is a key: "123456" as written is anyone's.
                phones.add(normalized)
            elif item.kind == "social":
                socials.add(f"{service}:{normalized}")
        return contacts, emails, phones, socials

    def _normalise(self, kind: str, raw: str, service_hint: str) -> tuple[str, str, str]:
        if kind == "email":
            return raw, contact.normalize_email(raw), ""
        if kind == "phone":
            return raw, contact.normalize_phone(raw, self.region), ""
        if kind == "website":
            address = check_website(raw)
            normalized = address.lower().removeprefix("https://").removeprefix("http://")
            return address, normalized.rstrip("/"), ""
        service, normalized = contact.parse_social(raw)
        if service == "other" and service_hint in _SERVICES:
            service = service_hint
        return raw, normalized, service

    def _values(self, record: Record, warn: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "given_name": record.given_name,
            "particles": record.particles,
            "family_name": record.family_name,
            "nickname": record.nickname,
            "name_prefix": record.name_prefix,
            "name_suffix": record.name_suffix,
            "pronouns": record.pronouns,
            "organisation": record.organisation,
            "department": record.department,
            "job_title": record.job_title,
            "time_zone": record.time_zone,
            "met_on": record.met_on,
            "met_channel": record.met_channel if record.met_channel in _CHANNELS else "",
            "met_at": record.met_at,
            "uid": record.uid.strip() or content_uid(record),
        }
        for name, limit in self.scalar_limits.items():
            value = values[name]
            if not value:
                continue
            value = " ".join(value.split()) if name != "uid" else value.strip()
            if len(value) > limit:
                warn(
                    "too_long",
                    _("%(field)s is longer than %(limit)d characters and was shortened.")
                    % {"field": field_label(name), "limit": limit},
                )
                value = value[:limit]
            values[name] = value
        return values

    def _addresses(
        self, record: Record, warn: Any
    ) -> list[tuple[str, tuple[str, str, str, str, str, str]]]:
        found: list[tuple[str, tuple[str, str, str, str, str, str]]] = []
        for incoming in record.addresses:
            if incoming.is_empty():
                continue
            columns: list[str] = []
            for name in _ADDRESS_FIELDS:
                raw = getattr(incoming, name)
                if name == "street" and "\n" in raw:  # a street of several lines keeps them
                    value = "\n".join(" ".join(s.split()) for s in raw.splitlines() if s.strip())
                else:
                    value = " ".join(raw.split())
                limit = self.address_limits[name]
                if len(value) > limit:
                    if name != "label":
                        warn(
                            "too_long",
                            _("An address line is longer than %(limit)d characters; shortened.")
                            % {"limit": limit},
                        )
                    value = value[:limit]
                columns.append(value)
            label, street, postal_code, locality, region, country = columns
            key = address_key(street, postal_code, locality, country)
            found.append((key, (label, street, postal_code, locality, region, country)))
        return found

    def _dates(self, record: Record, warn: Any) -> list[tuple[str, str, int, int, int | None]]:
        found: list[tuple[str, str, int, int, int | None]] = []
        for kind, raw in record.bad_dates:
            warn("bad_date", bad_date_message(number=record.number, kind=kind, value=raw))
        for incoming in record.dates:
            if not (1 <= incoming.month <= 12 and 1 <= incoming.day <= days_in(incoming.month)):
                warn(
                    "bad_date",
                    _("%(day)s-%(month)s is not a date; left out.")
                    % {"day": incoming.day, "month": incoming.month},
                )
                continue
            year = incoming.year if incoming.year and 1 <= incoming.year <= 9999 else None
            label = " ".join(incoming.label.split())[: self.date_label_length]
            date_kind = incoming.kind if incoming.kind in _DATE_KINDS else "custom"
            found.append((date_kind, label, incoming.month, incoming.day, year))
        return found

    def _photo(self, record: Record, prepared: Prepared) -> None:
        if record.photo is None:
            return
        data = record.photo.data
        if len(data) > self.photo_limit:
            prepared.photo_problem = ("photo_too_large", _("The photo is too large; left out."))
            return
        reason = photos.photo_problem(data)
        extension = sniff_image(data[:16])
        if reason is not None or extension is None:
            prepared.photo_problem = (
                "bad_photo",
                _("The photo cannot be shown (%(reason)s); it was left out.")
                % {"reason": reason or _("not an image")},
            )
            return
        prepared.photo = (data, extension)

    def _documents(
        self,
        values: dict[str, Any],
        nickname: str,
        contacts: list[tuple[str, str, str, str, str]],
        tags: list[str],
        note: str,
    ) -> tuple[str, str]:
        """What :func:`aandacht.people.search.build_documents` makes of a new person."""
        particles, family = values["particles"], values["family_name"]
        name_parts = (
            values["given_name"],
            particles,
            family,
            nickname,
            (particles + family).replace(" ", ""),
        )
        channel = values["met_channel"]
        text_parts = [
            values["organisation"],
            values["department"],
            values["job_title"],
            values["met_at"],
            channel,
            _channel_label(channel) if channel else "",
        ]
        for _kind, value, normalized, _service, _label in contacts:
            text_parts.append(value)
            if normalized != value and normalized != value.lower():
                text_parts.append(normalized)
        text_parts.extend(tags)
        if note:
            text_parts.append(note)
        return (
            names.fold(" ".join(part for part in name_parts if part)),
            names.fold(" ".join(part for part in text_parts if part)),
        )


def empty_problem(number: int) -> Problem:
    return Problem(
        number,
        "empty",
        _("Nothing to import: no name, contact detail or anything else."),
    )


def bad_date_message(*, number: int, kind: str, value: str) -> str:
    if kind == "birthday":
        return _("The birthday %(value)s is not a real date; it was left out.") % {"value": value}
    if kind == "anniversary":
        return _("The anniversary %(value)s is not a real date; it was left out.") % {
            "value": value
        }
    return _("The date %(value)s is not a real date; it was left out.") % {"value": value}


CONTENT_UID_PREFIX = "urn:aandacht:import:"


def content_uid(record: Record) -> str:
    """A UID for a record without one, from what it says: the same card finds itself again."""
    parts = [
        record.given_name,
        record.particles,
        record.family_name,
        record.nickname,
        record.organisation,
        *sorted(f"{c.kind}:{c.value.strip().casefold()}" for c in record.contacts),
        *sorted(f"{d.kind}:{d.month}-{d.day}-{d.year}" for d in record.dates),
    ]
    digest = hashlib.sha256(names.fold("|".join(parts)).encode()).hexdigest()
    return f"{CONTENT_UID_PREFIX}{digest[:32]}"


def address_key(street: str, postal_code: str, locality: str, country: str) -> str:
    """The same address whether its street lines are broken or joined with ", " (as imports
    before line breaks were kept stored them)."""
    if "\n" in street:
        street = ", ".join(line.strip() for line in street.splitlines() if line.strip())
    return names.fold("|".join((street, postal_code.replace(" ", ""), locality, country)))


def days_in(month: int) -> int:
    return (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]


def field_label(name: str) -> str:
    if name == "uid":
        return "UID"
    return str(getattr(Person._meta.get_field(name), "verbose_name", name))
