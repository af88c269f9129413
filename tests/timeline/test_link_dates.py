"""Each interaction's date on its link rows (migration ``timeline.0004_link_dates``): kept by
the database on every way of writing, and what someone's timeline pages by."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction

from aandacht.accounts.models import Vault
from aandacht.backup import rows
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import (
    _KIND_RANK,
    Cursor,
    _latest_linked,
    add_moment,
    add_note,
    log_interaction,
    timeline_page,
)

pytestmark = pytest.mark.django_db

Links = Interaction.people.through
LINKS = Links._meta.db_table
TRIGGERS = {
    "sqlite": {
        "interaction_link_dated",
        "interaction_link_moved",
        "interaction_written",
        "interaction_redated",
    },
    "postgresql": {"interaction_link_dated", "interaction_written", "interaction_redated"},
}


RANK = {"moment": 1, "note": 2, "interaction": 3}  # at the same moment, the higher first


def at(day: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, 12, minute, tzinfo=dt.UTC)


def link_dates() -> dict[tuple[int, int], object]:
    """(interaction, person) -> the date on the link row, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT interaction_id, person_id, occurred_at FROM {LINKS}")  # noqa: S608
        return {(i, p): when for i, p, when in cursor.fetchall()}


def disagreeing() -> list[tuple[int, int]]:
    """Link rows whose date is not their interaction's (none, ever)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.interaction_id, l.person_id FROM {LINKS} l "  # noqa: S608
            "JOIN timeline_interaction i ON i.id = l.interaction_id "
            "WHERE l.occurred_at IS NULL OR l.occurred_at <> i.occurred_at"
        )
        return list(cursor.fetchall())


def test_a_logged_interaction_dates_its_links(vault: Vault) -> None:
    ann, ben = create_person(vault, "Ann Smith"), create_person(vault, "Ben Jones")
    lunch = log_interaction(vault, [ann, ben], "meeting", occurred_at=at(3))
    assert set(link_dates()) == {(lunch.pk, ann.pk), (lunch.pk, ben.pk)}
    assert None not in link_dates().values()
    assert disagreeing() == []


def test_every_way_of_linking_and_redating_keeps_the_dates(vault: Vault) -> None:
    ann, ben, cas = (create_person(vault, name) for name in ("Ann Smith", "Ben Jones", "Cas Li"))
    call = log_interaction(vault, [ann], "call", occurred_at=at(1))
    call.people.add(ben)  # Django's m2m add
    call.people.set([ben, cas])  # and set (removes Ann, adds Cas)
    Links.objects.bulk_create([Links(interaction_id=call.pk, person_id=ann.pk)])
    assert len(link_dates()) == 3 and disagreeing() == []

    call.occurred_at = at(9)
    call.save()
    assert disagreeing() == []
    Interaction.objects.filter(pk=call.pk).update(occurred_at=at(12))  # no save(), no signals
    assert disagreeing() == []
    assert Interaction.objects.get(pk=call.pk).occurred_at == at(12)
    assert len(set(link_dates().values())) == 1  # all three moved with it


def test_links_written_before_their_interaction_are_dated_when_it_comes(
    vault: Vault, alice: User
) -> None:
    """A restore may load the link table before the interactions (foreign keys are checked
    at commit): the interaction dates the links that wait for it."""
    ann = create_person(vault, "Ann Smith")
    with transaction.atomic():
        Links.objects.bulk_create([Links(interaction_id=987_654, person_id=ann.pk)])
        Interaction.objects.bulk_create(
            [
                Interaction(
                    pk=987_654, vault=vault, kind="call", outcome="conversation", occurred_at=at(4)
                )
            ]
        )
    assert disagreeing() == [] and len(link_dates()) == 1


def test_the_column_index_and_triggers_are_in_place() -> None:
    """Django remakes a table on SQLite for some schema changes and would drop these with
    it, silently: a migration that does must create them again (see the migration)."""
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, LINKS)]
        constraints = connection.introspection.get_constraints(cursor, LINKS)
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = {name for (name,) in cursor.fetchall()}
    assert "occurred_at" in columns
    assert constraints["interaction_link_person_when"]["columns"] == [
        "person_id",
        "occurred_at",
        "interaction_id",
    ]
    assert TRIGGERS[connection.vendor] <= triggers


def test_the_timeline_pages_by_the_link_dates_with_ties_and_other_kinds(
    vault: Vault, alice: User
) -> None:
    """Paged in threes, the timeline is the whole timeline sorted at once: interactions at the
    same moment (by id), a note at that moment (a note sorts after an interaction of the same
    time), someone else's interactions left out."""
    ann, ben = create_person(vault, "Ann Smith"), create_person(vault, "Ben Jones")
    for minute in (0, 0, 0, 5, 5, 9):
        log_interaction(vault, [ann], "call", occurred_at=at(2, minute))
    log_interaction(vault, [ben], "call", occurred_at=at(2, 5))  # Ben's only
    log_interaction(vault, [ann, ben], "meeting", occurred_at=at(2, 0))
    add_note(vault, ann, "same time as three calls", author=alice, occurred_at=at(2, 0))
    add_moment(vault, ann, "Patient", kind="strength", author=alice, occurred_at=at(2, 5))

    whole = timeline_page(ann, alice, size=100)
    assert whole.next_cursor is None
    expected = sorted(
        whole.entries,
        key=lambda e: (e.occurred_at, RANK[e.kind], e.item.pk),
        reverse=True,
    )
    assert [(e.kind, e.item.pk) for e in whole.entries] == [(e.kind, e.item.pk) for e in expected]
    assert len([e for e in whole.entries if e.kind == "interaction"]) == 7

    paged: list[tuple[str, int]] = []
    cursor: Cursor | None = None
    while True:
        page = timeline_page(ann, alice, after=cursor, size=3)
        paged += [(e.kind, e.item.pk) for e in page.entries]
        if page.next_cursor is None:
            break
        cursor = Cursor.parse(str(page.next_cursor))  # as the "show more" link carries it
    assert paged == [(e.kind, e.item.pk) for e in whole.entries]


def test_the_first_page_reads_a_few_index_entries_not_all_their_interactions(
    vault: Vault, alice: User
) -> None:
    ann = create_person(vault, "Ann Smith")
    for day in range(1, 29):
        log_interaction(vault, [ann], "message", occurred_at=at(day))
    person = Person.objects.get(pk=ann.pk)
    page = timeline_page(person, alice, size=5)
    assert [e.occurred_at.day for e in page.entries] == [28, 27, 26, 25, 24]
    if connection.vendor == "sqlite":
        query = _latest_linked(person, None, 6)  # what the page runs
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {query.sql}", query.params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "interaction_link_person_when" in plan and "TEMP B-TREE" not in plan


def test_after_a_cursor_of_any_kind_come_exactly_the_older_interactions(vault: Vault) -> None:
    """Against the merged order (time, kind's rank, id), from a cursor of every kind at every
    interaction's time, and one with a later id, at several page sizes."""
    ann, ben = create_person(vault, "Ann Smith"), create_person(vault, "Ben Jones")
    calls = [
        log_interaction(vault, [ann], "call", occurred_at=at(2, minute))
        for minute in (0, 0, 3, 3, 3, 7)
    ]
    log_interaction(vault, [ben], "call", occurred_at=at(2, 3))
    mine = sorted(((c.occurred_at, c.pk) for c in calls), reverse=True)
    for when, pk in mine:
        for kind in _KIND_RANK:
            for cursor_pk in (pk, pk + 1000):
                cursor = Cursor(when, kind, cursor_pk)
                mark = (when, _KIND_RANK[kind], cursor_pk)
                older = [i for t, i in mine if (t, _KIND_RANK["interaction"], i) < mark]
                for size in (1, 2, 10):
                    found = Interaction.objects.filter(pk__in=_latest_linked(ann, cursor, size))
                    ids = list(found.order_by("-occurred_at", "-id").values_list("pk", flat=True))
                    assert ids == older[:size], (kind, when, cursor_pk, size)


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two writers at once on one interaction (PostgreSQL leg; SQLite's writers take turns)",
)
@pytest.mark.django_db(transaction=True)
def test_a_link_written_while_its_interaction_is_redated_gets_the_new_date(vault: Vault) -> None:
    """One request adds someone to an interaction while another moves it to another day:
    whichever commits last, the link ends with the interaction's date (the link's trigger
    reads the interaction FOR SHARE; without it the link kept the old date)."""
    ann = create_person(vault, "Ann Smith")
    ben = create_person(vault, "Ben Jones")
    call = log_interaction(vault, [ann], "call", occurred_at=at(1))
    linked, redating = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def add_ben() -> None:
        try:
            with transaction.atomic():
                call.people.add(ben)
                linked.set()
                redating.wait(5)
                time.sleep(0.3)  # the redating transaction is in its UPDATE by now
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            connections.close_all()

    def redate() -> None:
        try:
            linked.wait(5)
            with transaction.atomic():
                redating.set()
                Interaction.objects.filter(pk=call.pk).update(occurred_at=at(20))
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add_ben), threading.Thread(target=redate)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures and not any(thread.is_alive() for thread in threads)
    assert len(link_dates()) == 2
    assert disagreeing() == []


def test_a_backup_writes_and_restores_the_link_tables_after_the_rows_they_link() -> None:
    """So the triggers date each link row as it comes back, instead of writing it twice."""
    order = rows.all_models()
    linked = [m for m in order if m._meta.auto_created]
    assert Links in linked and Interaction in order
    assert order[-len(linked) :] == linked
