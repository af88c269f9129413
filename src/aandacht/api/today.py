"""``/api/today``: the Today agenda of a vault, the same items as ``aandacht today --json``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from aandacht.api.core import (
    Day,
    ObjectId,
    caller_of,
    problem,
    readable_vault_ids,
    responses,
    which_vault,
)
from aandacht.attention.agenda_json import agenda_items

if TYPE_CHECKING:
    pass

router = Router(tags=["today"])
# The agenda plans ahead day by day: a date further away than this is a typo, not a plan.
MAX_DAYS_AHEAD = 366


class TodayFilter(Schema):
    vault: ObjectId | None = Field(
        None, description="The vault; may be left out when you reach one vault."
    )
    date: Day | None = Field(None, description="The day (YYYY-MM-DD). Default: today.")


class CircleRef(Schema):
    id: int
    name: str


class CadenceOut(Schema):
    days: int
    source: str
    label: str
    circle: CircleRef | None


class AgendaItemOut(Schema):
    person_id: int
    name: str
    kind: str = Field(description="due, retry, follow_up, date or appreciation")
    reason: str
    key: str
    day: dt.date
    due_on: dt.date | None
    cadence: CadenceOut | None
    last_conversation: dt.date | None
    follow_up_id: int | None
    important_date_id: int | None
    handled: str | None
    strengths: list[str] | None = None
    grateful: list[str] | None = None


class TodayOut(Schema):
    vault: int
    day: dt.date
    capacity: int
    items: list[AgendaItemOut]


@router.get("", response=responses(200, TodayOut), summary="The Today agenda")
def today(request: HttpRequest, filters: Query[TodayFilter]) -> dict[str, Any]:
    """Who to contact and why, then the promises and dates of the day, then what is done."""
    from aandacht.accounts.models import Vault
    from aandacht.attention import appreciation, services

    caller = caller_of(request)
    ids = readable_vault_ids(caller, filters.vault)
    if filters.vault is None and len(ids) != 1:
        raise which_vault(caller, location="query")
    vault = Vault.objects.get(pk=ids[0])
    user = caller.user
    local_today = services.local_today(services.settings_for(user))
    day = filters.date
    if day is not None and day > local_today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise problem(_("That day is too far ahead: at most a year."), "date", location="query")
    agenda = services.agenda_for(user, vault, day)
    # The appreciation nudge is written when due, so only a caller who may write gets it.
    nudge = (
        appreciation.suggestion_for(user, vault)
        if agenda.day == local_today and caller.can_write(vault.pk)
        else None
    )
    items = agenda_items(agenda, nudge)
    return {"vault": vault.pk, "day": agenda.day, "capacity": agenda.capacity, "items": items}
