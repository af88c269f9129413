"""Which lines of a phone's vCard Aandacht maps, and which it keeps as they came (pure).

A CardDAV client owns its card: whatever Aandacht does not model (X- properties, GENDER,
RELATED, a photo by URL, a phone's own bookkeeping) must come back unchanged on the next GET,
exactly once. Aandacht renders the modelled part itself (``exchange.exporting``), so a line
that is both mapped *and* kept would be written twice and grow on every sync; a line that is
neither would be lost. :func:`kept_lines` decides per raw line, mirroring what
:func:`aandacht.exchange.from_vcard.record_from_card` reads (including the ``extra`` lines it
consumes: X-ABDATE, the old IM properties, PRONOUNS, LABEL, X-ABShowAs).

Also here: the groups of kept lines get numbers of their own (:data:`KEPT_GROUP_START` on),
so they never share an ``itemN`` with the groups Aandacht's renderer writes; the part of a
phone's NOTE that is new (:func:`note_addition`); and the comparison that tells whether the
stored card differs from what the client sent (:func:`same_card`).

No Django here: the decisions that need the database arrive as :class:`Decisions`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aandacht.exchange import vcard

# Groups of kept lines are renumbered from here: Aandacht's renderer numbers its own groups
# (labelled dates, IM handles, phone extensions, labelled values) from item1 up, one per
# labelled detail, so a person would need a hundred of them to reach a kept group.
KEPT_GROUP_START = 100

# Never kept: Aandacht writes these itself (or, for PRODID and REV, on purpose not at all).
_ALWAYS_MAPPED = frozenset(
    "VERSION PRODID REV UID FN N NICKNAME ORG NOTE CATEGORIES ADR LABEL PRONOUNS X-PRONOUNS"
    " EMAIL TEL URL X-SOCIALPROFILE IMPP".split()
)
# Old instant-messaging properties record_from_card turns into social profiles (and the
# renderer writes again next to IMPP in vCard 3.0); see from_vcard._IM_PROPERTIES.
IM_PROPERTIES = frozenset(
    "X-AIM X-ICQ X-JABBER X-MSN X-YAHOO X-SKYPE X-SKYPE-USERNAME X-GTALK X-GOOGLE-TALK X-QQ"
    " X-GADUGADU X-MS-IMADDRESS X-TWITTER".split()
)
# Dates: mapped when they are a yearly date (a month and a day); otherwise kept as written.
_FIRST_DATES = frozenset({"BDAY", "ANNIVERSARY", "X-ANNIVERSARY"})
_EXTRA_DATES = frozenset(
    {"X-ABDATE", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-KADDRESSBOOK-X-ANNIVERSARY"}
)


@dataclass(frozen=True)
class RawLine:
    """One logical (unfolded) line of the card: its group and name (upper case) and text."""

    group: str
    name: str
    raw: str
    prop: vcard._Prop | None  # None: not a property line (the reader refuses those)


@dataclass(frozen=True)
class Decisions:
    """What the mapping did with the properties whose fate depends on their value."""

    photo_mapped: bool  # the (first) PHOTO became the person's photo
    time_zone_mapped: bool  # the (first) TZ is an IANA name and became the time zone
    company: bool  # the person is known by their organisation only (X-ABShowAs is ours)


def raw_lines(body: bytes | str) -> list[RawLine]:
    """The unfolded lines of the (one) card in ``body``, without BEGIN and END.

    Reuses the reader's own line splitting and unfolding (encodings, 2.1 quoted-printable
    soft breaks), so a kept line is byte for byte what the reader saw.
    """
    source: list[bytes | str] = [body]
    lines: list[RawLine] = []
    inside = False
    for number, text in vcard._logical_lines(vcard._physical_lines(source)):
        upper = text.strip().upper()
        if upper == "BEGIN:VCARD":
            inside = True
            continue
        if upper == "END:VCARD":
            if inside:
                break
            continue
        if not inside:
            continue
        prop = vcard._parse_line(text, number)
        if prop is None:
            lines.append(RawLine("", "", text, None))
        else:
            lines.append(RawLine(prop.group, prop.name, text, prop))
    return lines


def _is_yearly_date(prop: vcard._Prop) -> bool:
    omit = prop.params.get("X-APPLE-OMIT-YEAR")
    text = vcard._unescape(vcard._decode_value(prop))
    date = vcard.parse_date(text, omit[0] if omit else None)
    return date is not None and date.month is not None and date.day is not None


def _mapped(line: RawLine, first: bool, card: vcard.Card, decisions: Decisions) -> bool:
    """Whether Aandacht maps this line (and so writes it itself); ``first``: the first line
    of this property name (later ones of a single-valued property are not read)."""
    name = line.name
    prop = line.prop
    if prop is None:
        return False
    if name in _ALWAYS_MAPPED or name in IM_PROPERTIES:
        return True
    if name == "TITLE":
        return first
    if name == "ROLE":
        return first and not card.title  # the job title is TITLE, else ROLE
    if name in _FIRST_DATES:
        return first and _is_yearly_date(prop)
    if name in _EXTRA_DATES:
        return _is_yearly_date(prop)
    if name == "PHOTO":
        return first and decisions.photo_mapped
    if name == "TZ":
        return first and decisions.time_zone_mapped
    if name == "KIND":
        return first and prop.value.strip().lower() == "org"
    if name == "X-ABSHOWAS":
        return decisions.company and prop.value.strip().upper() == "COMPANY"
    return False


def kept_lines(lines: Sequence[RawLine], card: vcard.Card, decisions: Decisions) -> list[str]:
    """The raw lines Aandacht does not map, in their order, to be written back unchanged.

    An ``X-ABLabel`` goes with its group: dropped when the group has a mapped property (the
    label is that property's, and Aandacht writes it itself), kept otherwise.
    """
    seen: set[str] = set()
    mapped_groups: set[str] = set()
    verdicts: list[bool] = []
    for line in lines:
        if line.name == "X-ABLABEL" and line.group:
            verdicts.append(False)  # decided below, once the group is known
            continue
        first = line.name not in seen
        seen.add(line.name)
        keep = not _mapped(line, first, card, decisions)
        verdicts.append(keep)
        if line.group and not keep:
            mapped_groups.add(line.group.lower())
    kept: list[str] = []
    for line, keep in zip(lines, verdicts, strict=True):
        if line.name == "X-ABLABEL" and line.group:
            group = line.group.lower()
            keep = group not in mapped_groups
        if keep and line.prop is not None:
            kept.append(line.raw)
    return kept


_GROUPED = re.compile(r"^\s*([A-Za-z0-9-]+)\.")


def renumber_groups(lines: Iterable[str]) -> list[str]:
    """Give the groups of kept lines the names ``item100``, ``item101``… in order of first
    appearance, so they never collide with the groups Aandacht's renderer numbers from 1.

    Applied to its own output it changes nothing, so a card read back and sent again is
    stored unchanged.
    """
    names: dict[str, str] = {}
    out: list[str] = []
    for line in lines:
        head = line.split(":", 1)[0].split(";", 1)[0]
        match = _GROUPED.match(line) if "." in head else None
        if match is None:
            out.append(line)
            continue
        key = match.group(1).lower()
        new = names.setdefault(key, f"item{KEPT_GROUP_START + len(names)}")
        out.append(new + line[match.end(1) :])
    return out


_WORD = re.compile(r"\S+")


def note_addition(current: str, incoming: str) -> str:
    """What a phone's NOTE adds to the notes Aandacht shows now ("" for nothing).

    Whitespace does not count. A NOTE equal to the current one, empty, or only a part of it
    (the phone deleted text: notes are never deleted from a phone) adds nothing; one that
    starts with the current notes adds what follows them; any other NOTE is added whole.
    """
    text = incoming.strip()
    if not text:
        return ""
    have = _WORD.findall(current)
    found = list(_WORD.finditer(text))
    words = [match.group() for match in found]
    if f" {' '.join(words)} " in f" {' '.join(have)} ":
        return ""
    if have and words[: len(have)] == have:
        return text[found[len(have) - 1].end() :].strip()
    return text


def unfolded(text: str) -> list[str]:
    """The content lines of vCard text, unfolded, without trailing blanks or empty lines."""
    # Pieces are gathered per line and joined once: appending to a string again and again
    # made a 4 MB card (a long NOTE, a large photo) take seconds.
    lines: list[list[str]] = []
    for physical in re.split(r"\r\n|\n|\r", text):
        if physical[:1] in (" ", "\t") and lines:
            lines[-1].append(physical[1:])
        elif physical.strip():
            lines.append([physical])
    return ["".join(pieces).rstrip() for pieces in lines]


def same_card(stored: str, body: bytes) -> bool:
    """Whether the stored card is what the client sent, folding and line ends aside: then
    the PUT response may carry the ETag (RFC 6352 §6.3.2.3)."""
    try:
        text = body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return False
    return unfolded(stored) == unfolded(text)
