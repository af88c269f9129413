"""The authorization proof's world, built once per test module.

Building vault A with an object of every kind takes a while; every test of a module reads it.
The world lives in a transaction around the whole module (rolled back at its end), and each
test runs in a savepoint inside it (pytest-django's ``db``), so what one test writes is gone
before the next and nothing outlives the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from authz_world import World, build_world
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def world(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("authz-media")))
    with media, django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
