"""The lossless JSON document of a vault: ``export_json`` writes it, ``restore_json`` reads it.

A versioned document (``"format": "aandacht.vault"``, ``"version": 4``; docs/json-format.md)
of everything in a vault its exporting user may see, so a vault can leave this instance and
come back whole. Both directions stream: the export reads each table once, in primary-key
order with chunked cursors, and joins the rows per person in Python (a fixed number of
queries whatever the size of the vault; in memory only a chunk of each table and the map of
person ids); the restore reads the document one element at a time and writes in batches, in
one transaction (all of it or nothing). Measured on 50,000 people (two contacts, an address,
a date, a tag and a note each, 25,000 interactions), version 2: export 5 s, 73 MB, 19 queries,
+21 MB resident; restore 26 s, +30 MB (SQLite, one core of a shared machine). Version 3 reads
cards, check-in rounds, check-ins, steps, suggestions and the card season too: 24 queries,
still the same for any size; a round is one element with all its check-ins and steps.
Version 4 adds each person's ``vcard_extra``: one more query (25).

References inside the document are document-local ids ("p1", "c1", "i1"), never database
keys; tags are referred to by name and authors by username.

Left out on purpose:

- ``DigestSent``, ``SchedulerLease`` and ``ImportJob``: bookkeeping of the digest, the
  background scheduler and web imports, not part of anyone's network.
- Derived columns: ``Person.sort_key``, ``search_names`` and ``search_text`` (recomputed after
  a restore), and ``Rhythm.last_conversation_at`` / ``last_attempt_at`` / ``last_one_way_at``
  (recomputed from the interactions by ``attention.services.refresh_vault``).
- Accounts: users, memberships and ``Preference`` belong to the instance, not to the vault;
  ``AgendaSettings.feed_token`` is a secret (the restoring user keeps their own).
- Other users' private notes and moments: only their author ever sees them; likewise other
  users' appreciation suggestions (``AppreciationNudge`` is per user, like the agenda) and the
  text of other users' cards (the card itself is exported, its ``text`` is ``null``).
- ``CheckInRound.token``: the start form's one-time token against a double submit.
- The CardDAV sync state: ``carddav.AddressBook`` (revision, floor) and a ``carddav.Card``'s
  href, UID, ETag, text, revision and tombstones are derived from the people and rebuilt by
  ``carddav.store.refresh``. Only a live card's ``extra`` travels, as the person's
  ``vcard_extra``: the lines a phone stored that Aandacht does not model, which nothing else
  could rebuild.

The exporting user's own settings travel and become the restoring user's: the agenda settings
(``agenda_settings``), the appreciation suggestions and the card list size (``card_season``).
- Photo file names: a restored photo gets a fresh random name.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime as dt
import json
import re
import secrets
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, Literal, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention.models import (
    MAX_CADENCE_DAYS,
    AgendaSettings,
    AppreciationNudge,
    Circle,
    DigestFrequency,
    NudgeOutcome,
    Preset,
    Rhythm,
)
from aandacht.attention.services import refresh_vault
from aandacht.carddav import store as dav_store
from aandacht.carddav.models import Card as DavCard
from aandacht.cards import ranking as card_ranking
from aandacht.cards.models import Card, CardStatus, SeasonSettings
from aandacht.exchange import bulk, exporting
from aandacht.exchange.records import UnreadableFile
from aandacht.people import names
from aandacht.people.editing import PHOTO_TYPES, sniff_image
from aandacht.people.models import (
    Address,
    Channel,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Relationship,
    RelationshipKind,
    SocialService,
    Tag,
)
from aandacht.people.search import build_documents
from aandacht.rounds.models import CheckIn, CheckInRound, CheckInStep, RoundStatus, StepKind
from aandacht.timeline.models import (
    FollowUp,
    FollowUpDirection,
    Initiator,
    Interaction,
    InteractionKind,
    Moment,
    MomentKind,
    Note,
    Outcome,
)

FORMAT = "aandacht.vault"
VERSION = 4
# Versions this code reads: a newer document is refused rather than restored with losses.
# Version 2 added the person's ``department``; a version 1 document restores it as "".
# Version 3 added interaction ids, cards, check-in rounds, appreciation suggestions, the card
# season settings and the agenda's ``appreciation_every_days``; an older document restores
# without them (none, and the field's default).
# Version 4 added the person's ``vcard_extra``; an older document restores without any.
READABLE_VERSIONS = frozenset({1, 2, 3, 4})

BATCH_SIZE = 500  # rows per bulk write on restore
SEARCH_BATCH = 500  # people per search-column refresh after a restore
READ_CHUNK = 2000  # rows per fetch on export

HEADER_KEYS = ("format", "version", "exported_at", "vault")
# Every section, in the order the export writes them, with the sections it refers to.
SECTIONS: dict[str, tuple[str, ...]] = {
    "tags": (),
    "people": ("tags",),
    "relationships": ("people",),
    "interactions": ("people",),
    "notes": ("people",),
    "moments": ("people",),
    "follow_ups": ("people",),
    "cards": ("people", "interactions"),
    "check_in_rounds": ("people", "interactions"),
    "circles": ("tags",),
    "rhythms": ("people", "circles"),
    "agenda_settings": (),
    "appreciation_nudges": ("people", "interactions"),
    "card_season": (),
}
# Sections that are one object (or null) rather than a list.
SINGLE_SECTIONS = ("agenda_settings", "card_season")
# The sections each readable version has: an older document simply has fewer.
SECTIONS_SINCE_3 = ("cards", "check_in_rounds", "appreciation_nudges", "card_season")
SECTIONS_BEFORE_3 = tuple(name for name in SECTIONS if name not in SECTIONS_SINCE_3)
SECTIONS_OF_VERSION: dict[int, tuple[str, ...]] = {
    1: SECTIONS_BEFORE_3,
    2: SECTIONS_BEFORE_3,
    3: tuple(SECTIONS),
    4: tuple(SECTIONS),
}

PERSON_TEXT_FIELDS = (
    "uid",
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
    "met_at",
    "met_story",
    "what_they_do",
    "what_they_care_about",
)
PERSON_FIELDS = frozenset(
    {
        "id",
        *PERSON_TEXT_FIELDS,
        "met_on",
        "met_channel",
        "met_via",
        "archived",
        "deceased",
        "deceased_on",
        "trashed_at",
        "created_at",
        "updated_at",
        "photo",
        "tags",
        "contact_methods",
        "addresses",
        "important_dates",
        "vcard_extra",
    }
)
# What each readable version's person has: version 1 had no department, versions 1 to 3 no
# vcard_extra.
PERSON_FIELDS_OF_VERSION: dict[int, frozenset[str]] = {
    1: PERSON_FIELDS - {"department", "vcard_extra"},
    2: PERSON_FIELDS - {"vcard_extra"},
    3: PERSON_FIELDS - {"vcard_extra"},
    4: PERSON_FIELDS,
}
# A line of ``vcard_extra``: a vCard property as a client sent it, unfolded (RFC 6350 §3.3:
# an optional ``group.``, a name, parameters whose quoted values may hold ";" and ":", then
# ":" and the value). As loose as the vCard reader that kept the line, so that whatever a
# phone stored restores; BEGIN, END and VERSION would break the card they are written into.
VCARD_LINE = re.compile(r'[^\s;:"]+(?:;(?:[^";:]|"[^"]*")*)*:.*')
VCARD_STRUCTURE = frozenset({"BEGIN", "END", "VERSION"})
# The longest line: a phone's PHOTO the reader could not use stays here whole, base64 and all.
MAX_VCARD_LINE = 4 * 1024 * 1024
CONTACT_FIELDS = frozenset({"kind", "label", "value", "normalized", "service", "position"})
ADDRESS_TEXT_FIELDS = ("label", "street", "postal_code", "locality", "region", "country")
DATE_FIELDS = frozenset({"kind", "label", "month", "day", "year"})
PHOTO_FIELDS = frozenset({"mime", "data"})
TAG_FIELDS = frozenset({"name", "colour"})
VAULT_FIELDS = frozenset({"name", "created_at"})
RELATIONSHIP_FIELDS = frozenset({"from", "to", "kind", "note"})
INTERACTION_FIELDS = frozenset(
    {
        "id",
        "people",
        "kind",
        "outcome",
        "occurred_at",
        "initiated_by",
        "summary",
        "author",
        "created_at",
    }
)
# Interactions have an id since version 3 (cards and appreciation suggestions refer to them).
INTERACTION_FIELDS_OF_VERSION: dict[int, frozenset[str]] = {
    1: INTERACTION_FIELDS - {"id"},
    2: INTERACTION_FIELDS - {"id"},
    3: INTERACTION_FIELDS,
    4: INTERACTION_FIELDS,
}
NOTE_FIELDS = frozenset(
    {"person", "body", "private", "occurred_at", "author", "created_at", "updated_at"}
)
MOMENT_FIELDS = frozenset(
    {"person", "kind", "text", "private", "occurred_at", "author", "created_at"}
)
FOLLOW_UP_FIELDS = frozenset(
    {"person", "text", "direction", "due_on", "done_at", "occurred_at", "author", "created_at"}
)
CIRCLE_FIELDS = frozenset({"id", "name", "preset", "cadence_days", "tag", "created_at"})
RHYTHM_FIELDS = frozenset(
    {
        "person",
        "circle",
        "cadence_days",
        "muted",
        "paused_until",
        "snoozed_until",
        "skipped_on",
        "handled_on",
        "handled_as",
        "since",
    }
)
HANDLED_AS = ("", "done", "attempted", "snoozed", "skipped")
CARD_FIELDS = frozenset(
    {
        "person",
        "author",
        "year",
        "status",
        "text",
        "sent_at",
        "interaction",
        "created_at",
        "updated_at",
    }
)
ROUND_FIELDS = frozenset(
    {
        "name",
        "reason",
        "status",
        "chosen_by",
        "author",
        "created_at",
        "finished_at",
        "check_ins",
    }
)
CHECK_IN_FIELDS = frozenset({"person", "added_at", "steps"})
STEP_FIELDS = frozenset({"kind", "note", "done_at", "done_by", "interaction", "updated_at"})
NUDGE_FIELDS = frozenset({"person", "offered_on", "outcome", "handled_at", "interaction"})
CARD_SEASON_FIELDS = frozenset({"list_size"})
# The allowed values of each choice, computed once (an enum's ``.values`` builds a new list).
CHANNELS = ("", *Channel.values)
CONTACT_KINDS = tuple(ContactKind.values)
SERVICES = ("", *SocialService.values)
DATE_KINDS = tuple(DateKind.values)
RELATIONSHIP_KINDS = tuple(RelationshipKind.values)
INTERACTION_KINDS = tuple(InteractionKind.values)
OUTCOMES = tuple(Outcome.values)
INITIATORS = tuple(Initiator.values)
MOMENT_KINDS = tuple(MomentKind.values)
DIRECTIONS = tuple(FollowUpDirection.values)
PRESETS = ("", *Preset.values)
DIGEST_FREQUENCIES = tuple(DigestFrequency.values)
CARD_STATUSES = tuple(CardStatus.values)
ROUND_STATUSES = tuple(RoundStatus.values)
STEP_KINDS = tuple(StepKind.values)
NUDGE_OUTCOMES = tuple(NudgeOutcome.values)
AGENDA_FIELDS = (
    "capacity",
    "weekdays",
    "time_zone",
    "retry_after_days",
    "one_way_resets",
    "digest_frequency",
    "digest_time",
    "digest_weekday",
    "appreciation_every_days",
)
# ``appreciation_every_days`` is there since version 3; older documents restore the default.
AGENDA_FIELDS_OF_VERSION: dict[int, tuple[str, ...]] = {
    1: AGENDA_FIELDS[:-1],
    2: AGENDA_FIELDS[:-1],
    3: AGENDA_FIELDS,
    4: AGENDA_FIELDS,
}
CARD_YEARS = (1, 9999)
MAX_APPRECIATION_DAYS = 365

_M = TypeVar("_M", bound=models.Model)


# ---------------------------------------------------------------------------------------------
# Export


def export_json(vault: Vault, out: IO[str], *, user: User) -> dict[str, int]:
    """Write the vault as one JSON document to ``out``; returns how many of each were written.

    ``user`` must be a member: their own private notes and moments are included, nobody
    else's, and their agenda settings (without the feed token). A photo whose file is gone from
    the storage is written as ``null`` and counted in ``photos_missing``.
    """
    if _role(user, vault) is None:
        raise PermissionDenied(_("you are not a member of this vault"))
    with _consistent_read():
        return _Exporter(vault, user, out).run()


@contextmanager
def _consistent_read() -> Iterator[None]:
    """One read transaction for the whole export, so every table is read as of one moment.

    Inside a caller's transaction that one is used. On PostgreSQL the default READ COMMITTED
    gives each query its own snapshot, so the export asks for REPEATABLE READ (which must be
    the transaction's first statement). On SQLite, Django's ``atomic()`` begins IMMEDIATE and
    would hold the write lock for the whole export; a plain deferred read transaction in WAL
    mode gets the same snapshot while everyone else keeps writing.
    """
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")  # nothing was written: this only ends the snapshot
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _stamp(value: dt.datetime | None) -> str | None:
    """ISO 8601 with its offset, always in UTC so both databases write the same text."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


class _Rows:
    """Rows sorted by a key, handed out per key while walking another table in key order:
    a merge join, so each table is read once however many people there are. A key is a
    primary key, or a tuple of them (a check-in's steps: its round, then itself)."""

    def __init__(self, rows: Iterable[Any], key: Callable[[Any], Any]) -> None:
        self._rows = iter(rows)
        self._key = key
        self._next: Any = None
        self._next_key: Any = 0
        self._done = False
        self._advance()

    def _advance(self) -> None:
        try:
            self._next = next(self._rows)
        except StopIteration:
            self._done = True
        else:
            self._next_key = self._key(self._next)

    def take(self, wanted: Any) -> list[Any]:
        found: list[Any] = []
        while not self._done and self._next_key <= wanted:
            if self._next_key == wanted:
                found.append(self._next)
            self._advance()
        return found


class _Writer:
    """Writes the top-level object one member at a time, one array element per line."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.first = True

    def _key(self, key: str) -> None:
        self.out.write(("{\n" if self.first else ",\n") + _dumps(key) + ":")
        self.first = False

    def value(self, key: str, value: object) -> None:
        self._key(key)
        self.out.write(_dumps(value))

    def array(self, key: str, items: Iterable[object]) -> int:
        self._key(key)
        self.out.write("[")
        count = 0
        for item in items:
            self.out.write(("\n" if count == 0 else ",\n") + _dumps(item))
            count += 1
        self.out.write("\n]" if count else "]")
        return count

    def close(self) -> None:
        self.out.write("{}\n" if self.first else "\n}\n")


class _Exporter:
    def __init__(self, vault: Vault, user: User, out: IO[str]) -> None:
        self.vault = vault
        self.user = user
        self.writer = _Writer(out)
        self.people: dict[int, str] = {}
        # Only the interactions a card, check-in step or suggestion refers to: their ids.
        self.interaction_ids: dict[int, str] = {}
        self.counts: dict[str, int] = {}
        self.storage = _photo_field().storage

    def run(self) -> dict[str, int]:
        w = self.writer
        w.value("format", FORMAT)
        w.value("version", VERSION)
        w.value("exported_at", _stamp(timezone.now()))
        w.value("vault", {"name": self.vault.name, "created_at": _stamp(self.vault.created_at)})
        pks = Person.objects.filter(vault=self.vault).order_by("pk").values_list("pk", flat=True)
        for number, pk in enumerate(pks.iterator(chunk_size=READ_CHUNK), start=1):
            self.people[pk] = f"p{number}"
        for key in (
            "contact_methods",
            "addresses",
            "important_dates",
            "photos",
            "photos_missing",
            "check_ins",
            "check_in_steps",
        ):
            self.counts[key] = 0
        referenced = self.referenced_interactions()
        self.counts["tags"] = w.array("tags", self.tags())
        self.counts["people"] = w.array("people", self.persons())
        self.counts["relationships"] = w.array("relationships", self.relationships())
        self.counts["interactions"] = w.array("interactions", self.interactions(referenced))
        self.counts["notes"] = w.array("notes", self.notes())
        self.counts["moments"] = w.array("moments", self.moments())
        self.counts["follow_ups"] = w.array("follow_ups", self.follow_ups())
        self.counts["cards"] = w.array("cards", self.cards())
        self.counts["check_in_rounds"] = w.array("check_in_rounds", self.check_in_rounds())
        circles = self.circles()
        self.counts["circles"] = w.array("circles", circles.values())
        self.counts["rhythms"] = w.array("rhythms", self.rhythms(circles))
        agenda = self.agenda_settings()
        w.value("agenda_settings", agenda)
        self.counts["agenda_settings"] = int(agenda is not None)
        self.counts["appreciation_nudges"] = w.array(
            "appreciation_nudges", self.appreciation_nudges()
        )
        season = self.card_season()
        w.value("card_season", season)
        self.counts["card_season"] = int(season is not None)
        w.close()
        return self.counts

    def referenced_interactions(self) -> set[int]:
        """The interactions cards, check-in steps and the user's suggestions point at, in one
        query: only those ids are remembered while the interactions stream past."""
        cards = (
            Card.objects.filter(vault=self.vault, interaction__isnull=False)
            .values_list("interaction_id", flat=True)
            .order_by()
        )
        steps = (
            CheckInStep.objects.filter(
                check_in__round__vault=self.vault,
                check_in__person__vault=self.vault,
                interaction__isnull=False,
            )
            .values_list("interaction_id", flat=True)
            .order_by()
        )
        nudges = (
            AppreciationNudge.objects.filter(
                vault=self.vault, user_id=self.user.pk, interaction__isnull=False
            )
            .values_list("interaction_id", flat=True)
            .order_by()
        )
        return set(cards.union(steps, nudges))

    def tags(self) -> Iterator[dict[str, object]]:
        rows = Tag.objects.filter(vault=self.vault).order_by("name", "pk").values("name", "colour")
        for row in rows.iterator(chunk_size=READ_CHUNK):
            yield {"name": row["name"], "colour": row["colour"]}

    def persons(self) -> Iterator[dict[str, object]]:
        vault = self.vault
        contacts = _Rows(
            ContactMethod.objects.filter(person__vault=vault)
            .order_by("person_id", "kind", "position", "pk")
            .values("person_id", "kind", "label", "value", "normalized", "service", "position")
            .iterator(chunk_size=READ_CHUNK),
            key=lambda row: row.pop("person_id"),
        )
        addresses = _Rows(
            Address.objects.filter(person__vault=vault)
            .order_by("person_id", "pk")
            .values("person_id", *ADDRESS_TEXT_FIELDS)
            .iterator(chunk_size=READ_CHUNK),
            key=lambda row: row.pop("person_id"),
        )
        dates = _Rows(
            ImportantDate.objects.filter(person__vault=vault)
            .order_by("person_id", "pk")
            .values("person_id", "kind", "label", "month", "day", "year")
            .iterator(chunk_size=READ_CHUNK),
            key=lambda row: row.pop("person_id"),
        )
        tag_links = _Rows(
            Person.tags.through.objects.filter(person__vault=vault)
            .order_by("person_id", "tag__name", "tag_id")
            .values_list("person_id", "tag__name")
            .iterator(chunk_size=READ_CHUNK),
            key=lambda row: row[0],
        )
        # Only live cards keep a phone's lines (a tombstone's are gone); at most one a person.
        dav_extras = _Rows(
            DavCard.objects.filter(vault=vault, deleted=False, person__vault=vault)
            .exclude(extra="")
            .order_by("person_id", "pk")
            .values_list("person_id", "extra")
            .iterator(chunk_size=READ_CHUNK),
            key=lambda row: row[0],
        )
        rows = (
            Person.objects.filter(vault=vault)
            .order_by("pk")
            .values(
                "pk",
                *PERSON_TEXT_FIELDS,
                "met_on",
                "met_channel",
                "met_via_id",
                "archived",
                "deceased",
                "deceased_on",
                "trashed_at",
                "created_at",
                "updated_at",
                "photo",
            )
        )
        for row in rows.iterator(chunk_size=READ_CHUNK):
            pk = row["pk"]
            person: dict[str, object] = {"id": self.people[pk]}
            person.update({name: row[name] for name in PERSON_TEXT_FIELDS})
            person["met_on"] = _day(row["met_on"])
            person["met_channel"] = row["met_channel"]
            person["met_via"] = self.people.get(row["met_via_id"]) if row["met_via_id"] else None
            person["archived"] = row["archived"]
            person["deceased"] = row["deceased"]
            person["deceased_on"] = _day(row["deceased_on"])
            person["trashed_at"] = _stamp(row["trashed_at"])
            person["created_at"] = _stamp(row["created_at"])
            person["updated_at"] = _stamp(row["updated_at"])
            person["photo"] = self.photo(row["photo"])
            person["tags"] = [name for _pk, name in tag_links.take(pk)]
            person["contact_methods"] = found = contacts.take(pk)
            self.counts["contact_methods"] += len(found)
            person["addresses"] = found = addresses.take(pk)
            self.counts["addresses"] += len(found)
            person["important_dates"] = found = dates.take(pk)
            self.counts["important_dates"] += len(found)
            person["vcard_extra"] = [
                line for _pk, extra in dav_extras.take(pk) for line in _vcard_lines(extra)
            ]
            yield person

    def photo(self, name: str) -> dict[str, str] | None:
        if not name:
            return None
        try:
            with self.storage.open(name, "rb") as file:
                data = file.read()
        except OSError:
            self.counts["photos_missing"] += 1
            return None
        kind = sniff_image(data[:16])
        extension = kind or (name.rsplit(".", 1)[-1].lower() if "." in name else "")
        self.counts["photos"] += 1
        return {
            "mime": PHOTO_TYPES.get(extension, "application/octet-stream"),
            "data": base64.b64encode(data).decode("ascii"),
        }

    def relationships(self) -> Iterator[dict[str, object]]:
        rows = (
            Relationship.objects.filter(vault=self.vault, from_person__vault=self.vault)
            .order_by("pk")
            .values_list("from_person_id", "to_person_id", "kind", "note")
        )
        for from_id, to_id, kind, note in rows.iterator(chunk_size=READ_CHUNK):
            if from_id in self.people and to_id in self.people:
                yield {
                    "from": self.people[from_id],
                    "to": self.people[to_id],
                    "kind": kind,
                    "note": note,
                }

    def interactions(self, referenced: set[int]) -> Iterator[dict[str, object]]:
        links = _Rows(
            Interaction.people.through.objects.filter(interaction__vault=self.vault)
            .order_by("interaction_id", "person_id")
            .values_list("interaction_id", "person_id")
            .iterator(chunk_size=READ_CHUNK),
            key=lambda row: row[0],
        )
        rows = (
            Interaction.objects.filter(vault=self.vault)
            .order_by("pk")
            .values(
                "pk",
                "kind",
                "outcome",
                "occurred_at",
                "initiated_by",
                "summary",
                "author__username",
                "created_at",
            )
        )
        for number, row in enumerate(rows.iterator(chunk_size=READ_CHUNK), start=1):
            people = [self.people[pid] for _iid, pid in links.take(row["pk"]) if pid in self.people]
            local_id = f"i{number}"
            if row["pk"] in referenced:
                self.interaction_ids[row["pk"]] = local_id
            yield {
                "id": local_id,
                "people": people,
                "kind": row["kind"],
                "outcome": row["outcome"],
                "occurred_at": _stamp(row["occurred_at"]),
                "initiated_by": row["initiated_by"],
                "summary": row["summary"],
                "author": row["author__username"],
                "created_at": _stamp(row["created_at"]),
            }

    def notes(self) -> Iterator[dict[str, object]]:
        rows = (
            Note.objects.filter(vault=self.vault, person__vault=self.vault)
            .visible_to(self.user)
            .order_by("pk")
            .values(
                "person_id",
                "body",
                "private",
                "occurred_at",
                "author__username",
                "created_at",
                "updated_at",
            )
        )
        for row in rows.iterator(chunk_size=READ_CHUNK):
            yield {
                "person": self.people[row["person_id"]],
                "body": row["body"],
                "private": row["private"],
                "occurred_at": _stamp(row["occurred_at"]),
                "author": row["author__username"],
                "created_at": _stamp(row["created_at"]),
                "updated_at": _stamp(row["updated_at"]),
            }

    def moments(self) -> Iterator[dict[str, object]]:
        rows = (
            Moment.objects.filter(vault=self.vault, person__vault=self.vault)
            .visible_to(self.user)
            .order_by("pk")
            .values(
                "person_id",
                "kind",
                "text",
                "private",
                "occurred_at",
                "author__username",
                "created_at",
            )
        )
        for row in rows.iterator(chunk_size=READ_CHUNK):
            yield {
                "person": self.people[row["person_id"]],
                "kind": row["kind"],
                "text": row["text"],
                "private": row["private"],
                "occurred_at": _stamp(row["occurred_at"]),
                "author": row["author__username"],
                "created_at": _stamp(row["created_at"]),
            }

    def follow_ups(self) -> Iterator[dict[str, object]]:
        rows = (
            FollowUp.objects.filter(vault=self.vault, person__vault=self.vault)
            .order_by("pk")
            .values(
                "person_id",
                "text",
                "direction",
                "due_on",
                "done_at",
                "occurred_at",
                "author__username",
                "created_at",
            )
        )
        for row in rows.iterator(chunk_size=READ_CHUNK):
            yield {
                "person": self.people[row["person_id"]],
                "text": row["text"],
                "direction": row["direction"],
                "due_on": _day(row["due_on"]),
                "done_at": _stamp(row["done_at"]),
                "occurred_at": _stamp(row["occurred_at"]),
                "author": row["author__username"],
                "created_at": _stamp(row["created_at"]),
            }

    def interaction(self, pk: int | None) -> str | None:
        return None if pk is None else self.interaction_ids.get(pk)

    def cards(self) -> Iterator[dict[str, object]]:
        """Every card of the vault (who got one from whom is the vault's history), but the text
        only of the exporting user's own: a card's message is its author's, shown to nobody
        else, so another's is written as ``null``."""
        rows = (
            Card.objects.filter(vault=self.vault, person__vault=self.vault)
            .order_by("pk")
            .values(
                "person_id",
                "author_id",
                "author__username",
                "year",
                "status",
                "text",
                "sent_at",
                "interaction_id",
                "created_at",
                "updated_at",
            )
        )
        for row in rows.iterator(chunk_size=READ_CHUNK):
            yield {
                "person": self.people[row["person_id"]],
                "author": row["author__username"],
                "year": row["year"],
                "status": row["status"],
                "text": row["text"] if row["author_id"] == self.user.pk else None,
                "sent_at": _stamp(row["sent_at"]),
                "interaction": self.interaction(row["interaction_id"]),
                "created_at": _stamp(row["created_at"]),
                "updated_at": _stamp(row["updated_at"]),
            }

    def check_in_rounds(self) -> Iterator[dict[str, object]]:
        """Each round with its check-ins, each check-in with its steps: three tables read once
        each, joined in key order."""
        check_ins = _Rows(
            CheckIn.objects.filter(round__vault=self.vault, person__vault=self.vault)
            .order_by("round_id", "pk")
            .values("round_id", "pk", "person_id", "added_at")
            .iterator(chunk_size=READ_CHUNK),
            key=lambda row: row["round_id"],
        )
        steps = _Rows(
            CheckInStep.objects.filter(
                check_in__round__vault=self.vault, check_in__person__vault=self.vault
            )
            .order_by("check_in__round_id", "check_in_id", "pk")
            .values(
                "check_in__round_id",
                "check_in_id",
                "kind",
                "note",
                "done_at",
                "done_by__username",
                "interaction_id",
                "updated_at",
            )
            .iterator(chunk_size=READ_CHUNK),
            key=lambda row: (row["check_in__round_id"], row["check_in_id"]),
        )
        rows = (
            CheckInRound.objects.filter(vault=self.vault)
            .order_by("pk")
            .values(
                "pk",
                "name",
                "reason",
                "status",
                "chosen_by",
                "author__username",
                "created_at",
                "finished_at",
            )
        )
        for row in rows.iterator(chunk_size=READ_CHUNK):
            found: list[dict[str, object]] = []
            for check_in in check_ins.take(row["pk"]):
                found_steps = [
                    {
                        "kind": step["kind"],
                        "note": step["note"],
                        "done_at": _stamp(step["done_at"]),
                        "done_by": step["done_by__username"],
                        "interaction": self.interaction(step["interaction_id"]),
                        "updated_at": _stamp(step["updated_at"]),
                    }
                    for step in steps.take((row["pk"], check_in["pk"]))
                ]
                self.counts["check_in_steps"] += len(found_steps)
                found.append(
                    {
                        "person": self.people[check_in["person_id"]],
                        "added_at": _stamp(check_in["added_at"]),
                        "steps": found_steps,
                    }
                )
            self.counts["check_ins"] += len(found)
            yield {
                "name": row["name"],
                "reason": row["reason"],
                "status": row["status"],
                "chosen_by": row["chosen_by"],
                "author": row["author__username"],
                "created_at": _stamp(row["created_at"]),
                "finished_at": _stamp(row["finished_at"]),
                "check_ins": found,
            }

    def appreciation_nudges(self) -> Iterator[dict[str, object]]:
        """The exporting user's own suggestions only: they are part of their agenda."""
        rows = (
            AppreciationNudge.objects.filter(
                vault=self.vault, user_id=self.user.pk, person__vault=self.vault
            )
            .order_by("pk")
            .values("person_id", "offered_on", "outcome", "handled_at", "interaction_id")
        )
        for row in rows.iterator(chunk_size=READ_CHUNK):
            yield {
                "person": self.people[row["person_id"]],
                "offered_on": _day(row["offered_on"]),
                "outcome": row["outcome"],
                "handled_at": _stamp(row["handled_at"]),
                "interaction": self.interaction(row["interaction_id"]),
            }

    def circles(self) -> dict[int, dict[str, object]]:
        """Presets first (in their fixed order), then the others as they were made: a restore
        reuses the presets an empty vault already has, so the order comes out the same."""
        presets = list(Preset.values)
        rows = list(
            Circle.objects.filter(vault=self.vault).values(
                "pk", "name", "preset", "cadence_days", "tag__name", "created_at"
            )
        )
        rows.sort(
            key=lambda row: (
                presets.index(row["preset"]) if row["preset"] in presets else len(presets),
                row["pk"],
            )
        )
        return {
            row["pk"]: {
                "id": f"c{number}",
                "name": row["name"],
                "preset": row["preset"],
                "cadence_days": row["cadence_days"],
                "tag": row["tag__name"],
                "created_at": _stamp(row["created_at"]),
            }
            for number, row in enumerate(rows, start=1)
        }

    def rhythms(self, circles: dict[int, dict[str, object]]) -> Iterator[dict[str, object]]:
        rows = (
            Rhythm.objects.filter(person__vault=self.vault)
            .order_by("person_id")
            .values(
                "person_id",
                "circle_id",
                "cadence_days",
                "muted",
                "paused_until",
                "snoozed_until",
                "skipped_on",
                "handled_on",
                "handled_as",
                "since",
            )
        )
        for row in rows.iterator(chunk_size=READ_CHUNK):
            circle = circles.get(row["circle_id"]) if row["circle_id"] else None
            yield {
                "person": self.people[row["person_id"]],
                "circle": None if circle is None else circle["id"],
                "cadence_days": row["cadence_days"],
                "muted": row["muted"],
                "paused_until": _day(row["paused_until"]),
                "snoozed_until": _day(row["snoozed_until"]),
                "skipped_on": _day(row["skipped_on"]),
                "handled_on": _day(row["handled_on"]),
                "handled_as": row["handled_as"],
                "since": _day(row["since"]),
            }

    def card_season(self) -> dict[str, object] | None:
        """The exporting user's card list size in this vault, if they ever chose one."""
        size = (
            SeasonSettings.objects.filter(vault=self.vault, user_id=self.user.pk)
            .values_list("list_size", flat=True)
            .first()
        )
        return None if size is None else {"list_size": size}

    def agenda_settings(self) -> dict[str, object] | None:
        row = AgendaSettings.objects.filter(user=self.user).values(*AGENDA_FIELDS).first()
        if row is None:
            return None
        found: dict[str, object] = dict(row)
        found["digest_time"] = row["digest_time"].isoformat()
        return found


def _vcard_lines(extra: str) -> list[str]:
    """A card's stored ``extra`` as its lines; blank ones carry nothing (the renderer skips
    them too). Split on line ends only: a value may hold other separators such as U+2028."""
    return [line for line in re.split(r"\r\n|\r|\n", extra) if line.strip()]


def _photo_field() -> models.FileField:
    return Person._meta.get_field("photo")


def _role(user: User, vault: Vault) -> str | None:
    return (
        Membership.objects.filter(user_id=user.pk, vault=vault)
        .values_list("role", flat=True)
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Reading the document, one element at a time


class _JsonStream:
    """A JSON reader that hands out the top-level object's members and the elements of its
    arrays one by one, so a document of any size is read with memory for one element.

    Each element is decoded by :class:`json.JSONDecoder` from a text buffer that grows
    (doubling, so a large element costs linear time) until the element fits.
    """

    CHUNK = 1 << 16

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.started = False
        # Where the buffer starts in the file, for error messages: the text before it is gone.
        self.lines_before = 0
        self.columns_before = 0
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        data = self.raw.read(max(self.CHUNK, len(self.buffer) - self.pos))
        if isinstance(data, str):  # a text stream works too
            text = data
        else:
            try:
                text = self.utf8.decode(data, final=not data)
            except UnicodeDecodeError:
                raise UnreadableFile(
                    "not_json", _("This is not a JSON export: the file is not UTF-8 text.")
                ) from None
        if not data:
            self.eof = True
        if not self.started and text:
            text = text.removeprefix("\ufeff")
            self.started = True
        if self.pos:
            newlines = self.buffer.count("\n", 0, self.pos)
            if newlines:
                self.lines_before += newlines
                self.columns_before = self.pos - self.buffer.rfind("\n", 0, self.pos) - 1
            else:
                self.columns_before += self.pos
            self.buffer = self.buffer[self.pos :]
            self.pos = 0
        self.buffer += text
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end), without taking it."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def where(self, pos: int | None = None) -> str:
        at = self.pos if pos is None else pos
        line = self.lines_before + self.buffer.count("\n", 0, at) + 1
        line_start = self.buffer.rfind("\n", 0, at)
        column = at - line_start if line_start >= 0 else self.columns_before + at + 1
        return _("line %(line)d, column %(column)d") % {"line": line, "column": column}

    def broken(self, what: str, pos: int | None = None) -> UnreadableFile:
        return UnreadableFile(
            "not_json",
            _("This is not valid JSON at %(where)s: %(what)s")
            % {"where": self.where(pos), "what": what},
        )

    def take(self, char: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else _("the end of the file")
            raise self.broken(
                _("expected %(char)r, found %(found)s") % {"char": char, "found": shown}
            )
        self.pos += 1

    def value(self) -> object:
        if not self.peek():
            raise self.broken(_("the file ends too early"))
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except RecursionError:
                raise self.broken(_("lists or objects nested too deeply")) from None
            except json.JSONDecodeError as error:
                cut_short = error.pos >= len(self.buffer) - 8 or error.msg.startswith(
                    "Unterminated string"
                )
                if cut_short and self._fill():
                    continue
                raise self.broken(error.msg, error.pos) from None
            if end >= len(self.buffer) and not self.eof and self._fill():
                continue  # a number at the end of the buffer may go on in the next chunk
            self.pos = end
            return value

    def members(self) -> Iterator[str]:
        """The keys of the top-level object; the caller reads each value before the next."""
        first = self.peek()
        if first != "{":
            if first and first in '["-0123456789tfn':
                raise UnreadableFile("not_our_format", _not_ours())
            raise UnreadableFile(
                "not_json", _("This is not a JSON export: it does not start with “{”.")
            )
        self.pos += 1
        if self.peek() == "}":
            self.pos += 1
        else:
            while True:
                if self.peek() != '"':
                    raise self.broken(_("expected a key in quotes"))
                key = self.value()
                self.take(":")
                yield str(key)
                if self.peek() == ",":
                    self.pos += 1
                    continue
                self.take("}")
                break
        if self.peek():
            raise self.broken(_("there is more after the end of the document"))

    def elements(self, path: str) -> Iterator[tuple[str, object]]:
        """The elements of the array that comes next, with their paths ("people[3]")."""
        if self.peek() != "[":
            raise _wrong_type(path, _("a list"), self.value())
        self.pos += 1
        if self.peek() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            yield f"{path}[{index}]", self.value()
            index += 1
            if self.peek() == ",":
                self.pos += 1
                continue
            self.take("]")
            return


def _not_ours() -> str:
    return _("This JSON file is not an Aandacht vault export (no “format”: “%(format)s”).") % {
        "format": FORMAT
    }


# ---------------------------------------------------------------------------------------------
# Checking what the document says


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value[:40] + ("…" if len(value) > 40 else ""), ensure_ascii=False)
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    return json.dumps(value)


def _wrong_type(path: str, expected: str, value: object) -> UnreadableFile:
    return UnreadableFile(
        "wrong_type",
        _("%(path)s: expected %(expected)s, found %(found)s")
        % {"path": path, "expected": expected, "found": _describe(value)},
    )


def _bad_value(path: str, message: str) -> UnreadableFile:
    return UnreadableFile("bad_value", f"{path}: {message}")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(value: object, path: str, max_length: int | None = None, *, blank: bool = True) -> str:
    """A text value of the document (a field, or an element of a list of texts), checked."""
    if not isinstance(value, str):
        raise _wrong_type(path, _("text"), value)
    if "\x00" in value:
        raise _bad_value(path, _("text cannot contain a NUL character"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        raise _bad_value(path, _("this is not valid Unicode text")) from None
    if max_length is not None and len(value) > max_length:
        raise _bad_value(
            path,
            _("%(length)d characters, at most %(max)d allowed")
            % {"length": len(value), "max": max_length},
        )
    if not blank and not value.strip():
        raise _bad_value(path, _("cannot be empty"))
    return value


class _Object:
    """One JSON object of the document, with its path, read field by field with checks.

    Every field is required (``null`` stands for "none" where allowed); a field the format
    does not have is refused too, so nothing in the file is silently dropped.
    """

    def __init__(self, value: object, path: str, fields: Collection[str]) -> None:
        if not isinstance(value, dict):
            raise _wrong_type(path, _("an object"), value)
        for name in value:
            if name not in fields:
                raise UnreadableFile(
                    "unknown_field",
                    _("%(path)s: there is no field “%(name)s” in this format")
                    % {"path": path, "name": name},
                )
        for name in fields:
            if name not in value:
                raise UnreadableFile(
                    "missing_field",
                    _("%(path)s: missing") % {"path": f"{path}.{name}" if path else name},
                )
        self.data: dict[str, object] = value
        self.path = path

    def at(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: str) -> object:
        return self.data[name]

    def text(self, name: str, max_length: int | None = None, *, blank: bool = True) -> str:
        return _text(self.data[name], self.at(name), max_length, blank=blank)

    def field_text(self, model: type[models.Model], name: str, *, blank: bool = True) -> str:
        """Text checked against the model field's length, so PostgreSQL never refuses it."""
        max_length = getattr(model._meta.get_field(name), "max_length", None)
        return self.text(name, max_length, blank=blank)

    def choice(self, name: str, choices: Collection[str]) -> str:
        value = self.text(name)
        if value not in choices:
            allowed = ", ".join(json.dumps(each) for each in choices)
            raise _bad_value(
                self.at(name),
                _("%(value)s is not one of %(allowed)s")
                % {"value": _describe(value), "allowed": allowed},
            )
        return value

    def boolean(self, name: str) -> bool:
        value = self.data[name]
        if not isinstance(value, bool):
            raise _wrong_type(self.at(name), _("true or false"), value)
        return value

    def integer(self, name: str, low: int, high: int, *, nullable: bool = False) -> int | None:
        value = self.data[name]
        if value is None and nullable:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise _wrong_type(self.at(name), _("a whole number"), value)
        if not low <= value <= high:
            raise _bad_value(
                self.at(name),
                _("%(value)d is not between %(low)d and %(high)d")
                % {"value": value, "low": low, "high": high},
            )
        return value

    def number(self, name: str, low: int, high: int) -> int:
        value = self.integer(name, low, high)
        assert value is not None
        return value

    def date(self, name: str, *, nullable: bool = True) -> dt.date | None:
        value = self.data[name]
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise _wrong_type(self.at(name), _("a date (YYYY-MM-DD)"), value)
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value)
        except ValueError:
            raise _bad_value(
                self.at(name), _("%(value)s is not a date (YYYY-MM-DD)") % {"value": value}
            ) from None

    def day(self, name: str) -> dt.date:
        value = self.date(name, nullable=False)
        assert value is not None
        return value

    def moment(self, name: str, *, nullable: bool = False) -> dt.datetime | None:
        value = self.data[name]
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise _wrong_type(self.at(name), _("a time stamp (ISO 8601)"), value)
        try:
            if not _DATE.match(value) or len(value) < 16:
                raise ValueError(value)
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise _bad_value(
                self.at(name), _("%(value)s is not a time stamp (ISO 8601)") % {"value": value}
            ) from None
        if parsed.tzinfo is None:
            raise _bad_value(
                self.at(name),
                _("%(value)s has no offset from UTC (such as +01:00 or Z)") % {"value": value},
            )
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise _bad_value(
                self.at(name), _("%(value)s is out of range") % {"value": value}
            ) from None

    def stamp(self, name: str) -> dt.datetime:
        value = self.moment(name)
        assert value is not None
        return value

    def items(self, name: str) -> list[tuple[str, object]]:
        value = self.data[name]
        if not isinstance(value, list):
            raise _wrong_type(self.at(name), _("a list"), value)
        return [(f"{self.path}.{name}[{index}]", item) for index, item in enumerate(value)]


class _References:
    """Document-local ids ("p1") and the database keys they were given on restore."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.keys: dict[str, int] = {}

    def new_id(self, value: object, path: str) -> str:
        if not isinstance(value, str) or not value:
            raise _wrong_type(path, _("an id (text)"), value)
        if value in self.keys:
            raise UnreadableFile(
                "duplicate",
                _("%(path)s: the id %(id)s is used twice") % {"path": path, "id": value},
            )
        self.keys[value] = 0
        return value

    def key(self, value: object, path: str) -> int:
        if not isinstance(value, str):
            raise _wrong_type(path, _("an id (text)"), value)
        found = self.keys.get(value)
        if not found:
            raise UnreadableFile(
                "unknown_reference",
                _("%(path)s: there is no %(what)s with the id %(id)s")
                % {"path": path, "what": self.what, "id": json.dumps(value)},
            )
        return found

    def optional_key(self, value: object, path: str) -> int | None:
        return None if value is None else self.key(value, path)


# ---------------------------------------------------------------------------------------------
# Restore


def restore_json(vault: Vault, stream: IO[bytes], *, user: User) -> dict[str, int]:
    """Restore a document written by :func:`export_json` into an empty vault.

    One transaction: every check fails before the commit, so a bad document (or any error
    halfway) leaves the vault as it was. Raises :class:`UnreadableFile` with a stable ``code``
    and a message that says where ("people[12].important_dates[0].month: …"); the vault must
    have no people, tags, interactions or circles of its own (its preset circles are reused).
    Authors are matched by username among the vault's members, else ``user`` becomes the
    author. Returns how many of each were restored.
    """
    if _role(user, vault) not in (Role.OWNER, Role.EDITOR):
        raise PermissionDenied(_("only the owner or an editor of a vault can restore into it"))
    saved_files: list[str] = []
    storage = _photo_field().storage
    try:
        with transaction.atomic():
            locked = Vault.objects.select_for_update().get(pk=vault.pk)
            check_empty(locked)
            restorer = _Restorer(locked, user, saved_files)
            restorer.run(_JsonStream(stream))
    except BaseException:
        # The database rolled back; the photo files it would have pointed at go too.
        for name in saved_files:
            try:
                storage.delete(name)
            except OSError:
                pass
        raise
    return restorer.counts


def check_empty(vault: Vault) -> None:
    """Refuse (``vault_not_empty``) a vault that already holds people, tags, interactions,
    check-in rounds or circles of its own; its preset circles are fine. (Cards and suggestions
    belong to people, so a vault without people has none.) A restore's preview can call this."""
    has_content = (
        Person.objects.filter(vault=vault).exists()
        or Tag.objects.filter(vault=vault).exists()
        or Interaction.objects.filter(vault=vault).exists()
        or Circle.objects.filter(vault=vault, preset="").exists()
        or CheckInRound.objects.filter(vault=vault).exists()
    )
    if has_content:
        raise UnreadableFile(
            "vault_not_empty",
            _(
                "The vault “%(vault)s” is not empty: a JSON export is restored into a new, "
                "empty vault only."
            )
            % {"vault": vault.name},
        )


@dataclass
class _PersonRows:
    """A person read from the document, with the rows that hang off them."""

    local_id: str
    path: str
    person: Person
    created_at: dt.datetime
    updated_at: dt.datetime
    met_via: object
    contacts: list[ContactMethod] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    dates: list[ImportantDate] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    vcard_extra: list[str] = field(default_factory=list)


@dataclass
class _RoundRows:
    """A check-in round read from the document, with its check-ins and their steps."""

    round: CheckInRound
    stamps: dict[str, dt.datetime]
    check_ins: list[
        tuple[CheckIn, dict[str, dt.datetime], list[tuple[CheckInStep, dict[str, dt.datetime]]]]
    ] = field(default_factory=list)


class _Restorer:
    def __init__(self, vault: Vault, user: User, saved_files: list[str]) -> None:
        self.vault = vault
        self.user = user
        self.saved_files = saved_files
        self.people = _References(_("person"))
        self.circles = _References(_("circle"))
        self.interactions = _References(_("interaction"))
        self.step_interactions: set[int] = set()  # the interactions check-in steps logged
        self.tags: dict[str, int] = {}
        self.members = dict(
            Membership.objects.filter(vault=vault).values_list("user__username", "user_id")
        )
        self.photo_field = _photo_field()
        self.counts: dict[str, int] = {
            name: 0
            for name in (
                "tags",
                "people",
                "contact_methods",
                "addresses",
                "important_dates",
                "photos",
                "relationships",
                "interactions",
                "notes",
                "moments",
                "follow_ups",
                "cards",
                "check_in_rounds",
                "check_ins",
                "check_in_steps",
                "circles",
                "rhythms",
                "agenda_settings",
                "appreciation_nudges",
                "card_season",
            )
        }
        self.person_pks: list[int] = []
        self.introductions: list[tuple[int, str, object]] = []
        self.dav_hrefs: set[str] = set()  # the hrefs of the address book cards made so far
        self.version = VERSION  # the document's, once its header is read

    # The document's shape ---------------------------------------------------------------------

    def run(self, stream: _JsonStream) -> None:
        header: dict[str, object] = {}
        done: set[str] = set()
        waiting: dict[str, Any] = {}
        handlers: dict[str, Callable[[Iterable[tuple[str, object]]], None]] = {
            "tags": self.restore_tags,
            "people": self.restore_people,
            "relationships": self.restore_relationships,
            "interactions": self.restore_interactions,
            "notes": self.restore_notes,
            "moments": self.restore_moments,
            "follow_ups": self.restore_follow_ups,
            "cards": self.restore_cards,
            "check_in_rounds": self.restore_check_in_rounds,
            "circles": self.restore_circles,
            "rhythms": self.restore_rhythms,
            "appreciation_nudges": self.restore_appreciation_nudges,
        }

        def ready(section: str) -> bool:
            return (
                "format" in header
                and "version" in header
                and all(dep in done for dep in SECTIONS[section])
            )

        def process(section: str, content: Any) -> None:
            if section not in SECTIONS_OF_VERSION[self.version]:
                raise UnreadableFile(
                    "unknown_field",
                    _("%(key)s: there is no such part in version %(version)d of this format")
                    % {"key": section, "version": self.version},
                )
            if section == "agenda_settings":
                self.restore_agenda_settings(content)
            elif section == "card_season":
                self.restore_card_season(content)
            else:
                handlers[section](content)
            done.add(section)

        def catch_up() -> None:
            progress = True
            while progress:
                progress = False
                for section in list(waiting):
                    if ready(section):
                        process(section, waiting.pop(section))
                        progress = True

        seen: set[str] = set()
        for key in stream.members():
            if key in seen:
                raise UnreadableFile(
                    "duplicate", _("%(key)s: appears twice in the document") % {"key": key}
                )
            seen.add(key)
            if key in HEADER_KEYS:
                self.read_header(key, stream.value(), header)
                catch_up()
            elif key in SECTIONS:
                if key in SINGLE_SECTIONS:
                    content: Any = stream.value()
                elif ready(key):
                    process(key, stream.elements(key))
                    catch_up()
                    continue
                else:
                    # Out of the usual order (edited by hand?): kept until what it refers to
                    # has been read.
                    content = list(stream.elements(key))
                if ready(key):
                    process(key, content)
                    catch_up()
                else:
                    waiting[key] = content
            elif "format" not in header:
                raise UnreadableFile("not_our_format", _not_ours())
            else:
                raise UnreadableFile(
                    "unknown_field",
                    _("%(key)s: there is no such part in this format") % {"key": key},
                )
        if "format" not in header:
            raise UnreadableFile("not_our_format", _not_ours())
        for key in (*HEADER_KEYS, *SECTIONS_OF_VERSION[self.version]):
            if key not in seen:
                raise UnreadableFile("missing_field", _("%(path)s: missing") % {"path": key})
        catch_up()
        self.finish()

    def read_header(self, key: str, value: object, header: dict[str, object]) -> None:
        if key == "format":
            if value != FORMAT:
                raise UnreadableFile("not_our_format", _not_ours())
        elif key == "version":
            if not isinstance(value, int) or isinstance(value, bool):
                raise _wrong_type("version", _("a whole number"), value)
            if value not in READABLE_VERSIONS:
                raise UnreadableFile(
                    "unsupported_version",
                    _(
                        "This export has version %(version)d; this Aandacht reads version "
                        "%(readable)s. Restore it with a newer Aandacht."
                    )
                    % {
                        "version": value,
                        "readable": ", ".join(str(v) for v in sorted(READABLE_VERSIONS)),
                    },
                )
            self.version = value
        elif key == "exported_at":
            _Object({"exported_at": value}, "", ("exported_at",)).stamp("exported_at")
        elif key == "vault":
            about = _Object(value, "vault", VAULT_FIELDS)
            about.field_text(Vault, "name")
            about.stamp("created_at")
        header[key] = value

    def author(self, item: _Object, name: str = "author") -> int | None:
        """A member with that username, else the restoring user; ``null`` stays nobody."""
        value = self.username(item, name)
        return None if value is None else self.members.get(value, self.user.pk)

    def username(self, item: _Object, name: str) -> str | None:
        value = item.raw(name)
        if value is not None and not isinstance(value, str):
            raise _wrong_type(item.at(name), _("a username or null"), value)
        return value

    def bulk_create(
        self,
        model: type[_M],
        rows: list[_M],
        stamps: list[dict[str, dt.datetime]] | None = None,
        *,
        keys: Literal["reserve", "given", "auto"] = "auto",
    ) -> list[_M]:
        """Insert rows with plain ``executemany`` INSERTs (``exchange.bulk``): ``bulk_create``
        prepares every value through the field machinery, which was most of a restore's time,
        and would overwrite the ``auto_now(_add)`` time stamps the document carries.

        ``keys``: "reserve" gives each row a fresh primary key first (rows that others refer
        to), "given" keeps the one set (a rhythm's is its person), "auto" lets the database
        choose.
        """
        if not rows:
            return rows
        for row, values in zip(rows, stamps or (), strict=bool(stamps)):
            for name, value in values.items():
                setattr(row, name, value)
        if keys == "reserve":
            for row, key in zip(rows, bulk.reserve_ids(model, len(rows)), strict=True):
                row.pk = key
        bulk.insert(model, rows, with_pk=keys != "auto")
        return rows

    # Sections ---------------------------------------------------------------------------------

    def restore_tags(self, items: Iterable[tuple[str, object]]) -> None:
        rows: list[Tag] = []
        for path, raw in items:
            item = _Object(raw, path, TAG_FIELDS)
            name = item.field_text(Tag, "name", blank=False)
            if name in self.tags:
                raise UnreadableFile(
                    "duplicate",
                    _("%(path)s: the tag %(name)s is listed twice")
                    % {"path": item.at("name"), "name": json.dumps(name, ensure_ascii=False)},
                )
            self.tags[name] = 0
            rows.append(Tag(vault=self.vault, name=name, colour=item.field_text(Tag, "colour")))
        for tag in self.bulk_create(Tag, rows, keys="reserve"):
            self.tags[tag.name] = tag.pk
        self.counts["tags"] = len(rows)

    def tag_key(self, value: object, path: str) -> int:
        if not isinstance(value, str):
            raise _wrong_type(path, _("a tag name"), value)
        key = self.tags.get(value)
        if not key:
            raise UnreadableFile(
                "unknown_reference",
                _("%(path)s: the tag %(name)s is not in “tags”")
                % {"path": path, "name": json.dumps(value, ensure_ascii=False)},
            )
        return key

    def restore_people(self, items: Iterable[tuple[str, object]]) -> None:
        batch: list[_PersonRows] = []
        for path, raw in items:
            batch.append(self.read_person(path, raw))
            if len(batch) >= BATCH_SIZE:
                self.write_people(batch)
                batch = []
        self.write_people(batch)
        # Introductions may point forward in the list: linked once everyone is in.
        updates: list[tuple[int, list[object]]] = []
        for pk, path, reference in self.introductions:
            via = self.people.key(reference, path)
            if via == pk:
                raise _bad_value(path, _("someone cannot introduce themselves"))
            updates.append((pk, [via]))
        _update_rows(Person, ["met_via"], updates)

    def read_person(self, path: str, raw: object) -> _PersonRows:
        fields = PERSON_FIELDS_OF_VERSION[self.version]
        item = _Object(raw, path, fields)
        local_id = self.people.new_id(item.raw("id"), item.at("id"))
        values: dict[str, Any] = {
            name: item.field_text(Person, name) for name in PERSON_TEXT_FIELDS if name in fields
        }
        values["met_on"] = item.date("met_on")
        values["met_channel"] = item.choice("met_channel", CHANNELS)
        values["archived"] = item.boolean("archived")
        values["deceased"] = item.boolean("deceased")
        values["deceased_on"] = item.date("deceased_on")
        values["trashed_at"] = item.moment("trashed_at", nullable=True)
        person = Person(vault=self.vault, **values)
        person.sort_key = names.sort_key(
            person.given_name,
            person.particles,
            person.family_name,
            fallback=names.fallback_name(person.nickname, person.organisation),
        )
        rows = _PersonRows(
            local_id=local_id,
            path=path,
            person=person,
            created_at=item.stamp("created_at"),
            updated_at=item.stamp("updated_at"),
            met_via=item.raw("met_via"),
        )
        person.photo = self.save_photo(item)
        for where, value in item.items("tags"):
            tag = self.tag_key(value, where)
            if tag in rows.tags:
                raise UnreadableFile(
                    "duplicate", _("%(path)s: this tag is listed twice") % {"path": where}
                )
            rows.tags.append(tag)
        for where, value in item.items("contact_methods"):
            rows.contacts.append(self.read_contact(_Object(value, where, CONTACT_FIELDS)))
        for where, value in item.items("addresses"):
            entry = _Object(value, where, ADDRESS_TEXT_FIELDS)
            rows.addresses.append(
                Address(**{name: entry.field_text(Address, name) for name in ADDRESS_TEXT_FIELDS})
            )
        for where, value in item.items("important_dates"):
            rows.dates.append(self.read_date(_Object(value, where, DATE_FIELDS)))
        if "vcard_extra" in fields:
            rows.vcard_extra = self.read_vcard_extra(item)
        return rows

    def read_vcard_extra(self, item: _Object) -> list[str]:
        """The lines of the person's vCard that Aandacht does not model, each a property as a
        phone sent it; they are written back into the person's address book card."""
        lines: list[str] = []
        for where, value in item.items("vcard_extra"):
            if not isinstance(value, str):
                raise _wrong_type(where, _("a vCard line (text)"), value)
            line = _text(value, where, MAX_VCARD_LINE)
            if "\n" in line or "\r" in line:
                raise _bad_value(where, _("a vCard line cannot contain a line break"))
            if not VCARD_LINE.fullmatch(line):
                raise _bad_value(
                    where,
                    _("%(value)s is not a vCard property (NAME;PARAMETERS:value)")
                    % {"value": _describe(line)},
                )
            name = re.split(r"[;:]", line, maxsplit=1)[0].rpartition(".")[2].upper()
            if not name:
                raise _bad_value(
                    where,
                    _("%(value)s is not a vCard property (NAME;PARAMETERS:value)")
                    % {"value": _describe(line)},
                )
            if name in VCARD_STRUCTURE:
                raise _bad_value(
                    where,
                    _("%(name)s is part of the card's frame, not a property of the person")
                    % {"name": name},
                )
            lines.append(line)
        return lines

    def read_contact(self, entry: _Object) -> ContactMethod:
        kind = entry.choice("kind", CONTACT_KINDS)
        value = entry.field_text(ContactMethod, "value", blank=False)
        normalized = entry.field_text(ContactMethod, "normalized")
        return ContactMethod(
            kind=kind,
            label=entry.field_text(ContactMethod, "label"),
            value=value,
            normalized=normalized,
            service=entry.choice("service", SERVICES),
            position=entry.number("position", 0, 32767),
        )

    def read_date(self, entry: _Object) -> ImportantDate:
        kind = entry.choice("kind", DATE_KINDS)
        month = entry.raw("month")
        if isinstance(month, int) and not isinstance(month, bool) and not 1 <= month <= 12:
            raise _bad_value(entry.at("month"), _("%(value)d is not a month") % {"value": month})
        month = entry.number("month", 1, 12)
        day = entry.raw("day")
        if isinstance(day, int) and not isinstance(day, bool) and not 1 <= day <= 31:
            raise _bad_value(entry.at("day"), _("%(value)d is not a day") % {"value": day})
        day = entry.number("day", 1, 31)
        year = entry.integer("year", 1, 9999, nullable=True)
        try:
            dt.date(year or 2000, month, day)  # 2000 is a leap year: 29 February is allowed
        except ValueError:
            shown = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
            raise _bad_value(entry.path, _("%(date)s is not a date") % {"date": shown}) from None
        return ImportantDate(
            kind=kind,
            label=entry.field_text(ImportantDate, "label"),
            month=month,
            day=day,
            year=year,
        )

    def save_photo(self, item: _Object) -> str:
        raw = item.raw("photo")
        if raw is None:
            return ""
        photo = _Object(raw, item.at("photo"), PHOTO_FIELDS)
        mime = photo.choice("mime", sorted(set(PHOTO_TYPES.values())))
        encoded = "".join(photo.text("data", blank=False).split())  # line breaks are fine
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise _bad_value(photo.at("data"), _("this is not base64")) from None
        extension = sniff_image(data[:16])
        if extension is None:
            raise _bad_value(photo.at("data"), _("this is not a JPEG, PNG, GIF or WebP image"))
        if PHOTO_TYPES[extension] != mime:
            raise _bad_value(
                photo.at("mime"),
                _("%(mime)s, but the data is %(actual)s")
                % {"mime": mime, "actual": PHOTO_TYPES[extension]},
            )
        wanted = self.photo_field.generate_filename(None, f"{secrets.token_hex(12)}.{extension}")
        name = str(self.photo_field.storage.save(wanted, ContentFile(data)))
        self.saved_files.append(name)
        self.counts["photos"] += 1
        return name

    def write_people(self, batch: list[_PersonRows]) -> None:
        if not batch:
            return
        created = self.bulk_create(
            Person,
            [rows.person for rows in batch],
            [{"created_at": rows.created_at, "updated_at": rows.updated_at} for rows in batch],
            keys="reserve",
        )
        links: list[tuple[int, int]] = []
        contacts: list[ContactMethod] = []
        addresses: list[Address] = []
        dates: list[ImportantDate] = []
        for person, rows in zip(created, batch, strict=True):
            self.people.keys[rows.local_id] = person.pk
            self.person_pks.append(person.pk)
            if rows.met_via is not None:
                self.introductions.append((person.pk, f"{rows.path}.met_via", rows.met_via))
            for method in rows.contacts:
                method.person_id = person.pk
            for address in rows.addresses:
                address.person_id = person.pk
            for date in rows.dates:
                date.person_id = person.pk
            contacts.extend(rows.contacts)
            addresses.extend(rows.addresses)
            dates.extend(rows.dates)
            links.extend((person.pk, tag) for tag in rows.tags)
        self.bulk_create(ContactMethod, contacts)
        self.bulk_create(Address, addresses)
        self.bulk_create(ImportantDate, dates)
        bulk.insert_rows(Person.tags.through, ["person_id", "tag_id"], links)
        self.write_dav_cards(batch)
        self.counts["people"] += len(batch)
        self.counts["contact_methods"] += len(contacts)
        self.counts["addresses"] += len(addresses)
        self.counts["important_dates"] += len(dates)

    def write_dav_cards(self, batch: list[_PersonRows]) -> None:
        """A live address book card for each person with ``vcard_extra``, holding those lines
        and nothing else yet: stale (no ETag), so ``carddav.store.refresh`` renders it on the
        next read. A tombstone with the same href (people of this vault deleted before) is
        taken over, as ``refresh`` itself does, since an href is unique in a vault."""
        wanted: list[tuple[int, str, str, str]] = []  # person, uid, href, extra
        for rows in batch:
            if not rows.vcard_extra:
                continue
            person = rows.person
            uid = person.uid or exporting.derived_uid_for(self.vault.pk, person.pk, rows.created_at)
            href = dav_store.href_for(uid, person.pk)
            # Two people with one UID: the second by their id (and, should another's UID be
            # "person-<that id>", a number after it).
            suffix = ""
            number = 1
            while href in self.dav_hrefs:
                href = f"person-{person.pk}{suffix}.vcf"
                number += 1
                suffix = f"-{number}"
            self.dav_hrefs.add(href)
            wanted.append((person.pk, uid, href, "\n".join(rows.vcard_extra)))
        if not wanted:
            return
        existing = {
            card.href: card
            for card in DavCard.objects.filter(
                vault=self.vault, href__in=[href for _pk, _uid, href, _extra in wanted]
            )
        }
        new: list[DavCard] = []
        taken: list[DavCard] = []
        for person_id, uid, href, extra in wanted:
            card = existing.get(href)
            if card is None:
                new.append(
                    DavCard(
                        vault=self.vault,
                        person_id=person_id,
                        href=href,
                        uid=uid,
                        extra=extra,
                        etag="",
                        revision=0,
                    )
                )
                continue
            card.person_id, card.uid, card.extra = person_id, uid, extra
            card.deleted, card.etag = False, ""
            taken.append(card)
        DavCard.objects.bulk_create(new, batch_size=BATCH_SIZE)
        DavCard.objects.bulk_update(
            taken, ["person", "uid", "extra", "deleted", "etag"], batch_size=BATCH_SIZE
        )

    def restore_relationships(self, items: Iterable[tuple[str, object]]) -> None:
        rows: list[Relationship] = []
        seen: set[tuple[int, int, str]] = set()
        for path, raw in items:
            item = _Object(raw, path, RELATIONSHIP_FIELDS)
            from_pk = self.people.key(item.raw("from"), item.at("from"))
            to_pk = self.people.key(item.raw("to"), item.at("to"))
            kind = item.choice("kind", RELATIONSHIP_KINDS)
            if from_pk == to_pk:
                raise _bad_value(path, _("a person cannot be related to themselves"))
            if (from_pk, to_pk, kind) in seen:
                raise UnreadableFile(
                    "duplicate", _("%(path)s: this relationship is listed twice") % {"path": path}
                )
            seen.add((from_pk, to_pk, kind))
            rows.append(
                Relationship(
                    vault=self.vault,
                    from_person_id=from_pk,
                    to_person_id=to_pk,
                    kind=kind,
                    note=item.field_text(Relationship, "note"),
                )
            )
            if len(rows) >= BATCH_SIZE:
                self.bulk_create(Relationship, rows)
                self.counts["relationships"] += len(rows)
                rows = []
        self.bulk_create(Relationship, rows)
        self.counts["relationships"] += len(rows)

    def restore_interactions(self, items: Iterable[tuple[str, object]]) -> None:
        batch: list[tuple[Interaction, dict[str, dt.datetime], list[int], str | None]] = []
        fields = INTERACTION_FIELDS_OF_VERSION[self.version]
        for path, raw in items:
            item = _Object(raw, path, fields)
            local_id = (
                self.interactions.new_id(item.raw("id"), item.at("id")) if "id" in fields else None
            )
            people: list[int] = []
            for where, value in item.items("people"):
                pk = self.people.key(value, where)
                if pk in people:
                    raise UnreadableFile(
                        "duplicate", _("%(path)s: this person is listed twice") % {"path": where}
                    )
                people.append(pk)
            interaction = Interaction(
                vault=self.vault,
                kind=item.choice("kind", INTERACTION_KINDS),
                outcome=item.choice("outcome", OUTCOMES),
                occurred_at=item.stamp("occurred_at"),
                initiated_by=item.choice("initiated_by", INITIATORS),
                summary=item.text("summary"),
                author_id=self.author(item),
            )
            batch.append((interaction, {"created_at": item.stamp("created_at")}, people, local_id))
            if len(batch) >= BATCH_SIZE:
                self.write_interactions(batch)
                batch = []
        self.write_interactions(batch)

    def write_interactions(
        self, batch: list[tuple[Interaction, dict[str, dt.datetime], list[int], str | None]]
    ) -> None:
        if not batch:
            return
        created = self.bulk_create(
            Interaction,
            [row for row, _s, _p, _id in batch],
            [stamps for _r, stamps, _p, _id in batch],
            keys="reserve",
        )
        links: list[tuple[int, int]] = []
        for interaction, (_row, _stamps, people, local_id) in zip(created, batch, strict=True):
            if local_id is not None:
                self.interactions.keys[local_id] = interaction.pk
            links.extend((interaction.pk, pk) for pk in people)
        bulk.insert_rows(Interaction.people.through, ["interaction_id", "person_id"], links)
        self.counts["interactions"] += len(batch)

    def _entries(
        self,
        items: Iterable[tuple[str, object]],
        fields: Collection[str],
        build: Callable[[_Object], tuple[_M, dict[str, dt.datetime]]],
        model: type[_M],
        count: str,
    ) -> None:
        rows: list[_M] = []
        stamps: list[dict[str, dt.datetime]] = []
        for path, raw in items:
            row, stamp = build(_Object(raw, path, fields))
            rows.append(row)
            stamps.append(stamp)
            if len(rows) >= BATCH_SIZE:
                self.bulk_create(model, rows, stamps)
                self.counts[count] += len(rows)
                rows, stamps = [], []
        if rows:
            self.bulk_create(model, rows, stamps)
            self.counts[count] += len(rows)

    def restore_notes(self, items: Iterable[tuple[str, object]]) -> None:
        def build(item: _Object) -> tuple[Note, dict[str, dt.datetime]]:
            note = Note(
                vault=self.vault,
                person_id=self.people.key(item.raw("person"), item.at("person")),
                body=item.text("body"),
                private=item.boolean("private"),
                occurred_at=item.stamp("occurred_at"),
                author_id=self.author(item),
            )
            return note, {
                "created_at": item.stamp("created_at"),
                "updated_at": item.stamp("updated_at"),
            }

        self._entries(items, NOTE_FIELDS, build, Note, "notes")

    def restore_moments(self, items: Iterable[tuple[str, object]]) -> None:
        def build(item: _Object) -> tuple[Moment, dict[str, dt.datetime]]:
            moment = Moment(
                vault=self.vault,
                person_id=self.people.key(item.raw("person"), item.at("person")),
                kind=item.choice("kind", MOMENT_KINDS),
                text=item.text("text"),
                private=item.boolean("private"),
                occurred_at=item.stamp("occurred_at"),
                author_id=self.author(item),
            )
            return moment, {"created_at": item.stamp("created_at")}

        self._entries(items, MOMENT_FIELDS, build, Moment, "moments")

    def restore_follow_ups(self, items: Iterable[tuple[str, object]]) -> None:
        def build(item: _Object) -> tuple[FollowUp, dict[str, dt.datetime]]:
            follow_up = FollowUp(
                vault=self.vault,
                person_id=self.people.key(item.raw("person"), item.at("person")),
                text=item.text("text"),
                direction=item.choice("direction", DIRECTIONS),
                due_on=item.date("due_on"),
                done_at=item.moment("done_at", nullable=True),
                occurred_at=item.stamp("occurred_at"),
                author_id=self.author(item),
            )
            return follow_up, {"created_at": item.stamp("created_at")}

        self._entries(items, FOLLOW_UP_FIELDS, build, FollowUp, "follow_ups")

    def restore_cards(self, items: Iterable[tuple[str, object]]) -> None:
        """Cards are unique per person, author and year. A card by someone who is no member
        here becomes the restoring user's, like a note; if they have a card for that person
        and year already (their own, or another non-member's that came first), it keeps no
        author instead, which the database allows any number of times. Those cards wait until
        the section is read, so the restoring user's own cards go first."""
        rows: list[Card] = []
        stamps: list[dict[str, dt.datetime]] = []
        held: list[tuple[Card, dict[str, dt.datetime]]] = []
        seen: set[tuple[int, str, int]] = set()
        taken: set[tuple[int, int]] = set()  # (person, year) of the restoring user's cards
        for path, raw in items:
            item = _Object(raw, path, CARD_FIELDS)
            person = self.people.key(item.raw("person"), item.at("person"))
            author = self.username(item, "author")
            year = item.number("year", *CARD_YEARS)
            if author is not None:
                if (person, author, year) in seen:
                    raise UnreadableFile(
                        "duplicate",
                        _("%(path)s: a second card for this person by %(author)s in %(year)d")
                        % {"path": path, "author": author, "year": year},
                    )
                seen.add((person, author, year))
            card = Card(
                vault=self.vault,
                person_id=person,
                author_id=None if author is None else self.members.get(author),
                year=year,
                status=item.choice("status", CARD_STATUSES),
                text="" if item.raw("text") is None else item.text("text"),
                sent_at=item.moment("sent_at", nullable=True),
                interaction_id=self.interactions.optional_key(
                    item.raw("interaction"), item.at("interaction")
                ),
            )
            stamp = {
                "created_at": item.stamp("created_at"),
                "updated_at": item.stamp("updated_at"),
            }
            if author is not None and card.author_id is None:
                held.append((card, stamp))
                continue
            if card.author_id == self.user.pk:
                taken.add((person, year))
            rows.append(card)
            stamps.append(stamp)
            if len(rows) >= BATCH_SIZE:
                self.bulk_create(Card, rows, stamps)
                self.counts["cards"] += len(rows)
                rows, stamps = [], []
        for card, stamp in held:
            if (card.person_id, card.year) not in taken:
                card.author_id = self.user.pk
                taken.add((card.person_id, card.year))
            rows.append(card)
            stamps.append(stamp)
        self.bulk_create(Card, rows, stamps)
        self.counts["cards"] += len(rows)

    def restore_check_in_rounds(self, items: Iterable[tuple[str, object]]) -> None:
        batch: list[_RoundRows] = []
        pending = 0
        for path, raw in items:
            rows = self.read_round(path, raw)
            batch.append(rows)
            pending += 1 + len(rows.check_ins)
            if pending >= BATCH_SIZE:
                self.write_rounds(batch)
                batch, pending = [], 0
        self.write_rounds(batch)

    def read_round(self, path: str, raw: object) -> _RoundRows:
        item = _Object(raw, path, ROUND_FIELDS)
        found = _RoundRows(
            CheckInRound(
                vault=self.vault,
                name=item.field_text(CheckInRound, "name", blank=False),
                reason=item.text("reason"),
                status=item.choice("status", ROUND_STATUSES),
                chosen_by=item.field_text(CheckInRound, "chosen_by"),
                author_id=self.author(item),
                finished_at=item.moment("finished_at", nullable=True),
            ),
            {"created_at": item.stamp("created_at")},
        )
        people: set[int] = set()
        for where, value in item.items("check_ins"):
            entry = _Object(value, where, CHECK_IN_FIELDS)
            person = self.people.key(entry.raw("person"), entry.at("person"))
            if person in people:
                raise UnreadableFile(
                    "duplicate",
                    _("%(path)s: this person is in the round twice") % {"path": entry.at("person")},
                )
            people.add(person)
            steps: list[tuple[CheckInStep, dict[str, dt.datetime]]] = []
            kinds: set[str] = set()
            for step_path, step_value in entry.items("steps"):
                step = _Object(step_value, step_path, STEP_FIELDS)
                kind = step.choice("kind", STEP_KINDS)
                if kind in kinds:
                    raise UnreadableFile(
                        "duplicate",
                        _("%(path)s: a second %(kind)s step for this person")
                        % {"path": step.at("kind"), "kind": kind},
                    )
                kinds.add(kind)
                done_at = step.moment("done_at", nullable=True)
                steps.append(
                    (
                        CheckInStep(
                            kind=kind,
                            note=step.text("note"),
                            done_at=done_at,
                            done_by_id=self.author(step, "done_by"),
                            interaction_id=self.step_interaction(step, kind, done_at),
                        ),
                        {"updated_at": step.stamp("updated_at")},
                    )
                )
            found.check_ins.append(
                (CheckIn(person_id=person), {"added_at": entry.stamp("added_at")}, steps)
            )
        return found

    def step_interaction(self, step: _Object, kind: str, done_at: dt.datetime | None) -> int | None:
        """The conversation a check-in step logged: only a done empathy step has one, and no
        two steps share one (marking one not done would delete the other's)."""
        raw = step.raw("interaction")
        if raw is None:
            return None
        key = self.interactions.key(raw, step.at("interaction"))
        if kind != StepKind.EMPATHY or done_at is None:
            raise _bad_value(
                step.at("interaction"),
                _("only a done empathy step can have logged a conversation"),
            )
        if key in self.step_interactions:
            raise UnreadableFile(
                "duplicate",
                _("%(path)s: another check-in step already logged this conversation")
                % {"path": step.at("interaction")},
            )
        self.step_interactions.add(key)
        return key

    def write_rounds(self, batch: list[_RoundRows]) -> None:
        if not batch:
            return
        rounds = self.bulk_create(
            CheckInRound,
            [rows.round for rows in batch],
            [rows.stamps for rows in batch],
            keys="reserve",
        )
        check_ins: list[CheckIn] = []
        check_in_stamps: list[dict[str, dt.datetime]] = []
        for check_in_round, rows in zip(rounds, batch, strict=True):
            for check_in, stamp, _steps in rows.check_ins:
                check_in.round_id = check_in_round.pk
                check_ins.append(check_in)
                check_in_stamps.append(stamp)
        self.bulk_create(CheckIn, check_ins, check_in_stamps, keys="reserve")
        steps: list[CheckInStep] = []
        step_stamps: list[dict[str, dt.datetime]] = []
        for rows in batch:
            for check_in, _stamp, found in rows.check_ins:
                for step, stamp in found:
                    step.check_in_id = check_in.pk
                    steps.append(step)
                    step_stamps.append(stamp)
        self.bulk_create(CheckInStep, steps, step_stamps)
        self.counts["check_in_rounds"] += len(batch)
        self.counts["check_ins"] += len(check_ins)
        self.counts["check_in_steps"] += len(steps)

    def restore_appreciation_nudges(self, items: Iterable[tuple[str, object]]) -> None:
        """The exporting user's suggestions become the restoring user's (like the agenda)."""
        offered: set[dt.date] = set()

        def build(item: _Object) -> tuple[AppreciationNudge, dict[str, dt.datetime]]:
            person = self.people.key(item.raw("person"), item.at("person"))
            day = item.day("offered_on")
            if day in offered:
                raise UnreadableFile(
                    "duplicate",
                    _("%(path)s: a second suggestion on %(day)s")
                    % {"path": item.at("offered_on"), "day": day.isoformat()},
                )
            offered.add(day)
            nudge = AppreciationNudge(
                user_id=self.user.pk,
                vault=self.vault,
                person_id=person,
                offered_on=day,
                outcome=item.choice("outcome", NUDGE_OUTCOMES),
                handled_at=item.moment("handled_at", nullable=True),
                interaction_id=self.interactions.optional_key(
                    item.raw("interaction"), item.at("interaction")
                ),
            )
            return nudge, {}

        self._entries(items, NUDGE_FIELDS, build, AppreciationNudge, "appreciation_nudges")

    def restore_circles(self, items: Iterable[tuple[str, object]]) -> None:
        """The vault's preset circles are reused (one per preset); presets the document does
        not have are removed, so the vault ends up with exactly the document's circles."""
        presets = {c.preset: c for c in Circle.objects.filter(vault=self.vault).exclude(preset="")}
        used_tags: set[int] = set()
        seen_presets: set[str] = set()
        new: list[tuple[str, Circle]] = []
        new_stamps: list[dict[str, dt.datetime]] = []
        for path, raw in items:
            item = _Object(raw, path, CIRCLE_FIELDS)
            local_id = self.circles.new_id(item.raw("id"), item.at("id"))
            preset = item.choice("preset", PRESETS)
            if preset and preset in seen_presets:
                raise UnreadableFile(
                    "duplicate",
                    _("%(path)s: a second circle for the preset %(preset)s")
                    % {"path": item.at("preset"), "preset": preset},
                )
            seen_presets.add(preset)
            tag_name = item.raw("tag")
            tag = None if tag_name is None else self.tag_key(tag_name, item.at("tag"))
            if tag is not None:
                if tag in used_tags:
                    raise UnreadableFile(
                        "duplicate",
                        _("%(path)s: another circle already has this tag")
                        % {"path": item.at("tag")},
                    )
                used_tags.add(tag)
            name = item.field_text(Circle, "name")
            cadence = item.number("cadence_days", 1, MAX_CADENCE_DAYS)
            created_at = item.stamp("created_at")
            if not (name or preset or tag):
                raise _bad_value(path, _("a circle needs a name, a preset or a tag"))
            existing = presets.pop(preset, None) if preset else None
            if existing is not None:
                existing.name, existing.cadence_days, existing.tag_id = name, cadence, tag
                existing.created_at = created_at
                existing.save(update_fields=["name", "cadence_days", "tag", "created_at"])
                self.circles.keys[local_id] = existing.pk
            else:
                circle = Circle(
                    vault=self.vault, name=name, preset=preset, cadence_days=cadence, tag_id=tag
                )
                new.append((local_id, circle))
                new_stamps.append({"created_at": created_at})
        Circle.objects.filter(pk__in=[c.pk for c in presets.values()]).delete()
        created = self.bulk_create(
            Circle, [circle for _id, circle in new], new_stamps, keys="reserve"
        )
        for (local_id, _circle), circle in zip(new, created, strict=True):
            self.circles.keys[local_id] = circle.pk
        self.counts["circles"] = len(self.circles.keys)

    def restore_rhythms(self, items: Iterable[tuple[str, object]]) -> None:
        rows: list[Rhythm] = []
        seen: set[int] = set()
        for path, raw in items:
            item = _Object(raw, path, RHYTHM_FIELDS)
            person = self.people.key(item.raw("person"), item.at("person"))
            if person in seen:
                raise UnreadableFile(
                    "duplicate",
                    _("%(path)s: this person already has a rhythm") % {"path": item.at("person")},
                )
            seen.add(person)
            rows.append(
                Rhythm(
                    person_id=person,
                    circle_id=self.circles.optional_key(item.raw("circle"), item.at("circle")),
                    cadence_days=item.integer("cadence_days", 1, MAX_CADENCE_DAYS, nullable=True),
                    muted=item.boolean("muted"),
                    paused_until=item.date("paused_until"),
                    snoozed_until=item.date("snoozed_until"),
                    skipped_on=item.date("skipped_on"),
                    handled_on=item.date("handled_on"),
                    handled_as=item.choice("handled_as", HANDLED_AS),
                    since=item.day("since"),
                )
            )
            if len(rows) >= BATCH_SIZE:
                self.bulk_create(Rhythm, rows, keys="given")
                self.counts["rhythms"] += len(rows)
                rows = []
        self.bulk_create(Rhythm, rows, keys="given")
        self.counts["rhythms"] += len(rows)

    def restore_agenda_settings(self, raw: object) -> None:
        """The document's agenda settings become the restoring user's (their feed token
        stays: it is a secret of this instance)."""
        if raw is None:
            return
        fields = AGENDA_FIELDS_OF_VERSION[self.version]
        item = _Object(raw, "agenda_settings", fields)
        weekdays = item.text("weekdays", 7)
        if any(char not in "1234567" for char in weekdays) or len(set(weekdays)) != len(weekdays):
            raise _bad_value(
                item.at("weekdays"),
                _("%(value)s is not a set of ISO weekdays (digits 1 to 7)")
                % {"value": json.dumps(weekdays)},
            )
        time_text = item.text("digest_time")
        try:
            digest_time = dt.time.fromisoformat(time_text)
        except ValueError:
            digest_time = None
        if digest_time is None or digest_time.tzinfo is not None:
            raise _bad_value(
                item.at("digest_time"), _("%(value)s is not a time (HH:MM)") % {"value": time_text}
            )
        values: dict[str, Any] = {
            "capacity": item.number("capacity", 1, 50),
            "weekdays": weekdays,
            "time_zone": item.field_text(AgendaSettings, "time_zone"),
            "retry_after_days": item.number("retry_after_days", 1, 30),
            "one_way_resets": item.boolean("one_way_resets"),
            "digest_frequency": item.choice("digest_frequency", DIGEST_FREQUENCIES),
            "digest_time": digest_time,
            "digest_weekday": item.number("digest_weekday", 1, 7),
            "appreciation_every_days": (
                item.number("appreciation_every_days", 0, MAX_APPRECIATION_DAYS)
                if "appreciation_every_days" in fields
                else AgendaSettings._meta.get_field("appreciation_every_days").get_default()
            ),
        }
        AgendaSettings.objects.update_or_create(user=self.user, defaults=values)
        self.counts["agenda_settings"] = 1

    def restore_card_season(self, raw: object) -> None:
        """The document's card list size becomes the restoring user's in this vault."""
        if raw is None:
            return
        item = _Object(raw, "card_season", CARD_SEASON_FIELDS)
        size = item.number("list_size", card_ranking.MIN_SIZE, card_ranking.MAX_SIZE)
        SeasonSettings.objects.update_or_create(
            vault=self.vault, user_id=self.user.pk, defaults={"list_size": size}
        )
        self.counts["card_season"] = 1

    def finish(self) -> None:
        """Recompute what is derived: the search columns and every rhythm's last contacts
        (bulk writes send no signals)."""
        public_notes = Prefetch(
            "notes", queryset=Note.objects.filter(private=False).only("person_id", "body")
        )
        for start in range(0, len(self.person_pks), SEARCH_BATCH):
            batch = Person.objects.filter(
                pk__in=self.person_pks[start : start + SEARCH_BATCH]
            ).prefetch_related("contact_methods", "tags", public_notes)
            documents: list[tuple[int, list[object]]] = []
            for person in batch:
                names, text = build_documents(
                    person,
                    [(method.value, method.normalized) for method in person.contact_methods.all()],
                    [tag.name for tag in person.tags.all()],
                    [note.body for note in person.notes.all()],
                )
                documents.append((person.pk, [names, text]))
            _update_rows(Person, ["search_names", "search_text"], documents)
        refresh_vault(self.vault)


def _update_rows(
    model: type[models.Model], names: list[str], rows: list[tuple[Any, list[object]]]
) -> None:
    """Set some columns of many rows in one ``executemany``: ``bulk_update`` builds a CASE
    expression per column that costs more than the insert itself, and ``save`` would bump
    ``auto_now`` fields and send signals."""
    if not rows:
        return
    quote = connection.ops.quote_name
    fields: list[models.Field[Any, Any]] = []
    for name in names:
        found = model._meta.get_field(name)
        assert isinstance(found, models.Field)
        fields.append(found)
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    # Only table and column names from the model's own metadata, quoted; values are parameters.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(str(model._meta.pk.column))} = %s"
    )
    params = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, values, strict=True)
        ]
        + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
