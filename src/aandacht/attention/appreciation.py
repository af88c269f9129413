"""Appreciation nudges: now and then, Today suggests telling one person what you value in them.

At most once in ``AgendaSettings.appreciation_every_days`` days (0: never) per user and vault,
the first time that day's agenda is shown, one :class:`AppreciationNudge` is made for the person
``appreciation_core.pick`` ranks first, and it stays on Today until it is handled or the day is
over. Only moments the user may see count (``Moment.objects.visible_to``): someone else's
private strength never shows, nor makes someone a candidate. Your own private strengths do show
to you (marked private), but never go into what "I told them" logs: an interaction has no
privacy of its own, everyone in the vault sees it and it goes into every export. The web page,
``aandacht today`` and the digest all read :func:`suggestion_for`; the actions are :func:`tell`,
:func:`dismiss`, :func:`someone_else` and :func:`undo`, each safe to repeat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from aandacht.accounts.models import Vault
from aandacht.attention import appreciation_core as core
from aandacht.attention import services
from aandacht.attention.models import AgendaSettings, AppreciationNudge, NudgeOutcome
from aandacht.people.models import Person, search_columns
from aandacht.timeline import services as timeline
from aandacht.timeline.models import Initiator, InteractionKind, Moment, MomentKind

# How you told them; the first is the default.
TELL_KINDS = [
    (InteractionKind.MESSAGE, pgettext_lazy("told them by", "Message")),
    (InteractionKind.CALL, pgettext_lazy("told them by", "Call")),
    (InteractionKind.EMAIL, pgettext_lazy("told them by", "Email")),
    (InteractionKind.MEETING, pgettext_lazy("told them by", "Meeting")),
    (InteractionKind.CARD, pgettext_lazy("told them by", "Card")),
]
TELL_KIND_VALUES = frozenset(str(kind) for kind, _label in TELL_KINDS)
WHAT_MAX = 500
STRENGTHS_SHOWN = 5
GRATEFUL_SHOWN = 3
KINDS = (MomentKind.STRENGTH, MomentKind.GRATEFUL)
NO_SUGGESTION = gettext_lazy("There is no suggestion for %(name)s today (any more).")


@dataclass(frozen=True)
class Recorded:
    """One strength or grateful moment on the card; ``private`` ones are the reader's own and
    are marked so, since nothing private may be copied into what is logged."""

    text: str
    private: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass
class Suggestion:
    """Today's nudge as the page shows it: who, what you recorded about them, and why them."""

    nudge: AppreciationNudge
    strengths: list[Recorded] = field(default_factory=list)
    grateful: list[Recorded] = field(default_factory=list)
    reason: str = ""

    @property
    def person(self) -> Person:
        return self.nudge.person

    @property
    def outcome(self) -> str:
        return self.nudge.outcome

    @property
    def is_open(self) -> bool:
        return self.nudge.outcome == NudgeOutcome.OPEN

    @property
    def key(self) -> str:
        return f"appreciation-{self.nudge.pk}"

    @property
    def status(self) -> str:
        """What came of it, for a handled nudge."""
        if self.nudge.outcome == NudgeOutcome.GIVEN:
            return _("you told them what you value")
        if self.nudge.outcome == NudgeOutcome.DISMISSED:
            return _("not now")
        return ""

    @property
    def shareable_strengths(self) -> list[str]:
        """The strengths shown that "I told them" with nothing typed would log."""
        return [strength.text for strength in self.strengths if not strength.private]

    @property
    def has_private_strengths(self) -> bool:
        return len(self.shareable_strengths) < len(self.strengths)

    @property
    def what_placeholder(self) -> str:
        """What an empty "what you told them" logs, said without repeating any private text."""
        if not self.strengths:
            return _("Empty: a general line")
        if not self.shareable_strengths:
            return _("Empty: a general line (private strengths are not copied)")
        if self.has_private_strengths:
            return _("Empty: the strengths above that are not private")
        return _("Empty: the strengths above")


# ---------------------------------------------------------------------------------------------
# Reading


def _reachable(person: Person, vault: Vault) -> bool:
    """``Person.objects.in_vault(vault).reachable()`` and not muted, for one person already
    loaded (with their rhythm): no query."""
    rhythm = getattr(person, "rhythm", None)
    return (
        person.vault_id == vault.pk
        and person.trashed_at is None
        and not person.archived
        and not person.deceased
        and not (rhythm is not None and rhythm.muted)
    )


def candidates(user: User, vault: Vault, day: dt.date) -> list[core.Candidate]:
    """Everyone in ``vault`` with a strength or grateful moment ``user`` may see, with their
    tags, organisation and earlier suggestions: three queries however many people."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Moment.objects.visible_to(user)
        .filter(
            vault=vault,
            kind__in=KINDS,
            person__in=Person.objects.in_vault(vault).reachable(),
        )
        .exclude(person__rhythm__muted=True)
        .values("person_id", "kind")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["person_id"], {})[row["kind"]] = row["count"]
    if not counts:
        return []
    tags: dict[int, set[str]] = {}
    organisation: dict[int, str] = {}
    for pk, org, tag in Person.objects.filter(pk__in=list(counts)).values_list(
        "pk", "organisation", "tags__name"
    ):
        organisation[pk] = org
        if tag:
            tags.setdefault(pk, set()).add(tag)
    offered: dict[int, dt.date] = {}
    given: dict[int, dt.date] = {}
    history = AppreciationNudge.objects.filter(
        user=user,
        vault=vault,
        person_id__in=list(counts),
        offered_on__lt=day,
        offered_on__gte=day - dt.timedelta(days=core.TOLD_RECENTLY_DAYS),
    ).values_list("person_id", "offered_on", "outcome")
    for pk, on, outcome in history:
        offered[pk] = max(on, offered.get(pk, on))
        if outcome == NudgeOutcome.GIVEN:
            given[pk] = max(on, given.get(pk, on))
    return [
        core.Candidate(
            person_id=pk,
            strengths=kinds.get(MomentKind.STRENGTH, 0),
            grateful=kinds.get(MomentKind.GRATEFUL, 0),
            tags=frozenset(tags.get(pk, ())),
            organisation=organisation.get(pk, ""),
            last_offered=offered.get(pk),
            last_given=given.get(pk),
        )
        for pk, kinds in sorted(counts.items())
    ]


def ranking(user: User, vault: Vault, day: dt.date) -> list[core.Ranked]:
    return core.rank(candidates(user, vault, day), day)


def _latest(user: User, vault: Vault, day: dt.date) -> AppreciationNudge | None:
    return (
        AppreciationNudge.objects.filter(user=user, vault=vault, offered_on__lte=day)
        .select_related("person", "person__rhythm", "interaction")
        .defer(*search_columns("person__"))
        .order_by("-offered_on", "-id")
        .first()
    )


def suggestion_for(
    user: User,
    vault: Vault,
    *,
    prefs: AgendaSettings | None = None,
    create: bool = True,
) -> Suggestion | None:
    """Today's suggestion for ``user`` in ``vault``, made now if one is due (with
    ``create=False`` only previewed: an unsaved nudge, nothing written).

    None when the nudge is off, the last one is too recent, nobody qualifies, or today's
    person can no longer be told (trashed, archived, muted…; an open nudge then moves to the
    next person in the ranking). Two queries on a day that already has one, plus one for
    their tags.
    """
    prefs = prefs or services.settings_for(user)
    today = services.local_today(prefs)
    latest = _latest(user, vault, today)
    if latest is not None and latest.offered_on == today:
        return _today(user, vault, latest, today)
    if today.isoweekday() not in prefs.active_weekdays:
        return None
    if not core.is_due(latest.offered_on if latest else None, today, prefs.appreciation_every_days):
        return None
    best = core.pick(candidates(user, vault, today), today)
    if best is None:
        return None
    if not create:
        # A preview (the digest): who it would be, nothing written. The ranking holds all
        # day, so the Today page makes the same suggestion later.
        person = Person.objects.get(pk=best.person_id)
        preview = AppreciationNudge(user=user, vault=vault, person=person, offered_on=today)
        return _described(user, preview)
    try:
        with transaction.atomic():
            nudge, _created = AppreciationNudge.objects.get_or_create(
                user=user,
                vault=vault,
                offered_on=today,
                defaults={"person_id": best.person_id},
            )
    except IntegrityError:  # pragma: no cover - another request made it in between
        nudge = AppreciationNudge.objects.get(user=user, vault=vault, offered_on=today)
    nudge = _latest(user, vault, today) or nudge
    return _today(user, vault, nudge, today)


def _today(
    user: User,
    vault: Vault,
    nudge: AppreciationNudge,
    today: dt.date,
) -> Suggestion | None:
    if _reachable(nudge.person, vault):
        suggestion = _described(user, nudge)
        if suggestion.strengths or suggestion.grateful or not suggestion.is_open:
            return suggestion
    if nudge.outcome != NudgeOutcome.OPEN:
        return None
    # Today's person can no longer be told (or has nothing recorded any more): the next one.
    following = core.next_after(ranking(user, vault, today), nudge.person_id)
    if following is None:
        return None
    AppreciationNudge.objects.filter(pk=nudge.pk, outcome=NudgeOutcome.OPEN).update(
        person_id=following.person_id
    )
    fresh = _latest(user, vault, today)
    if fresh is None or not _reachable(fresh.person, vault):
        return None
    return _described(user, fresh)


def _described(user: User, nudge: AppreciationNudge) -> Suggestion:
    person = nudge.person
    suggestion = Suggestion(nudge=nudge)
    moments = (
        Moment.objects.visible_to(user)
        .filter(person=person, kind__in=KINDS)
        .order_by("-occurred_at", "-id")
        .values_list("kind", "text", "private")[:50]
    )
    for kind, text, private in moments:
        recorded = Recorded(text, private)
        if kind == MomentKind.STRENGTH:
            suggestion.strengths.append(recorded)
        else:
            suggestion.grateful.append(recorded)
    tags = frozenset(person.tags.values_list("name", flat=True))
    candidate = core.Candidate(
        person.pk,
        len(suggestion.strengths),
        len(suggestion.grateful),
        tags,
        person.organisation,
    )
    suggestion.reason = reason_for(candidate)
    suggestion.strengths = suggestion.strengths[:STRENGTHS_SHOWN]
    suggestion.grateful = suggestion.grateful[:GRATEFUL_SHOWN]
    return suggestion


def reason_for(candidate: core.Candidate) -> str:
    """Why this person: "tagged clients · 3 strengths recorded". Only what reads the same on
    every load of the day (the ranking's "not told recently" is left out: it would change
    once today's suggestion counts as recent)."""
    parts: list[str] = []
    work = core.work_of(candidate)
    if work is core.Work.TAGGED:
        tag = sorted(t for t in candidate.tags if core.fold_tag(t) in core.WORK_TAGS)[0]
        parts.append(_("tagged %(tag)s") % {"tag": tag})
    elif work is core.Work.ORGANISATION:
        parts.append(_("at %(organisation)s") % {"organisation": candidate.organisation.strip()})
    if candidate.strengths:
        parts.append(
            ngettext(
                "%(count)d strength recorded", "%(count)d strengths recorded", candidate.strengths
            )
            % {"count": candidate.strengths}
        )
    elif candidate.grateful:
        parts.append(
            ngettext(
                "%(count)d thing you are grateful for",
                "%(count)d things you are grateful for",
                candidate.grateful,
            )
            % {"count": candidate.grateful}
        )
    return " · ".join(parts)


# ---------------------------------------------------------------------------------------------
# Acting


class NoSuggestion(ValueError):
    """The person is not today's suggestion (any more): a stale page or a repeated click."""


def _todays(user: User, person: Person) -> AppreciationNudge:
    """Today's nudge for ``person``, locked until the transaction ends."""
    today = services.local_today(services.settings_for(user))
    nudge = (
        AppreciationNudge.objects.select_for_update()
        .filter(user=user, vault=person.vault, person=person, offered_on=today)
        .first()
    )
    if nudge is None:
        raise NoSuggestion(NO_SUGGESTION % {"name": person.name})
    return nudge


def told_summary(person: Person, what: str) -> str:
    """The interaction's line: what you said you value, else the strengths recorded about them
    that are not private. Everyone in the vault sees an interaction (and exports it), so a
    private strength, even your own, is never copied into it."""
    said = what.strip()
    if not said:
        texts = list(
            Moment.objects.filter(person=person, kind=MomentKind.STRENGTH, private=False)
            .order_by("-occurred_at", "-id")
            .values_list("text", flat=True)[:STRENGTHS_SHOWN]
        )
        said = "; ".join(texts)
    if not said:
        return _("Told them what I value in working with them.")
    return _("Told them what I value in working with them: %(what)s") % {"what": said}


@transaction.atomic
def tell(user: User, person: Person, *, kind: str = "message", what: str = "") -> bool:
    """ "I told them": log how (initiated by you) and mark today's nudge given. False when it
    was given already (nothing is logged twice)."""
    if kind not in TELL_KIND_VALUES:
        raise ValueError(_("Choose call, message, email, meeting or card."))
    if len(what.strip()) > WHAT_MAX:
        raise ValueError(
            _("Keep it to one line: at most %(limit)d characters.") % {"limit": WHAT_MAX}
        )
    nudge = _todays(user, person)
    if nudge.outcome == NudgeOutcome.GIVEN:
        return False
    interaction = timeline.log_interaction(
        person.vault,
        [person],
        kind,
        initiated_by=Initiator.ME,
        summary=told_summary(person, what),
        author=user,
    )
    nudge.outcome = NudgeOutcome.GIVEN
    nudge.handled_at = timezone.now()
    nudge.interaction = interaction
    nudge.save(update_fields=["outcome", "handled_at", "interaction"])
    return True


@transaction.atomic
def dismiss(user: User, person: Person) -> bool:
    """ "Not now": the nudge is done for today; the interval still applies. False when it was
    handled already."""
    nudge = _todays(user, person)
    if nudge.outcome != NudgeOutcome.OPEN:
        return False
    nudge.outcome = NudgeOutcome.DISMISSED
    nudge.handled_at = timezone.now()
    nudge.save(update_fields=["outcome", "handled_at"])
    return True


@transaction.atomic
def someone_else(user: User, person: Person) -> Person:
    """Suggest the next person in today's ranking instead (from the top again after the
    last). Raises ``ValueError`` when there is nobody else, or it was handled already."""
    nudge = _todays(user, person)
    if nudge.outcome != NudgeOutcome.OPEN:
        raise NoSuggestion(NO_SUGGESTION % {"name": person.name})
    following = core.next_after(ranking(user, person.vault, nudge.offered_on), person.pk)
    if following is None:
        raise ValueError(
            _("There is nobody else with strengths or moments recorded to suggest today.")
        )
    nudge.person = Person.objects.get(pk=following.person_id)
    nudge.save(update_fields=["person"])
    return nudge.person


@transaction.atomic
def undo(user: User, person: Person) -> bool:
    """Open today's nudge again; "told them" also loses the interaction it logged. False when
    there was nothing to undo."""
    nudge = _todays(user, person)
    if nudge.outcome == NudgeOutcome.OPEN:
        return False
    if nudge.interaction is not None:
        timeline.delete_entry(nudge.interaction)
    nudge.outcome = NudgeOutcome.OPEN
    nudge.handled_at = None
    nudge.interaction = None
    nudge.save(update_fields=["outcome", "handled_at", "interaction"])
    return True
