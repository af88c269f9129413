"""Fixtures for the CardDAV tests.

``dav`` is alice's CardDAV client for the protocol tests (``dav_client.Dav``: the Django test
client with her write token). ``live_dav``, for the vdirsyncer tests, is pytest-django's
threaded live server on an emptied database (``transactional_db``: the server's thread sees
what the test writes), with alice owning a vault and holding a write token for CardDAV's
Basic auth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dav_client import Dav, dav_for
from django.contrib.auth.models import User
from pytest_django.live_server_helper import LiveServer
from vdirsyncer_harness import LiveDav

from aandacht.accounts.models import Membership, Role, TokenScope, Vault
from aandacht.accounts.tokens import create_token


@pytest.fixture
def dav(alice: User) -> Dav:
    return dav_for(alice)


@pytest.fixture
def live_dav(
    django_db_setup: None,
    transactional_db: None,
    live_server: LiveServer,
    settings: Any,
    tmp_path: Path,
) -> LiveDav:
    # The test database first: a live server started before it would share SQLite's
    # in-memory connection of the database that has no tables.
    settings.MEDIA_ROOT = tmp_path / "media"  # photos of this test only
    # A usable password: without one the instance is still in its first run, and the welcome
    # page's redirect would answer every request (CardDAV too); CardDAV itself takes the token.
    alice = User.objects.create_user(username="alice", password="alice-secret-pw")
    vault = Vault.objects.create(name="Alice's people")
    Membership.objects.create(vault=vault, user=alice, role=Role.OWNER)
    token = create_token(alice, "phone", scope=TokenScope.WRITE)
    return LiveDav(url=live_server.url + "/", user=alice, vault=vault, token=token.secret)
