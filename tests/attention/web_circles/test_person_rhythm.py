"""The person page's "Keep in touch": what it shows, and editing it in place or by plain POST."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.circles import rhythm_view
from aandacht.attention.models import Circle, Rhythm
from aandacht.people.models import Person, Tag
from aandacht.people.services import create_person

HX = {"HX-Request": "true"}


def text(response: object) -> str:
    return str(response.content.decode())  # type: ignore[attr-defined]


def rhythm_url(person: Person) -> str:
    return reverse("attention:person_rhythm", args=[person.pk])


@pytest.fixture
def ria(vault: Vault) -> Person:
    return create_person(vault, "Ria Bakker")


def test_the_person_page_shows_the_circle_and_when_they_are_due(
    as_alice: Client, ria: Person, monthly: Circle, today: dt.date, talk: object
) -> None:
    services.set_circle(ria, monthly)
    talk(ria, kind="call", days_ago=40)  # type: ignore[operator]

    page = text(as_alice.get(reverse("people:detail", args=[ria.pk])))

    assert 'id="keep-in-touch"' in page
    assert "Every 30 days" in page and "from the circle Monthly" in page
    assert "14 October 2026" in page  # the last conversation, 40 days ago
    assert "Due since 13 November 2026 (10 days)" in page


def test_no_circle_says_so(as_alice: Client, ria: Person) -> None:
    page = text(as_alice.get(reverse("people:detail", args=[ria.pk])))

    assert "In no circle: no reminders." in page
    assert "None logged yet" in page


def test_a_tag_circle_applies_when_no_circle_is_chosen(
    as_alice: Client, vault: Vault, today: dt.date
) -> None:
    person = create_person(vault, "Sem de Vries", tags=["family", "club"])
    Circle.objects.create(vault=vault, cadence_days=7, tag=Tag.objects.get(name="family"))
    Circle.objects.create(vault=vault, cadence_days=60, tag=Tag.objects.get(name="club"))

    page = text(as_alice.get(reverse("people:detail", args=[person.pk])))

    assert "Every 7 days" in page
    assert "through the tag “family”" in page


def test_a_personal_cadence_overrides_the_circle(
    alice: User, ria: Person, inner: Circle, today: dt.date
) -> None:
    services.set_circle(ria, inner)
    services.set_cadence(ria, 10)

    view = rhythm_view(ria, alice)

    assert view.cadence is not None
    assert (view.cadence.days, view.cadence.source) == (10, "personal")
    assert view.due_on == today + dt.timedelta(days=10)


def test_edit_in_place_with_htmx(
    as_alice: Client, ria: Person, inner: Circle, monthly: Circle, today: dt.date
) -> None:
    form = as_alice.get(rhythm_url(ria), headers=HX)
    assert form.status_code == 200
    assert "<form" in text(form) and "<html" not in text(form)
    assert "Inner circle" in text(form)

    response = as_alice.post(
        rhythm_url(ria),
        {"circle": str(inner.pk), "cadence_days": "21", "muted": "", "paused_until": "2027-01-05"},
        headers=HX,
    )

    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page and 'id="keep-in-touch"' in page
    assert "Saved." in page and "Every 21 days" in page and "instead of the circle Inner" in page
    assert "Paused until 5 January 2027" in page
    rhythm = Rhythm.objects.get(person=ria)
    assert rhythm.circle == inner and rhythm.cadence_days == 21
    assert rhythm.paused_until == dt.date(2027, 1, 5)


def test_plain_post_redirects_to_the_person_page(
    as_bob: Client, ria: Person, monthly: Circle
) -> None:
    page = as_bob.get(rhythm_url(ria))
    assert page.status_code == 200 and "<html" in text(page)

    response = as_bob.post(rhythm_url(ria), {"circle": str(monthly.pk), "muted": "on"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/people/{ria.pk}/#keep-in-touch")
    rhythm = Rhythm.objects.get(person=ria)
    assert rhythm.circle == monthly and rhythm.muted and rhythm.cadence_days is None
    assert "Muted: no reminders for them." in text(as_bob.get(response["Location"]))


def test_cancel_shows_the_section_again(as_alice: Client, ria: Person) -> None:
    response = as_alice.get(f"{rhythm_url(ria)}?view=1", headers=HX)

    assert response.status_code == 200
    assert "Keep in touch" in text(response) and "<form" not in text(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cadence_days": "0"}, "A cadence is at least 1 day."),
        ({"cadence_days": "99999"}, "at most 3650 days"),
        ({"cadence_days": "soon"}, "Enter a whole number of days"),
        ({"paused_until": "2026-11-23"}, "Pause until a day after today"),
        ({"paused_until": "2040-01-01"}, "Pause for at most five years."),
        ({"paused_until": "tomorrow"}, "Enter a date like 2027-03-01."),
        ({"circle": "abc"}, "Choose one of the circles in the list."),
    ],
)
def test_bad_input_is_explained(
    as_alice: Client, ria: Person, today: dt.date, data: dict[str, str], message: str
) -> None:
    response = as_alice.post(rhythm_url(ria), data, headers=HX)

    assert response.status_code == 200
    assert message in text(response)
    assert not Rhythm.objects.filter(person=ria).exists()


def test_a_tag_circle_cannot_be_chosen(as_alice: Client, vault: Vault, ria: Person) -> None:
    tag = Tag.objects.create(vault=vault, name="club")
    circle = Circle.objects.create(vault=vault, cadence_days=7, tag=tag)

    response = as_alice.post(rhythm_url(ria), {"circle": str(circle.pk)}, headers=HX)

    assert "Choose one of the circles in the list." in text(response)


def test_another_vaults_circle_is_refused(
    as_alice: Client, ria: Person, other_vault: Vault
) -> None:
    theirs = Circle.objects.filter(vault=other_vault).first()
    assert theirs is not None

    response = as_alice.post(rhythm_url(ria), {"circle": str(theirs.pk)}, headers=HX)

    assert "Choose one of the circles in the list." in text(response)
    assert not Rhythm.objects.filter(person=ria).exists()


def test_viewer_sees_the_section_but_cannot_change_it(
    as_carol: Client, ria: Person, inner: Circle
) -> None:
    page = text(as_carol.get(reverse("people:detail", args=[ria.pk])))
    assert "Keep in touch" in page and f'href="{rhythm_url(ria)}"' not in page

    assert as_carol.get(rhythm_url(ria)).status_code == 403
    assert as_carol.post(rhythm_url(ria), {"circle": str(inner.pk)}).status_code == 403
    assert as_carol.get(f"{rhythm_url(ria)}?view=1").status_code == 200
    assert not Rhythm.objects.filter(person=ria).exists()


def test_another_vaults_person_is_a_404(as_mallory: Client, ria: Person) -> None:
    assert as_mallory.get(rhythm_url(ria)).status_code == 404
    assert as_mallory.post(rhythm_url(ria), {"muted": "on"}).status_code == 404
    assert as_mallory.get(f"{rhythm_url(ria)}?view=1").status_code == 404


def test_a_get_changes_nothing(as_alice: Client, ria: Person) -> None:
    as_alice.get(rhythm_url(ria))
    as_alice.get(reverse("people:detail", args=[ria.pk]))

    assert not Rhythm.objects.filter(person=ria).exists()


def test_an_archived_person_is_not_said_to_be_due(
    as_alice: Client, ria: Person, monthly: Circle, today: dt.date
) -> None:
    services.set_circle(ria, monthly)
    Person.objects.filter(pk=ria.pk).update(archived=True)

    page = text(as_alice.get(reverse("people:detail", args=[ria.pk])))

    assert "No reminders while archived." in page
    section = page[page.index('id="keep-in-touch"') :][:3000]
    assert "Due since" not in section and "Due on" not in section
