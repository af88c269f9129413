"""Card season's pages: the list (with the person picker and the history), the writing page
with its memory aid, the printable PDF, and the small POST actions (add, remove, sent, unsent).

Every form is a plain POST followed by a redirect, so all of it works without JavaScript.
Writers have their own list; a viewer sees theirs read-only and gets a 403 on every write;
another vault's person is a 404, and so is a year that has no card to show. "This year" is the
user's own (their time zone), like the agenda's "today". A change to an earlier year's card is
answered with a message, not a 404: the page may simply have been open over New Year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aandacht.accounts.models import Vault
from aandacht.cards import pdf, ranking, services
from aandacht.cards.forms import CardTextForm, SearchForm, SizeForm
from aandacht.cards.models import CardStatus
from aandacht.people.models import Person
from aandacht.web.access import (
    can_write,
    current_vault,
    person_for,
    require_writer,
    signed_in_user,
)


def season_url(vault: Vault, anchor: str = "") -> str:
    url = f"{reverse('cards:season')}?{urlencode({'vault': vault.pk})}"
    return f"{url}#{anchor}" if anchor else url


def write_url(year: int, person: Person) -> str:
    return reverse("cards:write", args=[year, person.pk])


def _shown_year(year: int, today: dt.date) -> int:
    """A year that may have cards: from FIRST_YEAR up to the user's current year, else 404."""
    if not services.FIRST_YEAR <= year <= services.season_year(today):
        raise Http404("no cards in that year")
    return year


def _season_over(request: HttpRequest, year: int) -> None:
    messages.error(
        request,
        _(
            "Card season %(year)d is over: no one can be added to or taken off its list, "
            "and its cards can no longer be marked sent."
        )
        % {"year": year},
    )


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# ---------------------------------------------------------------------------------------------
# The list


@require_GET
@login_required
def season_page(request: HttpRequest) -> HttpResponse:
    """This year's list, the person picker (``?q=``) and the history."""
    vault = current_vault(request)
    # A size that was refused comes back here (?size=99) so the error shows next to the
    # field while the address stays the season page's: a reload re-submits nothing.
    size_form = SizeForm(request.GET) if "size" in request.GET else None
    if size_form is not None:
        size_form.is_valid()
    return render(
        request, "cards/season.html", _season_context(request, vault, size_form=size_form)
    )


def _season_context(
    request: HttpRequest, vault: Vault, *, size_form: SizeForm | None = None
) -> dict[str, Any]:
    user = signed_in_user(request)
    writer = can_write(user, vault)
    season = services.season_for(vault, user, services.day_of(user))
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    on_list = [entry.person.pk for entry in season.entries]
    results = services.people_to_add(vault, query, on_list) if writer and query else []
    return {
        "vault": vault,
        "season": season,
        "can_write": writer,
        "size_form": size_form or SizeForm(initial={"size": season.size}),
        "search_form": search,
        "query": query,
        "results": results,
        "min_size": ranking.MIN_SIZE,
        "max_size": ranking.MAX_SIZE,
        "season_url": season_url(vault),
    }


@require_http_methods(["GET", "POST"])
@login_required
def set_size(request: HttpRequest) -> HttpResponse:
    """Change how many cards the list aims at (remembered per user and vault): proposals fill
    the places the user's own people (added, drafted, sent) leave. Always answered with a
    redirect to the season page; a refused size goes along to be shown next to the field."""
    vault = current_vault(request)
    if request.method == "GET":  # a bookmarked or reloaded form address
        return redirect(season_url(vault))
    user = signed_in_user(request)
    require_writer(user, vault)
    form = SizeForm(request.POST)
    if not form.is_valid():
        refused = str(request.POST.get("size", ""))[:20]
        query = urlencode({"vault": str(vault.pk), "size": refused})
        return redirect(f"{reverse('cards:season')}?{query}#season-size")
    services.set_list_size(vault, user, form.cleaned_data["size"])
    season = services.season_for(vault, user, services.day_of(user))
    messages.success(request, season.summary)
    return redirect(season_url(vault))


def _person_action(
    request: HttpRequest, year: int, person_id: int
) -> tuple[Person, HttpResponse | None]:
    """The person (404/403 as for every write) and, when ``year`` is not the user's current
    year, the answer instead of the action: a message and the way to this year's list."""
    person = person_for(request, person_id, write=True)
    today = services.today_for(signed_in_user(request))
    year = _shown_year(year, today)
    if year != services.season_year(today):
        _season_over(request, year)
        return person, redirect(season_url(person.vault))
    return person, None


@require_POST
@login_required
def add(request: HttpRequest, year: int, person_id: int) -> HttpResponse:
    person, refused = _person_action(request, year, person_id)
    if refused is not None:
        return refused
    if person.deceased:
        raise Http404("no cards for someone who died")
    services.add_to_list(person, signed_in_user(request), year)
    messages.success(request, _("%(name)s is on your list.") % {"name": person.name})
    return _back(request, season_url(person.vault, f"person-{person.pk}"))


@require_POST
@login_required
def remove(request: HttpRequest, year: int, person_id: int) -> HttpResponse:
    person, refused = _person_action(request, year, person_id)
    if refused is not None:
        return refused
    try:
        services.remove_from_list(person, signed_in_user(request), year)
    except services.CardProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(
            request,
            _("%(name)s is off the list and will not be proposed again this year.")
            % {"name": person.name},
        )
    return _back(request, season_url(person.vault))


@require_POST
@login_required
def sent(request: HttpRequest, year: int, person_id: int) -> HttpResponse:
    person, refused = _person_action(request, year, person_id)
    if refused is not None:
        return refused
    if person.deceased:
        raise Http404("no cards for someone who died")
    try:
        services.mark_sent(person, signed_in_user(request), year)
    except services.CardProblem as problem:
        messages.error(request, problem.message)
        return _back(request, write_url(year, person))
    messages.success(
        request,
        _("Card to %(name)s marked sent; it is on their timeline.") % {"name": person.name},
    )
    return _back(request, season_url(person.vault, f"person-{person.pk}"))


@require_POST
@login_required
def unsent(request: HttpRequest, year: int, person_id: int) -> HttpResponse:
    person, refused = _person_action(request, year, person_id)
    if refused is not None:
        return refused
    services.mark_unsent(person, signed_in_user(request), year)
    messages.success(
        request, _("Card to %(name)s is no longer marked sent.") % {"name": person.name}
    )
    return _back(request, season_url(person.vault, f"person-{person.pk}"))


# ---------------------------------------------------------------------------------------------
# Writing and printing


@require_http_methods(["GET", "POST"])
@login_required
def write(request: HttpRequest, year: int, person_id: int) -> HttpResponse:
    """The card's text beside the person's moments and strengths; this year's card is written
    here (and last year's unsent one during January), an earlier year's is shown read-only."""
    user = signed_in_user(request)
    person = person_for(request, person_id, write=True)
    today = services.today_for(user)
    year = _shown_year(year, today)
    current = year == services.season_year(today)
    card = services.card_of(person, user, year)
    editable = services.draft_year_open(card, year, today)
    if card is None and not current and request.method != "POST":
        raise Http404("no card that year")
    form = CardTextForm(request.POST or None, initial={"text": card.text if card else ""})
    closed = ""  # why the posted text could not be saved, when it could not
    if request.method == "POST":
        if card is not None and card.status == CardStatus.SENT:
            messages.error(request, _("This card is marked sent; undo that to change it."))
            return redirect(write_url(year, person))
        closed = "" if editable else _season_closed(year)
        if request.headers.get("HX-Request") == "true":
            return _autosave(request, person, year, form, closed)
        if closed:
            # Not a bare 404: the words come back in the box, with the reason beside them.
            form.is_valid()
            form.add_error("text", closed)
        elif form.is_valid():
            try:
                card = services.save_text(person, user, year, form.cleaned_data["text"])
            except services.CardProblem as problem:
                form.add_error("text", problem.message)
            else:
                if services.too_long(card.text, person.name):
                    messages.info(
                        request,
                        _(
                            "Draft saved. It does not fit on one card yet: "
                            "below it says how much to cut."
                        ),
                    )
                else:
                    messages.success(request, _("Draft saved."))
                return redirect(write_url(year, person))
    text = card.text if card else ""
    is_sent = card is not None and card.status == CardStatus.SENT
    return render(
        request,
        "cards/write.html",
        {
            "vault": person.vault,
            "person": person,
            "year": year,
            "card": card,
            "form": form,
            "editable": editable,
            "closed": closed,
            "late": editable and not current,
            "current": current,
            "fit": pdf.fit_of(text, person.name) if text else None,
            "too_long": services.too_long(text, person.name),
            "aid": services.memory_aid(person, user, year),
            "season_url": season_url(person.vault),
            "pdf_url": reverse("cards:pdf", args=[year, person.pk]),
            "is_sent": is_sent,
            "can_unsend": is_sent and current,
        },
    )


def _season_closed(year: int) -> str:
    return _(
        "Card season %(year)d is over, so this draft can no longer be saved. Your text is "
        "still in the box: copy it to keep it."
    ) % {"year": year}


def _autosave(
    request: HttpRequest, person: Person, year: int, form: CardTextForm, closed: str
) -> HttpResponse:
    """htmx saves the draft as the user types: answer with the status line and a fresh preview
    (a problem is shown in the status line; the text stays in the box either way)."""
    context: dict[str, Any] = {
        "pdf_url": reverse("cards:pdf", args=[year, person.pk]),
        "person": person,
        "year": year,
        # "Mark sent" shows on this year's page only (a late draft cannot be sent).
        "send_open": year == services.season_year(services.today_for(signed_in_user(request))),
    }
    if closed:
        context["problem"] = closed
    elif form.is_valid():
        try:
            card = services.save_text(
                person, signed_in_user(request), year, form.cleaned_data["text"]
            )
        except services.CardProblem as problem:
            context["problem"] = problem.message
        else:
            context.update(
                card=card,
                autosaved=True,
                fit=pdf.fit_of(card.text, person.name) if card.text else None,
                too_long=services.too_long(card.text, person.name),
            )
    else:
        context["problem"] = " ".join(str(message) for message in form["text"].errors)
    return render(request, "cards/write_status.html", context)


@require_GET
@login_required
def card_pdf(request: HttpRequest, year: int, person_id: int) -> HttpResponse:
    """The printable A6 card, always one page; ``?download=1`` saves it instead of showing it.
    Only for someone the user has a card for that year (any status: a blank card to write by
    hand is a card too); a text too long for one card is answered with how much to cut."""
    user = signed_in_user(request)
    person = person_for(request, person_id, write=True)
    year = _shown_year(year, services.today_for(user))
    card = services.card_of(person, user, year)
    if card is None:
        raise Http404("no card for this person that year")
    try:
        body = pdf.render(
            person.name, card.text, title=_("A card for %(name)s") % {"name": person.name}
        )
    except pdf.TooLong:
        context = {
            "vault": person.vault,
            "person": person,
            "message": services.too_long(card.text, person.name),
            "write_url": write_url(year, person),
        }
        return render(request, "cards/too_long.html", context, status=409)
    response = HttpResponse(body, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    filename = f"card-{year}-{slugify(person.name) or person.pk}.pdf"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
