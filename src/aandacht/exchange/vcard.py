"""A small vCard 2.1/3.0/4.0 reader (lenient) and writer (strict, RFC 6350/2426).

Pure Python, no Django. Reading never raises on bad input: cards that cannot be read, garbage lines
and unterminated cards come back as :class:`ReadError` with the card number and line number.
Properties the :class:`Card` does not model are kept as raw (unfolded) lines in ``Card.extra`` and
written back unchanged.

Writer choices (documented here because vCard 3.0 has no standard for them):

* a birthday without a year is ``BDAY:--MMDD`` in 4.0 and
  ``BDAY;X-APPLE-OMIT-YEAR=1604:1604-MM-DD`` in 3.0 (what Apple Contacts writes and Google,
  DAVx5 and Thunderbird understand); the reader turns both back into ``PartialDate(None, M, D)``;
* ANNIVERSARY is ``ANNIVERSARY`` in 4.0 and ``X-ANNIVERSARY`` in 3.0, GENDER is ``X-GENDER`` in 3.0;
* a value with a label gets an ``itemN.`` group and an ``itemN.X-ABLabel`` line (Apple/Google);
* phone numbers are written as text (``TEL;TYPE=cell:+31 6 1234 5678``); ``tel:`` URIs are read too.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Literal

__all__ = [
    "Address",
    "Card",
    "ExtraProperty",
    "PartialDate",
    "Photo",
    "ReadError",
    "Value",
    "extra_properties",
    "iter_cards",
    "parse_date",
    "read_cards",
    "write_card",
    "write_cards",
]


@dataclass
class Value:
    """An email address, phone number, URL, social profile or IM handle."""

    value: str
    types: list[str] = field(default_factory=list)
    label: str = ""
    pref: int | None = None
    # The label was one of Apple's built-in ones (``_$!<Home>!$_``), not typed by a person:
    # an importer may translate it to its own words, where it keeps a typed "Home" as it is.
    builtin_label: bool = field(default=False, compare=False)


@dataclass
class Address:
    po_box: str = ""
    extended: str = ""
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    types: list[str] = field(default_factory=list)
    label: str = ""
    pref: int | None = None
    delivery_label: str = ""  # vCard 4.0 ADR;LABEL= (the formatted postal label)
    builtin_label: bool = field(default=False, compare=False)  # see Value.builtin_label

    def parts(self) -> list[str]:
        return [
            self.po_box,
            self.extended,
            self.street,
            self.locality,
            self.region,
            self.postal_code,
            self.country,
        ]


@dataclass(frozen=True)
class PartialDate:
    """A date that may lack its year (yearless birthdays) or, rarely, its month or day."""

    year: int | None
    month: int | None
    day: int | None


@dataclass
class Photo:
    data: bytes | None = None
    mime: str | None = None
    uri: str | None = None


@dataclass
class Card:
    version: str = ""
    uid: str = ""
    formatted_name: str = ""
    family: str = ""
    given: str = ""
    additional: str = ""
    prefixes: str = ""
    suffixes: str = ""
    nicknames: list[str] = field(default_factory=list)
    organisation: str = ""
    departments: list[str] = field(default_factory=list)
    title: str = ""
    role: str = ""
    emails: list[Value] = field(default_factory=list)
    phones: list[Value] = field(default_factory=list)
    urls: list[Value] = field(default_factory=list)
    socials: list[Value] = field(default_factory=list)
    impps: list[Value] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    # The X-ABLabel of a grouped BDAY/ANNIVERSARY (``item3.BDAY`` + ``item3.X-ABLabel``). Read
    # only: the label line itself stays in ``extra``, so the writer puts it back unchanged.
    birthday_label: str = field(default="", compare=False)
    anniversary_label: str = field(default="", compare=False)
    photo: Photo | None = None
    note: str = ""
    categories: list[str] = field(default_factory=list)
    # A CATEGORIES line with a CHARSET parameter: Thunderbird (and its add-ons) write that, and
    # escape the commas between categories too ("a\\, b"); an importer may split on those.
    categories_charset: bool = field(default=False, compare=False)
    time_zone: str = ""
    gender: str = ""
    kind: str = ""
    rev: str = ""
    extra: list[str] = field(default_factory=list)
    line: int = 0
    number: int = field(default=0, compare=False)  # 1-based position in the file

    @property
    def nickname(self) -> str:
        """All nicknames as one text (NICKNAME is a list in vCard 3.0/4.0)."""
        return ", ".join(self.nicknames)


@dataclass(frozen=True)
class ReadError:
    """``card_number`` is 1-based; None for lines outside any card.

    ``reason`` is English for logs and tests; ``code`` is stable, so that the (Django) importer can
    show a translated message: ``outside`` (lines outside any card), ``not_a_property``,
    ``nameless`` (no FN, N, NICKNAME, ORG, email or phone), ``no_end`` (no END:VCARD before the next
    BEGIN:VCARD or the end of the file), ``unreadable``.
    """

    card_number: int | None
    line: int
    reason: str
    code: str = ""
    # What a translated message needs besides the code: the property name (``unreadable``),
    # the skipped text (``not_a_property``), the number of lines (``outside``) or ``next``
    # / ``eof`` (``no_end``: before the next BEGIN:VCARD or at the end of the file).
    detail: str = ""

    def __str__(self) -> str:
        where = f"card {self.card_number}, " if self.card_number is not None else ""
        return f"{where}line {self.line}: {self.reason}"


# --------------------------------------------------------------------------------------------
# Physical lines: bytes or text chunks → (line number, text) with CRLF/LF/CR/CR-CR-LF breaks.

_BREAK_B = re.compile(rb"\r\r\n|\r\n|\n|\r")
_BREAK_S = re.compile(r"\r\r\n|\r\n|\n|\r")
_CHUNK = 1 << 16


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _split_text(chunks: Iterable[str]) -> Iterator[str]:
    buf = ""
    for chunk in chunks:
        if not chunk:
            continue
        buf += chunk
        pos = 0
        size = len(buf)
        for m in _BREAK_S.finditer(buf):
            if m.end() == size and buf[-1] == "\r":
                break  # a CR at the very end may be the start of CRLF/CR-CR-LF
            yield buf[pos : m.start()]
            pos = m.end()
        buf = buf[pos:]
    if buf:
        yield from _BREAK_S.split(buf)


def _split_bytes(chunks: Iterable[bytes]) -> Iterator[str]:
    buf = b""
    for chunk in chunks:
        if not chunk:
            continue
        buf += chunk
        safe = buf.rfind(b"\n") + 1  # nothing after an LF can belong to the same line break
        if safe:
            region, buf = buf[:safe], buf[safe:]
            try:
                yield from _BREAK_S.split(region.decode("utf-8"))[:-1]
            except UnicodeDecodeError:  # mixed or 8-bit file: decide line by line
                for piece in _BREAK_B.split(region)[:-1]:
                    yield _decode_line(piece)
            continue
        pos = 0  # CR-only line ends
        size = len(buf)
        for m in _BREAK_B.finditer(buf):
            if m.end() == size and buf[-1:] == b"\r":
                break
            yield _decode_line(buf[pos : m.start()])
            pos = m.end()
        buf = buf[pos:]
    if buf:
        for piece in _BREAK_B.split(buf):
            yield _decode_line(piece)


def _physical_lines(stream: Iterable[bytes | str] | IO[bytes] | IO[str]) -> Iterator[str]:
    if hasattr(stream, "read"):
        reader = stream.read

        def chunked() -> Iterator[bytes | str]:
            while True:
                chunk = reader(_CHUNK)
                if not chunk:
                    return
                yield chunk

        source: Iterator[bytes | str] = chunked()
    else:
        source = iter(stream)
    first: bytes | str = b""
    for first in source:
        if first:
            break
    else:
        return
    if isinstance(first, str):
        text_source: Iterator[str] = _chain_text(first.removeprefix("\ufeff"), source)
        yield from _split_text(text_source)
        return
    while len(first) < 4:
        more = next(source, None)
        if more is None:
            break
        first += more  # type: ignore[operator]
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")

        def utf16() -> Iterator[str]:
            yield decoder.decode(first)  # type: ignore[arg-type]
            for chunk in source:
                yield decoder.decode(chunk)  # type: ignore[arg-type]
            yield decoder.decode(b"", final=True)

        yield from _split_text(utf16())
        return
    if first.startswith(codecs.BOM_UTF8):
        first = first[3:]
    yield from _split_bytes(_chain_bytes(first, source))


def _chain_text(first: str, rest: Iterator[bytes | str]) -> Iterator[str]:
    yield first
    for chunk in rest:
        yield chunk if isinstance(chunk, str) else _decode_line(chunk)


def _chain_bytes(first: bytes | str, rest: Iterator[bytes | str]) -> Iterator[bytes]:
    yield first if isinstance(first, bytes) else first.encode("utf-8")
    for chunk in rest:
        yield chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")


def _logical_lines(physical: Iterator[str]) -> Iterator[tuple[int, str]]:
    """Unfold: continuation lines start with a space or tab; 2.1 quoted-printable soft breaks."""
    current: str | None = None
    start = 0
    number = 0
    for text in physical:
        number += 1
        if not text:
            if current is not None and current.endswith("=") and _is_qp(current):
                # Android ends quoted-printable values with a soft break and a blank line: the
                # value ends there (otherwise the next property would be glued onto it)
                current = current[:-1]
            continue  # blank lines (also the extra CR of CR-CR-LF) carry nothing
        if current is not None:
            if text[0] in " \t":
                current += text[1:]
                continue
            if current.endswith("=") and _is_qp(current):
                current = current[:-1] + text
                continue
            if ":" not in text and _B64_LINE.match(text) and _is_base64(current):
                current += text  # 2.1 writers that do not indent base64 continuation lines
                continue
            yield start, current
        current, start = text, number
    if current is not None:
        yield start, current


_B64_LINE = re.compile(r"[A-Za-z0-9+/=]+\Z")


def _is_base64(line: str) -> bool:
    colon = line.find(":")
    head = line[:colon].upper() if colon > 0 else ""
    return "BASE64" in head or "ENCODING=B" in head


def _is_qp(line: str) -> bool:
    colon = line.find(":")
    return colon > 0 and "QUOTED-PRINTABLE" in line[:colon].upper()


# --------------------------------------------------------------------------------------------
# Content lines.


@dataclass
class _Prop:
    group: str
    name: str
    params: dict[str, list[str]]
    value: str
    raw: str
    line: int


_CARET = re.compile(r"\^([n^'])")
_CARET_MAP = {"n": "\n", "^": "^", "'": '"'}
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
_NAME_END = re.compile(r"[;:]")


def _param_value(text: str) -> str:
    return _CARET.sub(lambda m: _CARET_MAP[m.group(1)], text) if "^" in text else text


def _parse_line(raw: str, number: int) -> _Prop | None:
    colon = raw.find(":")
    if colon > 0 and '"' not in raw[:colon]:
        # fast path: no quoted parameter values, so the first colon ends the parameters
        bits = raw[:colon].split(";")
        name = bits[0].strip()
        group = ""
        if "." in name:
            group, _, name = name.rpartition(".")
        if not name or " " in name:
            return None
        params: dict[str, list[str]] = {}
        for bit in bits[1:]:
            key, eq, val = bit.partition("=")
            key = key.strip().upper()
            if eq:
                params.setdefault(key, []).extend(_param_value(v) for v in val.split(","))
            elif key:
                params.setdefault("ENCODING" if key in _ENCODINGS else "TYPE", []).append(key)
        return _Prop(group, name.upper(), params, raw[colon + 1 :], raw, number)
    return _parse_quoted(raw, number)


def _parse_quoted(raw: str, number: int) -> _Prop | None:
    m = _NAME_END.search(raw)
    if m is None:
        return None
    name = raw[: m.start()].strip()
    group = ""
    if "." in name:
        group, _, name = name.rpartition(".")
    if not name or " " in name:
        return None
    params: dict[str, list[str]] = {}
    pos = m.start()
    size = len(raw)
    while pos < size and raw[pos] == ";":
        pos += 1
        key_start = pos
        while pos < size and raw[pos] not in "=;:":
            pos += 1
        key = raw[key_start:pos].strip().upper()
        if pos < size and raw[pos] == "=":
            pos += 1
            values: list[str] = []
            while True:
                if pos < size and raw[pos] == '"':
                    end = raw.find('"', pos + 1)
                    if end < 0:
                        return None
                    values.append(_param_value(raw[pos + 1 : end]))
                    pos = end + 1
                else:
                    start = pos
                    while pos < size and raw[pos] not in ",;:":
                        pos += 1
                    values.append(_param_value(raw[start:pos]))
                if pos < size and raw[pos] == ",":
                    pos += 1
                    continue
                break
            params.setdefault(key, []).extend(values)
        elif key:
            # vCard 2.1 bare parameter: TEL;HOME;VOICE: or PHOTO;BASE64:
            params.setdefault("ENCODING" if key in _ENCODINGS else "TYPE", []).append(key)
    if pos >= size or raw[pos] != ":":
        return None
    return _Prop(group, name.upper(), params, raw[pos + 1 :], raw, number)


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unescape_one(m: re.Match[str]) -> str:
    ch = m.group(1)
    return "\n" if ch in "nN" else ch


def _unescape(text: str) -> str:
    return _ESCAPE.sub(_unescape_one, text) if "\\" in text else text


def _split(text: str, sep: str) -> list[str]:
    """Split on unescaped ``sep`` and unescape each part."""
    if "\\" not in text:
        return text.split(sep)
    if sep not in text:
        return [_unescape(text)]
    parts: list[str] = []
    out: list[str] = []
    i = 0
    size = len(text)
    while i < size:
        ch = text[i]
        if ch == "\\" and i + 1 < size:
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        if ch == sep:
            parts.append("".join(out))
            out = []
        else:
            out.append(ch)
        i += 1
    parts.append("".join(out))
    return parts


def _decode_value(prop: _Prop) -> str:
    """The value with quoted-printable and CHARSET applied (escapes still in)."""
    enc = prop.params.get("ENCODING")
    if enc and enc[0].upper() == "QUOTED-PRINTABLE":
        charset = (prop.params.get("CHARSET") or ["utf-8"])[0]
        try:
            raw = prop.value.encode("latin-1")
        except UnicodeEncodeError:
            raw = prop.value.encode("utf-8")
        data = quopri.decodestring(raw)
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = _decode_line(data)
        return text.replace("\r\n", "\n")
    return prop.value


# --------------------------------------------------------------------------------------------
# Building cards.

_DATE = re.compile(
    r"^(?:(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"|--(?P<m2>\d{2})-?(?P<d2>\d{2})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})"
    r"|(?P<y4>\d{4})"
    r"|---(?P<d5>\d{2}))$"
)


def _parse_date(text: str, omit_year: str | None) -> PartialDate | None:
    text = text.strip()
    if "T" in text:
        text = text.split("T", 1)[0]
    m = _DATE.match(text)
    if m is None:
        return None
    g = m.groupdict()
    year_s = g["y"] or g["y3"] or g["y4"]
    month_s = g["m"] or g["m2"] or g["m3"]
    day_s = g["d"] or g["d2"] or g["d5"]
    year = int(year_s) if year_s else None
    month = int(month_s) if month_s else None
    day = int(day_s) if day_s else None
    if year is not None and (year_s == omit_year or year == 1604):
        year = None  # Apple's X-APPLE-OMIT-YEAR; CardBook writes 1604 without the parameter
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= _month_days(year, month):
        return None
    return PartialDate(year, month, day)


def _month_days(year: int | None, month: int | None) -> int:
    if month is None:
        return 31
    if month == 2:
        if year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            return 29
        return 28
    return 30 if month in (4, 6, 9, 11) else 31


_MIME = {
    "JPEG": "image/jpeg",
    "JPG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
    "HEIC": "image/heic",
}


def _data_uri(value: str) -> Photo | None:
    if "\\" in value:
        # some writers (khard's test card) escape the comma as in text: data:image/png;base64\,
        value = value.replace("\\,", ",").replace("\\;", ";")
    head, sep, payload = value[5:].partition(",")
    if not sep:
        return None
    bits = head.split(";")
    mime = bits[0].strip().lower() or None
    try:
        if any(b.strip().lower() == "base64" for b in bits[1:]):
            data = base64.b64decode("".join(payload.split()), validate=False)
        else:
            from urllib.parse import unquote_to_bytes

            data = unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None
    return Photo(data=data, mime=mime)


def _photo(prop: _Prop) -> Photo | None:
    value = prop.value.strip()
    enc = (prop.params.get("ENCODING") or [""])[0].upper()
    if value[:5].lower() == "data:":
        return _data_uri(value)  # also the (invalid) 3.0 ENCODING=b carrying a data: URI
    if enc in ("B", "BASE64"):
        try:
            data = base64.b64decode("".join(value.split()), validate=False)
        except (binascii.Error, ValueError):
            return None
        types = [t.upper() for t in prop.params.get("TYPE", [])]
        mime = next((_MIME.get(t.removeprefix("IMAGE/"), None) for t in types), None)
        if mime is None and types:
            mime = types[0].lower() if "/" in types[0] else "image/" + types[0].lower()
        return Photo(data=data, mime=mime or _sniff(data))
    if not value:
        return None
    return Photo(uri=_unescape_uri(value))


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return None


def _unescape_uri(text: str) -> str:
    # Apple writes ``http\://``; nothing else in a URI is an escape.
    return text.replace("\\:", ":") if "\\" in text else text


def _apple_label(text: str) -> str:
    if _is_builtin_label(text):
        return text[4:-4]
    return text


def _is_builtin_label(text: str) -> bool:
    """Apple's own label words (``_$!<Home>!$_``), as opposed to a label someone typed."""
    return text.startswith("_$!<") and text.endswith(">!$_")


def _types_and_pref(params: dict[str, list[str]]) -> tuple[list[str], int | None]:
    types: list[str] = []
    pref: int | None = None
    for t in params.get("TYPE", ()):
        for part in t.split(","):
            low = part.strip().lower()
            if not low:
                continue
            if low == "pref":
                pref = 1
            elif low not in types:
                types.append(low)
    raw_pref = params.get("PREF")
    if raw_pref:
        try:
            pref = int(raw_pref[0])
        except ValueError:
            pref = 1
    return types, pref


_SINGULAR = frozenset(
    "VERSION FN N ORG TITLE ROLE BDAY ANNIVERSARY X-ANNIVERSARY PHOTO TZ GENDER X-GENDER UID REV"
    " KIND".split()
)


def _build(props: list[_Prop], number: int, first_line: int) -> Card | ReadError:
    card = Card(line=first_line, number=number)
    labels: dict[str, str] = {}
    builtin_groups: set[str] = set()
    for p in props:
        if p.name == "X-ABLABEL" and p.group:
            raw_label = _unescape(_decode_value(p))
            labels[p.group.lower()] = _apple_label(raw_label)
            if _is_builtin_label(raw_label):
                builtin_groups.add(p.group.lower())
    used_label_groups: set[str] = set()
    has_n = False
    seen: set[str] = set()
    for p in props:
        name = p.name
        if name in _SINGULAR:
            if name in seen:
                # the first one wins (vCard 4.0 ALTID alternatives, doubled lines); keep the rest
                card.extra.append(p.raw)
                continue
            seen.add(name)
        try:
            if name == "VERSION":
                card.version = p.value.strip()
                continue
            value = _decode_value(p)
            label = labels.get(p.group.lower(), "") if p.group else ""
            if name == "FN":
                card.formatted_name = _unescape(value).strip()
            elif name == "N":
                parts = _split(value, ";") + [""] * 5
                card.family, card.given, card.additional, card.prefixes, card.suffixes = (
                    s.strip() for s in parts[:5]
                )
                has_n = True
            elif name == "NICKNAME":
                card.nicknames.extend(s.strip() for s in _split(value, ",") if s.strip())
            elif name == "ORG":
                parts = [s.strip() for s in _split(value, ";")]
                card.organisation = parts[0]
                card.departments = [s for s in parts[1:] if s]
            elif name == "TITLE":
                card.title = _unescape(value)
            elif name == "ROLE":
                card.role = _unescape(value)
            elif name in ("EMAIL", "TEL", "URL", "X-SOCIALPROFILE", "IMPP"):
                types, pref = _types_and_pref(p.params)
                if name in ("URL", "X-SOCIALPROFILE", "IMPP"):
                    text = _unescape_uri(value.strip())
                else:
                    text = _unescape(value).strip()
                if name == "TEL" and text[:4].lower() == "tel:":
                    text = text[4:]
                if name == "EMAIL" and text[:7].lower() == "mailto:":
                    text = text[7:]
                if not text:
                    continue
                item = Value(text, types, label, pref)
                item.builtin_label = bool(label) and p.group.lower() in builtin_groups
                if label:
                    used_label_groups.add(p.group.lower())
                {
                    "EMAIL": card.emails,
                    "TEL": card.phones,
                    "URL": card.urls,
                    "X-SOCIALPROFILE": card.socials,
                    "IMPP": card.impps,
                }[name].append(item)
            elif name == "ADR":
                types, pref = _types_and_pref(p.params)
                parts = [s.strip() for s in _split(value, ";")] + [""] * 7
                po, ext, street, city, region, code, country = parts[:7]
                card.addresses.append(
                    Address(
                        po,
                        ext,
                        street,
                        city,
                        region,
                        code,
                        country,
                        types,
                        label,
                        pref,
                        (p.params.get("LABEL") or [""])[0],
                        bool(label) and p.group.lower() in builtin_groups,
                    )
                )
                if label:
                    used_label_groups.add(p.group.lower())
            elif name in ("BDAY", "ANNIVERSARY", "X-ANNIVERSARY"):
                omit = p.params.get("X-APPLE-OMIT-YEAR")
                date = _parse_date(value, omit[0] if omit else None)
                if date is None:
                    card.extra.append(p.raw)
                elif name == "BDAY":
                    card.birthday = date
                    card.birthday_label = label
                else:
                    card.anniversary = date
                    card.anniversary_label = label
            elif name == "X-ABDATE" and label.lower() == "anniversary" and card.anniversary is None:
                omit = p.params.get("X-APPLE-OMIT-YEAR")
                date = _parse_date(value, omit[0] if omit else None)
                if date is None:
                    card.extra.append(p.raw)
                else:
                    card.anniversary = date
                    used_label_groups.add(p.group.lower())
            elif name == "PHOTO":
                photo = _photo(p)
                if photo is None:
                    card.extra.append(p.raw)
                else:
                    card.photo = photo
            elif name == "NOTE":
                text = _unescape(value)
                card.note = f"{card.note}\n{text}" if card.note else text
            elif name == "CATEGORIES":
                card.categories_charset = card.categories_charset or "CHARSET" in p.params
                card.categories.extend(s.strip() for s in _split(value, ",") if s.strip())
            elif name == "TZ":
                card.time_zone = _unescape(value).strip()
            elif name in ("GENDER", "X-GENDER"):
                card.gender = _unescape(value).strip()
            elif name == "UID":
                card.uid = _unescape(value).strip()
            elif name == "REV":
                card.rev = value.strip()
            elif name == "KIND":
                card.kind = value.strip().lower()
            elif name == "X-ADDRESSBOOKSERVER-KIND":
                card.kind = card.kind or value.strip().lower()
                card.extra.append(p.raw)
            elif name == "X-ABLABEL" and p.group:
                continue  # attached below if nothing modelled used it
            else:
                card.extra.append(p.raw)
        except (ValueError, IndexError, LookupError) as exc:  # pragma: no cover - defensive
            return ReadError(number, p.line, f"{name}: {exc}", "unreadable", name)
    for p in props:
        if p.name == "X-ABLABEL" and p.group and p.group.lower() not in used_label_groups:
            card.extra.append(p.raw)
    if not (
        card.formatted_name
        or has_n
        or card.nicknames
        or card.organisation
        or card.emails
        or card.phones
    ):
        # Cards with only an email or phone (Android writes those) are kept: the importer can
        # name them after the address. A card with nothing to call the person by is an error.
        return ReadError(
            number, first_line, "the card has no name, email address or phone number", "nameless"
        )
    return card


@dataclass(frozen=True)
class ExtraProperty:
    """A property the :class:`Card` keeps only as a raw line, read again for an importer.

    ``text`` has quoted-printable, CHARSET and backslash escapes undone; ``label`` is the
    ``X-ABLabel`` of the property's ``itemN`` group (Apple's ``_$!<…>!$_`` removed) when that
    label line was not used by a modelled property.
    """

    group: str
    name: str
    params: dict[str, list[str]]
    text: str
    label: str
    builtin_label: bool = False  # see Value.builtin_label

    def types(self) -> list[str]:
        return _types_and_pref(self.params)[0]


def extra_properties(card: Card) -> Iterator[ExtraProperty]:
    """The unmodelled lines of a card (LABEL, X-ABDATE, X-AIM, …) as properties.

    Kept out of :class:`Card` on purpose: the writer puts ``extra`` back unchanged, so these
    survive a read → write round trip without the writer knowing them.
    """
    props = [p for line in card.extra if (p := _parse_line(line, 0)) is not None]
    labels = {
        p.group.lower(): _unescape(_decode_value(p))
        for p in props
        if p.name == "X-ABLABEL" and p.group
    }
    for p in props:
        if p.name == "X-ABLABEL":
            continue
        label = labels.get(p.group.lower(), "") if p.group else ""
        yield ExtraProperty(
            p.group,
            p.name,
            p.params,
            _unescape(_decode_value(p)),
            _apple_label(label),
            _is_builtin_label(label),
        )


def parse_date(text: str, omit_year: str | None = None) -> PartialDate | None:
    """A vCard date (``19850415``, ``1985-04-15``, ``--0415``, ``1604-04-15`` …) or None."""
    return _parse_date(text, omit_year)


# --------------------------------------------------------------------------------------------
# Public reading API.


def iter_cards(
    stream: Iterable[bytes | str] | IO[bytes] | IO[str],
) -> Iterator[Card | ReadError]:
    """Yield every card (or error) from a file object or an iterable of bytes/text chunks."""
    number = 0
    props: list[_Prop] | None = None
    start = 0
    garbage_start = 0
    garbage = 0

    def flush_garbage() -> Iterator[ReadError]:
        nonlocal garbage
        if garbage:
            what = "line" if garbage == 1 else f"{garbage} lines"
            yield ReadError(
                None,
                garbage_start,
                f"{what} outside BEGIN:VCARD … END:VCARD ignored",
                "outside",
                str(garbage),
            )
            garbage = 0

    for line_no, text in _logical_lines(_physical_lines(stream)):
        head = text[:12].upper() if text[0] in "BbEe" else ""
        if head.startswith("BEGIN:VCARD") and text.strip().upper() == "BEGIN:VCARD":
            yield from flush_garbage()
            if props is not None:
                yield ReadError(
                    number, start, "no END:VCARD before the next BEGIN:VCARD", "no_end", "next"
                )
            number += 1
            props, start = [], line_no
            continue
        if props is None:
            if not garbage:
                garbage_start = line_no
            garbage += 1
            continue
        if head.startswith("END:VCARD") and text.strip().upper() == "END:VCARD":
            yield _build(props, number, start)
            props = None
            continue
        prop = _parse_line(text, line_no)
        if prop is None:
            yield ReadError(
                number,
                line_no,
                f"not a property line, skipped: {text[:40]!r}",
                "not_a_property",
                text[:40],
            )
            continue
        props.append(prop)
    yield from flush_garbage()
    if props is not None:
        yield ReadError(
            number, start, "the card has no END:VCARD (file ends inside it)", "no_end", "eof"
        )


def read_cards(data: bytes | str) -> tuple[list[Card], list[ReadError]]:
    cards: list[Card] = []
    errors: list[ReadError] = []
    for item in iter_cards([data]):
        if isinstance(item, Card):
            cards.append(item)
        else:
            errors.append(item)
    return cards, errors


# --------------------------------------------------------------------------------------------
# Writing.

Version = Literal["4.0", "3.0"]


def _esc(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
        .replace(",", "\\,")
        .replace(";", "\\;")
    )


def _param(text: str) -> str:
    text = text.replace("^", "^^").replace("\r\n", "\n").replace("\n", "^n").replace('"', "^'")
    if any(c in text for c in ":;,") or text != text.strip():
        return f'"{text}"'
    return text


def _uri(text: str) -> str:
    """URIs are written unescaped (RFC 6350 §3.4), so a line break must be percent-encoded."""
    return text.replace("\r", "%0D").replace("\n", "%0A")


def _fold(line: str) -> str:
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    pieces: list[bytes] = []
    pos = 0
    limit = 75
    while len(raw) - pos > limit:
        cut = pos + limit
        while raw[cut] & 0xC0 == 0x80:  # never inside a UTF-8 sequence
            cut -= 1
        pieces.append(raw[pos:cut])
        pos = cut
        limit = 74  # continuation lines start with a space
    pieces.append(raw[pos:])
    return "\r\n ".join(p.decode("utf-8") for p in pieces)


def _date(d: PartialDate, version: Version) -> tuple[str, str]:
    """(parameters, value)"""
    y, m, dd = d.year, d.month, d.day
    if y is not None and m is not None and dd is not None:
        return ("", f"{y:04d}{m:02d}{dd:02d}" if version == "4.0" else f"{y:04d}-{m:02d}-{dd:02d}")
    if y is None and m is not None and dd is not None:
        if version == "4.0":
            return "", f"--{m:02d}{dd:02d}"
        return ";X-APPLE-OMIT-YEAR=1604", f"1604-{m:02d}-{dd:02d}"
    # Rare partial forms only exist in 4.0 syntax; 3.0 readers may not understand them.
    if y is not None and m is not None:
        return "", f"{y:04d}-{m:02d}"
    if y is not None:
        return "", f"{y:04d}"
    if m is not None:
        return "", f"--{m:02d}"
    return "", f"---{dd or 1:02d}"


_EXT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}


def write_card(card: Card, version: Version = "4.0") -> str:
    if version not in ("4.0", "3.0"):
        raise ValueError(f"vCard version {version!r} cannot be written: use '4.0' or '3.0'")
    lines: list[str] = ["BEGIN:VCARD", f"VERSION:{version}"]
    used_groups = {
        line.split(".", 1)[0].lower()
        for line in card.extra
        if "." in line.split(":", 1)[0].split(";", 1)[0]
    }
    counter = 0

    def group() -> str:
        nonlocal counter
        while True:
            counter += 1
            name = f"item{counter}"
            if name not in used_groups:
                return name

    def typed(name: str, item: Value | Address, value: str) -> None:
        types = list(item.types)
        params = ""
        if item.pref is not None:
            if version == "4.0":
                params += f";PREF={item.pref}"
            elif "pref" not in types:
                types.append("pref")
        if types:
            params = ";TYPE=" + ",".join(_param(t) for t in types) + params
        if isinstance(item, Address) and item.delivery_label and version == "4.0":
            params += f";LABEL={_param(item.delivery_label)}"
        if item.label:
            g = group()
            lines.append(f"{g}.{name}{params}:{value}")
            lines.append(f"{g}.X-ABLabel:{_esc(item.label)}")
        else:
            lines.append(f"{name}{params}:{value}")

    if version == "4.0" and card.kind:
        lines.append(f"KIND:{card.kind}")
    names = [card.family, card.given, card.additional, card.prefixes, card.suffixes]
    fn = card.formatted_name or " ".join(
        s for s in (card.prefixes, card.given, card.additional, card.family, card.suffixes) if s
    )
    if not fn:
        fn = card.organisation or (card.emails[0].value if card.emails else "")
    lines.append(f"FN:{_esc(fn)}")
    lines.append("N:" + ";".join(_esc(s) for s in names))
    if card.nicknames:
        lines.append("NICKNAME:" + ",".join(_esc(s) for s in card.nicknames))
    if card.organisation or card.departments:
        lines.append("ORG:" + ";".join(_esc(s) for s in [card.organisation, *card.departments]))
    if card.title:
        lines.append(f"TITLE:{_esc(card.title)}")
    if card.role:
        lines.append(f"ROLE:{_esc(card.role)}")
    for v in card.emails:
        typed("EMAIL", v, _esc(v.value))
    for v in card.phones:
        typed("TEL", v, _esc(v.value))
    for a in card.addresses:
        typed("ADR", a, ";".join(_esc(s) for s in a.parts()))
    for v in card.urls:
        typed("URL", v, _uri(v.value))
    for v in card.socials:
        typed("X-SOCIALPROFILE", v, _uri(v.value))
    for v in card.impps:
        typed("IMPP", v, _uri(v.value))
    if card.birthday is not None:
        params, value = _date(card.birthday, version)
        lines.append(f"BDAY{params}:{value}")
    if card.anniversary is not None:
        params, value = _date(card.anniversary, version)
        lines.append(f"{'ANNIVERSARY' if version == '4.0' else 'X-ANNIVERSARY'}{params}:{value}")
    photo = card.photo
    if photo is not None:
        if photo.data is not None:
            payload = base64.b64encode(photo.data).decode("ascii")
            mime = photo.mime or "image/jpeg"
            if version == "4.0":
                lines.append(f"PHOTO:data:{mime};base64,{payload}")
            else:
                kind = _EXT.get(mime, mime.rpartition("/")[2].upper())
                lines.append(f"PHOTO;ENCODING=b;TYPE={_param(kind)}:{payload}")
        elif photo.uri:
            lines.append(f"PHOTO{';VALUE=uri' if version == '3.0' else ''}:{_uri(photo.uri)}")
    if card.note:
        lines.append(f"NOTE:{_esc(card.note)}")
    if card.categories:
        lines.append("CATEGORIES:" + ",".join(_esc(s) for s in card.categories))
    if card.time_zone:
        lines.append(f"TZ:{_esc(card.time_zone)}")
    if card.gender:
        lines.append(f"{'GENDER' if version == '4.0' else 'X-GENDER'}:{_esc(card.gender)}")
    if card.uid:
        lines.append(f"UID:{_esc(card.uid)}")
    if card.rev:
        lines.append(f"REV:{_uri(card.rev)}")
    # unknown properties go back as they came; a stray line break would end the line early
    lines.extend(line.replace("\r\n", "\n").replace("\n", "\\n") for line in card.extra)
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def write_cards(cards: Iterable[Card], version: Version = "4.0") -> str:
    return "".join(write_card(card, version) for card in cards)
