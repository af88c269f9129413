"""Forms that capture and change the story: log an interaction, a note, a moment, a follow-up.

Each form checks what a person can get wrong (an unknown kind, a date far in the future, an
empty note, someone from another vault) and says so next to the field. Forms that create an
entry carry a one-time token, so a double click or a resent POST adds it only once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from aandacht.people.models import NAME_FIELDS, Person, name_of
from aandacht.timeline.models import (
    FollowUpDirection,
    Initiator,
    Interaction,
    InteractionKind,
    MomentKind,
    Outcome,
)
from aandacht.timeline.services import latest_linked
from aandacht.timeline.widget_html import RENDERER
from aandacht.web import kept_pages
from aandacht.web.access import positive_id

SUMMARY_MAX = 2000
# A vault with more people than this lists, under "With others too", only the people logged
# together with this person in their latest OTHERS_FROM_LATEST interactions: those the
# timeline shows first. (From the latest 200, the busiest person of the 50,000-person bench
# vault had 108 options, a list too long to choose from that cost 2 ms to read on every visit.)
OTHERS_LISTED = 500
OTHERS_FROM_LATEST = 20
BIG_VAULT_OTHERS_HELP = _(
    "People you logged together with them lately. Someone else? Log it from their page too."
)
TEXT_MAX = 10_000
# A little slack for clocks that disagree; anything later is a typo, not a memory.
FUTURE_SLACK = dt.timedelta(days=1)
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_DUE = dt.date(2200, 12, 31)
WHEN_FORMAT = "%Y-%m-%dT%H:%M"
WHEN_INPUTS = [WHEN_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]

# The capture bar's order: the kinds people log most often first.
QUICK_KINDS: list[tuple[str, Any]] = [
    (InteractionKind.CALL, _("Call")),
    (InteractionKind.MESSAGE, _("Message")),
    (InteractionKind.MEETING, _("Meeting")),
    (InteractionKind.VIDEO, _("Video call")),
    (InteractionKind.EMAIL, _("Email")),
    (InteractionKind.VOICEMAIL, _("Voicemail")),
    (InteractionKind.CARD, _("Card")),
    (InteractionKind.GIFT, _("Gift")),
]
MOMENT_KINDS: list[tuple[str, Any]] = [
    (MomentKind.SHARED, _("Shared")),
    (MomentKind.GRATEFUL, _("Grateful")),
    (MomentKind.STRENGTH, _("Strength")),
]
MOMENT_HINTS: dict[str, Any] = {
    MomentKind.SHARED: _("a meaningful experience together"),
    MomentKind.GRATEFUL: _("something you are grateful for"),
    MomentKind.STRENGTH: _("a quality you admire"),
}


def new_token() -> str:
    return secrets.token_hex(16)


def local_minute(when: dt.datetime) -> str:
    """How a moment shows in a ``datetime-local`` field, in the current time zone."""
    return timezone.localtime(when).strftime(WHEN_FORMAT)


class _ShownChoices(ModelChoiceIterator):
    """The options a :class:`PeopleField` renders: everyone, or in a big vault (more than
    ``OTHERS_LISTED``) the bounded list ``field.listed()`` gives. Decided while rendering, so a
    form that is only validated reads nothing. The options are (id, name) from plain rows:
    building a person for each of a busy person's hundred companions cost more than the
    query."""

    def __iter__(self) -> Any:
        listed = getattr(self.field, "listed", None)
        if listed is None:
            yield from super().__iter__()
            return
        big, rows = listed()
        if isinstance(self.field, PeopleField):
            self.field.listed_few = big  # what its help text says (PeopleField.__deepcopy__)
        for pk, *name in rows:
            yield pk, name_of(*name)


class PeopleField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Several people by id; an id no database can hold is an invalid choice, not a crash.

    ``listed`` (a callable giving whether the vault is big and the rows of the options) bounds
    the options the widget renders in a big vault without narrowing what the field accepts: a
    list of 50,000 options took seconds to render on every person page.
    """

    iterator = _ShownChoices
    listed: Callable[[], tuple[bool, list[tuple[Any, ...]]]] | None = None
    listed_few = False

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        """Each form's copy says its own help text: whether its options were bounded is
        known only once they are rendered, after the bound field read the help text
        (includes/field.html writes it after the widget)."""
        copy = super().__deepcopy__(memo)  # type: ignore[misc]  # (not in django-stubs)
        default = copy.help_text
        copy.help_text = lazy(
            lambda: str(BIG_VAULT_OTHERS_HELP if copy.listed_few else default), str
        )()
        return copy

    def clean(self, value: Any) -> Any:
        for each in value or []:
            text = str(each)
            if positive_id(text) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20]},
                )
        return super().clean(value)


class WhenInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"step": "60", **(attrs or {})}, format=WHEN_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def check_when(when: dt.datetime) -> dt.datetime:
    if when > timezone.now() + FUTURE_SLACK:
        raise ValidationError(
            _("That is in the future. Log what has happened, up to today."), code="future"
        )
    if when < EARLIEST:
        raise ValidationError(_("Please choose a date after 1900."), code="too_early")
    return when


class WhenMixin(forms.Form):
    """A "when" that defaults to now: left as shown, it means the moment of saving.

    A page can stay open for hours; when the field still holds the minute it was shown with
    (``shown_at``), the entry gets the time it is saved, not the time the page was loaded.
    Editing keeps the original time to the second unless the minute was changed.
    """

    occurred_at = forms.DateTimeField(
        label=_("When"), input_formats=WHEN_INPUTS, widget=WhenInput(), required=False
    )
    shown_at = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    original_when: dt.datetime | None = None

    def init_when(self, original: dt.datetime | None) -> None:
        self.original_when = original
        if original is None:
            # A kept page (web/kept_pages) gets the minute it goes out, not the one it was built.
            shown = kept_pages.per_response(lambda: local_minute(timezone.now()))
        else:
            shown = local_minute(original)
        self.fields["occurred_at"].initial = shown
        self.fields["shown_at"].initial = shown

    def clean_occurred_at(self) -> dt.datetime:
        when: dt.datetime | None = self.cleaned_data.get("occurred_at")
        shown = self.data.get(self.add_prefix("shown_at"), "")
        if when is None or local_minute(when) == shown:
            return self.original_when or timezone.now()
        return check_when(when)


class OnceMixin(forms.Form):
    """A hidden one-time token: the view remembers used tokens for a while (see views)."""

    token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput, max_length=32
    )

    def init_token(self) -> None:
        # Each copy of a kept page (web/kept_pages) gets a token of its own.
        self.fields["token"].initial = kept_pages.per_response(new_token)


class LogForm(WhenMixin, OnceMixin, forms.Form):
    """Click 1 picks the kind, click 2 saves; everything else has a sensible default."""

    default_renderer = RENDERER  # the widgets without a template each (widget_html)

    kind = forms.ChoiceField(
        label=_("Log"),
        choices=QUICK_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of contact it was.")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what you talked about, what stood out."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("as usual for this kind")), *Outcome.choices],
        help_text=_("A voicemail is an attempt, an email or card is one-way."),
    )
    initiated_by = forms.ChoiceField(
        label=_("Who reached out"),
        required=False,
        choices=[
            (Initiator.UNKNOWN, _("not noted")),
            (Initiator.ME, Initiator.ME.label),
            (Initiator.THEM, Initiator.THEM.label),
        ],
    )
    others = PeopleField(
        label=_("With others too"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Others from this vault who were part of it."),
    )

    field_order = ["kind", "summary", "occurred_at", "outcome", "initiated_by", "others"]

    def __init__(
        self,
        *args: Any,
        person: Person,
        others_past_limit: bool | None = None,
        recent: Sequence[Interaction] | None = None,
        **kwargs: Any,
    ) -> None:
        """``others_past_limit`` and ``recent`` (the person's latest interactions, newest
        first, their people read with them) are what the person page knows already: given,
        "with others too" needs no query of its own."""
        kwargs.setdefault("auto_id", "log-%s")  # unique ids: several forms share the page
        super().__init__(*args, **kwargs)
        self.person = person
        self._others_past_limit = others_past_limit
        self._recent = recent
        others = self.fields["others"]
        assert isinstance(others, PeopleField)
        others.queryset = (
            Person.objects.in_vault(person.vault)
            .exclude(pk=person.pk)
            .only("id", *NAME_FIELDS)
            .order_by("sort_key", "id")
        )
        others.widget.attrs["size"] = 6
        others.listed = self._listed_others
        self.init_when(None)
        self.init_token()

    def _listed_others(self) -> tuple[bool, list[tuple[Any, ...]]]:
        """Whether the vault is big, and the (id, *name fields) rows of the options: in a
        small vault everyone, in a big one the people logged with this person in their latest
        interactions plus whoever the form already holds."""
        everyone: QuerySet[Person] = self.fields["others"].queryset  # type: ignore[attr-defined]
        # Is there anyone past the limit? One id, unsorted: reading 501 sorted rows only to
        # find the vault is big cost 2 ms on every person page at 50,000 people. (As a
        # condition of the list's own query, "not big or logged together", it made both
        # databases walk the whole vault.)
        big = self._others_past_limit
        if big is None:
            big = everyone.order_by().values_list("id")[OTHERS_LISTED : OTHERS_LISTED + 1].exists()
        held = [pk for pk in (positive_id(str(v)) for v in self._held_others()) if pk]
        if big and self._recent is not None and not held:
            return big, self._companions(self._recent[:OTHERS_FROM_LATEST])
        if big:
            through = Interaction.people.through
            # The latest by date, as the timeline shows them: a few entries of the person's
            # (person, date, interaction) index. Taking the latest logged by the link's id
            # walked that table's key backwards past everyone else's links (1.5 ms).
            latest = latest_linked(self.person, OTHERS_FROM_LATEST)
            together = through.objects.filter(interaction_id__in=latest).values("person_id")
            everyone = everyone.filter(Q(pk__in=together) | Q(pk__in=held))
        return big, list(everyone.values_list("id", *NAME_FIELDS)[:OTHERS_LISTED])

    def _companions(self, interactions: Sequence[Interaction]) -> list[tuple[Any, ...]]:
        """The rows of the query's list from interactions read with their people: everyone of
        the vault but this person and those in the trash, at most ``OTHERS_LISTED``, by sort
        key as Python compares it (the query's order on SQLite and on a PostgreSQL database
        of C collation; another collation may order the odd pair of names differently)."""
        people = {
            each.pk: each
            for interaction in interactions
            for each in interaction.people.all()
            if each.pk != self.person.pk
            and each.trashed_at is None
            and each.vault_id == self.person.vault_id
        }
        ordered = sorted(people.values(), key=lambda each: (each.sort_key, each.pk))
        return [
            (each.pk, *(getattr(each, name) for name in NAME_FIELDS))
            for each in ordered[:OTHERS_LISTED]
        ]

    def _held_others(self) -> list[Any]:
        """The people already chosen: submitted, or the initial value of an edit."""
        if self.is_bound:
            name = self.add_prefix("others")
            data: Any = self.data
            held = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
            return list(held if isinstance(held, list | tuple) else [held])[:OTHERS_LISTED]
        initial = self.fields["others"].initial or []
        return list(initial)


class EditInteractionForm(LogForm):
    """The log form filled in from an existing interaction (no token: saving twice is fine)."""

    def __init__(self, *args: Any, person: Person, original: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "edit-%s")
        super().__init__(*args, person=person, **kwargs)
        self.fields["kind"].initial = original.kind
        self.fields["summary"].initial = original.summary
        self.fields["outcome"].initial = original.outcome
        self.fields["initiated_by"].initial = original.initiated_by
        self.fields["others"].initial = [p.pk for p in original.people.all() if p.pk != person.pk]
        self.init_when(original.occurred_at)
        del self.fields["token"]


class NoteForm(WhenMixin, OnceMixin, forms.Form):
    default_renderer = RENDERER  # the widgets without a template each (widget_html)

    body = forms.CharField(
        label=_("Note"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write something first.")},
    )
    private = forms.BooleanField(
        label=_("Private"),
        required=False,
        help_text=_("Only you will ever see a private note."),
    )

    field_order = ["body", "private", "occurred_at"]

    def __init__(self, *args: Any, original: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "edit-%s" if original is not None else "note-%s")
        super().__init__(*args, **kwargs)
        self.init_when(original.occurred_at if original else None)
        if original is None:
            self.init_token()
        else:
            self.fields["body"].initial = original.body
            self.fields["private"].initial = original.private
            del self.fields["token"]

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write something first."), code="required")
        return body


class MomentForm(WhenMixin, OnceMixin, forms.Form):
    default_renderer = RENDERER  # the widgets without a template each (widget_html)

    kind = forms.ChoiceField(
        label=_("Kind of moment"),
        choices=MOMENT_KINDS,
        initial=MomentKind.SHARED,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Moment"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Worth telling them one day: the raw material of a card."),
        error_messages={"required": _("Describe the moment first.")},
    )
    private = forms.BooleanField(
        label=_("Private"),
        required=False,
        help_text=_("Only you will ever see a private moment."),
    )

    field_order = ["kind", "text", "private", "occurred_at"]

    def __init__(self, *args: Any, original: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "edit-%s" if original is not None else "moment-%s")
        super().__init__(*args, **kwargs)
        self.init_when(original.occurred_at if original else None)
        if original is None:
            self.init_token()
        else:
            self.fields["kind"].initial = original.kind
            self.fields["text"].initial = original.text
            self.fields["private"].initial = original.private
            del self.fields["token"]

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Describe the moment first."), code="required")
        return text


class FollowUpForm(OnceMixin, forms.Form):
    default_renderer = RENDERER  # the widgets without a template each (widget_html)

    direction = forms.ChoiceField(
        label=_("Whose turn"),
        choices=FollowUpDirection.choices,
        initial=FollowUpDirection.PROMISE,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Follow-up"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What you promised, or what they asked of you."),
        error_messages={"required": _("Say what to follow up on.")},
    )
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        help_text=_("Optional."),
    )

    field_order = ["text", "direction", "due_on"]

    def __init__(self, *args: Any, original: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "edit-%s" if original is not None else "follow-up-%s")
        super().__init__(*args, **kwargs)
        if original is None:
            self.init_token()
        else:
            self.fields["direction"].initial = original.direction
            self.fields["text"].initial = original.text
            self.fields["due_on"].initial = original.due_on
            del self.fields["token"]

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Say what to follow up on."), code="required")
        return text

    def clean_due_on(self) -> dt.date | None:
        due: dt.date | None = self.cleaned_data.get("due_on")
        if due is not None and not (EARLIEST.date() <= due <= LATEST_DUE):
            raise ValidationError(_("Please choose a date between 1900 and 2200."), code="range")
        return due


class DoneForm(forms.Form):
    """The "Done" toggle sends the state it wants, so repeating it changes nothing."""

    done = forms.TypedChoiceField(
        choices=[("1", "done"), ("0", "open")], coerce=lambda value: value == "1"
    )
