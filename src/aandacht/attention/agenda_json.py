"""The Today agenda as plain data: the items of ``aandacht today --json`` and ``/api/today``.

One module for both, so a script sees the same keys whichever way it asks; it imports neither
the command line nor the API.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aandacht.attention.appreciation import Suggestion
    from aandacht.attention.models import Circle
    from aandacht.attention.services import Agenda, AgendaItem, Cadence


def circle_ref(circle: Circle) -> dict[str, Any]:
    return {"id": circle.pk, "name": circle.title}


def cadence_data(cadence: Cadence | None) -> dict[str, Any] | None:
    if cadence is None:
        return None
    return {
        "days": cadence.days,
        "source": cadence.source,
        "label": cadence.label,
        "circle": circle_ref(cadence.circle) if cadence.circle is not None else None,
    }


def item_data(item: AgendaItem, day: dt.date) -> dict[str, Any]:
    return {
        "person_id": item.person.pk,
        "name": item.person.name,
        "kind": item.kind,
        "reason": item.reason,
        "key": item.key,
        "day": day.isoformat(),
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "cadence": cadence_data(item.cadence),
        "last_conversation": (
            item.last_conversation.isoformat() if item.last_conversation else None
        ),
        "follow_up_id": item.follow_up.pk if item.follow_up is not None else None,
        "important_date_id": (item.important_date.pk if item.important_date is not None else None),
        "handled": item.handled_as or None,
    }


def appreciation_data(nudge: Suggestion, day: dt.date) -> dict[str, Any]:
    """The nudge as an agenda item: the same keys as the others, plus the texts."""
    return {
        "person_id": nudge.person.pk,
        "name": nudge.person.name,
        "kind": "appreciation",
        "reason": nudge.reason,
        "key": nudge.key,
        "day": day.isoformat(),
        "due_on": None,
        "cadence": None,
        "last_conversation": None,
        "follow_up_id": None,
        "important_date_id": None,
        "handled": nudge.outcome or None,
        "strengths": [item.text for item in nudge.strengths],
        "grateful": [item.text for item in nudge.grateful],
    }


def agenda_items(agenda: Agenda, nudge: Suggestion | None) -> list[dict[str, Any]]:
    """The day's suggestions and pinned items, the appreciation nudge, then what was handled."""
    items = [item_data(item, agenda.day) for item in [*agenda.items, *agenda.pinned]]
    if nudge is not None:
        items.append(appreciation_data(nudge, agenda.day))
    items += [item_data(item, agenda.day) for item in agenda.handled]
    return items
