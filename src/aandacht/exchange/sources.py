"""Which reader a file needs, and the one call that turns any import file into records."""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping
from typing import IO

from django.utils.translation import gettext as _

from aandacht.exchange import csv_sources, pipeline
from aandacht.exchange.records import Problem, Record, UnreadableFile

FORMATS = ("vcard", "linkedin", "google", "csv", "json")
HEAD_BYTES = 65536

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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
        return pipeline.VcardRecords(stream, stream.read(pipeline.MIN_BYTES))
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
