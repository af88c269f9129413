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
import gc
import os
import secrets
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any, NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aandacht import planner_statistics
from aandacht.accounts.models import Vault
from aandacht.exchange import bulk
from aandacht.exchange.exporting import NOTE_SEPARATOR, derived_uid_for
from aandacht.exchange.matching import Identity, MatchIndex, Target
from aandacht.exchange.pipeline import VcardRecords
from aandacht.exchange.prepare import (
    SCALAR_FIELDS,
    Prepared,
    Preparer,
    address_key,
    empty_problem,
)
from aandacht.exchange.records import Problem, Record, UnreadableFile
from aandacht.people import names, search_index_sql
from aandacht.people.models import (
    Address,
    Channel,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Tag,
)
from aandacht.people.search import build_documents, refresh_search_fields
from aandacht.timeline.models import Note
from aandacht.web import stamp

CHUNK_SIZE = 1000
IMPORT_CACHE_KIB = 65536  # SQLite page cache during an import (see _large_page_cache)
# A reader's problems that skip one line, not the record: listed as left out, not unreadable.
# (A CSV reader's bad_date also leaves out only the date: the row follows as a record.)
SKIPPED_LINE_CODES = frozenset({"not_a_property", "outside", "bad_date"})

_NAME_FIELDS = {"given_name", "particles", "family_name"}
PHOTOS_PENDING = 64  # photos handed to the writing thread before the finished ones are counted
DETAIL_LIMIT = 200  # new and updated people listed by name in a report (the rest counted)
#: An import that created or updated this many people, and at least this share of all the
#: people stored, refreshes SQLite's query-planner statistics afterwards
#: (aandacht.planner_statistics); smaller ones change the figures too little to pay for an
#: ANALYZE (2.5 s at 50,000 people, holding the write lock; the daily refresh catches up).
STATISTICS_AFTER_PEOPLE = 1000
STATISTICS_AFTER_SHARE = 0.1


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
    # The first DETAIL_LIMIT people created ({"record", "name"}) and updated ({"record",
    # "person_id", "person", "rule", "added": [{"field", "value"}]}), in file order.
    new_people: list[dict[str, Any]] = field(default_factory=list)
    new_people_more: int = 0
    updated_people: list[dict[str, Any]] = field(default_factory=list)
    updated_people_more: int = 0
    # Big enough to refresh SQLite's planner statistics (not part of the report's JSON).
    statistics_due: bool = False

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
            "new_people": self.new_people,
            "new_people_more": self.new_people_more,
            "updated_people": self.updated_people,
            "updated_people_more": self.updated_people_more,
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
    before_commit: Callable[[], None] | None = None,
    defer_statistics: bool = False,
) -> ImportReport:
    """Import ``records`` into ``vault`` in one transaction; see the module docstring.

    ``before_commit`` runs last inside the transaction (not for a dry run): an exception from
    it rolls the whole import back (a web job confirms there that it still holds its lock).

    A big import refreshes SQLite's planner statistics after its commit; with
    ``defer_statistics`` it only says so (``report.statistics_due``) and the caller runs
    :func:`planner_statistics.refresh_quietly` when it suits (a web job: once the person
    watching has been told the import is done).

    Raises :class:`UnreadableFile` (``no_records``) when no record could be read — nothing is
    written then — and lets a source's own ``UnreadableFile`` through, also writing nothing.
    """
    report = ImportReport(dry_run=dry_run)
    stored_files: list[str] = []
    photos = _PhotoWriter(stored_files)
    try:
        with _large_page_cache(), _settled_objects() as settle, transaction.atomic():
            index_paused = search_index_sql.pause_sqlite_insert_trigger(connection)
            stamp_paused = stamp.pause_sqlite(connection)
            importer = _Importer(
                vault,
                user,
                report,
                dry_run=dry_run,
                photos=photos,
                index_directly=index_paused,
            )
            handled = 0
            chunks = _chunks_of(records, chunk_size)
            try:
                for chunk in chunks:
                    importer.process(chunk)
                    handled += len(chunk)
                    del chunk  # what survives it now is what the import keeps
                    settle()
                    if progress is not None:
                        progress(handled)
            finally:
                chunks.close()  # on any failure: a worker process stops now, not at exit
            importer.finish_photos()
            if report.records == 0:
                raise UnreadableFile("no_records", _no_records_message(report))
            if dry_run:
                raise _DryRun  # the rollback restores the trigger too
            if before_commit is not None:
                before_commit()
            if index_paused:
                search_index_sql.resume_sqlite_insert_trigger(connection)
            if stamp_paused:
                stamp.resume_sqlite(connection)
    except _DryRun:
        pass
    except BaseException:
        photos.abandon()  # the writes under way end first, then all of them are deleted
        for name in stored_files:
            default_storage.delete(name)
        raise
    if not dry_run and _changes_the_statistics(report.created + report.updated):
        report.statistics_due = True
        if not defer_statistics:
            # After the commit (at once, or when a caller's outer transaction commits), never
            # in it: the import is stored whatever the statistics step does (it logs a failure).
            transaction.on_commit(partial(planner_statistics.refresh_quietly, "import"))
    return report


def _changes_the_statistics(people: int) -> bool:
    if people < STATISTICS_AFTER_PEOPLE:
        return False
    return people >= STATISTICS_AFTER_SHARE * Person.objects.count()


class _PhotoWriter:
    """Writes the import's photos in a thread while the import goes on.

    Creating a file is slow on some disks (measured on the benchmark's: 1.5 ms each, most of it
    waiting), and 2,500 photos then held up the one process that writes the database. The
    name is chosen here, so the row can say it at once; the storage keeps that name unless the
    file exists already (with 96 random bits: in theory), and :meth:`finish` then gives the
    people to correct. Every write is done (or failed) before the transaction commits; a
    failed write fails the import, and every file written is deleted when the import fails.
    """

    def __init__(self, stored_files: list[str]) -> None:
        self.stored_files = stored_files
        self._executor: ThreadPoolExecutor | None = None
        self._pending: list[tuple[str, Future[str], Any]] = []
        self._direct: FileSystemStorage | None = None  # see _save
        self._folder = ""
        self._checked = False

    def write(self, name: str, data: bytes, person: Any) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="aandacht-import-photos")
        future = self._executor.submit(self._save, name, data)
        self._pending.append((name, future, person))
        if len(self._pending) >= PHOTOS_PENDING:
            self._settle(wait=False)

    def _save(self, name: str, data: bytes) -> str:
        """``default_storage.save``, with fewer system calls on the plain file system storage.

        Django's save looks for the name, makes the folder, locks the file and checks its group
        each time (measured: 0.52 s CPU for 2,500 photos, against 0.17 s here). The first photo
        of the import goes through the storage and makes the folder; when that file got the
        storage root's group, the rest are created directly in the same folder, exclusively
        and with the storage's permissions. Anything else (a name taken, another folder,
        another storage) goes through the storage as before.
        """
        storage = self._direct
        if storage is not None:
            path = storage.path(name)
            if os.path.dirname(path) == self._folder:
                try:
                    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                except FileExistsError:
                    pass  # the storage picks another name
                else:
                    try:
                        with os.fdopen(handle, "wb") as file:
                            file.write(data)
                        if storage.file_permissions_mode is not None:
                            os.chmod(path, storage.file_permissions_mode)
                    except BaseException:
                        with suppress(OSError):
                            os.unlink(path)
                        raise
                    return name
        existed = default_storage.exists(name)
        try:
            saved = default_storage.save(name, ContentFile(data))
        except BaseException:
            if not existed:  # the storage may have made the file before it failed
                with suppress(OSError):
                    default_storage.delete(name)
            raise
        if not self._checked:
            self._checked = True
            chosen = storages["default"]
            if type(chosen) is FileSystemStorage:
                path = chosen.path(saved)
                if os.stat(path).st_gid == os.stat(chosen.location).st_gid:
                    self._direct = chosen
                    self._folder = os.path.dirname(path)
        return saved

    def finish(self) -> list[tuple[Any, str]]:
        """Wait for every write; the people whose file got another name, with that name."""
        renamed = self._settle(wait=True)
        self._close()
        return renamed

    def abandon(self) -> None:
        try:
            self._settle(wait=True, raise_error=False)
        finally:
            self._close()

    def _settle(self, *, wait: bool, raise_error: bool = True) -> list[tuple[Any, str]]:
        renamed: list[tuple[Any, str]] = []
        kept: list[tuple[str, Future[str], Any]] = []
        failure: BaseException | None = None
        for name, future, person in self._pending:
            if not wait and not future.done():
                kept.append((name, future, person))
                continue
            try:
                saved = future.result()
            except BaseException as error:  # raised below, once the rest are counted
                failure = failure or error
                continue
            self.stored_files.append(saved)
            if saved != name:
                renamed.append((person, saved))
        self._pending = kept
        if failure is not None and raise_error:
            raise failure
        return renamed

    def _close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None


@contextmanager
def _large_page_cache() -> Iterator[None]:
    """A bigger SQLite page cache for the import's one long transaction, then the old one.

    With the default 2 MB, SQLite spills changed pages to the write-ahead log again and again
    while the transaction grows; durability is untouched (WAL, synchronous=NORMAL as always).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


_gc_lock = threading.Lock()
_gc_holders = 0  # imports running now (web jobs run in threads): the last one turns it back on
_gc_was_enabled = True


@contextmanager
def _settled_objects() -> Iterator[Callable[[], None]]:
    """Keep the garbage collector off what the import keeps (its match index, the states).

    The index grows to millions of objects that live until the end, and every collection of
    the oldest generation walked all of them again (measured: 4.2 of the main process's 13 s
    CPU for 50,000 cards), while an import makes no cyclic garbage of its own (measured: a
    collection after it found none). So automatic collection pauses while it runs, and the
    callable, after each chunk, moves what survived out of the collector's sight
    (``gc.freeze``; a collection of the young objects per chunk still cost 0.4 s).
    Refcounting frees everything else as always; at the end, or on any failure, the objects
    are handed back and collection resumes (cyclic garbage another thread made meanwhile is
    collected then).
    """
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    gc.freeze()  # Django and the modules: nothing of them becomes garbage during an import
    try:
        yield gc.freeze
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0:
                gc.unfreeze()
                if _gc_was_enabled:
                    gc.enable()


def _no_records_message(report: ImportReport) -> str:
    if report.errors and all(p.code == "group" for p in report.errors):
        return _("This file holds only contact groups, no people.")
    if report.errors:
        count = len(report.errors)
        return ngettext(
            "Nothing in this file could be imported: its one record could not be read: %(reason)s",
            "Nothing in this file could be imported: none of its %(count)d records could be "
            "read. The first: %(reason)s",
            count,
        ) % {"count": count, "reason": report.errors[0].reason}
    return _("This file holds no contacts.")


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(items, size)):
        yield chunk


def _chunks_of(records: Iterable[Record | Problem], size: int) -> Generator[list[Any], None, None]:
    """Chunks to process: a large vCard file is read and prepared by a second process."""
    if isinstance(records, VcardRecords) and records.large:
        prepared = records.prepared_chunks(
            region=str(settings.PHONE_REGION),
            photo_limit=int(settings.UPLOAD_MAX_BYTES),
            language=translation.get_language(),
        )
        try:
            yield from _chunks((item for chunk in prepared for item in chunk), size)
        finally:
            prepared.close()  # stops the worker at once when the import fails
        return
    yield from _chunks(iter(records), size)


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
_DATE_COLUMNS = ("id", "person_id", "kind", "label", "month", "day", "year")
_NOTE_COLUMNS = (
    "vault_id", "person_id", "author_id", "body", "private", "occurred_at", "created_at",
    "updated_at",
)  # fmt: skip
_TAG_COLUMNS = ("person_id", "tag_id")


class _Date:
    """An important date of a person in this import: stored (``pk``) or about to be."""

    __slots__ = ("day", "kind", "label", "month", "pk", "year")

    def __init__(
        self, pk: int | None, kind: str, label: str, month: int, day: int, year: int | None
    ) -> None:
        self.pk = pk
        self.kind = kind
        self.label = label
        self.month = month
        self.day = day
        self.year = year


class _NewPerson:
    """A person this import creates: plain attributes, written as one row (no model instance)."""

    pk: int | None = None
    given_name = ""
    particles = ""
    family_name = ""
    nickname = ""
    name_prefix = ""
    name_suffix = ""
    pronouns = ""
    organisation = ""
    department = ""
    job_title = ""
    time_zone = ""
    met_on: dt.date | None = None
    met_channel = ""
    met_at = ""
    uid = ""
    photo_name = ""

    def __init__(self, vault_id: int, created_at: dt.datetime) -> None:
        self.vault_id = vault_id
        self.created_at = created_at

    @property
    def name(self) -> str:
        return (
            names.display_name(self.given_name, self.particles, self.family_name)
            or self.nickname
            or self.organisation
            or str(_("(no name)"))
        )


@dataclass(eq=False)
class _State:
    target: Target
    person: Any  # a Person, or a _NewPerson until it is written
    is_new: bool
    made_by_this_import: bool
    contacts: dict[str, set[str]] = field(default_factory=dict)  # kind -> normalized values
    addresses: set[str] = field(default_factory=set)
    dates: list[_Date] = field(default_factory=list)
    note_bodies: set[str] = field(default_factory=set)
    tag_keys: set[str] = field(default_factory=set)
    has_photo: bool = False
    changed_fields: set[str] = field(default_factory=set)
    new_contacts: list[_NewContact] = field(default_factory=list)
    new_addresses: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    new_dates: list[_Date] = field(default_factory=list)
    changed_dates: list[_Date] = field(default_factory=list)
    new_notes: list[str] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)
    photo: tuple[bytes, str] | None = None
    # sort key and search columns prepared for a new person made of one record only
    documents: tuple[str, str, str] | None = None


class _Detail:
    """The first people an import creates and updates, for a preview to list (capped)."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.pending_new: list[tuple[_State, dict[str, Any]]] = []
        self.pending_updated: list[tuple[_State, dict[str, Any]]] = []

    def created(self, state: _State, number: int) -> None:
        report = self.report
        if len(report.new_people) >= DETAIL_LIMIT:
            report.new_people_more += 1
            return
        entry: dict[str, Any] = {"record": number, "name": ""}
        report.new_people.append(entry)
        self.pending_new.append((state, entry))

    def updated(self, state: _State, number: int, rule: str | None, added: list[Any]) -> None:
        report = self.report
        if len(report.updated_people) >= DETAIL_LIMIT:
            report.updated_people_more += 1
            return
        entry: dict[str, Any] = {
            "record": number,
            "person_id": state.person.pk,
            "person": "",
            "rule": rule or "",
            "added": added,
        }
        report.updated_people.append(entry)
        self.pending_updated.append((state, entry))

    def settle(self) -> None:
        """After a flush: names are final and new people have their ids."""
        for state, entry in self.pending_new:
            entry["name"] = state.person.name
        for state, entry in self.pending_updated:
            entry["person_id"] = state.person.pk
            entry["person"] = state.person.name
        self.pending_new.clear()
        self.pending_updated.clear()


class _Importer:
    def __init__(
        self,
        vault: Vault,
        user: Any,
        report: ImportReport,
        *,
        dry_run: bool,
        photos: _PhotoWriter,
        index_directly: bool = False,
    ) -> None:
        self.vault = vault
        self.index_directly = index_directly
        self.unsaved_conflicts: list[tuple[_State, Conflict]] = []
        self.user = user if getattr(user, "pk", None) is not None else None
        self.report = report
        self.detail = _Detail(report)
        self.dry_run = dry_run
        self.photos = photos
        self.region = str(settings.PHONE_REGION)
        self.preparer = Preparer(self.region, int(settings.UPLOAD_MAX_BYTES))
        self.now = timezone.now()
        self.stamp = connection.ops.adapt_datetimefield_value(self.now)
        self.index = MatchIndex()
        self.created_targets: set[int] = set()  # id() of targets this import created
        self.tags: dict[str, Tag] = {
            tag.name.casefold(): tag for tag in Tag.objects.filter(vault=vault)
        }
        self._person_columns = [f.attname for f in Person._meta.concrete_fields]
        template = Person(vault=vault)
        self._person_template = [
            "" if name == "photo" else getattr(template, name) for name in self._person_columns
        ]
        self._person_template[self._person_columns.index("created_at")] = self.stamp
        self._person_template[self._person_columns.index("updated_at")] = self.stamp
        self._column_of = {name: i for i, name in enumerate(self._person_columns)}
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
                if normalized.startswith("+"):  # digits as written (invalid) match nobody
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

    def process(self, chunk: list[Any]) -> None:
        """Match and merge a chunk of records (or records prepared elsewhere), then write it."""
        plan: list[tuple[Prepared, Target, str | None]] = []
        for item in chunk:
            if isinstance(item, Problem):
                if item.code in SKIPPED_LINE_CODES:
                    self.report.warnings.append(item)  # the card itself is still imported
                else:
                    self.report.errors.append(item)
                continue
            if isinstance(item, Record):
                if item.is_empty():
                    self.report.errors.append(empty_problem(item.number))
                    continue
                prepared = self.preparer.prepare(item)
            else:
                prepared = item
            self.report.warnings.extend(prepared.warnings)
            match = self.index.match(prepared.identity)
            if match is None:
                target = Target(number=prepared.number)
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
        for prepared, target, rule in plan:
            state = states.get(id(target))
            if state is None:
                state = _State(
                    target=target,
                    person=_NewPerson(self.vault.pk, self.now),
                    is_new=True,
                    made_by_this_import=True,
                    documents=prepared.documents,
                )
                states[id(target)] = state
                self.report.created += 1
                self._merge_into_new(state, prepared)
                self.detail.created(state, prepared.number)
                continue
            state.documents = None  # more than one record: the documents are computed
            before = _snapshot(state)
            if self._merge(state, prepared):
                if state.made_by_this_import:
                    self.report.merged_in_file += 1
                else:
                    self.report.updated += 1
                    self.detail.updated(state, prepared.number, rule, _added(state, before))
            elif state.made_by_this_import:
                self.report.merged_in_file += 1
            else:
                self.report.unchanged += 1
        self._flush(list(states.values()))
        self.detail.settle()

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
        for person_id, street, postal_code, locality, country in Address.objects.filter(
            person_id__in=pks
        ).values_list("person_id", "street", "postal_code", "locality", "country"):
            state_of_pk[person_id].addresses.add(
                address_key(street, postal_code, locality, country)
            )
        for pk, person_id, kind, label, month, day, year in ImportantDate.objects.filter(
            person_id__in=pks
        ).values_list("pk", "person_id", "kind", "label", "month", "day", "year"):
            state_of_pk[person_id].dates.append(_Date(pk, kind, label, month, day, year))
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

    # --- merging -------------------------------------------------------------------------

    def _warn(self, number: int, code: str, message: str) -> None:
        self.report.warnings.append(Problem(number, code, message))

    def _merge_into_new(self, state: _State, prepared: Prepared) -> None:
        """The first record of a new person: everything it has is new (the common case)."""
        person = state.person
        filled = {k: v for k, v in prepared.values.items() if v is not None and v != ""}
        person.__dict__.update(filled)
        state.changed_fields.update(filled)
        contacts = state.contacts
        for kind, value, normalized, service, label in prepared.contacts:
            known = contacts.get(kind)
            if known is None:
                known = contacts[kind] = set()
            elif normalized in known:
                continue
            known.add(normalized)
            state.new_contacts.append(
                _NewContact(kind, label, value, normalized, service, len(known))
            )
        for key, columns in prepared.addresses:
            if key not in state.addresses:
                state.addresses.add(key)
                state.new_addresses.append(columns)
        for date in prepared.dates:
            self._merge_date(state, prepared.number, date)
        if prepared.note:
            state.note_bodies.add(prepared.note)
            state.new_notes.append(prepared.note)
        for name in prepared.tags:  # already without duplicates
            state.tag_keys.add(name.casefold())
            state.new_tags.append(name)
        if not (person.given_name or person.family_name or person.nickname or person.organisation):
            self._name_after_contact(state, prepared)
        if prepared.photo_problem is not None:
            self._warn(prepared.number, *prepared.photo_problem)
        elif prepared.photo is not None:
            state.photo = prepared.photo

    def _merge(self, state: _State, prepared: Prepared) -> bool:
        """Fold one record into a person's state; True when it added anything."""
        number = prepared.number
        before = _news_count(state)
        person = state.person
        for name, incoming in prepared.values.items():
            if incoming is None or incoming == "":
                continue
            current = getattr(person, name)
            if name == "uid" and not current and person.pk is not None:
                if incoming == derived_uid_for(person.vault_id, person.pk, person.created_at):
                    continue  # their own export: the derived UID is theirs already
            if current is None or current == "":
                setattr(person, name, incoming)
                state.changed_fields.add(name)
            elif name == "uid":
                continue  # a person keeps the identity they have; other UIDs still match
            elif _differs(current, incoming):
                self._conflict(state, number, name, current, incoming)
        for kind, value, normalized, service, label in prepared.contacts:
            known = state.contacts.setdefault(kind, set())
            if normalized in known:
                continue
            known.add(normalized)
            position = len(known)
            state.new_contacts.append(
                _NewContact(kind, label, value, normalized, service, position)
            )
        for key, columns in prepared.addresses:
            if key not in state.addresses:
                state.addresses.add(key)
                state.new_addresses.append(columns)
        for date in prepared.dates:
            self._merge_date(state, number, date)
        note = prepared.note
        if note and note not in state.note_bodies:
            state.note_bodies.add(note)
            state.new_notes.append(note)
        for name in prepared.tags:
            if name.casefold() not in state.tag_keys:
                state.tag_keys.add(name.casefold())
                state.new_tags.append(name)
        if not (person.given_name or person.family_name or person.nickname or person.organisation):
            self._name_after_contact(state, prepared)
        if (
            (prepared.photo or prepared.photo_problem)
            and not state.has_photo
            and state.photo is None
        ):
            if prepared.photo_problem is not None:
                self._warn(number, *prepared.photo_problem)
            else:
                state.photo = prepared.photo
        return _news_count(state) != before

    def _name_after_contact(self, state: _State, prepared: Prepared) -> None:
        """Someone with only an email address or phone number is called by it, not "(no name)"."""
        fallback = prepared.fallback_name
        if not fallback:
            return
        state.person.nickname = fallback
        state.changed_fields.add("nickname")
        self._warn(
            prepared.number,
            "no_name",
            _("No name: called %(value)s until you give them one.") % {"value": fallback},
        )

    def _conflict(self, state: _State, number: int, name: str, current: Any, new: Any) -> None:
        person = state.person
        conflict = Conflict(
            record=number,
            person_id=person.pk,
            person=person.name,
            field=name,
            existing=_text(current),
            incoming=_text(new),
        )
        self.report.conflicts.append(conflict)
        if person.pk is None:  # created earlier in this chunk: its id comes with the flush
            self.unsaved_conflicts.append((state, conflict))

    def _merge_date(
        self, state: _State, number: int, incoming: tuple[str, str, int, int, int | None]
    ) -> None:
        kind, label, month, day, year = incoming
        for existing in (*state.dates, *state.new_dates):
            if existing.kind != kind:
                continue
            if kind == DateKind.CUSTOM and existing.label.casefold() != label.casefold():
                continue
            same_day = existing.month == month and existing.day == day
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
                    state,
                    number,
                    kind,
                    _date_text(existing.month, existing.day, existing.year),
                    _date_text(month, day, year),
                )
                return
        state.new_dates.append(_Date(None, kind, label, month, day, year))

    # --- writing -------------------------------------------------------------------------

    def _new_person_row(self, state: _State) -> list[Any]:
        person = state.person
        row = self._person_template.copy()
        column = self._column_of
        for name in state.changed_fields:
            if name == "photo":
                row[column["photo"]] = person.photo_name
            elif name == "met_on":
                row[column["met_on"]] = connection.ops.adapt_datefield_value(person.met_on)
            else:
                row[column[name]] = getattr(person, name)
        if state.documents is not None:
            sort_key, search_names, search_text = state.documents
        else:
            sort_key = names.sort_key(
                person.given_name,
                person.particles,
                person.family_name,
                fallback=names.fallback_name(person.nickname, person.organisation),
            )
            search_names, search_text = build_documents(
                _DocumentPerson(person),  # type: ignore[arg-type]
                [(c.value, c.normalized) for c in state.new_contacts],
                state.new_tags,
                state.new_notes,
            )
        row[column["sort_key"]] = sort_key
        row[column["search_names"]] = search_names
        row[column["search_text"]] = search_text
        return row

    def _flush(self, states: list[_State]) -> None:
        new_people = [s for s in states if s.is_new]
        changed = [s for s in states if not s.is_new and _change_count(s)]
        for state in new_people:
            self._store_photo(state)
        rows = [self._new_person_row(state) for state in new_people]
        pk_column = self._column_of["id"]
        for state, row, pk in zip(
            new_people, rows, bulk.reserve_ids(Person, len(new_people)), strict=True
        ):
            state.person.pk = pk
            row[pk_column] = pk
        bulk.insert_rows(Person, self._person_columns, rows, converted=True)
        if self.index_directly:
            names_column = self._column_of["search_names"]
            text_column = self._column_of["search_text"]
            search_index_sql.index_people(
                connection, [(row[pk_column], row[names_column], row[text_column]) for row in rows]
            )
        for state in new_people:
            state.target.pk = state.person.pk
            state.is_new = False
        for state in changed:
            if state.photo is not None:
                self._store_photo(state)
        updated_people = [s.person for s in changed if s.changed_fields]
        if updated_people:
            self._update_people(changed)
        touched = [*new_people, *changed]
        contacts: list[tuple[Any, ...]] = []
        addresses: list[tuple[Any, ...]] = []
        dates: list[_Date] = []
        date_rows: list[tuple[Any, ...]] = []
        notes: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []
        author_id = self.user.pk if self.user is not None else None
        stamp = self.stamp
        vault_id = self.vault.pk
        for state in touched:
            pk = state.person.pk
            if state.new_contacts:
                contacts.extend((pk, *method) for method in state.new_contacts)
            if state.new_addresses:
                addresses.extend((pk, *address) for address in state.new_addresses)
            if state.new_dates:
                dates.extend(state.new_dates)
                date_rows.extend(
                    (pk, d.kind, d.label, d.month, d.day, d.year) for d in state.new_dates
                )
            if state.new_notes:
                notes.extend(
                    (vault_id, pk, author_id, body, False, stamp, stamp, stamp)
                    for body in state.new_notes
                )
            if state.new_tags:
                links.extend((pk, self._tag(name).pk) for name in state.new_tags)
        bulk.insert_rows(ContactMethod, _CONTACT_COLUMNS, contacts, converted=True)
        bulk.insert_rows(Address, _ADDRESS_COLUMNS, addresses, converted=True)
        # Dates get their ids now: a later record of the file may add the year to one.
        date_ids = bulk.reserve_ids(ImportantDate, len(dates))
        for date, date_pk in zip(dates, date_ids, strict=True):
            date.pk = date_pk
        bulk.insert_rows(
            ImportantDate,
            _DATE_COLUMNS,
            [(pk, *row) for pk, row in zip(date_ids, date_rows, strict=True)],
            converted=True,
        )
        bulk.insert_rows(Note, _NOTE_COLUMNS, notes, converted=True)
        bulk.insert_rows(Person.tags.through, _TAG_COLUMNS, links, converted=True)
        changed_dates = [d for s in changed for d in s.changed_dates]
        if changed_dates:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {ImportantDate._meta.db_table} SET year = %s WHERE id = %s",  # noqa: S608
                    [(d.year, d.pk) for d in changed_dates],
                )
        if changed:
            refresh_search_fields(s.person.pk for s in changed)
        for state in touched:
            _settle(state)
        for state, conflict in self.unsaved_conflicts:
            conflict.person_id = state.person.pk
            conflict.person = state.person.name
        self.unsaved_conflicts.clear()

    def _update_people(self, changed: list[_State]) -> None:
        """Existing people (and people this import made in an earlier chunk) that gained fields."""
        people: list[Person] = []
        fields: set[str] = {"updated_at"}
        for state in changed:
            if not state.changed_fields:
                continue
            person = state.person
            person.updated_at = self.now
            person.sort_key = names.sort_key(
                person.given_name,
                person.particles,
                person.family_name,
                fallback=names.fallback_name(person.nickname, person.organisation),
            )
            people.append(person)
            fields |= state.changed_fields
        chosen = sorted(fields)
        if {*_NAME_FIELDS, "nickname", "organisation"} & fields:
            chosen.append("sort_key")
        Person.objects.bulk_update(people, chosen, batch_size=500)

    def finish_photos(self) -> None:
        """All photos written; a file the storage had to name differently is named so."""
        for person, name in self.photos.finish():
            Person.objects.filter(pk=person.pk).update(photo=name)

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
            name = f"{self.now.strftime('photos/%Y/')}{secrets.token_hex(12)}.{extension}"
            self.photos.write(name, data, state.person)
        if isinstance(state.person, _NewPerson):
            state.person.photo_name = name
        else:
            state.person.photo.name = name
        state.changed_fields.add("photo")
        state.has_photo = True


class _DocumentPerson:
    """What :func:`build_documents` reads of a person, for one not yet written."""

    met_story = what_they_do = what_they_care_about = ""

    def __init__(self, person: _NewPerson) -> None:
        self.given_name = person.given_name
        self.particles = person.particles
        self.family_name = person.family_name
        self.nickname = person.nickname
        self.organisation = person.organisation
        self.department = person.department
        self.job_title = person.job_title
        self.met_at = person.met_at
        self.met_channel = person.met_channel

    def get_met_channel_display(self) -> str:
        return str(Channel(self.met_channel).label)


_Snapshot = tuple[int, int, int, int, int, int, set[str], bool]


def _snapshot(state: _State) -> _Snapshot:
    return (
        len(state.new_contacts),
        len(state.new_notes),
        len(state.new_addresses),
        len(state.new_dates),
        len(state.changed_dates),
        len(state.new_tags),
        set(state.changed_fields),
        state.photo is not None,
    )


def _added(state: _State, before: _Snapshot) -> list[dict[str, str]]:
    """What one record added to a person, as ``{"field", "value"}`` in plain text."""
    contacts, notes, addresses, dates, changed_dates, tags, fields, photo = before
    added: list[dict[str, str]] = []
    person = state.person
    for name in SCALAR_FIELDS:
        # a UID is bookkeeping (often one derived from the card), not news for a person
        if name != "uid" and name in state.changed_fields and name not in fields:
            added.append({"field": name, "value": _text(getattr(person, name))})
    for method in state.new_contacts[contacts:]:
        added.append({"field": method.kind, "value": method.value})
    for address in state.new_addresses[addresses:]:
        _label, street, postal_code, locality, region, country = address
        text = ", ".join(p for p in (street, postal_code, locality, region, country) if p)
        added.append({"field": "address", "value": text})
    for date in [*state.new_dates[dates:], *state.changed_dates[changed_dates:]]:
        added.append({"field": date.kind, "value": _date_text(date.month, date.day, date.year)})
    for note in state.new_notes[notes:]:
        added.append({"field": "note", "value": note})
    for tag in state.new_tags[tags:]:
        added.append({"field": "tag", "value": tag})
    if state.photo is not None and not photo:
        added.append({"field": "photo", "value": ""})
    return added


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


def _news_count(state: _State) -> int:
    """Like :func:`_change_count`, without the UID: a matched person who only gets the card's
    UID (bookkeeping, written all the same) has nothing new for the report."""
    return _change_count(state) - ("uid" in state.changed_fields)


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


def _date_text(month: int, day: int, year: int | None) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
