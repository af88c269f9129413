"""Check-in rounds: choosing the group, the three steps per person, pausing and finishing.

The views, the demo and the tests all go through these functions; each write is one
transaction and safe to repeat (a second start with the same token, adding someone twice or
marking a done step done again changes nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.people import directory
from aandacht.people.models import Person, Tag
from aandacht.rounds import core
from aandacht.rounds.models import (
    STEP_ORDER,
    CheckIn,
    CheckInRound,
    CheckInStep,
    RoundStatus,
    StepKind,
)
from aandacht.timeline.models import Interaction, InteractionKind, Outcome
from aandacht.timeline.services import log_interaction

NAME_MAX = 120
REASON_MAX = 1000
NOTE_MAX = 2000
GROUP_MAX = 300  # a round is personal work; a search looks this far down its ranking
# How an empathy step may also be logged as a conversation (keep in touch notices those).
LOG_KINDS = (
    InteractionKind.CALL,
    InteractionKind.MEETING,
    InteractionKind.VIDEO,
    InteractionKind.MESSAGE,
)
PERSON_FIELDS = ("id", "vault_id", "sort_key", "archived", "deceased", "trashed_at", "photo")


class RoundProblem(ValueError):
    """Input a round cannot take; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Choosing the group --------


def group_people(vault: Vault, *, tag: Tag | None = None, query: str = "") -> list[Person]:
    """Who a round over ``tag`` and/or ``query`` takes in, in name order.

    Never people in the trash, archived or deceased: a round is for people you can reach.
    With both a tag and a search, only the tagged people that match.
    """
    if tag is not None and tag.vault_id != vault.pk:
        raise RoundProblem(_("Choose one of your tags."), "tag")
    query = query.strip()
    if query:
        found = directory.search(vault, query, tag=tag, limit=GROUP_MAX)
        people = [person for person in found if not person.deceased and not person.archived]
        people.sort(key=lambda person: (person.sort_key, person.pk))
        return people
    if tag is None:
        raise RoundProblem(_("Choose a tag or type a search to choose the people."), "tag")
    listed = directory.listed_people(vault, tag=tag).filter(deceased=False)
    return list(listed.only(*directory.ROW_FIELDS).order_by("sort_key", "id")[:GROUP_MAX])


def chosen_by(tag: Tag | None, query: str) -> str:
    """How the group was chosen, in words, kept on the round for looking back."""
    parts = []
    if tag is not None:
        parts.append(_("tag: %(tag)s") % {"tag": tag.name})
    if query.strip():
        parts.append(_("search: %(query)s") % {"query": query.strip()})
    return " · ".join(parts)[:200]


# --- Starting a round and changing who is in it --------


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise RoundProblem(_("Give the round a name."), "name")
    if len(cleaned) > NAME_MAX:
        raise RoundProblem(
            _("Keep the name under %(max)d characters.") % {"max": NAME_MAX + 1}, "name"
        )
    return cleaned


def _reachable(vault: Vault, people: Iterable[Person]) -> list[Person]:
    """The given people that may be in a round of ``vault`` (fresh from the database)."""
    ids = {person.pk for person in people}
    rows = Person.objects.in_vault(vault).reachable().filter(pk__in=ids)
    return list(rows.only(*PERSON_FIELDS))


def _add_check_ins(round_: CheckInRound, people: list[Person]) -> None:
    """Check-ins (three open steps each) for those of ``people`` not in the round yet.

    Safe when another request adds the same people at the same time: conflicting check-ins
    are skipped by the database, and only the check-ins this call made (those without steps
    yet) get steps, themselves skipped on a conflict, so nobody ends up with six or none.
    """
    wanted = {person.pk for person in people}
    if not wanted:
        return
    CheckIn.objects.bulk_create(
        [CheckIn(round=round_, person_id=person_id) for person_id in sorted(wanted)],
        ignore_conflicts=True,
    )
    stepless = CheckIn.objects.filter(
        round=round_, person_id__in=wanted, steps__isnull=True
    ).values_list("id", flat=True)
    CheckInStep.objects.bulk_create(
        [
            CheckInStep(check_in_id=check_in_id, kind=kind)
            for check_in_id in stepless
            for kind in STEP_ORDER
        ],
        ignore_conflicts=True,
    )


def start_round(
    vault: Vault,
    name: str,
    people: Iterable[Person],
    *,
    reason: str = "",
    chosen: str = "",
    author: User | None = None,
    token: str = "",
) -> tuple[CheckInRound, bool]:
    """A new active round over ``people`` with three open steps each; ``(round, created)``.

    A start carrying a ``token`` already used in this vault returns that round unchanged, so
    a double submit makes one round. Trashed, archived and deceased people are left out.
    """
    cleaned = _clean_name(name)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise RoundProblem(
            _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX + 1}, "reason"
        )
    token = token[:32]
    if token:
        existing = CheckInRound.objects.filter(vault=vault, token=token).first()
        if existing is not None:
            return existing, False
    members = _reachable(vault, people)
    if not members:
        raise RoundProblem(_("Leave at least one person in the round."), "people")
    try:
        with transaction.atomic():
            round_ = CheckInRound.objects.create(
                vault=vault,
                name=cleaned,
                reason=reason,
                chosen_by=chosen[:200],
                author=author,
                token=token,
            )
            _add_check_ins(round_, members)
    except IntegrityError:
        # Two copies of one submit raced; the other one made the round.
        existing = CheckInRound.objects.filter(vault=vault, token=token).first() if token else None
        if existing is None:
            raise
        return existing, False
    return round_, True


def _require_active(round_: CheckInRound) -> None:
    """Who is in a round changes only while it is active (paused and finished are read-only)."""
    if round_.status == RoundStatus.PAUSED:
        raise RoundProblem(_("This round is paused; resume it to add or leave out people."))
    if round_.status == RoundStatus.FINISHED:
        raise RoundProblem(_("A finished round cannot change; reopen it first."))


@transaction.atomic
def add_person(round_: CheckInRound, person: Person) -> CheckIn:
    """Put someone in a round (with three open steps); someone already in it stays as is.

    Only while the round is active.
    """
    _require_active(round_)
    if not _reachable(round_.vault, [person]):
        raise RoundProblem(_("Only people you can reach can join a round."), "person")
    _add_check_ins(round_, [person])
    return CheckIn.objects.get(round=round_, person=person)


@transaction.atomic
def remove_person(round_: CheckInRound, person: Person) -> bool:
    """Take someone out of a round, with their steps; False when they were not in it.

    Only while the round is active; the board asks first when there is work to lose
    (:func:`work_to_lose`).
    """
    _require_active(round_)
    deleted, _rows = CheckIn.objects.filter(round=round_, person=person).delete()
    return deleted > 0


@dataclass(frozen=True)
class WorkToLose:
    """What leaving someone out of a round throws away: their done steps and notes."""

    steps_done: int
    notes: int

    def __bool__(self) -> bool:
        return bool(self.steps_done or self.notes)


def work_to_lose(check_in: CheckIn) -> WorkToLose:
    """The done steps and written notes of one check-in (one query)."""
    counts = CheckInStep.objects.filter(check_in=check_in).aggregate(
        done=Count("id", filter=Q(done_at__isnull=False)),
        notes=Count("id", filter=~Q(note="")),
    )
    return WorkToLose(int(counts["done"] or 0), int(counts["notes"] or 0))


# --- The steps --------


@dataclass(frozen=True)
class StepChange:
    step: CheckInStep
    interaction: Interaction | None = None


def conversation_summary(round_: CheckInRound) -> str:
    """The summary of the conversation an empathy step logs; it points at the step rather
    than repeating its note, so the timeline does not show the same text twice."""
    return _("Check-in round “%(name)s”: asked how they are really doing.") % {"name": round_.name}


def set_step(
    step: CheckInStep,
    *,
    note: str | None = None,
    done: bool | None = None,
    by: User | None = None,
    log_as: str = "",
    now: dt.datetime | None = None,
) -> StepChange:
    """Change a step's note and/or done state; ``None`` leaves that part as it is.

    Only an active round takes changes. Marking a done step done again keeps its first time
    (so a repeated POST changes nothing). ``log_as`` (call, meeting, video or message) also
    logs the empathy step as a conversation, when it is being marked done just now.
    """
    with transaction.atomic():
        locked = (
            CheckInStep.objects.select_for_update()
            .select_related("check_in__round__vault", "check_in__person")
            .get(pk=step.pk)
        )
        round_ = locked.check_in.round
        if round_.status != RoundStatus.ACTIVE:
            raise RoundProblem(_("This round is not active; resume it to change its steps."))
        if note is not None:
            cleaned = note.strip()
            if len(cleaned) > NOTE_MAX:
                raise RoundProblem(
                    _("Keep the note under %(max)d characters.") % {"max": NOTE_MAX + 1}, "note"
                )
            locked.note = cleaned
        if log_as and log_as not in LOG_KINDS:
            raise RoundProblem(_("Choose a call, meeting, video call or message."), "log_kind")
        newly_done = done is True and locked.done_at is None
        logged: Interaction | None = None
        if newly_done:
            locked.done_at = now or timezone.now()
            locked.done_by = by
        elif done is False and locked.done_at is not None:
            locked.done_at = None
            locked.done_by = None
            if locked.interaction_id is not None:
                # Undone: the conversation it logged goes too (the attention signals then
                # recompute the person's last contacts), so marking it done again with a call
                # logs one call, not two.
                Interaction.objects.filter(pk=locked.interaction_id).delete()
                locked.interaction = None
        if newly_done and locked.kind == StepKind.EMPATHY and not locked.note:
            # The empathy step is what they said; done without it, the timeline and the
            # summary would show an empty entry.
            raise RoundProblem(
                _("Write down what they said before marking this step done."), "note"
            )
        wants_log = newly_done and log_as and locked.kind == StepKind.EMPATHY
        if wants_log and locked.interaction_id is None:
            logged = log_interaction(
                round_.vault,
                [locked.check_in.person],
                log_as,
                outcome=Outcome.CONVERSATION,
                occurred_at=locked.done_at,
                initiated_by="me",
                # Short and referential: the note itself is on the timeline with the step.
                summary=conversation_summary(round_),
                author=by,
            )
            locked.interaction = logged
        locked.save()
    return StepChange(locked, logged)


# --- Pausing, finishing, reopening --------


def _set_status(
    round_: CheckInRound, status: str, *, allowed_from: set[str], refused: str
) -> CheckInRound:
    """Move the round to ``status``; ``refused`` is the whole sentence said when it cannot
    (one per transition: status names dropped into a sentence do not inflect in Dutch)."""
    if round_.status == status:
        return round_
    if round_.status not in allowed_from:
        raise RoundProblem(refused)
    round_.status = status
    round_.finished_at = timezone.now() if status == RoundStatus.FINISHED else None
    round_.save(update_fields=["status", "finished_at"])
    return round_


def pause_round(round_: CheckInRound) -> CheckInRound:
    return _set_status(
        round_,
        RoundStatus.PAUSED,
        allowed_from={RoundStatus.ACTIVE},
        refused=_("A finished round cannot be paused; reopen it first."),
    )


def resume_round(round_: CheckInRound) -> CheckInRound:
    return _set_status(
        round_,
        RoundStatus.ACTIVE,
        allowed_from={RoundStatus.PAUSED},
        refused=_("A finished round cannot be resumed; reopen it instead."),
    )


def finish_round(round_: CheckInRound) -> CheckInRound:
    """Done with it: the round becomes read-only, its page a summary to look back on."""
    return _set_status(
        round_,
        RoundStatus.FINISHED,
        allowed_from={RoundStatus.ACTIVE, RoundStatus.PAUSED},
        refused=_("This round cannot be finished."),  # only said if a new status appears
    )


def reopen_round(round_: CheckInRound) -> CheckInRound:
    return _set_status(
        round_,
        RoundStatus.ACTIVE,
        allowed_from={RoundStatus.FINISHED},
        refused=_("A paused round is not finished; resume it instead."),
    )


STATUS_ACTIONS = {
    "pause": pause_round,
    "resume": resume_round,
    "finish": finish_round,
    "reopen": reopen_round,
}


# --- Reading: the board, the list, the person page --------


@dataclass(frozen=True)
class BoardRow:
    """One person in a round: their check-in and its steps in the order they are taken."""

    check_in: CheckIn
    steps: list[CheckInStep]

    @property
    def person(self) -> Person:
        return self.check_in.person

    @property
    def flags(self) -> list[bool]:
        return [step.done_at is not None for step in self.steps]

    @property
    def done_count(self) -> int:
        return sum(self.flags)

    @property
    def to_do(self) -> bool:
        return core.still_to_do(self.flags)

    @property
    def next_step_id(self) -> int | None:
        """The first open step in order: the one the board shows expanded."""
        return next((step.pk for step in self.steps if step.done_at is None), None)


@dataclass(frozen=True)
class Board:
    round: CheckInRound
    rows: list[BoardRow]
    progress: core.Progress


def _ordered(steps: Iterable[CheckInStep]) -> list[CheckInStep]:
    rank = {kind: position for position, kind in enumerate(STEP_ORDER)}
    return sorted(steps, key=lambda step: rank.get(step.kind, len(rank)))


def board_rows(round_: CheckInRound, *, check_in_id: int | None = None) -> list[BoardRow]:
    """Everyone in the round with their steps: two queries however many people."""
    check_ins = (
        CheckIn.objects.filter(round=round_)
        .select_related("person")
        .prefetch_related(Prefetch("steps", queryset=CheckInStep.objects.select_related("done_by")))
        .order_by("person__sort_key", "person_id")
    )
    if check_in_id is not None:
        check_ins = check_ins.filter(pk=check_in_id)
    return [BoardRow(check_in, _ordered(check_in.steps.all())) for check_in in check_ins]


def board(round_: CheckInRound, *, to_do_only: bool = False) -> Board:
    """The board of a round; the counts are of everyone, the rows filtered when asked."""
    rows = board_rows(round_)
    counted = core.progress(row.flags for row in rows)
    shown = [row for row in rows if row.to_do] if to_do_only else rows
    return Board(round_, shown, counted)


def progress_of(round_: CheckInRound) -> core.Progress:
    """The counts alone (one query), for a board row swapped in place."""
    counts = (
        CheckIn.objects.filter(round=round_)
        .annotate(total=Count("steps"), done=Count("steps", filter=Q(steps__done_at__isnull=False)))
        .values_list("total", "done")
    )
    return core.progress([True] * done + [False] * (total - done) for total, done in counts)


@dataclass(frozen=True)
class RoundRow:
    round: CheckInRound
    progress: core.Progress


def rounds_of(vault: Vault) -> dict[str, list[RoundRow]]:
    """The vault's rounds by status (active, paused, finished), newest first; one query."""
    steps_done = Count("check_ins__steps", filter=Q(check_ins__steps__done_at__isnull=False))
    fully_done = (
        CheckIn.objects.filter(round=OuterRef("pk"))
        .exclude(steps__done_at__isnull=True)
        .order_by()
        .values("round")
        .annotate(count=Count("id"))
        .values("count")
    )
    rounds = (
        CheckInRound.objects.filter(vault=vault)
        .annotate(
            people=Count("check_ins", distinct=True),
            steps_total=Count("check_ins__steps"),
            steps_done=steps_done,
            people_done=Coalesce(Subquery(fully_done), 0),
        )
        .order_by("-created_at", "-id")
    )
    grouped: dict[str, list[RoundRow]] = {status: [] for status in RoundStatus.values}
    for round_ in rounds:
        counted = core.Progress(
            int(getattr(round_, "people_done", 0)),
            int(getattr(round_, "people", 0)),
            int(getattr(round_, "steps_done", 0)),
            int(getattr(round_, "steps_total", 0)),
        )
        grouped.setdefault(round_.status, []).append(RoundRow(round_, counted))
    return grouped


@dataclass(frozen=True)
class PersonRound:
    """A round someone is in, for the line on their page."""

    round_id: int
    name: str
    steps_done: int


def active_rounds_for(person: Person) -> list[PersonRound]:
    """The active rounds ``person`` is in, with their steps done; one query."""
    check_ins = (
        CheckIn.objects.filter(
            person=person,
            round__status=RoundStatus.ACTIVE,
            round__vault_id=person.vault_id,
        )
        .annotate(done=Count("steps", filter=Q(steps__done_at__isnull=False)))
        .values_list("round_id", "round__name", "done")
        .order_by("-round__created_at", "-round_id")
    )
    return [PersonRound(pk, name, int(done)) for pk, name, done in check_ins]
