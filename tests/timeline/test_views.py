"""The timeline on the person page: capture, change, delete and page through someone's story."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.forms import SUMMARY_MAX
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note
from aandacht.timeline.panel import FIRST_PAGE_SIZE, PAGE_SIZE, person_url
from aandacht.timeline.services import (
    Cursor,
    add_follow_up,
    add_moment,
    add_note,
    log_interaction,
    timeline_page,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NOW = dt.datetime(2026, 10, 20, 14, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # used form tokens live in the cache


@pytest.fixture
def ann(vault: Vault) -> Person:
    return create_person(vault, "Ann Smith")


@pytest.fixture
def ben(vault: Vault) -> Person:
    return create_person(vault, "Ben Jones")


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def at(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, 0, tzinfo=dt.UTC)


def url(name: str, *args: Any) -> str:
    return reverse(f"timeline:{name}", args=args)


def errors_of(response: Any) -> dict[str, list[str]]:
    forms = response.context.get("forms")
    if forms:  # the panel (htmx): the submitted form is the bound one
        form = next(f for f in forms.values() if f.is_bound)
    else:  # a form on a page of its own
        form = response.context["form"]
    return {name: list(errors) for name, errors in form.errors.items()}


def render_panel(person: Person, user: User | AnonymousUser, *, can_write: bool = True) -> str:
    """The panel as the person page includes it: ``{% timeline_panel person %}``."""
    request = RequestFactory().get(person_url(person.pk))
    request.user = user
    request.session = SessionStore()
    template = Template("{% load timeline_tags %}{% timeline_panel person %}")
    return template.render(RequestContext(request, {"person": person, "can_write": can_write}))


# --- Logging an interaction ----------------------------------------------------------------


def test_logging_a_call_without_javascript_redirects_to_the_person_page(
    as_alice: Client, ann: Person, alice: User
) -> None:
    response = as_alice.post(url("log", ann.pk), {"kind": "call", "summary": " Her new job "})

    assert response.status_code == 302
    assert response["Location"] == f"{person_url(ann.pk)}#timeline-{ann.pk}"
    call = Interaction.objects.get()
    assert (call.kind, call.outcome, call.summary, call.author) == (
        "call",
        "conversation",
        "Her new job",
        alice,
    )
    assert list(call.people.all()) == [ann]
    assert abs(call.occurred_at - timezone.now()) < dt.timedelta(seconds=5)
    follow = as_alice.get(response["Location"].split("#")[0])
    if follow.status_code == 200:  # once the person page exists, the message shows there
        assert "Logged: call." in follow.content.decode()


def test_logging_with_htmx_answers_with_the_panel_and_a_status(
    as_alice: Client, ann: Person
) -> None:
    response = as_alice.post(
        url("log", ann.pk), {"kind": "meeting", "summary": "Coffee at Noord"}, headers=HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="timeline-body-{ann.pk}"' in html
    assert "Coffee at Noord" in html
    assert 'hx-swap-oob="innerHTML">Logged: meeting.</p>' in html
    assert response["HX-Retarget"] == f"#timeline-body-{ann.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert "timeline-changed" in response["HX-Trigger"]
    assert Interaction.objects.get().kind == "meeting"


@pytest.mark.parametrize(
    ("kind", "outcome"), [("voicemail", "attempt"), ("email", "one-way"), ("video", "conversation")]
)
def test_the_outcome_defaults_from_the_kind(
    as_alice: Client, ann: Person, kind: str, outcome: str
) -> None:
    as_alice.post(url("log", ann.pk), {"kind": kind})
    assert Interaction.objects.get().outcome == outcome


def test_outcome_initiator_time_and_others_can_be_chosen(
    as_alice: Client, ann: Person, ben: Person
) -> None:
    response = as_alice.post(
        url("log", ann.pk),
        {
            "kind": "call",
            "outcome": "attempt",
            "initiated_by": "them",
            "occurred_at": "2026-10-03T09:15",
            "others": [ben.pk],
        },
    )

    assert response.status_code == 302
    call = Interaction.objects.get()
    assert (call.outcome, call.initiated_by) == ("attempt", "them")
    assert timezone.localtime(call.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-10-03 09:15"
    assert set(call.people.all()) == {ann, ben}


def test_an_untouched_time_means_the_moment_of_saving(as_alice: Client, ann: Person) -> None:
    """The page may have been open for hours: "now" is when Save was pressed."""
    with time_machine.travel(NOW, tick=False):
        shown = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        as_alice.post(url("log", ann.pk), {"kind": "call", "occurred_at": shown, "shown_at": shown})
    assert Interaction.objects.get().occurred_at == NOW + dt.timedelta(hours=3)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "telepathy"}, "kind"),
        ({}, "kind"),
        ({"kind": "call", "outcome": "maybe"}, "outcome"),
        ({"kind": "call", "initiated_by": "nobody"}, "initiated_by"),
        ({"kind": "call", "occurred_at": "9999-12-31T23:59"}, "occurred_at"),
        ({"kind": "call", "occurred_at": "next tuesday"}, "occurred_at"),
        ({"kind": "call", "occurred_at": "0001-01-01T00:00"}, "occurred_at"),
        ({"kind": "call", "summary": "x" * (SUMMARY_MAX + 1)}, "summary"),
        ({"kind": "call", "others": ["abc"]}, "others"),
        ({"kind": "call", "others": ["99999999999999999999"]}, "others"),
        ({"kind": "call", "token": "not-a-token"}, "token"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_bad_input_is_shown_next_to_the_field_and_saves_nothing(
    as_alice: Client, ann: Person, data: dict[str, Any], field: str, htmx: bool
) -> None:
    response = as_alice.post(url("log", ann.pk), data, headers=HTMX if htmx else {})

    assert response.status_code == 200
    assert field in errors_of(response)
    html = response.content.decode()
    if field != "token":
        assert f'id="log-{field}_error"' in html
    assert Interaction.objects.count() == 0
    if htmx:
        assert f'id="timeline-body-{ann.pk}"' in html  # the panel, with the form in it
    else:
        assert "<h1>Log contact with Ann Smith</h1>" in html


def test_someone_from_another_vault_cannot_be_added_as_with_whom(
    as_alice: Client, ann: Person, other_vault: Vault
) -> None:
    stranger = create_person(other_vault, "Eve Stranger")

    response = as_alice.post(url("log", ann.pk), {"kind": "call", "others": [stranger.pk]})

    assert "others" in errors_of(response)
    assert Interaction.objects.count() == 0
    assert "Eve Stranger" not in response.content.decode()


def test_the_log_form_has_its_own_page_without_javascript(as_alice: Client, ann: Person) -> None:
    response = as_alice.get(url("log", ann.pk), {"kind": "voicemail"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="voicemail" id="log-kind_5" required checked' in html
    assert "hx-post" not in html  # a plain form on a page of its own


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_double_submission_creates_one_entry(as_alice: Client, ann: Person, htmx: bool) -> None:
    data = {"kind": "call", "summary": "Once", "token": "ab" * 16}
    headers = HTMX if htmx else {}

    first = as_alice.post(url("log", ann.pk), data, headers=headers)
    second = as_alice.post(url("log", ann.pk), data, headers=headers)

    assert first.status_code == second.status_code
    assert Interaction.objects.count() == 1
    as_alice.post(url("log", ann.pk), {**data, "token": "cd" * 16}, headers=headers)
    assert Interaction.objects.count() == 2


def test_a_token_is_freed_again_when_saving_failed(as_alice: Client, ann: Person) -> None:
    data = {"kind": "call", "token": "ef" * 16, "occurred_at": "9999-01-01T00:00"}
    as_alice.post(url("log", ann.pk), data)  # refused by the form: the token stays unused
    as_alice.post(url("log", ann.pk), {**data, "occurred_at": ""})
    assert Interaction.objects.count() == 1


def test_every_capture_form_in_the_panel_has_a_fresh_token(alice: User, ann: Person) -> None:
    html = render_panel(ann, alice)
    tokens = [part.split('"')[0] for part in html.split('name="token" value="')[1:]]
    assert len(tokens) == 4
    assert len(set(tokens)) == 4


# --- Notes, moments, follow-ups ------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_adding_a_note(as_alice: Client, ann: Person, alice: User, htmx: bool) -> None:
    response = as_alice.post(
        url("note", ann.pk),
        {"body": "Prefers calls after four", "private": "on"},
        headers=HTMX if htmx else {},
    )

    assert response.status_code == (200 if htmx else 302)
    note = Note.objects.get()
    assert (note.body, note.private, note.author, note.person) == (
        "Prefers calls after four",
        True,
        alice,
        ann,
    )
    if htmx:
        assert "Note added." in response.content.decode()


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * 10_001])
def test_an_empty_or_endless_note_is_refused(as_alice: Client, ann: Person, body: str) -> None:
    response = as_alice.post(url("note", ann.pk), {"body": body}, headers=HTMX)

    assert "body" in errors_of(response)
    assert response.context["open_form"] == "note"
    assert f'name="capture-{ann.pk}" open' in response.content.decode()
    assert Note.objects.count() == 0


def test_adding_a_moment(as_alice: Client, ann: Person) -> None:
    response = as_alice.post(
        url("moment", ann.pk),
        {"kind": "strength", "text": "Stayed calm when the boat capsized"},
    )

    assert response.status_code == 302
    moment = Moment.objects.get()
    assert (moment.kind, moment.private) == ("strength", False)


def test_a_moment_of_an_unknown_kind_is_refused(as_alice: Client, ann: Person) -> None:
    response = as_alice.post(url("moment", ann.pk), {"kind": "vague", "text": "Hm"})
    assert "kind" in errors_of(response)
    assert Moment.objects.count() == 0


def test_adding_a_follow_up_with_a_due_date(as_alice: Client, ann: Person) -> None:
    response = as_alice.post(
        url("follow_up", ann.pk),
        {"text": "Send the sailing article", "direction": "promise", "due_on": "2026-11-01"},
        headers=HTMX,
    )

    assert response.status_code == 200
    follow_up = FollowUp.objects.get()
    assert (follow_up.direction, follow_up.due_on) == ("promise", dt.date(2026, 11, 1))
    assert follow_up.is_open


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "", "direction": "promise"}, "text"),
        ({"text": "x", "direction": "someday"}, "direction"),
        ({"text": "x", "direction": "request", "due_on": "31-31-2026"}, "due_on"),
        ({"text": "x", "direction": "request", "due_on": "0001-01-01"}, "due_on"),
    ],
)
def test_bad_follow_ups_are_refused(
    as_alice: Client, ann: Person, data: dict[str, str], field: str
) -> None:
    response = as_alice.post(url("follow_up", ann.pk), data)
    assert response.status_code == 200
    assert field in errors_of(response)
    assert FollowUp.objects.count() == 0


def test_marking_a_follow_up_done_is_idempotent_and_can_be_undone(
    as_alice: Client, ann: Person
) -> None:
    follow_up = add_follow_up(ann.vault, ann, "Introduce to Bram")
    done_url = url("follow_up_done", ann.pk, follow_up.pk)

    as_alice.post(done_url, {"done": "1"})
    first = FollowUp.objects.get().done_at
    response = as_alice.post(done_url, {"done": "1"}, headers=HTMX)
    assert first is not None
    assert FollowUp.objects.get().done_at == first
    assert 'aria-pressed="true"' in response.content.decode()

    as_alice.post(done_url, {"done": "0"})
    as_alice.post(done_url, {"done": "0"})
    assert FollowUp.objects.get().is_open


@pytest.mark.parametrize("done", ["", "yes", "2"])
def test_a_done_toggle_without_a_clear_wish_is_a_bad_request(
    as_alice: Client, ann: Person, done: str
) -> None:
    follow_up = add_follow_up(ann.vault, ann, "Introduce to Bram")
    response = as_alice.post(url("follow_up_done", ann.pk, follow_up.pk), {"done": done})
    assert response.status_code == 400
    assert FollowUp.objects.get().is_open


# --- Editing and deleting ------------------------------------------------------------------


def test_editing_a_note_without_javascript(as_alice: Client, ann: Person, alice: User) -> None:
    note = add_note(ann.vault, ann, "Likes tea", author=alice, occurred_at=at(3))
    edit_url = url("edit", ann.pk, "note", note.pk)

    page = as_alice.get(edit_url)
    assert page.status_code == 200
    assert "Likes tea" in page.content.decode()
    shown = page.context["form"]["occurred_at"].value()

    response = as_alice.post(
        edit_url,
        {"body": "Likes green tea", "private": "on", "occurred_at": shown, "shown_at": shown},
    )

    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.body, note.private, note.occurred_at) == ("Likes green tea", True, at(3))


def test_editing_in_place_with_htmx(as_alice: Client, ann: Person, ben: Person) -> None:
    call = log_interaction(ann.vault, [ann], "call", occurred_at=at(3))
    edit_url = url("edit", ann.pk, "interaction", call.pk)

    fragment = as_alice.get(edit_url, headers=HTMX)
    html = fragment.content.decode()
    assert html.lstrip().startswith("<li")
    assert f'id="entry-interaction-{call.pk}"' in html

    invalid = as_alice.post(edit_url, {"kind": "telepathy"}, headers=HTMX)
    assert invalid.content.decode().lstrip().startswith("<li")
    assert "kind" in errors_of(invalid)

    saved = as_alice.post(
        edit_url,
        {
            "kind": "video",
            "summary": "Caught up",
            "occurred_at": "2026-10-04T10:00",
            "others": [ben.pk],
        },
        headers=HTMX,
    )
    assert saved["HX-Retarget"] == f"#timeline-body-{ann.pk}"
    call.refresh_from_db()
    assert (call.kind, call.outcome, call.summary) == ("video", "conversation", "Caught up")
    assert set(call.people.all()) == {ann, ben}


@pytest.mark.parametrize(
    ("kind", "make", "data"),
    [
        ("moment", lambda p: add_moment(p.vault, p, "Old"), {"kind": "grateful", "text": "New"}),
        (
            "follow-up",
            lambda p: add_follow_up(p.vault, p, "Old"),
            {"text": "New", "direction": "request", "due_on": "2027-01-05"},
        ),
    ],
)
def test_editing_moments_and_follow_ups(
    as_alice: Client, ann: Person, kind: str, make: Any, data: dict[str, str]
) -> None:
    entry = make(ann)
    response = as_alice.post(url("edit", ann.pk, kind, entry.pk), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == "New"


def test_deleting_asks_first_without_javascript(as_alice: Client, ann: Person, ben: Person) -> None:
    meeting = log_interaction(ann.vault, [ann, ben], "meeting", summary="Lunch")
    delete_url = url("delete", ann.pk, "interaction", meeting.pk)

    confirm = as_alice.get(delete_url)
    assert confirm.status_code == 200
    assert "It also disappears from the timeline of Ben Jones." in confirm.content.decode()
    assert Interaction.objects.count() == 1

    assert as_alice.post(delete_url).status_code == 302
    assert Interaction.objects.count() == 0
    assert as_alice.post(delete_url).status_code == 404  # a repeat changes nothing


def test_deleting_with_htmx_answers_with_the_panel(as_alice: Client, ann: Person) -> None:
    note = add_note(ann.vault, ann, "Gone soon")
    response = as_alice.post(url("delete", ann.pk, "note", note.pk), headers=HTMX)
    assert response.status_code == 200
    assert "Gone soon" not in response.content.decode()
    assert "Deleted." in response.content.decode()
    assert Note.objects.count() == 0


# --- Who may do what -----------------------------------------------------------------------


def every_endpoint(person: Person, note: Note, follow_up: FollowUp) -> list[tuple[str, str]]:
    return [
        ("post", url("log", person.pk)),
        ("post", url("note", person.pk)),
        ("post", url("moment", person.pk)),
        ("post", url("follow_up", person.pk)),
        ("post", url("follow_up_done", person.pk, follow_up.pk)),
        ("get", url("edit", person.pk, "note", note.pk)),
        ("post", url("edit", person.pk, "note", note.pk)),
        ("get", url("delete", person.pk, "note", note.pk)),
        ("post", url("delete", person.pk, "note", note.pk)),
    ]


def test_a_viewer_reads_but_cannot_write(client: Client, carol: User, ann: Person) -> None:
    note = add_note(ann.vault, ann, "Shared note")
    follow_up = add_follow_up(ann.vault, ann, "Call back")
    client.force_login(carol)

    for method, address in every_endpoint(ann, note, follow_up):
        data = {"kind": "call", "body": "x", "text": "x", "done": "1"}
        response = getattr(client, method)(address, data if method == "post" else None)
        assert response.status_code == 403, address
    assert Note.objects.count() == 1 and Interaction.objects.count() == 0
    assert FollowUp.objects.get().is_open

    panel = client.get(url("more", ann.pk), headers=HTMX)
    assert panel.status_code == 200
    assert "Shared note" in panel.content.decode()
    assert "capture-log" not in panel.content.decode()
    assert "Edit" not in panel.content.decode()


def test_someone_without_access_gets_not_found(
    client: Client, mallory: User, other_vault: Vault, ann: Person
) -> None:
    note = add_note(ann.vault, ann, "Secret")
    follow_up = add_follow_up(ann.vault, ann, "Call back")
    client.force_login(mallory)

    for method, address in [*every_endpoint(ann, note, follow_up), ("get", url("more", ann.pk))]:
        assert getattr(client, method)(address).status_code == 404, address
    assert Note.objects.get().body == "Secret"


def test_an_entry_of_someone_else_is_not_found(
    as_alice: Client, ann: Person, ben: Person, other_vault: Vault
) -> None:
    bens_note = add_note(ben.vault, ben, "Ben's")
    bens_follow_up = add_follow_up(ben.vault, ben, "Ben's")
    stranger = create_person(other_vault, "Eve Stranger")
    strangers_note = add_note(other_vault, stranger, "Eve's")

    for address in [
        url("edit", ann.pk, "note", bens_note.pk),
        url("delete", ann.pk, "note", bens_note.pk),
        url("edit", ann.pk, "note", strangers_note.pk),
        url("delete", ann.pk, "note", strangers_note.pk),
        url("follow_up_done", ann.pk, bens_follow_up.pk),
        url("edit", ann.pk, "telepathy", bens_note.pk),
        url("edit", ann.pk, "note", 99999999999999999),
    ]:
        assert as_alice.post(address, {"body": "mine now", "done": "1"}).status_code == 404
    assert Note.objects.filter(body="mine now").count() == 0
    assert FollowUp.objects.get().is_open


@pytest.mark.parametrize(
    "address",
    ["/people/abc/log/", "/people/1/timeline/note/abc/edit/", "/people/-1/note/"],
)
def test_odd_addresses_are_not_found(as_alice: Client, address: str) -> None:
    assert as_alice.post(address).status_code == 404


def test_people_in_the_trash_have_no_timeline_to_write_to(as_alice: Client, ann: Person) -> None:
    ann.trashed_at = timezone.now()
    ann.save()
    assert as_alice.post(url("log", ann.pk), {"kind": "call"}).status_code == 404


def test_signing_in_comes_first(client: Client, ann: Person) -> None:
    response = client.post(url("log", ann.pk), {"kind": "call"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Interaction.objects.count() == 0


def test_private_notes_and_moments_stay_with_their_author(
    client: Client, alice: User, bob: User, ann: Person
) -> None:
    secret = add_note(ann.vault, ann, "Going through a divorce", private=True, author=alice)
    moment = add_moment(ann.vault, ann, "Cried at my talk", private=True, author=alice)
    add_note(ann.vault, ann, "Prefers calls after four", author=alice)

    alices_view = render_panel(ann, alice)
    assert "Going through a divorce" in alices_view and "Cried at my talk" in alices_view
    assert alices_view.count('class="entry__private"') == 2

    bobs_view = render_panel(ann, bob)
    assert "Prefers calls after four" in bobs_view
    assert "Going through a divorce" not in bobs_view
    assert "Cried at my talk" not in bobs_view

    client.force_login(bob)
    for kind, pk in [("note", secret.pk), ("moment", moment.pk)]:
        assert client.get(url("edit", ann.pk, kind, pk)).status_code == 404
        assert (
            client.post(url("edit", ann.pk, kind, pk), {"body": "x", "text": "x"}).status_code
            == 404
        )
        assert client.post(url("delete", ann.pk, kind, pk)).status_code == 404
    assert (
        "Going through a divorce"
        not in client.get(url("more", ann.pk), headers=HTMX).content.decode()
    )
    secret.refresh_from_db()
    assert secret.body == "Going through a divorce"

    client.force_login(alice)
    assert client.post(url("delete", ann.pk, "note", secret.pk)).status_code == 302


def test_a_viewer_sees_the_panel_without_the_capture_bar(carol: User, ann: Person) -> None:
    add_note(ann.vault, ann, "Shared note")
    html = render_panel(ann, carol, can_write=False)
    assert "Shared note" in html
    assert "<form" not in html


# --- The list: order, paging, queries ------------------------------------------------------


def fill_timeline(person: Person, author: User, count: int = 60) -> None:
    """``count`` entries of every kind, one hour apart, some with others involved."""
    other = create_person(person.vault, "Cas de Vries")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for index in range(count):
        when = start + dt.timedelta(hours=index)
        match index % 4:
            case 0:
                log_interaction(
                    person.vault,
                    [person, other],
                    "call",
                    summary=f"entry {index}",
                    occurred_at=when,
                )
            case 1:
                add_note(person.vault, person, f"entry {index}", author=author, occurred_at=when)
            case 2:
                add_moment(person.vault, person, f"entry {index}", author=author, occurred_at=when)
            case _:
                add_follow_up(person.vault, person, f"entry {index}", occurred_at=when)


def test_the_panel_shows_the_newest_twenty_then_fifty_at_a_time(
    as_alice: Client, alice: User, ann: Person, django_assert_max_num_queries: Any
) -> None:
    fill_timeline(ann, alice)

    # 8: one per kind of entry (the fifth is the check-in steps done, they show on the
    # timeline too), the people of the interactions, and two for the log form's "with others".
    with django_assert_max_num_queries(8):
        html = render_panel(ann, alice)

    shown = [int(part.split("<")[0]) for part in html.split('class="entry__text">entry ')[1:]]
    assert shown == list(range(59, 39, -1)) and FIRST_PAGE_SIZE == 20
    assert "Show more" in html
    more = html.split('hx-get="')[-1].split('"')[0].replace("&amp;", "&")
    fragment = as_alice.get(more, headers=HTMX).content.decode()
    shown = [int(part.split("<")[0]) for part in fragment.split('class="entry__text">entry ')[1:]]
    assert shown == list(range(39, -1, -1))  # the remaining forty: a page holds fifty
    assert "Show more" not in fragment


def test_show_more_continues_where_the_page_ended(
    as_alice: Client, alice: User, ann: Person
) -> None:
    fill_timeline(ann, alice)
    first = timeline_page(ann, alice, size=50)
    assert first.next_cursor is not None

    fragment = as_alice.get(url("more", ann.pk), {"before": str(first.next_cursor)}, headers=HTMX)
    html = fragment.content.decode()
    assert html.lstrip().startswith("<li")
    shown = [int(part.split("<")[0]) for part in html.split('class="entry__text">entry ')[1:]]
    assert shown == list(range(9, -1, -1))
    assert "Show more" not in html

    page = as_alice.get(url("more", ann.pk), {"before": str(first.next_cursor)})
    assert page.status_code == 200
    assert "Earlier with Ann Smith" in page.content.decode()


def test_paging_neither_skips_nor_repeats_entries_at_the_same_moment(
    vault: Vault, alice: User, ann: Person
) -> None:
    same = at(5)
    for index in range(7):
        add_note(vault, ann, f"n{index}", author=alice, occurred_at=same)
        add_moment(vault, ann, f"m{index}", author=alice, occurred_at=same)
        log_interaction(vault, [ann], "call", occurred_at=same)
    seen: list[tuple[str, int]] = []
    cursor: Cursor | None = None
    while True:
        page = timeline_page(ann, alice, after=cursor, size=4)
        seen += [(entry.kind, entry.item.pk) for entry in page.entries]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == 21 == len(set(seen))


@pytest.mark.parametrize("before", ["nonsense", "1.note", "9" * 40 + ".note.1", "1.telepathy.2"])
def test_a_mangled_show_more_link_is_not_found(as_alice: Client, ann: Person, before: str) -> None:
    assert as_alice.get(url("more", ann.pk), {"before": before}).status_code == 404


def test_the_panel_without_a_cursor_is_the_person_page(as_alice: Client, ann: Person) -> None:
    response = as_alice.get(url("more", ann.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(person_url(ann.pk))


def test_relative_and_language_dates(alice: User, ann: Person) -> None:
    with time_machine.travel(NOW, tick=False):
        add_note(ann.vault, ann, "Three days back", occurred_at=NOW - dt.timedelta(days=3))
        add_follow_up(ann.vault, ann, "Soon", due_on=(NOW + dt.timedelta(days=14)).date())
        html = render_panel(ann, alice)
    assert "3\xa0days ago" in html
    assert "in 2\xa0weeks" in html
    assert "17 October 2026" in html


def test_an_entry_opened_with_show_more_is_still_there_after_editing_it(
    as_alice: Client, alice: User, ann: Person
) -> None:
    """Saving or cancelling an inline edit renders the panel body again: as long as a "Show
    more" page, so the entry just edited (here the 35th) does not disappear."""
    fill_timeline(ann, alice)
    note = Note.objects.get(person=ann, body="entry 25")
    edit_url = url("edit", ann.pk, "note", note.pk)
    shown = as_alice.get(edit_url, headers=HTMX).context["form"]["occurred_at"].value()

    saved = as_alice.post(
        edit_url,
        {"body": "entry 25 edited", "occurred_at": shown, "shown_at": shown},
        headers=HTMX,
    ).content.decode()
    assert "entry 25 edited" in saved
    assert saved.count('class="entry__text">entry ') == PAGE_SIZE

    cancelled = as_alice.get(url("more", ann.pk), headers=HTMX).content.decode()
    assert "entry 25 edited" in cancelled


def test_what_people_wrote_is_escaped_on_the_timeline(
    vault: Vault, ann: Person, alice: User, bob: User
) -> None:
    """Entries are written in Python (timeline_tags.entry_html): every value escaped."""
    bob.first_name = "<b>Bob</b>"
    bob.save()
    other = create_person(vault, "Eve <img src=x onerror=alert(1)>")
    log_interaction(vault, [ann, other], "call", summary="<script>alert(1)</script>\nline two")
    add_note(vault, ann, 'Said "no" & <i>left</i>', author=bob)
    add_follow_up(vault, ann, "<svg onload=alert(2)>", due_on=dt.date(2026, 10, 1), author=alice)

    page = render_panel(ann, alice)

    for raw in ("<script>", "<b>Bob</b>", "<img src=x", "<i>left</i>", "<svg onload"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>line two" in page
    assert "by &lt;b&gt;Bob&lt;/b&gt;" in page
    assert "with Eve &lt;img src=x onerror=alert(1)&gt;" in page
    assert "Said &quot;no&quot; &amp; &lt;i&gt;left&lt;/i&gt;" in page
    assert "&lt;svg onload=alert(2)&gt;" in page  # the follow-up and its Done button's label
