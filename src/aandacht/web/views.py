"""The first run (welcome, then demo or empty start) and the home page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from aandacht.accounts.models import Role, Vault
from aandacht.accounts.services import ROLE_PREFERENCE, default_vault, needs_first_run
from aandacht.people.models import NAME_FIELDS, Person
from aandacht.people.search import search_people
from aandacht.web.access import CURRENT_VAULT, HtmxHttpRequest, remember_vault, signed_in_user
from aandacht.web.firstrun import claim_local_owner
from aandacht.web.forms import SearchForm, StartForm, WelcomeForm

RECENT_PEOPLE = 10
SEARCH_LIMIT = 20
JUST_WELCOMED = "aandacht_just_welcomed"  # session key: step 2 follows step 1


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest) -> HttpResponse:
    """Step 1 of the first run: the owner chooses a name and a password."""
    if not needs_first_run():
        return redirect("web:home" if request.user.is_authenticated else "accounts:login")
    form = WelcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        owner = claim_local_owner(
            username=form.cleaned_data["username"],
            first_name=form.cleaned_data["first_name"],
            password=form.cleaned_data["password1"],
        )
        if owner is None:  # someone else finished the first run a moment ago
            return redirect("accounts:login")
        login(request, owner, backend="django.contrib.auth.backends.ModelBackend")
        request.session[JUST_WELCOMED] = True
        return redirect("web:start")
    return render(request, "web/welcome.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Step 2 of the first run: load a demo network into its own vault, or start empty.

    Visited later (from the home page), it only offers the demo.
    """
    user = signed_in_user(request)
    form = StartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request.session.pop(JUST_WELCOMED, None)
        if form.cleaned_data["action"] == StartForm.DEMO:
            from aandacht.demo import load_demo

            demo = load_demo(form.demo_language, owner=user)
            messages.success(
                request,
                _(
                    "The demo network is in its own vault, “%(vault)s”. Look around; "
                    "you can delete that vault whenever you like."
                )
                % {"vault": demo.name},
            )
            return redirect(home_url(demo))
        messages.success(request, _("All set. Your vault is ready for the people who matter."))
        return redirect("web:home")
    first_run = bool(request.session.get(JUST_WELCOMED))
    # Someone who already brought their people in (an import, a restored JSON export) is not
    # offered an empty start any more, only to carry on; someone who has not, also the import.
    has_people = Person.objects.filter(vault__memberships__user=user, vault__is_demo=False).exists()
    import_vault = default_vault(user)
    context = {
        "form": form,
        "first_run": first_run,
        "has_people": has_people,
        "import_url": f"{reverse('exchange:import')}?{urlencode({'vault': import_vault.pk})}",
    }
    return render(request, "web/start.html", context)


def home_url(vault: Vault) -> str:
    return f"{reverse('web:home')}?{urlencode({'vault': vault.pk})}"


def vaults_with_counts(user: User) -> list[Vault]:
    """The user's vaults in the order of :func:`vaults_for`, each with ``people_count``."""
    return list(
        Vault.objects.filter(memberships__user=user)
        .annotate(
            people_count=Count("people", filter=Q(people__trashed_at__isnull=True), distinct=True),
            my_role=F("memberships__role"),
        )
        .order_by("is_demo", "name", "id")
    )


@require_GET
@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The vaults with their sizes, the newest people of one vault, and search."""
    user = signed_in_user(request)
    vaults = vaults_with_counts(user)
    if not vaults:
        default_vault(user)
        vaults = vaults_with_counts(user)
    vault = _home_vault(request, vaults)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    hits = search_people(vault, query, limit=SEARCH_LIMIT) if query else []
    context = {
        "vaults": vaults,
        "vault": vault,
        "form": form,
        "query": query,
        "hits": hits,
        "has_demo": any(each.is_demo for each in vaults),
    }
    if request.htmx.target == "results":
        response = render(request, "web/home.html#results", context)
    else:
        recent = (
            Person.objects.in_vault(vault)
            .only("id", *NAME_FIELDS)
            .order_by("-created_at", "-id")[:RECENT_PEOPLE]
        )
        context["recent"] = list(recent)
        response = render(request, "web/home.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _home_vault(request: HttpRequest, vaults: list[Vault]) -> Vault:
    """Like :func:`current_vault`, but chosen from the vaults already loaded (no query)."""
    by_id = {str(each.pk): each for each in vaults}
    raw = request.GET.get("vault")
    if raw:
        if raw not in by_id:
            raise Http404("no such vault")
        remember_vault(request, by_id[raw].pk)
        return by_id[raw]
    remembered = by_id.get(str(request.session.get(CURRENT_VAULT)))
    if remembered is not None:
        return remembered
    real = [each for each in vaults if not each.is_demo] or vaults

    def preference(each: Vault) -> int:
        role: str = getattr(each, "my_role", Role.VIEWER)
        return ROLE_PREFERENCE.get(Role(role), 3)

    return min(real, key=preference)


class PasswordChange(SuccessMessageMixin[PasswordChangeForm], PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")
    success_message = gettext_lazy("Your password has been changed.")
