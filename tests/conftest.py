"""Shared fixtures: a named cast and their vaults.

alice owns the vault "Alice's people"; bob is her editor, carol her viewer; mallory has a
vault of her own and no access to Alice's.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from pytest_django.live_server_helper import LiveServer

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.web import kept_pages, stamp
from mail_server import Inbox, free_port

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# CI keeps property tests thorough but bounded: two cores, two database legs.
hypothesis_settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True)
hypothesis_settings.register_profile("dev", max_examples=60, deadline=None)
hypothesis_settings.load_profile("ci" if IN_CI else "dev")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts and ends in English.

    Django leaves the language a request activated on the thread (LocaleMiddleware and the
    per-user language both call ``activate``); the test client runs in this thread, so a
    Dutch request would otherwise turn the next test's messages Dutch.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    """Each test starts with no figures or pages kept from another (web/stamp.py and
    web/kept_pages.py keep them per process, until something is written)."""
    stamp.forget()
    kept_pages.forget()


def make_user(username: str) -> User:
    return User.objects.create_user(username=username, password=f"{username}-secret-pw")


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice")


@pytest.fixture
def vault(alice: User) -> Vault:
    """Alice's vault, where most tests happen."""
    vault = Vault.objects.create(name="Alice's people")
    Membership.objects.create(vault=vault, user=alice, role=Role.OWNER)
    return vault


@pytest.fixture
def bob(vault: Vault) -> User:
    user = make_user("bob")
    Membership.objects.create(vault=vault, user=user, role=Role.EDITOR)
    return user


@pytest.fixture
def carol(vault: Vault) -> User:
    user = make_user("carol")
    Membership.objects.create(vault=vault, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def mallory(db: None) -> User:
    return make_user("mallory")


@pytest.fixture
def other_vault(mallory: User) -> Vault:
    vault = Vault.objects.create(name="Mallory's people")
    Membership.objects.create(vault=vault, user=mallory, role=Role.OWNER)
    return vault


# Signed-in clients for the cast, each its own Client (a test may use several at once).
def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_alice(alice: User) -> Client:
    return signed_in(alice)


@pytest.fixture
def as_bob(bob: User) -> Client:
    return signed_in(bob)


@pytest.fixture
def as_carol(carol: User) -> Client:
    return signed_in(carol)


@pytest.fixture
def as_mallory(mallory: User) -> Client:
    return signed_in(mallory)


@pytest.fixture(scope="session")
def smtp_session() -> Iterator[Inbox]:
    inbox = Inbox("127.0.0.1", free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(smtp_session: Inbox) -> Inbox:
    """A real SMTP server on 127.0.0.1, its inbox empty; nothing is configured to use it yet."""
    smtp_session.messages.clear()
    smtp_session.recipients.clear()
    smtp_session.refuse = False
    return smtp_session


@pytest.fixture
def mailbox(smtp_server: Inbox) -> Iterator[Inbox]:
    """The real SMTP server with Django's SMTP backend pointing at it: what is sent lands in
    ``mailbox.messages`` (parsed ``EmailMessage``s), ``mailbox.recipients`` per message."""
    with override_settings(
        **smtp_server.settings(),
        BASE_URL="https://crm.example.org",
        DEFAULT_FROM_EMAIL="aandacht@crm.example.org",
    ):
        yield smtp_server


@pytest.fixture(scope="session")
def live_server(live_server: LiveServer) -> LiveServer:
    """pytest-django's live server, answering one request at a time on in-memory SQLite.

    On an in-memory SQLite database every request thread of the live server shares the test's
    one connection, transaction state included. Two requests at once (vdirsyncer syncs two
    address books concurrently; a browser loads a page and its htmx fragments) then nest their
    ``atomic`` blocks inside each other, and a rollback in one can leave the shared connection
    broken for every later test of the run. PostgreSQL gives each thread its own connection.
    """
    if not live_server.thread.connections_override:
        return live_server
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    lock = threading.Lock()

    def one_at_a_time(
        environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        with lock:
            response = app(environ, start_response)
            try:
                return list(response)  # the body is read under the lock too
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()

    httpd.set_app(one_at_a_time)
    return live_server
