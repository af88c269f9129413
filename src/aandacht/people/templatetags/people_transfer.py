"""``{% transfer_entry person %}``: the person page's "Move or copy to another vault…" link.

Only for someone who can edit another vault. The app shell (``web.context_processors``)
already knows which vaults the user may write in, so the page costs no extra query; the menu it
sits in is only rendered for editors of the person's vault.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from aandacht.people.models import Person
from aandacht.people.transfer import has_other_writable_vault

register = template.Library()


@register.simple_tag(takes_context=True)
def transfer_entry(context: dict[str, Any], person: Person) -> SafeString | str:
    shell = context.get("shell")
    writable = getattr(shell, "writable", None)
    if isinstance(writable, frozenset):
        elsewhere = bool(writable - {person.vault_id})
    else:
        user = getattr(context.get("request"), "user", None)
        elsewhere = isinstance(user, User) and has_other_writable_vault(user, person.vault_id)
    if not elsewhere:
        return ""
    return format_html(
        '<a href="{}">{}</a>',
        reverse("people:transfer", args=[person.pk]),
        _("Move or copy to another vault…"),
    )
