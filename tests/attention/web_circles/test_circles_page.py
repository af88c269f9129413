"""The circles page: list with counts and members, create, rename, delete; roles and vaults."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.circles import circle_rows
from aandacht.attention.models import Circle, Rhythm
from aandacht.people.models import Person, Tag
from aandacht.people.services import create_person

CIRCLES = reverse("attention:circles")


def text(response: object) -> str:
    return str(response.content.decode())  # type: ignore[attr-defined]


def url(vault: Vault) -> str:
    return f"{CIRCLES}?vault={vault.pk}"


def test_needs_a_signed_in_user(client: Client, vault: Vault) -> None:
    response = client.get(CIRCLES)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_lists_the_circles_by_cadence_with_counts_and_members(
    as_alice: Client, vault: Vault, inner: Circle, monthly: Circle
) -> None:
    ria = create_person(vault, "Ria Bakker")
    create_person(vault, "Sem de Vries", tags=["family"])
    services.set_circle(ria, inner)
    family = Circle.objects.create(
        vault=vault, cadence_days=7, tag=Tag.objects.get(vault=vault, name="family")
    )

    response = as_alice.get(url(vault))

    page = text(response)
    assert response.status_code == 200
    assert "An explicit circle wins" in page
    assert page.index("family") < page.index("Inner circle") < page.index("Monthly")
    assert "Every 7 days" in page and "Every 14 days" in page and "Every 30 days" in page
    assert "tag circle" in page and "tag: family" not in page  # the tag is its name
    inner_row = page[page.index(f'id="circle-{inner.pk}"') :]
    assert "1 person" in inner_row[:2000] and "Ria Bakker" in inner_row[:2000]
    family_row = page[
        page.index(f'id="circle-{family.pk}"') : page.index(f'id="circle-{inner.pk}"')
    ]
    assert "Sem de Vries" in family_row
    assert "No one in it yet." in page  # monthly, quarterly, yearly


def test_an_explicit_circle_wins_over_a_tag_circle_in_the_counts(
    as_alice: Client, vault: Vault, monthly: Circle
) -> None:
    sem = create_person(vault, "Sem de Vries", tags=["family"])
    Circle.objects.create(vault=vault, cadence_days=7, tag=Tag.objects.get(name="family"))
    services.set_circle(sem, monthly)

    create_person(vault, "Ann Bos", tags=["family"])
    rows = {row.circle.title: (row.count, row.elsewhere) for row in circle_rows(vault)}

    assert rows["family"] == (1, 1)  # Ann follows it; Sem, tagged too, follows Monthly
    assert rows["Monthly"] == (1, 0)
    page = text(as_alice.get(url(vault)))
    assert "1 person (1 more tagged follows another circle)" in page


def test_the_list_costs_the_same_for_many_people(
    as_alice: Client,
    vault: Vault,
    inner: Circle,
    monthly: Circle,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    tag = Tag.objects.create(vault=vault, name="club")
    Circle.objects.create(vault=vault, cadence_days=60, tag=tag)
    for number in range(30):
        person = create_person(vault, f"Person {number:02d} Example")
        services.set_circle(person, inner if number % 2 else monthly)
        if number % 3 == 0:
            person.tags.add(tag)
    as_alice.get(url(vault))  # the first visit remembers the vault (one write, once)

    with django_assert_max_num_queries(12):
        response = as_alice.get(url(vault))

    assert response.status_code == 200
    assert "and 10 more" in text(response)


def test_trashed_and_archived_people_are_not_counted(
    as_alice: Client, vault: Vault, inner: Circle
) -> None:
    kept = create_person(vault, "Kept Example")
    gone = create_person(vault, "Gone Example")
    services.set_circle(kept, inner)
    services.set_circle(gone, inner)
    Person.objects.filter(pk=gone.pk).update(archived=True)

    page = text(as_alice.get(url(vault)))

    assert "Kept Example" in page and "Gone Example" not in page


def test_create_a_named_circle(as_alice: Client, vault: Vault) -> None:
    response = as_alice.post(url(vault), {"name": "Neighbours", "cadence_days": "45"})

    assert response.status_code == 302
    circle = Circle.objects.get(vault=vault, name="Neighbours")
    assert circle.cadence_days == 45 and circle.tag is None
    assert "Circle “Neighbours” created." in text(as_alice.get(response["Location"]))


def test_create_a_circle_for_a_tag_without_a_name(as_bob: Client, vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="clients")

    response = as_bob.post(url(vault), {"name": "", "cadence_days": "60", "tag": str(tag.pk)})

    assert response.status_code == 302
    circle = Circle.objects.get(tag=tag)
    assert circle.title == "clients" and circle.cadence_days == 60


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "X", "cadence_days": "0"}, "cadence_days", "A cadence is at least 1 day."),
        ({"name": "X", "cadence_days": "3651"}, "cadence_days", "at most 3650 days"),
        ({"name": "X", "cadence_days": "often"}, "cadence_days", "Enter a whole number of days"),
        ({"name": "X", "cadence_days": ""}, "cadence_days", "Say every how many days"),
        ({"name": " ", "cadence_days": "30"}, "name", "Give the circle a name, or choose a tag."),
        ({"name": "x" * 81, "cadence_days": "30"}, "name", "Keep the name under 80 characters."),
        ({"name": "X", "cadence_days": "30", "tag": "abc"}, "tag", "Choose one of the vault"),
    ],
)
def test_bad_input_is_explained(
    as_alice: Client, vault: Vault, data: dict[str, str], field: str, message: str
) -> None:
    before = Circle.objects.count()

    response = as_alice.post(url(vault), data)

    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert f'id="new-circle-{field}_error"' in page
    assert Circle.objects.count() == before


def test_a_tag_can_have_only_one_circle(as_alice: Client, vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="clients")
    Circle.objects.create(vault=vault, cadence_days=30, tag=tag)

    response = as_alice.post(url(vault), {"cadence_days": "10", "tag": str(tag.pk)})

    assert response.status_code == 200
    assert "The tag “clients” already has a circle." in text(response)
    assert Circle.objects.filter(tag=tag).count() == 1


def test_a_tag_of_another_vault_is_a_404(
    as_alice: Client, vault: Vault, other_vault: Vault
) -> None:
    theirs = Tag.objects.create(vault=other_vault, name="secret")

    response = as_alice.post(url(vault), {"cadence_days": "10", "tag": str(theirs.pk)})

    assert response.status_code == 404
    assert not Circle.objects.filter(tag=theirs).exists()


def test_a_viewer_sees_but_cannot_change(as_carol: Client, vault: Vault, inner: Circle) -> None:
    page = text(as_carol.get(url(vault)))
    assert "Inner circle" in page
    assert (
        "New circle" not in page and reverse("attention:circle_delete", args=[inner.pk]) not in page
    )

    assert as_carol.post(url(vault), {"name": "X", "cadence_days": "5"}).status_code == 403
    edit = reverse("attention:circle_edit", args=[inner.pk])
    assert as_carol.post(edit, {"name": "X", "cadence_days": "5"}).status_code == 403
    assert as_carol.get(edit).status_code == 403
    delete = reverse("attention:circle_delete", args=[inner.pk])
    assert as_carol.post(delete).status_code == 403
    assert Circle.objects.filter(pk=inner.pk, cadence_days=14, name="").exists()


def test_another_vaults_circle_is_a_404(as_mallory: Client, vault: Vault, inner: Circle) -> None:
    assert as_mallory.get(url(vault)).status_code == 404
    for name in ("attention:circle_edit", "attention:circle_delete"):
        assert as_mallory.get(reverse(name, args=[inner.pk])).status_code == 404
        assert as_mallory.post(reverse(name, args=[inner.pk])).status_code == 404
    assert Circle.objects.filter(pk=inner.pk).exists()


def test_rename_and_change_cadence(as_alice: Client, vault: Vault, monthly: Circle) -> None:
    edit = reverse("attention:circle_edit", args=[monthly.pk])
    form = text(as_alice.get(edit))
    assert 'value="Monthly"' in form and 'value="30"' in form

    response = as_alice.post(edit, {"name": "Every month", "cadence_days": "31"})

    assert response.status_code == 302
    monthly.refresh_from_db()
    assert (monthly.name, monthly.cadence_days) == ("Every month", 31)


def test_a_preset_left_as_it_is_keeps_following_the_language(
    as_alice: Client, monthly: Circle
) -> None:
    edit = reverse("attention:circle_edit", args=[monthly.pk])

    as_alice.post(edit, {"name": "Monthly", "cadence_days": "28"})

    monthly.refresh_from_db()
    assert monthly.name == "" and monthly.cadence_days == 28


def test_a_renamed_circle_needs_a_name_and_a_good_cadence(as_alice: Client, vault: Vault) -> None:
    circle = Circle.objects.create(vault=vault, name="Club", cadence_days=20)
    edit = reverse("attention:circle_edit", args=[circle.pk])

    response = as_alice.post(edit, {"name": "", "cadence_days": "9999"})

    page = text(response)
    assert response.status_code == 200
    assert "Give the circle a name." in page and "at most 3650 days" in page
    circle.refresh_from_db()
    assert (circle.name, circle.cadence_days) == ("Club", 20)


def test_delete_asks_first_then_members_lose_the_circle(
    as_alice: Client, vault: Vault, inner: Circle
) -> None:
    ria = create_person(vault, "Ria Bakker")
    services.set_circle(ria, inner)
    delete = reverse("attention:circle_delete", args=[inner.pk])

    question = as_alice.get(delete)
    assert question.status_code == 200
    assert "One person is in this circle" in text(question)
    assert Circle.objects.filter(pk=inner.pk).exists()

    response = as_alice.post(delete)

    assert response.status_code == 302
    assert not Circle.objects.filter(pk=inner.pk).exists()
    assert Person.objects.filter(pk=ria.pk).exists()
    assert Rhythm.objects.get(person=ria).circle is None
    assert "no longer in it" in text(as_alice.get(response["Location"]))


def test_non_numeric_ids_are_404s(as_alice: Client) -> None:
    assert as_alice.get("/circles/abc/").status_code == 404
    assert as_alice.get("/circles/99999999/").status_code == 404


def test_the_tag_choice_shows_only_when_the_vault_has_tags(as_alice: Client, vault: Vault) -> None:
    assert 'name="tag"' not in text(as_alice.get(url(vault)))

    Tag.objects.create(vault=vault, name="clients")

    page = text(as_alice.get(url(vault)))
    assert 'name="tag"' in page and ">clients</option>" in page


def test_a_tag_circle_keeps_following_its_tags_name(as_alice: Client, vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="clients")
    circle = Circle.objects.create(vault=vault, cadence_days=30, tag=tag)
    edit = reverse("attention:circle_edit", args=[circle.pk])
    assert 'value="clients"' not in text(as_alice.get(edit))

    as_alice.post(edit, {"name": "", "cadence_days": "40"})

    circle.refresh_from_db()
    assert circle.name == "" and circle.cadence_days == 40 and circle.title == "clients"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "old colleagues", "cadence_days": "90"}, "name"),  # another case
        ({"name": " OLD COLLEAGUES ", "cadence_days": "90"}, "name"),
        ({"name": "monthly", "cadence_days": "40"}, "name"),  # a preset's title
        ({"name": "Family", "cadence_days": "40"}, "name"),  # a tag circle's tag
    ],
)
def test_a_circle_name_is_refused_twice(
    as_alice: Client, vault: Vault, monthly: Circle, data: dict[str, str], field: str
) -> None:
    Circle.objects.create(vault=vault, name="Old colleagues", cadence_days=60)
    family = Tag.objects.create(vault=vault, name="family")
    Circle.objects.create(vault=vault, cadence_days=21, tag=family)
    before = Circle.objects.count()

    response = as_alice.post(url(vault), data)

    page = text(response)
    assert response.status_code == 200
    assert "There is already a circle called" in page
    assert f'id="new-circle-{field}_error"' in page
    assert Circle.objects.count() == before


def test_a_tag_circle_whose_tag_repeats_a_name_is_refused_on_the_tag(
    as_alice: Client, vault: Vault
) -> None:
    Circle.objects.create(vault=vault, name="Clients", cadence_days=60)
    tag = Tag.objects.create(vault=vault, name="clients")

    response = as_alice.post(url(vault), {"name": "", "cadence_days": "30", "tag": str(tag.pk)})

    assert "There is already a circle called “Clients”" in text(response)
    assert 'id="new-circle-tag_error"' in text(response)
    assert not Circle.objects.filter(tag=tag).exists()
    # With a name of its own it is fine.
    response = as_alice.post(
        url(vault), {"name": "Customers", "cadence_days": "30", "tag": str(tag.pk)}
    )
    assert response.status_code == 302


def test_a_rename_may_not_take_another_circles_name(
    as_alice: Client, vault: Vault, monthly: Circle
) -> None:
    club = Circle.objects.create(vault=vault, name="Club", cadence_days=20)
    edit = reverse("attention:circle_edit", args=[club.pk])

    response = as_alice.post(edit, {"name": "MONTHLY", "cadence_days": "20"})

    assert response.status_code == 200
    assert "There is already a circle called “Monthly”" in text(response)
    club.refresh_from_db()
    assert club.name == "Club"
    # Keeping its own name (in another case) is fine; so is a preset left as it is.
    assert as_alice.post(edit, {"name": "CLUB", "cadence_days": "21"}).status_code == 302
    monthly_edit = reverse("attention:circle_edit", args=[monthly.pk])
    assert as_alice.post(monthly_edit, {"name": "Monthly", "cadence_days": "30"}).status_code == 302


def test_the_service_refuses_a_duplicate_name_too(vault: Vault, monthly: Circle) -> None:
    services.create_circle(vault, "Old colleagues", 60)
    for name, tag in [("OLD COLLEAGUES", None), ("Monthly", None), ("", "old colleagues")]:
        with pytest.raises(ValueError, match="there is already a circle called"):
            services.create_circle(vault, name, 90, tag_name=tag)
    assert not Tag.objects.filter(vault=vault, name__iexact="old colleagues").exists()
    services.create_circle(vault, "", 30, tag_name="family")
    with pytest.raises(ValueError, match="there is already a circle called Family"):
        services.create_circle(vault, "Family", 40)
    with pytest.raises(ValueError, match="the tag family already has a circle"):
        services.create_circle(vault, "", 40, tag_name="Family")
