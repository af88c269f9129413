"""Make your lists: go through people and put each in a circle with one click or key."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import Circle, Rhythm
from aandacht.people.models import Person, Tag
from aandacht.people.services import create_person

HX = {"HX-Request": "true"}
LISTS = reverse("attention:lists")


def text(response: object) -> str:
    return str(response.content.decode())  # type: ignore[attr-defined]


def choose_url(person: Person) -> str:
    return reverse("attention:person_circle", args=[person.pk])


@pytest.fixture
def people(vault: Vault) -> list[Person]:
    return [
        create_person(vault, name)
        for name in ("Ria Bakker", "Sem de Vries", "Anna Jansen", "Daan Visser")
    ]


def test_lists_people_a_to_z_with_circle_buttons(
    as_alice: Client, vault: Vault, people: list[Person], inner: Circle
) -> None:
    services.set_circle(people[0], inner)

    response = as_alice.get(f"{LISTS}?vault={vault.pk}")

    page = text(response)
    assert response.status_code == 200
    assert page.index("Ria Bakker") < page.index("Anna Jansen") < page.index("Daan Visser")
    assert page.index("Daan Visser") < page.index("Sem de Vries")  # "Vries" sorts under V
    assert 'data-key="1"' in page and 'data-key="4"' in page and 'data-key="0"' in page
    assert f'name="circle" value="{inner.pk}" class="lists-choice" data-key="1"' in page
    ria_row = page[page.index(f'id="person-{people[0].pk}"') :][:3000]
    assert 'aria-pressed="true"><kbd aria-hidden="true">1</kbd> Inner circle' in ria_row


def test_filter_not_in_a_circle_yet(
    as_alice: Client, vault: Vault, people: list[Person], inner: Circle
) -> None:
    services.set_circle(people[0], inner)
    people[1].tags.add(Tag.objects.create(vault=vault, name="family"))
    Circle.objects.create(vault=vault, cadence_days=7, tag=Tag.objects.get(name="family"))

    page = text(as_alice.get(f"{LISTS}?vault={vault.pk}&todo=1"))

    assert "Anna Jansen" in page and "Daan Visser" in page
    assert "Ria Bakker" not in page and "Sem de Vries" not in page


def test_search_as_you_type_renders_only_the_results(
    as_alice: Client, vault: Vault, people: list[Person]
) -> None:
    response = as_alice.get(
        f"{LISTS}?vault={vault.pk}&q=anna", headers={**HX, "HX-Target": "lists-results"}
    )

    page = text(response)
    assert response.status_code == 200
    assert "<html" not in page and 'id="lists-results"' in page
    assert "Anna Jansen" in page and "Ria Bakker" not in page


def test_no_match_says_so(as_alice: Client, vault: Vault, people: list[Person]) -> None:
    assert "No one matches “zzzqqq”." in text(as_alice.get(f"{LISTS}?vault={vault.pk}&q=zzzqqq"))


def test_no_match_with_the_filter_on_says_the_filter_is_on(
    as_alice: Client, vault: Vault, people: list[Person], inner: Circle
) -> None:
    services.set_circle(people[0], inner)  # Ria Bakker is in a circle

    page = text(
        as_alice.get(f"{LISTS}?vault={vault.pk}&q=ria&todo=1", headers={**HX, "HX-Target": "x"})
    )

    assert "the filter “Only people not in a circle yet” is on" in page
    assert f'href="{LISTS}?vault={vault.pk}&amp;q=ria"' in page  # search everyone
    assert "Search everyone" in page


def test_one_click_with_htmx_returns_the_row(
    as_alice: Client, people: list[Person], monthly: Circle
) -> None:
    response = as_alice.post(choose_url(people[2]), {"circle": str(monthly.pk)}, headers=HX)

    page = text(response)
    assert response.status_code == 200
    assert "<html" not in page and f'id="person-{people[2].pk}"' in page
    assert "Anna Jansen: Monthly." in page and 'hx-swap-oob="innerHTML"' in page
    assert Rhythm.objects.get(person=people[2]).circle == monthly


def test_none_takes_them_out(as_alice: Client, people: list[Person], monthly: Circle) -> None:
    services.set_circle(people[2], monthly)

    as_alice.post(choose_url(people[2]), {"circle": ""}, headers=HX)

    assert Rhythm.objects.get(person=people[2]).circle is None


def test_without_javascript_it_returns_to_the_list_at_the_next_row(
    as_bob: Client, vault: Vault, people: list[Person], inner: Circle
) -> None:
    back = f"{LISTS}?vault={vault.pk}&todo=1"

    response = as_bob.post(
        choose_url(people[0]),
        {"circle": str(inner.pk), "next": back, "following": str(people[1].pk)},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{back}#person-{people[1].pk}"
    assert Rhythm.objects.get(person=people[0]).circle == inner


def test_an_outside_next_address_is_ignored(
    as_alice: Client, vault: Vault, people: list[Person], inner: Circle
) -> None:
    response = as_alice.post(
        choose_url(people[0]), {"circle": str(inner.pk), "next": "https://evil.example/"}
    )

    assert response["Location"].startswith(f"{LISTS}?vault={vault.pk}")


def test_bad_choices(
    as_alice: Client, vault: Vault, other_vault: Vault, people: list[Person]
) -> None:
    tag_circle = Circle.objects.create(
        vault=vault, cadence_days=7, tag=Tag.objects.create(vault=vault, name="club")
    )
    theirs = Circle.objects.filter(vault=other_vault).first()
    assert theirs is not None

    refused = as_alice.post(choose_url(people[0]), {"circle": str(tag_circle.pk)}, headers=HX)
    assert refused.status_code == 400
    assert "Choose one of the circles in the list." in text(refused)
    assert as_alice.post(choose_url(people[0]), {"circle": "x"}, headers=HX).status_code == 400
    assert as_alice.post(choose_url(people[0]), {"circle": str(theirs.pk)}).status_code == 404
    assert not Rhythm.objects.filter(person=people[0], circle__isnull=False).exists()


def test_viewer_sees_no_buttons_and_gets_a_403(
    as_carol: Client, vault: Vault, people: list[Person], inner: Circle
) -> None:
    page = text(as_carol.get(f"{LISTS}?vault={vault.pk}"))
    assert "Ria Bakker" in page and 'data-key="1"' not in page

    assert as_carol.post(choose_url(people[0]), {"circle": str(inner.pk)}).status_code == 403
    assert not Rhythm.objects.filter(person=people[0]).exists()


def test_another_vault_is_a_404(as_mallory: Client, vault: Vault, people: list[Person]) -> None:
    assert as_mallory.get(f"{LISTS}?vault={vault.pk}").status_code == 404
    assert as_mallory.post(choose_url(people[0]), {"circle": ""}).status_code == 404


def test_pages_of_thirty_with_bounded_queries(
    as_alice: Client,
    vault: Vault,
    inner: Circle,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    club = Tag.objects.create(vault=vault, name="club")
    Circle.objects.create(vault=vault, cadence_days=60, tag=club)
    for number in range(70):
        person = create_person(vault, f"Person {number:02d} Example")
        if number % 3 == 0:
            services.set_circle(person, inner)
        if number % 5 == 0:
            person.tags.add(club)
    as_alice.get(f"{LISTS}?vault={vault.pk}")

    with django_assert_max_num_queries(12):
        first = as_alice.get(f"{LISTS}?vault={vault.pk}")
    page = text(first)
    assert page.count('class="lists-row"') == 30
    assert 'rel="next"' in page and 'rel="prev"' not in page

    last_id = Person.objects.filter(vault=vault).order_by("sort_key", "id")[29].pk
    with django_assert_max_num_queries(13):
        second = as_alice.get(f"{LISTS}?vault={vault.pk}&after={last_id}&todo=1")
    assert second.status_code == 200
    assert 'rel="prev"' in text(second)


def test_a_get_changes_nothing(as_alice: Client, vault: Vault, people: list[Person]) -> None:
    assert as_alice.get(choose_url(people[0])).status_code == 405
    as_alice.get(f"{LISTS}?vault={vault.pk}")
    assert not Rhythm.objects.exists()


def test_searching_costs_a_bounded_number_of_queries(
    as_alice: Client,
    vault: Vault,
    inner: Circle,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for number in range(40):
        person = create_person(vault, f"Jansen {number:02d} Example")
        if number % 2:
            services.set_circle(person, inner)
    as_alice.get(f"{LISTS}?vault={vault.pk}")

    with django_assert_max_num_queries(14):
        response = as_alice.get(
            f"{LISTS}?vault={vault.pk}&q=jansen&todo=1",
            headers={**HX, "HX-Target": "lists-results"},
        )

    assert text(response).count('class="lists-row"') == 20
