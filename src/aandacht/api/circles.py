"""``/api/circles``: the circles of your vaults, and who follows each (person ids, A to Z)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aandacht.api.core import (
    ObjectId,
    Paging,
    PathId,
    caller_of,
    fetch,
    page,
    page_of,
    readable_vault_ids,
    responses,
)
from aandacht.attention import circles as circle_rules
from aandacht.attention.models import Circle
from aandacht.attention.services import circles_of

router = Router(tags=["circles"])


class CircleFilter(Schema):
    vault: ObjectId | None = Field(None, description="Only this vault.")


class CircleOut(Schema):
    id: int
    vault: int
    name: str
    cadence_days: int
    tag: str | None = Field(description="A tag circle holds everyone with this tag.")


class CircleDetail(CircleOut):
    members: list[int] = Field(description="The ids of the people who follow this circle.")


class CirclePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CircleOut]


def circle_out(circle: Circle) -> dict[str, Any]:
    return {
        "id": circle.pk,
        "vault": circle.vault_id,
        "name": circle.title,
        "cadence_days": circle.cadence_days,
        "tag": circle.tag.name if circle.tag is not None else None,
    }


@router.get("", response=responses(200, CirclePage), summary="List circles")
def list_circles(
    request: HttpRequest, filters: Query[CircleFilter], paging: Query[Paging]
) -> dict[str, Any]:
    caller = caller_of(request)
    rows = Circle.objects.filter(vault_id__in=readable_vault_ids(caller, filters.vault))
    count, found = page_of(
        rows.select_related("tag").order_by("vault_id", "cadence_days", "id"), paging
    )
    return page(count, paging, [circle_out(circle) for circle in found])


@router.get("/{int:pk}", response=responses(200, CircleDetail), summary="One circle and its people")
def read_circle(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    """Who follows it: reachable people (not archived, deceased or in the trash) whose own
    choice, or shortest tag circle, is this one."""
    circle = fetch(
        caller_of(request), Circle.objects.select_related("tag", "vault"), pk, _("circle")
    )
    members = circle_rules.circle_members(circle.vault, circles_of(circle.vault))
    return {**circle_out(circle), "members": members[circle.pk].people}
