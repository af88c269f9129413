"""Commands registered on ``aandacht.cli.app`` (imported at the end of cli.py).

``aandacht digest`` sends the digest emails that are due, for cron or a systemd timer (with
``AANDACHT_SCHEDULER=off``), or to see what would go out (``--dry-run``).
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.rule import Rule
from rich.text import Text

from aandacht.cli import EXIT_FAILED, JsonFlag, app, emit_json, out, ready, refuse, say

if TYPE_CHECKING:
    from aandacht.attention.digest import DigestResult


def parse_moment(value: str) -> dt.datetime:
    """An ISO date and time; without an offset it is read in the instance's time zone."""
    from django.utils import timezone

    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        refuse(
            _("“%(value)s” is not a moment; write it as YYYY-MM-DDTHH:MM, optionally with +01:00.")
            % {"value": value}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@app.command()
def digest(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the due digests instead of sending them."),
    ] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Act as if it were this moment (ISO, e.g. 2026-11-23T07:45). Default: now.",
            show_default=False,
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Send the digest emails that are due (each at most once per day or week)."""
    from django.conf import settings
    from django.core.mail import get_connection

    from aandacht.attention.digest import send_due_digests

    ready()
    moment = parse_moment(now) if now is not None else None
    # The console backend (no EMAIL_URL) would print the mail on stdout, amid the results.
    connection = get_connection(stream=sys.stderr)
    results = send_due_digests(moment, dry_run=dry_run, connection=connection)
    if json_output:
        emit_json([result.as_json() for result in results])
    elif dry_run:
        for result in results:
            if result.message is None:
                continue
            out.print(Rule(style="dim"))
            out.print(Text(_("To: %(email)s") % {"email": result.email}), soft_wrap=True)
            out.print(Text(_("Subject: %(subject)s") % {"subject": result.subject}), soft_wrap=True)
            out.print()
            out.print(Text(str(result.message.body)), soft_wrap=True)
    if "console" in settings.EMAIL_BACKEND and not dry_run and results:
        say(_("EMAIL_URL is not set: the digests were printed, not sent."))
    summarise(results, dry_run=dry_run)
    if any(result.status == "failed" for result in results):
        raise typer.Exit(EXIT_FAILED)


def summarise(results: list[DigestResult], *, dry_run: bool) -> None:
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    if not results:
        say(_("No digest is due."))
        return
    if dry_run and counts.get("dry_run"):
        count = counts["dry_run"]
        say(
            ngettext(
                "%(count)d digest is due; nothing was sent.",
                "%(count)d digests are due; nothing was sent.",
                count,
            )
            % {"count": count}
        )
    if counts.get("sent"):
        count = counts["sent"]
        say(ngettext("Sent %(count)d digest.", "Sent %(count)d digests.", count) % {"count": count})
    if counts.get("empty"):
        count = counts["empty"]
        say(
            ngettext(
                "%(count)d digest had nothing to say and was not sent.",
                "%(count)d digests had nothing to say and were not sent.",
                count,
            )
            % {"count": count}
        )
    if counts.get("taken"):
        count = counts["taken"]
        say(
            ngettext(
                "%(count)d digest was being sent by another process.",
                "%(count)d digests were being sent by another process.",
                count,
            )
            % {"count": count}
        )
    for result in results:
        if result.status == "failed":
            say(
                _("The digest for %(email)s was not sent (%(error)s); the next run tries again.")
                % {"email": result.email, "error": result.error}
            )
