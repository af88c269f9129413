"""The person page: a briefing, editable in place section by section (htmx and plain POST)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings

from aandacht.accounts.models import Vault
from aandacht.people import editing
from aandacht.people.briefing import contact_href, dates_ahead
from aandacht.people.models import (
    Address,
    ContactMethod,
    ImportantDate,
    Person,
    Relationship,
    Tag,
)
from aandacht.people.services import (
    add_contact_method,
    add_important_date,
    create_person,
    relate,
)
from aandacht.people.views.person import lifecycle_actions
from aandacht.timeline.models import FollowUp
from aandacht.timeline.services import add_follow_up, add_moment, add_note, log_interaction

HX = {"HX-Request": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SINGLE_SECTIONS = ["name", "photo", "work", "tags", "words", "met"]
LIST_SECTIONS = ["contacts", "dates", "relationships", "addresses"]
ALL_SECTIONS = SINGLE_SECTIONS + LIST_SECTIONS


def detail_url(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def edit_url(person: Person, section: str) -> str:
    return reverse("people:edit", args=[person.pk, section])


def item_url(person: Person, section: str, item: int) -> str:
    return reverse("people:edit_item", args=[person.pk, section, item])


def remove_url(person: Person, section: str, item: int) -> str:
    return reverse("people:remove_item", args=[person.pk, section, item])


def page(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture(autouse=True)
def quick_passwords(settings: Settings) -> None:
    """The cast's passwords are hashed on creation; the slow production hasher adds nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def jeroen(vault: Vault) -> Person:
    return create_person(
        vault,
        "Jeroen van de Ven",
        nickname="Jer",
        organisation="Acme",
        job_title="CTO",
        what_they_do="I help small teams ship calmly.",
        what_they_care_about="Rowing, and his daughter Fenna.",
        emails=["Jeroen@Example.NL"],
        phones=["06 12345678"],
        tags=["friends"],
    )


@pytest.fixture
def denise(vault: Vault) -> Person:
    return create_person(vault, "Denise van Iersel")


@pytest.fixture
def stranger(other_vault: Vault) -> Person:
    """Someone in Mallory's vault: never reachable from Alice's."""
    return create_person(other_vault, "Mallory's Friend")


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# Reading ----------------------------------------------------------------------------------------


def test_person_page_needs_a_signed_in_user(client: Client, jeroen: Person) -> None:
    response = client.get(detail_url(jeroen))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_briefing_shows_who_they_are_at_a_glance(
    alice_client: Client, jeroen: Person, denise: Person
) -> None:
    jeroen.pronouns = "he/him"
    jeroen.met_on = dt.date(2025, 3, 12)
    jeroen.met_at = "PyCon NL"
    jeroen.met_channel = "conference"
    jeroen.met_via = denise
    jeroen.met_story = "We queued for coffee."
    jeroen.save()
    add_contact_method(jeroen, "social", "@jeroen@mastodon.social")
    add_contact_method(jeroen, "website", "https://jeroen.example.nl/")
    Address.objects.create(person=jeroen, label="home", street="Kade 1", locality="Utrecht")
    relate(denise, "friend", jeroen)

    html = page(alice_client.get(detail_url(jeroen)))

    assert "<h1>Jeroen van de Ven</h1>" in html
    assert "“Jer”" in html
    assert "he/him" in html
    assert "CTO at Acme" in html
    assert "friends" in html
    assert "I help small teams ship calmly." in html
    assert "Rowing, and his daughter Fenna." in html
    assert "Met on 12 March 2025 at PyCon NL, through" in html
    assert f'<a href="{detail_url(denise)}">Denise van Iersel</a> (conference' in html
    assert "We queued for coffee." in html
    assert 'href="mailto:jeroen@example.nl"' in html
    assert 'href="tel:+31612345678"' in html
    assert "+31 6 12345678" in html
    assert 'href="https://mastodon.social/@jeroen"' in html
    assert 'href="https://jeroen.example.nl/"' in html
    assert "Kade 1" in html
    assert '<span class="avatar avatar--large" aria-hidden="true">JV</span>' in html
    friends = jeroen.tags.get()
    assert f'{reverse("people:list")}?vault={jeroen.vault_id}&amp;tag={friends.pk}"' in html
    assert "timeline" in html


def test_relationships_read_from_both_sides(
    alice_client: Client, jeroen: Person, denise: Person
) -> None:
    relate(denise, "parent", jeroen)  # Denise is Jeroen's parent

    on_jeroens_page = page(alice_client.get(detail_url(jeroen)))
    on_denises_page = page(alice_client.get(detail_url(denise)))

    assert '<span class="related__role">parent</span>' in on_jeroens_page
    assert '<span class="related__role">child</span>' in on_denises_page


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_next_important_date_is_highlighted_with_the_days_to_go(
    alice_client: Client, jeroen: Person
) -> None:
    add_important_date(jeroen, "birthday", 3, 13, 1985)
    add_important_date(jeroen, "anniversary", 6, 1)
    add_important_date(jeroen, "custom", 2, 1, label="name day")

    html = page(alice_client.get(detail_url(jeroen)))

    first = html.index('class="date date--next"')
    assert html.index("Birthday") > first
    assert "in 12 days, turns 41" in html
    assert html.count("date--next") == 1
    assert html.index("Anniversary") > html.index("Birthday") < html.index("Name day")


def test_dates_ahead_handles_29_february_in_a_common_year() -> None:
    date = ImportantDate(kind="birthday", month=2, day=29, year=2000, pk=1)

    [row] = dates_ahead([date], dt.date(2027, 2, 1))

    assert row.next_on == dt.date(2027, 2, 28)
    assert row.days == 27
    assert row.is_next


def test_contact_links_are_safe_and_useful() -> None:
    assert contact_href("email", "A@B.nl", "a@b.nl") == "mailto:a@b.nl"
    assert contact_href("phone", "06-1234 5678", "+31612345678") == "tel:+31612345678"
    assert contact_href("website", "example.org", "example.org") == "https://example.org"
    assert contact_href("social", "@jer@hachyderm.io", "@jer@hachyderm.io", "mastodon") == (
        "https://hachyderm.io/@jer"
    )
    assert contact_href("social", "x.com/jer", "@jer", "twitter") == "https://x.com/jer"
    assert contact_href("social", "javascript:alert(1)", "javascript:alert(1)", "other") == ""


def test_archived_and_deceased_are_shown_clearly(alice_client: Client, jeroen: Person) -> None:
    jeroen.archived = True
    jeroen.deceased = True
    jeroen.deceased_on = dt.date(2024, 5, 2)
    jeroen.save()

    html = page(alice_client.get(detail_url(jeroen)))

    assert "Died on 2 May 2024" in html
    assert "Archived" in html


def test_open_follow_ups_are_listed_and_done_ones_are_not(
    alice_client: Client, vault: Vault, jeroen: Person, alice: User
) -> None:
    add_follow_up(vault, jeroen, "Send the rowing club link", author=alice)
    done = add_follow_up(vault, jeroen, "Already did this", author=alice)
    FollowUp.objects.filter(pk=done.pk).update(done_at=timezone.now())

    html = page(alice_client.get(detail_url(jeroen)))
    section = html[html.index('id="section-followups"') : html.index('id="section-moments"')]

    assert "Send the rowing club link" in section
    assert "Already did this" not in section


def test_follow_ups_and_moments_refresh_when_the_timeline_changes(
    alice_client: Client, vault: Vault, jeroen: Person, alice: User
) -> None:
    html = page(alice_client.get(detail_url(jeroen)))
    follow_up = add_follow_up(vault, jeroen, "Call about the regatta", author=alice)
    add_moment(vault, jeroen, "Won the regatta", author=alice)

    follow_ups = alice_client.get(
        reverse("people:section", args=[jeroen.pk, "followups"]), headers=HX
    )
    moments = alice_client.get(reverse("people:section", args=[jeroen.pk, "moments"]), headers=HX)

    # Follow-ups, moments, last contact and (attention's) Keep in touch.
    assert html.count('hx-trigger="timeline-changed from:body"') == 4
    assert "Call about the regatta" in page(follow_ups)
    assert reverse("timeline:follow_up_done", args=[jeroen.pk, follow_up.pk]) in page(follow_ups)
    assert "Won the regatta" in page(moments)
    assert alice_client.get(edit_url(jeroen, "followups")).status_code == 404
    assert alice_client.get(edit_url(jeroen, "moments")).status_code == 404


def test_a_follow_up_is_marked_done_from_the_briefing(
    alice_client: Client, vault: Vault, jeroen: Person, alice: User
) -> None:
    follow_up = add_follow_up(vault, jeroen, "Send the rowing club link", author=alice)
    html = page(alice_client.get(detail_url(jeroen)))
    done_url = reverse("timeline:follow_up_done", args=[jeroen.pk, follow_up.pk])
    assert f'action="{done_url}"' in html

    alice_client.post(done_url, {"done": "1"})

    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    assert "Send the rowing club link" not in page(
        alice_client.get(reverse("people:section", args=[jeroen.pk, "followups"]), headers=HX)
    )


def test_private_moments_are_only_shown_to_their_author(
    client: Client, vault: Vault, jeroen: Person, alice: User, bob: User
) -> None:
    add_moment(vault, jeroen, "He stayed late to help me move", private=True, author=alice)
    add_moment(vault, jeroen, "Great talk on calm teams", author=alice)

    client.force_login(alice)
    alices = page(client.get(detail_url(jeroen)))
    client.force_login(bob)
    bobs = page(client.get(detail_url(jeroen)))

    assert "He stayed late to help me move" in alices
    assert "Great talk on calm teams" in alices
    assert "He stayed late to help me move" not in bobs
    assert "Great talk on calm teams" in bobs


def test_person_page_queries_stay_flat(
    alice_client: Client,
    vault: Vault,
    alice: User,
    jeroen: Person,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    others = [create_person(vault, f"Friend {number} Example") for number in range(5)]
    for number in range(8):
        add_contact_method(jeroen, "email", f"jeroen{number}@example.nl")
    for number, kind in enumerate(["birthday", "anniversary", "custom", "custom", "custom"]):
        add_important_date(jeroen, kind, number + 1, 10, label=f"date {number}")
    for number, other in enumerate(others):
        if number % 2:
            relate(other, "friend", jeroen)
        else:
            relate(jeroen, "colleague", other)
    editing.replace_tags(jeroen, [], ["rowing", "pycon", "neighbours"])
    jeroen.met_via = others[0]
    jeroen.save()
    for number in range(8):
        log_interaction(vault, [jeroen, others[number % 5]], "call", author=alice)
        add_note(vault, jeroen, f"note {number}", author=alice)
        add_moment(vault, jeroen, f"moment {number}", author=alice, private=bool(number % 2))
    for number in range(6):
        add_follow_up(vault, jeroen, f"follow-up {number}", author=alice)

    # 33: "Keep in touch" (attention) adds two, its rhythm and the vault's circles; check-in
    # rounds two, the active-round line and the timeline's completed steps.
    with django_assert_max_num_queries(33):
        response = alice_client.get(detail_url(jeroen))

    assert response.status_code == 200
    html = page(response)
    assert html.count('class="contact ') == 10
    assert html.count('<li class="date') == 5
    assert html.count('class="related__role"') == 5


# Access -------------------------------------------------------------------------------------------


def test_someone_elses_person_is_a_404(client: Client, mallory: User, jeroen: Person) -> None:
    client.force_login(mallory)

    assert client.get(detail_url(jeroen)).status_code == 404
    assert client.get(edit_url(jeroen, "name")).status_code == 404
    assert client.post(edit_url(jeroen, "name"), {"given_name": "Hacked"}).status_code == 404
    assert client.get(reverse("people:photo", args=[jeroen.pk])).status_code == 404
    jeroen.refresh_from_db()
    assert jeroen.given_name == "Jeroen"


def test_odd_addresses_are_404s(alice_client: Client, jeroen: Person) -> None:
    assert alice_client.get("/people/abc/").status_code == 404
    assert alice_client.get("/people/99999999/").status_code == 404
    assert alice_client.get(f"/people/{jeroen.pk}/edit/nothing/").status_code == 404
    assert alice_client.get(f"/people/{jeroen.pk}/edit/contacts/abc/").status_code == 404
    assert alice_client.get(f"/people/{jeroen.pk}/section/nothing/").status_code == 404
    assert alice_client.get(item_url(jeroen, "relationships", 1)).status_code == 404
    assert alice_client.get(item_url(jeroen, "name", 1)).status_code == 404


def test_a_person_in_the_trash_is_a_404(alice_client: Client, jeroen: Person) -> None:
    jeroen.trashed_at = timezone.now()
    jeroen.save()

    assert alice_client.get(detail_url(jeroen)).status_code == 404


def test_viewers_see_no_edit_controls_and_cannot_edit(
    client: Client, carol: User, jeroen: Person
) -> None:
    client.force_login(carol)
    method = jeroen.contact_methods.first()
    assert method is not None

    html = page(client.get(detail_url(jeroen)))

    assert "Jeroen van de Ven" in html
    assert "edit-link" not in html
    assert "/edit/" not in html
    for section in ALL_SECTIONS:
        assert client.get(edit_url(jeroen, section)).status_code == 403
        assert client.get(edit_url(jeroen, section), headers=HX).status_code == 403
        assert client.post(edit_url(jeroen, section), {}).status_code == 403
    assert client.get(item_url(jeroen, "contacts", method.pk)).status_code == 403
    assert client.post(remove_url(jeroen, "contacts", method.pk)).status_code == 403
    assert jeroen.contact_methods.count() == 2


def test_editors_may_edit(client: Client, bob: User, jeroen: Person) -> None:
    client.force_login(bob)

    response = client.post(edit_url(jeroen, "work"), {"organisation": "Bolt", "job_title": ""})

    assert response.status_code == 302
    jeroen.refresh_from_db()
    assert jeroen.organisation == "Bolt"


# Single-form sections ---------------------------------------------------------------------------


@pytest.mark.parametrize("section", ALL_SECTIONS)
def test_every_section_has_a_full_page_form_and_an_in_place_one(
    alice_client: Client, jeroen: Person, section: str
) -> None:
    full = alice_client.get(edit_url(jeroen, section))
    fragment = alice_client.get(edit_url(jeroen, section), headers=HX)

    assert full.status_code == fragment.status_code == 200
    assert "<html" in page(full)
    assert "<html" not in page(fragment)
    assert f'id="section-{section}"' in page(fragment)
    assert "is-editing" in page(fragment)
    assert 'data-escape hx-trigger="escape"' in page(fragment)


@pytest.mark.parametrize("section", ALL_SECTIONS)
def test_cancel_swaps_the_section_back(alice_client: Client, jeroen: Person, section: str) -> None:
    url = reverse("people:section", args=[jeroen.pk, section])

    fragment = alice_client.get(url, headers=HX)
    plain = alice_client.get(url)

    assert fragment.status_code == 200
    assert f'id="section-{section}"' in page(fragment)
    assert "is-editing" not in page(fragment)
    assert plain.status_code == 302
    assert plain["Location"] == f"{detail_url(jeroen)}#section-{section}"


NAME = {
    "given_name": "Jeroen",
    "particles": "van der",
    "family_name": "Ven",
    "nickname": "J",
    "pronouns": "he/him",
    "time_zone": "Europe/Lisbon",
}


def test_name_saves_with_a_plain_post_and_redirects(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(edit_url(jeroen, "name"), NAME)

    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(jeroen)}#section-name"
    jeroen.refresh_from_db()
    assert jeroen.name == "Jeroen van der Ven"
    assert (jeroen.nickname, jeroen.pronouns, jeroen.time_zone) == ("J", "he/him", "Europe/Lisbon")
    assert "Saved." in page(alice_client.get(response["Location"]))


def test_name_saves_in_place_and_updates_the_initials(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(
        edit_url(jeroen, "name"),
        {**NAME, "given_name": "Anne", "family_name": "Bakker"},
        headers=HX,
    )

    html = page(response)
    assert response.status_code == 200
    assert "<h1>Anne van der Bakker</h1>" in html
    assert 'role="status">Saved.' in html
    assert 'id="section-photo" class="person-photo" hx-swap-oob="true"' in html
    assert ">AB</span>" in html
    assert "where they are" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"given_name": "", "family_name": ""}, "given_name", "at least a given or a family name"),
        ({"given_name": "x" * 151}, "given_name", "at most 150 characters"),
        ({"nickname": "x" * 101}, "nickname", "at most 100 characters"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a time zone we know"),
    ],
)
def test_name_errors_show_next_to_the_field(
    alice_client: Client, jeroen: Person, changes: dict[str, str], field: str, message: str
) -> None:
    for headers in ({}, HX):
        response = alice_client.post(edit_url(jeroen, "name"), {**NAME, **changes}, headers=headers)

        html = page(response)
        assert response.status_code == 200
        assert f'id="id_name-{field}_error"' in html
        assert message in html
    jeroen.refresh_from_db()
    assert jeroen.name == "Jeroen van de Ven"


def test_work_saves_in_place(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(
        edit_url(jeroen, "work"), {"organisation": "Bolt", "job_title": "Founder"}, headers=HX
    )

    assert "Founder at Bolt" in page(response)
    jeroen.refresh_from_db()
    assert jeroen.organisation == "Bolt"


def test_work_too_long_is_refused(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(edit_url(jeroen, "work"), {"organisation": "x" * 201})

    assert "at most 200 characters" in page(response)
    jeroen.refresh_from_db()
    assert jeroen.organisation == "Acme"


def test_words_save_with_and_without_htmx(alice_client: Client, jeroen: Person) -> None:
    data = {"what_they_do": "Teaches kids to row", "what_they_care_about": "Clean rivers"}

    plain = alice_client.post(edit_url(jeroen, "words"), data)
    in_place = alice_client.post(
        edit_url(jeroen, "words"), {**data, "what_they_do": "Coaches rowers"}, headers=HX
    )

    assert plain.status_code == 302
    assert "Coaches rowers" in page(in_place)
    assert "In their words" in page(in_place)
    jeroen.refresh_from_db()
    assert jeroen.what_they_do == "Coaches rowers"


def test_words_too_long_are_refused(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(
        edit_url(jeroen, "words"), {"what_they_do": "x" * 4001}, headers=HX
    )

    assert 'id="id_words-what_they_do_error"' in page(response)
    jeroen.refresh_from_db()
    assert jeroen.what_they_do == "I help small teams ship calmly."


def met(**changes: Any) -> dict[str, Any]:
    return {
        "met_on": "2025-03-12",
        "met_at": "PyCon NL",
        "met_channel": "conference",
        "met_via": "",
        "met_story": "",
        **changes,
    }


def test_how_we_met_saves_as_a_sentence(
    alice_client: Client, jeroen: Person, denise: Person
) -> None:
    response = alice_client.post(edit_url(jeroen, "met"), met(met_via=denise.pk), headers=HX)

    assert "Met on 12 March 2025 at PyCon NL, through" in page(response)
    jeroen.refresh_from_db()
    assert jeroen.met_via == denise
    assert jeroen.met_on == dt.date(2025, 3, 12)


def test_the_introducer_must_be_in_the_same_vault(
    alice_client: Client, jeroen: Person, stranger: Person
) -> None:
    response = alice_client.post(edit_url(jeroen, "met"), met(met_via=stranger.pk))

    assert 'id="id_met-met_via_error"' in page(response)
    assert "Choose someone from this vault." in page(response)
    assert stranger.name not in page(response)
    jeroen.refresh_from_db()
    assert jeroen.met_via is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"met_via": "self"}, "met_via"),
        ({"met_via": "abc"}, "met_via"),
        ({"met_on": "2025-02-30"}, "met_on"),
        ({"met_on": "2999-01-01"}, "met_on"),
        ({"met_channel": "carrier-pigeon"}, "met_channel"),
        ({"met_at": "x" * 201}, "met_at"),
    ],
)
def test_how_we_met_refuses_bad_input(
    alice_client: Client, jeroen: Person, changes: dict[str, Any], field: str
) -> None:
    if changes.get("met_via") == "self":
        changes = {"met_via": jeroen.pk}

    response = alice_client.post(edit_url(jeroen, "met"), met(**changes), headers=HX)

    assert response.status_code == 200
    assert f'id="id_met-{field}_error"' in page(response)
    jeroen.refresh_from_db()
    assert jeroen.met_on is None


def test_update_person_refuses_an_introducer_from_another_vault(
    jeroen: Person, stranger: Person
) -> None:
    with pytest.raises(ValueError, match="same vault"):
        editing.update_person(jeroen, {"met_via": stranger})


def test_tags_choose_existing_and_create_new(
    alice_client: Client, vault: Vault, jeroen: Person
) -> None:
    rowing = Tag.objects.create(vault=vault, name="rowing")

    response = alice_client.post(
        edit_url(jeroen, "tags"), {"tags": [rowing.pk], "new_tags": "PyCon, pycon, neighbours"}
    )

    assert response.status_code == 302
    assert sorted(tag.name for tag in jeroen.tags.all()) == ["PyCon", "neighbours", "rowing"]
    assert Tag.objects.filter(vault=vault, name="friends").exists()  # untagged, not deleted


def test_tags_save_in_place(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(edit_url(jeroen, "tags"), {"new_tags": "book club"}, headers=HX)

    assert "book club" in page(response)
    assert [tag.name for tag in jeroen.tags.all()] == ["book club"]


def test_tags_of_another_vault_or_too_long_are_refused(
    alice_client: Client, other_vault: Vault, jeroen: Person
) -> None:
    theirs = Tag.objects.create(vault=other_vault, name="secret")

    foreign = alice_client.post(edit_url(jeroen, "tags"), {"tags": [theirs.pk]})
    long = alice_client.post(edit_url(jeroen, "tags"), {"new_tags": "x" * 61})
    nonsense = alice_client.post(edit_url(jeroen, "tags"), {"tags": ["abc"]})

    assert 'id="id_tags-tags_error"' in page(foreign)
    assert "at most 60 characters" in page(long)
    assert 'id="id_tags-tags_error"' in page(nonsense)
    assert [tag.name for tag in jeroen.tags.all()] == ["friends"]


# The photo ------------------------------------------------------------------------------------


def test_photo_upload_shows_and_serves_it_to_members_only(
    client: Client, alice: User, mallory: User, jeroen: Person, media: Path
) -> None:
    client.force_login(alice)

    response = client.post(
        edit_url(jeroen, "photo"),
        {"photo": SimpleUploadedFile("me.png", PNG, content_type="image/png")},
    )

    assert response.status_code == 302
    jeroen.refresh_from_db()
    assert jeroen.photo.name.endswith(".png")
    assert "me.png" not in jeroen.photo.name
    html = page(client.get(detail_url(jeroen)))
    assert f'src="{reverse("people:photo", args=[jeroen.pk])}?v=' in html
    served = client.get(reverse("people:photo", args=[jeroen.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG  # type: ignore[attr-defined]
    client.force_login(mallory)
    assert client.get(reverse("people:photo", args=[jeroen.pk])).status_code == 404


def test_photo_replaced_and_removed_deletes_the_old_files(
    alice_client: Client,
    jeroen: Person,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    alice_client.post(edit_url(jeroen, "photo"), {"photo": SimpleUploadedFile("a.png", PNG)})
    jeroen.refresh_from_db()
    first = media / jeroen.photo.name
    assert first.exists()

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            edit_url(jeroen, "photo"),
            {"photo": SimpleUploadedFile("b.gif", b"GIF89a" + b"\x00" * 20)},
            headers=HX,
        )
    jeroen.refresh_from_db()
    second = media / jeroen.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        removed = alice_client.post(edit_url(jeroen, "photo"), {"remove": "on"}, headers=HX)

    assert second.suffix == ".gif"
    assert not first.exists()
    assert not second.exists()
    assert ">JV</span>" in page(removed)
    assert "Photo removed." in page(removed)
    assert alice_client.get(reverse("people:photo", args=[jeroen.pk])).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.txt", b"just some text, honest"), "That is not a photo"),
        (SimpleUploadedFile("x.svg", b"<svg onload=alert(1)></svg>"), "That is not a photo"),
        (SimpleUploadedFile("big.png", PNG + b"\x00" * 2048), "can be at most"),
        (SimpleUploadedFile("empty.png", b""), "empty"),
        (None, "Choose a photo to upload."),
    ],
)
def test_photo_errors_show_next_to_the_field(
    alice_client: Client,
    jeroen: Person,
    media: Path,
    settings: Settings,
    upload: SimpleUploadedFile | None,
    message: str,
) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    data = {"photo": upload} if upload is not None else {}

    for headers in ({}, HX):
        if upload is not None:
            upload.seek(0)
        response = alice_client.post(edit_url(jeroen, "photo"), data, headers=headers)

        assert response.status_code == 200
        assert 'id="id_photo-photo_error"' in page(response)
        assert message in page(response)
    jeroen.refresh_from_db()
    assert not jeroen.photo


def test_sniffing_recognises_webp_and_refuses_the_rest() -> None:
    assert editing.sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert editing.sniff_image(b"\xff\xd8\xff\xe0") == "jpg"
    assert editing.sniff_image(b"<?xml") is None


# Contact details ------------------------------------------------------------------------------


def test_contact_details_are_added_normalised(alice_client: Client, jeroen: Person) -> None:
    alice_client.post(edit_url(jeroen, "contacts"), {"kind": "phone", "value": "+44 20 7946 0958"})
    alice_client.post(edit_url(jeroen, "contacts"), {"kind": "website", "value": "jeroen.nl"})
    response = alice_client.post(
        edit_url(jeroen, "contacts"),
        {"kind": "social", "value": "https://hachyderm.io/@jer", "label": "fediverse"},
        headers=HX,
    )

    assert response.status_code == 200
    html = page(response)
    assert "Contact detail added." in html
    assert "is-editing" in html  # the editor stays open for the next one
    assert 'name="value"' in html
    normalized = set(jeroen.contact_methods.values_list("kind", "normalized"))
    assert ("phone", "+442079460958") in normalized
    assert ("website", "jeroen.nl") in normalized
    assert ("social", "@jer@hachyderm.io") in normalized
    assert jeroen.contact_methods.get(kind="website").value == "https://jeroen.nl"


def test_adding_the_same_contact_twice_keeps_one(alice_client: Client, jeroen: Person) -> None:
    for _attempt in range(2):
        response = alice_client.post(
            edit_url(jeroen, "contacts"), {"kind": "email", "value": "JEROEN@example.nl"}
        )
        assert response.status_code == 302

    assert jeroen.contact_methods.filter(kind="email").count() == 1


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("phone", "call me maybe", "is not a phone number"),
        ("phone", "12", "is not a phone number we can call"),
        ("email", "jeroen-at-example", "is not an email address"),
        ("website", "not a website", "is not a web address"),
        ("email", "", "This field is required."),
        ("email", "a@" + "b" * 300 + ".nl", "at most 300 characters"),
        ("fax", "12345", "Select a valid choice"),
    ],
)
def test_bad_contact_details_are_explained(
    alice_client: Client, jeroen: Person, kind: str, value: str, message: str
) -> None:
    for headers in ({}, HX):
        response = alice_client.post(
            edit_url(jeroen, "contacts"), {"kind": kind, "value": value}, headers=headers
        )

        assert response.status_code == 200
        assert message in page(response)
        assert "errorlist" in page(response)
    assert jeroen.contact_methods.count() == 2


def test_a_contact_detail_is_edited_and_removed(alice_client: Client, jeroen: Person) -> None:
    phone = jeroen.contact_methods.get(kind="phone")

    form = alice_client.get(item_url(jeroen, "contacts", phone.pk), headers=HX)
    bad = alice_client.post(
        item_url(jeroen, "contacts", phone.pk), {"kind": "phone", "value": "nope"}, headers=HX
    )
    saved = alice_client.post(
        item_url(jeroen, "contacts", phone.pk),
        {"kind": "phone", "value": "06 87654321", "label": "mobile"},
        headers=HX,
    )
    phone.refresh_from_db()
    removed = alice_client.post(remove_url(jeroen, "contacts", phone.pk), headers=HX)
    again = alice_client.post(remove_url(jeroen, "contacts", phone.pk))

    assert 'value="06 12345678"' in page(form)
    assert "is not a phone number" in page(bad)
    assert "Saved." in page(saved)
    assert (phone.normalized, phone.label) == ("+31687654321", "mobile")
    assert "Removed." in page(removed)
    assert again.status_code == 302  # removing twice is harmless
    assert not jeroen.contact_methods.filter(kind="phone").exists()


def test_a_contact_detail_edited_without_javascript_redirects(
    alice_client: Client, jeroen: Person
) -> None:
    email = jeroen.contact_methods.get(kind="email")

    full = alice_client.get(item_url(jeroen, "contacts", email.pk))
    response = alice_client.post(
        item_url(jeroen, "contacts", email.pk), {"kind": "email", "value": "j@new.nl"}
    )

    assert "<html" in page(full)
    assert response["Location"] == f"{detail_url(jeroen)}#section-contacts"
    email.refresh_from_db()
    assert email.normalized == "j@new.nl"


def test_someone_elses_contact_detail_is_out_of_reach(
    alice_client: Client, jeroen: Person, denise: Person, stranger: Person
) -> None:
    theirs = add_contact_method(stranger, "email", "friend@mallory.example")
    denises = add_contact_method(denise, "email", "denise@example.nl")

    assert alice_client.get(item_url(jeroen, "contacts", theirs.pk)).status_code == 404
    assert alice_client.get(item_url(jeroen, "contacts", denises.pk)).status_code == 404
    alice_client.post(remove_url(jeroen, "contacts", denises.pk))
    alice_client.post(remove_url(jeroen, "contacts", theirs.pk))

    assert ContactMethod.objects.filter(pk__in=[theirs.pk, denises.pk]).count() == 2


# Important dates ------------------------------------------------------------------------------


def test_a_birthday_without_a_year_is_added(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(
        edit_url(jeroen, "dates"), {"kind": "birthday", "day": "29", "month": "2", "year": ""}
    )

    assert response.status_code == 302
    date = jeroen.important_dates.get()
    assert (date.month, date.day, date.year) == (2, 29, None)
    assert "29 February" in page(alice_client.get(detail_url(jeroen)))


def test_dates_are_added_in_place_and_kept_once(alice_client: Client, jeroen: Person) -> None:
    data = {"kind": "anniversary", "day": "14", "month": "6", "year": "2010", "label": "wedding"}

    first = alice_client.post(edit_url(jeroen, "dates"), data, headers=HX)
    alice_client.post(edit_url(jeroen, "dates"), data, headers=HX)

    assert "Date added." in page(first)
    assert "wedding: 14 June 2010" in page(first)
    assert jeroen.important_dates.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "30", "month": "2"}, "February has no day 30."),
        ({"day": "29", "month": "2", "year": "1985"}, "February 1985 has no day 29."),
        ({"day": "30", "month": "2", "year": "1990"}, "February 1990 has no day 30."),
        ({"day": "31", "month": "4"}, "April has no day 31."),
        ({"day": "0", "month": "4"}, "greater than or equal to 1"),
        ({"day": "12", "month": "13"}, "Select a valid choice"),
        ({"day": "x", "month": "1"}, "Enter a whole number."),
        ({"day": "1", "month": "1", "year": "99999"}, "too far ahead"),
        ({"day": "1", "month": "1", "label": "x" * 101}, "at most 100 characters"),
    ],
)
def test_impossible_dates_are_explained(
    alice_client: Client, jeroen: Person, data: dict[str, str], message: str
) -> None:
    for headers in ({}, HX):
        response = alice_client.post(
            edit_url(jeroen, "dates"), {"kind": "birthday", **data}, headers=headers
        )

        assert response.status_code == 200
        assert message in page(response)
    assert not jeroen.important_dates.exists()


def test_a_date_is_edited_and_removed(alice_client: Client, jeroen: Person) -> None:
    date = add_important_date(jeroen, "birthday", 3, 12)

    bad = alice_client.post(
        item_url(jeroen, "dates", date.pk), {"kind": "birthday", "day": "30", "month": "2"}
    )
    good = alice_client.post(
        item_url(jeroen, "dates", date.pk),
        {"kind": "birthday", "day": "13", "month": "3", "year": "1985"},
    )
    date.refresh_from_db()
    removed = alice_client.post(remove_url(jeroen, "dates", date.pk))

    assert "February has no day 30." in page(bad)
    assert good.status_code == 302
    assert (date.day, date.year) == (13, 1985)
    assert removed["Location"] == edit_url(jeroen, "dates")
    assert not jeroen.important_dates.exists()


# Relationships ----------------------------------------------------------------------------------


def test_a_relationship_is_added_and_shown_from_both_sides(
    alice_client: Client, jeroen: Person, denise: Person
) -> None:
    response = alice_client.post(
        edit_url(jeroen, "relationships"), {"other": denise.pk, "role": "parent"}, headers=HX
    )

    assert "Relationship added." in page(response)
    assert "Denise van Iersel — parent" in page(response)
    row = Relationship.objects.get()
    assert (row.from_person, row.kind, row.to_person) == (denise, "parent", jeroen)
    assert '<span class="related__role">child</span>' in page(alice_client.get(detail_url(denise)))


def test_a_relationship_already_known_from_the_other_side_is_kept_once(
    alice_client: Client, jeroen: Person, denise: Person
) -> None:
    relate(jeroen, "child", denise)  # the same fact, stored from Jeroen's side

    alice_client.post(edit_url(jeroen, "relationships"), {"other": denise.pk, "role": "parent"})
    alice_client.post(edit_url(jeroen, "relationships"), {"other": denise.pk, "role": "parent"})

    assert Relationship.objects.count() == 1


@pytest.mark.parametrize("who", ["self", "stranger", "nonsense", "missing"])
def test_relationships_only_with_someone_else_in_the_vault(
    alice_client: Client, jeroen: Person, stranger: Person, who: str
) -> None:
    other = {"self": jeroen.pk, "stranger": stranger.pk, "nonsense": "abc", "missing": ""}[who]

    response = alice_client.post(
        edit_url(jeroen, "relationships"), {"other": other, "role": "friend"}, headers=HX
    )

    assert response.status_code == 200
    assert 'id="id_relationships-other_error"' in page(response)
    assert not Relationship.objects.exists()


def test_relate_service_refuses_self_and_other_vaults(jeroen: Person, stranger: Person) -> None:
    with pytest.raises(ValueError):
        editing.add_relationship(jeroen, "friend", stranger)
    with pytest.raises(ValueError):
        editing.add_relationship(jeroen, "friend", jeroen)
    with pytest.raises(ValueError):
        editing.add_relationship(jeroen, "nemesis", stranger)


def test_a_relationship_is_removed_from_either_side(
    alice_client: Client, jeroen: Person, denise: Person
) -> None:
    row = relate(denise, "friend", jeroen)

    response = alice_client.post(remove_url(jeroen, "relationships", row.pk), headers=HX)

    assert "Removed." in page(response)
    assert not Relationship.objects.exists()


# Addresses --------------------------------------------------------------------------------------


def test_an_address_is_added_edited_and_removed(alice_client: Client, jeroen: Person) -> None:
    empty = alice_client.post(edit_url(jeroen, "addresses"), {"label": "home"})
    added = alice_client.post(
        edit_url(jeroen, "addresses"),
        {
            "label": "home",
            "street": "Oudegracht 1",
            "postal_code": "3511 AA",
            "locality": "Utrecht",
        },
        headers=HX,
    )
    address = jeroen.addresses.get()
    edited = alice_client.post(
        item_url(jeroen, "addresses", address.pk),
        {"street": "Oudegracht 2", "locality": "Utrecht", "country": "Nederland"},
    )
    address.refresh_from_db()
    too_long = alice_client.post(
        item_url(jeroen, "addresses", address.pk), {"street": "x" * 201}, headers=HX
    )
    removed = alice_client.post(remove_url(jeroen, "addresses", address.pk), headers=HX)

    assert "at least a street, a city or a country" in page(empty)
    assert "home: Oudegracht 1, 3511 AA Utrecht" in page(added)
    assert edited.status_code == 302
    assert (address.street, address.country, address.label) == (
        "Oudegracht 2",
        "Nederland",
        "",
    )
    assert "at most 200 characters" in page(too_long)
    assert "Removed." in page(removed)
    assert not jeroen.addresses.exists()


# The "More" actions -----------------------------------------------------------------------------


def test_more_actions_appear_only_for_writers(
    client: Client, alice: User, carol: User, jeroen: Person
) -> None:
    actions = lifecycle_actions(jeroen)
    client.force_login(alice)
    alices = page(client.get(detail_url(jeroen)))
    client.force_login(carol)
    carols = page(client.get(detail_url(jeroen)))

    assert [action.url for action in actions] == [
        reverse(name, args=[jeroen.pk])
        for name in (
            "people:archive",
            "people:deceased",
            "people:merge",
            "people:trash",
            "people:forget",
        )
    ]
    for action in actions:
        attribute = f'action="{action.url}"' if action.post else f'href="{action.url}"'
        assert attribute in alices
        assert attribute not in carols
    assert '<input type="hidden" name="archived" value="1">' in alices
    # A shortcut to the capture bar, which sits below the briefing on a phone.
    assert f'href="#timeline-{jeroen.pk}"' in alices
    assert f'href="#timeline-{jeroen.pk}"' not in carols


def test_archive_from_the_more_menu_comes_back_to_the_page(
    alice_client: Client, jeroen: Person
) -> None:
    response = alice_client.post(reverse("people:archive", args=[jeroen.pk]), {"archived": "1"})

    jeroen.refresh_from_db()
    assert jeroen.archived
    html = page(alice_client.get(detail_url(jeroen)))
    assert "Bring back from the archive" in html
    assert '<input type="hidden" name="archived" value="0">' in html
    assert response.status_code == 302


# Review fixes -------------------------------------------------------------------------------


def test_two_open_editors_never_share_a_field_id(alice_client: Client, jeroen: Person) -> None:
    import re

    contacts = page(alice_client.get(edit_url(jeroen, "contacts"), headers=HX))
    dates = page(alice_client.get(edit_url(jeroen, "dates"), headers=HX))

    def ids(html: str) -> set[str]:
        return set(re.findall(r'\bid="([^"]+)"', html))

    assert "id_contacts-kind" in ids(contacts)
    assert "id_dates-kind" in ids(dates)
    assert 'for="id_dates-label"' in dates
    assert ids(contacts) & ids(dates) == set()
    # The field names stay plain, so a POST without JavaScript is unchanged.
    assert 'name="kind"' in dates


def test_an_impossible_date_is_explained_in_dutch(alice_client: Client, jeroen: Person) -> None:
    from django.utils import translation

    alice_client.cookies["django_language"] = "nl"
    with translation.override("nl"):
        response = alice_client.post(
            edit_url(jeroen, "dates"),
            {"kind": "birthday", "day": "30", "month": "2", "year": "1990"},
            headers={**HX, "Accept-Language": "nl"},
        )

    assert "februari 1990 heeft geen dag 30." in page(response)


def test_the_channel_says_not_noted_instead_of_dashes(alice_client: Client, jeroen: Person) -> None:
    html = page(alice_client.get(edit_url(jeroen, "met"), headers=HX))

    assert "---------" not in html.split('name="met_channel"')[1].split("</select>")[0]
    assert "Not noted" in html


def test_the_list_editor_closes_with_close(alice_client: Client, jeroen: Person) -> None:
    html = page(alice_client.get(edit_url(jeroen, "dates"), headers=HX))

    assert ">Close</a>" in html
    assert ">Done</a>" not in html


def test_a_trashed_person_says_so_to_members(
    client: Client, alice: User, carol: User, mallory: User, jeroen: Person
) -> None:
    from aandacht.people.lifecycle import trash_person

    trash_person(jeroen)
    restore = reverse("people:restore", args=[jeroen.pk])

    client.force_login(alice)
    response = client.get(detail_url(jeroen))
    assert response.status_code == 404
    html = page(response)
    assert "Jeroen van de Ven is in the trash" in html
    assert f'action="{restore}"' in html
    assert reverse("people:trash_list") in html

    client.force_login(carol)
    html = page(client.get(detail_url(jeroen)))
    assert "is in the trash" in html
    assert f'action="{restore}"' not in html

    client.force_login(mallory)
    response = client.get(detail_url(jeroen))
    assert response.status_code == 404
    assert "Jeroen" not in page(response)

    client.force_login(alice)
    assert client.post(restore).status_code == 302
    assert client.get(detail_url(jeroen)).status_code == 200


def test_the_header_says_when_you_last_talked(
    alice_client: Client, vault: Vault, jeroen: Person, alice: User
) -> None:
    html = page(alice_client.get(detail_url(jeroen)))
    assert "No contact logged yet" in html

    now = timezone.now()
    log_interaction(vault, [jeroen], "call", occurred_at=now - dt.timedelta(days=3))
    # An unanswered call is an attempt: it is not contact.
    log_interaction(vault, [jeroen], "voicemail", occurred_at=now - dt.timedelta(hours=2))
    html = page(alice_client.get(detail_url(jeroen)))

    assert "Last contact: call, 3\xa0days ago" in html
    refreshed = alice_client.get(
        reverse("people:section", args=[jeroen.pk, "lastcontact"]), headers=HX
    )
    assert "Last contact: call, 3\xa0days ago" in page(refreshed)
    assert alice_client.get(edit_url(jeroen, "lastcontact")).status_code == 404


def test_moments_show_their_kind(
    alice_client: Client, vault: Vault, jeroen: Person, alice: User
) -> None:
    add_moment(vault, jeroen, "Always on time", kind="strength", author=alice)
    add_moment(vault, jeroen, "Drove me to the station", kind="grateful", author=alice)

    html = page(alice_client.get(detail_url(jeroen)))

    assert '<span class="moment__kind">Strength</span>' in html
    assert '<span class="moment__kind">Grateful</span>' in html


def test_the_moments_section_offers_to_add_one_in_one_step(
    alice_client: Client, client: Client, carol: User, jeroen: Person
) -> None:
    moment_url = reverse("timeline:moment", args=[jeroen.pk])

    html = page(alice_client.get(detail_url(jeroen)))
    assert f'href="{moment_url}">Add a moment or strength</a>' in html
    form = page(alice_client.get(moment_url))
    assert 'value="strength"' in form

    client.force_login(carol)  # a viewer
    assert moment_url not in page(client.get(detail_url(jeroen)))


def test_the_next_date_is_highlighted_only_within_a_month(
    alice_client: Client, jeroen: Person
) -> None:
    today = timezone.localdate()
    far = today + dt.timedelta(days=60)
    add_important_date(jeroen, "birthday", far.month, min(far.day, 28))

    html = page(alice_client.get(detail_url(jeroen)))
    assert "date--next" not in html

    near = today + dt.timedelta(days=10)
    add_important_date(jeroen, "anniversary", near.month, near.day)
    html = page(alice_client.get(detail_url(jeroen)))
    assert html.count("date--next") == 1


def test_the_last_contact_of_a_moment_ago_reads_just_now(
    alice_client: Client, jeroen: Person
) -> None:
    called = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    log_interaction(jeroen.vault, [jeroen], "call", occurred_at=called)
    with time_machine.travel(called + dt.timedelta(seconds=20), tick=False):
        assert "Last contact: call, just now" in page(alice_client.get(detail_url(jeroen)))
        dutch = page(alice_client.get(detail_url(jeroen), HTTP_ACCEPT_LANGUAGE="nl"))
        assert "Laatste contact: " in dutch and ", zojuist" in dutch
    with time_machine.travel(called + dt.timedelta(minutes=3), tick=False):
        assert "Last contact: call, 3\xa0minutes ago" in page(alice_client.get(detail_url(jeroen)))
