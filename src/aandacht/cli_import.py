"""``aandacht import``: bring a vCard, LinkedIn, Google, CSV or JSON file into a vault.

Registered on ``aandacht.cli.app`` (imported at the end of cli.py). The same reader and writer
as the web import (:mod:`aandacht.exchange.sources`, :mod:`aandacht.exchange.importing`), so
a file gives the same result wherever it is imported. Exit 0 when the file was read (even with
records listed as unreadable, or nothing new), 3 when nothing in it could be read.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from aandacht.cli import (
    EXIT_USAGE,
    JsonFlag,
    app,
    emit_json,
    err,
    fail,
    open_session,
    out,
    refuse,
    say,
)

if TYPE_CHECKING:
    from aandacht.exchange.importing import ImportReport

FORMAT_CHOICES = ("auto", "vcard", "linkedin", "google", "csv", "json")
SHOWN_PROBLEMS = 20


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """``["Voornaam=given_name", …]`` as a mapping; exit 2 naming what is wrong."""
    from aandacht.exchange.records import FIELD_NAMES

    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, field_name = pair.rpartition("=")
        column, field_name = column.strip(), field_name.strip()
        if not sep or not column or not field_name:
            fail(
                _('--map takes COLUMN=FIELD, e.g. --map "Voornaam=given_name"; got “%(pair)s”.')
                % {"pair": pair},
                EXIT_USAGE,
            )
        if field_name not in FIELD_NAMES:
            fail(
                _("“%(field)s” is not a field --map knows. These are:") % {"field": field_name},
                EXIT_USAGE,
                details=["  " + ", ".join(FIELD_NAMES)],
            )
        mapping[column] = field_name
    return mapping


def _spool_stdin() -> IO[bytes]:
    """Standard input copied to a temporary file: detection and CSV headers need to rewind."""
    spool = tempfile.TemporaryFile()
    shutil.copyfileobj(sys.stdin.buffer, spool)
    spool.seek(0)
    return spool


@app.command("import")
def import_file(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(help="The file to import, or - for standard input.", show_default=False)
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="auto, vcard, linkedin, google, csv or json (a JSON export restores into an "
            "empty vault).",
        ),
    ] = "auto",
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="For CSV: COLUMN=FIELD, once per column (fields: see docs/cli.md).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would happen; write nothing.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Import people from a vCard, LinkedIn, Google or CSV file (or restore a JSON export)."""
    if fmt not in FORMAT_CHOICES:
        fail(
            _("Unknown format “%(format)s”; use one of: %(choices)s.")
            % {"format": fmt, "choices": ", ".join(FORMAT_CHOICES)},
            EXIT_USAGE,
        )
    column_map = parse_mapping(mapping or []) if mapping else None
    session = open_session(ctx, write=True)
    if file == "-":
        stream = _spool_stdin()
        name = ""
    else:
        path = Path(file)
        if not path.is_file():
            fail(_("There is no file “%(file)s”.") % {"file": file})
        stream = path.open("rb")
        name = path.name
    with stream:
        if column_map and fmt not in {"auto", "csv"}:
            fail(_("--map is for CSV files (--format csv)."), EXIT_USAGE)
        _run(session, stream, fmt, name, column_map, dry_run=dry_run, json_output=json_output)


def _run(
    session: Any,
    stream: IO[bytes],
    fmt: str,
    name: str,
    column_map: dict[str, str] | None,
    *,
    dry_run: bool,
    json_output: bool,
) -> None:
    from aandacht.exchange import sources
    from aandacht.exchange.importing import import_records
    from aandacht.exchange.records import UnreadableFile

    try:
        if fmt == "auto":
            head = stream.read(sources.HEAD_BYTES)
            stream.seek(0)
            fmt = sources.detect_format(head, name)
            if column_map and fmt in {"linkedin", "google"}:
                fmt = "csv"  # a mapping given means: read the columns as mapped
        if fmt == "json":
            _restore(session, stream, dry_run=dry_run, json_output=json_output)
            return
        records = sources.read_records(stream, fmt, mapping=column_map, filename=name)
        with _progress_bar(stream, enabled=not json_output) as progress:
            report = import_records(
                session.vault,
                records,
                user=session.owner,
                dry_run=dry_run,
                progress=progress,
            )
    except UnreadableFile as problem:
        if json_output:
            emit_json(
                {
                    "created": 0,
                    "updated": 0,
                    "unchanged": 0,
                    "errors": [{"record": None, "code": problem.code, "reason": str(problem)}],
                    "dry_run": dry_run,
                }
            )
        refuse(str(problem))
    if json_output:
        data = report.as_json()
        data["format"] = fmt
        emit_json(data)
    else:
        _print_report(report, fmt)
    say(_summary(report, session.vault.name))


def _restore(session: Any, stream: IO[bytes], *, dry_run: bool, json_output: bool) -> None:
    from aandacht.exchange import json_document

    if dry_run:
        refuse(_("--dry-run is not available for a JSON restore: it needs an empty vault."))
    from django.core.exceptions import PermissionDenied

    try:
        counts = json_document.restore_json(session.vault, stream, user=session.owner)
    except PermissionDenied:
        fail(_("You may not restore into the vault “%(name)s”.") % {"name": session.vault.name})
    if json_output:
        emit_json({"format": "json", "restored": counts, "created": counts.get("people", 0),
                   "updated": 0, "unchanged": 0, "errors": []})  # fmt: skip
    else:
        for key, value in counts.items():
            out.print(f"{key}: {value}")
    say(_("Restored the export into “%(vault)s”.") % {"vault": session.vault.name})


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
                description=ngettext("%(n)d record", "%(n)d records", handled) % {"n": handled},
            )

        return update

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()


def _progress_bar(stream: IO[bytes], *, enabled: bool) -> _ProgressContext:
    return _ProgressContext(stream, enabled)


def _print_report(report: ImportReport, fmt: str) -> None:
    verb = _("Would import") if report.dry_run else _("Imported")
    out.print(
        _(
            "%(verb)s %(records)d records (%(format)s): %(created)d new, %(updated)d updated, "
            "%(unchanged)d unchanged, %(merged)d merged with an earlier record of the file."
        )
        % {
            "verb": verb,
            "records": report.records,
            "format": fmt,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "merged": report.merged_in_file,
        },
        soft_wrap=True,
        highlight=False,
        markup=False,
    )
    sections: list[tuple[str, list[str]]] = [
        (
            _("Could not be read (skipped):"),
            [
                _("  #%(n)s  %(reason)s") % {"n": p.record, "reason": p.reason}
                for p in report.errors
            ],
        ),
        (
            _("Conflicts (the stored value was kept):"),
            [
                _("  #%(n)s  %(person)s — %(field)s: kept “%(existing)s”, file has “%(incoming)s”")
                % {
                    "n": c.record,
                    "person": c.person,
                    "field": c.field,
                    "existing": c.existing,
                    "incoming": c.incoming,
                }
                for c in report.conflicts
            ],
        ),
        (
            _("Left out:"),
            [
                _("  #%(n)s  %(reason)s") % {"n": w.record, "reason": w.reason}
                for w in report.warnings
            ],
        ),
    ]
    for title, lines in sections:
        if not lines:
            continue
        out.print(title, markup=False, highlight=False)
        for line in lines[:SHOWN_PROBLEMS]:
            out.print(line, markup=False, highlight=False, soft_wrap=True)
        if len(lines) > SHOWN_PROBLEMS:
            out.print(
                _("  … and %(count)d more (--json lists them all)")
                % {"count": len(lines) - SHOWN_PROBLEMS},
                markup=False,
            )


def _summary(report: ImportReport, vault: str) -> str:
    if report.dry_run:
        return _("Dry run: nothing was written to “%(vault)s”.") % {"vault": vault}
    return _("Done: “%(vault)s” now has the new and updated people.") % {"vault": vault}
