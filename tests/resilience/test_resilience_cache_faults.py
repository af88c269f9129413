"""A fault met by the bookkeeping is not mistaken for "done already", and does not break
the caller's transaction.

Production keeps its cache in the database (settings.CACHES), and ``DatabaseCache.add``
answers False when its own write fails: read as "this form was saved already" that made a
note on a read-only database say "saved" and store nothing. And on PostgreSQL a failed
UPDATE without a savepoint aborts the transaction around it (25P02 on the next query).

The fault is real, on the database this leg runs on: SQLite's ``PRAGMA query_only`` or a
read-only PostgreSQL (sub)transaction.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from refusing_writes import refusing_writes

from aandacht.accounts.models import Vault
from aandacht.accounts.password_reset import claim_reset_mail
from aandacht.accounts.sessions import ROW_KEY, SEEN_KEY
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Note

pytestmark = pytest.mark.django_db


DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "aandacht_test_fault_cache",
    }
}
TOKEN = "ab" * 16


@pytest.fixture
def database_cache() -> Iterator[None]:
    """The production cache, in this test's database."""
    with override_settings(CACHES=DATABASE_CACHE):
        call_command("createcachetable", verbosity=0)
        yield


@pytest.fixture
def ann(vault: Vault) -> Person:
    return create_person(vault, "Ann Smith")


def test_a_form_whose_token_the_cache_cannot_store_gets_the_fault_page_not_saved(
    database_cache: None, as_alice: Client, ann: Person
) -> None:
    as_alice.get("/")  # the session bookkeeping of the first request is written before
    with refusing_writes():
        response = as_alice.post(
            reverse("timeline:note", args=[ann.pk]), {"body": "Short and sweet", "token": TOKEN}
        )
        assert response.status_code == 503, response.content[:500]
        assert response["X-Aandacht-Fault"] == "read_only"
        assert "Nothing was saved" in response.content.decode()
    assert Note.objects.count() == 0


def test_a_repeated_post_is_still_recognised_with_the_database_cache(
    database_cache: None, as_alice: Client, ann: Person
) -> None:
    url = reverse("timeline:note", args=[ann.pk])
    first = as_alice.post(url, {"body": "Once", "token": TOKEN})
    again = as_alice.post(url, {"body": "Once", "token": TOKEN})

    assert first.status_code < 400 and again.status_code < 400
    assert Note.objects.count() == 1


def test_a_reset_mail_is_not_silently_dropped_when_the_cache_cannot_remember_it(
    database_cache: None,
) -> None:
    with refusing_writes():
        assert claim_reset_mail("ann@example.com")
        assert claim_reset_mail("ann@example.com")  # nothing remembered: not throttled


def test_a_second_reset_mail_is_still_throttled_with_the_database_cache(
    database_cache: None,
) -> None:
    assert claim_reset_mail("ann@example.com")
    assert not claim_reset_mail(" ANN@example.com")


def test_a_refused_session_touch_leaves_the_transaction_usable(
    as_alice: Client, ann: Person
) -> None:
    as_alice.get("/")
    session = as_alice.session
    session[SEEN_KEY] = 0  # long ago: the next request wants to record "last seen"
    del session[ROW_KEY]  # and looks its row up by the session key (the second UPDATE)
    session.save()
    with refusing_writes():
        assert as_alice.get("/").status_code == 200
        assert Person.objects.filter(pk=ann.pk).exists()  # not 25P02 on PostgreSQL
