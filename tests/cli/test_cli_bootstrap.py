"""`bootstrap.ensure_ready` in process: idempotent and cheap when nothing is pending."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from aandacht import bootstrap


@pytest.mark.django_db
def test_ensure_ready_is_idempotent_and_skips_migrate(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_migrate(*args: object, **kwargs: object) -> None:
        raise AssertionError("migrate must not run when nothing is pending")

    monkeypatch.setattr("django.core.management.call_command", no_migrate)
    messages: list[str] = []
    assert bootstrap.pending_migrations() == []
    first = bootstrap.ensure_ready(notify=messages.append)
    second = bootstrap.ensure_ready(notify=messages.append)
    assert first.pk == second.pk
    assert User.objects.count() == 1
    assert messages == []
