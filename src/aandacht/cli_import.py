"""``aandacht import``: bring a vCard, LinkedIn, Google, CSV or JSON file into a vault.

Registered on ``aandacht.cli.app`` (imported at the end of cli.py). The same reader and writer
as the web import (:mod:`aandacht.exchange.sources`, :mod:`aandacht.exchange.importing`), so
a file gives the same result wherever it is imported. Exit 0 when the file was read (even with
records listed as unreadable, or nothing new), 1 when the file or vault is not there, 2 for a
usage error, 3 when nothing in the file could be read. With ``--json`` every one of those
prints one JSON object with the same keys, so a script can always parse the answer.
"""

from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from aandacht.cli import (
    EXIT_FAILED,
    EXIT_REFUSED,
    EXIT_USAGE,
    GlobalOptions,
    Session,
    app,
    emit_json,
    err,
    fail,
    open_session,
    out,
    say,
)

if TYPE_CHECKING:
    from aandacht.exchange.importing import Conflict, ImportReport
    from aandacht.exchange.records import Problem

FORMAT_CHOICES = ("auto", "vcard", "linkedin", "google", "csv", "json")
CSV_KINDS = frozenset({"linkedin", "google", "csv"})
SHOWN_PROBLEMS = 20
# ``--map COL=`` or ``COL=ignore`` leaves a suggested column out (csv_sources.IGNORE_VALUES).
IGNORE_SPELLINGS = ("", "-", "ignore", "skip")
DROP = ""  # a parsed mapping's value for "leave this column out"

# Flags take no value, so their help shows no type (Typer would print "<bool>").
_JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.", metavar="")]


# vCard reasons start with the physical line ("line 14: the card has no END:VCARD").
def _count(value: int) -> str:
    """A count with the language's thousands separator: 12,345 (en), 12.345 (nl)."""
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True)


def _format_name(fmt: str | None) -> str:
    names = {
        "vcard": "vCard",
        "linkedin": "LinkedIn",
        "google": "Google Contacts",
        "csv": "CSV",
        "json": "JSON",
    }
    return names.get(fmt or "", fmt or "")


@dataclass
class _Reply:
    """What the command answers. With ``--json`` it is always one object with the same keys,
    also when the command stops early (then with ``error``: ``{code, message}``).
    """

    json_output: bool
    dry_run: bool
    fmt: str | None = None
    mapping: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def base(self) -> dict[str, Any]:
        """An empty report's keys (so an error has exactly a success's), format and mapping."""
        from aandacht.exchange.importing import ImportReport

        data: dict[str, Any] = {"format": self.fmt}
        data.update(ImportReport(dry_run=self.dry_run).as_json())
        if self.mapping is not None:
            data["mapping"] = self.mapping
        data.update(self.extra)
        return data

    def stop(
        self,
        exit_code: int,
        code: str,
        message: str,
        *,
        details: Iterable[str] = (),
        errors: list[dict[str, Any]] | None = None,
    ) -> NoReturn:
        """Say what went wrong (stderr), print the JSON object if asked, exit ``exit_code``."""
        if self.json_output:
            data = self.base()
            data["errors"] = errors or []
            data["error"] = {"code": code, "message": message}
            emit_json(data)
        fail(message, exit_code, details)


# --- --map ----------------------------------------------------------------------------------


def parse_mapping(pairs: list[str], reply: _Reply) -> dict[str, str]:
    """``["Voornaam=given_name", "Notes="]`` as {column: field}; ``""`` leaves a column out.

    Exit 2 naming what is wrong: no ``=``, no column, an unknown field, a column given twice.
    """
    from aandacht.exchange.records import FIELD_NAMES

    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field_name = pair.rpartition("=")
        column, field_name = column.strip(), field_name.strip()
        if not sep or not column:
            reply.stop(
                EXIT_USAGE,
                "bad_map",
                _(
                    '--map takes COLUMN=FIELD, e.g. --map "Voornaam=given_name" (or '
                    '"COLUMN=" to leave a column out); got “%(pair)s”.'
                )
                % {"pair": pair},
            )
        wanted = field_name.casefold()
        if wanted in IGNORE_SPELLINGS:
            wanted = DROP
        elif wanted not in FIELD_NAMES:
            close = difflib.get_close_matches(wanted, FIELD_NAMES, n=1, cutoff=0.6)
            hint = _(" Did you mean “%(field)s”?") % {"field": close[0]} if close else ""
            reply.stop(
                EXIT_USAGE,
                "unknown_field",
                _(
                    "--map %(pair)s: “%(field)s” is not a field.%(hint)s The fields are: "
                    "%(fields)s; “ignore” (or nothing after the =) leaves the column out."
                )
                % {
                    "pair": pair,
                    "field": field_name,
                    "hint": hint,
                    "fields": ", ".join(FIELD_NAMES),
                },
            )
        if column in mapping:
            reply.stop(
                EXIT_USAGE,
                "duplicate_column",
                _("--map names the column “%(column)s” twice; give each column once.")
                % {"column": column},
            )
        mapping[column] = wanted
    return mapping


def _fold(header: str) -> str:
    return " ".join(header.replace("\ufeff", "").split()).casefold()


def merge_mapping(header: list[str], given: Mapping[str, str], reply: _Reply) -> dict[str, str]:
    """The suggested mapping of ``header`` with the ``--map`` columns laid over it.

    A given column overrides or adds its field; ``""`` removes the column. A field that holds
    one value (``full_name``, ``city``…) moves to the column the user named: a suggested column
    with that field is left out. Exit 2 for a column the header does not have, or for one
    single-value field given to two columns.
    """
    from aandacht.exchange.csv_sources import MULTI_COLUMN_FIELDS, suggest_mapping

    columns = [cell for cell in header if cell]
    merged = suggest_mapping(header)
    chosen: dict[str, str] = {}
    for column, field_name in given.items():
        cell = column if column in columns else None
        if cell is None:
            cell = next((c for c in columns if _fold(c) == _fold(column)), None)
        if cell is None:
            close = difflib.get_close_matches(column, columns, n=1, cutoff=0.6)
            hint = _(" Did you mean “%(column)s”?") % {"column": close[0]} if close else ""
            reply.stop(
                EXIT_USAGE,
                "unknown_column",
                _(
                    "--map names the column “%(column)s”, which this file does not have."
                    "%(hint)s Its columns are: %(columns)s."
                )
                % {
                    "column": column,
                    "hint": hint,
                    "columns": ", ".join(f"“{c}”" for c in columns) or "-",
                },
            )
        if cell in chosen:
            reply.stop(
                EXIT_USAGE,
                "duplicate_column",
                _("--map names the column “%(column)s” twice; give each column once.")
                % {"column": cell},
            )
        chosen[cell] = field_name
    by_field: dict[str, list[str]] = {}
    for cell, field_name in chosen.items():
        if field_name != DROP:
            by_field.setdefault(field_name, []).append(cell)
    for field_name, cells in by_field.items():
        if len(cells) > 1 and field_name not in MULTI_COLUMN_FIELDS:
            reply.stop(
                EXIT_USAGE,
                "field_twice",
                _(
                    "--map gives “%(field)s” to several columns (%(columns)s), but it holds one "
                    "value; only %(multi)s can take several columns."
                )
                % {
                    "field": field_name,
                    "columns": ", ".join(f"“{c}”" for c in cells),
                    "multi": ", ".join(sorted(MULTI_COLUMN_FIELDS)),
                },
            )
    for field_name in chosen.values():
        if field_name != DROP and field_name not in MULTI_COLUMN_FIELDS:
            for other in [c for c, f in merged.items() if f == field_name and c not in chosen]:
                del merged[other]
    for cell, field_name in chosen.items():
        if field_name == DROP:
            merged.pop(cell, None)
        else:
            merged[cell] = field_name
    # In the order of the file's columns, for the summary and --json.
    order = {cell: index for index, cell in enumerate(columns)}
    return dict(sorted(merged.items(), key=lambda item: order.get(item[0], len(order))))


# --- the command ----------------------------------------------------------------------------


def _spool(source: IO[bytes]) -> IO[bytes]:
    """A pipe copied to a temporary file: detection and the CSV header need to rewind."""
    spool = tempfile.TemporaryFile()
    shutil.copyfileobj(source, spool)
    spool.seek(0)
    return spool


def _open_file(file: str, reply: _Reply) -> tuple[IO[bytes], str]:
    """The file to read (a pipe or process substitution is spooled) and its name for messages."""
    if file == "-":
        if sys.stdin.isatty():
            say(_("Reading the file from standard input; end it with Ctrl-D."))
        return _spool(sys.stdin.buffer), ""
    path = Path(file)
    if path.is_dir():
        reply.stop(
            EXIT_USAGE,
            "not_a_file",
            _("“%(file)s” is a folder, not a file; name the contacts file to import.")
            % {"file": file},
        )
    if not path.exists():
        reply.stop(EXIT_FAILED, "no_file", _("There is no file “%(file)s”.") % {"file": file})
    try:
        stream: IO[bytes] = path.open("rb")
    except OSError as error:
        reply.stop(
            EXIT_FAILED,
            "cannot_open",
            _("“%(file)s” cannot be read: %(reason)s.")
            % {"file": file, "reason": error.strerror or error},
        )
    if not stream.seekable():  # <(…) or a named pipe
        with stream:
            return _spool(stream), path.name
    return stream, path.name


def _named_vault(ctx: typer.Context, vault_name: str | None) -> str | None:
    """The vault asked for: ``import --vault`` first, then ``aandacht --vault`` (or
    AANDACHT_VAULT). ``import --vault`` is laid over the global option, so open_session
    resolves and refuses it exactly as it does for every other command."""
    if vault_name is not None and vault_name.strip():
        ctx.obj = GlobalOptions(vault=vault_name.strip())
    options = ctx.find_object(GlobalOptions)
    return options.vault if options else None


def _say_default_vault(session: Session) -> None:
    """With more than one vault and none named, say where the file goes (stderr)."""
    from aandacht.accounts.services import vaults_for

    others = [v.name for v in vaults_for(session.owner) if v.pk != session.vault.pk]
    if others:
        say(
            _(
                "Importing into “%(vault)s”, your default vault. To import into another one, "
                "add --vault NAME (%(others)s)."
            )
            % {"vault": session.vault.name, "others": ", ".join(others)}
        )


def _session(ctx: typer.Context, reply: _Reply, vault_name: str | None = None) -> Session:
    """``open_session``, whose refusals (an unknown vault, a viewer) also answer in JSON.

    Only with ``--json`` is stderr captured (to repeat the message in the JSON), so without
    it "Preparing the database…" shows while the migrations run, not after.
    """
    named = _named_vault(ctx, vault_name)
    session = _open(ctx, reply)
    if not named:
        _say_default_vault(session)
    return session


def _open(ctx: typer.Context, reply: _Reply) -> Session:
    if not reply.json_output:
        return open_session(ctx, write=True)
    captured = err.capture()
    failure: typer.Exit | None = None
    try:
        with captured:
            try:
                session = open_session(ctx, write=True)
            except typer.Exit as stop:
                failure = stop
    finally:
        said = captured.get()
        sys.stderr.write(said)
    if failure is not None:
        if reply.json_output:
            data = reply.base()
            data["error"] = {"code": "vault", "message": Text.from_ansi(said).plain.strip()}
            emit_json(data)
        raise failure
    return session


@app.command("import")
def import_file(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            help="The file to import, or - for standard input.", show_default=False, metavar="FILE"
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="auto, vcard, linkedin, google, csv or json (a JSON export restores into an "
            "empty vault).",
        ),
    ] = "auto",
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help="For a CSV file (not LinkedIn's or Google's): COLUMN=FIELD, once per column, "
            "over the suggested mapping; COLUMN= leaves a column out (fields: docs/cli.md).",
            show_default=False,
        ),
    ] = None,
    vault_name: Annotated[
        str | None,
        typer.Option(
            "--vault",
            metavar="NAME",
            help="The vault to import into (its name, any case); the same as aandacht --vault "
            "NAME import. Default: your default vault, the first you own (never the demo).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Report what would happen; write nothing.", metavar=""),
    ] = False,
    json_output: _JsonFlag = False,
) -> None:
    """Import people from a vCard, LinkedIn, Google or CSV file (or restore a JSON export)."""
    reply = _Reply(json_output=json_output, dry_run=dry_run)
    chosen = fmt.strip().lower()
    if chosen not in FORMAT_CHOICES:
        reply.stop(
            EXIT_USAGE,
            "unknown_format",
            _("Unknown format “%(format)s”; use one of: %(choices)s.")
            % {"format": fmt, "choices": ", ".join(FORMAT_CHOICES)},
        )
    if chosen != "auto":
        reply.fmt = chosen
    given = parse_mapping(mapping, reply) if mapping else None
    if given is not None and chosen not in {"auto", "csv"}:
        reply.stop(
            EXIT_USAGE,
            "map_not_for_format",
            _(
                "--map is for --format csv (or a file recognised as a plain CSV); "
                "%(format)s files are read by their own fields. Leave --map out."
            )
            % {"format": _format_name(chosen)},
        )
    stream, name = _open_file(file, reply)
    with stream:
        session = _session(ctx, reply, vault_name)
        _run(session, stream, chosen, name, given, reply)


def _run(
    session: Session,
    stream: IO[bytes],
    fmt: str,
    name: str,
    given: dict[str, str] | None,
    reply: _Reply,
) -> None:
    from django.db import DatabaseError

    from aandacht.exchange import csv_sources, sources
    from aandacht.exchange.importing import import_records
    from aandacht.exchange.records import UnreadableFile

    try:
        if fmt == "auto":
            head = stream.read(sources.HEAD_BYTES)
            stream.seek(0)
            fmt = sources.detect_format(head, name)
            reply.fmt = fmt
            if given is not None and fmt != "csv":
                _map_refused(fmt, name, reply)
        if fmt == "json":
            _restore(session, stream, reply)
            return
        column_map: dict[str, str] | None = None
        if fmt == "csv":
            header = csv_sources.read_header(stream)
            stream.seek(0)
            column_map = merge_mapping(header, given or {}, reply)
            reply.mapping = column_map
            if not reply.json_output:
                _say_columns(header, column_map)
        records = sources.read_records(stream, fmt, mapping=column_map, filename=name)
        with _ProgressContext(stream, enabled=not reply.json_output) as progress:
            report = import_records(
                session.vault,
                records,
                user=session.owner,
                dry_run=reply.dry_run,
                progress=progress,
            )
    except UnreadableFile as problem:
        reply.stop(
            EXIT_REFUSED,
            problem.code,
            str(problem),
            errors=[{"record": None, "code": problem.code, "reason": str(problem)}],
        )
    except DatabaseError as error:
        # One transaction: whatever went wrong, it was rolled back.
        reply.stop(
            EXIT_FAILED,
            "database",
            _("The import failed, and nothing was written: %(error)s") % {"error": error},
        )
    if reply.json_output:
        data = reply.base()
        data.update(report.as_json())
        emit_json(data)
    else:
        _print_report(report, fmt)
    say(_summary(report, session.vault.name))


def _map_refused(fmt: str, name: str, reply: _Reply) -> NoReturn:
    """``--map`` with a file recognised as vCard, JSON, LinkedIn or Google: exit 2."""
    source = f"“{name}”" if name else _("standard input")
    if fmt in {"linkedin", "google"}:
        message = _(
            "%(file)s is a %(format)s export, which is read by its own fixed columns; --map is "
            "for other CSV files. To read it as a plain CSV through your mapping instead, add "
            "--format csv."
        )
    else:
        message = _("%(file)s is a %(format)s file; --map is for CSV files only. Leave --map out.")
    reply.stop(
        EXIT_USAGE, "map_not_for_format", message % {"file": source, "format": _format_name(fmt)}
    )


def _say_columns(header: list[str], column_map: Mapping[str, str]) -> None:
    """Which column is read as which field, and which are left out (stderr)."""
    if column_map:
        say(
            _("Columns read: %(columns)s.")
            % {"columns": ", ".join(f"{column} → {name}" for column, name in column_map.items())}
        )
    left_out = [cell for cell in header if cell and cell not in column_map]
    if left_out:
        say(
            _("Columns left out: %(columns)s (--map COLUMN=FIELD reads one).")
            % {"columns": ", ".join(left_out)}
        )


# --- JSON restore ---------------------------------------------------------------------------


class _Rollback(Exception):
    """Raised at the end of a dry-run restore to undo it."""


def _restore(session: Session, stream: IO[bytes], reply: _Reply) -> None:
    from django.core.exceptions import PermissionDenied

    from aandacht.exchange import json_document

    try:
        if reply.dry_run:
            counts = _restore_dry_run(session, stream)
        else:
            counts = json_document.restore_json(session.vault, stream, user=session.owner)
    except PermissionDenied:
        reply.stop(
            EXIT_FAILED,
            "permission",
            _("You may not restore into the vault “%(name)s”.") % {"name": session.vault.name},
        )
    people = counts.get("people", 0)
    if reply.json_output:
        data = reply.base()
        data.update(records=people, created=people, restored=counts)
        emit_json(data)
    else:
        _print_restored(counts)
    if reply.dry_run:
        say(
            _("Dry run: the export can be restored into “%(vault)s”; nothing was written.")
            % {"vault": session.vault.name}
        )
    else:
        say(_("Restored the export into “%(vault)s”.") % {"vault": session.vault.name})


def _restore_dry_run(session: Session, stream: IO[bytes]) -> dict[str, int]:
    """The whole restore, checks and all, then rolled back (and its photo files removed)."""
    from django.db import transaction

    from aandacht.exchange import json_document
    from aandacht.people.models import Person

    counts: dict[str, int] = {}
    photos: list[str] = []
    try:
        with transaction.atomic():
            counts = json_document.restore_json(session.vault, stream, user=session.owner)
            photos = [
                str(name)
                for name in Person.objects.filter(vault=session.vault)
                .exclude(photo="")
                .values_list("photo", flat=True)
            ]
            raise _Rollback
    except _Rollback:
        pass
    finally:
        storage = Person._meta.get_field("photo").storage
        for name in photos:
            try:
                storage.delete(name)
            except OSError:
                pass
    return counts


def _print_restored(counts: Mapping[str, int]) -> None:
    from aandacht.exchange.labels import restored_label

    rows = [(restored_label(key), _count(value)) for key, value in counts.items()]
    width = max((len(label) for label, _value in rows), default=0)
    number_width = max((len(value) for _label, value in rows), default=0)
    for label, value in rows:
        out.print(f"{label:<{width}}  {value:>{number_width}}", markup=False, highlight=False)


# --- progress and the report ----------------------------------------------------------------


class _ProgressContext:
    """A Rich progress bar over the bytes of the file read so far (on stderr)."""

    def __init__(self, stream: IO[bytes], enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled and err.is_terminal
        self.progress: Progress | None = None
        self.task: Any = None
        try:
            self.total = Path(stream.name).stat().st_size if hasattr(stream, "name") else 0
        except (OSError, TypeError):
            self.total = 0

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda _handled: None
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task(_("Importing"), total=self.total or None)

        def update(handled: int) -> None:
            assert self.progress is not None
            try:
                position = self.stream.tell()
            except (OSError, ValueError):
                position = 0
            self.progress.update(
                self.task,
                completed=position,
                description=ngettext("%(count)s record", "%(count)s records", handled)
                % {"count": _count(handled)},
            )

        return update

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def where(fmt: str, record: int, reason: str) -> str:
    """A problem as the user finds it: "Line 5: …" in a CSV, "Card 3: … (line 14)" in a vCard.

    Reasons never name their own card or row (a vCard reason ends with its physical line);
    record 0 is text outside any card, whose reason stands alone.
    """
    if not record:
        return reason
    if fmt == "vcard":
        return _("Card %(card)s: %(reason)s") % {"card": record, "reason": reason}
    return _("Line %(line)s: %(reason)s") % {"line": record, "reason": reason}


_Numbered = TypeVar("_Numbered", "Problem", "Conflict")


def _in_order(items: list[_Numbered]) -> list[_Numbered]:
    """By card or line number (the importer reports some only at the end of a chunk)."""
    return sorted(items, key=lambda item: item.record)


def _headline(report: ImportReport, fmt: str) -> str:
    values = {
        "count": _count(report.records),
        "format": _format_name(fmt),
        "created": _count(report.created),
        "updated": _count(report.updated),
        "unchanged": _count(report.unchanged),
        "merged": _count(report.merged_in_file),
    }
    n = report.records
    if report.dry_run and report.merged_in_file:
        text = ngettext(
            "Would import %(count)s record (%(format)s): %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged, %(merged)s merged with an earlier record of the file.",
            "Would import %(count)s records (%(format)s): %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged, %(merged)s merged with an earlier record of the file.",
            n,
        )
    elif report.dry_run:
        text = ngettext(
            "Would import %(count)s record (%(format)s): %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged.",
            "Would import %(count)s records (%(format)s): %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged.",
            n,
        )
    elif report.merged_in_file:
        text = ngettext(
            "Imported %(count)s record (%(format)s): %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged, %(merged)s merged with an earlier record of the file.",
            "Imported %(count)s records (%(format)s): %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged, %(merged)s merged with an earlier record of the file.",
            n,
        )
    else:
        text = ngettext(
            "Imported %(count)s record (%(format)s): %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged.",
            "Imported %(count)s records (%(format)s): %(created)s new, %(updated)s updated, "
            "%(unchanged)s unchanged.",
            n,
        )
    return text % values


def _print_report(report: ImportReport, fmt: str) -> None:
    from aandacht.exchange.labels import SKIPPED_ON_PURPOSE, any_field_label, display_value

    out.print(_headline(report, fmt), soft_wrap=True, highlight=False, markup=False)
    # A contact group is skipped by design: counted apart, not listed as unreadable.
    unreadable = [p for p in report.errors if p.code not in SKIPPED_ON_PURPOSE]
    on_purpose: dict[str, int] = {}
    for problem in report.errors:
        if problem.code in SKIPPED_ON_PURPOSE:
            on_purpose[problem.code] = on_purpose.get(problem.code, 0) + 1
    errors, conflicts, warnings = len(unreadable), len(report.conflicts), len(report.warnings)
    sections: list[tuple[str, list[str]]] = [
        (
            ngettext(
                "%(count)s record could not be read (skipped):",
                "%(count)s records could not be read (skipped):",
                errors,
            )
            % {"count": _count(errors)},
            ["  " + where(fmt, p.record, p.reason) for p in _in_order(unreadable)],
        ),
        (
            ngettext(
                "%(count)s conflict (the stored value was kept):",
                "%(count)s conflicts (the stored value was kept):",
                conflicts,
            )
            % {"count": _count(conflicts)},
            [
                "  "
                + where(
                    fmt,
                    c.record,
                    _("%(person)s — %(field)s: kept “%(existing)s”, the file has “%(incoming)s”")
                    % {
                        "person": c.person,
                        "field": any_field_label(c.field),
                        "existing": display_value(c.existing),
                        "incoming": display_value(c.incoming),
                    },
                )
                for c in _in_order(report.conflicts)
            ],
        ),
        (
            _("Left out while reading (%(count)s):") % {"count": _count(warnings)},
            ["  " + where(fmt, w.record, w.reason) for w in _in_order(report.warnings)],
        ),
    ]
    if on_purpose:
        out.print(
            _("Skipped on purpose: %(what)s.")
            % {
                "what": ", ".join(
                    f"{SKIPPED_ON_PURPOSE[code]} ({_count(count)})"
                    for code, count in on_purpose.items()
                )
            },
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for title, lines in sections:
        if not lines:
            continue
        out.print(title, markup=False, highlight=False)
        for line in lines[:SHOWN_PROBLEMS]:
            out.print(line, markup=False, highlight=False, soft_wrap=True)
        more = len(lines) - SHOWN_PROBLEMS
        if more > 0:
            out.print(
                ngettext(
                    "  … and %(count)s more (--json lists them all)",
                    "  … and %(count)s more (--json lists them all)",
                    more,
                )
                % {"count": _count(more)},
                markup=False,
                highlight=False,
            )


def _summary(report: ImportReport, vault: str) -> str:
    if report.dry_run:
        return _("Dry run: nothing was written to “%(vault)s”.") % {"vault": vault}
    if not (report.created or report.updated):
        return _("Nothing changed in “%(vault)s”: every record matched someone already there.") % {
            "vault": vault
        }
    return _("Done: “%(vault)s” now has the new and updated people.") % {"vault": vault}
