"""``/api/vaults``: the vaults the caller reaches, with their role in each."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from aandacht.accounts.models import Vault
from aandacht.api.core import caller_of, responses

router = Router(tags=["vaults"])


class VaultOut(Schema):
    id: int
    name: str
    role: str
    can_write: bool


@router.get("", response=responses(200, list[VaultOut]), summary="Your vaults")
def list_vaults(request: HttpRequest) -> list[dict[str, object]]:
    """Every vault this token (or session) reaches; a token for one vault sees that one."""
    caller = caller_of(request)
    roles = caller.roles()
    return [
        {
            "id": vault.pk,
            "name": vault.name,
            "role": roles[vault.pk],
            "can_write": caller.can_write(vault.pk),
        }
        for vault in Vault.objects.filter(pk__in=list(roles)).order_by("name", "id")
    ]
