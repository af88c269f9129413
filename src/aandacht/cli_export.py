"""``aandacht export``: a vault (or one tag of it) as vCard 4.0/3.0, CSV or a JSON document.

Registered on ``aandacht.cli.app`` (imported at the end of cli.py). A file is written next to
its destination under a temporary name and renamed into place only when the export is
complete, so a failed export never leaves half a file (nor replaces a good one); a device or
a pipe (``/dev/null``, ``>(gzip > x.gz)``) is written into directly. With ``-o -`` the export
goes to stdout and the summary, as always, to stderr. Without ``--format`` the file's
extension chooses (``.csv``, ``.json``), else vCard 4.0.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aandacht.cli import EXIT_FAILED, EXIT_USAGE, GlobalOptions, app, fail, ready, say

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from aandacht.accounts.models import Vault
    from aandacht.people.models import Tag

FORMAT_CHOICES = ("vcard", "vcard3", "csv", "json")
STDOUT = "-"
SHOWN_TAGS = 30


def _count(value: int) -> str:
    """A count with the language's thousands separator: 12,345 (en), 12.345 (nl)."""
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True)


def _format_for(output: str) -> str:
    """The format a file name asks for when --format is not given: .csv, .json, else vCard."""
    suffix = Path(output).suffix.lower() if output != STDOUT else ""
    return {".csv": "csv", ".json": "json"}.get(suffix, "vcard")


def _format_name(fmt: str) -> str:
    return {"vcard": "vCard 4.0", "vcard3": "vCard 3.0", "csv": "CSV", "json": "JSON"}[fmt]


def _choose_vault(ctx: typer.Context, owner: User, name: str | None) -> Vault:
    """``--vault`` after ``export`` wins over the global one (and AANDACHT_VAULT)."""
    from aandacht.accounts.services import VaultNotFound, default_vault, vault_named, vaults_for

    options = ctx.find_object(GlobalOptions)
    wanted = name or (options.vault if options else None)
    if not wanted:
        return default_vault(owner)
    try:
        return vault_named(owner, wanted)
    except VaultNotFound:
        fail(
            _("There is no vault called “%(name)s”; nothing was exported. These are yours:")
            % {"name": wanted},
            EXIT_USAGE,
            details=[f"  {v.name}" for v in vaults_for(owner)],
        )


def _choose_tag(vault: Vault, name: str) -> Tag:
    """The tag called ``name`` (any case), or exit 2 naming the closest tags there are."""
    from aandacht.people.models import Tag

    tag = Tag.objects.filter(vault=vault, name__iexact=name.strip()).first()
    if tag is not None:
        return tag
    tags = sorted(Tag.objects.filter(vault=vault).values_list("name", flat=True), key=str.casefold)
    details: list[str] = []
    folded = {t.casefold(): t for t in tags}
    wanted = name.strip().casefold()
    similar = [
        folded[match] for match in difflib.get_close_matches(wanted, folded, n=3, cutoff=0.6)
    ]
    similar += [t for t in tags if wanted and wanted in t.casefold() and t not in similar]
    if similar:
        details.append(_("Did you mean: %(tags)s?") % {"tags": ", ".join(similar[:3])})
    if not tags:
        details.append(_("“%(vault)s” has no tags yet.") % {"vault": vault.name})
    elif len(tags) <= SHOWN_TAGS:
        details.append(_("Tags: %(tags)s") % {"tags": ", ".join(tags)})
    else:
        details.append(
            _("Tags: %(tags)s and %(count)s more.")
            % {"tags": ", ".join(tags[:SHOWN_TAGS]), "count": _count(len(tags) - SHOWN_TAGS)}
        )
    fail(
        _("There is no tag “%(tag)s” in “%(vault)s”; nothing was exported.")
        % {"tag": name, "vault": vault.name},
        EXIT_USAGE,
        details=details,
    )


@contextlib.contextmanager
def _output_file(target: Path) -> Iterator[IO[str]]:
    """``target`` written atomically, or, for a device or pipe (``/dev/null``, ``>(gzip)``),
    written straight into it: those cannot be replaced, and must not be. A symbolic link to a
    file stays a link; the file it points to is replaced.
    """
    if target.exists() and not target.is_file():  # both follow links, as open() does
        with target.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        return
    with _atomic_text_file(target.resolve()) as stream:
        yield stream


@contextlib.contextmanager
def _atomic_text_file(target: Path) -> Iterator[IO[str]]:
    """A text file that appears at ``target`` only if the block ends without an error.

    The temporary file is created in the target's folder (so the rename cannot cross file
    systems) with permissions for its owner only: an export is personal data.
    """
    handle = tempfile.NamedTemporaryFile(  # closed below, then renamed or removed
        mode="w",
        encoding="utf-8",
        newline="",
        dir=target.parent,
        prefix=f".{target.name}.",
        suffix=".part",
        delete=False,
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


@contextlib.contextmanager
def _stdout_text() -> Iterator[IO[str]]:
    """stdout as UTF-8 without newline translation (vCard and CSV lines end in CRLF)."""
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
    try:
        yield stream
        stream.flush()
    finally:
        stream.detach()


def _writer(fmt: str, vault: Vault, owner: User, tag: Tag | None) -> Callable[[IO[str]], int]:
    """The export for ``fmt``, as a function of the open text stream; returns the people."""
    from aandacht.exchange.exporting import export_csv, export_vcards

    if fmt == "vcard":
        return lambda stream: export_vcards(vault, stream, version="4.0", tag=tag)
    if fmt == "vcard3":
        return lambda stream: export_vcards(vault, stream, version="3.0", tag=tag)
    if fmt == "csv":
        return lambda stream: export_csv(vault, stream, tag=tag)
    from aandacht.exchange.json_document import export_json

    def json_export(stream: IO[str]) -> int:
        counts = export_json(vault, stream, user=owner)
        return int(counts.get("people", 0))

    return json_export


@app.command("export")
def export_people(
    ctx: typer.Context,
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="The file to write (an existing file is replaced, but only once the export is "
            "complete), or - for standard output.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="vcard (vCard 4.0), vcard3 (vCard 3.0, what Google Contacts, Apple Contacts and "
            "phones import most reliably), csv, or json "
            "(everything in the vault, for aandacht import). Default: from the file's "
            "extension (.csv, .json), else vcard.",
            show_default=False,
        ),
    ] = None,
    tag: Annotated[
        str | None,
        typer.Option(
            "--tag",
            metavar="TAG",
            help="Only the people with this tag (vcard, vcard3, csv).",
            show_default=False,
        ),
    ] = None,
    vault_name: Annotated[
        str | None,
        typer.Option(
            "--vault",
            metavar="NAME",
            help="The vault to export (its name, any case); the same as aandacht --vault NAME "
            "export. Default: your default vault, the first you own (never the demo).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Export a vault, or the people with one tag, as vCard, CSV or a JSON document."""
    if not output.strip():
        fail(_("-o needs a file name, or - for standard output."), EXIT_USAGE)
    chosen = fmt.strip().lower() if fmt is not None else _format_for(output)
    if chosen not in FORMAT_CHOICES:
        fail(
            _("Unknown format “%(format)s”; use one of: %(choices)s.")
            % {"format": fmt, "choices": ", ".join(FORMAT_CHOICES)},
            EXIT_USAGE,
        )
    if tag is not None and chosen == "json":
        fail(_("--tag is for vcard, vcard3 and csv; the JSON export holds the whole vault."),
             EXIT_USAGE)  # fmt: skip
    if tag is not None and not tag.strip():
        fail(_("--tag needs the name of a tag."), EXIT_USAGE)
    target: Path | None = None
    if output != STDOUT:
        target = Path(output)
        if target.is_dir():
            fail(
                _("“%(path)s” is a folder, not a file; name the file to write.") % {"path": output},
                EXIT_USAGE,
            )
        if not target.parent.is_dir():
            fail(
                _("There is no folder “%(path)s”; nothing was exported.")
                % {"path": str(target.parent)}
            )
    owner = ready()
    vault = _choose_vault(ctx, owner, vault_name)
    chosen_tag = _choose_tag(vault, tag) if tag is not None else None
    write = _writer(chosen, vault, owner, chosen_tag)
    from django.db import DatabaseError

    try:
        if target is None:
            with _stdout_text() as stream:
                count = write(stream)
        else:
            with _output_file(target) as stream:
                count = write(stream)
    except BrokenPipeError:
        # The reader went away (`| head`): nothing to report to anyone.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_FAILED) from None
    except (OSError, DatabaseError) as error:
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error)
        if target is None:
            fail(_("The export failed: %(error)s.") % {"error": reason})
        fail(
            _("The export failed: %(error)s. Nothing was written to “%(path)s”.")
            % {"error": reason, "path": output}
        )
    where = _("standard output") if target is None else f"“{output}”"
    what = (
        ngettext(
            "Exported %(count)s person tagged “%(tag)s” from “%(vault)s” "
            "to %(where)s (%(format)s).",
            "Exported %(count)s people tagged “%(tag)s” from “%(vault)s” "
            "to %(where)s (%(format)s).",
            count,
        )
        if chosen_tag is not None
        else ngettext(
            "Exported %(count)s person from “%(vault)s” to %(where)s (%(format)s).",
            "Exported %(count)s people from “%(vault)s” to %(where)s (%(format)s).",
            count,
        )
    )
    say(
        what
        % {
            "count": _count(count),
            "tag": chosen_tag.name if chosen_tag else "",
            "vault": vault.name,
            "where": where,
            "format": _format_name(chosen),
        }
    )
