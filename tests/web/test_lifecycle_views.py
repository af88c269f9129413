"""The lifecycle pages: quick add, merge, trash with undo, forget, archive and deceased."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import ContactMethod, Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Note
from aandacht.timeline.services import add_note, log_interaction

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
QUICK_ADD = "/people/add/"
TRASH = "/people/trash/"


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(client: Client, alice: User, vault: Vault) -> Client:
    return as_user(client, alice)


@pytest.fixture
def jeroen(vault: Vault) -> Person:
    return create_person(vault, "Jeroen van de Ven", organisation="Bridgeworks")


def detail(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def messages_of(client: Client, path: str = "/") -> str:
    """The text of the page a redirect lands on, messages included."""
    return client.get(path).content.decode()


# --- URLs --------------------------------------------------------------------------------------


def test_urls_have_the_agreed_names_and_paths() -> None:
    assert reverse("people:quick_add") == "/people/add/"
    assert reverse("people:trash_list") == "/people/trash/"
    for name in ("merge", "trash", "restore", "forget", "archive", "deceased"):
        assert reverse(f"people:{name}", args=[7]) == f"/people/7/{name}/"


@pytest.mark.parametrize("path", ["/people/abc/trash/", "/people/-1/merge/", "/people/1e3/forget/"])
def test_non_numeric_ids_are_a_404(alice_client: Client, path: str) -> None:
    assert alice_client.post(path).status_code == 404


def test_every_page_needs_a_signed_in_user(client: Client, jeroen: Person) -> None:
    for path in (QUICK_ADD, TRASH, f"/people/{jeroen.pk}/merge/", f"/people/{jeroen.pk}/forget/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- quick add ---------------------------------------------------------------------------------


def test_quick_add_form_is_made_for_a_phone(alice_client: Client) -> None:
    page = alice_client.get(QUICK_ADD).content.decode()

    name_input = re.search(r'<input[^>]*name="name"[^>]*>', page)
    assert name_input is not None
    for attribute in ("autofocus", 'autocomplete="off"', 'enterkeyhint="next"', "required"):
        assert attribute in name_input.group(0)
    assert 'enterkeyhint="done"' in page
    assert "Where did you meet?" in page
    assert "action-bar--sticky" in page


def test_quick_add_creates_the_person_and_lands_on_them(
    alice_client: Client, alice: User, vault: Vault
) -> None:
    response = alice_client.post(
        QUICK_ADD,
        {"name": "  Jeroen   van de Ven ", "where": "PyCon NL", "note": "Bridges for cyclists"},
    )

    person = Person.objects.get(vault=vault)
    assert response.status_code == 302
    assert response["Location"] == detail(person)
    assert (person.given_name, person.particles, person.family_name) == ("Jeroen", "van de", "Ven")
    assert (person.met_at, person.met_on) == ("PyCon NL", timezone.localdate())
    note = Note.objects.get(person=person)
    assert (note.body, note.author) == ("Bridges for cyclists", alice)
    assert "Jeroen van de Ven is added." in messages_of(alice_client, detail(person))


def test_quick_add_with_only_a_name(alice_client: Client, vault: Vault) -> None:
    response = alice_client.post(QUICK_ADD, {"name": "Cher"})

    person = Person.objects.get(vault=vault)
    assert response["Location"] == detail(person)
    assert (person.met_at, person.met_on) == ("", None)
    assert not Note.objects.exists()


def test_quick_add_goes_to_the_vault_of_the_page(
    alice_client: Client, alice: User, vault: Vault
) -> None:
    team = Vault.objects.create(name="Team")
    Membership.objects.create(vault=team, user=alice, role=Role.EDITOR)

    page = alice_client.get(f"{QUICK_ADD}?vault={team.pk}").content.decode()
    alice_client.post(f"{QUICK_ADD}?vault={team.pk}", {"name": "Ann Smit"})

    assert "To Team." in page
    assert Person.objects.get().vault == team


def test_quick_add_hints_at_a_duplicate_with_a_merge_link(
    alice_client: Client, jeroen: Person
) -> None:
    response = alice_client.post(QUICK_ADD, {"name": "Jeroen van de Ven"}, follow=True)

    added = Person.objects.exclude(pk=jeroen.pk).get()
    page = response.content.decode()
    assert "Did you mean" in page
    assert f'href="/people/{jeroen.pk}/merge/?with={added.pk}"' in page
    assert f'href="/people/{jeroen.pk}/"' in page


def test_quick_add_gives_no_hint_for_a_different_name(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(QUICK_ADD, {"name": "Jeroen Bakker"}, follow=True)

    assert "Did you mean" not in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 151}, "name", "at most 150 characters"),
        ({"name": "Ann " + "van " * 20 + "Dijk"}, "name", "too long to store"),
        ({"name": "van der"}, "name", "A name needs more than “van der”."),
        ({"name": " Van  De "}, "name", "A name needs more than “Van De”."),
        ({"name": "Ann", "where": "w" * 201}, "where", "at most 200 characters"),
        ({"name": "Ann", "note": "n" * 1001}, "note", "at most 1000 characters"),
    ],
)
def test_quick_add_shows_what_is_wrong_next_to_the_field_and_writes_nothing(
    alice_client: Client, data: dict[str, str], field: str, error: str
) -> None:
    response = alice_client.post(QUICK_ADD, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert f'id="id_{field}_error"' in page
    field_input = re.search(rf'<input[^>]*name="{field}"[^>]*>', page)
    assert field_input is not None and "autofocus" in field_input.group(0)
    assert not Person.objects.exists()


def test_quick_add_over_htmx_renders_the_form_alone_and_redirects_the_page(
    alice_client: Client, vault: Vault
) -> None:
    fragment = alice_client.get(QUICK_ADD, **HTMX).content.decode()  # type: ignore[arg-type]
    invalid = alice_client.post(QUICK_ADD, {"name": ""}, **HTMX)  # type: ignore[arg-type]
    valid = alice_client.post(QUICK_ADD, {"name": "Ann Smit"}, **HTMX)  # type: ignore[arg-type]

    assert fragment.lstrip().startswith('<form id="quick-add-form"')
    assert "<html" not in fragment
    assert "This field is required." in invalid.content.decode()
    assert "<html" not in invalid.content.decode()
    assert valid["HX-Redirect"] == detail(Person.objects.get(vault=vault))


def test_a_viewer_cannot_quick_add(client: Client, carol: User, vault: Vault) -> None:
    as_user(client, carol)
    client.get("/", {"vault": vault.pk})

    assert client.get(f"{QUICK_ADD}?vault={vault.pk}").status_code == 403
    assert client.post(f"{QUICK_ADD}?vault={vault.pk}", {"name": "Ann"}).status_code == 403
    assert not Person.objects.exists()


def test_quick_add_into_someone_elses_vault_is_a_404(
    client: Client, mallory: User, vault: Vault
) -> None:
    as_user(client, mallory)

    response = client.post(f"{QUICK_ADD}?vault={vault.pk}", {"name": "Ann"})

    assert response.status_code == 404
    assert not Person.objects.filter(vault=vault).exists()


def test_quick_add_refuses_other_methods(alice_client: Client) -> None:
    assert alice_client.put(QUICK_ADD).status_code == 405


# --- trash and restore -------------------------------------------------------------------------


def test_trash_moves_them_out_of_sight_with_an_undo_button(
    alice_client: Client, jeroen: Person, vault: Vault
) -> None:
    response = alice_client.post(f"/people/{jeroen.pk}/trash/")

    assert response.status_code == 302
    assert response["Location"] == f"/?vault={vault.pk}"
    assert Person.objects.get(pk=jeroen.pk).trashed_at is not None
    page = messages_of(alice_client, response["Location"])
    assert "Jeroen van de Ven is in the trash for 30 days." in page
    undo = re.search(r'<form method="post" action="/people/\d+/restore/">.*?</form>', page, re.S)
    assert undo is not None
    assert 'name="csrfmiddlewaretoken"' in undo.group(0)
    assert ">Undo</button>" in undo.group(0)
    assert alice_client.get(detail(jeroen)).status_code == 404
    assert "Jeroen" not in alice_client.get(response["Location"]).content.decode()


def test_undo_brings_them_back_where_they_were(alice_client: Client, jeroen: Person) -> None:
    alice_client.post(f"/people/{jeroen.pk}/trash/")

    response = alice_client.post(f"/people/{jeroen.pk}/restore/")

    assert response["Location"] == detail(jeroen)
    assert Person.objects.get(pk=jeroen.pk).trashed_at is None
    assert "Jeroen van de Ven is back." in messages_of(alice_client, detail(jeroen))


def test_trashing_and_restoring_twice_is_harmless(alice_client: Client, jeroen: Person) -> None:
    alice_client.post(f"/people/{jeroen.pk}/trash/")
    first = Person.objects.get(pk=jeroen.pk).trashed_at

    again = alice_client.post(f"/people/{jeroen.pk}/trash/")

    assert again.status_code == 302
    assert Person.objects.get(pk=jeroen.pk).trashed_at == first
    assert "already in the trash" in messages_of(alice_client)
    assert alice_client.post(f"/people/{jeroen.pk}/restore/").status_code == 302
    assert alice_client.post(f"/people/{jeroen.pk}/restore/").status_code == 302
    assert Person.objects.get(pk=jeroen.pk).trashed_at is None


def test_trash_follows_a_local_next_and_ignores_another_site(
    alice_client: Client, jeroen: Person, vault: Vault
) -> None:
    local = alice_client.post(f"/people/{jeroen.pk}/trash/", {"next": "/people/trash/"})
    alice_client.post(f"/people/{jeroen.pk}/restore/")
    foreign = alice_client.post(f"/people/{jeroen.pk}/trash/", {"next": "https://evil.example/"})

    assert local["Location"] == "/people/trash/"
    assert foreign["Location"] == f"/?vault={vault.pk}"


def test_trash_over_htmx_redirects_the_whole_page(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(f"/people/{jeroen.pk}/trash/", **HTMX)  # type: ignore[arg-type]

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/?vault=")


@pytest.mark.parametrize("action", ["trash", "restore", "archive", "deceased", "forget"])
def test_a_viewer_cannot_change_anyone(
    client: Client, carol: User, jeroen: Person, action: str
) -> None:
    as_user(client, carol)

    response = client.post(f"/people/{jeroen.pk}/{action}/", {"understood": "on"})

    assert response.status_code == 403
    stored = Person.objects.get(pk=jeroen.pk)
    assert (stored.trashed_at, stored.archived, stored.deceased) == (None, False, False)


@pytest.mark.parametrize("action", ["trash", "restore", "archive", "deceased", "forget", "merge"])
def test_someone_elses_person_is_a_404(
    client: Client, mallory: User, jeroen: Person, action: str
) -> None:
    as_user(client, mallory)

    assert client.post(f"/people/{jeroen.pk}/{action}/", {"understood": "on"}).status_code == 404
    assert client.get(f"/people/{jeroen.pk}/{action}/").status_code in {404, 405}
    assert Person.objects.get(pk=jeroen.pk).trashed_at is None


@pytest.mark.parametrize("action", ["trash", "restore", "archive"])
def test_state_changes_are_post_only(alice_client: Client, jeroen: Person, action: str) -> None:
    assert alice_client.get(f"/people/{jeroen.pk}/{action}/").status_code == 405


def test_a_missing_person_is_a_404(alice_client: Client) -> None:
    for action in ("trash", "restore", "archive", "deceased", "forget", "merge"):
        assert alice_client.post(f"/people/999999/{action}/").status_code == 404


# --- the trash list ----------------------------------------------------------------------------


def test_trash_list_shows_the_trash_of_this_vault_with_days_left(
    alice_client: Client, vault: Vault, other_vault: Vault
) -> None:
    recent = create_person(vault, "Net Weg")
    trash_person(recent, now=timezone.now() - dt.timedelta(days=3))
    create_person(vault, "Nog Hier")
    elsewhere = create_person(other_vault, "Ver Weg")
    trash_person(elsewhere)

    page = alice_client.get(TRASH).content.decode()

    assert "Net Weg" in page
    assert "forgotten in 27 days" in page
    assert "Nog Hier" not in page
    assert "Ver Weg" not in page
    assert f'action="/people/{recent.pk}/restore/"' in page
    assert f'href="/people/{recent.pk}/forget/"' in page
    assert "30 days" in page


def test_someone_trashed_a_moment_ago_is_forgotten_in_thirty_days_not_twenty_nine(
    alice_client: Client, jeroen: Person
) -> None:
    trash_person(jeroen, now=timezone.now() - dt.timedelta(seconds=5))

    page = alice_client.get(TRASH).content.decode()

    assert "forgotten in 30 days" in page
    assert "29 days" not in page


def test_trash_list_forgets_people_older_than_thirty_days(
    alice_client: Client, vault: Vault
) -> None:
    old = create_person(vault, "Oud Genoeg")
    trash_person(old, now=timezone.now() - dt.timedelta(days=31))

    page = alice_client.get(TRASH).content.decode()

    assert "Oud Genoeg" not in page
    assert "The trash is empty" in page
    assert not Person.objects.filter(pk=old.pk).exists()


def test_trash_list_has_no_buttons_for_a_viewer(
    client: Client, carol: User, vault: Vault, jeroen: Person
) -> None:
    trash_person(jeroen)
    as_user(client, carol)

    page = client.get(f"{TRASH}?vault={vault.pk}").content.decode()

    assert "Jeroen van de Ven" in page
    assert "/restore/" not in page
    assert "/forget/" not in page


def test_trash_list_query_count_does_not_grow_with_the_trash(
    alice_client: Client, vault: Vault, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(30):
        trash_person(create_person(vault, f"Person {number} Weg"))

    with django_assert_max_num_queries(12):
        response = alice_client.get(TRASH)

    assert response.content.decode().count("/restore/") == 30


# --- forget ------------------------------------------------------------------------------------


def test_forget_page_says_what_will_be_erased(alice_client: Client, jeroen: Person) -> None:
    add_note(jeroen.vault, jeroen, "Likes trains")
    log_interaction(jeroen.vault, [jeroen], "call")

    page = alice_client.get(f"/people/{jeroen.pk}/forget/").content.decode()

    assert "Forget Jeroen van de Ven?" in page
    assert "cannot be undone" in page
    assert "1 note" in page
    assert "1 conversation" in page
    assert "Type their name to confirm" in page


@pytest.mark.parametrize(
    "data",
    [{}, {"typed_name": "Jeroen"}, {"typed_name": "x" * 401}, {"understood": ""}],
)
def test_forget_needs_a_clear_confirmation(
    alice_client: Client, jeroen: Person, data: dict[str, str]
) -> None:
    response = alice_client.post(f"/people/{jeroen.pk}/forget/", data)

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode() or "form-error" in (
        response.content.decode()
    )
    assert Person.objects.filter(pk=jeroen.pk).exists()


@pytest.mark.parametrize(
    "data", [{"typed_name": " jeroen VAN de ven "}, {"understood": "on"}], ids=["name", "box"]
)
def test_forget_erases_them_after_typing_the_name_or_ticking_the_box(
    alice_client: Client, jeroen: Person, vault: Vault, data: dict[str, str]
) -> None:
    ContactMethod.objects.create(person=jeroen, kind="email", value="j@example.org")

    response = alice_client.post(f"/people/{jeroen.pk}/forget/", data)

    assert response["Location"] == f"/?vault={vault.pk}"
    assert not Person.objects.filter(pk=jeroen.pk).exists()
    assert not ContactMethod.objects.exists()
    assert "Jeroen van de Ven is forgotten." in messages_of(alice_client, response["Location"])
    assert alice_client.post(f"/people/{jeroen.pk}/forget/", data).status_code == 404


def test_forget_from_the_trash_returns_to_the_trash(alice_client: Client, jeroen: Person) -> None:
    trash_person(jeroen)

    assert alice_client.get(f"/people/{jeroen.pk}/forget/").status_code == 200
    response = alice_client.post(f"/people/{jeroen.pk}/forget/", {"understood": "on"})

    assert response["Location"] == TRASH
    assert not Person.objects.filter(pk=jeroen.pk).exists()


# --- archive and deceased ----------------------------------------------------------------------


def test_archive_button_flips_and_explicit_values_are_idempotent(
    alice_client: Client, jeroen: Person
) -> None:
    url = f"/people/{jeroen.pk}/archive/"

    assert alice_client.post(url)["Location"] == detail(jeroen)
    assert Person.objects.get(pk=jeroen.pk).archived is True
    assert "is archived" in messages_of(alice_client, detail(jeroen))
    alice_client.post(url, {"archived": "1"})
    assert Person.objects.get(pk=jeroen.pk).archived is True
    alice_client.post(url)
    assert Person.objects.get(pk=jeroen.pk).archived is False
    alice_client.post(url, {"archived": "0"})
    assert Person.objects.get(pk=jeroen.pk).archived is False


def test_archive_with_a_bad_value_is_a_clear_400(alice_client: Client, jeroen: Person) -> None:
    response = alice_client.post(f"/people/{jeroen.pk}/archive/", {"archived": "maybe"})

    assert response.status_code == 400
    assert "archived=1" in response.content.decode()
    assert Person.objects.get(pk=jeroen.pk).archived is False


def test_deceased_button_marks_and_unmarks_in_one_tap(alice_client: Client, jeroen: Person) -> None:
    url = f"/people/{jeroen.pk}/deceased/"

    response = alice_client.post(url)

    assert response["Location"] == detail(jeroen)
    assert Person.objects.get(pk=jeroen.pk).deceased is True
    page = messages_of(alice_client, detail(jeroen))
    assert "marked as deceased" in page
    assert f'href="{url}"' in page  # "Add the date"
    alice_client.post(url)
    assert Person.objects.get(pk=jeroen.pk).deceased is False


def test_deceased_with_a_date_from_the_form(alice_client: Client, jeroen: Person) -> None:
    url = f"/people/{jeroen.pk}/deceased/"

    form = alice_client.get(url).content.decode()
    alice_client.post(url, {"deceased": "1", "deceased_on": "2024-11-02"})
    alice_client.post(url, {"deceased": "1", "deceased_on": "2024-11-02"})

    assert 'type="date"' in form
    stored = Person.objects.get(pk=jeroen.pk)
    assert (stored.deceased, stored.deceased_on) == (True, dt.date(2024, 11, 2))
    alice_client.post(url, {"deceased": "0"})
    stored = Person.objects.get(pk=jeroen.pk)
    assert (stored.deceased, stored.deceased_on) == (False, None)


def test_repeating_the_deceased_button_keeps_a_known_date(
    alice_client: Client, jeroen: Person
) -> None:
    url = f"/people/{jeroen.pk}/deceased/"
    alice_client.post(url, {"deceased": "1", "deceased_on": "2024-11-02"})

    alice_client.post(url, {"deceased": "1"})

    assert Person.objects.get(pk=jeroen.pk).deceased_on == dt.date(2024, 11, 2)
    alice_client.post(url, {"deceased": "1", "deceased_on": ""})
    assert Person.objects.get(pk=jeroen.pk).deceased_on is None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"deceased": "1", "deceased_on": "2999-01-01"}, "cannot be in the future"),
        ({"deceased": "1", "deceased_on": "31-31-2020"}, "Enter a valid date."),
        ({"deceased": "yes"}, "Select a valid choice."),
        ({"deceased": "0", "deceased_on": "2020-01-01"}, "needs “deceased”"),
    ],
)
def test_deceased_shows_what_is_wrong(
    alice_client: Client, jeroen: Person, data: dict[str, str], error: str
) -> None:
    response = alice_client.post(f"/people/{jeroen.pk}/deceased/", data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert Person.objects.get(pk=jeroen.pk).deceased is False


# --- merge -------------------------------------------------------------------------------------


@pytest.fixture
def twin(vault: Vault) -> Person:
    return create_person(vault, "Jeroen vd Ven", nickname="Jer", organisation="Acme")


def test_merge_starts_by_finding_the_other_person(
    alice_client: Client, jeroen: Person, twin: Person
) -> None:
    page = alice_client.get(f"/people/{jeroen.pk}/merge/", {"q": "jeroen"}).content.decode()

    assert "Merge Jeroen van de Ven with" in page
    assert f"?with={twin.pk}" in page
    assert f"?with={jeroen.pk}" not in page


def test_merge_search_suggests_similar_names_before_typing(
    alice_client: Client, jeroen: Person, vault: Vault
) -> None:
    same = create_person(vault, "Jeroen van de Ven")

    page = alice_client.get(f"/people/{jeroen.pk}/merge/").content.decode()

    assert "Similar names" in page
    assert f"?with={same.pk}" in page


def test_merge_search_over_htmx_returns_the_results_only(
    alice_client: Client, jeroen: Person, twin: Person
) -> None:
    response = alice_client.get(
        f"/people/{jeroen.pk}/merge/",
        {"q": "acme"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="merge-results",
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="merge-results"')
    assert f"?with={twin.pk}" in page


@pytest.mark.parametrize(
    ("other", "status", "text"),
    [
        ("abc", 400, "Choose the other person from the list."),
        ("self", 400, "That is the same person"),
        ("999999", 404, ""),
    ],
)
def test_merge_with_a_bad_other_person(
    alice_client: Client, jeroen: Person, other: str, status: int, text: str
) -> None:
    value = str(jeroen.pk) if other == "self" else other

    response = alice_client.get(f"/people/{jeroen.pk}/merge/", {"with": value})

    assert response.status_code == status
    assert text in response.content.decode()


def test_merge_with_someone_in_another_vault_is_a_404(
    client: Client, alice: User, jeroen: Person
) -> None:
    elsewhere = Vault.objects.create(name="Other")
    Membership.objects.create(vault=elsewhere, user=alice, role=Role.OWNER)
    stranger = create_person(elsewhere, "Jeroen van de Ven")
    as_user(client, alice)

    assert client.get(f"/people/{jeroen.pk}/merge/", {"with": stranger.pk}).status_code == 404
    response = client.post(f"/people/{jeroen.pk}/merge/", {"with": stranger.pk})
    assert Person.objects.filter(pk=stranger.pk).exists()
    assert response.status_code == 302  # "no longer here": nothing merged


def test_merge_shows_both_side_by_side_with_sensible_defaults(
    alice_client: Client, jeroen: Person, twin: Person
) -> None:
    page = alice_client.get(f"/people/{jeroen.pk}/merge/", {"with": twin.pk}).content.decode()

    assert "Merge two people" in page
    assert "Bridgeworks" in page and "Acme" in page
    assert re.search(r'name="organisation" value="kept"[^>]*checked', page)
    assert 'name="nickname"' not in page  # only one has a nickname: taken, not asked
    assert "Kept automatically" in page and "Jer" in page
    assert 'name="pronouns"' not in page  # the same on both: no choice to make
    assert f'href="/people/{twin.pk}/merge/?with={jeroen.pk}"' in page


def test_merge_columns_say_enough_to_tell_them_apart(
    alice_client: Client, jeroen: Person, twin: Person
) -> None:
    Person.objects.filter(pk=jeroen.pk).update(job_title="Engineer", met_at="PyCon NL")
    Person.objects.filter(pk=twin.pk).update(met_on=dt.date(2024, 5, 3))
    log_interaction(twin.vault, [twin], "call")
    add_note(twin.vault, twin, "Likes trains")

    page = alice_client.get(f"/people/{jeroen.pk}/merge/", {"with": twin.pk}).content.decode()

    heads = re.findall(r'<ul class="merge-counts.*?</ul>', page, re.S)
    assert len(heads) == 2
    assert "Engineer at Bridgeworks" in heads[0] and "met at PyCon NL" in heads[0]
    assert "0 timeline entries" in heads[0]
    assert "Acme" in heads[1] and "met May 3, 2024" in heads[1]
    assert "2 timeline entries" in heads[1]
    added = timezone.localdate().strftime("%Y")
    assert all("added" in head and added in head for head in heads)


def test_merging_two_records_of_the_same_name_says_so(
    alice_client: Client, vault: Vault, jeroen: Person
) -> None:
    same = create_person(vault, "Jeroen van de Ven")

    alice_client.post(f"/people/{jeroen.pk}/merge/", {"with": same.pk})

    shown = messages_of(alice_client, detail(jeroen))
    assert "The two records of Jeroen van de Ven are now one; nothing was lost." in shown
    assert "is merged into" not in shown


def test_merge_on_a_dutch_page_writes_a_dutch_note(
    alice_client: Client, jeroen: Person, twin: Person
) -> None:
    alice_client.post(
        f"/people/{jeroen.pk}/merge/",
        {"with": twin.pk, "organisation": "kept"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    body = Note.objects.get(person=jeroen).body
    assert body.startswith("Samengevoegd met “Jeroen van de Ven” (toegevoegd op ")
    assert "- organisatie: Acme" in body


def test_merge_combines_them_and_lands_on_the_kept_person(
    alice_client: Client, alice: User, jeroen: Person, twin: Person
) -> None:
    log_interaction(twin.vault, [twin], "call")
    response = alice_client.post(
        f"/people/{jeroen.pk}/merge/",
        {"with": twin.pk, "name": "kept", "nickname": "other", "organisation": "other"},
    )

    assert response.status_code == 302
    assert response["Location"] == detail(jeroen)
    assert not Person.objects.filter(pk=twin.pk).exists()
    merged = Person.objects.get(pk=jeroen.pk)
    assert (merged.name, merged.nickname, merged.organisation) == (
        "Jeroen van de Ven",
        "Jer",
        "Acme",
    )
    assert merged.interactions.count() == 1
    assert Note.objects.get(person=merged).author == alice
    assert "The two records of Jeroen van de Ven are now one" in messages_of(
        alice_client, detail(jeroen)
    )


def test_merging_twice_is_harmless(alice_client: Client, jeroen: Person, twin: Person) -> None:
    url = f"/people/{jeroen.pk}/merge/"
    alice_client.post(url, {"with": twin.pk})

    again = alice_client.post(url, {"with": twin.pk})

    assert again["Location"] == detail(jeroen)
    assert "no longer here" in messages_of(alice_client, detail(jeroen))
    assert Person.objects.filter(pk=jeroen.pk).exists()


def test_merge_with_a_bad_choice_shows_the_error_and_merges_nothing(
    alice_client: Client, jeroen: Person, twin: Person
) -> None:
    response = alice_client.post(
        f"/people/{jeroen.pk}/merge/", {"with": twin.pk, "organisation": "both"}
    )

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Person.objects.filter(pk=twin.pk).exists()


def test_merge_over_htmx_redirects_the_whole_page(
    alice_client: Client, jeroen: Person, twin: Person
) -> None:
    response = alice_client.post(
        f"/people/{jeroen.pk}/merge/",
        {"with": twin.pk},
        **HTMX,  # type: ignore[arg-type]
    )

    assert response["HX-Redirect"] == detail(jeroen)


def test_a_viewer_cannot_merge(client: Client, carol: User, jeroen: Person, twin: Person) -> None:
    as_user(client, carol)

    assert client.get(f"/people/{jeroen.pk}/merge/").status_code == 403
    assert client.post(f"/people/{jeroen.pk}/merge/", {"with": twin.pk}).status_code == 403
    assert Person.objects.filter(pk=twin.pk).exists()
