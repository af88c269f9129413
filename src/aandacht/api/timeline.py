"""``/api/interactions``, ``/api/notes``, ``/api/moments``, ``/api/follow-ups``.

Each lists (paged; by vault, person and time), creates, reads, changes and deletes through
``timeline.services``. Someone else's private note or moment is never listed and answers 404,
exactly like an entry of a vault you cannot reach.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from aandacht.api.core import (
    Caller,
    Day,
    LongText,
    ObjectId,
    Paging,
    PathId,
    When,
    caller_of,
    fetch,
    links_to,
    not_found,
    page,
    page_of,
    problem,
    readable_vault_ids,
    require_write,
    responses,
)
from aandacht.people.models import Person
from aandacht.timeline import services
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

InteractionKindName = Literal[
    "call", "voicemail", "meeting", "video", "message", "email", "card", "gift"
]
OutcomeName = Literal["conversation", "attempt", "one-way"]
InitiatorName = Literal["me", "them", ""]
MomentKindName = Literal["shared", "grateful", "strength"]
DirectionName = Literal["promise", "request"]
MAX_PEOPLE = 20


class TimeFilter(Schema):
    vault: ObjectId | None = Field(None, description="Only this vault.")
    person: ObjectId | None = Field(None, description="Only entries about this person.")
    since: When | None = Field(None, description="Only from this moment on (ISO 8601).")
    until: When | None = Field(None, description="Only before this moment (ISO 8601).")


class FollowUpFilter(TimeFilter):
    done: bool | None = Field(None, description="true: only done; false: only open.")


def _filtered(
    rows: QuerySet[Any], caller: Caller, filters: TimeFilter, *, person_field: str = "person"
) -> QuerySet[Any]:
    vault_ids = readable_vault_ids(caller, filters.vault)
    rows = rows.filter(vault_id__in=vault_ids)
    if filters.person is not None:
        # Like ?vault=: a person you do not reach is a 404, the same as one nobody has.
        if not Person.objects.filter(
            pk=filters.person, vault_id__in=vault_ids, trashed_at__isnull=True
        ).exists():
            raise not_found(_("person"))
        rows = rows.filter(**{person_field: filters.person})
    if filters.since is not None:
        rows = rows.filter(occurred_at__gte=filters.since)
    if filters.until is not None:
        rows = rows.filter(occurred_at__lt=filters.until)
    return rows


def _person(caller: Caller, pk: int, field: str = "person") -> Person:
    """A live person the caller reads and may write about, named in a body: 404 when there is
    none in the caller's vaults (as for a URL: someone else's person is not revealed)."""
    person = (
        Person.objects.filter(pk=pk, trashed_at__isnull=True, vault_id__in=caller.vault_ids())
        .select_related("vault")
        .first()
    )
    if person is None:
        raise problem(_("No such person: %(id)d.") % {"id": pk}, field, status=404)
    require_write(caller, person.vault_id)
    return person


def _invalid(error: ValueError, field: str) -> Exception:
    return problem(str(error), field)


# --- interactions --------------------------------------------------------------------------

interactions = Router(tags=["interactions"])


class InteractionIn(Schema):
    people: list[ObjectId] = Field(min_length=1, max_length=MAX_PEOPLE)
    kind: InteractionKindName
    outcome: OutcomeName | None = Field(None, description="Default: from the kind.")
    occurred_at: When | None = Field(None, description="Default: now.")
    initiated_by: InitiatorName = ""
    summary: LongText = ""


class InteractionPatch(Schema):
    people: list[ObjectId] = Field(default_factory=list, min_length=1, max_length=MAX_PEOPLE)
    kind: InteractionKindName = "call"
    outcome: OutcomeName | None = None
    occurred_at: When = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    initiated_by: InitiatorName = ""
    summary: LongText = ""


class InteractionOut(Schema):
    id: int
    vault: int
    people: list[int]
    kind: str
    outcome: str
    occurred_at: dt.datetime
    initiated_by: str
    summary: str


class InteractionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[InteractionOut]


def _interactions() -> QuerySet[Interaction]:
    return Interaction.objects.prefetch_related(
        Prefetch("people", queryset=Person.objects.only("id").order_by("id"))
    )


def interaction_out(row: Interaction) -> dict[str, Any]:
    return {
        "id": row.pk,
        "vault": row.vault_id,
        "people": [person.pk for person in row.people.all()],
        "kind": row.kind,
        "outcome": row.outcome,
        "occurred_at": row.occurred_at,
        "initiated_by": row.initiated_by,
        "summary": row.summary,
    }


@interactions.get("", response=responses(200, InteractionPage), summary="List interactions")
def list_interactions(
    request: HttpRequest, filters: Query[TimeFilter], paging: Query[Paging]
) -> dict[str, Any]:
    caller = caller_of(request)
    rows = _filtered(_interactions(), caller, filters, person_field="people")
    count, found = page_of(rows.order_by("-occurred_at", "-id"), paging)
    return page(count, paging, [interaction_out(row) for row in found])


@interactions.post(
    "",
    response=responses(201, InteractionOut),
    summary="Log an interaction",
    openapi_extra=links_to(
        {
            "ReadInteraction": "aandacht_api_timeline_read_interaction",
            "UpdateInteraction": "aandacht_api_timeline_update_interaction",
            "DeleteInteraction": "aandacht_api_timeline_delete_interaction",
        },
        "pk",
    ),
)
def create_interaction(request: HttpRequest, payload: InteractionIn) -> Status[Any]:
    caller = caller_of(request)
    people = [_person(caller, pk, "people") for pk in dict.fromkeys(payload.people)]
    vault = people[0].vault
    try:
        row = services.log_interaction(
            vault,
            people,
            payload.kind,
            outcome=payload.outcome,
            occurred_at=payload.occurred_at,
            initiated_by=payload.initiated_by,
            summary=payload.summary,
            author=caller.user,
        )
    except ValueError as error:
        raise _invalid(error, "people") from None
    return Status(201, interaction_out(fetch(caller, _interactions(), row.pk, _("interaction"))))


@interactions.get("/{int:pk}", response=responses(200, InteractionOut), summary="One interaction")
def read_interaction(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    return interaction_out(fetch(caller_of(request), _interactions(), pk, _("interaction")))


@interactions.patch(
    "/{int:pk}", response=responses(200, InteractionOut), summary="Change an interaction"
)
def update_interaction(
    request: HttpRequest, pk: PathId, payload: InteractionPatch
) -> dict[str, Any]:
    caller = caller_of(request)
    sent = payload.model_fields_set
    with transaction.atomic():
        row = fetch(caller, _interactions(), pk, _("interaction"), write=True)
        people = (
            [_person(caller, p, "people") for p in dict.fromkeys(payload.people)]
            if "people" in sent
            else list(row.people.all())
        )
        kind = payload.kind if "kind" in sent else row.kind
        try:
            services.update_interaction(
                row,
                kind=kind,
                outcome=payload.outcome
                if "outcome" in sent
                else (row.outcome if "kind" not in sent else None),
                occurred_at=payload.occurred_at if "occurred_at" in sent else row.occurred_at,
                initiated_by=payload.initiated_by if "initiated_by" in sent else row.initiated_by,
                summary=payload.summary if "summary" in sent else row.summary,
                people=people,
            )
        except ValueError as error:
            raise _invalid(error, "people") from None
    return interaction_out(fetch(caller, _interactions(), pk, _("interaction")))


@interactions.delete("/{int:pk}", response=responses(204, None), summary="Delete an interaction")
def delete_interaction(request: HttpRequest, pk: PathId) -> Status[Any]:
    row = fetch(caller_of(request), Interaction.objects.all(), pk, _("interaction"), write=True)
    services.delete_entry(row)
    return Status(204, None)


# --- notes ---------------------------------------------------------------------------------

notes = Router(tags=["notes"])


class NoteIn(Schema):
    person: ObjectId
    body: LongText
    private: bool = Field(False, description="Only you will ever see a private note.")
    occurred_at: When | None = None


class NotePatch(Schema):
    body: LongText = ""
    private: bool = False
    occurred_at: When = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


class NoteOut(Schema):
    id: int
    vault: int
    person: int
    body: str
    private: bool
    occurred_at: dt.datetime
    updated_at: dt.datetime


class NotePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[NoteOut]


def note_out(row: Note) -> dict[str, Any]:
    return {
        "id": row.pk,
        "vault": row.vault_id,
        "person": row.person_id,
        "body": row.body,
        "private": row.private,
        "occurred_at": row.occurred_at,
        "updated_at": row.updated_at,
    }


def _notes(caller: Caller) -> QuerySet[Note]:
    return Note.objects.visible_to(caller.user)


@notes.get("", response=responses(200, NotePage), summary="List notes")
def list_notes(
    request: HttpRequest, filters: Query[TimeFilter], paging: Query[Paging]
) -> dict[str, Any]:
    caller = caller_of(request)
    rows = _filtered(_notes(caller), caller, filters).order_by("-occurred_at", "-id")
    count, found = page_of(rows, paging)
    return page(count, paging, [note_out(row) for row in found])


@notes.post(
    "",
    response=responses(201, NoteOut),
    summary="Write a note",
    openapi_extra=links_to(
        {
            "ReadNote": "aandacht_api_timeline_read_note",
            "UpdateNote": "aandacht_api_timeline_update_note",
            "DeleteNote": "aandacht_api_timeline_delete_note",
        },
        "pk",
    ),
)
def create_note(request: HttpRequest, payload: NoteIn) -> Status[Any]:
    caller = caller_of(request)
    person = _person(caller, payload.person)
    try:
        row = services.add_note(
            person.vault,
            person,
            payload.body,
            private=payload.private,
            author=caller.user,
            occurred_at=payload.occurred_at,
        )
    except ValueError as error:
        raise _invalid(error, "body") from None
    return Status(201, note_out(row))


@notes.get("/{int:pk}", response=responses(200, NoteOut), summary="One note")
def read_note(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    caller = caller_of(request)
    return note_out(fetch(caller, _notes(caller), pk, _("note")))


@notes.patch("/{int:pk}", response=responses(200, NoteOut), summary="Change a note")
def update_note(request: HttpRequest, pk: PathId, payload: NotePatch) -> dict[str, Any]:
    caller = caller_of(request)
    sent = payload.model_fields_set
    row = fetch(caller, _notes(caller), pk, _("note"), write=True)
    try:
        services.update_note(
            row,
            body=payload.body if "body" in sent else row.body,
            private=payload.private if "private" in sent else row.private,
            occurred_at=payload.occurred_at if "occurred_at" in sent else row.occurred_at,
        )
    except ValueError as error:
        raise _invalid(error, "body") from None
    return note_out(row)


@notes.delete("/{int:pk}", response=responses(204, None), summary="Delete a note")
def delete_note(request: HttpRequest, pk: PathId) -> Status[Any]:
    caller = caller_of(request)
    services.delete_entry(fetch(caller, _notes(caller), pk, _("note"), write=True))
    return Status(204, None)


# --- moments -------------------------------------------------------------------------------

moments = Router(tags=["moments"])


class MomentIn(Schema):
    person: ObjectId
    text: LongText
    kind: MomentKindName = "shared"
    private: bool = False
    occurred_at: When | None = None


class MomentPatch(Schema):
    text: LongText = ""
    kind: MomentKindName = "shared"
    private: bool = False
    occurred_at: When = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


class MomentOut(Schema):
    id: int
    vault: int
    person: int
    kind: str
    text: str
    private: bool
    occurred_at: dt.datetime


class MomentPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MomentOut]


def moment_out(row: Moment) -> dict[str, Any]:
    return {
        "id": row.pk,
        "vault": row.vault_id,
        "person": row.person_id,
        "kind": row.kind,
        "text": row.text,
        "private": row.private,
        "occurred_at": row.occurred_at,
    }


def _moments(caller: Caller) -> QuerySet[Moment]:
    return Moment.objects.visible_to(caller.user)


@moments.get("", response=responses(200, MomentPage), summary="List moments")
def list_moments(
    request: HttpRequest, filters: Query[TimeFilter], paging: Query[Paging]
) -> dict[str, Any]:
    caller = caller_of(request)
    rows = _filtered(_moments(caller), caller, filters).order_by("-occurred_at", "-id")
    count, found = page_of(rows, paging)
    return page(count, paging, [moment_out(row) for row in found])


@moments.post(
    "",
    response=responses(201, MomentOut),
    summary="Record a moment",
    openapi_extra=links_to(
        {
            "ReadMoment": "aandacht_api_timeline_read_moment",
            "UpdateMoment": "aandacht_api_timeline_update_moment",
            "DeleteMoment": "aandacht_api_timeline_delete_moment",
        },
        "pk",
    ),
)
def create_moment(request: HttpRequest, payload: MomentIn) -> Status[Any]:
    caller = caller_of(request)
    person = _person(caller, payload.person)
    try:
        row = services.add_moment(
            person.vault,
            person,
            payload.text,
            kind=payload.kind,
            private=payload.private,
            author=caller.user,
            occurred_at=payload.occurred_at,
        )
    except ValueError as error:
        raise _invalid(error, "text") from None
    return Status(201, moment_out(row))


@moments.get("/{int:pk}", response=responses(200, MomentOut), summary="One moment")
def read_moment(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    caller = caller_of(request)
    return moment_out(fetch(caller, _moments(caller), pk, _("moment")))


@moments.patch("/{int:pk}", response=responses(200, MomentOut), summary="Change a moment")
def update_moment(request: HttpRequest, pk: PathId, payload: MomentPatch) -> dict[str, Any]:
    caller = caller_of(request)
    sent = payload.model_fields_set
    row = fetch(caller, _moments(caller), pk, _("moment"), write=True)
    try:
        services.update_moment(
            row,
            text=payload.text if "text" in sent else row.text,
            kind=payload.kind if "kind" in sent else row.kind,
            private=payload.private if "private" in sent else row.private,
            occurred_at=payload.occurred_at if "occurred_at" in sent else row.occurred_at,
        )
    except ValueError as error:
        raise _invalid(error, "text") from None
    return moment_out(row)


@moments.delete("/{int:pk}", response=responses(204, None), summary="Delete a moment")
def delete_moment(request: HttpRequest, pk: PathId) -> Status[Any]:
    caller = caller_of(request)
    services.delete_entry(fetch(caller, _moments(caller), pk, _("moment"), write=True))
    return Status(204, None)


# --- follow-ups ----------------------------------------------------------------------------

follow_ups = Router(tags=["follow-ups"])


class FollowUpIn(Schema):
    person: ObjectId
    text: LongText
    direction: DirectionName = "promise"
    due_on: Day | None = None
    occurred_at: When | None = None


class FollowUpPatch(Schema):
    text: LongText = ""
    direction: DirectionName = "promise"
    due_on: Day | None = None
    done: bool = False


class FollowUpOut(Schema):
    id: int
    vault: int
    person: int
    text: str
    direction: str
    due_on: dt.date | None
    done: bool
    done_at: dt.datetime | None
    occurred_at: dt.datetime


class FollowUpPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[FollowUpOut]


def follow_up_out(row: FollowUp) -> dict[str, Any]:
    return {
        "id": row.pk,
        "vault": row.vault_id,
        "person": row.person_id,
        "text": row.text,
        "direction": row.direction,
        "due_on": row.due_on,
        "done": row.done_at is not None,
        "done_at": row.done_at,
        "occurred_at": row.occurred_at,
    }


@follow_ups.get("", response=responses(200, FollowUpPage), summary="List follow-ups")
def list_follow_ups(
    request: HttpRequest, filters: Query[FollowUpFilter], paging: Query[Paging]
) -> dict[str, Any]:
    """Open ones first (by due date), then the done ones."""
    caller = caller_of(request)
    rows = _filtered(FollowUp.objects.all(), caller, filters)
    if filters.done is not None:
        rows = rows.filter(done_at__isnull=not filters.done)
    count, found = page_of(rows.order_by("done_at", "due_on", "-occurred_at", "-id"), paging)
    return page(count, paging, [follow_up_out(row) for row in found])


@follow_ups.post(
    "",
    response=responses(201, FollowUpOut),
    summary="Add a follow-up",
    openapi_extra=links_to(
        {
            "ReadFollowUp": "aandacht_api_timeline_read_follow_up",
            "UpdateFollowUp": "aandacht_api_timeline_update_follow_up",
            "DeleteFollowUp": "aandacht_api_timeline_delete_follow_up",
        },
        "pk",
    ),
)
def create_follow_up(request: HttpRequest, payload: FollowUpIn) -> Status[Any]:
    caller = caller_of(request)
    person = _person(caller, payload.person)
    try:
        row = services.add_follow_up(
            person.vault,
            person,
            payload.text,
            due_on=payload.due_on,
            direction=payload.direction,
            author=caller.user,
            occurred_at=payload.occurred_at,
        )
    except ValueError as error:
        raise _invalid(error, "text") from None
    return Status(201, follow_up_out(row))


@follow_ups.get("/{int:pk}", response=responses(200, FollowUpOut), summary="One follow-up")
def read_follow_up(request: HttpRequest, pk: PathId) -> dict[str, Any]:
    return follow_up_out(fetch(caller_of(request), FollowUp.objects.all(), pk, _("follow-up")))


@follow_ups.patch(
    "/{int:pk}", response=responses(200, FollowUpOut), summary="Change a follow-up or tick it off"
)
def update_follow_up(request: HttpRequest, pk: PathId, payload: FollowUpPatch) -> dict[str, Any]:
    caller = caller_of(request)
    sent = payload.model_fields_set
    with transaction.atomic():
        row = fetch(caller, FollowUp.objects.all(), pk, _("follow-up"), write=True)
        if sent & {"text", "direction", "due_on"}:
            try:
                services.update_follow_up(
                    row,
                    text=payload.text if "text" in sent else row.text,
                    direction=payload.direction if "direction" in sent else row.direction,
                    due_on=payload.due_on if "due_on" in sent else row.due_on,
                )
            except ValueError as error:
                raise _invalid(error, "text") from None
        if "done" in sent:
            services.set_follow_up_done(row, payload.done)
    return follow_up_out(row)


@follow_ups.delete("/{int:pk}", response=responses(204, None), summary="Delete a follow-up")
def delete_follow_up(request: HttpRequest, pk: PathId) -> Status[Any]:
    row = fetch(caller_of(request), FollowUp.objects.all(), pk, _("follow-up"), write=True)
    services.delete_entry(row)
    return Status(204, None)


routers = {
    "/interactions": interactions,
    "/notes": notes,
    "/moments": moments,
    "/follow-ups": follow_ups,
}
