"""Fuzzy ranking of search candidates (pure; no Django).

The database narrows tens of thousands of people to a few hundred candidates with its own text
index; this module orders those candidates the way a person expects: exact and prefix name
matches first, then typos ("Jerone", "rodrigez"), then matches in what you know about them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from aandacht.people.names import PARTICLE_WORDS, expand_abbreviations, fold


@dataclass(frozen=True)
class Query:
    text: str  # folded, abbreviations expanded: "jeroen van de ven"
    tokens: tuple[str, ...]  # without particles: ("jeroen", "ven")


@dataclass(frozen=True)
class NameFields:
    given: str
    particles: str
    family: str
    nickname: str


def prepare_query(raw: str) -> Query:
    text = fold(expand_abbreviations(raw.replace(",", " ")))
    words = tuple(text.split())
    tokens = tuple(word for word in words if word not in PARTICLE_WORDS) or words
    return Query(text, tokens)


def _name_variants(fields: NameFields) -> list[str]:
    return _variants_of(*_folded(fields))


def _folded(fields: NameFields) -> tuple[str, str, str, str]:
    """Each name field folded once (ranking hundreds of candidates folded them three times)."""
    return fold(fields.given), fold(fields.particles), fold(fields.family), fold(fields.nickname)


def _variants_of(given: str, particles: str, family: str, nickname: str) -> list[str]:
    variants = [
        " ".join(p for p in (given, particles, family) if p),
        " ".join(p for p in (given, family) if p),
        " ".join(p for p in (nickname, particles, family) if p) if nickname else "",
        " ".join(p for p in (family, given) if p),
        nickname,
    ]
    return [v for v in variants if v]


def _name_words(fields: NameFields) -> list[str]:
    return _words_of(*_folded(fields))


def _words_of(given: str, particles: str, family: str, nickname: str) -> list[str]:
    words: list[str] = [*given.split(), *family.split(), *nickname.split()]
    if particles and family:
        # "vandeven" and "van de ven" are both how people type it.
        words.append((particles + family).replace(" ", ""))
    return words


def score_name(query: Query, fields: NameFields) -> float:
    """0..1: 1 exact name, 0.97 whole words, 0.95 prefix, 0.9 word prefixes, typos lower."""
    if not query.tokens:
        return 0.0
    folded = _folded(fields)
    variants = _variants_of(*folded)
    if query.text in variants:
        return 1.0
    words = _words_of(*folded)
    if not words:
        return 0.0
    if all(token in words for token in query.tokens):
        return 0.97
    if any(variant.startswith(query.text) for variant in variants):
        return 0.95
    if all(any(word.startswith(token) for word in words) for token in query.tokens):
        return 0.9
    # Typos: each query word against its best-matching name word.
    best_per_token = []
    for token in query.tokens:
        best = 0.0
        for word in words:
            if word.startswith(token):
                best = 100.0
                break
            similarity = fuzz.ratio(token, word)
            if len(token) >= 4 and len(word) > len(token):
                similarity = max(similarity, fuzz.ratio(token, word[: len(token)]) - 5)
            best = max(best, similarity)
        best_per_token.append(best)
    average = sum(best_per_token) / len(best_per_token)
    if min(best_per_token) < 60 or average < 72:
        return 0.0
    return round(0.85 * average / 100, 4)


def score_text(query: Query, text: str) -> float:
    """0..1 for a match in what you know about someone (organisation, notes, handles…)."""
    if not text or not query.tokens:
        return 0.0
    folded = fold(text)
    if all(token in folded for token in query.tokens):
        return TEXT_SCORE_MAX if query.text in folded else 0.55
    partial = [fuzz.partial_ratio(token, folded) for token in query.tokens if len(token) >= 4]
    if partial and min(partial) >= 85:
        return round(0.45 * min(partial) / 100, 4)
    return 0.0


# The most a match in the text can score (score_text): a name scoring this much wins anyway.
TEXT_SCORE_MAX = 0.6


def score(query: Query, fields: NameFields, text: str) -> float:
    name = score_name(query, fields)
    if name >= TEXT_SCORE_MAX:  # the text cannot beat it: skip folding and fuzzing it
        return name
    return max(name, score_text(query, text))
