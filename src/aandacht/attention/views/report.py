"""The attention report page: per circle who is within their cadence and who is overdue, what
kind of contact there was over a period, what was given, and charts over the same period (per
week, or per few weeks for a long period).

Read-only, so viewers see it too; the vault is the current one (another vault is a 404). The
period comes from ``?period=`` (4 weeks, 12 weeks, 12 months); anything else is answered with
the default period, a 400 and the error next to the choice, never a 500.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from aandacht.attention import report
from aandacht.attention import report_core as core
from aandacht.web.access import current_vault, signed_in_user
from aandacht.web.kept_pages import kept_page

OVERDUE_SHOWN = 8


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("4w", _("the last 4 weeks")),
            ("12w", _("the last 12 weeks")),
            ("12m", _("the last 12 months (52 weeks)")),
        ],
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a period this report knows: choose 4 weeks, 12 weeks or "
                "12 months."
            )
        },
    )


@require_GET
@login_required
@kept_page
def report_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    vault = current_vault(request)
    raw = request.GET.get("period")
    form = PeriodForm({"period": raw if raw is not None else core.DEFAULT_PERIOD})
    valid = form.is_valid()
    key = form.cleaned_data["period"] if valid else core.DEFAULT_PERIOD
    figures = report.kept(user, vault, core.PERIODS[key])
    context = _context(figures)
    context.update(form=form, period_key=key)
    return render(request, "attention/report.html", context, status=200 if valid else 400)


def _context(figures: report.Report) -> dict[str, Any]:
    names = report.depth_names()
    circles = [
        {
            "figures": circle,
            "sentence": report.circle_sentence(circle, figures.one_way_counts),
            "shown": circle.overdue[:OVERDUE_SHOWN],
            "more": max(len(circle.overdue) - OVERDUE_SHOWN, 0),
            # Built from numbers and escaped text only (svg.py escapes every string).
            "chart": mark_safe(report.share_chart(figures, circle)),  # noqa: S308
            "weeks": [
                (report.week_label(week.period), share)
                for week, share in zip(figures.trend, circle.trend, strict=True)
            ],
        }
        for circle in figures.circles
    ]
    return {
        "vault": figures.vault,
        "report": figures,
        "span": report.period_label(figures.period),
        "trend_span": report.period_label(figures.trend_period),
        "trend_title": report.trend_title(figures),
        "share_caption": report.share_caption(figures),
        "depth_title": report.depth_title(figures),
        "bucket_header": report.bucket_header(figures.trend_step),
        "sentences": report.sentences(figures),
        "circles": circles,
        "depth": [(names[key], figures.depth[key], key) for key in names],
        "depth_chart": mark_safe(report.depth_chart(figures)),  # noqa: S308
        "weeks": [
            (report.week_label(week.period), week, week.deep + week.light + week.cards_and_gifts)
            for week in figures.trend
        ],
    }


urlpatterns: list[URLPattern] = [
    path("report/", report_page, name="report"),
]
