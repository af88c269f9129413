"""Migrations of check-in rounds: a database made by an earlier main migrates forward.

0001 once got edited in place (the step's ``interaction`` was added to it), so a database
migrated before that lacked the column and every board was a 500. The column now comes in
0002; these tests take a database back to 0001 and forward again, and check that the models
and the migrations agree.
"""

from __future__ import annotations

import importlib
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.people.services import create_person
from aandacht.rounds.models import CheckInStep
from aandacht.rounds.services import set_step, start_round

pytestmark = pytest.mark.django_db(transaction=True)


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, table)
    return {column.name for column in described}


def _migrate(*targets: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))


def test_a_database_at_the_first_migration_migrates_forward_and_the_board_works(
    client: Client, alice: User, vault: Vault
) -> None:
    _migrate(("rounds", "0001_initial"))
    try:
        assert "interaction_id" not in _columns("rounds_checkinstep")
        assert "token" in _columns("rounds_checkinround")
    finally:
        leaf = MigrationExecutor(connection).loader.graph.leaf_nodes("rounds")
        _migrate(*leaf)
    assert "interaction_id" in _columns("rounds_checkinstep")

    person = create_person(vault, "Anna Bakker")
    round_, _created = start_round(vault, "Lockdown events", [person], author=alice)
    step = CheckInStep.objects.get(check_in__round=round_, kind="empathy")
    change = set_step(step, note="Tired but fine.", done=True, by=alice, log_as="call")
    assert change.interaction is not None
    client.force_login(alice)
    response = client.get(reverse("rounds:board", args=[round_.pk]))
    assert response.status_code == 200
    assert "Tired but fine." in response.content.decode()


def test_the_models_need_no_new_migration() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    assert "No changes detected" in out.getvalue()


def test_the_first_migration_stays_as_it_was_released() -> None:
    """0001 as an earlier main ran it: the token, never the interaction (that is 0002)."""
    first = importlib.import_module("aandacht.rounds.migrations.0001_initial").Migration
    fields = {
        operation.name: {name for name, _field in operation.fields}
        for operation in first.operations
        if hasattr(operation, "fields")
    }
    assert "token" in fields["CheckInRound"]
    assert "interaction" not in fields["CheckInStep"]
    assert ("timeline", "0001_initial") not in first.dependencies
