"""Fixtures every exchange test module shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    """Each test its own media folder: imported photos never land in a real one, and "nothing
    stored" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def as_alice(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client
