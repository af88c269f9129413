"""A client given the bare server address finds /dav/; the first-run page never catches DAV."""

from __future__ import annotations

import base64

from django.contrib.auth.models import User
from django.test import Client

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token


def test_propfind_on_the_root_is_sent_to_dav(db: None) -> None:
    response = Client().generic("PROPFIND", "/", HTTP_DEPTH="0")
    assert response.status_code == 308  # same method and body at the new address
    assert response["Location"] == "/dav/"
    # an ordinary visit to the home page is untouched
    assert Client().get("/").status_code in {200, 302}


def test_dav_is_not_sent_to_the_welcome_page_before_the_first_run_ends(db: None) -> None:
    # Only a user without a usable password: the instance is still in its first run.
    User.objects.create_user("owner")
    response = Client().generic("PROPFIND", "/dav/", HTTP_DEPTH="0")
    assert response.status_code == 401
    assert "welcome" not in response.get("Location", "")


def test_a_client_starting_at_the_root_reaches_its_principal(alice: User, vault: Vault) -> None:
    secret = create_token(alice, "phone").secret
    auth = "Basic " + base64.b64encode(f"alice:{secret}".encode()).decode()
    body = (
        b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop>'
        b"<d:current-user-principal/></d:prop></d:propfind>"
    )
    client = Client()
    headers = {"HTTP_DEPTH": "0", "HTTP_AUTHORIZATION": auth}
    first = client.generic("PROPFIND", "/", body, content_type="application/xml", **headers)
    assert first.status_code == 308
    response = client.generic(
        "PROPFIND", first["Location"], body, content_type="application/xml", **headers
    )
    assert response.status_code == 207
    assert b"/dav/principals/alice/" in response.content
