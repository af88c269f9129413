"""CSRF is enforced on every URL that changes something.

alice, signed in, with a browser-like client that checks CSRF tokens and already holds a CSRF
cookie (as a real browser does after any page): every POST, PUT, PATCH and DELETE without the
token, or with a wrong one, is refused with a 403, on every URL of the site except the API
(whose session writes are checked in test_authz_api, and whose Bearer-token calls need none).
The same POST with the token gets past the check, so the client is not simply broken.
"""

from __future__ import annotations

import pytest
from authz_cases import WRITES, Case, cases_of, ids_of, request, undone
from authz_world import World
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

CASES = cases_of("object", "vault", "own", "public", "feed")


@pytest.fixture
def browser(world: World) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    response = client.get(reverse("people:list"))
    assert response.status_code == 200
    assert "csrftoken" in client.cookies
    return client


def _url(world: World, case: Case) -> str:
    if case.rule.access == "feed":
        return reverse("attention:feed", args=[world.feed_tokens["alice"]])
    return case.url(world)


@pytest.mark.parametrize("case", CASES, ids=ids_of(CASES))
def test_every_write_needs_the_csrf_token(world: World, browser: Client, case: Case) -> None:
    url = _url(world, case)
    for method in WRITES:
        without = request(browser, method, url, case.data(world))
        if without.status_code == 405:
            # Refused before anything else: the URL never takes this method.
            assert undone(world.clients["alice"], method, url).status_code == 405
            continue
        assert without.status_code == 403, (method, case.id, without.status_code)
    wrong = browser.post(url, {**case.data(world), "csrfmiddlewaretoken": "x" * 64})
    assert wrong.status_code in {403, 405}, (case.id, wrong.status_code)


def test_the_token_gets_through(world: World, browser: Client) -> None:
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"{reverse('people:quick_add')}?vault={world.vault.pk}",
        {"name": "Rosalind Tokenhouder", "csrfmiddlewaretoken": token},
    )
    assert response.status_code in {200, 302}, response.status_code
    # A header token (as htmx sends it) works as well.
    response = browser.post(
        reverse("people:trash", args=[world.ids["person_other"]]), HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code in {200, 302}, response.status_code


def test_login_form_needs_the_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": "authz-secret-pw-1"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
