"""The write stamp (``aandacht.web.stamp``): every committed write raises it, reading never
does, and what is kept under it (the report, Today's standings and plan) is computed afresh
after any write, whichever way it was written."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone, translation
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token
from aandacht.attention import report, services
from aandacht.attention.models import Rhythm
from aandacht.backup import rows
from aandacht.exchange import importing, sources
from aandacht.people import directory
from aandacht.people.models import Person, Tag
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import log_interaction
from aandacht.web import stamp

# Outside a test's transaction: the stamp is only read (and anything kept) in autocommit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_pages_kept(settings: Settings) -> None:
    # The figures under the pages, read from each answer's context: whole pages are not kept
    # here (tests/web/test_kept_pages.py checks those). tests/conftest.py forgets the kept
    # figures before every test.
    settings.KEPT_PAGES_BYTES = 0


def now() -> int:
    found = stamp.current()
    assert found is not None
    return found


def test_every_table_of_the_data_has_the_trigger_and_the_unwatched_none() -> None:
    watched = stamp.watched_tables()
    assert {"people_person", "timeline_interaction", "timeline_interaction_people"} <= set(watched)
    assert "auth_user" in watched and "attention_rhythm" in watched
    counted = stamp.counted_tables()
    assert set(watched) <= counted
    assert not counted & stamp.UNWATCHED
    # Not a model's table: flushes and restores leave it alone, so it never goes back.
    assert stamp.TABLE not in {m._meta.db_table for m in rows.all_models()}


def test_install_gives_a_table_that_lost_its_trigger_a_new_one() -> None:
    """A table SQLite rebuilt in a migration lost its triggers; the next migrate's
    ``post_migrate`` installs them again (and a second install changes nothing)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {stamp.TRIGGER} ON people_tag")
        else:
            for event in stamp.SQLITE_EVENTS:
                cursor.execute(f"DROP TRIGGER {stamp.TRIGGER}_{event}_people_tag")
    assert "people_tag" not in stamp.counted_tables()
    assert stamp.install() == ["people_tag"]
    assert stamp.install() == []
    assert "people_tag" in stamp.counted_tables()


def test_every_way_of_writing_raises_it(vault: Vault) -> None:
    ann = create_person(vault, "Ann Smith")
    ways = {
        "save": lambda: Person.objects.filter(pk=ann.pk).first().save(),  # type: ignore[union-attr]
        "create": lambda: create_person(vault, "Ben Jones"),
        "update": lambda: Person.objects.filter(pk=ann.pk).update(nickname="Annie"),
        "bulk_create": lambda: Tag.objects.bulk_create([Tag(vault=vault, name="Golf")]),
        "m2m": lambda: ann.tags.add(Tag.objects.get(name="Golf")),
        "delete": lambda: Tag.objects.filter(name="Golf").delete(),
        "log": lambda: log_interaction(vault, [ann], "call"),
        "raw SQL": lambda: connection.cursor().execute(
            "UPDATE timeline_interaction SET summary = 'raw'"
        ),
        "a restore's emptying": lambda: transaction.atomic()(rows.empty_tables)("default"),
    }
    for name, write in ways.items():
        before = now()
        write()
        assert now() > before, name


def test_a_rolled_back_write_leaves_it_and_a_transaction_keeps_nothing(vault: Vault) -> None:
    before = now()
    with pytest.raises(RuntimeError), transaction.atomic():
        create_person(vault, "Ann Smith")
        assert stamp.current() is None  # inside a transaction: nothing read, nothing kept
        calls: list[int] = []
        for _ in range(2):
            stamp.remember("key", lambda: calls.append(1))
        assert calls == [1, 1]
        raise RuntimeError
    assert now() == before
    assert not stamp._kept


def test_a_migration_raises_it() -> None:
    """A migration may change data without the triggers (a rebuilt table's copy)."""
    before = now()
    stamp.installed(sender=None)
    assert now() > before


def test_the_plan_is_kept_under_the_stamp_of_the_standings_it_was_made_from(
    alice: User, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that commits while Today reads the standings: the plan made from them is not
    kept as if it were newer (it was reused after the next read of the standings)."""
    ann = create_person(vault, "Ann Smith")
    services.set_cadence(ann, 7)
    read = services.standings
    plans: list[int] = []
    plan = services.core.plan

    def read_then_someone_writes(*args: object, **kwargs: object) -> object:
        found = read(*args, **kwargs)  # type: ignore[arg-type]
        if not plans:
            create_person(vault, "Ben Jones")  # commits after the stamp was read
        return found

    def counted_plan(*args: object, **kwargs: object) -> object:
        plans.append(1)
        return plan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "standings", read_then_someone_writes)
    monkeypatch.setattr(services.core, "plan", counted_plan)
    services.agenda_for(alice, vault)
    services.agenda_for(alice, vault)  # the standings are read afresh: so is the plan
    assert len(plans) == 2
    services.agenda_for(alice, vault)
    assert len(plans) == 2


def test_remember_reuses_until_a_write(vault: Vault) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert stamp.remember("key", compute) == 1
    assert stamp.remember("key", compute) == 1
    assert stamp.remember("other key", compute) == 2
    create_person(vault, "Ann Smith")
    assert stamp.remember("key", compute) == 3
    for number in range(stamp.KEPT + 5):
        stamp.remember(("many", number), lambda: 0)
    assert len(stamp._kept) == stamp.KEPT


def due_on_a_rhythm(vault: Vault) -> Person:
    """Ann: weekly, last called a month ago, so due today."""
    ann = create_person(vault, "Ann Smith")
    services.set_cadence(ann, 7)
    log_interaction(vault, [ann], "call", occurred_at=timezone.now() - dt.timedelta(days=30))
    return ann


def test_reading_the_pages_does_not_raise_it(alice: User, vault: Vault) -> None:
    ann = due_on_a_rhythm(vault)
    browser = Client()
    browser.force_login(alice)
    api = Client(
        headers={"Authorization": f"Bearer {create_token(alice, 'read', 'read', None).secret}"}
    )
    pages = [
        "/today/",
        "/report/",
        "/people/",
        f"/people/{ann.pk}/",
        "/people/?q=anne+smth",
        "/today/summary/",
    ]
    for path in pages:  # a first visit may set things up (the default circles)
        browser.get(path)
    api.get("/api/today")
    before = now()
    for path in pages:
        assert browser.get(path).status_code == 200, path
    assert api.get("/api/today").status_code == 200
    assert api.get(f"/api/people/{ann.pk}").status_code == 200
    assert now() == before


def test_the_report_counts_afresh_after_a_write(alice: User, bob: User, vault: Vault) -> None:
    ann = create_person(vault, "Ann Smith")
    browser = Client()
    browser.force_login(alice)
    browser.get("/report/")  # the first look makes the user's agenda settings
    first = browser.get("/report/").context["report"]
    assert browser.get("/report/").context["report"] is first  # kept
    log_interaction(vault, [ann], "call")
    second = browser.get("/report/").context["report"]
    assert second.depth["deep"] == first.depth["deep"] + 1
    Interaction.objects.all().delete()
    kept = browser.get("/report/").context["report"]
    assert kept.depth["deep"] == 0
    assert report.kept(alice, vault) is kept
    # Another user of the vault (who may not see alice's private moments), or another
    # language (the circles' names), never gets alice's copy.
    assert report.kept(bob, vault) is not kept
    with translation.override("nl"):
        assert report.kept(alice, vault) is not kept


def test_today_plans_afresh_after_a_write(alice: User, vault: Vault) -> None:
    ann = due_on_a_rhythm(vault)
    browser = Client()
    browser.force_login(alice)

    def planned() -> list[int]:
        page = browser.get("/today/").context["page"]
        return [item.person.pk for item in page.agenda.items]

    assert planned() == [ann.pk]
    assert planned() == [ann.pk]
    services.mark_done(alice, ann)
    page = browser.get("/today/").context["page"]
    assert [item.person.pk for item in page.agenda.items] == []
    assert [item.person.pk for item in page.agenda.handled] == [ann.pk]
    # Written behind the app's back: a raw update of the rhythm.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE attention_rhythm SET handled_on = NULL, handled_as = ''")
    assert planned() == []  # handled only: not planned again (and read afresh)
    Rhythm.objects.update(last_conversation_at=timezone.now() - dt.timedelta(days=30))
    assert planned() == [ann.pk]


def test_the_people_lists_letters_count_afresh_after_a_write(alice: User, vault: Vault) -> None:
    create_person(vault, "Ann Smith")
    create_person(vault, "Bob Stone")
    browser = Client()
    browser.force_login(alice)

    def letters() -> dict[str, int]:
        page = browser.get(f"/people/?vault={vault.pk}")
        return {link.label: link.count for link in page.context["sections"]}

    assert letters() == {"S": 2}
    kept = directory.kept_sections(vault)
    assert directory.kept_sections(vault) is kept  # counted once until a write
    # Each list its own: with archived people, or one tag's.
    assert directory.kept_sections(vault, include_archived=True) is not kept
    cor = create_person(vault, "Cor de Vries")  # under V, the particle aside
    assert letters() == {"S": 2, "V": 1}
    Person.objects.filter(pk=cor.pk).update(archived=True)  # behind the app's back
    assert letters() == {"S": 2}
    friends = Tag.objects.create(vault=vault, name="friends")
    cor.tags.add(friends)
    assert directory.kept_sections(vault, tag=friends) == ()  # archived: not listed
    Person.objects.filter(pk=cor.pk).update(archived=False)
    assert [section.count for section in directory.kept_sections(vault, tag=friends)] == [1]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers (PostgreSQL leg; SQLite's writers take turns anyway)",
)
def test_postgres_writers_do_not_wait_for_each_other_and_folding_keeps_it(vault: Vault) -> None:
    """Each transaction counts itself in a row of its own: a writer holding its transaction
    open does not hold up another's write (before, a single counter row would have)."""
    ann = create_person(vault, "Ann Smith")
    ben = create_person(vault, "Ben Jones")
    before = now()
    holding, done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold_open() -> None:
        try:
            with transaction.atomic():
                Person.objects.filter(pk=ann.pk).update(nickname="Annie")
                holding.set()
                done.wait(10)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_open)
    thread.start()
    try:
        assert holding.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            Person.objects.filter(pk=ben.pk).update(nickname="Benny")
        assert now() == before + 1  # the open one is not counted until it commits
    finally:
        done.set()
        thread.join(30)
    assert not failures
    assert now() == before + 2
    stamp.compact()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {stamp.TABLE}")  # noqa: S608 - a constant
        assert cursor.fetchone()[0] == 1
    assert now() == before + 2


def test_an_import_counts_once_and_keeps_every_trigger(vault: Vault) -> None:
    """On SQLite the import drops the counting triggers for its rows and counts once before
    it commits; a dry run (rolled back) leaves the stamp and the triggers as they were."""
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Smith\r\nN:Smith;Ann;;;\r\n" + (
        b"EMAIL:ann@example.org\r\nEND:VCARD\r\n"
    )
    watched = set(stamp.watched_tables())
    before = now()
    importing.import_records(vault, sources.read_records(io.BytesIO(card), "vcard"), dry_run=True)
    assert now() == before
    assert watched <= stamp.counted_tables()
    importing.import_records(vault, sources.read_records(io.BytesIO(card), "vcard"))
    assert now() > before
    assert watched <= stamp.counted_tables()
    assert Person.objects.filter(family_name="Smith").count() == 1
