"""Writing imported records into a vault: match, merge without overwriting, all or nothing.

Every source (vCard, LinkedIn, Google, mapped CSV) yields :class:`~records.Record` or
:class:`~records.Problem`; :func:`import_records` is the one writer behind the web import, the
CLI and the benchmark:

- **Matching** (:mod:`matching`): the same UID, email, phone or profile, or a close name that
  shares an organisation, city or birthday — against the vault and earlier records of the file.
- **Merging**: a match fills empty fields and adds new emails, phones, addresses, dates, tags
  and notes; a different value already stored is never overwritten but listed as a conflict.
- **Atomic**: everything readable is written in one transaction; any failure (or a crash) leaves
  the vault as it was. A dry run does all the work and rolls it back, so its counts are exact.
- **Idempotent**: a record without a UID gets one derived from its content, so importing the
  same file again finds every person it made and changes nothing.
- **Bounded memory**: records stream through in chunks; only match keys are kept for the file.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.exchange import bulk
from aandacht.exchange.exporting import NOTE_SEPARATOR, derived_uid_for
from aandacht.exchange.matching import Identity, MatchIndex, Target
from aandacht.exchange.records import Problem, Record, RecordAddress, RecordDate, UnreadableFile
from aandacht.people import contact, names, search_index_sql
from aandacht.people.editing import check_website, sniff_image
from aandacht.people.models import (
    Address,
    Channel,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    SocialService,
    Tag,
)
from aandacht.people.search import build_documents, refresh_search_fields
from aandacht.timeline.models import Note

CHUNK_SIZE = 1000
# A reader's problems that skip one line, not the record: listed as left out, not unreadable.
SKIPPED_LINE_CODES = frozenset({"not_a_property", "outside"})

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
    "job_title",
    "time_zone",
    "met_on",
    "met_channel",
    "met_at",
    "uid",
)
_NAME_FIELDS = {"given_name", "particles", "family_name"}
_CHANNELS = frozenset(Channel.values)
_SERVICES = frozenset(SocialService.values)
_DATE_KINDS = frozenset(DateKind.values)


@dataclass
class Conflict:
    """A value in the file that differs from what is stored; the stored one was kept."""

    record: int
    person_id: int | None
    person: str
    field: str
    existing: str
    incoming: str


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do), per readable record.

    Each readable record is exactly one of: ``created`` (a new person), ``updated`` (it added
    something to a person already in the vault), ``unchanged`` (it matched and brought nothing
    new) or ``merged_in_file`` (it described a person an earlier record of the file created).
    """

    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged_in_file: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    matches: dict[str, int] = field(default_factory=dict)  # rule -> records matched by it

    @property
    def records(self) -> int:
        return self.created + self.updated + self.unchanged + self.merged_in_file

    def as_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "records": self.records,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "merged_in_file": self.merged_in_file,
            "matched_by": dict(sorted(self.matches.items())),
            "errors": [_problem_json(p) for p in self.errors],
            "warnings": [_problem_json(p) for p in self.warnings],
            "conflicts": [
                {
                    "record": c.record,
                    "person_id": c.person_id,
                    "person": c.person,
                    "field": c.field,
                    "existing": c.existing,
                    "incoming": c.incoming,
                }
                for c in self.conflicts
            ],
        }


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"record": problem.record, "code": problem.code, "reason": problem.reason}


class _DryRun(Exception):
    """Raised at the end of a dry run to roll every write back."""


def import_records(
    vault: Vault,
    records: Iterable[Record | Problem],
    *,
    user: Any = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:
    """Import ``records`` into ``vault`` in one transaction; see the module docstring.

    Raises :class:`UnreadableFile` (``no_records``) when no record could be read — nothing is
    written then — and lets a source's own ``UnreadableFile`` through, also writing nothing.
    """
    report = ImportReport(dry_run=dry_run)
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            index_paused = search_index_sql.pause_sqlite_insert_trigger(connection)
            importer = _Importer(
                vault,
                user,
                report,
                dry_run=dry_run,
                stored_files=stored_files,
                index_directly=index_paused,
            )
            handled = 0
            for chunk in _chunks(iter(records), chunk_size):
                importer.process(chunk)
                handled += len(chunk)
                if progress is not None:
                    progress(handled)
            if report.records == 0:
                raise UnreadableFile("no_records", _no_records_message(report))
            if dry_run:
                raise _DryRun  # the rollback restores the trigger too
            if index_paused:
                search_index_sql.resume_sqlite_insert_trigger(connection)
    except _DryRun:
        pass
    except BaseException:
        for name in stored_files:
            default_storage.delete(name)
        raise
    return report


def _no_records_message(report: ImportReport) -> str:
    if report.errors and all(p.code == "group" for p in report.errors):
        return _("This file holds only contact groups, no people.")
    if report.errors:
        return _(
            "Nothing in this file could be imported: none of its %(count)d records could be "
            "read. The first: %(reason)s"
        ) % {"count": len(report.errors), "reason": report.errors[0].reason}
    return _("This file holds no contacts.")


def _chunks(items: Iterator[Record | Problem], size: int) -> Iterator[list[Record | Problem]]:
    while chunk := list(islice(items, size)):
        yield chunk


# --- the per-person state a chunk works on ----------------------------------------------------


class _NewContact(NamedTuple):
    """A contact method to insert, in the column order of :data:`_CONTACT_COLUMNS`."""

    kind: str
    label: str
    value: str
    normalized: str
    service: str
    position: int


_CONTACT_COLUMNS = ("person_id", "kind", "label", "value", "normalized", "service", "position")
_ADDRESS_COLUMNS = ("person_id", "label", "street", "postal_code", "locality", "region", "country")
_NOTE_COLUMNS = (
    "vault_id", "person_id", "author_id", "body", "private", "occurred_at", "created_at",
    "updated_at",
)  # fmt: skip
_TAG_COLUMNS = ("person_id", "tag_id")


@dataclass(eq=False)
class _State:
    target: Target
    person: Person
    is_new: bool
    made_by_this_import: bool
    contacts: dict[str, set[str]] = field(default_factory=dict)  # kind -> normalized values
    addresses: set[str] = field(default_factory=set)
    dates: list[ImportantDate] = field(default_factory=list)
    note_bodies: set[str] = field(default_factory=set)
    tag_keys: set[str] = field(default_factory=set)
    has_photo: bool = False
    changed_fields: set[str] = field(default_factory=set)
    new_contacts: list[_NewContact] = field(default_factory=list)
    new_addresses: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    new_dates: list[ImportantDate] = field(default_factory=list)
    changed_dates: list[ImportantDate] = field(default_factory=list)
    new_notes: list[str] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)
    photo: tuple[bytes, str] | None = None


@dataclass
class _Prepared:
    """A record with its contacts normalised and cleaned, ready to match and merge."""

    record: Record
    identity: Identity
    contacts: list[tuple[str, str, str, str, str]]  # kind, value, normalized, service, label


@functools.cache
def _max_length(model: Any, name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert isinstance(length, int)
    return length


class _Importer:
    def __init__(
        self,
        vault: Vault,
        user: Any,
        report: ImportReport,
        *,
        dry_run: bool,
        stored_files: list[str],
        index_directly: bool = False,
    ) -> None:
        self.vault = vault
        self.index_directly = index_directly
        self.unsaved_conflicts: list[tuple[_State, Conflict]] = []
        self.user = user if getattr(user, "pk", None) is not None else None
        self.report = report
        self.dry_run = dry_run
        self.stored_files = stored_files
        self.region = str(settings.PHONE_REGION)
        self.now = timezone.now()
        self.index = MatchIndex()
        self.created_targets: set[int] = set()  # id() of targets this import created
        self.tags: dict[str, Tag] = {
            tag.name.casefold(): tag for tag in Tag.objects.filter(vault=vault)
        }
        self._load_index()

    # --- the index of the vault as it is ---------------------------------------------------

    def _load_index(self) -> None:
        identities: dict[int, Identity] = {}
        for pk, uid, given, particles, family, organisation, created_at in (
            Person.objects.filter(vault=self.vault, trashed_at__isnull=True)
            .order_by("pk")
            .values_list(
                "pk", "uid", "given_name", "particles", "family_name", "organisation", "created_at"
            )
            .iterator(chunk_size=5000)
        ):
            # Someone without a UID was exported under a derived one: their own export matches.
            identities[pk] = Identity(
                uid=uid or derived_uid_for(self.vault.pk, pk, created_at),
                given=given,
                particles=particles,
                family=family,
                organisation=organisation,
            )
        if not identities:
            return
        for person_id, kind, normalized, service in (
            ContactMethod.objects.filter(person__vault=self.vault, person__trashed_at__isnull=True)
            .values_list("person_id", "kind", "normalized", "service")
            .iterator(chunk_size=5000)
        ):
            identity = identities.get(person_id)
            if identity is None or not normalized:
                continue
            if kind == ContactKind.EMAIL:
                identity.emails.add(normalized)
            elif kind == ContactKind.PHONE:
                identity.phones.add(normalized)
            elif kind == ContactKind.SOCIAL:
                identity.socials.add(f"{service or 'other'}:{normalized}")
        for person_id, locality in Address.objects.filter(
            person__vault=self.vault, person__trashed_at__isnull=True
        ).values_list("person_id", "locality"):
            if person_id in identities and locality:
                identities[person_id].cities.add(locality)
        for person_id, month, day in ImportantDate.objects.filter(
            person__vault=self.vault, person__trashed_at__isnull=True, kind=DateKind.BIRTHDAY
        ).values_list("person_id", "month", "day"):
            if person_id in identities:
                identities[person_id].birthdays.add((month, day))
        for pk, identity in identities.items():
            self.index.add(identity, Target(pk=pk))

    # --- one chunk -----------------------------------------------------------------------

    def process(self, chunk: list[Record | Problem]) -> None:
        plan: list[tuple[_Prepared, Target, str | None]] = []
        for item in chunk:
            if isinstance(item, Problem):
                if item.code in SKIPPED_LINE_CODES:
                    self.report.warnings.append(item)  # the card itself is still imported
                else:
                    self.report.errors.append(item)
                continue
            if item.is_empty():
                self.report.errors.append(
                    Problem(
                        item.number,
                        "empty",
                        _("Record %(number)d has no name, contact detail or anything else.")
                        % {"number": item.number},
                    )
                )
                continue
            prepared = self._prepare(item)
            match = self.index.match(prepared.identity)
            if match is None:
                target = Target(number=item.number)
                self.created_targets.add(id(target))
                rule = None
            else:
                target, rule = match.target, match.rule
                self.report.matches[rule] = self.report.matches.get(rule, 0) + 1
            self.index.add(prepared.identity, target)
            plan.append((prepared, target, rule))
        if not plan:
            return
        states = self._load_states({id(t): t for _p, t, _r in plan if t.pk is not None})
        for prepared, target, _rule in plan:
            state = states.get(id(target))
            if state is None:
                state = _State(
                    target=target,
                    person=Person(vault=self.vault),
                    is_new=True,
                    made_by_this_import=True,
                )
                states[id(target)] = state
                self.report.created += 1
                self._merge(state, prepared)
                continue
            if self._merge(state, prepared):
                if state.made_by_this_import:
                    self.report.merged_in_file += 1
                else:
                    self.report.updated += 1
            elif state.made_by_this_import:
                self.report.merged_in_file += 1
            else:
                self.report.unchanged += 1
        self._flush(list(states.values()))

    def _load_states(self, targets: dict[int, Target]) -> dict[int, _State]:
        """The stored details of the existing people this chunk touches, in a few queries."""
        if not targets:
            return {}
        by_pk = {t.pk: t for t in targets.values() if t.pk is not None}
        states: dict[int, _State] = {}
        state_of_pk: dict[int, _State] = {}
        for person in Person.objects.filter(pk__in=list(by_pk)):
            target = by_pk[person.pk]
            state = _State(
                target=target,
                person=person,
                is_new=False,
                made_by_this_import=id(target) in self.created_targets,
                has_photo=bool(person.photo),
            )
            states[id(target)] = state
            state_of_pk[person.pk] = state
        pks = list(state_of_pk)
        for person_id, kind, normalized in ContactMethod.objects.filter(
            person_id__in=pks
        ).values_list("person_id", "kind", "normalized"):
            state_of_pk[person_id].contacts.setdefault(kind, set()).add(normalized)
        for address in Address.objects.filter(person_id__in=pks):
            state_of_pk[address.person_id].addresses.add(
                _address_key(address.street, address.postal_code, address.locality, address.country)
            )
        for date in ImportantDate.objects.filter(person_id__in=pks):
            state_of_pk[date.person_id].dates.append(date)
        shared: dict[int, list[str]] = {}
        for person_id, body, private in (
            Note.objects.filter(person_id__in=pks)
            .order_by("occurred_at", "id")
            .values_list("person_id", "body", "private")
        ):
            state_of_pk[person_id].note_bodies.add(body.strip())
            if not private and body.strip():
                shared.setdefault(person_id, []).append(body.strip())
        for person_id, bodies in shared.items():
            # A vCard or CSV export carries all shared notes as one NOTE: that is known too.
            state_of_pk[person_id].note_bodies.add(NOTE_SEPARATOR.join(bodies))
        for person_id, tag_name in Person.tags.through.objects.filter(
            person_id__in=pks
        ).values_list("person_id", "tag__name"):
            state_of_pk[person_id].tag_keys.add(tag_name.casefold())
        return states

    # --- reading one record ----------------------------------------------------------------

    def _warn(self, record: Record, code: str, message: str) -> None:
        self.report.warnings.append(Problem(record.number, code, message))

    def _prepare(self, record: Record) -> _Prepared:
        identity = Identity(
            uid=record.uid.strip() or _content_uid(record),
            given=record.given_name,
            particles=record.particles,
            family=record.family_name,
            organisation=record.organisation,
            cities={a.locality for a in record.addresses if a.locality},
            birthdays={(d.month, d.day) for d in record.dates if d.kind == "birthday"},
        )
        contacts: list[tuple[str, str, str, str, str]] = []
        label_length = _max_length(ContactMethod, "label")
        value_length = _max_length(ContactMethod, "value")
        for item in record.contacts:
            raw = " ".join(item.value.split())
            if not raw:
                continue
            if len(raw) > value_length:
                self._warn(
                    record,
                    "too_long",
                    _("%(value)s… is longer than %(limit)d characters; left out.")
                    % {"value": raw[:40], "limit": value_length},
                )
                continue
            try:
                value, normalized, service = self._normalise(item.kind, raw, item.service)
            except contact.InvalidContact as error:
                self._warn(record, "bad_contact", str(error))
                continue
            label = item.label.strip()[:label_length]
            contacts.append((item.kind, value, normalized, service, label))
            if item.kind == "email":
                identity.emails.add(normalized)
            elif item.kind == "phone":
                identity.phones.add(normalized)
            elif item.kind == "social":
                identity.socials.add(f"{service}:{normalized}")
        return _Prepared(record, identity, contacts)

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

    # --- merging -------------------------------------------------------------------------

    def _merge(self, state: _State, prepared: _Prepared) -> bool:
        """Fold one record into a person's state; True when it added anything."""
        record = prepared.record
        before = _change_count(state)
        person = state.person
        values = self._scalar_values(record, prepared.identity.uid)
        for name, incoming in values.items():
            if incoming in ("", None):
                continue
            current = getattr(person, name)
            if name == "uid" and not current and person.pk is not None:
                if incoming == derived_uid_for(person.vault_id, person.pk, person.created_at):
                    continue  # their own export: the derived UID is theirs already
            if current in ("", None):
                setattr(person, name, incoming)
                state.changed_fields.add(name)
            elif name == "uid":
                continue  # a person keeps the identity they have; other UIDs still match
            elif _differs(current, incoming):
                self._conflict(state, record, name, current, incoming)
        for kind, value, normalized, service, label in prepared.contacts:
            known = state.contacts.setdefault(kind, set())
            if normalized in known:
                continue
            known.add(normalized)
            position = len(known)
            state.new_contacts.append(
                _NewContact(kind, label, value, normalized, service, position)
            )
        for address in record.addresses:
            self._merge_address(state, record, address)
        for date in record.dates:
            self._merge_date(state, record, date)
        note = record.note.strip()
        if note and note not in state.note_bodies:
            state.note_bodies.add(note)
            state.new_notes.append(note)
        for tag in record.tags:
            name = " ".join(tag.split())[: _max_length(Tag, "name")]
            if name and name.casefold() not in state.tag_keys:
                state.tag_keys.add(name.casefold())
                state.new_tags.append(name)
        if not (person.given_name or person.family_name or person.nickname or person.organisation):
            self._name_after_contact(state, prepared)
        if record.photo is not None and not state.has_photo and state.photo is None:
            extension = sniff_image(record.photo.data[:16])
            if extension is None:
                self._warn(record, "bad_photo", _("The photo is not a JPEG, PNG, GIF or WebP."))
            elif len(record.photo.data) > int(settings.UPLOAD_MAX_BYTES):
                self._warn(record, "photo_too_large", _("The photo is too large; left out."))
            else:
                state.photo = (record.photo.data, extension)
        return _change_count(state) != before

    def _name_after_contact(self, state: _State, prepared: _Prepared) -> None:
        """Someone with only an email address or phone number is called by it, not "(no name)"."""
        fallback = next(
            (value for kind, value, *_rest in prepared.contacts if kind in ("email", "phone")), ""
        )
        if not fallback:
            return
        state.person.nickname = fallback[: _max_length(Person, "nickname")]
        state.changed_fields.add("nickname")
        self._warn(
            prepared.record,
            "no_name",
            _("No name: called %(value)s until you give them one.") % {"value": fallback},
        )

    def _scalar_values(self, record: Record, uid: str) -> dict[str, Any]:
        met_channel = record.met_channel if record.met_channel in _CHANNELS else ""
        values: dict[str, Any] = {
            "given_name": record.given_name,
            "particles": record.particles,
            "family_name": record.family_name,
            "nickname": record.nickname,
            "name_prefix": record.name_prefix,
            "name_suffix": record.name_suffix,
            "pronouns": record.pronouns,
            "organisation": record.organisation,
            "job_title": record.job_title,
            "time_zone": record.time_zone,
            "met_on": record.met_on,
            "met_channel": met_channel,
            "met_at": record.met_at,
            "uid": uid,
        }
        for name, value in values.items():
            if isinstance(value, str):
                value = " ".join(value.split()) if name != "uid" else value.strip()
                limit = _max_length(Person, name)
                if len(value) > limit:
                    self._warn(
                        record,
                        "too_long",
                        _("%(field)s is longer than %(limit)d characters and was shortened.")
                        % {"field": _field_label(name), "limit": limit},
                    )
                    value = value[:limit]
                values[name] = value
        return values

    def _conflict(self, state: _State, record: Record, name: str, current: Any, new: Any) -> None:
        person = state.person
        conflict = Conflict(
            record=record.number,
            person_id=person.pk,
            person=person.name,
            field=name,
            existing=_text(current),
            incoming=_text(new),
        )
        self.report.conflicts.append(conflict)
        if person.pk is None:  # created earlier in this chunk: its id comes with the flush
            self.unsaved_conflicts.append((state, conflict))

    def _merge_address(self, state: _State, record: Record, incoming: RecordAddress) -> None:
        if incoming.is_empty():
            return
        fields = {
            "label": incoming.label,
            "street": incoming.street,
            "postal_code": incoming.postal_code,
            "locality": incoming.locality,
            "region": incoming.region,
            "country": incoming.country,
        }
        for name, value in fields.items():
            value = " ".join(value.split())
            limit = _max_length(Address, name)
            if len(value) > limit:
                if name != "label":
                    self._warn(
                        record,
                        "too_long",
                        _("An address line is longer than %(limit)d characters; shortened.")
                        % {"limit": limit},
                    )
                value = value[:limit]
            fields[name] = value
        key = _address_key(
            fields["street"], fields["postal_code"], fields["locality"], fields["country"]
        )
        if key in state.addresses:
            return
        state.addresses.add(key)
        state.new_addresses.append(
            (
                fields["label"],
                fields["street"],
                fields["postal_code"],
                fields["locality"],
                fields["region"],
                fields["country"],
            )
        )

    def _merge_date(self, state: _State, record: Record, incoming: RecordDate) -> None:
        if not (1 <= incoming.month <= 12 and 1 <= incoming.day <= _days_in(incoming.month)):
            self._warn(
                record,
                "bad_date",
                _("%(day)s-%(month)s is not a date; left out.")
                % {"day": incoming.day, "month": incoming.month},
            )
            return
        year = incoming.year if incoming.year and 1 <= incoming.year <= 9999 else None
        label = " ".join(incoming.label.split())[: _max_length(ImportantDate, "label")]
        kind = incoming.kind if incoming.kind in _DATE_KINDS else DateKind.CUSTOM
        for existing in [*state.dates, *state.new_dates]:
            if existing.kind != kind:
                continue
            if kind == DateKind.CUSTOM and existing.label.casefold() != label.casefold():
                continue
            same_day = (existing.month, existing.day) == (incoming.month, incoming.day)
            if same_day and existing.year == year:
                return
            if same_day and existing.year is None and year is not None:
                existing.year = year
                if existing.pk is not None and existing not in state.changed_dates:
                    state.changed_dates.append(existing)
                return
            if same_day and year is None:
                return
            if kind != DateKind.CUSTOM:
                self._conflict(
                    state, record, kind, _date_text(existing), _date_text_of(incoming, year)
                )
                return
        state.new_dates.append(
            ImportantDate(kind=kind, label=label, month=incoming.month, day=incoming.day, year=year)
        )

    # --- writing -------------------------------------------------------------------------

    def _flush(self, states: list[_State]) -> None:
        new_people = [s for s in states if s.is_new]
        changed = [s for s in states if not s.is_new and _change_count(s)]
        for state in new_people:
            self._store_photo(state)
            person = state.person
            person.sort_key = names.sort_key(
                person.given_name, person.particles, person.family_name
            )
            person.search_names, person.search_text = build_documents(
                person,
                [(c.value, c.normalized) for c in state.new_contacts],
                state.new_tags,
                state.new_notes,
            )
            person.created_at = person.updated_at = self.now
        for state, pk in zip(new_people, bulk.reserve_ids(Person, len(new_people)), strict=True):
            state.person.pk = pk
            state.person._state.adding = False
        bulk.insert(Person, [s.person for s in new_people], with_pk=True)
        if self.index_directly:
            search_index_sql.index_people(
                connection,
                [(s.person.pk, s.person.search_names, s.person.search_text) for s in new_people],
            )
        for state in new_people:
            state.target.pk = state.person.pk
            state.is_new = False
        for state in changed:
            if state.photo is not None:
                self._store_photo(state)
        updated_people = [s.person for s in changed if s.changed_fields]
        if updated_people:
            fields = sorted({f for s in changed for f in s.changed_fields} | {"updated_at"})
            for person in updated_people:
                person.updated_at = self.now
                person.sort_key = names.sort_key(
                    person.given_name, person.particles, person.family_name
                )
            if _NAME_FIELDS & set(fields):
                fields.append("sort_key")
            Person.objects.bulk_update(updated_people, fields, batch_size=500)
        touched = [*new_people, *changed]
        contacts: list[tuple[Any, ...]] = []
        addresses: list[tuple[Any, ...]] = []
        dates: list[ImportantDate] = []
        notes: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []
        author_id = self.user.pk if self.user is not None else None
        stamp = self.now
        for state in touched:
            pk = state.person.pk
            contacts.extend((pk, *method) for method in state.new_contacts)
            addresses.extend((pk, *address) for address in state.new_addresses)
            for date in state.new_dates:
                date.person_id = pk
                dates.append(date)
            notes.extend(
                (self.vault.pk, pk, author_id, body, False, stamp, stamp, stamp)
                for body in state.new_notes
            )
            links.extend((pk, self._tag(name).pk) for name in state.new_tags)
        bulk.insert_rows(ContactMethod, _CONTACT_COLUMNS, contacts)
        bulk.insert_rows(Address, _ADDRESS_COLUMNS, addresses)
        # Dates get their ids now: a later record of the file may add the year to one.
        for date, date_pk in zip(dates, bulk.reserve_ids(ImportantDate, len(dates)), strict=True):
            date.pk = date_pk
            date._state.adding = False
        bulk.insert(ImportantDate, dates, with_pk=True)
        bulk.insert_rows(Note, _NOTE_COLUMNS, notes)
        bulk.insert_rows(Person.tags.through, _TAG_COLUMNS, links)
        changed_dates = [d for s in changed for d in s.changed_dates]
        if changed_dates:
            ImportantDate.objects.bulk_update(changed_dates, ["year"], batch_size=500)
        if changed:
            refresh_search_fields(s.person.pk for s in changed)
        for state in touched:
            _settle(state)
        for state, conflict in self.unsaved_conflicts:
            conflict.person_id = state.person.pk
            conflict.person = state.person.name
        self.unsaved_conflicts.clear()

    def _tag(self, name: str) -> Tag:
        tag = self.tags.get(name.casefold())
        if tag is None:
            tag = Tag.objects.create(vault=self.vault, name=name)
            self.tags[name.casefold()] = tag
        return tag

    def _store_photo(self, state: _State) -> None:
        if state.photo is None:
            return
        data, extension = state.photo
        if self.dry_run:
            name = f"photos/dry-run.{extension}"
        else:
            folder = self.now.strftime("photos/%Y/")
            name = default_storage.save(
                f"{folder}{secrets.token_hex(12)}.{extension}", ContentFile(data)
            )
            self.stored_files.append(name)
        state.person.photo.name = name
        state.changed_fields.add("photo")
        state.has_photo = True


def _settle(state: _State) -> None:
    """After a flush, what was new is stored: a later record of the file compares with it."""
    state.dates.extend(state.new_dates)
    state.new_contacts.clear()
    state.new_addresses.clear()
    state.new_dates.clear()
    state.changed_dates.clear()
    state.new_notes.clear()
    state.new_tags.clear()
    state.changed_fields.clear()
    state.photo = None


def _change_count(state: _State) -> int:
    return (
        len(state.changed_fields)
        + len(state.new_contacts)
        + len(state.new_addresses)
        + len(state.new_dates)
        + len(state.changed_dates)
        + len(state.new_notes)
        + len(state.new_tags)
        + (state.photo is not None)
    )


def _content_uid(record: Record) -> str:
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
    return f"urn:aandacht:import:{digest[:32]}"


def _address_key(street: str, postal_code: str, locality: str, country: str) -> str:
    return names.fold("|".join((street, postal_code.replace(" ", ""), locality, country)))


def _differs(current: Any, incoming: Any) -> bool:
    if current == incoming:
        return False
    if isinstance(current, str) and isinstance(incoming, str):
        return names.fold(current) != names.fold(incoming)
    return bool(current != incoming)


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _days_in(month: int) -> int:
    return (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]


def _date_text(date: ImportantDate) -> str:
    return (
        f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
        if date.year
        else (f"--{date.month:02d}-{date.day:02d}")
    )


def _date_text_of(date: RecordDate, year: int | None) -> str:
    return (
        f"{year:04d}-{date.month:02d}-{date.day:02d}"
        if year
        else (f"--{date.month:02d}-{date.day:02d}")
    )


def _field_label(name: str) -> str:
    if name == "uid":
        return "UID"
    return str(getattr(Person._meta.get_field(name), "verbose_name", name))
