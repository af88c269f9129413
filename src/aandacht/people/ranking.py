"""Fuzzy ranking of search candidates (pure; no Django).

The database narrows tens of thousands of people to a few hundred candidates with its own text
index; this module orders those candidates the way a person expects: exact and prefix name
matches first, then typos ("Jerone", "rodrigez"), then matches in what you know about them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

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


def _variants_of(given: str, particles: str, family: str, nickname: str) -> list[str]:
    variants = [
        " ".join(p for p in (given, particles, family) if p),
        " ".join(p for p in (given, family) if p),
        " ".join(p for p in (nickname, particles, family) if p) if nickname else "",
        " ".join(p for p in (family, given) if p),
        nickname,
    ]
    return [v for v in variants if v]


def _words_of(given: str, particles: str, family: str, nickname: str) -> list[str]:
    words: list[str] = [*given.split(), *family.split(), *nickname.split()]
    if particles and family:
        # "vandeven" and "van de ven" are both how people type it.
        words.append((particles + family).replace(" ", ""))
    return words


def score_name(query: Query, fields: NameFields) -> float:
    """0..1: 1 exact name, 0.97 whole words, 0.95 prefix, 0.9 word prefixes, typos lower."""
    return Ranker(query).score_name(fields)


def score_text(query: Query, text: str, *, folded: bool = False) -> float:
    """0..1 for a match in what you know about someone (organisation, notes, handles…).

    Every word written as it stands counts anywhere in the text; a misspelled word only in its
    first :data:`FUZZY_TEXT_CHARS` characters (``folded``: the text is folded already, as the
    stored search column is).
    """
    if not text or not query.tokens:
        return 0.0
    if not folded:
        text = fold(text)
    if all(token in text for token in query.tokens):
        return TEXT_SCORE_MAX if query.text in text else 0.55
    long_tokens = [token for token in query.tokens if len(token) >= 4]
    if not long_tokens:
        return 0.0
    head = text[:FUZZY_TEXT_CHARS]
    weakest = 100.0
    for token in long_tokens:
        similarity: float = fuzz.partial_ratio(token, head, score_cutoff=FUZZY_TEXT_MIN)
        if not similarity:  # below the cutoff: the other words need not be looked at
            return 0.0
        weakest = min(weakest, similarity)
    return round(0.45 * weakest / 100, 4)


# A misspelled word is looked for in this much of the text only: the organisation, work and how
# you met come first, long notes last. Fuzzing all of a busy person's notes (up to 120,000
# characters) was half of a search's time at 50,000 people for matches scoring at most 0.45.
FUZZY_TEXT_CHARS = 1_000
FUZZY_TEXT_MIN = 85


# The most a match in the text can score (score_text): a name scoring this much wins anyway.
TEXT_SCORE_MAX = 0.6


def score(query: Query, fields: NameFields, text: str) -> float:
    return Ranker(query).score(fields, text)


# Name fields repeat across a network (a few thousand given and family names among 50,000
# people): each is folded once per process, not once per candidate of every search.
_fold_name = lru_cache(maxsize=50_000)(fold)


@dataclass
class Ranker:
    """Scores many candidates for one query (:func:`score` is one candidate's).

    A search ranks up to 900 candidates whose names share a few thousand words: each distinct
    word is compared with the query's words once, not once per candidate that carries it (the
    fuzzy comparisons were the better part of a search at 50,000 people).
    """

    query: Query
    _similarities: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def score(self, fields: NameFields, text: str, *, text_folded: bool = False) -> float:
        name = self.score_name(fields)
        if name >= TEXT_SCORE_MAX:  # the text cannot beat it: skip folding and fuzzing it
            return name
        return max(name, score_text(self.query, text, folded=text_folded))

    def score_name(self, fields: NameFields) -> float:
        query = self.query
        if not query.tokens:
            return 0.0
        folded = (
            _fold_name(fields.given),
            _fold_name(fields.particles),
            _fold_name(fields.family),
            _fold_name(fields.nickname),
        )
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
        per_word = [self._similarity(word) for word in words]
        best_per_token: list[float] = [max(column) for column in zip(*per_word, strict=True)]
        if min(best_per_token) == 100.0:  # every query word starts some name word
            return 0.9
        average = sum(best_per_token) / len(best_per_token)
        if min(best_per_token) < 60 or average < 72:
            return 0.0
        return round(0.85 * average / 100, 4)

    def _similarity(self, word: str) -> tuple[float, ...]:
        """How well each query word matches ``word``: 100 for a prefix, else the typo ratio."""
        known = self._similarities.get(word)
        if known is None:
            known = tuple(_word_similarity(token, word) for token in self.query.tokens)
            self._similarities[word] = known
        return known


def _word_similarity(token: str, word: str) -> float:
    if word.startswith(token):
        return 100.0
    similarity: float = fuzz.ratio(token, word)
    if len(token) >= 4 and len(word) > len(token):
        similarity = max(similarity, fuzz.ratio(token, word[: len(token)]) - 5)
    return similarity
