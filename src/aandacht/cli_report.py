"""``aandacht report``: the attention report in a terminal, or as JSON for a script.

Registered on ``aandacht.cli.app`` (imported at the end of cli.py). The figures are those of
the report page (``aandacht.attention.report``); like the other keep-in-touch commands it reads
the vault last used on the web unless ``--vault`` says otherwise. Every JSON key is documented
in docs/cli.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from django.utils.translation import gettext as _
from rich.table import Table
from rich.text import Text

from aandacht.cli import EXIT_USAGE, JsonFlag, app, emit_json, fail, out
from aandacht.cli_attention import attention_session, every

if TYPE_CHECKING:
    from aandacht.attention.report import Report

OVERDUE_SHOWN = 5


@app.command("report")
def attention_report(
    ctx: typer.Context,
    weeks: Annotated[
        int,
        typer.Option("--weeks", help="The period: this many weeks up to today (1–520)."),
    ] = 12,
    json_output: JsonFlag = False,
) -> None:
    """The attention report: who is within their cadence, how you kept in touch, what you gave."""
    from aandacht.attention import report
    from aandacht.attention import report_core as core

    if not 1 <= weeks <= core.MAX_WEEKS:
        fail(
            _("--weeks is a number of weeks from 1 to %(max)d, not %(weeks)d.")
            % {"max": core.MAX_WEEKS, "weeks": weeks},
            EXIT_USAGE,
        )
    session = attention_session(ctx)
    found = report.build(session.owner, session.vault, weeks)
    if json_output:
        emit_json(report.as_json(found))
        return
    _print(found)


def _print(found: Report) -> None:
    from aandacht.attention import report

    says = report.sentences(found)
    span = report.period_label(found.period)

    circles = Table(
        _("circle"),
        _("cadence"),
        _("people"),
        _("not overdue"),
        _("overdue, most first"),
        title=Text(_("Circles: who is overdue today"), style="bold"),
        title_justify="left",
    )
    circles.columns[2].justify = "right"
    circles.columns[3].justify = "right"
    for figures in found.circles:
        share = (
            f"{figures.share_pct}% ({figures.not_overdue}/{figures.counted})"
            if figures.share_pct is not None
            else "–"
        )
        people = str(figures.people)
        if figures.paused:
            people += " " + _("(%(count)d paused)") % {"count": figures.paused}
        late = ", ".join(
            _("%(name)s +%(days)d") % {"name": o.name, "days": o.days_overdue}
            for o in figures.overdue[:OVERDUE_SHOWN]
        )
        if len(figures.overdue) > OVERDUE_SHOWN:
            late += " " + _("and %(count)d more") % {"count": len(figures.overdue) - OVERDUE_SHOWN}
        circles.add_row(
            Text(figures.name, style="bold"),
            every(figures.cadence_days) if figures.cadence_days else _("personal"),
            people,
            share,
            Text(late),
        )
    out.print(circles)
    # The same sentences as under each circle on the page: whom each figure counts.
    for figures in found.circles:
        if figures.people:
            out.print(Text("· " + report.circle_sentence(figures, found.one_way_counts)))
    out.print()

    totals = Table(
        _("figure"),
        _("count"),
        _("what it counts"),
        title=Text(span, style="bold"),
        title_justify="left",
    )
    totals.columns[1].justify = "right"
    names = report.depth_names()
    rows: list[tuple[str, int, str]] = [
        (names[key], found.depth[key], says.depth if key == "deep" else "")
        for key in ("deep", "light", "cards_and_gifts")
    ]
    rows += [
        (_("started by you"), found.initiated["me"], says.initiated),
        (_("started by them"), found.initiated["them"], ""),
        (_("starter not recorded"), found.initiated["unknown"], ""),
        (_("conversations"), found.outcomes["conversations"], says.outcomes),
        (_("attempts"), found.outcomes["attempts"], ""),
        (_("one-way"), found.outcomes["one_way"], ""),
        (_("moments recorded"), found.moments["total"], says.moments),
        (_("cards"), found.cards, says.cards),
        (_("appreciation given"), found.appreciation, says.appreciation),
        (_("check-in steps completed"), found.check_in_steps, says.check_in_steps),
    ]
    for label, count, what in rows:
        totals.add_row(label, str(count), Text(what, style="dim"))
    out.print(totals)
    out.print()

    trend = Table(
        report.bucket_header(found.trend_step),
        names["deep"],
        names["light"],
        names["cards_and_gifts"],
        _("attempts"),
        title=Text(
            f"{report.trend_title(found)} · {report.period_label(found.trend_period)}",
            style="bold",
        ),
        caption=says.trend_depth,
        title_justify="left",
    )
    for column in trend.columns[1:]:
        column.justify = "right"
    for week in found.trend:
        trend.add_row(
            report.week_label(week.period),
            str(week.deep),
            str(week.light),
            str(week.cards_and_gifts),
            str(week.attempts),
        )
    out.print(trend)
