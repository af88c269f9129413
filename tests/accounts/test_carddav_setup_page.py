"""The phone address book page: what to type on a phone, for each member of the cast.

It must show the right server address, user name and per-vault collection addresses (the ones
the DAV server answers on), say which address books are read only, count people in one query,
link to a prefilled token form, and read as calm Dutch for a Dutch user.
"""

from __future__ import annotations

import base64
import html
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import resolve, reverse
from pytest_django.live_server_helper import LiveServer

from aandacht.accounts.models import Membership, Role, TokenScope, Vault
from aandacht.accounts.tokens import create_token
from aandacht.people.lifecycle import trash_person
from aandacht.people.services import create_person

PAGE = "/accounts/phone/"
TOKENS = "/accounts/tokens/"


def text_of(response: HttpResponse) -> str:
    return html.unescape(response.content.decode())


def book_urls(response: HttpResponse) -> list[str]:
    found = re.findall(r'id="phone-book-\d+" value="([^"]+)"', text_of(response))
    return list(found)


def token_link(response: HttpResponse) -> str:
    found = re.search(r'href="([^"]+)" data-testid="create-token"', response.content.decode())
    assert found, "the page links to the token form"
    return html.unescape(found.group(1))


def test_the_url_is_named_and_the_account_page_links_to_it(as_alice: Client) -> None:
    assert reverse("accounts:carddav_setup") == PAGE
    hub = as_alice.get(reverse("accounts:settings"))
    assert hub.status_code == 200
    assert f'href="{PAGE}"' in hub.content.decode()
    assert "Phone address book" in text_of(hub)


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, alice: User) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=/accounts/phone/" in response["Location"]


def test_the_page_only_shows(as_alice: Client, vault: Vault) -> None:
    assert as_alice.post(PAGE, {"anything": "x"}).status_code == 405
    assert as_alice.head(PAGE).status_code == 200


def test_alice_the_owner_sees_what_to_type(as_alice: Client, alice: User, vault: Vault) -> None:
    create_person(vault, given_name="Ada")
    create_person(vault, given_name="Grace")
    gone = create_person(vault, given_name="Gone")
    trash_person(gone)

    response = as_alice.get(PAGE)
    page = text_of(response)

    assert response.status_code == 200
    assert 'value="http://testserver/dav/"' in page
    assert 'id="phone-username" value="alice"' in page
    assert book_urls(response) == [f"http://testserver/dav/addressbooks/alice/{vault.pk}/"]
    assert "Alice's people" in page
    assert "owner" in page
    assert "2 people" in page  # the trashed person is not on the phone
    assert 'data-testid="read-only"' not in page
    assert "never your sign-in password" in page
    # Copy buttons use the house's one handler, pointing at fields that exist.
    for target in re.findall(r'data-copy="#([\w-]+)"', page):
        assert f'id="{target}"' in page
    assert len(re.findall(r"data-copy=", page)) == 3
    # The vdirsyncer snippet carries the real address and user name.
    assert 'url = "http://testserver/dav/"' in page
    assert 'username = "alice"' in page
    # The birthdays for the calendar: the feed's settings page.
    assert f'href="{reverse("attention:settings")}#calendar-feed"' in page


def test_the_token_link_prefills_a_write_token_for_an_editor(
    as_bob: Client, bob: User, vault: Vault
) -> None:
    response = as_bob.get(PAGE)
    link = token_link(response)
    parts = urlsplit(link)
    assert parts.path == TOKENS
    assert parse_qs(parts.query) == {"name": ["Phone"], "scope": ["write"]}
    assert "editor" in text_of(response)
    assert 'data-testid="read-only"' not in text_of(response)

    form = as_bob.get(link)
    form_html = form.content.decode()
    assert form.status_code == 200
    assert 'name="name" value="Phone"' in form_html
    assert re.search(r'value="write"[^>]*checked', form_html)


def test_carol_the_viewer_sees_a_read_only_address_book(
    as_carol: Client, carol: User, vault: Vault
) -> None:
    create_person(vault, given_name="Ada")
    response = as_carol.get(PAGE)
    page = text_of(response)

    assert response.status_code == 200
    assert book_urls(response) == [f"http://testserver/dav/addressbooks/carol/{vault.pk}/"]
    assert 'data-testid="read-only"' in page
    assert "read only" in page and "viewer" in page
    assert "1 person" in page
    assert "You may only read your vaults, so the token reads only" in page
    assert parse_qs(urlsplit(token_link(response)).query)["scope"] == ["read"]


def test_a_mixed_user_sees_each_vault_with_its_own_role(
    carol: User, vault: Vault, other_vault: Vault
) -> None:
    # Carol reads Alice's vault and owns one of her own: the token may write.
    own = Vault.objects.create(name="Carol's club")
    Membership.objects.create(vault=own, user=carol, role=Role.OWNER)
    client = Client()
    client.force_login(carol)
    response = client.get(PAGE)
    page = text_of(response)

    assert book_urls(response) == [
        f"http://testserver/dav/addressbooks/carol/{vault.pk}/",
        f"http://testserver/dav/addressbooks/carol/{own.pk}/",
    ]
    assert page.count('data-testid="read-only"') == 1
    assert parse_qs(urlsplit(token_link(response)).query)["scope"] == ["write"]
    # Mallory's vault is not Carol's: neither its name nor its address shows.
    assert "Mallory" not in page
    assert f"/{other_vault.pk}/" not in page


def test_mallory_sees_only_her_own_vault(
    as_mallory: Client, vault: Vault, other_vault: Vault
) -> None:
    response = as_mallory.get(PAGE)
    assert book_urls(response) == [f"http://testserver/dav/addressbooks/mallory/{other_vault.pk}/"]
    assert "Alice" not in text_of(response)


def test_without_vaults_the_page_says_so(client: Client, db: None) -> None:
    loner = User.objects.create_user("loner", password="loner-secret-pw")
    client.force_login(loner)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "You are not a member of any vault yet" in text_of(response)
    assert book_urls(response) == []


def test_an_unusual_user_name_is_encoded_in_the_addresses(client: Client, db: None) -> None:
    user = User.objects.create_user("jan.de+vries@example.org", password="x-secret-pw")
    mine = Vault.objects.create(name="Jan")
    Membership.objects.create(vault=mine, user=user, role=Role.OWNER)
    client.force_login(user)
    response = client.get(PAGE)
    assert book_urls(response) == [
        f"http://testserver/dav/addressbooks/jan.de+vries@example.org/{mine.pk}/"
    ]
    accented = User.objects.create_user("zoë", password="x-secret-pw")
    Membership.objects.create(vault=mine, user=accented, role=Role.EDITOR)
    client.force_login(accented)
    assert book_urls(client.get(PAGE)) == [
        f"http://testserver/dav/addressbooks/zo%C3%AB/{mine.pk}/"
    ]


def test_people_are_counted_in_a_bounded_number_of_queries(
    alice: User, vault: Vault, django_assert_max_num_queries: pytest.FixtureRequest
) -> None:
    for number in range(12):
        extra = Vault.objects.create(name=f"Club {number}")
        Membership.objects.create(vault=extra, user=alice, role=Role.EDITOR)
        for person in range(3):
            create_person(extra, given_name=f"P{number}-{person}")
    client = Client()
    client.force_login(alice)
    client.get(PAGE)  # warm whatever is cached per process
    with django_assert_max_num_queries(8):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert text_of(response).count("3 people") == 12
    assert len(book_urls(response)) == 13


def test_plain_http_outside_production_gets_a_calm_warning(as_alice: Client, vault: Vault) -> None:
    response = as_alice.get(PAGE)
    assert 'data-testid="plain-http"' in response.content.decode()
    assert "without encryption" in text_of(response)


def test_https_says_nothing_about_encryption(as_alice: Client, vault: Vault) -> None:
    response = as_alice.get(PAGE, secure=True)
    assert 'value="https://testserver/dav/"' in response.content.decode()
    assert 'data-testid="plain-http"' not in response.content.decode()


@override_settings(BASE_URL="https://crm.example.org")
def test_the_configured_public_address_wins(as_alice: Client, vault: Vault) -> None:
    # The address people use from outside, not the one this request happened to come in on.
    response = as_alice.get(PAGE)
    page = text_of(response)
    assert 'value="https://crm.example.org/dav/"' in page
    assert book_urls(response) == [f"https://crm.example.org/dav/addressbooks/alice/{vault.pk}/"]
    assert 'data-testid="plain-http"' not in page


@override_settings(PRODUCTION=True)
def test_production_mode_never_shows_the_http_warning(as_alice: Client, vault: Vault) -> None:
    response = as_alice.get(PAGE, secure=True)
    assert response.status_code == 200
    assert 'data-testid="plain-http"' not in response.content.decode()


def test_a_dutch_user_reads_it_in_dutch(as_alice: Client, alice: User, vault: Vault) -> None:
    create_person(vault, given_name="Ada")
    response = as_alice.get(PAGE, headers={"accept-language": "nl-NL,nl;q=0.9"})
    page = text_of(response)
    assert '<html lang="nl"' in page
    assert "Je mensen op je telefoon" in page
    assert "Wat je intypt" in page
    assert "nooit je inlogwachtwoord" in page
    assert "1 persoon" in page
    assert "Your people on your phone" not in page
    parts = urlsplit(token_link(response))
    assert parse_qs(parts.query)["name"] == ["Telefoon"]


def test_the_token_form_ignores_prefill_it_would_refuse(as_alice: Client, vault: Vault) -> None:
    form = as_alice.get(TOKENS, {"name": "x" * 500, "scope": "admin"})
    assert form.status_code == 200
    body = form.content.decode()
    assert 'name="name" value=' not in body
    assert re.search(r'value="read"[^>]*checked', body)
    assert not re.search(r'value="admin"', body)
    prefilled = as_alice.get(TOKENS, {"name": "  Phone  ", "scope": "read"})
    assert 'name="name" value="Phone"' in prefilled.content.decode()


def test_the_addresses_shown_are_the_ones_the_dav_server_answers_on(
    as_carol: Client, carol: User, vault: Vault
) -> None:
    create_person(vault, given_name="Ada")
    response = as_carol.get(PAGE)
    server = re.search(r'id="phone-server" value="([^"]+)"', text_of(response))
    assert server
    (book,) = book_urls(response)
    match = resolve(unquote(urlsplit(book).path))
    assert match.view_name == "carddav:collection"
    assert match.kwargs == {"username": "carol", "vault_id": vault.pk}
    assert resolve(urlsplit(server.group(1)).path).view_name == "carddav:root"

    # A phone with the token the page asks for, at the address it shows, is let in.
    secret = create_token(carol, "Phone", scope=TokenScope.READ).secret
    authorization = "Basic " + base64.b64encode(f"carol:{secret}".encode()).decode()
    for url in (server.group(1), book):
        answer = Client().generic(
            "PROPFIND", urlsplit(url).path, b"", HTTP_DEPTH="0", HTTP_AUTHORIZATION=authorization
        )
        assert answer.status_code == 207, url
    # ...and not with the sign-in password, which the page says never to type there.
    refused = Client().generic(
        "PROPFIND",
        urlsplit(book).path,
        b"",
        HTTP_DEPTH="0",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"carol:carol-secret-pw").decode(),
    )
    assert refused.status_code == 401


VDIRSYNCER = Path(sys.executable).parent / "vdirsyncer"


def snippet(page: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"><code>(.*?)</code>', page, re.S)
    assert found, testid
    return html.unescape(found.group(1))


def test_the_vdirsyncer_steps_work_as_typed(
    live_server: LiveServer, transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    """Copy the page's configuration and commands, as a user would, and sync for real."""
    settings.ALLOWED_HOSTS = ["*"]
    alice = User.objects.create_user("alice", password="alice-secret-pw")
    mine = Vault.objects.create(name="Alice's people")
    Membership.objects.create(vault=mine, user=alice, role=Role.OWNER)
    create_person(mine, given_name="Ada", family_name="Lovelace")
    browser = Client()
    browser.force_login(alice)
    page = browser.get(PAGE, HTTP_HOST=urlsplit(live_server.url).netloc).content.decode()
    config = snippet(page, "vdirsyncer-config")
    assert f'url = "{live_server.url}/dav/"' in config

    home = tmp_path / "home"
    (home / ".config" / "vdirsyncer").mkdir(parents=True)
    (home / ".config" / "vdirsyncer" / "config").write_text(config, encoding="utf-8")
    secret = create_token(alice, "Phone", scope=TokenScope.WRITE).secret
    (home / ".config" / "aandacht-token").write_text(secret + "\n", encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().endswith("_proxy") and not key.startswith(("VDIRSYNCER", "XDG_"))
    }
    env.update(HOME=str(home), NO_PROXY="127.0.0.1,localhost", LC_ALL="C.UTF-8")
    commands = snippet(page, "vdirsyncer-commands").splitlines()
    assert commands == ["vdirsyncer discover aandacht", "vdirsyncer sync aandacht"]
    for command in commands:
        program, *args = command.split()
        assert program == "vdirsyncer"
        done = subprocess.run(
            [str(VDIRSYNCER), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)
    cards = list((home / ".contacts" / "aandacht").rglob("*.vcf"))
    assert len(cards) == 1
    assert "Lovelace" in cards[0].read_text(encoding="utf-8")
