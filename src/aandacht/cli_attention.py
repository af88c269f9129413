"""Commands registered on ``aandacht.cli.app`` (imported at the end of cli.py).

The keep-in-touch commands: ``circles`` lists the circles and who is in them, ``circle`` puts
someone in one (or takes them out), ``cadence`` gives someone a personal cadence, and ``today``
prints the agenda of a day. They follow the contract in ``docs/cli.md`` and write only through
``aandacht.attention.services``, like the web app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.table import Table
from rich.text import Text

from aandacht.attention.agenda_json import agenda_items, cadence_data, circle_ref
from aandacht.cli import (
    EXIT_USAGE,
    GlobalOptions,
    JsonFlag,
    PersonArgument,
    Session,
    app,
    emit_json,
    fail,
    open_session,
    out,
    parse_day,
    person_ref,
    refuse,
    resolve,
    say,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from aandacht.accounts.models import Vault
    from aandacht.attention.appreciation import Suggestion
    from aandacht.attention.models import Circle
    from aandacht.attention.services import Agenda, AgendaItem, Cadence
    from aandacht.people.models import Person

# The agenda plans ahead day by day: a date further away than this is a typo, not a plan.
MAX_DAYS_AHEAD = 366
CLEAR_WORDS = frozenset({"none", "clear"})


def every(days: int) -> str:
    return ngettext("every %(days)d day", "every %(days)d days", days) % {"days": days}


# --- the vault ----------------------------------------------------------------------------


def attention_session(ctx: typer.Context, *, write: bool = False) -> Session:
    """``open_session``, but without ``--vault`` (or AANDACHT_VAULT) the vault last used in the
    web app (``Preference.last_vault``, while the owner is still a member), so ``aandacht
    today`` shows what the Today page shows. Says on stderr which vault it is."""
    from aandacht.accounts.models import Membership, Preference, Role

    session = open_session(ctx, write=write)
    options = ctx.find_object(GlobalOptions)
    if options is not None and options.vault:
        return session
    last = (
        Preference.objects.filter(user=session.owner, last_vault__isnull=False)
        .select_related("last_vault")
        .first()
    )
    vault = last.last_vault if last is not None else None
    if vault is not None and vault.pk != session.vault.pk:
        membership = Membership.objects.filter(user=session.owner, vault=vault).first()
        if membership is not None:
            if write and membership.role == Role.VIEWER:
                fail(
                    _(
                        "You may only read the vault “%(name)s” (the one you last used); "
                        "choose another with --vault."
                    )
                    % {"name": vault.name}
                )
            session = Session(session.owner, vault)
    say(_("Vault: %(name)s (choose another with --vault)") % {"name": session.vault.name})
    return session


# --- circles ------------------------------------------------------------------------------


def circle_names(circle: Circle) -> set[str]:
    """Every name a circle answers to: its title, its preset's code and its name in each
    language (so "inner", "Inner circle" and the Dutch name all work), or its tag."""
    from django.conf import settings
    from django.utils import translation

    from aandacht.attention.models import Preset

    names = {circle.title}
    if circle.name:
        names.add(circle.name)
    if circle.preset:
        names.add(circle.preset)
        for code, _language in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(Preset(circle.preset).label))
    if circle.tag is not None:
        names.add(circle.tag.name)
    return {name.strip().casefold() for name in names if name.strip()}


def circle_lines(circles: Iterable[Circle]) -> list[str]:
    lines = []
    for circle in circles:
        extra = (
            "  " + _("(everyone tagged “%(tag)s”)") % {"tag": circle.tag.name}
            if circle.tag is not None
            else ""
        )
        lines.append(f"  {circle.pk:>6}  {circle.title} · {every(circle.cadence_days)}{extra}")
    return lines


def find_circle(vault: Vault, reference: str) -> Circle:
    """A circle by id or by name in any case and either language; otherwise exit 3 with the
    choices."""
    from aandacht.attention import services
    from aandacht.web.access import positive_id

    circles = services.circles_of(vault)
    wanted = reference.strip().casefold()
    circle_id = positive_id(wanted)
    if circle_id is not None:
        matches = [c for c in circles if c.pk == circle_id]
    else:
        matches = [c for c in circles if wanted in circle_names(c)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        refuse(
            _("“%(value)s” names several circles; use an id. Nothing was changed:")
            % {"value": reference},
            details=circle_lines(matches),
        )
    refuse(
        _("There is no circle “%(value)s” in “%(vault)s”; nothing was changed. Use one of:")
        % {"value": reference, "vault": vault},
        details=circle_lines(circles),
    )


def rhythm_data(person: Person) -> dict[str, Any]:
    """Someone's circle and the cadence that applies to them, for ``--json``."""
    from aandacht.attention import services
    from aandacht.attention.models import Rhythm

    rhythm = Rhythm.objects.filter(person=person).select_related("circle__tag").first()
    circle = rhythm.circle if rhythm is not None else None
    return {
        "person": person_ref(person),
        "circle": circle_ref(circle) if circle is not None else None,
        "personal_cadence_days": rhythm.cadence_days if rhythm is not None else None,
        "muted": rhythm.muted if rhythm is not None else False,
        "cadence": cadence_data(services.cadence_of(person)),
    }


@app.command("circles")
def list_circles(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """List the circles with their cadence and who is in them."""
    from aandacht.attention import services
    from aandacht.attention.circles import circle_members
    from aandacht.people.models import Person

    session = attention_session(ctx)
    circles = services.circles_of(session.vault)
    # The circles page's rule: who follows each circle, and who carries a tag circle's tag
    # but follows another circle (counted apart).
    following = circle_members(session.vault, circles)
    wanted = [pk for each in following.values() for pk in each.people]
    found = Person.objects.filter(pk__in=wanted).in_bulk() if wanted else {}
    members: dict[int, list[Person]] = {
        circle.pk: [found[pk] for pk in following[circle.pk].people if pk in found]
        for circle in circles
    }

    if json_output:
        emit_json(
            [
                {
                    **circle_ref(circle),
                    "preset": circle.preset or None,
                    "cadence_days": circle.cadence_days,
                    "tag": circle.tag.name if circle.tag is not None else None,
                    "members": [person_ref(person) for person in members[circle.pk]],
                    "tagged_elsewhere": following[circle.pk].elsewhere,
                }
                for circle in circles
            ]
        )
        return
    if not circles:
        say(_("“%(vault)s” has no circles.") % {"vault": session.vault})
        return
    table = Table(_("id"), _("circle"), _("cadence"), _("people"), _("who"))
    table.columns[0].justify = "right"
    table.columns[3].justify = "right"
    for circle in circles:
        title = Text(circle.title, style="bold")
        if circle.tag is not None:
            title.append(" " + _("tag “%(tag)s”") % {"tag": circle.tag.name}, style="cyan")
        people = members[circle.pk]
        count = str(len(people))
        elsewhere = following[circle.pk].elsewhere
        if elsewhere:
            count += " " + ngettext(
                "(%(count)d more tagged follows another circle)",
                "(%(count)d more tagged follow another circle)",
                elsewhere,
            ) % {"count": elsewhere}
        table.add_row(
            str(circle.pk),
            title,
            every(circle.cadence_days),
            count,
            Text(", ".join(person.name for person in people)),
        )
    out.print(table)


@app.command("circle")
def put_in_circle(
    ctx: typer.Context,
    person: PersonArgument,
    circle: Annotated[
        str | None,
        typer.Argument(
            help="A circle's id or name: “Inner circle”, inner, monthly, quarterly, yearly…",
            show_default=False,
        ),
    ] = None,
    none: Annotated[bool, typer.Option("--none", help="Take them out of their circle.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Put someone in a circle (it sets how often to keep in touch), or take them out."""
    from aandacht.attention import services

    session = attention_session(ctx, write=True)
    if (circle is None) == (not none):
        fail(_("Name a circle, or use --none to take them out of theirs (not both)."), EXIT_USAGE)
    chosen = find_circle(session.vault, circle) if circle is not None else None
    if chosen is not None and chosen.tag is not None:
        refuse(
            _(
                "“%(circle)s” holds everyone tagged “%(tag)s”: tag them instead. "
                "Nothing was changed."
            )
            % {"circle": chosen.title, "tag": chosen.tag.name}
        )
    someone = resolve(session.vault, person)
    try:
        rhythm = services.set_circle(someone, chosen)
    except ValueError as error:
        refuse(_("Nothing was changed: %(reason)s") % {"reason": error})
    cadence = services.cadence_of(someone)
    if json_output:
        emit_json(rhythm_data(someone))
    if chosen is not None:
        say(
            _("%(name)s is now in %(circle)s (%(cadence)s).")
            % {"name": someone.name, "circle": chosen.title, "cadence": every(chosen.cadence_days)}
        )
    else:
        say(_("%(name)s is in no circle now.") % {"name": someone.name})
    explain(someone, cadence, personal=rhythm.cadence_days, muted=rhythm.muted)


def explain(person: Person, cadence: Cadence | None, *, personal: int | None, muted: bool) -> None:
    """What the change means: the cadence that applies now, or why there are no reminders."""
    if muted:
        say(_("%(name)s is muted: no reminders until you unmute them.") % {"name": person.name})
    elif cadence is None:
        say(
            _("No reminders for %(name)s: they have no circle and no cadence.")
            % {"name": person.name}
        )
    elif personal:
        say(
            _(
                "Their personal cadence applies: %(cadence)s (aandacht cadence %(id)d --clear "
                "removes it)."
            )
            % {"cadence": every(personal), "id": person.pk}
        )
    elif cadence.source == "tag":
        say(
            _("Through a tag they follow %(circle)s: %(cadence)s.")
            % {"circle": cadence.label, "cadence": every(cadence.days)}
        )


@app.command("cadence")
def set_personal_cadence(
    ctx: typer.Context,
    person: PersonArgument,
    days: Annotated[
        str | None,
        typer.Argument(
            help="Days between contacts (1–3650); none goes back to the circle's cadence.",
            show_default=False,
        ),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the personal cadence.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Give someone a personal cadence: it wins over any circle."""
    from aandacht.attention import services

    session = attention_session(ctx, write=True)
    if (days is None) == (not clear):
        fail(_("Give a number of days, or --clear (not both)."), EXIT_USAGE)
    wanted: int | None = None
    if days is not None and days.strip().casefold() not in CLEAR_WORDS:
        try:
            wanted = int(days.strip())
        except ValueError:
            refuse(_("“%(value)s” is not a number of days; nothing was changed.") % {"value": days})
        try:
            services.check_cadence(wanted)
        except ValueError as error:
            refuse(_("Nothing was changed: %(reason)s") % {"reason": error})
    someone = resolve(session.vault, person)
    try:
        rhythm = services.set_cadence(someone, wanted)
    except ValueError as error:
        refuse(_("Nothing was changed: %(reason)s") % {"reason": error})
    cadence = services.cadence_of(someone)
    if json_output:
        emit_json(rhythm_data(someone))
    if wanted is not None:
        say(
            _("Keeping in touch with %(name)s %(cadence)s.")
            % {"name": someone.name, "cadence": every(wanted)}
        )
        if rhythm.muted:
            explain(someone, cadence, personal=wanted, muted=True)
        return
    say(_("%(name)s has no personal cadence now.") % {"name": someone.name})
    if cadence is not None and not rhythm.muted:
        say(
            _("They follow %(circle)s: %(cadence)s.")
            % {"circle": cadence.label, "cadence": every(cadence.days)}
        )
    else:
        explain(someone, cadence, personal=None, muted=rhythm.muted)


# --- the agenda ---------------------------------------------------------------------------


def kind_label(item: AgendaItem) -> str:
    if item.handled_as:
        from aandacht.attention.services import handled_label

        return handled_label(item.handled_as)
    if item.kind == "date" and item.important_date is not None:
        return item.important_date.title
    labels = {
        "due": _("due"),
        "retry": _("try again"),
        "follow_up": _("follow-up"),
    }
    return labels.get(item.kind, item.kind)


def agenda_rows(agenda: Agenda) -> list[AgendaItem]:
    """Planned people first, then the pinned promises and dates, then what is done."""
    return [*agenda.items, *agenda.pinned, *agenda.handled]


@app.command("today")
def today_agenda(
    ctx: typer.Context,
    date: Annotated[
        str | None,
        typer.Option(
            help="The day (YYYY-MM-DD). Default: today in your time zone.", show_default=False
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """The agenda of a day: who to contact, and why; promises and birthdays of the day."""
    from django.utils.formats import date_format

    from aandacht.attention import services

    session = attention_session(ctx)
    day = parse_day(date) if date else None
    today = services.local_today(services.settings_for(session.owner))
    if day is not None and day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        refuse(
            _("%(date)s is too far ahead: the agenda looks at most a year forward.")
            % {"date": day.isoformat()}
        )
    agenda = services.agenda_for(session.owner, session.vault, day)
    rows = agenda_rows(agenda)
    nudge = appreciation_of(session.owner, session.vault) if agenda.day == today else None
    if json_output:
        emit_json(agenda_items(agenda, nudge))
        return
    shown = date_format(agenda.day, "l j F Y")
    if not rows and nudge is None:
        say(_("Nothing on the agenda for %(date)s.") % {"date": shown})
        return
    planned = len(agenda.items) + len(agenda.handled)
    table = Table(
        _("id"),
        _("name"),
        _("what"),
        _("why"),
        title=Text(
            _("%(date)s · %(planned)d of %(capacity)d planned")
            % {"date": shown, "planned": planned, "capacity": agenda.capacity}
        ),
        title_justify="left",
    )
    table.columns[0].justify = "right"
    for item in rows:
        style = "dim" if item.handled_as else ""
        table.add_row(
            str(item.person.pk),
            Text(item.person.name, style=style or "bold"),
            Text(kind_label(item), style=style or ("magenta" if item.pinned else "")),
            # A handled item's reason is its label: the "why" says its cadence instead.
            Text(
                (item.cadence.label if item.cadence else "") if item.handled_as else item.reason,
                style=style,
            ),
        )
    if nudge is not None:
        style = "" if nudge.is_open else "dim"
        table.add_row(
            str(nudge.person.pk),
            Text(nudge.person.name, style=style or "bold"),
            Text(nudge.status or _("say what you value"), style=style or "green"),
            Text(nudge.reason, style=style),
        )
    out.print(table)
    if nudge is not None and nudge.is_open and (nudge.strengths or nudge.grateful):
        out.print(
            Text(
                _("What you recorded about %(name)s:") % {"name": nudge.person.name},
                style="bold",
            )
        )
        for recorded in [*nudge.strengths, *nudge.grateful]:
            line = Text(f"  · {recorded.text}")
            if recorded.private:
                line.append(" (" + _("private") + ")", style="dim")
            out.print(line, soft_wrap=True)


def appreciation_of(user: User, vault: Vault) -> Suggestion | None:
    """Today's appreciation nudge (made now when one is due), for someone who may write in
    the vault: telling someone is logged on their timeline."""
    from aandacht.accounts.models import Membership, Role
    from aandacht.attention import appreciation

    role = Membership.objects.filter(user=user, vault=vault).values_list("role", flat=True)
    if role.first() not in (Role.OWNER, Role.EDITOR):
        return None
    return appreciation.suggestion_for(user, vault)
