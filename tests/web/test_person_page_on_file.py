"""The person page asks once what someone has on file at all, and reads only what is there.

``briefing.on_file`` answers, in one query, which of the tables the page reads hold anything
of the person; the sections and the timeline skip the others. A flag may be true of rows a
section then filters out, never false of rows it would show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Vault
from aandacht.people import editing
from aandacht.people.briefing import OnFile, on_file
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import Person
from aandacht.people.services import (
    add_contact_method,
    add_important_date,
    create_person,
    relate,
)
from aandacht.rounds.models import CheckInStep
from aandacht.rounds.services import start_round
from aandacht.timeline import forms
from aandacht.timeline.forms import LogForm
from aandacht.timeline.services import (
    add_follow_up,
    add_moment,
    add_note,
    log_interaction,
    timeline_page,
)

pytestmark = pytest.mark.django_db

NOTHING = OnFile(
    tags=False,
    contacts=False,
    dates=False,
    relationships=False,
    addresses=False,
    follow_ups=False,
    moments=False,
    notes=False,
    check_ins=False,
    interactions=False,
    others_past_limit=False,
)


@pytest.fixture
def signed_in(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def at(day: int) -> dt.datetime:
    return dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC) + dt.timedelta(days=day)


def test_someone_new_has_nothing_on_file(vault: Vault) -> None:
    assert on_file(create_person(vault, "Ann Smith")) == NOTHING


def test_each_kind_of_row_is_found(vault: Vault, alice: User) -> None:
    ann = create_person(vault, "Ann Smith")
    ben = create_person(vault, "Ben Jones")

    log_interaction(vault, [ann], "call", author=alice)
    assert on_file(ann) == replace(NOTHING, interactions=True)
    add_note(vault, ann, "Loves sailing", author=alice)
    add_moment(vault, ann, "Helped me move", kind="grateful", author=alice)
    add_follow_up(vault, ann, "Send the article", author=alice)
    editing.add_address(ann, {"street": "Kade 1", "locality": "Utrecht"})
    start_round(vault, "Autumn", [ann], author=alice)
    editing.replace_tags(ann, [], ["rowing"])
    add_contact_method(ann, "email", "ann@example.org")
    add_important_date(ann, "birthday", 3, 14)

    found = on_file(ann)

    assert found == OnFile(
        tags=True,
        contacts=True,
        dates=True,
        relationships=False,
        addresses=True,
        follow_ups=True,
        moments=True,
        notes=True,
        check_ins=True,
        interactions=True,
        others_past_limit=False,
    )
    assert on_file(ben) == NOTHING  # nothing of Ann's counts for Ben


@pytest.mark.parametrize("side", ["from", "to"])
def test_a_relationship_counts_from_either_side(vault: Vault, side: str) -> None:
    ann = create_person(vault, "Ann Smith")
    ben = create_person(vault, "Ben Jones")
    if side == "from":
        relate(ann, "friend", ben)
    else:
        relate(ben, "friend", ann)

    assert on_file(ann).relationships and on_file(ben).relationships
    assert on_file(ann).holds("relationships")
    assert not on_file(ann).holds("addresses")
    assert on_file(ann).holds("name")  # not probed: always read


def test_the_kinds_of_entry_absent_from_the_timeline(vault: Vault, alice: User) -> None:
    ann = create_person(vault, "Ann Smith")
    add_note(vault, ann, "Loves sailing", author=alice)

    assert on_file(ann).absent_entries() == {"interaction", "moment", "follow_up", "check_in"}


def test_the_page_of_someone_with_little_on_file_reads_less(
    signed_in: Client,
    vault: Vault,
    alice: User,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    """Someone new costs the probe and the sections that are always read, not one query per
    empty table; someone with everything still shows everything."""
    ann = create_person(vault, "Ann Smith")
    url = reverse("people:detail", args=[ann.pk])
    signed_in.get(url)  # the session and the vault settled

    with django_assert_max_num_queries(14) as empty:
        response = signed_in.get(url, HTTP_CACHE_CONTROL="no-cache")
    assert response.status_code == 200
    read = " ".join(query["sql"] for query in empty.captured_queries)
    for table in (
        "people_tag",
        "people_contactmethod",
        "people_importantdate",
        "people_relationship",
        "people_address",
        "timeline_note",
        "rounds_checkin",
    ):
        assert f'FROM "{table}"' not in read  # only in the probe, which names them bare

    ben = create_person(vault, "Ben Jones")
    relate(ann, "friend", ben)
    editing.add_address(ann, {"street": "Kade 1", "locality": "Utrecht"})
    log_interaction(vault, [ann, ben], "call", summary="Talked about the boat", author=alice)
    add_note(vault, ann, "Loves sailing", author=alice)
    add_moment(vault, ann, "Helped me move", kind="grateful", author=alice)
    add_follow_up(vault, ann, "Send the article", author=alice)
    start_round(vault, "Autumn", [ann], author=alice)
    editing.replace_tags(ann, [], ["rowing"])
    add_contact_method(ann, "email", "ann@example.org")
    add_important_date(ann, "anniversary", 3, 14)

    html = signed_in.get(url, HTTP_CACHE_CONTROL="no-cache").content.decode()

    for shown in (
        "Ben Jones",  # the relationship, and "with Ben Jones" under the call
        "Kade 1",
        "Talked about the boat",
        "Loves sailing",
        "Helped me move",
        "Send the article",
        "Autumn",
        "rowing",
        "ann@example.org",
        "14 March",
    ):
        assert shown in html, shown


def _unbounded(person: Person, viewer: User, size: int) -> list[Any]:
    """The first page as the merge of every kind's ``size + 1`` latest, without the bound."""
    page = timeline_page(person, viewer, size=10_000)
    return [(entry.kind, entry.item.pk) for entry in page.entries[:size]]


def test_the_timeline_reads_other_kinds_only_as_far_back_as_the_page_reaches(
    vault: Vault, alice: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """Once the interactions fill the page, the other kinds are read from its last entry's
    time on: the same page as reading them all, ties at that time included."""
    ann = create_person(vault, "Ann Smith")
    for day in range(40):
        log_interaction(vault, [ann], "call", occurred_at=at(day), author=alice)
    # Notes and moments before, at and after the 21st newest call (day 19).
    for day in (2, 18, 19, 25, 39):
        add_note(vault, ann, f"note {day}", author=alice, occurred_at=at(day))
    add_moment(vault, ann, "at the edge", kind="shared", author=alice, occurred_at=at(19))
    add_follow_up(vault, ann, "old promise", author=alice, occurred_at=at(1))

    with django_assert_max_num_queries(7) as reads:
        page = timeline_page(ann, alice, size=20)

    assert [(e.kind, e.item.pk) for e in page.entries] == _unbounded(ann, alice, 20)
    assert page.next_cursor is not None
    kinds = [entry.kind for entry in page.entries]
    assert kinds.count("note") == 2  # days 39 and 25; day 19's sorts after the 20th entry
    notes = next(q["sql"] for q in reads.captured_queries if 'FROM "timeline_note"' in q["sql"])
    assert '"timeline_note"."occurred_at" >=' in notes

    # The next page continues where the first stopped, the notes at the edge included.
    after = timeline_page(ann, alice, size=20, after=page.next_cursor)
    shown = [(e.kind, e.item.pk) for e in page.entries + after.entries]
    assert shown == _unbounded(ann, alice, 40)


def test_the_timeline_skips_only_the_kinds_it_is_told_are_absent(vault: Vault, alice: User) -> None:
    ann = create_person(vault, "Ann Smith")
    note = add_note(vault, ann, "Loves sailing", author=alice)

    assert [e.item for e in timeline_page(ann, alice, absent={"moment"}).entries] == [note]
    assert timeline_page(ann, alice, absent={"note"}).entries == []


def test_whether_the_vault_is_past_the_log_forms_limit(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the log form's own probe: more than ``OTHERS_LISTED`` others, not in the trash."""
    monkeypatch.setattr(forms, "OTHERS_LISTED", 3)
    people = [create_person(vault, f"Person {n} Edge") for n in range(4)]
    assert not on_file(people[0]).others_past_limit  # three others

    fifth = create_person(vault, "Person 4 Edge")
    assert on_file(people[0]).others_past_limit
    assert on_file(people[0]).others_past_limit == LogForm(person=people[0])._listed_others()[0]

    trash_person(fifth)
    assert not on_file(people[0]).others_past_limit


def _options(form: LogForm) -> list[tuple[int, str]]:
    return [(int(str(value)), str(label)) for value, label in form.fields["others"].widget.choices]


def test_the_log_form_lists_the_timelines_companions_as_its_own_query_would(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the timeline's interactions, "with others too" reads nothing and lists what its
    query lists: the people of the latest 20, by name, not the person, not the trashed."""
    monkeypatch.setattr(forms, "OTHERS_LISTED", 3)
    ann = create_person(vault, "Ann Smith")
    crowd = [create_person(vault, name) for name in ("Zoe Adams", "Bram de Vries", "Cas Bakker")]
    early = create_person(vault, "Early Only")
    gone = create_person(vault, "Gone Person")
    edge = create_person(vault, "Twenty First")
    log_interaction(vault, [ann, early], "meeting", occurred_at=at(0), author=alice)
    for day in range(1, 25):  # the latest 20: day 30's and days 6–24; day 5's is the 21st
        with_them = [crowd[day % 3], *([edge] if day == 5 else [])]
        log_interaction(vault, [ann, *with_them], "call", occurred_at=at(day), author=alice)
    log_interaction(vault, [ann, gone, *crowd], "meeting", occurred_at=at(30), author=alice)
    trash_person(gone)

    page = timeline_page(ann, alice, size=20)
    read_before = LogForm(person=ann)

    given = LogForm(person=ann, others_past_limit=True, recent=page.interactions)
    with CaptureQueriesContext(connection) as reads:
        listed = _options(given)

    assert reads.captured_queries == []
    assert listed == _options(read_before)
    assert [label for _pk, label in listed] == ["Zoe Adams", "Cas Bakker", "Bram de Vries"]
    assert len(page.interactions) == 21 and edge.name not in dict(listed).values()
    assert str(given["others"].help_text) == str(forms.BIG_VAULT_OTHERS_HELP)


def test_the_person_page_lists_companions_without_a_query_of_the_form(
    signed_in: Client, vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forms, "OTHERS_LISTED", 2)
    ann = create_person(vault, "Ann Smith")
    ben = create_person(vault, "Ben Jones")
    for name in ("Cas Bakker", "Dirk Mol", "Eva Kok"):
        create_person(vault, name)
    log_interaction(vault, [ann, ben], "call", author=alice)
    url = reverse("people:detail", args=[ann.pk])

    with CaptureQueriesContext(connection) as reads:
        html = signed_in.get(url, HTTP_CACHE_CONTROL="no-cache").content.decode()

    others = html[html.index('name="others"') :]
    others = others[: others.index("</select>")]
    assert "Ben Jones" in others and "Cas Bakker" not in others
    assert str(forms.BIG_VAULT_OTHERS_HELP).replace("'", "&#x27;") in html
    queries = [query["sql"] for query in reads.captured_queries]
    # The form's probe is on_file's; its list is the timeline's interactions' people.
    assert [sql for sql in queries if "OFFSET" in sql and "EXISTS" not in sql] == []
    # on_file, the last conversation, the timeline's interactions and their people.
    assert sum("timeline_interaction_people" in sql for sql in queries) == 4


def test_every_section_on_file_may_skip_has_what_it_shows_instead() -> None:
    from aandacht.people import briefing

    flags = {field.name for field in fields(OnFile)}
    assert set(briefing.NOTHING_ON_FILE) == set(briefing._SECTION_TABLES)
    assert set(briefing._SECTION_TABLES) <= set(briefing.LOADERS)
    assert set(briefing._SECTION_TABLES.values()) <= flags
    assert set(briefing._ENTRY_TABLES.values()) <= flags


def test_an_entry_at_the_bounds_own_time_is_still_read(vault: Vault, alice: User) -> None:
    """The page's last two interactions share a time; a check-in step done at that time sorts
    before both (its kind ranks above), so it is the page's 20th entry: read only because
    the bound includes its own time."""
    ann = create_person(vault, "Ann Smith")
    for day in range(2, 21):
        log_interaction(vault, [ann], "call", occurred_at=at(day), author=alice)
    for _twice in range(2):
        log_interaction(vault, [ann], "call", occurred_at=at(1), author=alice)
    start_round(vault, "Autumn", [ann], author=alice)
    step = CheckInStep.objects.filter(check_in__person=ann).order_by("id").first()
    assert step is not None
    CheckInStep.objects.filter(pk=step.pk).update(done_at=at(1), done_by=alice)

    page = timeline_page(ann, alice, size=20)

    assert [(e.kind, e.item.pk) for e in page.entries] == _unbounded(ann, alice, 20)
    assert (page.entries[-1].kind, page.entries[-1].item.pk) == ("check_in", step.pk)
