"""A client's vCard (CardDAV PUT) onto a person, and a DELETE into the trash.

The card is read with the import's reader and mapped with the import's mapping
(``exchange.from_vcard.record_from_card`` and ``exchange.prepare.Preparer``), so a phone and
a file import agree on what a vCard means. Unlike an import, which only fills gaps, a PUT
replaces: the card is the truth for everything vCard carries (names, organisation, job title,
pronouns, time zone, emails, phones, websites, social profiles, addresses, dates, tags, the
photo). What vCard does not carry stays as it is: how you met, interactions, relationships,
private notes, the archived state, keep-in-touch settings.

Choices (see also ``mapping``):

* **What the card leaves as served stays as stored.** A card sent back exactly as served
  changes nothing (not even a query per detail). Otherwise the card Aandacht serves now is
  read back like a client's, and every field and every kind of row (contact details,
  addresses, dates, tags) the client's card says the same about is left as it is: a card
  cannot tell particles "El" + "Amrani" from the family name "El Amrani", nor a second
  birthday with a label from a custom date, and a phone that edits a phone number must not
  rewrite those.
* **Rows keep their ids.** A contact detail with the same kind and normalised value stays
  (label and position follow the card); a changed one takes over a left-over row of its kind;
  an address or date that changed is updated in place.
* **Notes** are never edited or deleted from a phone. The served NOTE is the shared notes
  joined; a NOTE that differs adds one shared note by the writing user (only the new text
  when the phone appended to the NOTE; nothing when the phone deleted from it).
* **Unmodelled lines** (X- properties, GENDER, RELATED, a photo by URL or one Aandacht does not
  show, a date that is no yearly date…) are kept verbatim in ``Card.extra`` and written back
  once; a contact detail Aandacht refuses (an email without @) is kept there too, as a line.
  Related names (X-ABRELATEDNAMES, RELATED) stay such lines and do not become a note, as
  an import makes them: the phone shows them already.
* **UID**: a new card's UID becomes the person's. A card without one gets its file name (when
  that is a safe UID) or a new ``urn:uuid``. A UID used by another card (or person) of the
  vault is refused (409, ``no-uid-conflict``), and so is an update that changes the card's
  UID (as Radicale does): a client that wants another UID deletes the card and creates a new
  one. UIDs of other vaults do not count.
* **Refused cards** change nothing: more or fewer than one vCard, or one with a line that
  cannot be read, is a 400; a card that names nobody (the reader's ``nameless``: no FN, N,
  NICKNAME, ORG, email or phone) or a contact group (``KIND:group``, Apple's
  ``X-ADDRESSBOOKSERVER-KIND:group``: this address book holds people) is a 422; all with the
  CardDAV precondition ``valid-address-data``.
* Someone with no name but an email address or phone number keeps no name (the import would
  call them by the address; here that would put a nickname on the phone's card).
* ``existing`` (what the caller checked If-Match / If-None-Match against) is read again
  under a row lock: a card that changed, went or came meanwhile is a 412, so a concurrent
  write is never overwritten unseen. A tombstone at the href is revived (a deleted card's
  name can be used again).

Cost (file SQLite, no HTTP): a create about 14 ms CPU, an update 17 ms, a card sent back as
served 4 ms; most of a create or an update is ``store.settle`` rendering the card. Details
are compared with rows read once per kind and written in bulk, never a query per row.
"""

from __future__ import annotations

import copy
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.carddav import mapping, store
from aandacht.carddav.models import Card
from aandacht.exchange import exporting, photos, vcard
from aandacht.exchange.from_vcard import record_from_card
from aandacht.exchange.prepare import Prepared, Preparer, address_key, max_length
from aandacht.exchange.records import Problem, Record, RecordContact
from aandacht.people import contact, names
from aandacht.people.editing import check_website, sniff_image
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import (
    Address,
    ContactKind,
    ContactMethod,
    ImportantDate,
    Person,
    SocialService,
    Tag,
)
from aandacht.people.search import build_documents
from aandacht.timeline.models import Note

__all__ = ["CardRejected", "PutResult", "delete_card", "put_card"]

# The person's columns a card decides (the rest, how you met and so on, vCard does not carry).
CARD_FIELDS = (
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
)
VALID_DATA = "valid-address-data"
UID_CONFLICT = "no-uid-conflict"
# Contact details and unmodelled lines one card may hold (a photo counts once, however long).
MAX_PROPERTIES = 2_000


class CardRejected(Exception):
    """A PUT refused before anything was written; the protocol view turns it into a response.

    ``precondition`` is a CardDAV precondition element name (``valid-address-data``,
    ``no-uid-conflict``, …) or ""; ``message`` is English, for the response body.
    """

    def __init__(self, status: int, message: str, precondition: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.precondition = precondition


@dataclass
class PutResult:
    card: Card  # the live card, refreshed (text/etag/revision current)
    created: bool
    changed_by_server: bool  # the stored text differs from the body: answer without ETag


# --- reading the body ------------------------------------------------------------------------


def read_body(body: bytes) -> tuple[vcard.Card, Record]:
    """The one card in ``body`` and its record, or :class:`CardRejected`."""
    cards, errors = vcard.read_cards(body)
    numbers = {card.number for card in cards}
    numbers.update(error.card_number for error in errors if error.card_number is not None)
    if not numbers:
        raise CardRejected(400, "The body holds no vCard (BEGIN:VCARD … END:VCARD).", VALID_DATA)
    if len(numbers) > 1:
        raise CardRejected(
            400,
            f"The body holds {len(numbers)} vCards; a CardDAV resource is exactly one.",
            VALID_DATA,
        )
    if errors:
        error = errors[0]
        if error.code == "nameless":
            raise CardRejected(
                422,
                f"The vCard names nobody (line {error.line}): it has no FN, N, NICKNAME, ORG, "
                "email address or phone number.",
                VALID_DATA,
            )
        raise CardRejected(
            400, f"The vCard cannot be read: line {error.line}: {error.reason}.", VALID_DATA
        )
    card = cards[0]
    if "\x00" in vcard.write_card(card):
        # PostgreSQL cannot store a NUL in text; SQLite would keep and serve it back. (Not
        # checked on the bytes: a UTF-16 card is full of zero bytes and perfectly fine.)
        raise CardRejected(400, "The vCard contains a NUL character.", VALID_DATA)
    properties = (
        len(card.emails)
        + len(card.phones)
        + len(card.urls)
        + len(card.socials)
        + len(card.impps)
        + len(card.addresses)
        + len(card.extra)
    )
    if properties > MAX_PROPERTIES:
        # Each becomes a row (or a line written back on every sync): a card with 100,000
        # numbers held the database for seconds.
        raise CardRejected(
            400,
            f"The vCard has {properties:,} properties; at most {MAX_PROPERTIES:,} are stored.",
            VALID_DATA,
        )
    record = record_from_card(card)
    if isinstance(record, Problem):
        if record.code == "group":
            raise CardRejected(
                422,
                f"The vCard (line {card.line}) is a contact group; this address book holds "
                "people only.",
                VALID_DATA,
            )
        raise CardRejected(
            422, f"The vCard (line {card.line}) has nothing to store about a person.", VALID_DATA
        )
    return card, record


# --- contact details ----------------------------------------------------------------------------


@dataclass
class _Contact:
    kind: str
    value: str
    normalized: str
    service: str
    label: str
    key: tuple[str, str]


def _contact_key(
    kind: str, value: str, normalized: str, service: str, label: str
) -> tuple[str, str]:
    """What makes two contact details the same one: the normalised value, and for an IM handle
    the URI Aandacht writes ("anna" labelled Skype and "skype:anna" are one account)."""
    if kind == ContactKind.SOCIAL:
        im = exporting.im_handle(service, value, label)
        if im is not None:
            return "im", im.uri.casefold()
    return kind, normalized


def _contacts(record: Record) -> tuple[list[_Contact], list[RecordContact]]:
    """The record's contact details normalised as the import does, each once; and those
    Aandacht refuses (no digits in a phone number, an email without @, too long)."""
    value_length = max_length(ContactMethod, "value")
    label_length = max_length(ContactMethod, "label")
    region = str(settings.PHONE_REGION)
    found: list[_Contact] = []
    refused: list[RecordContact] = []
    keys: set[tuple[str, str]] = set()
    for item in record.contacts:
        raw = " ".join(item.value.split())
        if not raw:
            continue
        if len(raw) > value_length:
            refused.append(item)
            continue
        service = ""
        try:
            if item.kind == "email":
                value, normalized = raw, contact.normalize_email(raw)
            elif item.kind == "phone":
                value, normalized = raw, contact.normalize_phone(raw, region)
            elif item.kind == "website":
                value = check_website(raw)
                normalized = value.lower().removeprefix("https://").removeprefix("http://")
                normalized = normalized.rstrip("/")
            else:
                service, normalized = contact.parse_social(raw)
                if service == SocialService.OTHER and item.service in SocialService.values:
                    service = item.service
                value = raw
        except contact.InvalidContact:
            refused.append(item)
            continue
        label = item.label.strip()[:label_length]
        key = _contact_key(item.kind, value, normalized, service, label)
        if key in keys:
            continue
        keys.add(key)
        found.append(_Contact(item.kind, value, normalized, service, label, key))
    found.sort(key=_render_rank)
    return found, refused


def _render_rank(item: _Contact) -> int:
    """Social profiles in the order a card Aandacht wrote reads back (URL, X-SOCIALPROFILE,
    IMPP), so their positions do not change when the served card is PUT again."""
    if item.kind != ContactKind.SOCIAL:
        return 0
    if item.key[0] == "im":
        return 2
    if names.fold(item.label) in exporting.URL_LABELS and exporting._looks_like_url(item.value):
        return 0
    return 1


def _refused_lines(refused: list[RecordContact]) -> list[str]:
    """Contact details Aandacht does not store, as vCard lines to keep with the card."""
    if not refused:
        return []
    card = vcard.Card(formatted_name="-")
    for item in refused:
        types, label = exporting.vcard_types(item.kind, item.label)
        value = vcard.Value(item.value, types, label)
        if item.kind == "email":
            card.emails.append(value)
        elif item.kind == "phone":
            card.phones.append(value)
        elif item.kind == "website":
            card.urls.append(value)
        else:
            card.socials.append(value)
    return _body_lines(card)


def _body_lines(card: vcard.Card) -> list[str]:
    """The property lines the writer makes of ``card`` (3.0), unfolded, without the frame."""
    lines = mapping.unfolded(vcard.write_card(card, store.STORED_VERSION))
    skip = ("BEGIN:", "VERSION:", "FN:", "N:", "END:")
    return [line for line in lines if not line.upper().startswith(skip)]


def _phone_text(value: str) -> str:
    """A phone number as a vCard 3.0 card shows it (an extension as " ext. 102")."""
    written = exporting._phone_lines(value, [], "", store.STORED_VERSION, [])
    return written.value if isinstance(written, vcard.Value) else value


def _written_alike(item: _Contact, method: ContactMethod) -> bool:
    """Whether the stored value reads back as the card's: then it stays as stored, so the
    served card PUT again changes no row. An IM handle stored as "anna" labelled Skype is
    served as ``skype:anna``; a phone number with an extension as a ``tel:`` URI
    (``+1-418-656-9254;ext=102``) is served as "+1-418-656-9254 ext. 102"."""
    if item.key[0] == "im":
        return True
    if item.kind == ContactKind.PHONE and method.value != item.value:
        return _phone_text(method.value) == _phone_text(item.value)
    return False


def _sync_contacts(
    person: Person,
    wanted: list[_Contact],
    existing: list[ContactMethod],
    served: list[_Contact] | None = None,
) -> tuple[bool, list[tuple[str, str]]]:
    """Make the person's contact details the card's. A row with the same detail (kind and
    normalised value) stays, its label and position following the card; a detail the card
    changed takes over a left-over row of its kind (a corrected number keeps its row); what
    is left over then is removed or added. A detail the card says exactly as it is served
    (``served``: the served card read back) stays as stored. Returns (changed, every
    detail's (value, normalized) in the order of the person page, for the search columns)."""
    echoes: dict[tuple[str, str], _Contact] = {}
    for echo in served or []:
        echoes.setdefault(echo.key, echo)
    by_key: dict[tuple[str, str], list[ContactMethod]] = {}
    for method in existing:
        key = _contact_key(
            method.kind, method.value, method.normalized, method.service, method.label
        )
        by_key.setdefault(key, []).append(method)
    positions: dict[str, int] = {}
    placed: list[tuple[_Contact, int, ContactMethod | None]] = []
    kept: set[int] = set()
    for item in wanted:
        position = positions.get(item.kind, 0)
        positions[item.kind] = position + 1
        matches = by_key.get(item.key)
        match = matches.pop(0) if matches else None
        if match is not None:
            kept.add(match.pk)
        placed.append((item, position, match))
    spare: dict[str, list[ContactMethod]] = {}
    for method in existing:
        if method.pk not in kept:
            spare.setdefault(method.kind, []).append(method)
    new: list[ContactMethod] = []
    changed: list[ContactMethod] = []
    final: list[tuple[str, int, str, str]] = []
    for item, position, found in placed:
        row = found
        if row is None and spare.get(item.kind):
            row = spare[item.kind].pop(0)
        if row is None:
            new.append(
                ContactMethod(
                    person=person,
                    kind=item.kind,
                    value=item.value,
                    normalized=item.normalized,
                    service=item.service,
                    label=item.label,
                    position=position,
                )
            )
            final.append((item.kind, position, item.value, item.normalized))
            continue
        value, normalized = item.value, item.normalized
        if found is not None and _written_alike(item, row):
            value, normalized = row.value, row.normalized
        fresh = (value, normalized, item.service, item.label, position)
        seen = echoes.get(item.key) if found is not None else None
        if seen is not None and _contact_rows([seen]) == _contact_rows([item]):
            # served and sent back alike: the stored row stays as it is (but for its place)
            value, normalized = row.value, row.normalized
            fresh = (value, normalized, row.service, row.label, position)
        final.append((item.kind, position, value, normalized))
        if (row.value, row.normalized, row.service, row.label, row.position) != fresh:
            row.value, row.normalized, row.service, row.label, row.position = fresh
            changed.append(row)
    gone = [method.pk for methods in spare.values() for method in methods]
    if gone:
        ContactMethod.objects.filter(pk__in=gone).delete()
    if changed:
        ContactMethod.objects.bulk_update(
            changed, ["value", "normalized", "service", "label", "position"]
        )
    if new:
        ContactMethod.objects.bulk_create(new)
    final.sort()
    return bool(gone or changed or new), [(value, normalized) for *_o, value, normalized in final]


# --- addresses, dates, tags ----------------------------------------------------------------------

_ADDRESS_COLUMNS = ("label", "street", "postal_code", "locality", "region", "country")
_DATE_COLUMNS = ("kind", "label", "month", "day", "year")


_Row = TypeVar("_Row", Address, ImportantDate)


def _sync_rows(
    model: type[_Row],
    person: Person,
    columns: tuple[str, ...],
    wanted: list[tuple[Any, ...]],
    existing: list[_Row],
) -> bool:
    """Make the person's addresses (or dates) the card's, in its order where rows are new.

    An identical row stays; a changed one is updated in place (it keeps its id); what is left
    over is removed or added. True when anything changed.
    """
    current = [tuple(getattr(row, name) for name in columns) for row in existing]
    if current == wanted:
        return False
    unmatched = list(existing)
    leftover: list[tuple[Any, ...]] = []
    for values in wanted:
        match = next(
            (row for row in unmatched if tuple(getattr(row, n) for n in columns) == values), None
        )
        if match is None:
            leftover.append(values)
        else:
            unmatched.remove(match)
    updated: list[_Row] = []
    for row, values in zip(unmatched, leftover, strict=False):
        for name, value in zip(columns, values, strict=True):
            setattr(row, name, value)
        updated.append(row)
    if updated:
        model.objects.bulk_update(updated, list(columns))
    gone = [row.pk for row in unmatched[len(updated) :]]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    new = [
        model(person=person, **dict(zip(columns, values, strict=True)))
        for values in leftover[len(updated) :]
    ]
    if new:
        model.objects.bulk_create(new)
    return True


def _wanted_addresses(prepared: Prepared) -> list[tuple[Any, ...]]:
    seen: set[str] = set()
    rows: list[tuple[Any, ...]] = []
    for _key, columns in prepared.addresses:
        _label, street, postal_code, locality, _region, country = columns
        key = address_key(street, postal_code, locality, country)
        if key not in seen:
            seen.add(key)
            rows.append(columns)
    return rows


def _wanted_dates(prepared: Prepared) -> list[tuple[Any, ...]]:
    return list(dict.fromkeys(prepared.dates))


def _sync_tags(
    vault: Vault, person: Person, wanted: list[str], current: list[tuple[int, str]]
) -> tuple[bool, list[str]]:
    """The person's tags become the card's CATEGORIES (matched case-insensitively, as
    ``set_tags`` does); ``current``: (tag id, name) of the person's tags. Returns (changed,
    the tag names the person has now)."""
    through = Person.tags.through
    keys = {name.casefold() for name in wanted}
    have = {name.casefold() for _tag_id, name in current}
    gone = [tag_id for tag_id, name in current if name.casefold() not in keys]
    names = [name for _tag_id, name in current if name.casefold() in keys]
    missing = [name for name in wanted if name.casefold() not in have]
    if gone:
        through.objects.filter(person_id=person.pk, tag_id__in=gone).delete()
    if missing:
        folded = {name.casefold() for name in missing}
        tags = {
            tag.name.casefold(): tag
            for tag in Tag.objects.filter(vault=vault).only("pk", "name")
            if tag.name.casefold() in folded
        }
        links = []
        for name in missing:
            tag = tags.get(name.casefold())
            if tag is None:
                tag = Tag.objects.create(vault=vault, name=name)
                tags[name.casefold()] = tag
            links.append(through(person_id=person.pk, tag_id=tag.pk))
            names.append(tag.name)
        through.objects.bulk_create(links)
    return bool(gone or missing), sorted(names)


# --- the photo -------------------------------------------------------------------------------


def _acceptable_photo(data: bytes) -> str | None:
    """The file extension of a photo Aandacht shows (the import's checks), else None."""
    if len(data) > int(settings.UPLOAD_MAX_BYTES):
        return None
    extension = sniff_image(data[:16])
    if extension is None or photos.photo_problem(data) is not None:
        return None
    return extension


class _Files:
    """Photo files written by this PUT (removed again if it fails) and old ones to remove
    once it commits."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def store(self, person: Person, data: bytes, extension: str) -> None:
        old = person.photo.name if person.photo else ""
        name = default_storage.save(
            f"{timezone.now():photos/%Y/}{secrets.token_hex(12)}.{extension}", ContentFile(data)
        )
        self.written.append(name)
        person.photo.name = name
        if old:
            self.remove_later(old)

    def remove_later(self, name: str) -> None:
        transaction.on_commit(lambda: default_storage.delete(name))

    def abandon(self) -> None:
        for name in self.written:
            default_storage.delete(name)


def _sync_photo(person: Person, record: Record, files: _Files) -> tuple[bool, bool]:
    """(photo mapped, person's photo changed). A photo Aandacht cannot show, or one by URL,
    is not mapped: its PHOTO line stays with the card and the person has no photo."""
    incoming = record.photo.data if record.photo is not None else None
    if incoming:
        if person.photo and photos.stored_photo(person.photo) == incoming:
            return True, False
        extension = _acceptable_photo(incoming)
        if extension is not None:
            files.store(person, incoming, extension)
            return True, True
    if person.photo:
        files.remove_later(person.photo.name)
        person.photo.name = ""
        return False, True
    return False, False


# --- put ---------------------------------------------------------------------------------------


def _uid_taken(vault: Vault, uid: str, card_pk: int | None, person_pk: int | None) -> bool:
    cards = store.live_cards(vault.pk).filter(uid=uid)
    if card_pk is not None:
        cards = cards.exclude(pk=card_pk)
    if cards.exists():
        return True
    # By the UID alone, filtered here: with the vault in the query SQLite walked the vault's
    # index instead (3 ms a PUT at 10,000 people).
    people = Person.objects.filter(uid=uid).values_list("pk", "vault_id", "trashed_at")
    return any(
        vault_id == vault.pk and trashed_at is None and pk != person_pk
        for pk, vault_id, trashed_at in people
    )


def _new_uid(vault: Vault, href: str) -> str:
    """A UID for a card that came without one: its file name when that is a safe UID."""
    bare = href.removesuffix(".vcf")
    if (
        href.endswith(".vcf")
        and store._SAFE_HREF.match(bare)
        and not _uid_taken(vault, bare, None, None)
    ):
        return bare
    return f"urn:uuid:{uuid.uuid4()}"


def _shared_notes(person: Person) -> list[str]:
    """The bodies of the person's shared notes, oldest first (the order of the served NOTE)."""
    return list(
        Note.objects.filter(person_id=person.pk, private=False)
        .order_by("occurred_at", "id")
        .values_list("body", flat=True)
    )


def _note_text(bodies: list[str]) -> str:
    """The NOTE Aandacht serves (``exporting.person_to_card``)."""
    return exporting.NOTE_SEPARATOR.join(body.strip() for body in bodies if body.strip())


def _add_note(vault: Vault, person: Person, user: User, text: str) -> None:
    """One shared note by the writing user, as ``timeline.services.add_note`` makes it,
    without its signals: the search columns and the card are updated by the PUT itself."""
    now = timezone.now()
    Note.objects.bulk_create(
        [
            Note(
                vault=vault,
                person=person,
                author=user if isinstance(user, User) else None,
                body=text.strip(),
                private=False,
                occurred_at=now,
            )
        ]
    )


def put_card(
    *, vault: Vault, user: User, href: str, body: bytes, existing: Card | None
) -> PutResult:
    """Store a client's vCard at ``href`` (a new person, or ``existing``'s updated).

    One transaction: a :class:`CardRejected` (or any failure) leaves the vault as it was.
    """
    parsed, record = read_body(body)
    uid = parsed.uid.strip()
    if len(uid) > max_length(Card, "uid"):
        raise CardRejected(400, "The vCard's UID is longer than 255 characters.", VALID_DATA)
    files = _Files()
    try:
        with transaction.atomic():
            result = _put(vault, user, href, body, parsed, record, uid, existing, files)
    except BaseException:
        files.abandon()
        raise
    return result


def _put(
    vault: Vault,
    user: User,
    href: str,
    body: bytes,
    parsed: vcard.Card,
    record: Record,
    uid: str,
    existing: Card | None,
    files: _Files,
) -> PutResult:
    # Writes to one address book take its row lock first (as the refresh does): the UID
    # check below and the insert then cannot interleave with another PUT's, and PUT and
    # DELETE lock in the same order (no deadlock on PostgreSQL).
    store.lock_address_book(vault.pk)
    # Read again under a lock: ``existing`` may be out of date by now (and a tombstone at
    # this href is revived rather than doubled).
    row = Card.objects.select_for_update().filter(vault=vault, href=href).first()
    live = row is not None and not row.deleted
    if existing is not None and (row is None or not live or row.etag != existing.etag):
        # another write came between the caller's If-Match check and this lock
        raise CardRejected(412, f"The card at {href} changed meanwhile; read it again.")
    if existing is None and live:
        raise CardRejected(412, f"A card at {href} was created meanwhile; read it first.")
    if (
        row is not None
        and live
        and row.etag
        and parsed.version.strip() != "4.0"
        and mapping.same_card(row.text, body)
    ):
        # The client sent back what it was served (a first sync, an unchanged contact):
        # nothing to map. Without this, values the card cannot tell apart (particles
        # "El" + "Amrani" or a family name "El Amrani") could still be rewritten.
        store.settle(vault.pk, [row.pk])
        row.refresh_from_db()
        return PutResult(card=row, created=False, changed_by_server=False)
    person: Person | None = None
    if live and row is not None:
        if uid and uid != row.uid:
            raise CardRejected(
                409,
                f"The card at {href} has the UID {row.uid}; a PUT cannot change it "
                "(delete the card and create a new one instead).",
                UID_CONFLICT,
            )
        uid = row.uid
        person = (
            Person.objects.filter(pk=row.person_id, vault=vault, trashed_at__isnull=True).first()
            if row.person_id
            else None
        )
    else:
        uid = uid or _new_uid(vault, href)
    if person is None and _uid_taken(vault, uid, row.pk if live and row else None, None):
        raise CardRejected(
            409, f"Another card of this address book has the UID {uid}.", UID_CONFLICT
        )

    wanted = _Wanted.of(record)
    values = wanted.values
    changed = False
    if person is None:
        person = Person(vault=vault, uid=uid, **values)
        photo_mapped, _photo_changed = _sync_photo(person, record, files)
        person.sort_key = _sort_key(person)
        addition = mapping.note_addition("", parsed.note)
        person.search_names, person.search_text = build_documents(
            person,
            [(c.value, c.normalized) for c in sorted(wanted.contacts, key=lambda c: c.kind)],
            sorted(wanted.tags),
            [addition] if addition else [],
        )
        Person.objects.bulk_create([person])
        _sync_contacts(person, wanted.contacts, [])
        _sync_rows(Address, person, _ADDRESS_COLUMNS, wanted.addresses, [])
        _sync_rows(ImportantDate, person, _DATE_COLUMNS, wanted.dates, [])
        _sync_tags(vault, person, wanted.tags, [])
        if addition:
            _add_note(vault, person, user, addition)
        changed = True
    else:
        stored = _Stored.of(person)
        served = _as_served(person, stored)
        if served is not None:
            # what the card leaves as it was served stays as stored (see _as_served)
            for name in CARD_FIELDS:
                if values[name] == served.values[name]:
                    values[name] = getattr(person, name)
        fields = [name for name in CARD_FIELDS if getattr(person, name) != values[name]]
        for name in fields:
            setattr(person, name, values[name])
        photo_mapped, photo_changed = _sync_photo(person, record, files)
        if photo_changed:
            fields.append("photo")
        changed = bool(fields)
        contacts = [(m.value, m.normalized) for m in stored.contacts]
        if served is None or _contact_rows(wanted.contacts) != _contact_rows(served.contacts):
            contacts_changed, contacts = _sync_contacts(
                person, wanted.contacts, stored.contacts, served.contacts if served else None
            )
            changed |= contacts_changed
        if served is None or wanted.addresses != served.addresses:
            rows = _as_stored(wanted.addresses, served, stored.addresses, _ADDRESS_COLUMNS)
            changed |= _sync_rows(Address, person, _ADDRESS_COLUMNS, rows, stored.addresses)
        if served is None or wanted.dates != served.dates:
            rows = _as_stored(wanted.dates, served, stored.dates, _DATE_COLUMNS)
            changed |= _sync_rows(ImportantDate, person, _DATE_COLUMNS, rows, stored.dates)
        tag_names = sorted(name for _tag_id, name in stored.tags)
        if served is None or _folded(wanted.tags) != _folded(served.tags):
            tags_changed, tag_names = _sync_tags(vault, person, wanted.tags, stored.tags)
            changed |= tags_changed
        bodies = stored.notes
        addition = mapping.note_addition(_note_text(bodies), parsed.note)
        if addition:
            _add_note(vault, person, user, addition)
            bodies.append(addition)
            changed = True
        if changed:
            # the search columns as refresh_search_fields makes them (newest note first)
            person.search_names, person.search_text = build_documents(
                person, contacts, tag_names, bodies[::-1]
            )
            person.sort_key = _sort_key(person)
            person.updated_at = timezone.now()
            columns = [name for name in fields if name != "photo"]
            Person.objects.filter(pk=person.pk).update(
                sort_key=person.sort_key,
                updated_at=person.updated_at,
                search_names=person.search_names,
                search_text=person.search_text,
                **{name: getattr(person, name) for name in columns},
                **({"photo": person.photo.name} if "photo" in fields else {}),
            )

    decisions = mapping.Decisions(
        photo_mapped=photo_mapped,
        time_zone_mapped=bool(values["time_zone"]),
        company=bool(
            person.organisation and not (person.given_name or person.family_name or person.nickname)
        ),
    )
    kept = mapping.kept_lines(mapping.raw_lines(body), parsed, decisions)
    extra = "\n".join(mapping.renumber_groups([*kept, *_refused_lines(wanted.refused)]))

    created = not live
    current = row is not None and live and bool(row.etag)  # rendered, and stays so below
    if row is None:
        row = Card.objects.create(
            vault=vault, person=person, href=href, uid=uid, extra=extra, revision=0
        )
    elif not live or changed or row.extra != extra or row.person_id != person.pk:
        row.deleted = False
        row.person = person
        row.uid = uid
        row.extra = extra
        row.etag = ""  # stale: the refresh renders it, and takes a revision if it changed
        if not live:
            row.text = ""
        row.save(update_fields=["deleted", "person", "uid", "extra", "etag", "text"])
        current = False
    if current:
        store.settle(vault.pk, [row.pk])
    else:
        store.settle_card(row)  # renders ``row`` as it is in memory: no reading it back
    version = "4.0" if parsed.version.strip() == "4.0" else store.STORED_VERSION
    text = store.card_text(row, version) if version != store.STORED_VERSION else row.text
    return PutResult(card=row, created=created, changed_by_server=not mapping.same_card(text, body))


@dataclass
class _Stored:
    """What a person has now of what a card carries, read once (a query per kind)."""

    contacts: list[ContactMethod]  # in the order of the person page: kind, position
    addresses: list[Address]
    dates: list[ImportantDate]
    tags: list[tuple[int, str]]  # (tag id, name)
    notes: list[str]  # shared notes, oldest first

    @classmethod
    def of(cls, person: Person) -> _Stored:
        through = Person.tags.through
        return cls(
            contacts=list(person.contact_methods.order_by("kind", "position", "id")),
            addresses=list(Address.objects.filter(person=person).order_by("id")),
            dates=list(ImportantDate.objects.filter(person=person).order_by("id")),
            tags=list(
                through.objects.filter(person_id=person.pk).values_list("tag_id", "tag__name")
            ),
            notes=_shared_notes(person),
        )

    def details(self) -> exporting.Details:
        """The rows as ``exporting.load_details`` gives them (no queries)."""
        contacts = sorted(self.contacts, key=lambda m: (m.position, m.pk))
        return exporting.Details(
            contacts=[exporting.ContactRow(m.kind, m.value, m.label, m.service) for m in contacts],
            addresses=[
                exporting.AddressRow(*(getattr(a, name) for name in _ADDRESS_COLUMNS))
                for a in self.addresses
            ],
            dates=[exporting.DateRow(d.kind, d.label, d.month, d.day, d.year) for d in self.dates],
            tags=[name for _tag_id, name in self.tags],
            notes=self.notes,
        )


@dataclass
class _Wanted:
    """What a card says, in the shapes the person's rows are compared with."""

    values: dict[str, str]
    contacts: list[_Contact]
    refused: list[RecordContact]
    addresses: list[tuple[Any, ...]]
    dates: list[tuple[Any, ...]]
    tags: list[str]

    @classmethod
    def of(cls, record: Record) -> _Wanted:
        prepared = Preparer(str(settings.PHONE_REGION), int(settings.UPLOAD_MAX_BYTES)).prepare(
            record
        )
        contacts, refused = _contacts(record)
        return cls(
            values={name: prepared.values.get(name) or "" for name in CARD_FIELDS},
            contacts=contacts,
            refused=refused,
            addresses=_wanted_addresses(prepared),
            dates=_wanted_dates(prepared),
            tags=prepared.tags,
        )


def _as_served(person: Person, stored: _Stored) -> _Wanted | None:
    """What the card Aandacht serves for the person now says, read back as a client's card.

    Where a client's card says the same as this, it left that part as it was served, and the
    stored values stay, even those a card cannot tell apart (particles "El" with the family
    name "Amrani" read back as the family name "El Amrani"; a second birthday with a label
    reads back as a date of another kind; whitespace the import tidies).
    """
    plain = copy.copy(person)
    plain.photo = None  # the photo is compared by its bytes, not read here
    card = exporting.person_to_card(
        plain, notes=stored.notes, version=store.STORED_VERSION, details=stored.details()
    )
    cards, _errors = vcard.read_cards(vcard.write_card(card, store.STORED_VERSION))
    if len(cards) != 1:
        return None
    record = record_from_card(cards[0])
    return None if isinstance(record, Problem) else _Wanted.of(record)


def _served_order(rows: list[Address] | list[ImportantDate]) -> list[Any]:
    """Stored rows in the order the served card lists them: addresses as stored; dates with
    the first birthday and the first anniversary first (BDAY, ANNIVERSARY), then the others
    (X-ABDATE), as ``exporting.person_to_card`` writes them."""
    if not rows or isinstance(rows[0], Address):
        return list(rows)
    firsts: list[Any] = []
    for kind in ("birthday", "anniversary"):
        first = next((d for d in rows if isinstance(d, ImportantDate) and d.kind == kind), None)
        if first is not None:
            firsts.append(first)
    return firsts + [d for d in rows if d not in firsts]


def _as_stored(
    wanted: list[tuple[Any, ...]],
    served: _Wanted | None,
    stored: list[Address] | list[ImportantDate],
    columns: tuple[str, ...],
) -> list[tuple[Any, ...]]:
    """The card's rows, where one reads as a stored row is served, as that stored row: a
    phone that adds an address does not rewrite the others into their card form."""
    if served is None:
        return wanted
    echoes = served.addresses if columns == _ADDRESS_COLUMNS else served.dates
    ordered = _served_order(stored)
    if len(echoes) != len(ordered):
        return wanted  # the card merged or dropped some: no row-by-row correspondence
    pairs = [
        (echo, tuple(getattr(row, name) for name in columns))
        for echo, row in zip(echoes, ordered, strict=True)
    ]
    result: list[tuple[Any, ...]] = []
    for values in wanted:
        found = next((i for i, (echo, _own) in enumerate(pairs) if echo == values), None)
        result.append(values if found is None else pairs.pop(found)[1])
    return result


def _contact_rows(contacts: list[_Contact]) -> list[tuple[str, str, str, str, str]]:
    return [(c.kind, c.value, c.normalized, c.service, c.label) for c in contacts]


def _folded(tags: list[str]) -> set[str]:
    return {name.casefold() for name in tags}


def _sort_key(person: Person) -> str:
    return names.sort_key(
        person.given_name,
        person.particles,
        person.family_name,
        fallback=names.fallback_name(person.nickname, person.organisation),
    )


# --- delete ----------------------------------------------------------------------------------


def delete_card(*, card: Card, user: User) -> None:
    """Move the card's person to the trash (restorable in the web app for 30 days) and leave
    a tombstone, so every client learns of the deletion at its next sync. A card whose person
    is already gone only becomes a tombstone.

    ``card`` is what the caller checked If-Match against: if the card changed or went between
    that check and the lock taken here, :class:`CardRejected` (412) and nothing is trashed.
    """
    with transaction.atomic():
        store.lock_address_book(card.vault_id)
        now = Card.objects.select_for_update().filter(pk=card.pk).first()
        if now is None or now.deleted or now.etag != card.etag:
            raise CardRejected(412, f"The card at {card.href} changed meanwhile; read it again.")
        person = (
            Person.objects.filter(pk=card.person_id, vault_id=card.vault_id).first()
            if card.person_id
            else None
        )
        if person is not None:
            trash_person(person)
        else:
            Card.objects.filter(pk=card.pk).update(person=None)
        store.refresh(card.vault_id)
