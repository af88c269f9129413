"""vCard and CSV export of a vault (or of one tag in it).

People are read in batches, with their contact details, addresses, dates, tags and shared notes
read as plain rows for the whole batch, so an export costs six queries per batch however many
people it holds, and memory stays bounded (10,000 people: about 4 s and 80 MB). Export never
writes to the database: a person without a vCard UID gets one derived from their identity
instead of a stored one.

Choices an importer has to mirror (see ``docs/import-export.md``):

* vCard: a contact label that is a vCard type (``work``, ``home``, ``cell``…) becomes that
  ``TYPE``; a label an address book would show differently (``mobile``, ``werk``, ``Gym``) is
  also written as an ``itemN.X-ABLabel`` (Apple's and Google's way), so the label comes back
  exactly. The first birthday is ``BDAY``, the first anniversary ``ANNIVERSARY``; every other
  date is an ``itemN.X-ABDATE`` with its label. A birthday or anniversary with a label of its
  own is grouped with an ``itemN.X-ABLabel`` too. Only shared notes are exported (never private
  ones), oldest first, as one ``NOTE`` with a blank line between them.
* Instant-messaging handles (a social profile labelled Skype, XMPP/Jabber, AIM, ICQ, MSN, Yahoo,
  Google Talk, SIP, IRC or Matrix, or a value with such a URI scheme, ``skype:anna``) are
  ``IMPP:skype:anna`` as RFC 6350 and Apple/Google read them, not ``X-SOCIALPROFILE``; a 3.0
  export adds the old property too (``X-SKYPE:anna``) for the readers of that era.
* ``ORG`` is the organisation, then the department as its second component
  (``ORG:IBM;Accounting``), each escaped (``ORG:Acme\\, Inc.``). Someone known only by their
  organisation (no given, family or nickname) is a company card: ``KIND:org`` in 4.0, Apple's
  ``X-ABShowAs:COMPANY`` in 3.0, ``FN`` the organisation and an empty ``N``.
* A phone number with an extension (``+1-418-656-9254;ext=102``, as a ``tel:`` URI imports) is
  ``TEL;VALUE=uri:tel:+1-418-656-9254;ext=102`` in 4.0 and the text
  ``+1-418-656-9254 ext. 102`` in 3.0, never an escaped ``\\;ext=``.
* A social profile labelled like a web page ("homepage", "website", "blog", "home", "work"…;
  :data:`URL_LABELS`) is a ``URL`` with that label, as it came in (the importer makes any
  LinkedIn/GitHub/… URL a social profile); other social profiles are ``X-SOCIALPROFILE``. An
  importer reading URLs before X-SOCIALPROFILEs (ours does) puts such a profile first.
* Aandacht keeps no preferred flag on a contact detail, so no ``PREF`` is written; the order
  of the person page is the order of the card.
* CSV: the header is :data:`CSV_COLUMNS`, the import's field names
  (:data:`aandacht.exchange.records.FIELD_NAMES`, with ``department`` after ``organisation``
  while that tuple lacks it), so an export imports again 1:1; several values in one cell
  (emails, phones, websites, social profiles, tags) are separated by :data:`MULTI_VALUE_SEPARATOR`
  (``" ::: "``, as in Google's CSV); only the first postal address fits the columns; dates are
  ``YYYY-MM-DD``, or ``--MM-DD`` without a year. A cell that a spreadsheet would run as a formula
  (it starts with ``=``, ``@``, a tab or a carriage return, or with ``+``/``-`` and is not a
  number) gets a leading ``'`` (:data:`FORMULA_GUARD`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Literal, NamedTuple

from aandacht.exchange import vcard
from aandacht.exchange.photos import stored_photo
from aandacht.exchange.records import FIELD_NAMES
from aandacht.people import names
from aandacht.people.editing import PHOTO_TYPES, sniff_image
from aandacht.people.models import (
    Address,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    SocialService,
    Tag,
)
from aandacht.timeline.models import Note

if TYPE_CHECKING:
    from aandacht.accounts.models import Vault
    from aandacht.people.models import PersonQuerySet

__all__ = [
    "CSV_COLUMNS",
    "FORMULA_GUARD",
    "MULTI_VALUE_SEPARATOR",
    "NOTE_SEPARATOR",
    "PEOPLE_PER_BATCH",
    "derived_uid",
    "derived_uid_for",
    "load_details",
    "export_csv",
    "export_vcards",
    "im_handle",
    "people_to_export",
    "person_to_card",
    "person_to_row",
]

PEOPLE_PER_BATCH = 500
# The CSV header: the field names a CSV column maps to on import, in their order. The mapped
# CSV reader takes "department" before FIELD_NAMES lists it; it goes after "organisation".
CSV_COLUMNS: tuple[str, ...] = (
    FIELD_NAMES
    if "department" in FIELD_NAMES
    else (
        *FIELD_NAMES[: FIELD_NAMES.index("organisation") + 1],
        "department",
        *FIELD_NAMES[FIELD_NAMES.index("organisation") + 1 :],
    )
)
MULTI_VALUE_SEPARATOR = " ::: "
FORMULA_GUARD = "'"
NOTE_SEPARATOR = "\n\n"

# Derived UIDs for people without one: stable for the same person, different across vaults and
# installs (the creation moment is part of it), and never stored by an export.
UID_NAMESPACE = uuid.UUID("6f0b8f2e-3c1a-5d7e-9a4b-aa0d0c47e5a1")

# Labels (folded) that name a vCard TYPE, per kind of value. Dutch labels are the demo's and
# the web form's examples; anything else is written as an X-ABLabel only.
_PLACE_TYPES: dict[str, str] = {
    "work": "work",
    "werk": "work",
    "office": "work",
    "kantoor": "work",
    "home": "home",
    "thuis": "home",
    "prive": "home",
    "personal": "home",
    "private": "home",
}
_PHONE_TYPES: dict[str, str] = {
    **_PLACE_TYPES,
    "cell": "cell",
    "mobile": "cell",
    "mobiel": "cell",
    "gsm": "cell",
    "fax": "fax",
    "pager": "pager",
}
_TYPES_FOR_KIND: dict[str, dict[str, str]] = {
    ContactKind.EMAIL: _PLACE_TYPES,
    ContactKind.PHONE: _PHONE_TYPES,
    ContactKind.WEBSITE: _PLACE_TYPES,
    "address": _PLACE_TYPES,
}
# The label an importer (ours, Apple's, Google's) shows for a TYPE alone.
_LABEL_OF_TYPE = {"work": "work", "home": "home", "cell": "mobile", "fax": "fax", "pager": "pager"}

# Folded labels under which a social profile is really a web page someone gave as their
# homepage (``URL;TYPE=home:https://linkedin.com/in/…`` imports as a social profile labelled
# "home"): such a profile is written back as a URL, which every address book shows.
URL_LABELS = frozenset(
    {
        "homepage",
        "home page",
        "website",
        "web site",
        "webpage",
        "web page",
        "webpagina",
        "site",
        "url",
        "blog",
        "home",
        "work",
        "personal",
        "business",
        "school",
    }
)
# A tel: URI's extension as imports keep it ("+1-418-656-9254;ext=102").
_EXTENSION = re.compile(r";\s*ext\s*=\s*([^;]*)", re.IGNORECASE)


class InstantMessaging(NamedTuple):
    """How an IM service is written: its IMPP URI scheme, Apple's ``X-SERVICE-TYPE`` (or ""),
    the 3.0-era property Google and Android write (or ""), and the label our importer gives an
    IMPP of that scheme (so an equal label needs no X-ABLabel).
    """

    scheme: str
    service_type: str
    legacy: str
    label: str


# Folded labels that name an IM service. Google Talk and Jabber are XMPP underneath.
IM_SERVICES: dict[str, InstantMessaging] = {
    "skype": InstantMessaging("skype", "Skype", "X-SKYPE", "Skype"),
    "xmpp": InstantMessaging("xmpp", "Jabber", "X-JABBER", "XMPP"),
    "jabber": InstantMessaging("xmpp", "Jabber", "X-JABBER", "XMPP"),
    "google talk": InstantMessaging("xmpp", "GoogleTalk", "X-GTALK", "XMPP"),
    "gtalk": InstantMessaging("xmpp", "GoogleTalk", "X-GTALK", "XMPP"),
    "aim": InstantMessaging("aim", "AIM", "X-AIM", "AIM"),
    "icq": InstantMessaging("icq", "ICQ", "X-ICQ", "ICQ"),
    "msn": InstantMessaging("msnim", "MSN", "X-MSN", "MSN"),
    "yahoo": InstantMessaging("ymsgr", "Yahoo", "X-YAHOO", "Yahoo"),
    "sip": InstantMessaging("sip", "", "", "SIP"),
    "irc": InstantMessaging("irc", "", "", "IRC"),
    "matrix": InstantMessaging("matrix", "", "", "Matrix"),
}
_IM_SCHEMES: dict[str, InstantMessaging] = {}
for _service in IM_SERVICES.values():
    _IM_SCHEMES.setdefault(_service.scheme, _service)


class ImHandle(NamedTuple):
    uri: str  # skype:anna
    handle: str  # anna
    service: InstantMessaging


def im_handle(service: str, value: str, label: str) -> ImHandle | None:
    """The IMPP form of a social contact that is an IM handle, else None.

    A value with a known scheme (``skype:anna``, ``xmpp:anna@example.org``) is one whatever its
    label; a bare handle is one when its label names the service ("Skype"). A web address
    (``https://join.skype.com/…``) and a known social network's profile never are.
    """
    text = value.strip()
    if service not in ("", SocialService.OTHER) or not text or "://" in text:
        return None
    scheme, colon, rest = text.partition(":")
    found = _IM_SCHEMES.get(scheme.lower()) if colon and rest else None
    if found is not None:
        return ImHandle(f"{scheme.lower()}:{rest}", rest, found)
    found = IM_SERVICES.get(names.fold(label))
    if found is None:
        return None
    return ImHandle(f"{found.scheme}:{text}", text, found)


def vcard_types(kind: str, label: str) -> tuple[list[str], str]:
    """The ``TYPE`` values and the ``X-ABLabel`` (or "") that carry a contact label.

    The label is written as an X-ABLabel too unless the TYPE alone reads back as exactly the
    same label, so it comes back as it was ("mobiel" is ``TYPE=cell`` *and* X-ABLabel
    "mobiel"; "mobile" is just ``TYPE=cell``).
    """
    text = label.strip()
    if not text:
        return [], ""
    vcard_type = _TYPES_FOR_KIND.get(kind, {}).get(names.fold(text))
    if vcard_type is None:
        return [], text
    return [vcard_type], "" if text == _LABEL_OF_TYPE[vcard_type] else text


# --------------------------------------------------------------------------------------------
# One person.


def derived_uid(person: Person) -> str:
    """A stable ``urn:uuid:`` for a person who has no UID yet (nothing is written)."""
    return derived_uid_for(person.vault_id, person.pk, person.created_at)


def derived_uid_for(vault_id: int, person_id: int, created_at: dt.datetime | None) -> str:
    """:func:`derived_uid` from the columns alone, so an importer can recognise its own export
    (``values_list("vault_id", "pk", "created_at")``) without loading people."""
    created = created_at.astimezone(dt.UTC).isoformat() if created_at else ""
    return "urn:uuid:" + str(uuid.uuid5(UID_NAMESPACE, f"{vault_id}/{person_id}/{created}"))


def _partial(date: DateRow) -> vcard.PartialDate:
    return vcard.PartialDate(date.year, date.month, date.day)


def _abdate_value(date: DateRow, version: vcard.Version) -> tuple[str, str]:
    """(parameters, value) of an X-ABDATE, in the same forms the writer uses for BDAY."""
    if date.year is None:
        if version == "4.0":
            return "", f"--{date.month:02d}{date.day:02d}"
        return ";X-APPLE-OMIT-YEAR=1604", f"1604-{date.month:02d}-{date.day:02d}"
    if version == "4.0":
        return "", f"{date.year:04d}{date.month:02d}{date.day:02d}"
    return "", f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def _escape_text(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _groups(lines: Iterable[str]) -> set[str]:
    """The ``itemN`` groups the raw lines use (the writer numbers its own groups past them)."""
    return {
        line.split(".", 1)[0].lower()
        for line in lines
        if "." in line.split(":", 1)[0].split(";", 1)[0]
    }


def _im_lines(im: ImHandle, label: str, version: vcard.Version, extra: list[str]) -> list[str]:
    """``IMPP;X-SERVICE-TYPE=Skype:skype:anna`` (Apple's and Android's form), grouped with an
    X-ABLabel when the label is not the one the scheme gives; in 3.0 also ``X-SKYPE:anna``,
    which Google and older readers take instead.
    """
    params = f";X-SERVICE-TYPE={im.service.service_type}" if im.service.service_type else ""
    uri = im.uri.replace("\r", "%0D").replace("\n", "%0A")  # a URI is written unescaped
    lines: list[str] = []
    if label and label != im.service.label:
        used = _groups(extra)
        number = 1
        while f"item{number}" in used:
            number += 1
        lines.append(f"item{number}.IMPP{params}:{uri}")
        lines.append(f"item{number}.X-ABLabel:{_escape_text(label)}")
    else:
        lines.append(f"IMPP{params}:{uri}")
    if version == "3.0" and im.service.legacy:
        lines.append(f"{im.service.legacy}:{_escape_text(im.handle)}")
    return lines


def _next_group(lines: Iterable[str]) -> str:
    """The first ``itemN`` group the lines do not use yet."""
    used = _groups(lines)
    number = 1
    while f"item{number}" in used:
        number += 1
    return f"item{number}"


def _is_company(person: Person) -> bool:
    """Someone known only by their organisation, as :attr:`Person.name` calls them."""
    return bool(
        person.organisation.strip()
        and not (person.given_name.strip() or person.family_name.strip() or person.nickname.strip())
    )


def _phone_with_extension(value: str) -> tuple[str, str] | None:
    """(number, extension) of a phone stored as a ``tel:`` URI with ``;ext=``, else None."""
    found = _EXTENSION.search(value)
    if found is None or not found.group(1).strip():
        return None
    number = (value[: found.start()] + value[found.end() :]).strip()
    return number, found.group(1).strip()


def _phone_lines(
    value: str, types: list[str], label: str, version: vcard.Version, extra: list[str]
) -> vcard.Value | list[str]:
    """A phone with an extension as 4.0 ``TEL;VALUE=uri`` lines (the writer would escape the
    ``;``) or as 3.0 text with "ext."; any other phone as a plain value for the writer."""
    split = _phone_with_extension(value)
    if split is None:
        return vcard.Value(value, types, label)
    number, extension = split
    if version == "3.0":
        return vcard.Value(f"{number} ext. {extension}", types, label)
    uri = "tel:" + re.sub(r"\s+", "-", number) + ";ext=" + re.sub(r"\s+", "", extension)
    uri = uri.replace("\r", "%0D").replace("\n", "%0A")
    params = ";VALUE=uri" + (";TYPE=" + ",".join(types) if types else "")
    if not label:
        return [f"TEL{params}:{uri}"]
    group = _next_group(extra)
    return [f"{group}.TEL{params}:{uri}", f"{group}.X-ABLabel:{_escape_text(label)}"]


def _read_photo(person: Person) -> vcard.Photo | None:
    """The photo file inline; a photo that went missing from storage is left out, not fatal."""
    data = stored_photo(person.photo)
    if data is None:
        return None
    extension = sniff_image(data[:16])
    if extension is None:
        return None
    return vcard.Photo(data=data, mime=PHOTO_TYPES[extension])


def _date_lines(dates: Sequence[DateRow], card: vcard.Card, version: vcard.Version) -> list[str]:
    """Set BDAY/ANNIVERSARY on the card; return the X-ABDATE lines for every other date.

    A first birthday or anniversary with its own label is returned as a grouped line with its
    X-ABLabel instead of being set on the card (the card has no place for its label).
    """
    lines: list[str] = []
    group = 0
    while f"item{group + 1}" in _groups(card.extra):  # the IM lines may have taken some
        group += 1
    birthday = anniversary = False
    for date in dates:
        first = (date.kind == DateKind.BIRTHDAY and not birthday) or (
            date.kind == DateKind.ANNIVERSARY and not anniversary
        )
        if first:
            birthday = birthday or date.kind == DateKind.BIRTHDAY
            anniversary = anniversary or date.kind == DateKind.ANNIVERSARY
            own_label = date.label.strip()
            if not own_label:
                if date.kind == DateKind.BIRTHDAY:
                    card.birthday = _partial(date)
                else:
                    card.anniversary = _partial(date)
                continue
            # A label of its own ("geboortedag") rides in the property's group, as for EMAIL.
            params, value = _abdate_value(date, version)
            if date.kind == DateKind.BIRTHDAY:
                name = "BDAY"
            else:
                name = "ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY"
            group += 1
            lines.append(f"item{group}.{name}{params}:{value}")
            lines.append(f"item{group}.X-ABLabel:{_escape_text(own_label)}")
            continue
        params, value = _abdate_value(date, version)
        label = date.label.strip() or ("" if date.kind == DateKind.CUSTOM else str(date.kind))
        if label:
            group += 1
            # the writer numbers its own groups past the ones used here
            lines.append(f"item{group}.X-ABDATE{params}:{value}")
            lines.append(f"item{group}.X-ABLabel:{_escape_text(label)}")
        else:
            lines.append(f"X-ABDATE{params}:{value}")
    return lines


def _looks_like_url(value: str) -> bool:
    text = value.strip().lower()
    return "://" in text or text.startswith("www.") or ("/" in text and " " not in text)


def person_to_card(
    person: Person,
    *,
    notes: list[str],
    version: vcard.Version = "4.0",
    details: Details | None = None,
) -> vcard.Card:
    """Everything vCard carries about a person; ``notes`` are the shared notes, oldest first.

    ``details`` (from :func:`load_details`) saves the queries when converting many people;
    without it they are read for this person. ``version`` only decides how extra dates are
    spelled (the writer spells the rest).
    """
    if details is None:
        details = load_details([person.pk])[person.pk]
    department = person.department.strip()
    card = vcard.Card(
        uid=person.uid or derived_uid(person),
        formatted_name=names.display_name(person.given_name, person.particles, person.family_name),
        family=" ".join(p for p in (person.particles.strip(), person.family_name.strip()) if p),
        given=person.given_name.strip(),
        prefixes=person.name_prefix.strip(),
        suffixes=person.name_suffix.strip(),
        nicknames=[person.nickname.strip()] if person.nickname.strip() else [],
        organisation=person.organisation.strip(),
        departments=[department] if department else [],
        title=person.job_title.strip(),
        time_zone=person.time_zone.strip(),
    )
    if _is_company(person):
        card.formatted_name = card.organisation
        if version == "4.0":
            card.kind = "org"
        else:
            card.extra.append("X-ABShowAs:COMPANY")
    for method in details.contacts:
        types, label = vcard_types(method.kind, method.label)
        if method.kind == ContactKind.EMAIL:
            card.emails.append(vcard.Value(method.value, types, label))
        elif method.kind == ContactKind.PHONE:
            phone = _phone_lines(method.value, types, label, version, card.extra)
            if isinstance(phone, vcard.Value):
                card.phones.append(phone)
            else:
                card.extra.extend(phone)
        elif method.kind == ContactKind.WEBSITE:
            card.urls.append(vcard.Value(method.value, types, label))
        elif method.kind == ContactKind.SOCIAL:
            im = im_handle(method.service, method.value, method.label)
            if im is not None:
                card.extra.extend(_im_lines(im, method.label.strip(), version, card.extra))
                continue
            if names.fold(method.label) in URL_LABELS and _looks_like_url(method.value):
                url_types, url_label = vcard_types(ContactKind.WEBSITE, method.label)
                card.urls.append(vcard.Value(method.value, url_types, url_label))
                continue
            service = method.service if method.service != SocialService.OTHER else ""
            card.socials.append(vcard.Value(method.value, [service] if service else [], label))
    for address in details.addresses:
        types, label = vcard_types("address", address.label)
        card.addresses.append(
            vcard.Address(
                street=address.street,
                locality=address.locality,
                region=address.region,
                postal_code=address.postal_code,
                country=address.country,
                types=types,
                label=label,
            )
        )
    card.extra.extend(_date_lines(details.dates, card, version))
    if person.pronouns.strip():
        # RFC 9554 added PRONOUNS to vCard 4.0; 3.0 readers get the same as an extension.
        name = "PRONOUNS" if version == "4.0" else "X-PRONOUNS"
        card.extra.append(f"{name}:{_escape_text(person.pronouns.strip())}")
    card.photo = _read_photo(person)
    card.note = NOTE_SEPARATOR.join(n.strip() for n in notes if n.strip())
    card.categories = sorted(details.tags, key=names.fold)
    if person.updated_at:
        card.rev = person.updated_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return card


# --------------------------------------------------------------------------------------------
# Many people.


def people_to_export(vault: Vault, tag: Tag | None = None) -> PersonQuerySet:
    """The vault's people (not those in the trash), or only those with ``tag``."""
    people = Person.objects.in_vault(vault)
    if tag is not None:
        if tag.vault_id != vault.pk:
            raise ValueError("the tag belongs to another vault")
        people = people.filter(tags=tag)
    return people


class ContactRow(NamedTuple):
    kind: str
    value: str
    label: str
    service: str


class AddressRow(NamedTuple):
    label: str
    street: str
    postal_code: str
    locality: str
    region: str
    country: str


class DateRow(NamedTuple):
    kind: str
    label: str
    month: int
    day: int
    year: int | None


@dataclass
class Details:
    """What hangs off a person, as plain rows in the order a person page shows them."""

    contacts: list[ContactRow] = field(default_factory=list)
    addresses: list[AddressRow] = field(default_factory=list)
    dates: list[DateRow] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # shared notes only, oldest first


def load_details(person_ids: Sequence[int]) -> dict[int, Details]:
    """The details of many people in five queries (one per kind), however many people.

    Plain value rows rather than ``prefetch_related``: building model instances and a related
    manager per person made an export of 10,000 people five times slower.
    """
    details = {pk: Details() for pk in person_ids}
    contacts = (
        ContactMethod.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "position", "id")
        .values_list("person_id", "kind", "value", "label", "service")
    )
    for person_id, kind, value, label, service in contacts:
        details[person_id].contacts.append(ContactRow(kind, value, label, service))
    addresses = (
        Address.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "id")
        .values_list("person_id", "label", "street", "postal_code", "locality", "region", "country")
    )
    for person_id, *address in addresses:
        details[person_id].addresses.append(AddressRow(*address))
    dates = (
        ImportantDate.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "id")
        .values_list("person_id", "kind", "label", "month", "day", "year")
    )
    for person_id, kind, label, month, day, year in dates:
        details[person_id].dates.append(DateRow(kind, label, month, day, year))
    tagged = Person.tags.through.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "tag__name"
    )
    for person_id, tag_name in tagged:
        details[person_id].tags.append(tag_name)
    notes = (
        Note.objects.filter(person_id__in=person_ids, private=False)
        .order_by("occurred_at", "id")
        .values_list("person_id", "body")
    )
    for person_id, body in notes:
        details[person_id].notes.append(body)
    return details


# Long texts an export does not use; the search columns can be large.
UNUSED_COLUMNS = (
    "search_names",
    "search_text",
    "met_story",
    "what_they_do",
    "what_they_care_about",
)


def batches(vault: Vault, tag: Tag | None = None) -> Iterator[list[tuple[Person, Details]]]:
    """People in name order, ``PEOPLE_PER_BATCH`` at a time, each with their details.

    The ids are read first (cheap even for 100,000 people) so each batch is a plain ``IN``
    query rather than an ever slower OFFSET; someone trashed meanwhile is simply left out.
    A batch costs six queries, however many people it holds.
    """
    selected = people_to_export(vault, tag)
    ids = list(selected.order_by("sort_key", "id").values_list("pk", flat=True))
    for start in range(0, len(ids), PEOPLE_PER_BATCH):
        chunk = ids[start : start + PEOPLE_PER_BATCH]
        people = people_to_export(vault).filter(pk__in=chunk).defer(*UNUSED_COLUMNS)
        found = {person.pk: person for person in people}
        details = load_details([pk for pk in chunk if pk in found])
        yield [(found[pk], details[pk]) for pk in chunk if pk in found]


def export_vcards(
    vault: Vault,
    out: IO[str],
    *,
    version: Literal["4.0", "3.0"] = "4.0",
    tag: Tag | None = None,
) -> int:
    """Write every (tagged) person as a vCard to ``out``; return how many.

    ``out`` should not translate line ends (``newline=""``): the cards end their lines in CRLF.
    """
    count = 0
    for batch in batches(vault, tag):
        out.write(
            "".join(
                vcard.write_card(
                    person_to_card(person, notes=d.notes, version=version, details=d), version
                )
                for person, d in batch
            )
        )
        count += len(batch)
    return count


# --------------------------------------------------------------------------------------------
# CSV.

# Digits and punctuation only (phone numbers, also several in one cell): no function to call.
_NUMBER_LIKE = re.compile(r"[+-][\d\s().\-/:+]*\Z")


def guard_formula(text: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection).

    Phone numbers such as ``+31 6 1234 5678`` stay as they are.
    """
    if not text:
        return text
    first = text[0]
    if first in "=@\t\r" or (first in "+-" and not _NUMBER_LIKE.match(text)):
        return FORMULA_GUARD + text
    return text


def _joined(values: Iterable[str]) -> str:
    return MULTI_VALUE_SEPARATOR.join(v for v in values if v)


def person_to_row(
    person: Person, *, notes: list[str], details: Details | None = None
) -> dict[str, str]:
    """One CSV row, keyed by :data:`CSV_COLUMNS` in their order (before the formula guard)."""
    if details is None:
        details = load_details([person.pk])[person.pk]
    address = details.addresses[0] if details.addresses else None

    def first_date(kind: str) -> str:
        found = next((d for d in details.dates if d.kind == kind), None)
        if found is None:
            return ""
        if found.year is None:
            return f"--{found.month:02d}-{found.day:02d}"
        return f"{found.year:04d}-{found.month:02d}-{found.day:02d}"

    def of_kind(kind: str) -> str:
        return _joined(m.value for m in details.contacts if m.kind == kind)

    row = {
        "full_name": names.display_name(person.given_name, person.particles, person.family_name),
        "given_name": person.given_name,
        "particles": person.particles,
        "family_name": person.family_name,
        "nickname": person.nickname,
        "name_prefix": person.name_prefix,
        "name_suffix": person.name_suffix,
        "organisation": person.organisation,
        "department": person.department,
        "job_title": person.job_title,
        "email": of_kind(ContactKind.EMAIL),
        "phone": of_kind(ContactKind.PHONE),
        "website": of_kind(ContactKind.WEBSITE),
        "social": of_kind(ContactKind.SOCIAL),
        "street": address.street if address else "",
        "postal_code": address.postal_code if address else "",
        "city": address.locality if address else "",
        "region": address.region if address else "",
        "country": address.country if address else "",
        "birthday": first_date(DateKind.BIRTHDAY),
        "anniversary": first_date(DateKind.ANNIVERSARY),
        "note": NOTE_SEPARATOR.join(n.strip() for n in notes if n.strip()),
        "tags": _joined(sorted(details.tags, key=names.fold)),
        "met_on": person.met_on.isoformat() if person.met_on else "",
        "met_at": person.met_at,
        "time_zone": person.time_zone,
        "pronouns": person.pronouns,
    }
    return {name: row[name] for name in CSV_COLUMNS}


def export_csv(vault: Vault, out: IO[str], *, tag: Tag | None = None) -> int:
    """Write every (tagged) person as one CSV row (RFC 4180, CRLF) to ``out``; return how many.

    ``out`` should be opened with ``newline=""``, as the csv module asks.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for batch in batches(vault, tag):
        writer.writerows(
            [guard_formula(value) for value in person_to_row(p, notes=d.notes, details=d).values()]
            for p, d in batch
        )
        count += len(batch)
    return count
