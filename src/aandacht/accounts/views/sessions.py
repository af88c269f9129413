"""Where you are signed in: each browser or device, and signing them out.

Signing a session out deletes its Django session, so that browser is signed out at its next
request. Another user's session is a 404, like anything else that is not yours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from aandacht.accounts import sessions
from aandacht.accounts.models import SignedInSession
from aandacht.accounts.user_agents import describe
from aandacht.web.access import MAX_ID, signed_in_user


@dataclass(frozen=True)
class SessionRow:
    """A session as the page shows it."""

    pk: int
    device: str
    address: str
    signed_in: dt.datetime
    last_seen: dt.datetime
    current: bool
    recent: bool  # seen within the last minute: "just now" rather than "0 minutes ago"


def device_label(user_agent: str) -> str:
    """ "Firefox on Linux", or as much of it as the browser's header tells."""
    device = describe(user_agent)
    if device.browser and device.system:
        return _("%(browser)s on %(system)s") % {
            "browser": device.browser,
            "system": device.system,
        }
    if device.browser:
        return device.browser
    if device.system:
        return _("A browser on %(system)s") % {"system": device.system}
    return _("Unknown browser")


@login_required
@require_GET
def sessions_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    sessions.touch(request, user)  # this session's row exists and carries its current key
    a_minute_ago = timezone.now() - dt.timedelta(seconds=sessions.TOUCH_EVERY)
    rows = [
        SessionRow(
            pk=view.row.pk,
            device=device_label(view.row.user_agent),
            address=view.row.ip_address or "",
            signed_in=view.row.created_at,
            last_seen=view.row.last_seen_at,
            current=view.current,
            recent=view.row.last_seen_at >= a_minute_ago,
        )
        for view in sessions.sessions_of(user, request.session.session_key)
    ]
    others = sum(1 for row in rows if not row.current)
    return render(request, "accounts/sessions.html", {"sessions": rows, "others": others})


@login_required
@require_POST
def sign_out_session(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign out one session; this device's own signs you out here and now."""
    user = signed_in_user(request)
    row = SignedInSession.objects.filter(pk=pk, user=user).first() if pk <= MAX_ID else None
    if row is None:
        raise Http404(_("No such session of yours: it may have been signed out already."))
    if row.session_key == request.session.session_key:
        logout(request)
        return redirect("accounts:login")
    sessions.revoke(user, row)
    messages.success(request, _("That session is signed out."))
    return redirect(reverse("accounts:sessions"))


@login_required
@require_POST
def sign_out_others(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    count = sessions.revoke_others(user, request.session.session_key)
    if count:
        text = ngettext(
            "Signed out %(count)d other session.",
            "Signed out %(count)d other sessions.",
            count,
        ) % {"count": count}
    else:
        text = _("You were not signed in anywhere else.")
    messages.success(request, text)
    return redirect(reverse("accounts:sessions"))


urlpatterns: list[URLPattern] = [
    path("sessions/", sessions_page, name="sessions"),
    path("sessions/<int:pk>/sign-out/", sign_out_session, name="session_sign_out"),
    path("sessions/sign-out-others/", sign_out_others, name="sessions_sign_out_others"),
]
