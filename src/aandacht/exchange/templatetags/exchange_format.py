"""Template filters of the import pages: counts with thousands separators."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def grouped(value: Any) -> str:
    """``12000`` as "12,000" (English) or "12.000" (Dutch): counts are read at a glance."""
    if value is None or value == "":
        return ""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    return number_format(number, force_grouping=True)
