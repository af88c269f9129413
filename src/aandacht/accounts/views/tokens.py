"""Personal access tokens on the account page: the list, creating one, revoking one.

A new token's secret is shown exactly once, in the answer to the POST that created it (never
cached: ``Cache-Control: no-store``); it is never stored, not even in the session. A refresh
of that answer sends the POST again: the form carries a random ``once`` value, remembered in
the session as used when a token was made from it, so the repeat creates nothing and says the
secret was shown once. Another user's token is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aandacht.accounts import tokens
from aandacht.accounts.models import AccessToken, TokenScope
from aandacht.accounts.token_forms import TokenForm
from aandacht.web.access import MAX_ID, signed_in_user

USED_FORMS = "aandacht_token_forms_used"  # session key: ``once`` values a token was made from
USED_FORMS_KEPT = 20
# Before the secret was shown in the POST's answer it waited in the session under this key;
# a leftover from then is dropped on the next visit.
OLD_SHOW_ONCE = "aandacht_new_token"


def _used_forms(request: HttpRequest) -> list[str]:
    used = request.session.get(USED_FORMS)
    return [str(value) for value in used] if isinstance(used, list) else []


def _remember_used(request: HttpRequest, once: str) -> None:
    request.session[USED_FORMS] = [*_used_forms(request), once][-USED_FORMS_KEPT:]


def prefill(request: HttpRequest) -> dict[str, str]:
    """``?name=…&scope=…`` fills in the new-token form (the phone page links here so);
    a value the form would refuse is left out rather than shown."""
    initial: dict[str, str] = {}
    name = request.GET.get("name", "").strip()
    if name and len(name) <= tokens.NAME_MAX:
        initial["name"] = name
    scope = request.GET.get("scope", "")
    if scope in TokenScope.values:
        initial["scope"] = scope
    return initial


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's tokens and the form for a new one; POST creates it and shows its secret."""
    user = signed_in_user(request)
    request.session.pop(OLD_SHOW_ONCE, None)
    if request.method != "POST":
        return _page(request, TokenForm(user, initial=prefill(request)))
    once = request.POST.get("once", "")
    if once and once in _used_forms(request):
        # A refresh (or a second click) sending the same form again: nothing new.
        return _page(request, TokenForm(user), status=409, repeated=True)
    form = TokenForm(user, request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        new = tokens.create_token(
            user, form.cleaned_data["name"], form.cleaned_data["scope"], form.chosen_vault()
        )
    except tokens.TokenRefused as refused:
        form.add_error(None, str(refused))
        return _page(request, form, status=400)
    _remember_used(request, form.cleaned_data["once"])
    return _page(request, TokenForm(user), new_token=new.token, secret=new.secret)


def _page(
    request: HttpRequest,
    form: TokenForm,
    *,
    status: int = 200,
    new_token: AccessToken | None = None,
    secret: str | None = None,
    repeated: bool = False,
) -> HttpResponse:
    all_tokens = list(tokens.tokens_of(signed_in_user(request)))
    context: dict[str, Any] = {
        "form": form,
        "live": [t for t in all_tokens if t.revoked_at is None],
        "revoked": [t for t in all_tokens if t.revoked_at is not None],
        "new_token": new_token,
        "secret": secret,
        "repeated": repeated,
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
