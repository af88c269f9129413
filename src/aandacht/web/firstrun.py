"""The owner's first run: the local owner account gets a name and a password, exactly once."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from aandacht.accounts.services import ensure_local_owner, needs_first_run


@transaction.atomic
def claim_local_owner(*, username: str, first_name: str, password: str) -> User | None:
    """Give the password-less local owner a username, a first name and a password.

    Returns ``None`` (and changes nothing) once the first run is over, so a second submission
    of the welcome form cannot take over the account.
    """
    if not needs_first_run():
        return None
    # The row lock makes a concurrent second claim wait and then see the usable password
    # (on SQLite the IMMEDIATE transaction already serialises writers).
    owner = User.objects.select_for_update().get(pk=ensure_local_owner().pk)
    if owner.has_usable_password():
        return None
    owner.username = username
    owner.first_name = first_name
    owner.set_password(password)
    owner.save(update_fields=["username", "first_name", "password"])
    return owner
