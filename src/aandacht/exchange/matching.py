"""Who in the vault (or earlier in the same file) a record is: pure Python, no Django.

The rules, strongest first:

1. the same UID (a card imported before, or exported from here);
2. the same email address, phone number (E.164) or social profile, after normalisation —
   unless the two names clearly belong to different people: a household's landline shared by
   "Jan de Vries" and "Marieke de Vries", an office number on a company's card and on an
   employee's, one family address used by two people (see :func:`names_clash`);
3. a close name (rapidfuzz, ≥ :data:`NAME_THRESHOLD`) that also shares an organisation, a city
   or a birthday — two "Jan Jansen"s with nothing else in common stay two people;
4. a record that says nothing but a name (no contact detail, organisation, city or birthday,
   as a CSV export writes someone known only by name) is the one person with exactly that name;
   a company card with nothing but its organisation is the one company card of that name. With
   nothing to compare, a new person would only be a duplicate (two such people: no match).

An index holds only keys, never whole people, so a 100,000-card file matches in bounded memory.
Candidates for the name rule come from a block of people whose family name (or, lacking one,
given name) starts with the same two letters, so the fuzzy comparison stays small.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from aandacht.people.names import fold, is_particle

NAME_THRESHOLD = 88.0
# How many different people one shared email/phone/profile can lead to in the index.
MAX_SHARERS = 8
NAME_WINDOW = 2000
NAME_CANDIDATES = 5
_NUMBER = re.compile(r"\d+")


@dataclass(eq=False)
class Target:
    """A person a record lands on: an existing one (``pk`` set) or one this import creates."""

    pk: int | None = None
    number: int = 0  # for a new person: the first record that created them


@dataclass(frozen=True)
class Match:
    target: Target
    rule: str  # "uid", "email", "phone", "social" or "name"


@dataclass(eq=False)
class NameEntry:
    full: str
    target: Target
    digits: tuple[str, ...] = ()
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    words: str = ""  # the words of ``full`` in sorted order (see MatchIndex._match_name)

    def contradicts(self, identity: Identity, digits: tuple[str, ...]) -> bool:
        """Both have email addresses (or phones) and share none, or the names differ in their
        numbers ("Berg 1", "Berg 12"): a similar name alone does not make them one person."""
        if digits != self.digits:
            return True
        if identity.emails and self.emails and not identity.emails & self.emails:
            return True
        return bool(identity.phones and self.phones and not identity.phones & self.phones)


@dataclass
class Identity:
    """What the matcher needs to know about one person or record, already normalised."""

    uid: str = ""
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    socials: set[str] = field(default_factory=set)
    given: str = ""
    particles: str = ""
    family: str = ""
    organisation: str = ""
    cities: set[str] = field(default_factory=set)
    birthdays: set[tuple[int, int]] = field(default_factory=set)
    # What the index files and looks up, computed once (:func:`match_keys`); the import's
    # reading worker computes it for a record, so the importer does not fold names again.
    keys: Keys | None = field(default=None, compare=False, repr=False)

    @property
    def full_name(self) -> str:
        return fold(f"{self.given} {self.particles} {self.family}")

    def name_parts(self) -> NameParts:
        """The folded given name and the family name without particles, for :func:`names_clash`."""
        family = [word for word in fold(self.family).split() if not is_particle(word)]
        return NameParts(fold(self.given), " ".join(family), bool(self.organisation))


# The folded full name, the block key, the shared keys, the exact-name key, the numbers in the
# name and the name's words in sorted order: everything :class:`MatchIndex` files a person
# under or looks a record up by.
Keys = tuple[str, str, tuple[str, ...], str, tuple[str, ...], str]


def match_keys(identity: Identity) -> Keys:
    """The identity's :data:`Keys`, computed at the first call; the identity must not change
    afterwards (it is complete before it is matched or added)."""
    keys = identity.keys
    if keys is None:
        full = identity.full_name
        block = block_key(identity)
        shared = tuple(_shared_keys(block, identity))
        words = " ".join(sorted(full.split()))
        keys = (full, block, shared, _exact_key(identity), _digits(full), words)
        identity.keys = keys
    return keys


@dataclass(frozen=True, slots=True)
class NameParts:
    given: str
    family: str
    has_organisation: bool = False

    @property
    def is_person(self) -> bool:
        return bool(self.given or self.family)


def _words(text: str) -> set[str]:
    return {word for word in re.split(r"[\s\-.]+", text) if word}


def _parts_differ(one: str, other: str) -> bool:
    """Two given (or family) names that cannot be the same name written differently: not equal,
    no word in common ("Jan-Willem"/"Jan", "Jansen-de Boer"/"de Boer"), not an initial of the
    other ("J."/"Jeroen") and not a near spelling ("Jeroen"/"Jeron")."""
    if not one or not other or one == other:
        return False
    first, second = _words(one), _words(other)
    if first & second:
        return False
    if any(len(word) == 1 for word in first | second) and one[0] == other[0]:
        return False
    allowed_typos = max(1, min(len(one), len(other)) // 4)
    return Levenshtein.distance(one, other, score_cutoff=allowed_typos + 1) > allowed_typos


def names_clash(rule: str, incoming: NameParts, existing: NameParts) -> bool:
    """True when a shared contact detail must not make two records one person.

    A company's card (no personal name) and a person never merge through a phone or email. A
    phone is often shared by a household, so different given names are enough to keep two
    people apart; an email or profile is more personal ("Bob"/"Robert Smith" is likely one
    man), so it takes different given AND family names — or the only names there are to
    compare — to refuse it.
    """
    if incoming.is_person != existing.is_person:
        return incoming.has_organisation or existing.has_organisation
    if not incoming.is_person:
        return False
    given = _parts_differ(incoming.given, existing.given)
    family = _parts_differ(incoming.family, existing.family)
    comparable_given = bool(incoming.given and existing.given)
    comparable_family = bool(incoming.family and existing.family)
    if rule == "phone":
        return given or (family and not comparable_given)
    if comparable_given and comparable_family:
        return given and family
    return given or family


def block_key(identity: Identity) -> str:
    """Two letters of the family name without its particles ("van Iersel" -> "ie"), or of the
    given name when there is none."""
    words = fold(identity.family).split()
    while words and is_particle(words[0]):
        words.pop(0)
    base = words[0] if words else fold(identity.given)
    return base[:2]


class MatchIndex:
    def __init__(self) -> None:
        # A contact key leads to the people who have it: usually one, a few for a shared landline.
        self._keys: dict[str, Target | list[Target]] = {}
        self._parts: dict[int, NameParts] = {}
        # Name candidates are filed under what they must share with a record ("o:ie:acme",
        # "c:ie:utrecht", "b:ie:4-15"), so only people with something in common are compared;
        # the names themselves sit in a parallel list for rapidfuzz's C loop.
        self._names: dict[str, list[NameEntry]] = defaultdict(list)
        self._strings: dict[str, list[str]] = defaultdict(list)
        self._entry_of: dict[int, NameEntry] = {}

    def __len__(self) -> int:
        return len(self._entry_of)

    def add(self, identity: Identity, target: Target) -> None:
        """Remember a person's keys; a key already taken leads to its first owner and then to
        the others who share it (a household landline)."""
        parts = identity.name_parts()
        known = self._parts.get(id(target))
        if known is None or (not known.is_person and parts.is_person):
            self._parts[id(target)] = parts
        for key in _keys_of(identity):
            owners = self._keys.get(key)
            if owners is None:
                self._keys[key] = target
            elif isinstance(owners, list):
                if target not in owners and len(owners) < MAX_SHARERS:
                    owners.append(target)
            elif owners is not target:
                self._keys[key] = [owners, target]
        full, _block, shared, exact, digits, words = match_keys(identity)
        if exact:
            owners = self._keys.get(exact)
            if owners is None:
                self._keys[exact] = target
            elif owners is not target and not isinstance(owners, list):
                self._keys[exact] = [owners, target]  # two of that name: ambiguous
        entry = self._entry_of.get(id(target))
        if entry is None:
            if not full:
                return
            entry = NameEntry(full, target, digits, words=words)
            self._entry_of[id(target)] = entry
        entry.emails.update(identity.emails)
        entry.phones.update(identity.phones)
        for key in shared:
            entries = self._names[key]
            if not entries or entries[-1] is not entry:
                entries.append(entry)
                self._strings[key].append(entry.words)

    def match(self, identity: Identity) -> Match | None:
        if identity.uid and (owners := self._keys.get("uid:" + identity.uid)) is not None:
            return Match(owners[0] if isinstance(owners, list) else owners, "uid")
        parts: NameParts | None = None
        for rule, values in (
            ("email", identity.emails),
            ("phone", identity.phones),
            ("social", identity.socials),
        ):
            for value in sorted(values):
                owners = self._keys.get(f"{rule}:{value}")
                if owners is None:
                    continue
                if parts is None:
                    parts = identity.name_parts()
                for target in owners if isinstance(owners, list) else (owners,):
                    existing = self._parts.get(id(target))
                    if existing is None or not names_clash(rule, parts, existing):
                        return Match(target, rule)
        return self._match_name(identity) or self._match_exact(identity)

    def _match_exact(self, identity: Identity) -> Match | None:
        """Rule 4: a record with nothing but a name (or a company's organisation)."""
        if identity.emails or identity.phones or identity.socials:
            return None
        if identity.cities or identity.birthdays:
            return None
        parts = identity.name_parts()
        if parts.is_person and identity.organisation:
            return None  # the name rule compared the organisation already
        key = match_keys(identity)[3]
        owners = self._keys.get(key) if key else None
        if owners is None or isinstance(owners, list):
            return None
        return Match(owners, "name")

    def _match_name(self, identity: Identity) -> Match | None:
        full, _block, shared, _exact, digits, words = match_keys(identity)
        if not full:
            return None
        candidates: list[tuple[float, NameEntry]] = []
        for key in shared:
            entries = self._names.get(key)
            if not entries:
                continue
            # The most recent NAME_WINDOW names of a group: bounded work even when thousands of
            # people share an organisation and the first letters of their family name.
            offset = max(0, len(entries) - NAME_WINDOW)
            # fuzz.ratio of the sorted words is token_sort_ratio, without sorting every
            # candidate's words again at every lookup (measured: four times as fast)
            found = process.extract(
                words,
                self._strings[key][offset:],
                scorer=fuzz.ratio,
                score_cutoff=NAME_THRESHOLD,
                limit=NAME_CANDIDATES,
            )
            candidates.extend((score, entries[offset + index]) for _name, score, index in found)
        candidates.sort(key=lambda pair: -pair[0])
        for _score, entry in candidates:
            if not entry.contradicts(identity, digits):
                return Match(entry.target, "name")
        return None


def _digits(text: str) -> tuple[str, ...]:
    return tuple(_NUMBER.findall(text))


def _shared_keys(block: str, identity: Identity) -> list[str]:
    keys: list[str] = []
    if identity.organisation:
        keys.append(f"o:{block}:{fold(identity.organisation)}")
    keys.extend(f"c:{block}:{fold(city)}" for city in identity.cities if city)
    keys.extend(f"b:{block}:{month}-{day}" for month, day in identity.birthdays)
    return keys


def _exact_key(identity: Identity) -> str:
    """The exact name of a person ("x:jan jansen"), or a company card's organisation."""
    full = " ".join(identity.full_name.split())
    if full:
        return f"x:{full}"
    if identity.organisation:
        return f"xo:{fold(identity.organisation)}"
    return ""


def _keys_of(identity: Identity) -> list[str]:
    keys = [f"email:{value}" for value in identity.emails]
    keys += [f"phone:{value}" for value in identity.phones]
    keys += [f"social:{value}" for value in identity.socials]
    if identity.uid:
        keys.append("uid:" + identity.uid)
    return keys
