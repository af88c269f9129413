"""The tags page (create, rename, recolour, delete) and the tagging rules behind it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.people import tagging
from aandacht.people.models import Person, Tag
from aandacht.people.search import search_people
from aandacht.people.services import create_person

TAGS = "/people/tags/"
CREATE = "/people/tags/new/"


@pytest.fixture
def alice_client(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def edit_url(tag: Tag) -> str:
    return reverse("people:tag_edit", args=[tag.pk])


def delete_url(tag: Tag) -> str:
    return reverse("people:tag_delete", args=[tag.pk])


def test_url_names(vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="Club")

    assert reverse("people:tags") == TAGS
    assert reverse("people:tag_create") == CREATE
    assert edit_url(tag) == f"/people/tags/{tag.pk}/"
    assert delete_url(tag) == f"/people/tags/{tag.pk}/delete/"


# The page


def test_the_tags_page_needs_a_signed_in_user(client: Client, vault: Vault) -> None:
    assert client.get(TAGS).status_code == 302


def test_the_tags_page_lists_tags_with_people_counts_leaving_out_the_trash(
    alice_client: Client, vault: Vault
) -> None:
    create_person(vault, "Ann Smit", tags=["Familie", "Club"])
    create_person(vault, "Bert Bos", tags=["Familie"])
    gone = create_person(vault, "Cor Weg", tags=["Familie"])
    Person.objects.filter(pk=gone.pk).update(trashed_at=timezone.now())
    familie = Tag.objects.get(vault=vault, name="Familie")

    response = alice_client.get(TAGS)

    rows = {tag.name: tag.people_count for tag, _form in response.context["rows"]}
    assert rows == {"Club": 1, "Familie": 2}
    page = response.content.decode()
    assert "2 people" in page
    assert f"/people/?vault={vault.pk}&amp;tag={familie.pk}" in page
    assert 'action="/people/tags/new/' in page


def test_tags_are_listed_alphabetically_whatever_the_capitals_and_accents(
    alice_client: Client, vault: Vault
) -> None:
    for name in ["zeilen", "Werk", "Émigrés", "buren", "Alumni", "eten"]:
        tagging.create_tag(vault, name)
    expected = ["Alumni", "buren", "Émigrés", "eten", "Werk", "zeilen"]

    tags_page = alice_client.get(TAGS)
    people_list = alice_client.get("/people/")

    assert [tag.name for tag, _form in tags_page.context["rows"]] == expected
    assert [tag.name for tag in people_list.context["tags"]] == expected


def test_an_empty_tags_page_explains_tags(alice_client: Client, vault: Vault) -> None:
    page = alice_client.get(TAGS).content.decode()

    assert "No tags yet." in page


def test_a_viewer_sees_the_tags_without_forms(client: Client, carol: User, vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="Club")
    login(client, carol)

    response = client.get(TAGS, {"vault": vault.pk})

    page = response.content.decode()
    assert "Club" in page
    assert response.context["create_form"] is None
    assert edit_url(tag) not in page
    assert delete_url(tag) not in page


def test_mallory_cannot_see_alices_tags(
    client: Client, mallory: User, vault: Vault, other_vault: Vault
) -> None:
    Tag.objects.create(vault=vault, name="Geheim van Alice")
    login(client, mallory)

    assert client.get(TAGS, {"vault": vault.pk}).status_code == 404
    assert "Geheim van Alice" not in client.get(TAGS).content.decode()


# Create


def test_creating_a_tag(alice_client: Client, vault: Vault) -> None:
    response = alice_client.post(
        f"{CREATE}?vault={vault.pk}", {"name": "  Oude   buren ", "colour": "#1D4ED8"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{TAGS}?vault={vault.pk}"
    tag = Tag.objects.get(vault=vault)
    assert (tag.name, tag.colour) == ("Oude buren", "#1d4ed8")
    assert "Tag “Oude buren” created." in alice_client.get(TAGS).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "colour": "#123456"}, "name", "A tag needs a name."),
        ({"name": "   ", "colour": "#123456"}, "name", "A tag needs a name."),
        ({"name": "x" * 61, "colour": "#123456"}, "name", "Keep tag names to 60 characters"),
        ({"name": "club", "colour": "#123456"}, "name", "There is already a tag called “Club”."),
        ({"name": "CLUB", "colour": "#123456"}, "name", "There is already a tag called “Club”."),
        ({"name": "Bu\x00ren", "colour": "#123456"}, "name", "Null characters are not allowed"),
        ({"name": "Buren", "colour": "red"}, "colour", "Choose a colour, written like"),
        ({"name": "Buren", "colour": "#12345g"}, "colour", "Choose a colour, written like"),
        ({"name": "Buren", "colour": "#1234567"}, "colour", "Choose a colour, written like"),
        ({"name": "Buren", "colour": ""}, "colour", "Choose a colour."),
        ({"name": "Buren"}, "colour", "Choose a colour."),
    ],
)
def test_creating_a_tag_shows_what_is_wrong_next_to_the_field(
    alice_client: Client, vault: Vault, data: dict[str, str], field: str, message: str
) -> None:
    Tag.objects.create(vault=vault, name="Club")

    response = alice_client.post(f"{CREATE}?vault={vault.pk}", data)

    assert response.status_code == 200
    form = response.context["create_form"]
    assert any(message in error for error in form.errors[field])
    page = response.content.decode()
    assert f'id="new-tag-{field}_error"' in page
    assert Tag.objects.filter(vault=vault).count() == 1


def test_creating_the_same_tag_twice_is_refused_the_second_time(
    alice_client: Client, vault: Vault
) -> None:
    data = {"name": "Club", "colour": "#123456"}

    alice_client.post(f"{CREATE}?vault={vault.pk}", data)
    again = alice_client.post(f"{CREATE}?vault={vault.pk}", data)

    assert again.status_code == 200
    assert Tag.objects.filter(vault=vault).count() == 1


def test_a_viewer_cannot_create_a_tag(client: Client, carol: User, vault: Vault) -> None:
    login(client, carol)

    response = client.post(f"{CREATE}?vault={vault.pk}", {"name": "Club", "colour": "#123456"})

    assert response.status_code == 403
    assert not Tag.objects.exists()


def test_mallory_cannot_create_a_tag_in_alices_vault(
    client: Client, mallory: User, vault: Vault, other_vault: Vault
) -> None:
    login(client, mallory)

    response = client.post(f"{CREATE}?vault={vault.pk}", {"name": "Club", "colour": "#123456"})

    assert response.status_code == 404
    assert not Tag.objects.filter(vault=vault).exists()


def test_creating_is_post_only(alice_client: Client, vault: Vault) -> None:
    assert alice_client.get(CREATE).status_code == 405


# Rename and recolour


def test_renaming_and_recolouring_a_tag_updates_search(alice_client: Client, vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit", tags=["Club"])
    tag = Tag.objects.get(vault=vault)

    response = alice_client.post(edit_url(tag), {"name": "Zeilclub", "colour": "#abc"})

    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.colour) == ("Zeilclub", "#aabbcc")
    assert [hit.person for hit in search_people(vault, "zeilclub")] == [ann]


def test_changing_only_the_capitals_of_a_tag_is_allowed(alice_client: Client, vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="club")

    alice_client.post(edit_url(tag), {"name": "Club", "colour": tag.colour})

    tag.refresh_from_db()
    assert tag.name == "Club"


def test_renaming_to_another_tags_name_shows_the_error_in_that_tags_form(
    alice_client: Client, vault: Vault
) -> None:
    Tag.objects.create(vault=vault, name="Familie")
    tag = Tag.objects.create(vault=vault, name="Club")

    response = alice_client.post(edit_url(tag), {"name": "familie", "colour": "#123456"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="tag-{tag.pk}-name_error"' in page
    assert "There is already a tag called “Familie”." in page
    assert "<details open>" in page
    tag.refresh_from_db()
    assert tag.name == "Club"


@pytest.mark.parametrize(
    "data",
    [{"name": "", "colour": "#123456"}, {"name": "x" * 200, "colour": "#123"}, {"colour": "nope"}],
)
def test_renaming_with_bad_input_changes_nothing(
    alice_client: Client, vault: Vault, data: dict[str, str]
) -> None:
    tag = Tag.objects.create(vault=vault, name="Club", colour="#111111")

    response = alice_client.post(edit_url(tag), data)

    assert response.status_code == 200
    tag.refresh_from_db()
    assert (tag.name, tag.colour) == ("Club", "#111111")


def test_a_viewer_cannot_rename_a_tag(client: Client, carol: User, vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="Club")
    login(client, carol)

    response = client.post(edit_url(tag), {"name": "Hacked", "colour": "#123456"})

    assert response.status_code == 403
    tag.refresh_from_db()
    assert tag.name == "Club"


def test_mallory_cannot_rename_or_delete_alices_tag(
    client: Client, mallory: User, vault: Vault, other_vault: Vault
) -> None:
    tag = Tag.objects.create(vault=vault, name="Club")
    login(client, mallory)

    assert client.post(edit_url(tag), {"name": "X", "colour": "#123456"}).status_code == 404
    assert client.get(delete_url(tag)).status_code == 404
    assert client.post(delete_url(tag)).status_code == 404
    assert Tag.objects.filter(pk=tag.pk, name="Club").exists()


def test_editing_is_post_only(alice_client: Client, vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="Club")

    assert alice_client.get(edit_url(tag)).status_code == 405


def test_an_unknown_tag_is_a_404(alice_client: Client, vault: Vault) -> None:
    assert alice_client.post("/people/tags/999999/", {"name": "X"}).status_code == 404
    assert alice_client.get("/people/tags/abc/delete/").status_code == 404


# Delete


def test_deleting_asks_first_then_keeps_the_people(alice_client: Client, vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit", tags=["Club"])
    tag = Tag.objects.get(vault=vault)

    confirm = alice_client.get(delete_url(tag))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Delete the tag “Club”?" in page
    assert "One person has this tag." in page
    assert Tag.objects.filter(pk=tag.pk).exists()

    response = alice_client.post(delete_url(tag))

    assert response.status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert Person.objects.filter(pk=ann.pk).exists()
    assert search_people(vault, "club") == []
    assert "Tag “Club” deleted" in alice_client.get(TAGS).content.decode()
    assert alice_client.post(delete_url(tag)).status_code == 404


def test_a_viewer_cannot_delete_a_tag(client: Client, carol: User, vault: Vault) -> None:
    tag = Tag.objects.create(vault=vault, name="Club")
    login(client, carol)

    assert client.get(delete_url(tag)).status_code == 403
    assert client.post(delete_url(tag)).status_code == 403
    assert Tag.objects.filter(pk=tag.pk).exists()


# The rules, without the web


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("#ABCDEF", "#abcdef"), ("abcdef", "#abcdef"), ("#abc", "#aabbcc"), (" #123456 ", "#123456")],
)
def test_colours_are_normalised(raw: str, expected: str) -> None:
    assert tagging.normalise_colour(raw) == expected


@pytest.mark.parametrize("raw", ["", "#", "red", "#12", "#12345", "#1234567", "#ggg", "12;x"])
def test_bad_colours_are_refused(raw: str) -> None:
    with pytest.raises(tagging.TagProblem) as problem:
        tagging.normalise_colour(raw)
    assert problem.value.field == "colour"


def test_names_clash_whatever_the_capitals_even_beyond_ascii(vault: Vault) -> None:
    Tag.objects.create(vault=vault, name="Été")

    with pytest.raises(tagging.TagProblem):
        tagging.create_tag(vault, "été")
    assert tagging.find_or_create_tag(vault, "ÉTÉ").name == "Été"


def test_names_are_per_vault(vault: Vault, other_vault: Vault) -> None:
    tagging.create_tag(other_vault, "Club")

    assert tagging.create_tag(vault, "Club").vault == vault


def test_tagging_ignores_other_vaults_and_the_trash(vault: Vault, other_vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit")
    gone = create_person(vault, "Cor Weg")
    Person.objects.filter(pk=gone.pk).update(trashed_at=timezone.now())
    theirs = create_person(other_vault, "Mallory Mol")
    tag = tagging.create_tag(vault, "Club")

    assert tagging.tag_people(vault, tag, [ann, gone.pk, theirs]) == 1
    assert tagging.tag_people(vault, tag, [ann]) == 0
    assert list(Person.objects.filter(tags=tag)) == [ann]
    assert tagging.untag_people(vault, tag, [ann, theirs]) == 1
    assert not Person.objects.filter(tags=tag).exists()


def test_a_tag_of_another_vault_cannot_be_applied(vault: Vault, other_vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit")
    theirs = tagging.create_tag(other_vault, "Club")

    with pytest.raises(ValueError):
        tagging.tag_people(vault, theirs, [ann])
    with pytest.raises(ValueError):
        tagging.untag_people(vault, theirs, [ann])
