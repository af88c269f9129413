"""The proof for pages: every URL pattern of the site, every method, every role.

The URL list comes from the resolver at collection time, so a page added tomorrow is tested
tomorrow; a URL name missing from ``authz_table.RULES`` fails ``test_every_url_is_classified``.

- Anonymous visitors are sent to the login page (or get a 405 for a method the URL never takes).
- mallory, signed in but no member of vault A, gets a 404 for every object of A on every method
  (a 405 only where an object that does not exist gets one too), never a 403 or a 2xx/3xx, and
  never sees anything of A; ``?vault=<A>`` on a vault page is a 404 for her too.
- carol, A's viewer, gets a 403 on every write and can read.
- alice, A's owner, reaches every URL with the same parameters, so the 404s above are not
  caused by a URL filled in wrongly.
"""

from __future__ import annotations

import pytest
from authz_cases import (
    METHODS,
    ROUTES,
    WRITES,
    Case,
    cases_of,
    ids_of,
    login_path,
    request,
    shows_vault_a,
    undone,
)
from authz_routes import fill
from authz_table import rule_for
from authz_world import World
from django.urls import reverse

pytestmark = pytest.mark.django_db

VAULT_CASES = cases_of("object", "vault")
OUTSIDER_CASES = cases_of("object", "vault", "personal", "instance")
SIGNED_IN_CASES = cases_of("object", "vault", "own", "personal", "instance")
WRITE_CASES = [case for case in VAULT_CASES if case.rule.write]
OWN_CASES = cases_of("own", "public")


def test_every_url_is_classified() -> None:
    missing = sorted(f"{r.name}  ({r.route})" for r in ROUTES if rule_for(r.name) is None)
    assert not missing, (
        "URLs nobody has classified for the authorization proof; add them to "
        "tests/authz/authz_table.py RULES:\n  " + "\n  ".join(missing)
    )


def test_the_enumeration_finds_the_site() -> None:
    names = {route.name for route in ROUTES}
    assert {"people:detail", "timeline:edit", "cards:write", "rounds:step"} <= names
    assert len(VAULT_CASES) > 80


def test_every_object_parameter_is_filled() -> None:
    for case in cases_of("object"):
        assert set(case.params) == set(case.route.converters), case.id


@pytest.mark.parametrize("case", SIGNED_IN_CASES, ids=ids_of(SIGNED_IN_CASES))
def test_anonymous_is_sent_to_login(world: World, case: Case) -> None:
    client = world.clients["anonymous"]
    for method in METHODS:
        response = request(client, method, case.url(world), case.data(world))
        if response.status_code == 405:
            continue
        assert response.status_code == 302, (method, case.id, response.status_code)
        assert response["Location"].startswith(login_path()), (method, case.id)


@pytest.mark.parametrize("case", OUTSIDER_CASES, ids=ids_of(OUTSIDER_CASES))
def test_outsider_gets_404_on_every_method(world: World, case: Case) -> None:
    client = world.clients["mallory"]
    for method in METHODS:
        response = request(client, method, case.url(world), case.data(world))
        status = response.status_code
        if status == 405:
            ghost = request(client, method, case.url(world, ghost=True))
            assert ghost.status_code == 405, (method, case.id, "405 only for a real object")
            continue
        assert status == 404, (method, case.id, status)
        assert not shows_vault_a(response), (method, case.id)


@pytest.mark.parametrize("case", WRITE_CASES, ids=ids_of(WRITE_CASES))
def test_viewer_gets_403_on_every_write(world: World, case: Case) -> None:
    owner = undone(world.clients["alice"], "post", case.url(world), case.data(world))
    for method in WRITES:
        response = request(world.clients["carol"], method, case.url(world), case.data(world))
        allowed = {403, 405} if method != "post" or owner.status_code == 405 else {403}
        assert response.status_code in allowed, (method, case.id, response.status_code)


@pytest.mark.parametrize("case", OUTSIDER_CASES, ids=ids_of(OUTSIDER_CASES))
def test_members_reach_every_url(world: World, case: Case) -> None:
    """The owner reaches every URL as filled in (so the outsider's 404 is about access), and
    the viewer reads every page she may read; alice's own things are a 404 for carol too."""
    owner = "root" if case.rule.access == "instance" else "alice"
    for method in ("get", "post"):
        response = undone(world.clients[owner], method, case.url(world), case.data(world))
        assert response.status_code not in {403, 404}, (method, case.id, response.status_code)
        assert response.status_code < 500, (method, case.id, response.status_code)
    response = request(world.clients["carol"], "get", case.url(world))
    if case.rule.access in {"personal", "instance"}:
        assert response.status_code in {404, 405}, (case.id, response.status_code)
    else:
        assert response.status_code in {200, 302, 403, 405}, (case.id, response.status_code)


@pytest.mark.parametrize("case", OWN_CASES, ids=ids_of(OWN_CASES))
def test_own_pages_show_nothing_of_another_vault(world: World, case: Case) -> None:
    """Pages of one's own account (and public ones) ignore, or refuse, someone else's vault."""
    for who in ("mallory", "anonymous"):
        for suffix in ("", f"?vault={world.vault.pk}"):
            response = request(world.clients[who], "get", case.url(world) + suffix)
            assert response.status_code < 500, (who, case.id, response.status_code)
            assert not shows_vault_a(response), (who, case.id, suffix)


def test_admin_is_staff_only(world: World) -> None:
    admin_routes = [r for r in ROUTES if r.namespace == "admin" and not r.is_regex]
    assert admin_routes
    for route in admin_routes:
        url = fill(route, {name: world.ids["person"] for name in route.converters})
        for who in ("anonymous", "mallory", "carol", "alice"):
            for method in ("get", "post"):
                response = request(world.clients[who], method, url)
                if route.name in {"admin:login", "admin:logout"}:
                    continue  # the admin's own sign-in page answers everyone
                assert response.status_code in {302, 404, 405}, (route.name, who, method)
                if response.status_code == 302:
                    assert "/admin/login/" in response["Location"], (route.name, who)


def test_feed_needs_its_token(world: World) -> None:
    token = world.feed_tokens["alice"]
    anonymous = world.clients["anonymous"]
    assert anonymous.get(reverse("attention:feed", args=[token])).status_code == 200
    for wrong in ("x" * 32, token[:-1], token.upper() if token.upper() != token else "y" * 32):
        for client in (anonymous, world.clients["mallory"]):
            assert client.get(reverse("attention:feed", args=[wrong])).status_code == 404
    for method in WRITES:
        response = request(anonymous, method, reverse("attention:feed", args=[token]))
        assert response.status_code == 405, method
    # mallory's own feed, asked for vault A, still holds only her own vault.
    mine = reverse("attention:feed", args=[world.feed_tokens["mallory"]])
    response = anonymous.get(f"{mine}?vault={world.vault.pk}")
    assert response.status_code in {200, 404}
    assert not shows_vault_a(response)
