"""The fixed cost of a signed-in request: the queries of a trivial htmx fragment, and the
role read with the object (``object_in_vault``) instead of in a second query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.web.access import can_write, object_in_vault, role_of

pytestmark = pytest.mark.django_db


def test_a_trivial_signed_in_fragment_takes_three_queries(as_alice: Client, vault: Vault) -> None:
    person = create_person(vault, "Anna de Vries")
    url = f"/people/{person.pk}/section/words/"
    assert as_alice.get(url, HTTP_HX_REQUEST="true").status_code == 200  # settles the session

    with CaptureQueriesContext(connection) as queries:
        response = as_alice.get(url, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    # The session, the user, the person with this user's role in its vault: nothing else
    # (no membership query of its own, no first-run check, no session write).
    assert len(sql) == 3, "\n".join(sql)
    assert "django_session" in sql[0]
    assert "auth_user" in sql[1]
    assert "accounts_membership" in sql[2]


@pytest.mark.parametrize("role", [Role.OWNER, Role.EDITOR, Role.VIEWER])
def test_the_role_read_with_the_object_is_the_membership_role(
    vault: Vault, alice: User, role: str
) -> None:
    user = User.objects.create_user(username="member", password="member-secret-pw")
    Membership.objects.create(vault=vault, user=user, role=role)
    person = create_person(vault, "Bram Jansen")
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}  # type: ignore[assignment]

    found = object_in_vault(request, Person.objects.all(), person.pk)

    with CaptureQueriesContext(connection) as queries:
        assert role_of(user, found.vault) == role
        assert can_write(user, found.vault) is (role in {Role.OWNER, Role.EDITOR})
    assert len(queries.captured_queries) == 0
    # Someone else's role on that same vault object is still asked of the database.
    with CaptureQueriesContext(connection) as queries:
        assert role_of(alice, found.vault) == Role.OWNER
    assert len(queries.captured_queries) == 1


def test_someone_elses_person_stays_a_404(as_mallory: Client, vault: Vault) -> None:
    person = create_person(vault, "Cees Bakker")
    response = as_mallory.get(f"/people/{person.pk}/section/words/", HTTP_HX_REQUEST="true")
    assert response.status_code == 404


# --- the session store: the same answers as Django's database backend ---------------------


def _saved(data: dict[str, object], expiry: int | None = None) -> str:
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    store = DjangoStore()
    store.update(data)
    if expiry is not None:
        store.set_expiry(expiry)
    store.save()
    assert store.session_key is not None
    return store.session_key


def test_the_store_reads_what_django_wrote() -> None:
    from aandacht.accounts.session_store import SessionStore

    key = _saved({"a": 1, "b": "twee"})
    store = SessionStore(key)
    assert store.load() == {"a": 1, "b": "twee"}
    assert store.session_key == key


def test_an_expired_missing_or_tampered_session_reads_as_empty() -> None:
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from aandacht.accounts.session_store import SessionStore

    expired = _saved({"a": 1})
    Session.objects.filter(session_key=expired).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    for key in (expired, "x" * 32):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None  # a new key at the next save, never the old one
    tampered = _saved({"a": 1})
    Session.objects.filter(session_key=tampered).update(session_data="not-signed:at-all")
    assert SessionStore(tampered).load() == {}


def test_the_app_uses_the_store(as_alice: Client) -> None:
    from django.conf import settings

    assert settings.SESSION_ENGINE == "aandacht.accounts.session_store"
    assert as_alice.session.__class__.__module__ == "aandacht.accounts.session_store"
