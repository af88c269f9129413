"""CSV files as import records: LinkedIn's Connections.csv, Google Contacts' CSV and any other
CSV with a column mapping.

Everything here streams: the file is decoded and split into rows as it is read, so a 100,000-row
export takes as little memory as a ten-row one. Only the first 64 KB are looked at up front, to
choose the encoding and the delimiter and to find the header row.

How the encoding is chosen (spreadsheets write all of these):

* a byte-order mark decides: UTF-8 (Excel's "CSV UTF-8"), UTF-16 LE/BE (Excel's "Unicode
  text"); UTF-16 without a mark is recognised by its zero bytes in every other position;
* otherwise, when the first 64 KB are valid UTF-8 (plain ASCII included), the file is read as
  UTF-8; a stray invalid byte further on is read as Windows-1252 rather than failing the file;
* otherwise the whole file is Windows-1252 (what Excel writes on a Dutch or English Windows
  for "CSV (comma delimited)"): every byte is a character there, so it always decodes.

The delimiter is the one of ``,`` ``;`` and tab that splits the most rows of the first 64 KB
into the same number of columns (Dutch Excel writes ``;``). Dates are read day first
(``15-03-2023``, ``15/03/2023``) besides ISO, because day-first is the order in Dutch and most
European spreadsheets; a US-style ``03/25/2023`` is reported, not guessed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Literal

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from aandacht.exchange.records import (
    FIELD_NAMES,
    ContactKindName,
    DateKindName,
    Problem,
    Record,
    RecordAddress,
    RecordContact,
    RecordDate,
    RecordStream,
    UnreadableFile,
)
from aandacht.people.contact import parse_social
from aandacht.people.names import is_particle, split_name, split_with_family

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

CsvKind = Literal["linkedin", "google", "csv"]

HEAD_BYTES = 64 * 1024
_READ_CHUNK = 64 * 1024
_HEADER_SEARCH_ROWS = 30  # preamble lines allowed before the header (LinkedIn has 3)
_SNIFF_ROWS = 50
_DELIMITERS = (",", ";", "\t")
_CP1252_FALLBACK = "aandacht-cp1252-fallback"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Read a byte that is not UTF-8 as Windows-1252, so one stray byte does not fail a file."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


# --------------------------------------------------------------------------------------------
# Bytes → text: encoding, binary files, streaming.


@dataclass(frozen=True)
class _Encoding:
    codec: str
    errors: str
    name: str  # for messages and tests: "utf-8", "utf-8-sig", "utf-16", "cp1252", …


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", gettext_noop("an Excel workbook (.xlsx) or another ZIP file")),
    (b"\xd0\xcf\x11\xe0", gettext_noop("an old Excel workbook (.xls) or another Office file")),
    (b"%PDF", gettext_noop("a PDF document")),
    (b"\x89PNG", gettext_noop("a PNG image")),
    (b"\xff\xd8\xff", gettext_noop("a JPEG image")),
    (b"GIF8", gettext_noop("a GIF image")),
    (b"\x1f\x8b", gettext_noop("a gzip archive")),
)


def _read_head(stream: IO[bytes]) -> bytes:
    """Up to HEAD_BYTES from the start (a socket or pipe may return less per read)."""
    parts: list[bytes] = []
    size = 0
    while size < HEAD_BYTES:
        chunk = stream.read(HEAD_BYTES - size)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def _binary(description: str) -> UnreadableFile:
    return UnreadableFile(
        "binary",
        _(
            "This is not a CSV file: it looks like %(what)s. Save it as CSV (in Excel: "
            '"Save As", then "CSV UTF-8") and import that file.'
        )
        % {"what": description},
    )


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: mostly-ASCII text has a zero in every other byte."""
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_zeros = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
    odd_zeros = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
    if odd_zeros > pairs * 0.4 and even_zeros < pairs * 0.05:
        return "utf-16-le"
    if even_zeros > pairs * 0.4 and odd_zeros < pairs * 0.05:
        return "utf-16-be"
    return None


def _choose_encoding(head: bytes) -> _Encoding:
    for magic, description in _MAGIC:
        if head.startswith(magic):
            raise _binary(_(description))
    if head.startswith(codecs.BOM_UTF8):
        return _Encoding("utf-8-sig", _CP1252_FALLBACK, "utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _Encoding("utf-16", "replace", "utf-16")
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16:
            return _Encoding(utf16, "replace", utf16)
        raise _binary(_("binary data (it contains zero bytes)"))
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return _Encoding("cp1252", "replace", "cp1252")
    return _Encoding("utf-8", _CP1252_FALLBACK, "utf-8")


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _decode_head(head: bytes, encoding: _Encoding, complete: bool) -> str:
    """The head as text, without a last line that the 64 KB cut may have split."""
    decoder = codecs.getincrementaldecoder(encoding.codec)(encoding.errors)
    text = decoder.decode(head, final=complete)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not complete:
        last_break = max(text.rfind("\n"), text.rfind("\r"))
        if last_break > 0:
            text = text[: last_break + 1]
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise _binary(_("binary data (it contains control characters)"))
    return text


class _Prefixed(io.RawIOBase):
    """The bytes already read for sniffing, then the rest of the stream: nothing is read twice,
    so pipes and uploads that cannot seek work too. Closing it leaves the caller's stream open.
    """

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(target), len(self._head))
            target[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        chunk = self._rest.read(min(len(target), _READ_CHUNK))
        target[: len(chunk)] = chunk
        return len(chunk)


_SEP_HINT = re.compile(r"sep=([,;\t|])\s*(?:\r\n|\n|\r|$)", re.IGNORECASE)


def _sniff_delimiter(sample: str) -> str:
    """The delimiter that splits most rows of the sample into the same number (> 1) of columns,
    unless the file starts with Excel's ``sep=;`` line, which says so itself.
    """
    if hint := _SEP_HINT.match(sample):
        return hint.group(1)
    best = ","
    best_score = (0, 0)
    for delimiter in _DELIMITERS:
        widths: dict[int, int] = {}
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            for index, row in enumerate(reader):
                if index >= _SNIFF_ROWS:
                    break
                if len(row) > 1:
                    widths[len(row)] = widths.get(len(row), 0) + 1
        except csv.Error:
            pass
        if not widths:
            continue
        width, rows = max(widths.items(), key=lambda item: (item[1], item[0]))
        if (rows, width) > best_score:
            best, best_score = delimiter, (rows, width)
    return best


@dataclass
class _Opened:
    text: io.TextIOWrapper
    encoding: str
    delimiter: str


def _open(stream: IO[bytes]) -> _Opened:
    head = _read_head(stream)
    if not head.strip():
        raise UnreadableFile("empty", _("The file is empty: there is no header row to read."))
    encoding = _choose_encoding(head)
    complete = len(head) < HEAD_BYTES
    sample = _decode_head(head, encoding, complete)
    if not sample.strip():
        raise UnreadableFile("empty", _("The file is empty: there is no header row to read."))
    text = io.TextIOWrapper(
        io.BufferedReader(_Prefixed(head, stream)),
        encoding=encoding.codec,
        errors=encoding.errors,
        newline="",
    )
    return _Opened(text, encoding.name, _sniff_delimiter(sample))


# --------------------------------------------------------------------------------------------
# Text → numbered rows, and the header row.


@dataclass(frozen=True)
class _Row:
    line: int  # the physical line the row starts on, 1-based
    cells: list[str]

    def cell(self, index: int | None) -> str:
        if index is None or index >= len(self.cells):
            return ""
        return _unguard(self.cells[index].strip())


# A spreadsheet runs a cell starting with one of these as a formula, so CSV writers (our own
# export among them) put an apostrophe in front; the apostrophe is not part of the value.
_FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")


def _unguard(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1] in "".join(_FORMULA_STARTS):
        return value[1:]
    return value


def _rows(opened: _Opened) -> Iterator[_Row | Problem]:
    """Non-blank rows with the line each starts on; a broken row becomes a Problem."""
    reader = csv.reader(opened.text, delimiter=opened.delimiter, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            message = str(error)
            if "field limit" in message:
                yield Problem(
                    start,
                    "bad_row",
                    _(
                        "A field starting on this line is longer than %(limit)d characters, "
                        'probably a quote (") that is never closed; the rest of the file was '
                        "not read."
                    )
                    % {"limit": csv.field_size_limit()},
                )
                return
            if "unexpected end of data" in message:
                yield Problem(
                    start,
                    "bad_row",
                    _(
                        'A quoted field on this line is never closed: the quote (") runs to '
                        "the end of the file."
                    ),
                )
                return
            yield Problem(
                start,
                "bad_row",
                _("This row is not valid CSV (%(error)s).") % {"error": message},
            )
            continue
        if any(cell.strip() for cell in cells):
            yield _Row(start, cells)


def _fold_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


def _looks_like_linkedin_header(cells: list[str]) -> bool:
    folded = {_fold_header(cell) for cell in cells}
    return {"first name", "last name"} <= folded


@dataclass
class _Table:
    header: list[str]
    header_line: int
    rows: Iterator[_Row | Problem]


def _table(opened: _Opened) -> _Table:
    """Find the header row: LinkedIn's (after its notes), else the first with two or more
    filled cells, else the first row. Preamble rows before it are skipped, not reported.
    """
    rows = _rows(opened)
    buffered: list[_Row] = []
    broken: list[Problem] = []
    for item in rows:
        if isinstance(item, Problem):
            if not buffered:
                raise UnreadableFile(
                    "no_columns",
                    _("Line %(line)d, before any header row: %(reason)s")
                    % {"line": item.record, "reason": item.reason},
                )
            broken.append(item)  # reported after the rows before it
            break
        buffered.append(item)
        if len(buffered) >= _HEADER_SEARCH_ROWS:
            break
    if not buffered:
        raise UnreadableFile("empty", _("The file is empty: there is no header row to read."))
    chosen = next(
        (i for i, row in enumerate(buffered) if _looks_like_linkedin_header(row.cells)), None
    )
    if chosen is None:
        chosen = next(
            (i for i, row in enumerate(buffered) if sum(1 for c in row.cells if c.strip()) >= 2),
            0,
        )
    header_row = buffered[chosen]
    header = [cell.replace("\ufeff", "").strip() for cell in header_row.cells]

    def remaining() -> Iterator[_Row | Problem]:
        yield from buffered[chosen + 1 :]
        yield from broken
        yield from rows

    return _Table(header, header_row.line, remaining())


def read_header(stream: IO[bytes]) -> list[str]:
    """The column headers (for the web mapping step); raises UnreadableFile. Reads only the
    start of the stream, which is left part-read.
    """
    return _table(_open(stream)).header


_GOOGLE_NUMBERED = re.compile(
    r"^(e-mail|phone|address|website|event|relation|custom field|organization|im) (\d+) - (.+)$"
)


def detect_csv_kind(header: list[str]) -> CsvKind:
    folded = {_fold_header(cell) for cell in header}
    if {"first name", "last name", "connected on"} <= folded:
        return "linkedin"
    has_name = bool(folded & {"first name", "last name", "given name", "family name", "name"})
    google_columns = {"labels", "group membership", "organization name", "file as"}
    numbered = any(_GOOGLE_NUMBERED.match(cell) for cell in folded)
    if has_name and (numbered or folded & google_columns):
        return "google"
    return "csv"


def sniff_csv(head: bytes) -> str | None:
    """ "linkedin", "google" or "csv" when the start of a file looks like CSV text with a header
    of two or more columns; None otherwise (binary, vCard, JSON, a single column).
    """
    if not head.strip():
        return None
    try:
        encoding = _choose_encoding(head)
        sample = _decode_head(head, encoding, complete=len(head) < HEAD_BYTES)
    except UnreadableFile:
        return None
    stripped = sample.lstrip()
    if stripped[:11].upper() == "BEGIN:VCARD" or stripped[:1] in {"{", "["}:
        return None
    delimiter = _sniff_delimiter(sample)
    try:
        rows = [
            row
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            if any(cell.strip() for cell in row)
        ][:_HEADER_SEARCH_ROWS]
    except csv.Error:
        return None
    header = next((row for row in rows if _looks_like_linkedin_header(row)), None)
    if header is None:
        header = next((row for row in rows if sum(1 for c in row if c.strip()) >= 2), None)
    if header is None:
        return None
    return detect_csv_kind([cell.strip() for cell in header])


# --------------------------------------------------------------------------------------------
# Cell values: dates, names, lists.

_MONTHS = {
    "jan": 1, "january": 1, "januari": 1,
    "feb": 2, "february": 2, "februari": 2,
    "mar": 3, "march": 3, "mrt": 3, "maart": 3,
    "apr": 4, "april": 4,
    "may": 5, "mei": 5,
    "jun": 6, "june": 6, "juni": 6,
    "jul": 7, "july": 7, "juli": 7,
    "aug": 8, "august": 8, "augustus": 8,
    "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "okt": 10, "oktober": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip

_TRAILING_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$")
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_ISO_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEARLESS = re.compile(r"^--(\d{1,2})-?(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{4}))?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})\.?\s+([^\W\d_]+)\.?,?(?:\s+(\d{4}))?$")

DATE_FORMATS_HELP = "YYYY-MM-DD, --MM-DD, DD-MM-YYYY, DD/MM/YYYY, 15 Mar 2023"


@dataclass(frozen=True)
class _DateParts:
    year: int | None
    month: int
    day: int


@dataclass(frozen=True)
class _Impossible:
    """A date in a format read here that does not exist (31-02-1990): why, for the message."""

    why: str


def _why_impossible(year: int | None, month: int, day: int, day_first: bool) -> str | None:
    """Why year-month-day is no date ("there is no 31 February"), or None when it is one."""
    if not 1 <= month <= 12:
        if day_first and 1 <= day <= 12:  # 03/25/2023: written month first
            return _("there is no month %(month)d; the day comes first, as in %(example)s") % {
                "month": month,
                "example": f"{month:02d}-{day:02d}" + (f"-{year}" if year is not None else ""),
            }
        return _("there is no month %(month)d") % {"month": month}
    if not 1 <= day <= 31:
        return _("there is no day %(day)d") % {"day": day}
    if year is not None and year < 1000:
        return _("the year %(year)d is too early") % {"year": year}
    try:
        dt.date(year if year is not None else 2000, month, day)  # 2000: 29 Feb is allowed
    except ValueError:
        if year is not None and (month, day) == (2, 29):
            return _("there is no 29 February in %(year)d") % {"year": year}
        return _("there is no %(day)d %(month)s") % {"day": day, "month": MONTHS[month]}
    return None


def _parse(text: str) -> _DateParts | _Impossible | None:
    """A date as people and spreadsheets write it (the year may be missing); _Impossible for
    a format read here with numbers that make no date; None for anything else.
    """
    value = _TRAILING_TIME.sub("", text.strip())
    year: int | None
    day_first = False
    if match := _ISO.match(value) or _ISO_BASIC.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _YEARLESS.match(value):
        year, month, day = None, int(match.group(1)), int(match.group(2))
    elif match := _DAY_FIRST.match(value):
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
        day_first = True
    elif match := _DAY_MONTH_NAME.match(value):
        found = _MONTHS.get(match.group(2).casefold())
        if found is None:
            return None
        day, month = int(match.group(1)), found
        year = int(match.group(3)) if match.group(3) else None
    else:
        return None
    why = _why_impossible(year, month, day, day_first)
    if why is not None:
        return _Impossible(why)
    return _DateParts(year, month, day)


def parse_date(text: str) -> _DateParts | None:
    """A date as people and spreadsheets write it; the year may be missing. None when it is
    not a real date (31-02-1990) or not in a format read here.
    """
    parts = _parse(text)
    return parts if isinstance(parts, _DateParts) else None


def _bad_date(line: int, column: str, value: str, why: str | None) -> Problem:
    """A date left out of a record that is still imported: a warning, not a skipped row."""
    if why == "":
        reason = _(
            'Column "%(column)s" has "%(value)s", a date without a year; this field needs a '
            "full date (%(formats)s), so it was left out."
        )
    elif why is None:
        reason = _(
            'Column "%(column)s" has "%(value)s", which is not a date that can be read '
            "(%(formats)s; day before month); it was left out."
        )
    else:
        reason = _(
            'Column "%(column)s" has "%(value)s", which is not a real date (%(why)s); '
            "it was left out."
        )
    return Problem(
        line,
        "bad_date",
        reason % {"column": column, "value": value, "formats": DATE_FORMATS_HELP, "why": why or ""},
    )


class _Dates:
    """Reads the dates of one row; a date that cannot be read is left out with a warning."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.problems: list[Problem] = []

    def _parts(self, column: str, value: str) -> _DateParts | None:
        parts = _parse(value)
        if isinstance(parts, _DateParts):
            return parts
        why = parts.why if isinstance(parts, _Impossible) else None
        self.problems.append(_bad_date(self.line, column, value, why))
        return None

    def date(
        self, kind: DateKindName, column: str, value: str, label: str = ""
    ) -> RecordDate | None:
        parts = self._parts(column, value)
        if parts is None:
            return None
        return RecordDate(kind=kind, month=parts.month, day=parts.day, year=parts.year, label=label)

    def add(
        self, record: Record, kind: DateKindName, column: str, value: str, label: str = ""
    ) -> None:
        found = self.date(kind, column, value, label)
        if found is not None:
            record.dates.append(found)

    def full(self, column: str, value: str) -> dt.date | None:
        """A date with a year (when someone was met)."""
        parts = self._parts(column, value)
        if parts is None:
            return None
        if parts.year is None:
            self.problems.append(_bad_date(self.line, column, value, ""))
            return None
        return dt.date(parts.year, parts.month, parts.day)


def _names(given: str, family: str) -> tuple[str, str, str]:
    """Particles out of a family name ("van der Berg") or off the end of a given name
    ("Anna de" + "Vries"), as people type them into two-box forms.
    """
    given, family = " ".join(given.split()), " ".join(family.split())
    particles = ""
    if " " in family:  # one word cannot hold particles and a name
        placeholder = "X"
        parts = split_name(f"{placeholder} {family}")
        if parts.particles and parts.given == placeholder and parts.family:
            particles, family = parts.particles, parts.family
    if given and family and len(given.split()) > 1 and is_particle(given.split()[-1]):
        moved = split_with_family(f"{given} {family}", family)
        if moved.particles:
            given = moved.given
            particles = f"{moved.particles} {particles}".strip()
    return given, particles, family


def _all_particles(text: str) -> bool:
    words = text.split()
    return bool(words) and all(is_particle(word) for word in words)


_VALUE_SEPARATOR = re.compile(r"\s*:::\s*")
_EMAIL_SPLIT = re.compile(r"[\s,;]+|:::")
_PHONE_SPLIT = re.compile(r"\s*(?::::|;|\n|\s/\s|,\s)\s*")
_URL_SPLIT = re.compile(r"\s+|:::")
_TAG_SPLIT = re.compile(r"\s*(?::::|,|;|\n)\s*")


def _split(pattern: re.Pattern[str], text: str) -> list[str]:
    """Several values in one cell. When the cell uses Google's (and our export's) " ::: ", that
    alone separates them, so a tag with a comma in it survives an export and import.
    """
    if ":::" in text:
        pattern = _VALUE_SEPARATOR
    return [_unguard(part.strip()) for part in pattern.split(text) if part and part.strip()]


def _tags(text: str) -> list[str]:
    """Tags from a cell; Google's system groups ("* myContacts", "* starred") are not tags."""
    return [tag for tag in _split(_TAG_SPLIT, text) if not tag.startswith("*")]


_SOCIAL_SERVICES = {"twitter", "linkedin", "instagram", "github", "facebook", "bluesky"}


def _website_or_social(value: str, label: str) -> RecordContact:
    """A web address; a profile on a service we know ("linkedin.com/in/…") is a social one."""
    service, _handle = parse_social(value)
    if service in _SOCIAL_SERVICES:
        return RecordContact(kind="social", value=value, label=label, service=service)
    return RecordContact(kind="website", value=value, label=label)


def _social(value: str, label: str, hint: str = "") -> RecordContact:
    service, _handle = parse_social(value)
    if service == "other" and hint in _SOCIAL_SERVICES | {"mastodon"}:
        service = hint
    return RecordContact(kind="social", value=value, label=label, service=service)


_KNOWN_LABELS = {
    "home", "work", "mobile", "other", "main", "cell", "home fax", "work fax", "pager",
    "school", "profile", "blog", "homepage", "home page", "personal", "business", "fax",
    "anniversary", "birthday",
}  # fmt: skip


def _label(text: str) -> str:
    """Google's label without its primary marker ("* Home" → "home"); custom ones as written."""
    label = text.strip().lstrip("*").strip()
    return label.casefold() if label.casefold() in _KNOWN_LABELS else label


def _nameless(line: int) -> Problem:
    return Problem(
        line,
        "nameless",
        _(
            "No name, organisation, email address or phone number on this row, so there is "
            "nobody to import."
        ),
    )


def _usable(record: Record) -> bool:
    """Something that says who it is: a name, an organisation, an email address or a phone
    number (as on a vCard, an organisation alone is someone: a company contact).
    """
    return (
        record.has_name()
        or bool(record.organisation)
        or any(c.kind in {"email", "phone"} for c in record.contacts)
    )


def _columns(header: list[str]) -> dict[str, int]:
    """Folded header → first column index."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        found.setdefault(_fold_header(cell), index)
    return found


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _choose_instead(header: list[str]) -> str:
    """What to choose for a file read with the wrong format, from what its header looks like."""
    kind = detect_csv_kind(header)
    if kind == "google":
        return _('Choose "Google Contacts" as the format (or "detect automatically").')
    if kind == "linkedin":
        return _('Choose "LinkedIn connections" as the format (or "detect automatically").')
    return _(
        'To read another CSV file, choose "other CSV, with a column mapping" as the format '
        '(or "detect automatically").'
    )


def _not_linkedin(header: list[str], missing: list[str]) -> UnreadableFile:
    """A file read as LinkedIn that is none: say what it looks like, or which columns lack."""
    if detect_csv_kind(header) == "google":
        message = _(
            "This looks like a Google Contacts CSV, not a LinkedIn export: choose "
            '"Google Contacts" as the format (or "detect automatically").'
        )
    else:
        message = ngettext(
            "This is not a LinkedIn Connections.csv export: it has no %(columns)s column.",
            "This is not a LinkedIn Connections.csv export: it has no %(columns)s columns.",
            len(missing),
        ) % {"columns": _quoted(missing)}
        message = f"{message} {_choose_instead(header)}"
    return UnreadableFile("no_columns", message)


def _not_google(header: list[str]) -> UnreadableFile | None:
    """A file read as Google Contacts that is none, or None when it may be one."""
    if detect_csv_kind(header) == "linkedin":
        return UnreadableFile(
            "no_columns",
            _(
                "This looks like a LinkedIn export, not a Google Contacts CSV: choose "
                '"LinkedIn connections" as the format (or "detect automatically").'
            ),
        )
    columns = _columns(header)
    if any(name.casefold() in columns for name in GOOGLE_NAME_COLUMNS):
        return None
    message = _(
        "This is not a Google Contacts CSV export: it has no name column (%(columns)s)."
    ) % {"columns": _quoted(("First Name", "Last Name", "Name"))}
    return UnreadableFile("no_columns", f"{message} {_choose_instead(header)}")


def _records(table: _Table, build: Callable[[_Row, _Dates], Record]) -> Iterator[Record | Problem]:
    """The records of the rows. A date that cannot be read is a ``bad_date`` Problem for the
    row, followed by the row's record without that date: the person is still imported.
    """
    for item in table.rows:
        if isinstance(item, Problem):
            yield item
            continue
        dates = _Dates(item.line)
        record = build(item, dates)
        if not _usable(record):
            yield _nameless(item.line)
            continue
        yield from dates.problems
        yield record


# --------------------------------------------------------------------------------------------
# LinkedIn: Connections.csv


LINKEDIN_REQUIRED = ("First Name", "Last Name", "Connected On")


def read_linkedin(stream: IO[bytes]) -> RecordStream:
    """LinkedIn's Connections.csv: a few lines of notes, then
    ``First Name,Last Name,URL,Email Address,Company,Position,Connected On`` (older exports
    lack URL or Email Address). Raises UnreadableFile before yielding anything.
    """
    opened = _open(stream)
    table = _table(opened)
    columns = _columns(table.header)
    missing = [name for name in LINKEDIN_REQUIRED if name.casefold() not in columns]
    if missing:
        raise _not_linkedin(table.header, missing)
    first = columns["first name"]
    last = columns["last name"]
    connected = columns["connected on"]
    url = columns.get("url")
    email = columns.get("email address")
    company = columns.get("company")
    position = columns.get("position")
    connected_header = table.header[connected]

    def build(row: _Row, dates: _Dates) -> Record:
        family, _comma, suffix = row.cell(last).partition(", ")
        given, particles, family = _names(row.cell(first), family)
        record = Record(
            number=row.line,
            given_name=given,
            particles=particles,
            family_name=family,
            name_suffix=suffix.strip(),
            organisation=row.cell(company),
            job_title=row.cell(position),
            met_channel="linkedin",
        )
        if address := row.cell(email):
            record.contacts.append(RecordContact(kind="email", value=address))
        if profile := row.cell(url):
            record.contacts.append(RecordContact(kind="social", value=profile, service="linkedin"))
        if connected_on := row.cell(connected):
            record.met_on = dates.full(connected_header, connected_on)
        return record

    return _records(table, build)


# --------------------------------------------------------------------------------------------
# Google Contacts CSV (current "Labels" format and the older "Group Membership" one)


@dataclass
class _Group:
    """One numbered group of Google columns: "Phone 2 - Label", "Phone 2 - Value"…"""

    kind: str
    number: int
    parts: dict[str, int]  # "label"/"type", "value", "street", "city", … → column index

    def index(self, *names: str) -> int | None:
        for name in names:
            if name in self.parts:
                return self.parts[name]
        return None


def _google_groups(header: list[str]) -> dict[str, list[_Group]]:
    groups: dict[tuple[str, int], _Group] = {}
    for index, cell in enumerate(header):
        match = _GOOGLE_NUMBERED.match(_fold_header(cell))
        if not match:
            continue
        kind, number, part = match.group(1), int(match.group(2)), match.group(3)
        group = groups.setdefault((kind, number), _Group(kind, number, {}))
        group.parts.setdefault(part, index)
    by_kind: dict[str, list[_Group]] = {}
    for key in sorted(groups):
        by_kind.setdefault(key[0], []).append(groups[key])
    return by_kind


GOOGLE_NAME_COLUMNS = ("First Name", "Last Name", "Given Name", "Family Name", "Name")


def read_google(stream: IO[bytes]) -> RecordStream:
    """Google Contacts' CSV export, current and legacy. Several values in one cell are joined
    by " ::: "; photos are URLs that cannot be fetched here and are left out.
    """
    opened = _open(stream)
    table = _table(opened)
    columns = _columns(table.header)
    header = table.header
    if refused := _not_google(header):
        raise refused
    groups = _google_groups(header)

    def column(*names: str) -> int | None:
        for name in names:
            if name in columns:
                return columns[name]
        return None

    given_at = column("first name", "given name")
    middle_at = column("middle name", "additional name")
    family_at = column("last name", "family name")
    full_at = column("name")
    prefix_at = column("name prefix")
    suffix_at = column("name suffix")
    nickname_at = column("nickname")
    birthday_at = column("birthday")
    notes_at = column("notes")
    labels_at = column("labels", "group membership")
    org_at = column("organization name")
    title_at = column("organization title")
    department_at = column("organization department")
    organisations = groups.get("organization", [])
    if org_at is None and organisations:
        org_at = organisations[0].index("name")
    if title_at is None and organisations:
        title_at = organisations[0].index("title")
    if department_at is None and organisations:
        department_at = organisations[0].index("department")

    def build(row: _Row, dates: _Dates) -> Record:
        given, middle, family = row.cell(given_at), row.cell(middle_at), row.cell(family_at)
        particles = ""
        if middle and _all_particles(middle):  # "Jan" + "van der" + "Berg": a common workaround
            particles, middle = middle, ""
        if middle:
            given = f"{given} {middle}".strip()
        if not (given or family) and (full := row.cell(full_at)):
            given, particles, family = split_name(full)
        elif not particles:
            given, particles, family = _names(given, family)
        record = Record(
            number=row.line,
            given_name=given,
            particles=particles,
            family_name=family,
            nickname=row.cell(nickname_at),
            name_prefix=row.cell(prefix_at),
            name_suffix=row.cell(suffix_at),
            organisation=row.cell(org_at),
            department=row.cell(department_at),
            job_title=row.cell(title_at),
            note=row.cell(notes_at),
            tags=_tags(row.cell(labels_at)),
        )
        if birthday_at is not None and (birthday := row.cell(birthday_at)):
            dates.add(record, "birthday", header[birthday_at], birthday)
        _google_contacts(row, groups, record)
        _google_addresses(row, groups, record)
        _google_events(row, groups, header, record, dates)
        return record

    return _records(table, build)


def _google_contacts(row: _Row, groups: dict[str, list[_Group]], record: Record) -> None:
    for kind, google_kind, splitter in (
        ("email", "e-mail", _EMAIL_SPLIT),
        ("phone", "phone", _VALUE_SEPARATOR),
        ("website", "website", _URL_SPLIT),
    ):
        for group in groups.get(google_kind, []):
            label = _label(row.cell(group.index("label", "type")))
            for value in _split(splitter, row.cell(group.index("value"))):
                if kind == "website":
                    record.contacts.append(_website_or_social(value, label))
                else:
                    contact_kind: ContactKindName = "email" if kind == "email" else "phone"
                    record.contacts.append(
                        RecordContact(kind=contact_kind, value=value, label=label)
                    )


_ADDRESS_PARTS = ("street", "postal code", "city", "region", "country", "formatted")


def _google_addresses(row: _Row, groups: dict[str, list[_Group]], record: Record) -> None:
    for group in groups.get("address", []):
        label = _label(row.cell(group.index("label", "type")))
        cells = {
            part: _split(_VALUE_SEPARATOR, row.cell(group.index(part))) for part in _ADDRESS_PARTS
        }
        extended = _split(_VALUE_SEPARATOR, row.cell(group.index("extended address")))
        po_box = _split(_VALUE_SEPARATOR, row.cell(group.index("po box")))
        count = max((len(values) for values in cells.values()), default=0)
        for position in range(count):

            def part(name: str, values: dict[str, list[str]] = cells, at: int = position) -> str:
                found = values[name]
                return found[at] if at < len(found) else ""

            street_lines = [part("street")]
            if position < len(extended):
                street_lines.append(extended[position])
            if position < len(po_box):
                street_lines.append(po_box[position])
            street = "\n".join(line for line in street_lines if line)
            address = RecordAddress(
                label=label,
                street=street,
                postal_code=part("postal code"),
                locality=part("city"),
                region=part("region"),
                country=part("country"),
            )
            if address.is_empty() and part("formatted"):
                address.street = part("formatted")  # only the one-block form was filled in
            if not address.is_empty():
                record.addresses.append(address)


def _google_events(
    row: _Row, groups: dict[str, list[_Group]], header: list[str], record: Record, dates: _Dates
) -> None:
    for group in groups.get("event", []):
        value_at = group.index("value")
        value = row.cell(value_at)
        if not value or value_at is None:
            continue
        label = _label(row.cell(group.index("label", "type")))
        kind: DateKindName = "anniversary" if label.casefold() == "anniversary" else "custom"
        dates.add(record, kind, header[value_at], value, "" if kind == "anniversary" else label)


# --------------------------------------------------------------------------------------------
# Any other CSV, with a mapping {column header: field name}


# The fields a column can be mapped to here (``department`` among them).
MAPPABLE_FIELDS = FIELD_NAMES
# Fields several columns may feed: lists, and text that is joined ("Straat" + "Huisnummer").
MULTI_COLUMN_FIELDS = frozenset({"email", "phone", "website", "social", "tags", "note", "street"})
# Mapping to one of these means "leave this column out" (the web form's empty choice).
IGNORE_VALUES = frozenset({"", "-", "ignore", "skip"})
IDENTITY_FIELDS = ("full_name", "given_name", "family_name", "nickname", "email", "phone")


@dataclass(frozen=True)
class _Mapped:
    index: int
    header: str
    field: str
    label: str
    hint: str  # a social service named in the header ("LinkedIn")


def _header_label(header: str) -> str:
    words = set(_header_key(header).split())
    if words & {"mobiel", "mobile", "gsm", "cell", "cellphone", "mobielnummer", "mobiele"}:
        return "mobile"
    if words & {"fax"}:
        return "fax"
    if words & {"werk", "work", "business", "zakelijk", "kantoor", "office"}:
        return "work"
    if words & {"thuis", "home", "prive", "privé", "personal", "persoonlijk", "private"}:
        return "home"
    return ""


def _header_hint(header: str) -> str:
    words = set(_header_key(header).split())
    for service in sorted(_SOCIAL_SERVICES | {"mastodon"}):
        if service in words:
            return service
    return "twitter" if "x" in words else ""


def _resolve_mapping(header: list[str], mapping: Mapping[str, str]) -> list[_Mapped]:
    exact = {cell: [i for i, c in enumerate(header) if c == cell] for cell in header}
    folded: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        folded.setdefault(_fold_header(cell), []).append(index)
    resolved: list[_Mapped] = []
    for column, field_name in mapping.items():
        field = field_name.strip().casefold()
        if field in IGNORE_VALUES:
            continue
        if field not in MAPPABLE_FIELDS:
            raise UnreadableFile(
                "bad_mapping",
                _(
                    'Column "%(column)s" is mapped to "%(field)s", which is not a field. '
                    "The fields are: %(fields)s."
                )
                % {"column": column, "field": field_name, "fields": ", ".join(MAPPABLE_FIELDS)},
            )
        indexes = exact.get(column.strip()) or folded.get(_fold_header(column))
        if not indexes:
            raise UnreadableFile(
                "bad_mapping",
                _(
                    'The mapping names column "%(column)s", which is not in the header. '
                    "The columns are: %(header)s."
                )
                % {
                    "column": column,
                    "header": ", ".join(f'"{cell}"' for cell in header if cell),
                },
            )
        for index in indexes:
            resolved.append(
                _Mapped(index, header[index], field, _header_label(header[index]),
                        _header_hint(header[index]))
            )  # fmt: skip
    by_field: dict[str, list[str]] = {}
    for item in resolved:
        by_field.setdefault(item.field, []).append(item.header)
    for field, headers in by_field.items():
        if len(headers) > 1 and field not in MULTI_COLUMN_FIELDS:
            raise UnreadableFile(
                "bad_mapping",
                _(
                    'Several columns are mapped to "%(field)s" (%(columns)s), which holds one '
                    "value; only %(multi)s can take several columns."
                )
                % {
                    "field": field,
                    "columns": ", ".join(f'"{h}"' for h in headers),
                    "multi": ", ".join(sorted(MULTI_COLUMN_FIELDS)),
                },
            )
    if not resolved:
        raise UnreadableFile(
            "no_columns",
            _(
                "No column is mapped to a field, so there is nothing to read. The columns are: "
                "%(header)s; map at least one of them to %(identity)s."
            )
            % {
                "header": ", ".join(f'"{cell}"' for cell in header if cell) or "-",
                "identity": ", ".join(IDENTITY_FIELDS),
            },
        )
    if not any(item.field in IDENTITY_FIELDS for item in resolved):
        raise UnreadableFile(
            "no_columns",
            _(
                "None of the mapped columns says who a row is: map at least one column to "
                "%(identity)s."
            )
            % {"identity": ", ".join(IDENTITY_FIELDS)},
        )
    return resolved


def read_mapped(stream: IO[bytes], mapping: Mapping[str, str] | None = None) -> RecordStream:
    """Any CSV, read through ``mapping`` ({column header: field name from FIELD_NAMES}).

    Without a mapping the suggested one is used (``suggest_mapping``), which reads our own CSV
    export 1:1. Raises UnreadableFile (bad_mapping, no_columns, …) before yielding anything.
    """
    opened = _open(stream)
    table = _table(opened)
    if mapping is None:
        mapping = suggest_mapping(table.header)
    columns = _resolve_mapping(table.header, mapping)

    def build(row: _Row, dates: _Dates) -> Record:
        record = Record(number=row.line)
        values: dict[str, str] = {}
        street: list[str] = []
        notes: list[str] = []
        address = RecordAddress()
        for column in columns:
            value = row.cell(column.index)
            if not value:
                continue
            field = column.field
            if field == "email":
                for part in _split(_EMAIL_SPLIT, value):
                    record.contacts.append(RecordContact("email", part, column.label))
            elif field == "phone":
                for part in _split(_PHONE_SPLIT, value):
                    record.contacts.append(RecordContact("phone", part, column.label))
            elif field == "website":
                for part in _split(_URL_SPLIT, value):
                    record.contacts.append(RecordContact("website", part, column.label))
            elif field == "social":
                for part in _split(_URL_SPLIT, value):
                    record.contacts.append(_social(part, column.label, column.hint))
            elif field == "tags":
                record.tags.extend(tag for tag in _tags(value) if tag not in record.tags)
            elif field == "note":
                notes.append(value)
            elif field == "street":
                street.append(value)
            elif field in {"birthday", "anniversary"}:
                kind: DateKindName = "birthday" if field == "birthday" else "anniversary"
                dates.add(record, kind, column.header, value)
            elif field == "met_on":
                record.met_on = dates.full(column.header, value)
            else:
                values[field] = value
        given, particles, family = (
            values.get("given_name", ""),
            values.get("particles", ""),
            values.get("family_name", ""),
        )
        if not (given or family) and values.get("full_name"):
            given, particles, family = split_name(values["full_name"])
        elif not particles:
            given, particles, family = _names(given, family)
        record.given_name, record.particles, record.family_name = given, particles, family
        record.nickname = values.get("nickname", "")
        record.name_prefix = values.get("name_prefix", "")
        record.name_suffix = values.get("name_suffix", "")
        record.organisation = values.get("organisation", "")
        record.department = values.get("department", "")
        record.job_title = values.get("job_title", "")
        record.met_at = values.get("met_at", "")
        record.time_zone = values.get("time_zone", "")
        record.pronouns = values.get("pronouns", "")
        record.note = "\n\n".join(notes)
        address.street = " ".join(street)
        address.postal_code = values.get("postal_code", "")
        address.locality = values.get("city", "")
        address.region = values.get("region", "")
        address.country = values.get("country", "")
        if not address.is_empty():
            record.addresses.append(address)
        return record

    return _records(table, build)


# --------------------------------------------------------------------------------------------
# Suggested mappings


def _header_key(header: str) -> str:
    """ "E-mail 1 - Value" → "e mail 1 value"; accents kept (Dutch "privé")."""
    return " ".join(re.sub(r"[^\w]+", " ", header.casefold()).replace("_", " ").split())


_SUGGESTIONS: dict[str, tuple[str, ...]] = {
    "full_name": (
        "name", "full name", "fullname", "naam", "volledige naam", "display name",
        "weergavenaam", "contact", "contactpersoon", "contact name", "file as",
    ),
    "given_name": (
        "first name", "firstname", "given name", "forename", "voornaam", "voornamen",
        "first",
    ),
    "particles": (
        "tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels", "particles",
        "name particles", "tussenv",
    ),
    "family_name": (
        "last name", "lastname", "surname", "family name", "achternaam", "familienaam",
        "geslachtsnaam", "last",
    ),
    "nickname": ("nickname", "nick name", "bijnaam", "roepnaam", "short name"),
    "name_prefix": ("title", "titel", "prefix", "name prefix", "aanhef", "titulatuur"),
    "name_suffix": ("suffix", "name suffix", "achtervoegsel", "achtertitel"),
    "organisation": (
        "company", "company name", "organisation", "organization", "organisation name",
        "organization name", "bedrijf", "bedrijfsnaam", "organisatie", "werkgever",
        "employer", "firma",
    ),
    "department": (
        "department", "afdeling", "organisation department", "organization department",
        "dept", "division",
    ),
    "job_title": (
        "job title", "jobtitle", "position", "functie", "functietitel", "function", "role",
        "rol", "beroep", "occupation", "organization title",
    ),
    "email": (
        "email", "e mail", "email address", "e mail address", "e mailadres", "emailadres",
        "mail", "mailadres", "email adres", "e mail adres",
    ),
    "phone": (
        "phone", "telephone", "telefoon", "telefoonnummer", "tel", "mobile", "mobiel",
        "mobiel nummer", "mobielnummer", "mobile phone", "gsm", "cell", "cell phone",
        "phone number", "telefoon mobiel", "mobiele telefoon", "business phone", "home phone",
        "telefoon werk", "telefoon prive", "telefoon privé", "werk telefoon", "fax",
    ),
    "website": (
        "website", "web site", "url", "homepage", "home page", "web page", "webpagina",
        "site", "webadres", "internet",
    ),
    "social": (
        "social", "linkedin", "linkedin url", "linkedin profile", "twitter", "x", "mastodon",
        "instagram", "github", "facebook", "bluesky", "profile url", "social profile",
    ),
    "street": (
        "street", "address", "adres", "straat", "straatnaam", "street address",
        "address line 1", "adresregel 1", "huisnummer", "straat en huisnummer",
    ),
    "postal_code": ("postcode", "postal code", "zip", "zip code", "zipcode", "post code"),
    "city": ("city", "town", "plaats", "woonplaats", "stad", "locality"),
    "region": ("region", "state", "province", "provincie", "county", "regio"),
    "country": ("country", "land", "country region"),
    "birthday": (
        "birthday", "birth date", "birthdate", "date of birth", "dob", "verjaardag",
        "geboortedatum", "geboortedag", "jarig",
    ),
    "anniversary": ("anniversary", "trouwdag", "huwelijksdatum", "wedding anniversary"),
    "note": (
        "note", "notes", "notitie", "notities", "opmerking", "opmerkingen", "comment",
        "comments", "memo", "description", "beschrijving",
    ),
    "tags": (
        "tags", "tag", "labels", "label", "groups", "group", "groep", "groepen",
        "categories", "category", "categorie", "categorieen", "categorieën",
        "group membership",
    ),
    "met_on": ("met on", "connected on", "first met", "ontmoet op", "leren kennen op"),
    "met_at": ("met at", "where we met", "ontmoet bij", "waar ontmoet", "leren kennen bij"),
    "time_zone": ("time zone", "timezone", "tijdzone"),
    "pronouns": ("pronouns", "voornaamwoorden", "aanspreekvorm"),
}  # fmt: skip

_SUGGESTION_INDEX = {
    _header_key(alias): field for field, aliases in _SUGGESTIONS.items() for alias in aliases
}
# Words that make a header something else than the value ("E-mail 1 - Label", "Phone Type").
_NOT_A_VALUE = {"label", "type", "soort", "yomi", "phonetic"}
# Words left out when a header names a contact detail with a label ("Telefoon werk").
_LABEL_WORDS = {
    "werk", "work", "business", "zakelijk", "thuis", "home", "prive", "privé", "personal",
    "address", "adres", "nummer", "number", "primary", "other",
}  # fmt: skip


def _suggest_one(header: str) -> str | None:
    if header.strip() in MAPPABLE_FIELDS:  # our own export: exactly 1:1
        return header.strip()
    words = _header_key(header).split()
    if not words or set(words) & _NOT_A_VALUE:
        return None
    # "E-mail 2", "Phone 1 - Value", "Telefoon (werk)" → the base name.
    core = [word for word in words if not word.isdigit() and word != "value"]
    key = " ".join(core)
    if key in _SUGGESTION_INDEX:
        return _SUGGESTION_INDEX[key]
    labelled = [word for word in core if word not in _LABEL_WORDS]
    key = " ".join(labelled)
    field = _SUGGESTION_INDEX.get(key)
    if field in MULTI_COLUMN_FIELDS - {"street", "note", "tags"}:
        return field
    if "name" in labelled or "naam" in labelled:  # "E-mail Display Name"
        return None
    if "mail" in key:
        return "email"
    if any(w in {"phone", "telefoon", "tel", "mobiel", "mobile", "gsm", "fax"} for w in labelled):
        return "phone"
    return None


def suggest_mapping(header: list[str]) -> dict[str, str]:
    """A guess at {column: field} for common English and Dutch headers (and our own export's).

    A field that holds one value is suggested for its first column only, so the suggestion is
    always a valid mapping.
    """
    suggestion: dict[str, str] = {}
    taken: set[str] = set()
    for cell in header:
        name = cell.replace("\ufeff", "").strip()
        if not name or name in suggestion:
            continue
        field = _suggest_one(name)
        if field is None:
            continue
        if field not in MULTI_COLUMN_FIELDS and field in taken:
            continue
        suggestion[name] = field
        taken.add(field)
    return suggestion
