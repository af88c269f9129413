"""Which reader a file needs, and the one call that turns any import file into records."""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from aandacht.exchange import csv_sources, pipeline
from aandacht.exchange.records import Problem, Record, UnreadableFile

FORMATS = ("vcard", "linkedin", "google", "csv", "json")
HEAD_BYTES = 65536

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# What a binary file is, by its first bytes (the same words as the CSV reader's).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", gettext_noop("an Excel workbook (.xlsx) or another ZIP file")),
    (b"\xd0\xcf\x11\xe0", gettext_noop("an old Excel workbook (.xls) or another Office file")),
    (b"%PDF", gettext_noop("a PDF document")),
    (b"\x89PNG", gettext_noop("a PNG image")),
    (b"\xff\xd8\xff", gettext_noop("a JPEG image")),
    (b"GIF8", gettext_noop("a GIF image")),
    (b"\x1f\x8b", gettext_noop("a gzip archive")),
)


def _text_start(head: bytes) -> str:
    """The first characters of the file as text, whatever its BOM, for sniffing only."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def looks_binary(head: bytes) -> bool:
    """NUL bytes outside UTF-16 text, or mostly control bytes: not a contacts file."""
    if not head:
        return False
    if head.startswith(_BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head[:4096] if byte < 9 or 13 < byte < 32)
    return controls > len(head[:4096]) // 20


def detect_format(head: bytes, filename: str = "") -> str:
    """``vcard``, ``linkedin``, ``google``, ``csv`` or ``json`` from a file's first bytes.

    Raises :class:`UnreadableFile` for an empty, binary or unrecognisable file.
    """
    if not head.strip():
        raise UnreadableFile("empty", _("The file is empty."))
    text = _text_start(head).lstrip()
    upper = text[:200].upper()
    if upper.startswith("BEGIN:VCARD") or "\nBEGIN:VCARD" in upper:
        return "vcard"
    if text.startswith("{") or filename.lower().endswith(".json"):
        return "json"
    # Before the binary check: the CSV reader also knows UTF-16 without a byte-order mark.
    kind = csv_sources.sniff_csv(head)
    if kind is not None:
        return kind
    if _magic(head):
        raise UnreadableFile(
            "binary",
            _(
                "This is not a contacts file: it looks like %(what)s (binary data). Export your "
                "contacts as vCard (.vcf) or CSV and try that file."
            )
            % {"what": _magic(head)},
        )
    if looks_binary(head):
        raise UnreadableFile(
            "binary",
            _(
                "This is not a contacts file: it holds binary data. Export your contacts as "
                "vCard (.vcf) or CSV and try that file."
            ),
        )
    if filename.lower().endswith((".csv", ".tsv", ".txt")):
        return "csv"  # e.g. a one-column list of email addresses
    raise UnreadableFile(
        "unknown_format",
        _(
            "This file is neither vCard, CSV nor an Aandacht JSON export. Export your contacts "
            "as vCard (.vcf) or CSV and try that file."
        ),
    )


def _magic(head: bytes) -> str:
    """ "a PNG image" for a file that starts like one, else ""."""
    for magic, description in _MAGIC:
        if head.startswith(magic):
            return _(description)
    return ""


def looks_like(head: bytes, filename: str = "") -> tuple[str, str]:
    """(format, description) of what a file seems to be, for a message when the format chosen
    does not fit: ("csv", "a CSV file"), ("linkedin", "a LinkedIn export"), ("", "a PNG
    image")… The format is one of :data:`FORMATS`, or "" for no contacts file at all."""
    magic = _magic(head)
    if magic:
        return "", magic
    try:
        kind = detect_format(head, filename)
    except UnreadableFile as error:
        if error.code == "empty":
            return "", _("an empty file")
        if error.code == "binary":
            return "", _("binary data")
        return "", _("plain text, not contacts")
    descriptions = {
        "vcard": _("a vCard file"),
        "linkedin": _("a LinkedIn export (a CSV file)"),
        "google": _("a Google Contacts export (a CSV file)"),
        "csv": _("a CSV file"),
        "json": _("a JSON file"),
    }
    return kind, descriptions[kind]


def _not_vcard(head: bytes, filename: str) -> UnreadableFile:
    """A file imported as vCard that has no BEGIN:VCARD: say what it looks like instead."""
    kind, what = looks_like(head, filename)
    names = {"linkedin": "LinkedIn", "google": "Google", "csv": "CSV"}
    if kind in names:
        return UnreadableFile(
            "no_records",
            _(
                "This file is not a vCard file: it looks like %(what)s. Choose automatic "
                "detection or the %(format)s format."
            )
            % {"what": what, "format": names[kind]},
        )
    if kind == "json":
        return UnreadableFile(
            "no_records",
            _(
                "This file is not a vCard file: it looks like %(what)s. An Aandacht JSON export "
                "is restored into an empty vault, not imported."
            )
            % {"what": what},
        )
    binary = what != _("plain text, not contacts") and what != _("an empty file")
    if binary and what != _("binary data"):
        what = f"{what} ({_('binary data')})"  # "a PNG image (binary data)"
    return UnreadableFile(
        "binary" if binary else "no_records",
        _(
            "This file is not a vCard file: it looks like %(what)s. Export your contacts as "
            "vCard (.vcf) or CSV and try that file."
        )
        % {"what": what},
    )


def read_records(
    stream: IO[bytes],
    fmt: str,
    *,
    mapping: Mapping[str, str] | None = None,
    filename: str = "",
) -> Iterator[Record | Problem]:
    """Records from an import file; ``fmt`` may be ``auto``. JSON is restored, not read here.

    Raises :class:`UnreadableFile` when the file as a whole cannot be read.
    """
    if fmt == "auto":
        head = stream.read(HEAD_BYTES)
        stream.seek(0)
        fmt = detect_format(head, filename)
    if fmt == "vcard":
        head = stream.read(pipeline.MIN_BYTES)
        if head.strip() and "BEGIN:VCARD" not in _text_start(head[:HEAD_BYTES]).upper():
            raise _not_vcard(head[:HEAD_BYTES], filename)
        return pipeline.VcardRecords(stream, head)
    if fmt == "linkedin":
        return csv_sources.read_linkedin(stream)
    if fmt == "google":
        return csv_sources.read_google(stream)
    if fmt == "csv":
        return csv_sources.read_mapped(stream, mapping)  # None: the suggested mapping
    if fmt == "json":
        raise UnreadableFile(
            "json_not_records",
            _("An Aandacht JSON export is restored into an empty vault, not merged."),
        )
    raise UnreadableFile("unknown_format", _("Unknown format %(format)r.") % {"format": fmt})
