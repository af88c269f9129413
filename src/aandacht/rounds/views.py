"""Check-in rounds on the web: the list, starting one (with a preview), the board, a summary.

Every form works as a plain POST followed by a redirect back to the same place on the board;
with htmx a step's form swaps only that person's card (and the counts) in place. Viewers read;
their writes are a 403. Another vault's round, check-in or step (also a step of another round
named in the URL) is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aandacht.people import directory
from aandacht.people.models import Person, Tag
from aandacht.rounds import services
from aandacht.rounds.forms import RoundForm, StepForm, new_token
from aandacht.rounds.models import CheckIn, CheckInRound, CheckInStep, RoundStatus, StepKind
from aandacht.web.access import (
    HtmxHttpRequest,
    can_write,
    current_vault,
    object_in_vault,
    positive_id,
    require_writer,
    signed_in_user,
)

ADD_RESULTS = 8


def round_for(request: HttpRequest, pk: int, *, write: bool = False) -> CheckInRound:
    """A round of one of the user's vaults (404 otherwise); ``write`` needs owner or editor."""
    rounds = CheckInRound.objects.select_related("author")
    return object_in_vault(request, rounds, pk, write=write)


def board_url(round_: CheckInRound, *, to_do: bool = False, anchor: str = "") -> str:
    url = reverse("rounds:board", args=[round_.pk])
    if to_do:
        url += "?" + urlencode({"todo": "1"})
    return url + (f"#{anchor}" if anchor else "")


# --- The list --------


@require_GET
@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """Active, paused and finished rounds of the current vault, newest first."""
    vault = current_vault(request)
    grouped = services.rounds_of(vault)
    context = {
        "vault": vault,
        "active": grouped[RoundStatus.ACTIVE],
        "paused": grouped[RoundStatus.PAUSED],
        "finished": grouped[RoundStatus.FINISHED],
        "can_write": can_write(signed_in_user(request), vault),
    }
    return render(request, "rounds/list.html", context)


# --- Starting a round --------


def _group_of(form: RoundForm, vault: Any) -> list[Person] | None:
    """The people the valid form's tag/search choose, or None with the error on its field."""
    tag: Tag | None = form.cleaned_data.get("tag")
    query: str = form.cleaned_data.get("q", "")
    try:
        people = services.group_people(vault, tag=tag, query=query)
    except services.RoundProblem as problem:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        return None
    if not people:
        if query.strip():
            message = _("No one you can reach matches “%(query)s”.") % {"query": query.strip()}
            form.add_error("q", message)
        else:
            form.add_error(
                "tag",
                _("No one you can reach has the tag “%(tag)s”.") % {"tag": tag.name if tag else ""},
            )
        return None
    return people


@require_http_methods(["GET", "POST"])
@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    """Choose the group and see who is in it (GET), then start the round (POST).

    The preview lists everyone the tag or search finds, each with a ticked box; untick to
    leave someone out. The start form carries a one-time token: a double submit makes one
    round and lands on its board.
    """
    user = signed_in_user(request)
    vault = current_vault(request)
    require_writer(user, vault)
    context: dict[str, Any] = {"vault": vault}
    if request.method == "POST":
        form = RoundForm(request.POST, vault=vault)
        people = _group_of(form, vault) if form.is_valid() else None
        if people is not None:
            picked = (positive_id(raw) for raw in request.POST.getlist("person"))
            kept = {person_id for person_id in picked if person_id is not None}
            chosen = [person for person in people if person.pk in kept]
            data = form.cleaned_data
            try:
                round_, created = services.start_round(
                    vault,
                    data["name"],
                    chosen,
                    reason=data["reason"],
                    chosen=services.chosen_by(data["tag"], data["q"]),
                    author=user,
                    token=request.POST.get("token", "")[:32],
                )
            except services.RoundProblem as problem:
                context["people_error"] = problem.message
                context["kept"] = kept
            else:
                if created:
                    count = round_.check_ins.count()
                    messages.success(
                        request,
                        ngettext(
                            "Round “%(name)s” started with %(count)d person.",
                            "Round “%(name)s” started with %(count)d people.",
                            count,
                        )
                        % {"name": round_.name, "count": count},
                    )
                return redirect(board_url(round_))
        context.update(form=form, people=people, token=request.POST.get("token") or new_token())
        return render(request, "rounds/new.html", context)
    wanted = any(key in request.GET for key in ("name", "tag", "q"))
    form = RoundForm(request.GET if wanted else None, vault=vault)
    people = _group_of(form, vault) if wanted and form.is_valid() else None
    context.update(form=form, people=people, token=new_token())
    return render(request, "rounds/new.html", context)


# --- The board and the summary --------


def _board_context(
    request: HttpRequest, round_: CheckInRound, *, to_do: bool, errors: dict[int, Any] | None = None
) -> dict[str, Any]:
    writer = can_write(signed_in_user(request), round_.vault)
    context: dict[str, Any] = {
        "round": round_,
        "board": services.board(round_, to_do_only=to_do),
        "to_do": to_do,
        "can_write": writer,
        "editable": writer and round_.status == RoundStatus.ACTIVE,
        "errors": errors or {},
        "StepKind": StepKind,
    }
    add_query = request.GET.get("add", "").strip()[:200]
    if context["editable"] and add_query:
        present = set(round_.check_ins.values_list("person_id", flat=True))
        found = directory.search(round_.vault, add_query, limit=ADD_RESULTS * 2)
        context["add_query"] = add_query
        context["add_results"] = [
            person for person in found if person.pk not in present and not person.deceased
        ][:ADD_RESULTS]
    return context


@require_GET
@login_required
def round_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The board: everyone's three steps; a finished round shows its summary instead."""
    round_ = round_for(request, pk)
    if round_.status == RoundStatus.FINISHED:
        return round_summary(request, pk)
    to_do = request.GET.get("todo") == "1"
    return render(request, "rounds/board.html", _board_context(request, round_, to_do=to_do))


@require_GET
@login_required
def round_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """What was done for whom, read-only and printable."""
    round_ = round_for(request, pk)
    context = {
        "round": round_,
        "board": services.board(round_),
        "can_write": can_write(signed_in_user(request), round_.vault),
    }
    return render(request, "rounds/summary.html", context)


# --- Changing a step --------


def _step_of(round_: CheckInRound, step_pk: int) -> CheckInStep:
    step = CheckInStep.objects.filter(pk=step_pk, check_in__round=round_).first()
    if step is None:
        raise Http404("no such step in this round")
    return step


@require_POST
@login_required
def step_update(request: HtmxHttpRequest, pk: int, step_pk: int) -> HttpResponse:
    """Save a step's note and/or mark it done or not done; back to the same place."""
    round_ = round_for(request, pk, write=True)
    step = _step_of(round_, step_pk)
    to_do = request.POST.get("todo") == "1"
    form = StepForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.set_step(
                step,
                note=form.cleaned_data["note"],
                done=form.done_value(),
                by=signed_in_user(request),
                log_as=form.log_as() if step.kind == StepKind.EMPATHY else "",
            )
        except services.RoundProblem as problem:
            error = problem.message
    else:
        error = " ".join(
            str(message) for messages_ in form.errors.values() for message in messages_
        )
    errors = {step.pk: {"message": error, "note": request.POST.get("note", "")}} if error else {}
    anchor = f"check-in-{step.check_in_id}"
    if request.htmx:
        rows = services.board_rows(round_, check_in_id=step.check_in_id)
        context = {
            "round": round_,
            "row": rows[0],
            "to_do": to_do,
            "can_write": True,
            "editable": round_.status == RoundStatus.ACTIVE,
            "errors": errors,
            "progress": services.progress_of(round_),
            "oob": True,
        }
        return render(request, "rounds/board.html#check_in_and_progress", context)
    if error:
        context = _board_context(request, round_, to_do=to_do, errors=errors)
        return render(request, "rounds/board.html", context, status=400)
    return redirect(board_url(round_, to_do=to_do, anchor=anchor))


# --- Status, and who is in the round --------


@require_POST
@login_required
def round_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Pause, resume, finish or reopen; asking for the state it is already in changes nothing."""
    round_ = round_for(request, pk, write=True)
    action = services.STATUS_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest(_("Unknown action."))
    try:
        action(round_)
    except services.RoundProblem as problem:
        messages.error(request, problem.message)
    return redirect(board_url(round_))


@require_POST
@login_required
def person_remove(request: HttpRequest, pk: int, check_in_pk: int) -> HttpResponse:
    """Leave someone out (active rounds only). When their steps hold work (a done step, a
    note), the first POST shows what would be lost and asks; ``confirm=1`` removes."""
    round_ = round_for(request, pk, write=True)
    check_in = CheckIn.objects.select_related("person").filter(pk=check_in_pk, round=round_).first()
    if check_in is None:
        raise Http404("no such check-in in this round")
    if round_.status != RoundStatus.ACTIVE:
        try:
            services.remove_person(round_, check_in.person)  # refuses: says why
        except services.RoundProblem as problem:
            messages.error(request, problem.message)
        return redirect(board_url(round_))
    if request.POST.get("confirm") != "1":
        lost = services.work_to_lose(check_in)
        if lost:
            context = {"round": round_, "check_in": check_in, "lost": lost}
            return render(request, "rounds/remove_confirm.html", context)
    services.remove_person(round_, check_in.person)
    messages.success(
        request, _("%(name)s is no longer in this round.") % {"name": check_in.person.name}
    )
    return redirect(board_url(round_))


@require_POST
@login_required
def person_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk, write=True)
    person_id = positive_id(request.POST.get("person", ""))
    person = (
        None
        if person_id is None
        else Person.objects.in_vault(round_.vault).filter(pk=person_id).first()
    )
    if person is None:
        raise Http404("no such person")
    try:
        check_in = services.add_person(round_, person)
    except services.RoundProblem as problem:
        messages.error(request, problem.message)
        return redirect(board_url(round_))
    messages.success(request, _("%(name)s is in the round.") % {"name": person.name})
    return redirect(board_url(round_, anchor=f"check-in-{check_in.pk}"))
