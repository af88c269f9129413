"""Exporting everything of a user's: one ZIP with account.json and each vault's JSON document."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from account_world import World, build_world
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from aandacht.accounts import account_data
from aandacht.accounts.models import AccessToken, Vault
from aandacht.attention.models import AgendaSettings
from aandacht.exchange import json_document

EXPORT = reverse("accounts:export")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(
    alice: User, bob: User, carol: User, mallory: User, vault: Vault, other_vault: Vault
) -> World:
    return build_world(alice, bob, carol, mallory, vault, other_vault)


def signed_in(user: User) -> Client:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    client.force_login(user)
    return client


def download(client: Client) -> zipfile.ZipFile:
    response = client.get(EXPORT, {"download": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def vault_document(archive: zipfile.ZipFile, name: str) -> dict[str, Any]:
    account = json.loads(archive.read("account.json"))
    (path,) = [each["file"] for each in account["memberships"] if each["vault"] == name]
    document: dict[str, Any] = json.loads(archive.read(path))
    return document


def test_the_zip_holds_the_account_and_each_vault(world: World) -> None:
    archive = download(signed_in(world.bob))

    names = archive.namelist()
    assert names[0] == "account.json"
    assert sorted(names[1:]) == [
        "vaults/01-alices-people.json",
        "vaults/02-bobs-own.json",
    ]
    assert archive.testzip() is None


def test_account_json_describes_the_account_without_secrets(world: World) -> None:
    bob = world.bob
    client = signed_in(bob)
    archive = download(client)

    account = json.loads(archive.read("account.json"))

    assert account["format"] == "aandacht.account"
    assert account["version"] == 1
    assert account["user"]["username"] == "bob"
    assert account["preferences"]["language"] == "en"
    assert {(m["vault"], m["role"]) for m in account["memberships"]} == {
        ("Alice's people", "editor"),
        ("Bob's own", "owner"),
    }
    assert account["agenda_settings"]["capacity"] == 7
    assert account["card_season"] == [{"vault": "Alice's people", "list_size": 4}]
    (token,) = account["access_tokens"]
    assert token["name"] == "bob's script"
    assert token["starts_with"] == "aat_abcd"
    assert account["two_factor"] == {"enrolled": True}
    assert len(account["signed_in_sessions"]) == 1
    assert set(account["signed_in_sessions"][0]) == {
        "browser",
        "address",
        "signed_in_at",
        "last_seen_at",
    }
    assert account["invitations_sent"][0]["email"] == "friend-of-bob@example.org"
    text = archive.read("account.json").decode()
    secrets = [
        bob.password,
        AccessToken.objects.get(user=bob).digest,
        AgendaSettings.objects.get(user=bob).feed_token,
        client.session.session_key,
        *Session.objects.values_list("session_key", flat=True),
    ]
    for secret in secrets:
        assert secret not in text


def test_a_shared_vault_has_my_private_entries_and_nobody_elses(world: World) -> None:
    archive = download(signed_in(world.bob))

    document = vault_document(archive, "Alice's people")

    assert document["format"] == "aandacht.vault"
    assert document["version"] == json_document.VERSION
    bodies = {note["body"] for note in document["notes"]}
    assert "bob keeps this private" in bodies
    assert "alice keeps this private" not in bodies
    assert "carol keeps this private" not in bodies
    assert {"alice shares this", "bob shares this", "carol shares this"} <= bodies
    moments = {moment["text"] for moment in document["moments"]}
    assert "bob's private moment" in moments
    assert "alice's private moment" not in moments
    assert "Alice alone" not in archive.read("account.json").decode()


def test_photos_travel_inside_the_vault_documents(world: World) -> None:
    archive = download(signed_in(world.bob))

    document = vault_document(archive, "Alice's people")

    (anna,) = [person for person in document["people"] if person["given_name"] == "Anna"]
    assert anna["photo"] is not None


def test_each_vault_document_is_the_vaults_own_export(world: World) -> None:
    archive = download(signed_in(world.bob))
    direct = io.StringIO()
    json_document.export_json(world.shared, direct, user=world.bob)

    zipped = vault_document(archive, "Alice's people")
    exported = json.loads(direct.getvalue())

    zipped.pop("exported_at")
    exported.pop("exported_at")
    assert zipped == exported


def test_the_zip_restores_into_an_empty_vault(world: World) -> None:
    archive = download(signed_in(world.bob))
    fresh = Vault.objects.create(name="Restored")
    world.bob.memberships.create(vault=fresh, role="owner")
    path = "vaults/02-bobs-own.json"

    counts = json_document.restore_json(fresh, io.BytesIO(archive.read(path)), user=world.bob)

    assert counts["people"] == 1
    assert fresh.people.get().photo


def test_a_user_without_vaults_still_gets_their_account(db: None) -> None:
    loner = User.objects.create_user("loner", password="loner-secret-pw")

    archive = download(signed_in(loner))

    assert archive.namelist() == ["account.json"]
    account = json.loads(archive.read("account.json"))
    assert account["memberships"] == []
    assert account["two_factor"] == {"enrolled": False}
    assert account["agenda_settings"] is None


def test_mallory_gets_only_her_own(world: World) -> None:
    archive = download(signed_in(world.mallory))

    assert archive.namelist() == ["account.json", "vaults/01-mallorys-people.json"]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "Anna" not in everything
    assert "bob" not in everything.casefold().replace("bobs", "")


def test_the_page_says_what_is_included_before_the_download(world: World) -> None:
    response = signed_in(world.carol).get(EXPORT)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Alice&#x27;s people" in text
    assert "vaults/01-alices-people.json" in text
    assert "viewer" in text
    assert "never the secrets" in text
    assert "Download the ZIP file" in text


def test_the_export_needs_a_sign_in(world: World) -> None:
    response = Client().get(EXPORT, {"download": "1"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_post_is_refused(world: World) -> None:
    assert signed_in(world.bob).post(EXPORT).status_code == 405


def test_an_odd_download_value_shows_the_page(world: World) -> None:
    response = signed_in(world.bob).get(EXPORT, {"download": "yes please"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_vault_file_names_stay_unique_for_equal_names(alice: User) -> None:
    for _ in range(2):
        vault = Vault.objects.create(name="Klanten")
        alice.memberships.create(vault=vault, role="owner")
    nameless = Vault.objects.create(name="!!!")
    alice.memberships.create(vault=nameless, role="owner")

    paths = [each.path for each in account_data.vault_files(alice)]

    assert paths == ["vaults/01-vault.json", "vaults/02-klanten.json", "vaults/03-klanten.json"]
