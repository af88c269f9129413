"""``aandacht move`` / ``aandacht copy``: a person to another vault the owner can edit.

Registered on ``aandacht.cli.app`` (end of cli.py). The person is looked up in the vault of
``--vault`` (else the default vault), the target is ``--to``; both must be writable. The rules
are those of the web page (``aandacht.people.transfer``, docs/moving-people.md); ``--dry-run``
prints what would happen without changing anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from django.utils.translation import gettext as _

from aandacht.cli import (
    EXIT_REFUSED,
    JsonFlag,
    PersonArgument,
    app,
    emit_json,
    fail,
    open_session,
    resolve,
    say,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from aandacht.accounts.models import Vault
    from aandacht.people.transfer import Done, Mode, Plan

ToOption = Annotated[
    str,
    typer.Option(
        "--to", help="The vault to move or copy to (its name, any case).", show_default=False
    ),
]
DryRunFlag = Annotated[
    bool, typer.Option("--dry-run", help="Only say what would happen; change nothing.")
]


@app.command("move")
def move(
    ctx: typer.Context,
    person: PersonArgument,
    to: ToOption,
    dry_run: DryRunFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Move someone, with their notes, moments, follow-ups and conversations, to another vault."""
    _transfer(ctx, person, to, "move", dry_run=dry_run, json_output=json_output)


@app.command("copy")
def copy(
    ctx: typer.Context,
    person: PersonArgument,
    to: ToOption,
    dry_run: DryRunFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Copy someone to another vault: their details, tags, photo, visible notes and moments."""
    _transfer(ctx, person, to, "copy", dry_run=dry_run, json_output=json_output)


def _target(owner: User, name: str) -> Vault:
    from aandacht.accounts.services import VaultNotFound, vault_named, vaults_for

    try:
        return vault_named(owner, name)
    except VaultNotFound:
        fail(
            _("There is no vault called “%(name)s”. These are yours:") % {"name": name},
            details=[f"  {v.name}" for v in vaults_for(owner)],
        )


def _transfer(
    ctx: typer.Context, reference: str, to: str, mode: Mode, *, dry_run: bool, json_output: bool
) -> None:
    from aandacht.people import transfer
    from aandacht.people.transfer_core import new_token

    session = open_session(ctx, write=True)
    target = _target(session.owner, to)
    someone = resolve(session.vault, reference)
    try:
        plan = transfer.plan_transfer(session.owner, someone, target, mode)
        if plan.blocked:
            raise transfer.TransferError(plan.blocked)
        if dry_run:
            done = None
        elif mode == transfer.COPY:
            done = transfer.copy_person(session.owner, someone, target, new_token())
        else:
            done = transfer.move_person(
                session.owner, someone, target, expected_source=session.vault.pk
            )
    except transfer.TransferError as error:
        fail(str(error), EXIT_REFUSED)
    if json_output:
        emit_json(_as_json(plan, done))
    for line in _summary(plan):
        say(line)
    say(_said(plan, done))


def _as_json(plan: Plan, done: Done | None) -> dict[str, object]:
    data: dict[str, object] = {"dry_run": done is None, **plan.as_json()}
    if done is not None:
        data["result"] = {
            "id": done.person.pk,
            "name": done.person.name,
            "vault": {"id": done.person.vault_id, "name": plan.target.name},
            "changed": done.changed,
        }
    return data


def _summary(plan: Plan) -> list[str]:
    """What goes along and what is removed, a line each, in the words of the web page."""
    counts = [
        (plan.contact_methods, _("contact details")),
        (plan.addresses, _("addresses")),
        (plan.dates, _("important dates")),
        (plan.notes, _("notes")),
        (plan.moments, _("moments")),
        (plan.follow_ups, _("follow-ups")),
        (plan.interactions, _("conversations")),
        (plan.shared_interactions, _("conversations with others (copied along)")),
        (plan.cards, _("cards")),
    ]
    lines = [f"  {count:>4}  {label}" for count, label in counts if count]
    if plan.tags:
        lines.append("  " + _("tags: %(tags)s") % {"tags": ", ".join(plan.tags)})
    if plan.circle:
        there = plan.target_circle or _("no circle")
        lines.append("  " + _("circle: %(from)s → %(to)s") % {"from": plan.circle, "to": there})
    for kind, other in plan.relationship_labels:
        lines.append(
            "  "
            + _("removed: relationship with %(name)s (%(kind)s)")
            % {
                "name": other.name,
                "kind": kind,
            }
        )
    for name in plan.check_ins:
        lines.append("  " + _("removed: check-in in the round “%(round)s”") % {"round": name})
    for twin in plan.duplicates:
        lines.append(
            "  "
            + _("possibly already there: %(name)s (id %(id)d)") % {"name": twin.name, "id": twin.pk}
        )
    return lines


def _said(plan: Plan, done: Done | None) -> str:
    words = {"name": plan.person.name, "vault": plan.target.name, "from": plan.source.name}
    if done is None:
        if plan.mode == "copy":
            return _("Nothing changed (dry run): %(name)s would be copied to “%(vault)s”.") % words
        return _("Nothing changed (dry run): %(name)s would move to “%(vault)s”.") % words
    if plan.mode == "copy":
        return _("%(name)s is copied to “%(vault)s”; the original stays in “%(from)s”.") % words
    return _("%(name)s is moved to “%(vault)s”.") % words
