from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person

HOME = "/"


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    alice.first_name = "Alice"
    alice.save()
    client.force_login(alice)
    return client


def add_vault(user: User, name: str, *, people: int = 0, is_demo: bool = False) -> Vault:
    vault = Vault.objects.create(name=name, is_demo=is_demo)
    Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
    for number in range(people):
        create_person(vault, f"Person {number} Example", organisation=f"Org {number}")
    return vault


def home_queries(client: Client, path: str = HOME) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_home_needs_a_signed_in_user(client: Client, alice: User) -> None:
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


def test_home_greets_the_owner_by_first_name(alice_client: Client, vault: Vault) -> None:
    page = alice_client.get(HOME).content.decode()

    assert "Hello, Alice" in page


def test_home_falls_back_to_the_username_without_a_first_name(
    client: Client, alice: User, vault: Vault
) -> None:
    client.force_login(alice)

    assert "Hello, alice" in client.get(HOME).content.decode()


def test_home_lists_own_vaults_with_people_counts_leaving_out_the_trash(
    alice_client: Client, alice: User, vault: Vault, other_vault: Vault
) -> None:
    create_person(vault, "Ann Smit")
    create_person(vault, "Ben de Wit")
    trashed = create_person(vault, "Cor Gone")
    Person.objects.filter(pk=trashed.pk).update(trashed_at=timezone.now())
    add_vault(alice, "Demo", people=1, is_demo=True)

    response = alice_client.get(HOME)

    counts = [(each.name, each.people_count) for each in response.context["vaults"]]
    assert counts == [("Alice's people", 2), ("Demo", 1)]
    assert "Mallory's people" not in response.content.decode()


def test_home_shows_the_ten_newest_people_of_the_default_vault_with_organisation(
    alice_client: Client, vault: Vault
) -> None:
    for number in range(12):
        create_person(vault, f"Person{number} Example", organisation=f"Org {number}")

    response = alice_client.get(HOME)

    recent = [person.given_name for person in response.context["recent"]]
    assert recent == [f"Person{number}" for number in range(11, 1, -1)]
    assert "Org 11" in response.content.decode()


def test_home_shows_another_vault_when_asked(
    alice_client: Client, alice: User, vault: Vault
) -> None:
    demo = add_vault(alice, "Demo", people=2, is_demo=True)

    response = alice_client.get(f"{HOME}?vault={demo.pk}")

    assert response.context["vault"] == demo
    assert len(response.context["recent"]) == 2


@pytest.mark.parametrize("raw", ["999999", "not-a-number"])
def test_home_refuses_an_unknown_vault(alice_client: Client, vault: Vault, raw: str) -> None:
    assert alice_client.get(f"{HOME}?vault={raw}").status_code == 404


def test_home_refuses_someone_elses_vault(
    alice_client: Client, vault: Vault, other_vault: Vault
) -> None:
    assert alice_client.get(f"{HOME}?vault={other_vault.pk}").status_code == 404


def test_home_gives_a_user_without_vaults_a_personal_one(alice_client: Client) -> None:
    response = alice_client.get(HOME)

    assert [each.name for each in response.context["vaults"]] == ["Personal"]


def test_home_query_count_does_not_grow_with_vaults_or_people(
    alice_client: Client,
    alice: User,
    vault: Vault,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    create_person(vault, "Ann Smit", organisation="Smit & Co")
    small = home_queries(alice_client)
    for number in range(3):
        add_vault(alice, f"Vault {number}", people=4)
    for number in range(15):
        create_person(vault, f"Extra{number} Person", organisation="Somewhere")

    with django_assert_max_num_queries(small):
        alice_client.get(HOME)
    # session, user, vaults with counts, newest people, the navigation's memberships
    assert small <= 5


def test_search_lists_matches_best_first(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Jeroen van de Ven", organisation="Fietsenmakerij Ven")
    create_person(vault, "Jeroen Bakker")
    create_person(vault, "Anna Venema")

    response = alice_client.get(HOME, {"q": "jeroen vd ven"})

    names = [hit.person.name for hit in response.context["hits"]]
    assert names[0] == "Jeroen van de Ven"
    assert "Anna Venema" not in names[:1]
    page = response.content.decode()
    assert "Fietsenmakerij Ven" in page
    assert page.index("Jeroen van de Ven") < page.index("Jeroen Bakker")


def test_search_without_matches_says_so(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Ann Smit")

    response = alice_client.get(HOME, {"q": "zzyzx"})

    assert response.context["hits"] == []
    assert "Nobody here matches “zzyzx”" in response.content.decode()


def test_search_stays_inside_the_chosen_vault(
    alice_client: Client, alice: User, vault: Vault
) -> None:
    demo = add_vault(alice, "Demo", is_demo=True)
    create_person(demo, "Jeroen van de Ven")

    in_default = alice_client.get(HOME, {"q": "jeroen"})
    in_demo = alice_client.get(HOME, {"q": "jeroen", "vault": demo.pk})

    assert in_default.context["hits"] == []
    assert [hit.person.name for hit in in_demo.context["hits"]] == ["Jeroen van de Ven"]


def test_search_query_count_does_not_grow_with_hits(
    alice_client: Client, vault: Vault, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    create_person(vault, "Jeroen Een", organisation="Org")
    few = home_queries(alice_client, f"{HOME}?q=jeroen")
    for number in range(15):
        create_person(vault, f"Jeroen{number} Ander", organisation="Org")

    with django_assert_max_num_queries(few):
        alice_client.get(HOME, {"q": "jeroen"})


def test_htmx_search_renders_only_the_results(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Jeroen van de Ven")

    response = alice_client.get(
        HOME, {"q": "jeroen"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "Jeroen van de Ven" in page
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_home_links_admin_for_staff_only(client: Client, alice: User, vault: Vault) -> None:
    client.force_login(alice)
    assert reverse("admin:index") not in client.get(HOME).content.decode()

    User.objects.filter(pk=alice.pk).update(is_staff=True)
    assert reverse("admin:index") in client.get(HOME).content.decode()


def test_home_offers_the_demo_only_while_there_is_none(
    alice_client: Client, alice: User, vault: Vault
) -> None:
    assert reverse("web:start") in alice_client.get(HOME).content.decode()

    add_vault(alice, "Demo", is_demo=True)
    assert reverse("web:start") not in alice_client.get(HOME).content.decode()


def test_home_answers_get_only(alice_client: Client, vault: Vault) -> None:
    assert alice_client.post(HOME).status_code == 405
