"""The appreciation nudge on the Today page: shown with the strengths, its actions with htmx
and as plain forms, roles (a viewer gets none, another vault is a 404), and bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Vault
from aandacht.attention import appreciation
from aandacht.attention.models import AppreciationNudge, NudgeOutcome
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import Person
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import add_moment

TODAY_URL = "/today/"
HTMX = {"HX-Request": "true", "HX-Target": "agenda"}

MakePerson = Callable[..., Person]


@pytest.fixture
def anna(make_person: MakePerson, alice: User, today: dt.date) -> Person:
    person = make_person("Anna Smit", tags=("klanten",))
    add_moment(person.vault, person, "Anna keeps her promises.", kind="strength", author=alice)
    add_moment(
        person.vault, person, "Anna recommended me.", kind="grateful", author=alice, private=True
    )
    return person


@pytest.fixture
def bas(make_person: MakePerson, alice: User, today: dt.date) -> Person:
    person = make_person("Bas Vriend")
    add_moment(person.vault, person, "Bas is patient.", kind="strength", author=alice)
    return person


@pytest.fixture
def alice_client(client: Client, alice: User, today: dt.date) -> Client:
    client.force_login(alice)
    return client


def url(name: str, person: Person) -> str:
    return reverse(f"attention:appreciation_{name}", args=[person.pk])


def messages_of(response: object) -> list[str]:
    """The messages of this response (earlier, unread ones come first: take the last)."""
    found = [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]
    return found[-1:]


def test_today_shows_the_nudge_with_the_strengths(alice_client: Client, anna: Person) -> None:
    page = alice_client.get(TODAY_URL).content.decode()

    assert 'data-testid="appreciation"' in page
    assert "Anna Smit" in page
    assert "Anna keeps her promises." in page
    assert "Anna recommended me." in page  # her own private moment: Alice sees it
    assert "I told them" in page and "Not now" in page and "Someone else" in page
    assert AppreciationNudge.objects.filter(person=anna).count() == 1


def test_no_nudge_without_strengths(alice_client: Client, make_person: MakePerson) -> None:
    make_person("Anna Smit", tags=("clients",))

    page = alice_client.get(TODAY_URL).content.decode()
    assert 'data-testid="appreciation"' not in page


def test_no_nudge_on_another_day(alice_client: Client, anna: Person, today: dt.date) -> None:
    tomorrow = (today + dt.timedelta(days=1)).isoformat()

    page = alice_client.get(TODAY_URL, {"date": tomorrow}).content.decode()
    assert 'data-testid="appreciation"' not in page
    assert not AppreciationNudge.objects.exists()


def test_the_home_summary_mentions_it(alice_client: Client, anna: Person) -> None:
    page = alice_client.get(reverse("attention:today_summary")).content.decode()

    assert "tell Anna Smit what you value" in page


def test_told_plain_form_logs_once_and_redirects(alice_client: Client, anna: Person) -> None:
    alice_client.get(TODAY_URL)

    response = alice_client.post(url("told", anna), {"kind": "email", "what": "Your calm"})
    assert response.status_code == 302 and response["Location"] == TODAY_URL
    assert messages_of(response) == ["Noted that you told Anna Smit what you value in them."]
    again = alice_client.post(url("told", anna), {"kind": "email"})
    assert messages_of(again) == ["Already noted that you told Anna Smit."]

    interaction = Interaction.objects.get()
    assert interaction.kind == "email" and interaction.initiated_by == "me"
    assert "Your calm" in interaction.summary
    page = alice_client.get(TODAY_URL).content.decode()
    assert "you told them what you value" in page and "Undo" in page


def test_told_with_htmx_rerenders_the_agenda(alice_client: Client, anna: Person) -> None:
    alice_client.get(TODAY_URL)

    response = alice_client.post(url("told", anna), {"kind": "call"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="agenda"' in body and "Noted that you told Anna Smit" in body
    assert "appreciation-card--handled" in body


def test_told_bad_kind_is_an_error_and_logs_nothing(alice_client: Client, anna: Person) -> None:
    alice_client.get(TODAY_URL)

    response = alice_client.post(url("told", anna), {"kind": "voicemail"}, headers=HTMX)
    assert response.status_code == 200
    assert "Choose call, message, email, meeting or card." in response.content.decode()
    response = alice_client.post(url("told", anna), {"what": "x" * 501})
    assert "at most 500 characters" in messages_of(response)[0]
    assert not Interaction.objects.exists()


def test_not_now_and_undo(alice_client: Client, anna: Person) -> None:
    alice_client.get(TODAY_URL)

    alice_client.post(url("dismiss", anna))
    alice_client.post(url("dismiss", anna))
    assert AppreciationNudge.objects.get().outcome == NudgeOutcome.DISMISSED
    page = alice_client.get(TODAY_URL).content.decode()
    assert "appreciation-card--handled" in page

    alice_client.post(url("undo", anna))
    assert AppreciationNudge.objects.get().outcome == NudgeOutcome.OPEN
    response = alice_client.post(url("undo", anna))
    assert messages_of(response) == ["There is nothing to undo for Anna Smit."]


def test_undo_told_removes_the_interaction(alice_client: Client, anna: Person) -> None:
    alice_client.get(TODAY_URL)
    alice_client.post(url("told", anna))

    alice_client.post(url("undo", anna), headers=HTMX)

    assert not Interaction.objects.exists()
    assert AppreciationNudge.objects.get().outcome == NudgeOutcome.OPEN


def test_someone_else(alice_client: Client, anna: Person, bas: Person) -> None:
    alice_client.get(TODAY_URL)

    response = alice_client.post(url("other", anna))
    assert messages_of(response) == ["Suggesting Bas Vriend instead."]
    page = alice_client.get(TODAY_URL).content.decode()
    assert "Bas is patient." in page and "Anna keeps her promises." not in page
    stale = alice_client.post(url("other", anna))
    assert "no suggestion for Anna Smit today" in messages_of(stale)[0]


def test_acting_without_a_nudge_is_a_clear_error(alice_client: Client, anna: Person) -> None:
    response = alice_client.post(url("told", anna))

    assert response.status_code == 302
    assert "no suggestion for Anna Smit today" in messages_of(response)[0]
    assert not Interaction.objects.exists()


def test_trashed_person_is_gone_from_today_and_a_404(alice_client: Client, anna: Person) -> None:
    alice_client.get(TODAY_URL)
    trash_person(anna)

    page = alice_client.get(TODAY_URL).content.decode()
    assert 'data-testid="appreciation"' not in page
    assert alice_client.post(url("told", anna)).status_code == 404


def test_bob_the_editor_gets_his_own_nudge_without_alices_private_moment(
    client: Client, bob: User, anna: Person
) -> None:
    client.force_login(bob)

    page = client.get(TODAY_URL).content.decode()
    assert "Anna keeps her promises." in page
    assert "Anna recommended me." not in page
    assert client.post(url("told", anna)).status_code == 302
    assert AppreciationNudge.objects.get(user=bob).outcome == NudgeOutcome.GIVEN


def test_carol_the_viewer_gets_no_nudge_and_may_not_act(
    client: Client, carol: User, alice: User, vault: Vault, anna: Person
) -> None:
    appreciation.suggestion_for(alice, vault)
    client.force_login(carol)

    page = client.get(TODAY_URL).content.decode()
    assert 'data-testid="appreciation"' not in page
    for name in ("told", "dismiss", "other", "undo"):
        assert client.post(url(name, anna)).status_code == 403
    assert not AppreciationNudge.objects.filter(user=carol).exists()


def test_mallory_gets_a_404(client: Client, mallory: User, anna: Person) -> None:
    client.force_login(mallory)

    for name in ("told", "dismiss", "other", "undo"):
        assert client.post(url(name, anna)).status_code == 404
    assert client.post("/today/abc/appreciation/told/").status_code == 404


def test_actions_are_post_only(alice_client: Client, anna: Person) -> None:
    assert alice_client.get(url("told", anna)).status_code == 405


def test_focus_on_the_nudge_is_not_gone(alice_client: Client, anna: Person) -> None:
    alice_client.get(TODAY_URL)
    key = f"appreciation-{AppreciationNudge.objects.get().pk}"

    page = alice_client.get(TODAY_URL, {"focus": key}).content.decode()
    assert "no longer on this list" not in page
    assert "is-focused" in page


def test_query_count_with_a_nudge_stays_within_the_todays_bound(
    alice_client: Client,
    alice: User,
    anna: Person,
    make_person: MakePerson,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            person = make_person(f"Client{number} Test", tags=("clients",))
            for text in ("kind", "sharp"):
                add_moment(person.vault, person, f"{text} {number}", kind="strength", author=alice)

    add(3, 0)
    alice_client.get(TODAY_URL)  # the first visit makes the nudge
    with CaptureQueriesContext(connection) as few:
        assert alice_client.get(TODAY_URL).status_code == 200
    add(20, 3)
    with CaptureQueriesContext(connection) as many:
        assert alice_client.get(TODAY_URL).status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 24  # the bound of test_query_count_does_not_grow_with_people_on_a_rhythm


def test_query_count_when_the_nudge_is_made_does_not_grow(
    client: Client, alice: User, bob: User, make_person: MakePerson, today: dt.date
) -> None:
    client.force_login(bob)

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            person = make_person(f"Client{number} Test", tags=("clients", f"t{number}"))
            add_moment(person.vault, person, f"kind {number}", kind="strength", author=alice)

    add(3, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(TODAY_URL)
    AppreciationNudge.objects.all().delete()
    add(20, 3)
    with CaptureQueriesContext(connection) as many:
        client.get(TODAY_URL)
    assert AppreciationNudge.objects.count() == 1
    # The first visit also stores the agenda settings: the second may only be cheaper.
    assert len(many) <= len(few)


# --- Private strengths ------------------------------------------------------------------------


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_card_marks_your_own_private_strength(
    alice_client: Client, alice: User, anna: Person
) -> None:
    add_moment(
        anna.vault, anna, "Anna covers for her team.", kind="strength", author=alice, private=True
    )

    page = alice_client.get(TODAY_URL).content.decode()

    private = '<span class="badge">private</span>'
    assert f"<li>Anna covers for her team. · {private}</li>" in page
    assert "<li>Anna keeps her promises.</li>" in page
    assert f"<li>Anna recommended me. · {private}</li>" in page  # a private grateful moment
    assert 'placeholder="Empty: the strengths above that are not private"' in page
    assert 'aria-describedby="tell-what-help"' in page
    assert "they are not copied into what is logged" in page


def test_no_private_note_when_nothing_private_is_shown(alice_client: Client, bas: Person) -> None:
    page = alice_client.get(TODAY_URL).content.decode()

    assert "<li>Bas is patient.</li>" in page
    assert 'placeholder="Empty: the strengths above"' in page
    assert "tell-what-help" not in page


def test_told_with_nothing_typed_keeps_a_private_strength_out_of_the_shared_timeline(
    alice_client: Client,
    alice: User,
    bob: User,
    carol: User,
    make_person: MakePerson,
    today: dt.date,
) -> None:
    """The reviewer's reproduction, through the pages: Alice's private strength of Zoe, "I
    told them" with nothing typed; Bob (editor) and Carol (viewer) see the timeline."""
    zoe = make_person("Zoe Visser", tags=("clients",))
    add_moment(zoe.vault, zoe, "SECRET strength", kind="strength", author=alice, private=True)
    card = alice_client.get(TODAY_URL).content.decode()
    assert "SECRET strength · " in card  # Alice's own, marked private
    assert 'placeholder="Empty: a general line (private strengths are not copied)"' in card

    response = alice_client.post(url("told", zoe), {"kind": "message", "what": ""})
    assert response.status_code == 302

    assert Interaction.objects.get().summary == "Told them what I value in working with them."
    for member in (bob, carol):
        member_client = client_for(member)
        timeline_url = reverse("timeline:more", args=[zoe.pk])
        for address in (reverse("people:detail", args=[zoe.pk]), timeline_url, TODAY_URL):
            # The timeline panel's body is what htmx loads; without it, a redirect to the page.
            headers = {"HX-Request": "true"} if address == timeline_url else {}
            page = member_client.get(address, headers=headers)
            assert page.status_code == 200, address
            assert "SECRET" not in page.content.decode(), (member.username, address)
        timeline = member_client.get(timeline_url, headers={"HX-Request": "true"}).content.decode()
        assert "Told them what I value in working with them." in timeline
