"""The people list: sorting, filters, search as you type, seek pagination, bulk tagging."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Vault
from aandacht.people import directory
from aandacht.people.models import Person, Tag
from aandacht.people.search import search_people
from aandacht.people.services import add_contact_method, create_person, set_tags

LIST = "/people/"
BULK = "/people/bulk-tag/"


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def names_on(response: object) -> list[str]:
    groups = response.context["groups"]  # type: ignore[attr-defined]
    return [row.person.name for group in groups for row in group.rows]


def trash(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(trashed_at=timezone.now())


def fill(vault: Vault, count: int, *, prefix: str = "Person") -> list[Person]:
    return [
        create_person(vault, f"{prefix}{number:03d} Example{number:03d}") for number in range(count)
    ]


# Who may see what


def test_the_list_needs_a_signed_in_user(client: Client, vault: Vault) -> None:
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_url_names(vault: Vault) -> None:
    assert reverse("people:list") == LIST
    assert reverse("people:bulk_tag") == BULK


def test_mallory_cannot_see_alices_people(
    client: Client, mallory: User, vault: Vault, other_vault: Vault
) -> None:
    create_person(vault, "Ann Smit")
    login(client, mallory)

    assert client.get(LIST, {"vault": vault.pk}).status_code == 404
    page = client.get(LIST).content.decode()
    assert "Ann Smit" not in page


def test_a_viewer_sees_the_list_without_the_bulk_form(
    client: Client, carol: User, vault: Vault
) -> None:
    create_person(vault, "Ann Smit")
    login(client, carol)

    response = client.get(LIST, {"vault": vault.pk})

    assert names_on(response) == ["Ann Smit"]
    assert "bulk_form" not in response.context
    assert 'id="bulk-tag"' not in response.content.decode()


def test_an_editor_gets_the_bulk_form(client: Client, bob: User, vault: Vault) -> None:
    create_person(vault, "Ann Smit")
    login(client, bob)

    page = client.get(LIST, {"vault": vault.pk}).content.decode()

    assert 'id="bulk-tag"' in page
    assert 'name="person"' in page


# What a row shows, and in what order


def test_people_sort_by_surname_without_particles(alice_client: Client, vault: Vault) -> None:
    for name in ["Jan de Jong", "Denise van Iersel", "Kees Hendriks", "Ann Bakker", "Zoë"]:
        create_person(vault, name)

    response = alice_client.get(LIST)

    assert names_on(response) == [
        "Ann Bakker",
        "Kees Hendriks",
        "Denise van Iersel",
        "Jan de Jong",
        "Zoë",
    ]
    assert [group.label for group in response.context["groups"]] == ["B", "H", "I", "J", "Z"]


def test_a_row_shows_name_nickname_work_tags_and_links_to_the_person(
    alice_client: Client, vault: Vault
) -> None:
    person = create_person(
        vault,
        "Denise van Iersel",
        nickname="Nees",
        organisation="Gemeente Utrecht",
        job_title="Planner",
        tags=["Buren"],
    )
    Tag.objects.filter(vault=vault, name="Buren").update(colour="#1d4ed8")

    page = alice_client.get(LIST).content.decode()

    assert "Denise van Iersel" in page
    assert "“Nees”" in page
    assert "Planner at Gemeente Utrecht" in page
    assert re.search(r'class="tag-chip"[^>]*style="--tag: #1d4ed8">Buren</a>', page)
    assert f'href="/people/{person.pk}/"' in page
    assert '<span class="avatar" aria-hidden="true">DI</span>' in page


def test_a_photo_replaces_the_initials_and_comes_from_the_members_only_view(
    alice_client: Client, vault: Vault
) -> None:
    person = create_person(vault, "Ann Smit")
    Person.objects.filter(pk=person.pk).update(photo="photos/2026/ann.jpg")

    page = alice_client.get(LIST).content.decode()

    assert f'src="{reverse("people:photo", args=[person.pk])}?v=' in page
    assert '<span class="avatar" aria-hidden="true">AS</span>' not in page


def test_archived_people_are_hidden_unless_asked_and_then_marked(
    alice_client: Client, vault: Vault
) -> None:
    create_person(vault, "Ann Smit")
    archived = create_person(vault, "Bert Oud")
    Person.objects.filter(pk=archived.pk).update(archived=True)

    assert names_on(alice_client.get(LIST)) == ["Ann Smit"]
    response = alice_client.get(LIST, {"archived": "1"})
    assert names_on(response) == ["Bert Oud", "Ann Smit"]
    assert '<span class="badge">archived</span>' in response.content.decode()


def test_deceased_people_are_marked(alice_client: Client, vault: Vault) -> None:
    person = create_person(vault, "Opa Jansen")
    Person.objects.filter(pk=person.pk).update(deceased=True)

    assert "badge--deceased" in alice_client.get(LIST).content.decode()


def test_the_trash_never_shows(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Ann Smit")
    trash(create_person(vault, "Cor Weg"))

    assert names_on(alice_client.get(LIST, {"archived": "1"})) == ["Ann Smit"]
    assert names_on(alice_client.get(LIST, {"q": "cor weg"})) == []


def test_the_list_stays_inside_the_chosen_vault(
    alice_client: Client, vault: Vault, other_vault: Vault
) -> None:
    create_person(vault, "Ann Smit")
    create_person(other_vault, "Mallory Mol")

    assert names_on(alice_client.get(LIST)) == ["Ann Smit"]


# Tag filter


def test_the_tag_filter_shows_only_tagged_people(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Ann Smit", tags=["Familie"])
    create_person(vault, "Bert Bos")
    tag = Tag.objects.get(vault=vault, name="Familie")

    response = alice_client.get(LIST, {"tag": tag.pk})

    assert names_on(response) == ["Ann Smit"]
    assert "One person tagged “Familie”." in response.content.decode()


@pytest.mark.parametrize("raw", ["999999", "abc", "-1", "1.5"])
def test_an_unknown_tag_shows_everyone_and_says_why(
    alice_client: Client, vault: Vault, raw: str
) -> None:
    create_person(vault, "Ann Smit", tags=["Familie"])
    create_person(vault, "Bert Bos")

    response = alice_client.get(LIST, {"tag": raw})

    assert response.status_code == 200
    assert names_on(response) == ["Bert Bos", "Ann Smit"]
    assert "That tag does not exist (any more)" in response.content.decode()


def test_someone_elses_tag_is_an_unknown_tag(
    alice_client: Client, vault: Vault, other_vault: Vault
) -> None:
    create_person(vault, "Ann Smit", tags=["Familie"])
    create_person(other_vault, "Mallory Mol", tags=["Geheim"])
    theirs = Tag.objects.get(vault=other_vault)

    response = alice_client.get(LIST, {"tag": theirs.pk})

    assert names_on(response) == ["Ann Smit"]
    assert "Geheim" not in response.content.decode()


def test_an_empty_tag_says_how_to_fill_it(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Ann Smit")
    tag = Tag.objects.create(vault=vault, name="Club")

    page = alice_client.get(LIST, {"tag": tag.pk}).content.decode()

    assert "No one is tagged “Club” yet." in page


# Search


def test_search_orders_by_score(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Jeroen Bakker")
    create_person(vault, "Anna Venema")
    create_person(vault, "Jeroen van de Ven", organisation="Fietsenmakerij Ven")

    response = alice_client.get(LIST, {"q": "jeroen vd ven"})

    expected = [hit.person.name for hit in search_people(vault, "jeroen vd ven", limit=50)]
    assert names_on(response) == expected
    assert expected[0] == "Jeroen van de Ven"
    assert response.context["sections"] == []


def test_search_respects_the_tag_and_archived_filters(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Jeroen Bakker", tags=["Werk"])
    create_person(vault, "Jeroen Smit")
    old = create_person(vault, "Jeroen Oud", tags=["Werk"])
    Person.objects.filter(pk=old.pk).update(archived=True)
    tag = Tag.objects.get(vault=vault, name="Werk")

    assert names_on(alice_client.get(LIST, {"q": "jeroen", "tag": tag.pk})) == ["Jeroen Bakker"]
    both = names_on(alice_client.get(LIST, {"q": "jeroen", "tag": tag.pk, "archived": "1"}))
    assert sorted(both) == ["Jeroen Bakker", "Jeroen Oud"]


def test_one_match_does_not_say_best_match_first(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Jeroen Bakker")
    create_person(vault, "Jeroen Smit")

    one = alice_client.get(LIST, {"q": "bakker"}).content.decode()
    two = alice_client.get(LIST, {"q": "jeroen"}).content.decode()

    assert "One person matches “bakker”." in one
    assert "best match first" not in one
    assert "2 people match “jeroen”, best match first." in two


@pytest.mark.parametrize(
    ("organisation", "work"),
    [
        ("Self-employed", "Writer · Self-employed"),
        ("freelance", "Writer · freelance"),
        ("Zelfstandig", "Writer · Zelfstandig"),
        ("ZZP", "Writer · ZZP"),
        ("ZZP’er", "Writer · ZZP’er"),
        ("Acme", "Writer at Acme"),
    ],
)
def test_working_for_yourself_is_not_working_at_a_company(
    alice_client: Client, vault: Vault, organisation: str, work: str
) -> None:
    create_person(vault, "Ann Smit", job_title="Writer", organisation=organisation)

    page = alice_client.get(LIST).content.decode()

    assert f'<span class="person__work">{work}</span>' in page.replace("&#x27;", "'")


def test_search_without_matches_helps(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Ann Smit")

    page = alice_client.get(LIST, {"q": "zzyzx"}).content.decode()

    assert page.count("No one matches “zzyzx”.") == 1  # said once, in the summary
    assert "Search the archived people too" in page


def test_a_too_long_query_is_an_error_not_a_crash(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Ann Smit")

    response = alice_client.get(LIST, {"q": "x" * 201})

    assert response.status_code == 200
    assert names_on(response) == ["Ann Smit"]
    assert 'id="people-search-error"' in response.content.decode()


@pytest.mark.parametrize("raw", ["\x00", "ann\x00smit", "\x1f"])
def test_control_characters_in_the_query_are_no_crash(
    alice_client: Client, vault: Vault, raw: str
) -> None:
    create_person(vault, "Ann Smit")

    response = alice_client.get(LIST, {"q": raw})

    assert response.status_code == 200


def test_htmx_search_renders_only_the_results(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Jeroen van de Ven")

    response = alice_client.get(
        LIST, {"q": "jeroen"}, headers={"HX-Request": "true", "HX-Target": "people-results"}
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="people-results"')
    assert "Jeroen van de Ven" in page
    assert "<html" not in page
    assert 'hx-swap-oob="innerHTML"' in page
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(alice_client: Client, vault: Vault) -> None:
    response = alice_client.get(
        LIST,
        headers={
            "HX-Request": "true",
            "HX-Target": "people-results",
            "HX-History-Restore-Request": "true",
        },
    )

    assert "<html" in response.content.decode()


def test_the_search_form_works_without_javascript(alice_client: Client, vault: Vault) -> None:
    page = alice_client.get(LIST).content.decode()

    form = re.search(r'<form id="people-filter"[^>]*>', page)
    assert form is not None
    assert 'method="get"' in form.group(0)
    assert f'action="{LIST}"' in form.group(0)
    assert 'name="q"' in page
    assert 'hx-trigger="input changed delay:200ms, search"' in page
    assert 'hx-push-url="true"' in page
    assert re.search(r'<button type="submit" class="button">Search</button>', page)
    assert "list.js" in page


# Pagination


def test_the_list_pages_forward_and_back_with_a_seek_cursor(
    alice_client: Client, vault: Vault
) -> None:
    people = fill(vault, directory.PAGE_SIZE * 2 + 5)
    ordered = sorted(people, key=lambda person: (person.sort_key, person.pk))

    first = alice_client.get(LIST)
    assert names_on(first) == [person.name for person in ordered[: directory.PAGE_SIZE]]
    assert first.context["previous_url"] == ""
    second = alice_client.get(first.context["next_url"])
    assert names_on(second) == [
        person.name for person in ordered[directory.PAGE_SIZE : directory.PAGE_SIZE * 2]
    ]
    third = alice_client.get(second.context["next_url"])
    assert names_on(third) == [person.name for person in ordered[directory.PAGE_SIZE * 2 :]]
    assert third.context["next_url"] == ""
    back = alice_client.get(third.context["previous_url"])
    assert names_on(back) == names_on(second)
    assert names_on(alice_client.get(back.context["previous_url"])) == names_on(first)


def test_paging_back_to_the_top_shows_a_full_first_page(alice_client: Client, vault: Vault) -> None:
    people = sorted(fill(vault, directory.PAGE_SIZE + 10), key=lambda p: (p.sort_key, p.pk))

    response = alice_client.get(LIST, {"before": people[3].pk})

    assert names_on(response) == [person.name for person in people[: directory.PAGE_SIZE]]
    assert response.context["previous_url"] == ""


def test_equal_sort_keys_are_neither_skipped_nor_repeated(
    alice_client: Client, vault: Vault
) -> None:
    for _ in range(directory.PAGE_SIZE + 3):
        create_person(vault, "Jan Jansen")

    first = alice_client.get(LIST)
    second = alice_client.get(first.context["next_url"])

    seen = [row.person.pk for group in first.context["groups"] for row in group.rows]
    seen += [row.person.pk for group in second.context["groups"] for row in group.rows]
    assert len(seen) == len(set(seen)) == directory.PAGE_SIZE + 3


@pytest.mark.parametrize(
    "params",
    [
        {"after": "abc"},
        {"before": "-3"},
        {"after": "99999999999999999999999"},
        {"page": "abc"},
        {"page": "2"},
        {"from": "\x00"},
        {"from": "a\x00b"},
        {"after": "", "before": ""},
    ],
)
def test_bad_cursors_start_at_the_top(alice_client: Client, vault: Vault, params: dict) -> None:
    fill(vault, 3)

    response = alice_client.get(LIST, params)

    assert response.status_code == 200
    assert len(names_on(response)) == 3


def test_someone_elses_person_is_no_cursor(
    alice_client: Client, vault: Vault, other_vault: Vault
) -> None:
    fill(vault, 3)
    theirs = create_person(other_vault, "Zed Zz")

    assert len(names_on(alice_client.get(LIST, {"after": theirs.pk}))) == 3


def test_the_letter_index_jumps_to_a_letter_and_shows_counts(
    alice_client: Client, vault: Vault
) -> None:
    for name in ["Ann Bakker", "Bert Bos", "Denise van Iersel", "Jan de Jong", "Ed Jansen"]:
        create_person(vault, name)

    response = alice_client.get(LIST)
    sections = {section.label: section for section in response.context["sections"]}
    assert {label: section.count for label, section in sections.items()} == {
        "B": 2,
        "I": 1,
        "J": 2,
    }
    assert "2 people" in response.content.decode()
    page = response.content.decode()
    assert "Highlighted letters are shown on this page" in page
    assert page.count(", shown on this page") == 3
    assert page.count('title="Shown on this page"') == 3

    jumped = alice_client.get(sections["I"].url)
    assert names_on(jumped) == ["Denise van Iersel", "Ed Jansen", "Jan de Jong"]
    assert jumped.context["previous_url"]


def test_past_the_end_offers_the_way_back(alice_client: Client, vault: Vault) -> None:
    create_person(vault, "Ann Bakker")

    page = alice_client.get(LIST, {"from": "zzz"}).content.decode()

    assert "No more people here." in page


def test_an_empty_vault_invites_you_to_add_someone(alice_client: Client, vault: Vault) -> None:
    page = alice_client.get(LIST).content.decode()

    assert "No one yet." in page
    try:
        quick_add = reverse("people:quick_add")
    except Exception:  # quick add is another page's; the invitation follows when it exists
        return
    assert f'href="{quick_add}?vault={vault.pk}"' in page


def test_the_list_keeps_a_small_constant_number_of_queries(
    alice_client: Client, vault: Vault, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            person = create_person(
                vault,
                f"Person{number} Example{number}",
                organisation="Acme",
                job_title="Engineer",
                tags=["Werk", f"Groep {number % 3}"],
            )
            add_contact_method(person, "email", f"p{number}@example.org")

    add(3, 0)
    alice_client.get(LIST, {"vault": vault.pk})  # the session remembers the vault from here on
    with CaptureQueriesContext(connection) as few:
        alice_client.get(LIST)
    add(30, 3)
    with django_assert_max_num_queries(len(few)):
        response = alice_client.get(LIST)
    assert len(names_on(response)) == 33
    with django_assert_max_num_queries(len(few) + 1):  # + the cursor's position
        alice_client.get(response.context["sections"][0].url)
    # session, user, vault, tags, role, sections, rows, their tags, the navigation
    assert len(few) <= 10


def test_search_keeps_a_constant_number_of_queries(
    alice_client: Client, vault: Vault, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    create_person(vault, "Jeroen Een", tags=["Werk"])
    alice_client.get(LIST, {"vault": vault.pk})
    with CaptureQueriesContext(connection) as few:
        alice_client.get(LIST, {"q": "jeroen"})
    for number in range(25):
        create_person(vault, f"Jeroen{number} Ander", tags=["Werk", "Club"])

    with django_assert_max_num_queries(len(few)):
        response = alice_client.get(LIST, {"q": "jeroen"})
    assert len(names_on(response)) == 26


# Bulk tagging


def bulk(client: Client, vault: Vault, data: dict, **params: object) -> object:
    query = "&".join(f"{key}={value}" for key, value in {"vault": vault.pk, **params}.items())
    return client.post(f"{BULK}?{query}", data)


def test_bulk_tagging_adds_a_tag_and_returns_to_the_same_list(
    alice_client: Client, vault: Vault
) -> None:
    ann, bert, cor = (create_person(vault, name) for name in ["Ann Smit", "Bert Bos", "Cor Cox"])
    tag = Tag.objects.create(vault=vault, name="Club")

    response = bulk(
        alice_client, vault, {"person": [ann.pk, bert.pk], "tag": tag.pk, "action": "add"}, q="a"
    )

    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == f"{LIST}?vault={vault.pk}&q=a"  # type: ignore[index]
    assert set(Person.objects.filter(tags=tag)) == {ann, bert}
    page = alice_client.get(LIST).content.decode()
    assert "Tagged 2 people with “Club”." in page
    assert [hit.person for hit in search_people(vault, "club")] == [bert, ann]
    del cor


def test_bulk_tagging_returns_to_the_same_page_of_the_list(
    alice_client: Client, vault: Vault
) -> None:
    bert = create_person(vault, "Bert Bos", tags=["Club"])
    ann = create_person(vault, "Ann Smit", tags=["Club"])
    tag = Tag.objects.get(vault=vault)
    page = alice_client.get(LIST, {"after": bert.pk, "tag": tag.pk}).content.decode()
    action = re.search(r'<form id="bulk-tag"[^>]*action="([^"]*)"', page)
    assert action is not None
    assert f"after={bert.pk}" in action.group(1)

    response = alice_client.post(
        action.group(1).replace("&amp;", "&"),
        {"person": [ann.pk], "tag": tag.pk, "action": "add"},
    )

    assert response["Location"] == f"{LIST}?vault={vault.pk}&tag={tag.pk}&after={bert.pk}"


def test_bulk_tagging_twice_is_harmless(alice_client: Client, vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit")
    tag = Tag.objects.create(vault=vault, name="Club")
    data = {"person": [ann.pk], "tag": tag.pk, "action": "add"}

    bulk(alice_client, vault, data)
    bulk(alice_client, vault, data)

    assert list(Person.objects.filter(tags=tag)) == [ann]
    assert "Tagged 0 people with “Club”." in alice_client.get(LIST).content.decode()


def test_bulk_tagging_can_create_a_new_tag_or_reuse_one_by_name(
    alice_client: Client, vault: Vault
) -> None:
    ann = create_person(vault, "Ann Smit")
    bert = create_person(vault, "Bert Bos")

    bulk(alice_client, vault, {"person": [ann.pk], "new_tag": "  Buren ", "action": "add"})
    bulk(alice_client, vault, {"person": [bert.pk], "new_tag": "buren", "action": "add"})

    tag = Tag.objects.get(vault=vault)
    assert tag.name == "Buren"
    assert set(Person.objects.filter(tags=tag)) == {ann, bert}


def test_bulk_removal_takes_the_tag_off(alice_client: Client, vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit", tags=["Club"])
    bert = create_person(vault, "Bert Bos", tags=["Club"])
    tag = Tag.objects.get(vault=vault)

    bulk(alice_client, vault, {"person": [ann.pk], "tag": tag.pk, "action": "remove"})
    bulk(alice_client, vault, {"person": [ann.pk], "tag": tag.pk, "action": "remove"})

    assert list(Person.objects.filter(tags=tag)) == [bert]
    assert search_people(vault, "club")[0].person == bert


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"action": "add", "tag": "T"}, "person", "Tick at least one person first."),
        ({"action": "add", "person": ["P"]}, "tag", "Choose a tag, or type the name of a new one."),
        (
            {"action": "add", "person": ["P"], "tag": "T", "new_tag": "Extra"},
            "new_tag",
            "Choose a tag or type a new one, not both.",
        ),
        ({"action": "add", "person": ["abc"], "tag": "T"}, "person", "no longer here"),
        ({"action": "add", "person": ["P"], "tag": "abc"}, "tag", "does not exist"),
        ({"action": "add", "person": ["P"], "tag": "999999"}, "tag", "does not exist"),
        ({"action": "explode", "person": ["P"], "tag": "T"}, "action", "add or to remove"),
        ({"person": ["P"], "tag": "T"}, "action", "required"),
        (
            {"action": "add", "person": ["P"], "new_tag": "x" * 61},
            "new_tag",
            "Keep tag names to 60 characters.",
        ),
        (
            {"action": "add", "person": ["P"], "new_tag": "Nul\x00"},
            "new_tag",
            "Null characters are not allowed",
        ),
        (
            {"action": "remove", "person": ["P"], "new_tag": "Nonexistent"},
            "new_tag",
            "There is no tag by that name to remove.",
        ),
    ],
)
def test_bulk_tagging_shows_what_is_wrong_and_keeps_the_ticks(
    alice_client: Client, vault: Vault, data: dict, field: str, message: str
) -> None:
    ann = create_person(vault, "Ann Smit")
    tag = Tag.objects.create(vault=vault, name="Club")
    swap = {"P": str(ann.pk), "T": str(tag.pk)}
    posted = {
        key: [swap.get(v, v) for v in value] if isinstance(value, list) else swap.get(value, value)
        for key, value in data.items()
    }

    response = bulk(alice_client, vault, posted)

    assert response.status_code == 200  # type: ignore[attr-defined]
    form = response.context["bulk_form"]  # type: ignore[attr-defined]
    assert any(message in error for error in form.errors[field])
    page = response.content.decode()  # type: ignore[attr-defined]
    assert message.replace("“", "&ldquo;")[:10] in page or message[:10] in page
    if data.get("person") == ["P"]:
        assert f'value="{ann.pk}" form="bulk-tag"\n' in page or "checked" in page
    assert not Person.objects.filter(tags=tag).exists()


def test_bulk_tagging_refuses_someone_elses_people_and_tags(
    alice_client: Client, vault: Vault, other_vault: Vault
) -> None:
    ann = create_person(vault, "Ann Smit")
    theirs = create_person(other_vault, "Mallory Mol", tags=["Geheim"])
    their_tag = Tag.objects.get(vault=other_vault)
    tag = Tag.objects.create(vault=vault, name="Club")

    with_their_person = bulk(
        alice_client, vault, {"person": [ann.pk, theirs.pk], "tag": tag.pk, "action": "add"}
    )
    with_their_tag = bulk(
        alice_client, vault, {"person": [ann.pk], "tag": their_tag.pk, "action": "add"}
    )

    assert "person" in with_their_person.context["bulk_form"].errors  # type: ignore[attr-defined]
    assert "tag" in with_their_tag.context["bulk_form"].errors  # type: ignore[attr-defined]
    assert not Person.objects.filter(tags=tag).exists()
    assert list(Person.objects.filter(tags=their_tag)) == [theirs]


def test_bulk_tagging_refuses_the_trash(alice_client: Client, vault: Vault) -> None:
    gone = create_person(vault, "Cor Weg")
    trash(gone)
    tag = Tag.objects.create(vault=vault, name="Club")

    response = bulk(alice_client, vault, {"person": [gone.pk], "tag": tag.pk, "action": "add"})

    assert "person" in response.context["bulk_form"].errors  # type: ignore[attr-defined]


def test_a_viewer_cannot_bulk_tag(client: Client, carol: User, vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit")
    tag = Tag.objects.create(vault=vault, name="Club")
    login(client, carol)

    response = bulk(client, vault, {"person": [ann.pk], "tag": tag.pk, "action": "add"})

    assert response.status_code == 403  # type: ignore[attr-defined]
    assert not Person.objects.filter(tags=tag).exists()


def test_mallory_cannot_bulk_tag_in_alices_vault(
    client: Client, mallory: User, vault: Vault, other_vault: Vault
) -> None:
    ann = create_person(vault, "Ann Smit")
    tag = Tag.objects.create(vault=vault, name="Club")
    login(client, mallory)

    response = bulk(client, vault, {"person": [ann.pk], "tag": tag.pk, "action": "add"})
    in_her_own = client.post(BULK, {"person": [ann.pk], "tag": tag.pk, "action": "add"})

    assert response.status_code == 404  # type: ignore[attr-defined]
    assert in_her_own.status_code == 200
    assert not Person.objects.filter(tags=tag).exists()


def test_bulk_tagging_is_post_only(alice_client: Client, vault: Vault) -> None:
    assert alice_client.get(BULK).status_code == 405


def test_set_tags_and_bulk_tags_agree_on_names(vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit")
    set_tags(vault, ann, ["Club"])

    assert Tag.objects.filter(vault=vault).count() == 1


def test_the_list_links_to_the_tags_and_the_trash_of_its_vault(
    alice_client: Client, vault: Vault
) -> None:
    html = alice_client.get(LIST).content.decode()

    assert f'href="{reverse("people:tags")}?vault={vault.pk}"' in html
    assert f'href="{reverse("people:trash_list")}?vault={vault.pk}"' in html
