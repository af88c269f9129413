"""Template tags of the keep-in-touch pages; ``{% rhythm_panel person %}`` on the person page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import ngettext

from aandacht.people.models import Person

register = template.Library()


@register.inclusion_tag("attention/rhythm_panel.html", takes_context=True)
def rhythm_panel(context: template.Context, person: Person) -> dict[str, Any]:
    """The "Keep in touch" section: cadence and where it comes from, last conversation, when
    they come up next, muted or paused; writers change it in place.

    Three queries (see ``circles.rhythm_view``).
    """
    from aandacht.attention.views.circles import rhythm_context

    request = context["request"]
    return rhythm_context(request, person, writer=bool(context.get("can_write", False)))


@register.filter
def every_days(days: int | None) -> str:
    """ "every 14 days", "every day"."""
    if not days:
        return ""
    return ngettext("every %(days)d day", "every %(days)d days", days) % {"days": days}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping|get_item:key``: a value looked up by a variable key (photo URLs by person)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
