"""Small template helpers of the check-in round pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aandacht.rounds.models import StepKind

register = template.Library()

STEP_TITLES: dict[str, Promise] = {
    StepKind.EMPATHY: _("Empathy"),
    StepKind.TIP: _("A concrete tip"),
    StepKind.ACTION: _("An action for them"),
}
STEP_HINTS: dict[str, Promise] = {
    StepKind.EMPATHY: _("Ask how they are really doing. What did they say?"),
    StepKind.TIP: _("One concrete tip from your expertise, for their situation."),
    StepKind.ACTION: _("Something you do for them: an introduction, a referral, a favour."),
}


@register.filter
def step_title(kind: str) -> str:
    return str(STEP_TITLES.get(kind, kind))


@register.filter
def step_hint(kind: str) -> str:
    return str(STEP_HINTS.get(kind, ""))


@register.filter
def get_error(errors: dict[int, Any] | None, pk: int) -> Any:
    """The error of one step's form (message and the text that was sent), if it had one."""
    return (errors or {}).get(pk)


@register.simple_tag
def active_rounds_of(person: Any) -> list[Any]:
    """The person page's rounds line, when the page did not load it (one query)."""
    from aandacht.rounds.services import active_rounds_for

    return list(active_rounds_for(person))
