"""Two requests adding the same person to a round at the same moment (PostgreSQL only: SQLite
runs one writer at a time, so the race cannot happen there)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from aandacht.accounts.models import Vault
from aandacht.people.services import create_person
from aandacht.rounds import services
from aandacht.rounds.models import STEP_ORDER, CheckIn, CheckInRound, CheckInStep


@pytest.mark.django_db(transaction=True)
def test_two_requests_adding_the_same_person_at_once(vault: Vault, lockdown: CheckInRound) -> None:
    """The second insert waits for the first transaction, then finds the check-in there:
    no IntegrityError (a 500 before), one check-in with exactly three steps."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent writers")
    newcomer = create_person(vault, "Gijs Nieuw")
    first_added = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                services.add_person(lockdown, newcomer)
                first_added.set()
                release.wait(10)  # still uncommitted while the second one adds
        except BaseException as error:  # noqa: BLE001  (reported by the test below)
            errors.append(error)
        finally:
            first_added.set()
            connection.close()

    def second() -> None:
        try:
            first_added.wait(10)
            services.add_person(lockdown, newcomer)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the second insert is now waiting on the first transaction's row
    release.set()
    for thread in threads:
        thread.join(20)
    assert errors == []
    check_in = CheckIn.objects.get(round=lockdown, person=newcomer)
    kinds = CheckInStep.objects.filter(check_in=check_in).values_list("kind", flat=True)
    assert sorted(kinds) == sorted(STEP_ORDER)
