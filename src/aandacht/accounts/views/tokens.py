"""Personal access tokens on the account page: the list, creating one, revoking one.

A new token's secret is shown exactly once: the create POST keeps it in the session and
redirects (Post/Redirect/Get), and the next GET takes it out again, so a refresh neither
creates a second token nor shows the secret twice. Another user's token is a 404.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aandacht.accounts import tokens
from aandacht.accounts.models import AccessToken
from aandacht.accounts.token_forms import TokenForm
from aandacht.web.access import MAX_ID, signed_in_user

SHOW_ONCE = "aandacht_new_token"  # session key: the secret to show once, and its token's id
# The secret waits in the session only for the redirect that follows; one left behind (the
# tab closed before the redirect) is not shown any more after this long.
SHOW_ONCE_SECONDS = 10 * 60


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens and the form for a new one; POST creates it."""
    user = signed_in_user(request)
    if request.method == "POST":
        form = TokenForm(user, request.POST)
        if form.is_valid():
            try:
                new = tokens.create_token(
                    user,
                    form.cleaned_data["name"],
                    form.cleaned_data["scope"],
                    form.chosen_vault(),
                )
            except tokens.TokenRefused as refused:
                form.add_error(None, str(refused))
            else:
                request.session[SHOW_ONCE] = {
                    "id": new.token.pk,
                    "secret": new.secret,
                    "at": time.time(),
                }
                return redirect(reverse("accounts:tokens") + "#new-token")
        status = 400
    else:
        form = TokenForm(user)
        status = 200
    shown = request.session.pop(SHOW_ONCE, None)
    all_tokens = list(tokens.tokens_of(user))
    new_token = None
    if isinstance(shown, dict) and time.time() - shown.get("at", 0) < SHOW_ONCE_SECONDS:
        new_token = next(
            (t for t in all_tokens if t.pk == shown.get("id") and t.revoked_at is None), None
        )
    context = {
        "form": form,
        "live": [t for t in all_tokens if t.revoked_at is None],
        "revoked": [t for t in all_tokens if t.revoked_at is not None],
        "new_token": new_token,
        "secret": shown.get("secret") if new_token is not None else None,
        "api_url": request.build_absolute_uri("/api/"),
    }
    return render(request, "accounts/tokens.html", context, status=status)


def _own_token(request: HttpRequest, pk: int) -> AccessToken:
    if pk > MAX_ID:
        raise Http404("no such token")
    try:
        return tokens.token_of(signed_in_user(request), pk)
    except AccessToken.DoesNotExist:
        raise Http404("no such token") from None


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST revokes (again is fine: it stays revoked since the first)."""
    token = _own_token(request, pk)
    if request.method == "POST":
        if token.revoked_at is not None:
            messages.info(
                request, _("The token “%(name)s” was already revoked.") % {"name": token.name}
            )
        else:
            tokens.revoke_token_of(signed_in_user(request), token.pk)
            messages.success(
                request,
                _("The token “%(name)s” is revoked; it no longer lets anything in.")
                % {"name": token.name},
            )
        return redirect("accounts:tokens")
    return render(request, "accounts/tokens_revoke.html", {"token": token})


urlpatterns: list[URLPattern] = [
    path("tokens/", token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_revoke, name="token_revoke"),
]
