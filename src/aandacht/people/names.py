"""Dutch-aware name handling, free of Django so it is cheap to test exhaustively.

"Denise van Iersel" sorts under I: the particles (tussenvoegsels) are kept for display but
ignored for sorting, and search treats "vd" as "van de".
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

# Single-word particles; multi-word ones ("van der", "in 't") are runs of these.
PARTICLE_WORDS = frozenset(
    {
        "van", "de", "der", "den", "het", "'t", "t", "te", "ter", "ten", "in", "op", "aan",
        "bij", "uit", "onder", "over", "voor", "la", "le", "les", "du", "des", "da", "di",
        "del", "della", "dello", "dos", "das", "do", "von", "vom", "zu", "zum", "zur", "af",
        "av", "al", "el", "y", "d'", "l'", "st.", "'s",
    }
)  # fmt: skip

# Abbreviations people type in a hurry ("Jeroen vd Ven").
PARTICLE_ABBREVIATIONS = {
    "vd": "van de",
    "v.d.": "van de",
    "vdr": "van der",
    "v.d.r.": "van der",
    "vd.": "van de",
    "v/d": "van de",
    "v.": "van",
}


# Letters that Unicode does not decompose into a base letter plus accent.
_LETTER_FOLDS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i"})


class NameParts(NamedTuple):
    given: str
    particles: str
    family: str


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace: "José  Müller" -> "jose muller"."""
    if text.isascii():  # most names and addresses: nothing to decompose (measured in imports)
        return " ".join(text.lower().split())
    lowered = text.casefold().translate(_LETTER_FOLDS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_marks.casefold().split())


def is_particle(word: str) -> bool:
    return fold(word) in PARTICLE_WORDS


# Abbreviations that may start a family name when a name is split; "v." is left out, as it is
# just as often a middle initial ("Anna V. Smit").
_SPLIT_ABBREVIATIONS = {key: value for key, value in PARTICLE_ABBREVIATIONS.items() if key != "v."}


def _particle_word(word: str) -> str | None:
    """The particle a word stands for ("vd" -> "van de"), or None when it is not one."""
    if is_particle(word):
        return word
    return _SPLIT_ABBREVIATIONS.get(word.casefold())


def split_name(full_name: str) -> NameParts:
    """Split "Jeroen van de Ven" into ("Jeroen", "van de", "Ven").

    The first word is always a given name; the first run of particles after it starts the
    family name. Without particles the last word is the family name.
    """
    words = full_name.split()
    if not words:
        return NameParts("", "", "")
    if len(words) == 1:
        return NameParts(words[0], "", "")
    for start in range(1, len(words)):
        if _particle_word(words[start]) is not None:
            end = start
            while end < len(words) - 1 and _particle_word(words[end]) is not None:
                end += 1
            if end == start:
                continue
            particles = " ".join(_particle_word(word) or word for word in words[start:end])
            return NameParts(" ".join(words[:start]), particles, " ".join(words[end:]))
    return NameParts(" ".join(words[:-1]), "", words[-1])


def display_name(given: str, particles: str, family: str) -> str:
    return " ".join(part for part in (given.strip(), particles.strip(), family.strip()) if part)


def sort_key(given: str, particles: str, family: str, *, fallback: str = "") -> str:
    """Family name without particles first, then given name: "iersel\x1fdenise\x1fvan".

    *fallback* is what someone without a given or family name is called instead (their
    nickname, else their organisation; see :func:`fallback_name`): a company card
    "Fietsenmakerij Ven" sorts under F, not under "#" with the nameless. It is taken as it is
    written: particle rules are for family names only, so "De Vries Bouw" sorts under D.
    """
    folded_given, folded_family = fold(given), fold(family)
    if not folded_given and not folded_family:
        return "\x1f".join((fold(fallback), "", fold(particles)))
    main = folded_family or folded_given
    return "\x1f".join((main, folded_given if folded_family else "", fold(particles)))


def fallback_name(nickname: str, organisation: str) -> str:
    """What someone with neither given nor family name is called: nickname, else organisation.

    The same order as ``Person.name``; sort keys and initials use it so that the list files and
    draws such a person by the name it shows.
    """
    return nickname.strip() or organisation.strip()


def expand_abbreviations(text: str) -> str:
    """Replace particle abbreviations in a query: "jeroen vd ven" -> "jeroen van de ven"."""
    words = []
    for word in text.split():
        words.append(PARTICLE_ABBREVIATIONS.get(word.casefold(), word))
    return " ".join(words)


# Legal forms and joining words that are not part of what an organisation is called.
_NOT_INITIALS = frozenset(
    {
        "bv", "b.v.", "nv", "n.v.", "vof", "v.o.f.", "cv", "c.v.", "ltd", "ltd.", "inc", "inc.",
        "llc", "gmbh", "ag", "sa", "s.a.", "plc", "co", "co.", "&", "and", "en", "und", "+",
    }
)  # fmt: skip


def initials(given: str, family: str, *, fallback: str = "") -> str:
    """Up to two letters for an avatar: given and family name ("Jeroen van de Ven" -> "JV").

    Without either, the *fallback* name (:func:`fallback_name`) gives them: the first two words
    that start with a letter or digit, leaving out legal forms ("Fietsenmakerij Ven B.V." ->
    "FV", "ACME Inc." -> "A"). "?" only when there is nothing at all.
    """
    letters = [part[0] for part in (given.strip(), family.strip()) if part]
    if not letters:
        words = [word for word in fallback.split() if word[0].isalnum()]
        letters = [word[0] for word in words if fold(word) not in _NOT_INITIALS][:2]
        if not letters and words:  # nothing but legal forms: "B.V." -> "B"
            letters = [words[0][0]]
    return "".join(letters).upper() or "?"


def split_with_family(full_name: str, family: str) -> NameParts:
    """Split a name whose family name is known ("Maria de la Cruz", family "Cruz")."""
    words = full_name.split()
    family_words = family.split()
    if family_words and [fold(w) for w in words[-len(family_words) :]] == [
        fold(w) for w in family_words
    ]:
        words = words[: -len(family_words)]
    end = len(words)
    while end > 1 and is_particle(words[end - 1]):
        end -= 1
    return NameParts(" ".join(words[:end]), " ".join(words[end:]), " ".join(family_words))
