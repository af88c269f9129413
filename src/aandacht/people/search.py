"""Finding anyone: the database's own text index narrows, :mod:`ranking` orders.

SQLite uses an FTS5 table with the trigram tokenizer (substrings and typos share trigrams);
PostgreSQL uses pg_trgm indexes. Both index two columns kept on the person row:
``search_names`` (every way of writing the name) and ``search_text`` (what you know about them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q

from aandacht.accounts.models import Vault
from aandacht.people import ranking
from aandacht.people.models import Person
from aandacht.people.names import fold

CANDIDATE_LIMIT = 300
MIN_SCORE = 0.3
PG_WORD_SIMILARITY = 0.4


@dataclass(frozen=True)
class SearchHit:
    person: Person
    score: float


def search_documents(person: Person) -> tuple[str, str]:
    """The two folded search columns for one person (public notes only: private never leak)."""
    from aandacht.timeline.models import Note

    methods = [(method.value, method.normalized) for method in person.contact_methods.all()]
    tag_names = [tag.name for tag in person.tags.all()]
    bodies: list[str] = []
    if person.pk:
        bodies = list(
            Note.objects.filter(person=person, private=False).values_list("body", flat=True)
        )
    return build_documents(person, methods, tag_names, bodies)


def build_documents(
    person: Person,
    methods: Iterable[tuple[str, str]],
    tag_names: Iterable[str],
    public_note_bodies: Iterable[str],
) -> tuple[str, str]:
    """The search columns from parts already in hand: bulk writers (imports) skip the queries."""
    name_parts = [
        person.given_name,
        person.particles,
        person.family_name,
        person.nickname,
        (person.particles + person.family_name).replace(" ", ""),
    ]
    text_parts = [
        person.organisation,
        person.department,
        person.job_title,
        person.met_at,
        person.met_channel,
        person.get_met_channel_display() if person.met_channel else "",
        person.met_story,
        person.what_they_do,
        person.what_they_care_about,
    ]
    for value, normalized in methods:
        text_parts.append(value)
        # An email's normalised form is the same text folded: writing it twice only made the
        # index bigger (and an import slower); a phone's "+31612345678" is still added.
        if normalized != value and normalized != value.lower():
            text_parts.append(normalized)
    text_parts.extend(tag_names)
    text_parts.extend(public_note_bodies)
    names = fold(" ".join(part for part in name_parts if part))
    text = fold(" ".join(part for part in text_parts if part))
    return names, text


def refresh_search_fields(person_ids: Iterable[int]) -> None:
    """Recompute the search columns; ``update()`` avoids re-sending save signals."""
    from aandacht.timeline.models import Note

    public_notes = Prefetch(
        "notes", queryset=Note.objects.filter(private=False).only("person_id", "body")
    )
    people = Person.objects.filter(pk__in=list(person_ids)).prefetch_related(
        "contact_methods", "tags", public_notes
    )
    for person in people:
        names, text = build_documents(
            person,
            [(method.value, method.normalized) for method in person.contact_methods.all()],
            [tag.name for tag in person.tags.all()],
            [note.body for note in person.notes.all()],
        )
        if (names, text) != (person.search_names, person.search_text):
            Person.objects.filter(pk=person.pk).update(search_names=names, search_text=text)


def _fts_match_expression(query: ranking.Query, every_word: bool = False) -> str:
    """An FTS5 trigram query: any trigram of any query word, each quoted; with ``every_word``,
    some trigram of each query word."""
    groups: list[list[str]] = []
    for token in query.tokens:
        trigrams: list[str] = []
        for start in range(len(token) - 2):
            trigram = '"' + token[start : start + 3].replace('"', '""') + '"'
            if trigram not in trigrams:
                trigrams.append(trigram)
        groups.append(trigrams)
    if every_word and len(groups) > 1:
        return " AND ".join("(" + " OR ".join(group) + ")" for group in groups)
    return " OR ".join(dict.fromkeys(trigram for group in groups for trigram in group))


# What ranking needs of a candidate, and what a hit's person carries (callers read the name,
# the organisation and the archived and deceased flags; anything else loads when touched).
_WANTED = {
    "id",
    "vault_id",
    "given_name",
    "particles",
    "family_name",
    "nickname",
    "search_text",
    "sort_key",
    "organisation",
    "archived",
    "deceased",
}
# In the model's field order, as ``Model.from_db`` takes the values of some of the fields.
CANDIDATE_FIELDS = tuple(
    field.attname for field in Person._meta.concrete_fields if field.attname in _WANTED
)
_AT = {name: position for position, name in enumerate(CANDIDATE_FIELDS)}
_CANDIDATE_COLUMNS = ", ".join(f"people_person.{name}" for name in CANDIDATE_FIELDS)
_FLAGS = [_AT["archived"], _AT["deceased"]]  # SQLite gives 0 and 1; the ORM gives booleans


def _from_sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    values = list(row)
    for position in _FLAGS:
        values[position] = bool(values[position])
    return tuple(values)


Candidate = tuple[Any, ...]  # the values of CANDIDATE_FIELDS, in that order


def _candidates(
    vault: Vault, query: ranking.Query, include_archived: bool, every_word: bool = False
) -> list[Candidate]:
    """The rows the text index finds for ``query`` in one vault (never the trash), read in one
    query as plain tuples: building a model instance for each of up to 900 candidates, only to
    drop most of them after ranking, was the better part of a search.

    With ``every_word`` a row must share a trigram with each query word, not with any one: for
    "maartn jans" that is 2,700 rows of 50,000 instead of 16,000, which the index finds and
    orders in a third of the time.
    """
    long_tokens = [token for token in query.tokens if len(token) >= 3]
    base = Person.objects.in_vault(vault)
    if not include_archived:
        base = base.filter(archived=False)
    if not long_tokens:
        # One or two letters: trigram indexes cannot help; a prefix match on names is enough.
        condition = Q()
        for token in query.tokens:
            condition &= Q(search_names__startswith=token) | Q(search_names__contains=" " + token)
        return list(base.filter(condition).values_list(*CANDIDATE_FIELDS)[:CANDIDATE_LIMIT])
    if connection.vendor == "sqlite":
        expression = _fts_match_expression(
            ranking.Query(query.text, tuple(long_tokens)), every_word
        )
        archived = "" if include_archived else "AND NOT people_person.archived "
        with connection.cursor() as cursor:
            # CROSS JOIN makes SQLite read the FTS index first; "rowid IN (subquery)" made it
            # re-run the MATCH per row (170 ms instead of 0.3 ms at 1,000 people). The vault,
            # trash and archive conditions are the ones of ``base`` above. The best ids are
            # chosen first and only then their rows read: ordering whole rows made SQLite sort
            # every match's search text, a third of a search at 50,000 people.
            cursor.execute(
                f"SELECT {_CANDIDATE_COLUMNS} FROM people_person "  # noqa: S608 - constants
                "WHERE people_person.id IN (SELECT people_person.id FROM people_person_fts "
                "CROSS JOIN people_person ON people_person.id = people_person_fts.rowid "
                "WHERE people_person_fts MATCH %s AND people_person.vault_id = %s "
                f"AND people_person.trashed_at IS NULL {archived}"
                "ORDER BY bm25(people_person_fts, 10.0, 1.0) LIMIT %s)",
                [expression, vault.pk, CANDIDATE_LIMIT * 3],
            )
            return [_from_sqlite(row) for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        return _postgres_candidates(vault, long_tokens, include_archived, every_word)
    condition = Q()
    for token in long_tokens:
        either = Q(search_names__contains=token) | Q(search_text__contains=token)
        condition = condition & either if every_word else condition | either
    return list(base.filter(condition).values_list(*CANDIDATE_FIELDS)[: CANDIDATE_LIMIT * 3])


def _like_pattern(token: str) -> str:
    """``%token%`` for LIKE, with LIKE's own characters taken literally (backslash escapes)."""
    escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _postgres_candidates(
    vault: Vault, long_tokens: list[str], include_archived: bool, every_word: bool
) -> list[Candidate]:
    """Each condition on its own trigram index, the ids united, then the vault's rows.

    One ``WHERE a OR b OR …`` over the two trigram indexes made PostgreSQL read the whole table
    (it costs six bitmap scans above a sequential scan) and run the word similarity on every
    row: 150 ms at 50,000 people, where each indexed condition alone takes a few. The ids are
    gathered into an array first: with ``id IN (…)`` the planner, expecting many, read the
    whole vault's index to join them (27 ms where looking up 800 ids takes 3).
    """
    with connection.cursor() as cursor:
        # pg_trgm's default 0.6 misses one-letter typos in short names ("jerone": 0.57).
        # Short words match loosely ("thao" is similar enough to a thousand names): the planner
        # then reads the whole table for that branch (190 ms) where the index takes 20 ms, so
        # no sequential scans for the next statement (RESET after it; when it fails inside a
        # transaction, the rollback undoes the SET). Both settings in one round trip.
        cursor.execute(
            f"SET pg_trgm.word_similarity_threshold = {float(PG_WORD_SIMILARITY)}; "
            "SET enable_seqscan = off"
        )
        per_word: list[str] = []
        params: list[Any] = []
        for token in long_tokens:
            pattern = _like_pattern(token)
            per_word.append(
                "(SELECT id FROM people_person WHERE search_names LIKE %s"
                " UNION SELECT id FROM people_person WHERE search_names %%> %s"
                " UNION SELECT id FROM people_person WHERE search_text LIKE %s)"
            )
            params += [pattern, token, pattern]
        ids = (" INTERSECT " if every_word else " UNION ").join(per_word)
        archived = "" if include_archived else "AND NOT archived "
        try:
            cursor.execute(
                f"SELECT {_CANDIDATE_COLUMNS} FROM people_person "  # noqa: S608 - constants only
                f"WHERE id = ANY(ARRAY({ids})) "
                f"AND vault_id = %s AND trashed_at IS NULL {archived}LIMIT %s",
                [*params, vault.pk, CANDIDATE_LIMIT * 3],
            )
            rows = cursor.fetchall()
        finally:
            if not connection.needs_rollback and not _in_failed_transaction(cursor):
                cursor.execute("RESET enable_seqscan")
        return [tuple(row) for row in rows]


def _in_failed_transaction(cursor: Any) -> bool:
    """True when PostgreSQL refuses every statement until a rollback (which undoes the SET)."""
    import psycopg

    info = cursor.connection.info  # the psycopg connection under Django's wrapper
    return bool(info.transaction_status == psycopg.pq.TransactionStatus.INERROR)


def search_people(
    vault: Vault,
    raw_query: str,
    *,
    limit: int = 20,
    include_archived: bool = True,
    ignore: Collection[int] = (),
    any_word: bool = False,
) -> list[SearchHit]:
    """People of one vault matching a query, best first, each with a score from 0 to 1.

    The index is asked first for rows sharing three letters in a row with every query word;
    only when none of them is a hit is it asked for rows sharing them with any word. A person
    who matches one word only ("Björn Berg" for "jeron vd berg") is therefore shown only when
    nobody matches them all, and neither is a typo that leaves no three letters of a short word
    in place ("ivan" for "Iwan Petrov" when other Petrovs match): asking for any word costs
    three to five times as much at 50,000 people.

    ``ignore``: people never returned, nor counted as hits when deciding to ask for any word
    (the person whose twin is looked for, who always matches every word). ``any_word``: ask
    for any word at once, for finding duplicates, where a missed twin costs more than the time.
    """
    query = ranking.prepare_query(raw_query)
    if not query.tokens:
        return []
    ranker = ranking.Ranker(query)
    scored: list[tuple[float, str, int, Candidate]] = []
    seen: set[int] = set(ignore)  # the ignored count as seen: skipped in both questions

    def rank(rows: list[Candidate]) -> None:
        for row in rows:
            if row[_AT["id"]] in seen:
                continue
            seen.add(row[_AT["id"]])
            fields = ranking.NameFields(
                row[_AT["given_name"]],
                row[_AT["particles"]],
                row[_AT["family_name"]],
                row[_AT["nickname"]],
            )
            value = ranker.score(fields, row[_AT["search_text"]], text_folded=True)
            if value >= MIN_SCORE:
                scored.append((value, row[_AT["sort_key"]], row[_AT["id"]], row))

    several_words = sum(len(token) >= 3 for token in query.tokens) > 1
    every_word_first = several_words and not any_word
    rank(_candidates(vault, query, include_archived, every_word=every_word_first))
    if every_word_first and not scored:
        rank(_candidates(vault, query, include_archived))
    scored.sort(key=lambda hit: (-hit[0], hit[1], hit[2]))
    # Only the hits shown become people, as the ORM would have loaded them.
    alias = connection.alias
    return [
        SearchHit(Person.from_db(alias, CANDIDATE_FIELDS, row), value)
        for value, _key, _pk, row in scored[:limit]
    ]
