"""Template tags the person page uses to show and capture someone's story."""

from __future__ import annotations

from typing import Any

from django import template

from aandacht.people.models import Person
from aandacht.timeline.services import timeline_for

register = template.Library()

TIMELINE_PAGE = 50


@register.inclusion_tag("timeline/panel.html", takes_context=True)
def timeline_panel(context: template.Context, person: Person) -> dict[str, Any]:
    """The person's timeline, newest first, as the signed-in user may see it."""
    request = context["request"]
    user = request.user if request.user.is_authenticated else None
    return {
        "request": request,
        "person": person,
        "entries": timeline_for(person, user, limit=TIMELINE_PAGE),
        "can_write": context.get("can_write", False),
    }
