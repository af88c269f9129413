"""The ``aandacht`` console command: run the server, capture people, look them up, log contact.

The contract (see ``docs/cli.md``): ``--json`` output is plain JSON on stdout, messages go to
stderr, and the exit code says what happened (:data:`EXIT_OK`, :data:`EXIT_FAILED`,
:data:`EXIT_USAGE`, :data:`EXIT_REFUSED`). Every command prepares a fresh data directory on
first use through :mod:`aandacht.bootstrap`, and writes only through the service functions the
web app uses.

Help texts are English: Typer renders them before Django (and so its translations) is loaded.
Everything a command says once it runs goes through Django's ``gettext``.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, Literal, NoReturn

import typer
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

import aandacht

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from aandacht.accounts.models import Vault
    from aandacht.people.models import ImportantDate, Person
    from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

EXIT_OK = 0
EXIT_FAILED = 1  # not found, or it did not work
EXIT_USAGE = 2  # Typer's own code for a bad option or a missing argument
EXIT_REFUSED = 3  # the input was refused; nothing was written

BRIEFING_INTERACTIONS = 5

# Migration commands must see the real migration state, so `manage` does not migrate first.
MIGRATION_COMMANDS = frozenset(
    {"migrate", "showmigrations", "sqlmigrate", "makemigrations", "squashmigrations"}
)

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

app = typer.Typer(
    name="aandacht",
    help="Aandacht: real attention to one person at a time.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    # A traceback's local variables may hold personal data or secrets.
    pretty_exceptions_show_locals=False,
)


@dataclass(frozen=True)
class GlobalOptions:
    vault: str | None


@dataclass(frozen=True)
class Session:
    """Who the console acts as, and in which vault."""

    owner: User
    vault: Vault


JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
PrivateFlag = Annotated[
    bool, typer.Option("--private", help="Only you will ever see it, also in a shared vault.")
]
PersonArgument = Annotated[
    str, typer.Argument(help="An id, or a name that matches one person.", show_default=False)
]


# --- output -------------------------------------------------------------------------------


def emit_json(data: Any) -> None:
    """JSON on stdout, never through Rich: no wrapping, no colour, nothing else on the stream."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def emit_id(pk: int) -> None:
    sys.stdout.write(f"{pk}\n")


def say(message: str) -> None:
    err.print(Text(message), soft_wrap=True)


def fail(message: str, code: int = EXIT_FAILED, details: Iterable[str] = ()) -> NoReturn:
    err.print(Text(message, style="bold red"), soft_wrap=True)
    for line in details:
        err.print(Text(line), soft_wrap=True)
    raise typer.Exit(code)


def refuse(message: str, details: Iterable[str] = ()) -> NoReturn:
    """Input that cannot be right: exit 3, before anything is written."""
    fail(message, EXIT_REFUSED, details)


# --- setup --------------------------------------------------------------------------------


def configure() -> None:
    """Load Django's settings and apps, or say plainly what is wrong with the configuration."""
    from aandacht import bootstrap
    from aandacht.env import ConfigError

    try:
        bootstrap.setup_django()
    except ConfigError as error:
        # The settings did not load, so translations cannot either: plain English.
        fail(f"Configuration error: {error}")


def ready() -> User:
    """The migrated database and the local owner, or a clear message and exit 1."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from aandacht import bootstrap

    configure()
    try:
        return bootstrap.ensure_ready(notify=say)
    except (ImproperlyConfigured, DatabaseError) as error:
        if storage_fault_message(error) is not None:
            raise  # a full disk or a read-only database: main() says so
        fail(_("The database cannot be used: %(error)s") % {"error": error})


def open_session(ctx: typer.Context, *, write: bool = False) -> Session:
    """The owner and the vault chosen by ``--vault`` (or AANDACHT_VAULT), else their default."""
    from aandacht.accounts.models import Role
    from aandacht.accounts.services import (
        VaultNotFound,
        default_vault,
        role_in,
        vault_named,
        vaults_for,
    )

    owner = ready()
    options: GlobalOptions = ctx.find_object(GlobalOptions) or GlobalOptions(vault=None)
    if options.vault:
        try:
            vault = vault_named(owner, options.vault)
        except VaultNotFound:
            fail(
                _("There is no vault called “%(name)s”. These are yours:")
                % {"name": options.vault},
                details=[f"  {v.name}" for v in vaults_for(owner)],
            )
    else:
        vault = default_vault(owner)
    if write and role_in(owner, vault) == Role.VIEWER:
        fail(_("You may only read the vault “%(name)s”.") % {"name": vault.name})
    return Session(owner, vault)


# --- parsing and finding ------------------------------------------------------------------


EARLIEST_YEAR = 1900


def parse_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        refuse(_("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value})


def past_moment(day: dt.date) -> dt.datetime:
    """A logged day as a time: now for today, local noon for an earlier day."""
    from django.utils import timezone

    today = timezone.localdate()
    if day > today:
        refuse(
            _("%(date)s is in the future; log what already happened.") % {"date": day.isoformat()}
        )
    if day.year < EARLIEST_YEAR:
        # The same limit as the web form: an entry from 1066 is a typo, not a memory.
        refuse(_("%(date)s is too long ago; choose a date after 1900.") % {"date": day.isoformat()})
    if day == today:
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def check_choice(value: str, choices: Sequence[tuple[str, Any]], message: str) -> str:
    """A value from a TextChoices, or exit 3 with ``message`` and the choices explained.

    ``message`` is a whole sentence with ``%(value)s``: fragments do not translate well.
    """
    wanted = value.strip().lower()
    if wanted in {key for key, _label in choices}:
        return wanted
    refuse(
        message % {"value": value},
        details=[f"  {key:<14} {label}" for key, label in choices],
    )


def candidate_lines(people: Iterable[Person]) -> list[str]:
    lines = []
    for person in people:
        extra = f"  ({person.organisation})" if person.organisation else ""
        lines.append(f"  {person.pk:>6}  {person.name}{extra}")
    return lines


def resolve(vault: Vault, reference: str) -> Person:
    """One person from an id or an unambiguous name; otherwise exit 1 naming the candidates."""
    from aandacht.people.services import AmbiguousPerson, PersonNotFound, resolve_person

    try:
        return resolve_person(vault, reference)
    except PersonNotFound:
        fail(_("No one in “%(vault)s” matches “%(query)s”.") % {"vault": vault, "query": reference})
    except AmbiguousPerson as error:
        fail(
            _("“%(query)s” matches several people; use an id or a fuller name:")
            % {"query": reference},
            details=candidate_lines(error.candidates),
        )


# --- JSON shapes --------------------------------------------------------------------------


def local_iso(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).isoformat()


def person_ref(person: Person) -> dict[str, Any]:
    return {"id": person.pk, "name": person.name}


def person_data(person: Person) -> dict[str, Any]:
    from aandacht.people.models import ContactKind

    methods = list(person.contact_methods.all())
    return {
        "id": person.pk,
        "name": person.name,
        "given_name": person.given_name,
        "particles": person.particles,
        "family_name": person.family_name,
        "nickname": person.nickname,
        "pronouns": person.pronouns,
        "organisation": person.organisation,
        "job_title": person.job_title,
        "met": {
            "on": person.met_on.isoformat() if person.met_on else None,
            "at": person.met_at,
            "channel": person.met_channel,
            "via": person_ref(person.met_via) if person.met_via else None,
            "story": person.met_story,
        },
        "what_they_do": person.what_they_do,
        "what_they_care_about": person.what_they_care_about,
        "emails": [m.value for m in methods if m.kind == ContactKind.EMAIL],
        "phones": [m.value for m in methods if m.kind == ContactKind.PHONE],
        "links": [
            {"kind": m.kind, "service": m.service, "value": m.value}
            for m in methods
            if m.kind not in (ContactKind.EMAIL, ContactKind.PHONE)
        ],
        "addresses": [address.one_line for address in person.addresses.all()],
        "tags": sorted(tag.name for tag in person.tags.all()),
        "archived": person.archived,
        "deceased": person.deceased,
        "vault": {"id": person.vault_id, "name": person.vault.name},
        "added_at": local_iso(person.created_at),
    }


def interaction_data(interaction: Interaction) -> dict[str, Any]:
    return {
        "id": interaction.pk,
        "kind": interaction.kind,
        "outcome": interaction.outcome,
        "occurred_at": local_iso(interaction.occurred_at),
        "initiated_by": interaction.initiated_by or None,
        "summary": interaction.summary,
        "people": [person_ref(person) for person in interaction.people.all()],
    }


def note_data(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "person": person_ref(note.person),
        "body": note.body,
        "private": note.private,
        "occurred_at": local_iso(note.occurred_at),
    }


def moment_data(moment: Moment) -> dict[str, Any]:
    return {
        "id": moment.pk,
        "person": person_ref(moment.person),
        "kind": moment.kind,
        "text": moment.text,
        "private": moment.private,
        "occurred_at": local_iso(moment.occurred_at),
    }


def follow_up_data(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "id": follow_up.pk,
        "text": follow_up.text,
        "direction": follow_up.direction,
        "due_on": follow_up.due_on.isoformat() if follow_up.due_on else None,
        "occurred_at": local_iso(follow_up.occurred_at),
    }


# --- the briefing -------------------------------------------------------------------------


@dataclass(frozen=True)
class NextDate:
    date: ImportantDate
    on: dt.date
    days: int
    years: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.date.kind,
            "title": self.date.title,
            "date": self.on.isoformat(),
            "days": self.days,
            "years": self.years,
        }


@dataclass(frozen=True)
class Briefing:
    """What to know before talking to someone, for the terminal and for ``--json``."""

    person: Person
    interactions: list[Interaction]
    follow_ups: list[FollowUp]
    next_date: NextDate | None

    @classmethod
    def of(cls, person: Person) -> Briefing:
        from django.utils import timezone

        from aandacht.timeline.models import FollowUp, Interaction

        interactions = list(
            Interaction.objects.filter(people=person)
            .prefetch_related("people")
            .order_by("-occurred_at", "-id")[:BRIEFING_INTERACTIONS]
        )
        follow_ups = sorted(
            FollowUp.objects.filter(person=person, done_at__isnull=True),
            key=lambda f: (f.due_on is None, f.due_on or dt.date.max, f.occurred_at),
        )
        today = timezone.localdate()
        upcoming = [
            NextDate(
                date=item,
                on=(on := item.next_occurrence(today)),
                days=(on - today).days,
                years=on.year - item.year if item.year else None,
            )
            for item in person.important_dates.all()
        ]
        next_date = min(upcoming, key=lambda n: (n.on, n.date.pk), default=None)
        return cls(person, interactions, follow_ups, next_date)

    def as_json(self) -> dict[str, Any]:
        return {
            **person_data(self.person),
            "last_interactions": [interaction_data(i) for i in self.interactions],
            "open_follow_ups": [follow_up_data(f) for f in self.follow_ups],
            "next_important_date": self.next_date.as_json() if self.next_date else None,
        }

    def render(self, console: Console) -> None:
        from django.conf import settings
        from django.utils import timezone
        from django.utils.formats import date_format

        from aandacht.people.contact import format_phone
        from aandacht.people.models import ContactKind, DateKind

        person = self.person
        title = Text(person.name, style="bold")
        if person.nickname:
            title.append(f"  “{person.nickname}”", style="italic")
        title.append(f"  #{person.pk}", style="dim")
        console.print(title)
        if person.job_title and person.organisation:
            role = _("%(role)s at %(organisation)s") % {
                "role": person.job_title,
                "organisation": person.organisation,
            }
        else:
            role = person.job_title or person.organisation
        if role:
            console.print(Text(role))
        tags = sorted(tag.name for tag in person.tags.all())
        if tags:
            console.print(Text(", ".join(tags), style="cyan"))

        met = [
            (
                _("When"),
                date_format(person.met_on)
                if person.met_on
                else _("added on %(date)s") % {"date": date_format(person.created_at.date())},
            ),
            (_("Where"), person.met_at),
            (_("Channel"), person.get_met_channel_display() if person.met_channel else ""),
            (_("Introduced by"), person.met_via.name if person.met_via else ""),
        ]
        self._section(console, _("How we met"), met, person.met_story)
        words = [
            (_("What they do"), person.what_they_do),
            (_("What they care about"), person.what_they_care_about),
        ]
        self._section(console, _("In their words"), words)
        contact_rows: list[tuple[str, str]] = []
        for method in person.contact_methods.all():
            value = method.value
            if method.kind == ContactKind.PHONE:
                value = format_phone(method.value, settings.PHONE_REGION)
            contact_rows.append((method.label or str(method.get_kind_display()), value))
        contact_rows.extend(
            (address.label or _("address"), address.one_line) for address in person.addresses.all()
        )
        self._section(console, _("Contact"), contact_rows)

        rows = []
        for interaction in self.interactions:
            what = f"{interaction.get_kind_display()} · {interaction.get_outcome_display()}"
            if interaction.summary:
                what += f" — {interaction.summary}"
            when = date_format(timezone.localtime(interaction.occurred_at).date())
            rows.append((when, what))
        self._section(console, _("Last interactions"), rows)
        promises = []
        for follow_up in self.follow_ups:
            due = (
                _("due %(date)s") % {"date": date_format(follow_up.due_on)}
                if follow_up.due_on
                else ""
            )
            promises.append((str(follow_up.get_direction_display()), f"{follow_up.text}  {due}"))
        self._section(console, _("Open follow-ups"), promises)
        dates = []
        if self.next_date is not None:
            when = f"{date_format(self.next_date.on)} ({in_days(self.next_date.days)})"
            years = self.next_date.years
            if years and self.next_date.date.kind == DateKind.BIRTHDAY:
                when += ", " + _("turns %(count)d") % {"count": years}
            elif years:
                when += ", " + ngettext("%(count)d year", "%(count)d years", years) % {
                    "count": years
                }
            dates.append((self.next_date.date.title, when))
        self._section(console, _("Next important date"), dates)

    @staticmethod
    def _section(
        console: Console, heading: str, rows: Sequence[tuple[str, str]], story: str = ""
    ) -> None:
        console.print()
        console.print(Text(heading, style="bold underline"))
        filled = [(label, value) for label, value in rows if value]
        if not filled and not story:
            console.print(Text("  " + _("nothing yet"), style="dim"))
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for label, value in filled:
            grid.add_row(Text("  " + str(label)), Text(value))
        console.print(grid)
        if story:
            console.print(Padding(Text(story, style="italic"), (0, 0, 0, 2), expand=False))


def in_days(days: int) -> str:
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    return ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}


# --- commands -----------------------------------------------------------------------------


def show_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"aandacht {aandacht.__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    vault: Annotated[
        str | None,
        typer.Option(
            "--vault",
            envvar="AANDACHT_VAULT",
            help="The vault to use (its name, any case). Default: your first vault.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="Print the version and stop."
        ),
    ] = False,
    production: Annotated[
        bool,
        typer.Option(
            "--production",
            help="Production mode (as AANDACHT_PRODUCTION=1): secure cookies, HSTS, https only.",
        ),
    ] = False,
) -> None:
    """Aandacht: real attention to one person at a time.

    Every command uses the same data directory (AANDACHT_DATA_DIR) and database as the web
    app, and prepares it on first use.
    """
    if production:
        use_production_mode()
    ctx.obj = GlobalOptions(vault=vault)
    if ctx.invoked_subcommand == "serve":
        return  # `serve --production` must take effect before the settings load
    # Django first, so commands may import models; the database is prepared per command.
    configure()


def use_production_mode() -> None:
    """Switch production mode on for this process; only possible before the settings load."""
    import os

    from django.conf import settings

    if settings.configured:
        if not getattr(settings, "PRODUCTION", False):
            fail("--production comes too late: the settings are loaded already.")
        return
    os.environ["AANDACHT_PRODUCTION"] = "1"


def announce(listening: Sequence[tuple[str, int]]) -> None:
    """Where the server listens, and what production mode means; then how to stop it."""
    from django.conf import settings

    for listen_host, listen_port in listening:
        shown = f"[{listen_host}]" if ":" in listen_host else listen_host
        say(_("Aandacht is running at %(url)s") % {"url": f"http://{shown}:{listen_port}/"})
    if settings.PRODUCTION:
        say(
            _("Production mode: people use %(url)s, through a reverse proxy that speaks https.")
            % {"url": settings.BASE_URL}
        )
        if not settings.TRUSTED_PROXIES:
            # Not a refusal: a proxy may rewrite REMOTE_ADDR itself (PROXY protocol, a socket).
            say(
                _(
                    "Note: AANDACHT_TRUSTED_PROXIES is 0, so every visitor seems to come from "
                    "the proxy's address, and five failed sign-ins by anyone lock that address "
                    "for everyone. Set it to the number of proxies in front (usually 1)."
                )
            )
    say(_("Press Ctrl-C to stop."))


def check_port_free(host: str, port: int) -> None:
    """Say plainly that the address is taken, before gunicorn retries it for five seconds."""
    import socket

    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        fail(
            _("Cannot listen on %(host)s port %(port)d: %(error)s")
            % {"host": host, "port": port, "error": error.strerror or error}
        )
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            fail(
                _("Cannot listen on %(host)s port %(port)d: %(error)s")
                % {"host": host, "port": port, "error": error.strerror or error}
            )


def serve_production(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """gunicorn with pre-forked workers (aandacht.web.production); returns in the arbiter."""
    from aandacht.web import production as gunicorn_server

    check_port_free(host, port)
    options = gunicorn_server.ServeOptions(
        host=host,
        port=port,
        workers=workers or gunicorn_server.default_workers(),
        threads=threads or gunicorn_server.DEFAULT_THREADS,
    )
    code = gunicorn_server.run(options, announce, say)
    if code != EXIT_OK:
        raise typer.Exit(EXIT_FAILED)
    say(_("Stopped."))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="The port to listen on (0: any free port).")
    ] = 8000,
    production: Annotated[
        bool,
        typer.Option(
            "--production",
            help="Behind an https reverse proxy: secure cookies, HSTS, redirect to https. "
            "Needs AANDACHT_BASE_URL=https://…. Runs gunicorn with several worker processes.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Production: worker processes. Default: 2 × CPU cores + 1, at most 8.",
            show_default=False,
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Production: requests each worker serves at once. Default: 4.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the web app until Ctrl-C or SIGTERM: waitress in one process, or with
    --production gunicorn with several worker processes."""
    from django.conf import settings
    from waitress.server import MultiSocketServer, create_server

    if production:
        use_production_mode()
    configure()
    if not settings.PRODUCTION and (workers is not None or threads is not None):
        refuse(_("--workers and --threads go with --production (gunicorn)."))
    ready()
    if settings.PRODUCTION:
        from aandacht.web.production import is_loopback

        if not is_loopback(host):
            # Not a refusal: in a container the app binds 0.0.0.0 and the network isolates it.
            say(
                _(
                    "Warning: listening on %(host)s, not on 127.0.0.1. The X-Forwarded-Proto "
                    "header (and with AANDACHT_TRUSTED_PROXIES X-Forwarded-For) is believed "
                    "from every address, so this port must be reachable by the reverse proxy "
                    "only (a firewall or a private network); see docs/deployment.md."
                )
                % {"host": host}
            )
        serve_production(host, port, workers, threads)
        return
    # WhiteNoise warns about a missing STATIC_ROOT; the files come from the apps (finders).
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    from aandacht.web.memory import SettleMemory
    from aandacht.wsgi import application as django_application

    application = SettleMemory(django_application)
    try:
        # waitress spools a request body (up to 1 GB by default) before Django sees it. Up to
        # twice the import limit Django answers with its own page; beyond that waitress says
        # 413 at once (the upload page's script refuses such a file before sending it anyway).
        body_limit = 2 * int(settings.IMPORT_MAX_BYTES) + 1024 * 1024
        # waitress drops X-Forwarded-* headers by default; behind a reverse proxy Django needs
        # them (X-Forwarded-Proto for https, X-Forwarded-For for AANDACHT_TRUSTED_PROXIES) and
        # decides itself which to believe.
        behind_proxy = bool(settings.PRODUCTION or settings.TRUSTED_PROXIES)
        server = create_server(
            application,
            host=host,
            port=port,
            max_request_body_size=body_limit,
            clear_untrusted_proxy_headers=not behind_proxy,
        )
    except OSError as error:
        fail(
            _("Cannot listen on %(host)s port %(port)d: %(error)s")
            % {"host": host, "port": port, "error": error.strerror or error}
        )
    if isinstance(server, MultiSocketServer):
        listening = list(server.effective_listen)
    else:
        # waitress sets these on a bound server; the stubs do not declare them.
        listening = [(str(server.effective_host), int(server.effective_port))]  # type: ignore[attr-defined]
    announce(listening)

    def stop(signum: int, frame: FrameType | None) -> None:
        # waitress's run() catches SystemExit and shuts its worker threads down cleanly.
        raise SystemExit(EXIT_OK)

    previous = signal.signal(signal.SIGTERM, stop)
    # Due digests go out from a background thread (one process per database holds its lease);
    # AANDACHT_SCHEDULER=off leaves them to `aandacht digest` in cron.
    from aandacht.attention import background

    background.start_background()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if not isinstance(server, MultiSocketServer):
            server.close()  # MultiSocketServer.run() closes its sockets itself
        background.stop_background()
    say(_("Stopped."))


@app.command()
def demo(
    lang: Annotated[
        Literal["en", "nl"], typer.Option(help="The language of the demo network.")
    ] = "en",
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Delete the demo vault and build it afresh.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Load the demo network into its own vault (idempotent) and summarise it."""
    from aandacht.accounts.models import Vault
    from aandacht.people.models import Person
    from aandacht.timeline.models import FollowUp, Interaction, Moment, Note

    owner = ready()
    from aandacht.demo import load_demo  # lazily: the demo is big and only needed here

    existed = Vault.objects.filter(is_demo=True).exists()
    if not existed or rebuild:
        say(_("Loading the demo network…"))
    vault = load_demo(lang, owner, rebuild=rebuild)
    counts = {
        "people": Person.objects.in_vault(vault).count(),
        "interactions": Interaction.objects.filter(vault=vault).count(),
        "notes": Note.objects.filter(vault=vault).count(),
        "moments": Moment.objects.filter(vault=vault).count(),
        "open_follow_ups": FollowUp.objects.filter(vault=vault, done_at__isnull=True).count(),
    }
    created = rebuild or not existed
    if json_output:
        emit_json({"vault": {"id": vault.pk, "name": vault.name}, "created": created, **counts})
        return
    summary = (
        _("The demo vault “%(name)s” is ready")
        if created
        else _("The demo vault “%(name)s” exists")
    ) % {"name": vault.name}
    counted = (
        _(
            "%(people)d people, %(interactions)d interactions, %(notes)d notes, "
            "%(moments)d moments, %(open_follow_ups)d open follow-ups."
        )
        % counts
    )
    out.print(Text(f"{summary}: {counted}"), soft_wrap=True)
    say(_("Try: aandacht --vault %(name)s find …") % {"name": vault.name})


@app.command(
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "help_option_names": [],  # `aandacht manage --help` is Django's help
    }
)
def manage(ctx: typer.Context) -> None:
    """Run a Django management command: aandacht manage createsuperuser, migrate, check…"""
    from aandacht import bootstrap

    arguments = list(ctx.args)
    if not arguments or arguments[0] not in MIGRATION_COMMANDS:
        # Migrate first, but create no owner: `manage createsuperuser` may make the first user.
        bootstrap.ensure_database(notify=say)
    from django.core.management import ManagementUtility

    # Django exits with its own code (1 on a CommandError).
    ManagementUtility(["aandacht manage", *arguments]).execute()


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The full name, e.g. “Denise van Iersel”.")],
    met: Annotated[
        str, typer.Option("--met", help="The place or event where you met.", show_default=False)
    ] = "",
    met_on: Annotated[
        str | None,
        typer.Option("--met-on", help="The day you met (YYYY-MM-DD).", show_default=False),
    ] = None,
    channel: Annotated[
        str,
        typer.Option(
            help="How you know them: conference, meetup, twitter, linkedin, …",
            show_default=False,
        ),
    ] = "",
    via: Annotated[
        str | None,
        typer.Option("--via", help="Who introduced you (an id or a name).", show_default=False),
    ] = None,
    org: Annotated[str, typer.Option("--org", help="Their organisation.", show_default=False)] = "",
    role: Annotated[str, typer.Option(help="Their role or job title.", show_default=False)] = "",
    nickname: Annotated[str, typer.Option(help="What people call them.", show_default=False)] = "",
    email: Annotated[
        list[str] | None,
        typer.Option("--email", help="An email address (repeatable).", show_default=False),
    ] = None,
    phone: Annotated[
        list[str] | None,
        typer.Option("--phone", help="A phone number (repeatable).", show_default=False),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="A tag (repeatable).", show_default=False)
    ] = None,
    family: Annotated[
        str | None,
        typer.Option(
            "--family",
            help="The family name, when the split of NAME would be wrong.",
            show_default=False,
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Add a person; prints the new id. The name is split Dutch-style (“van”, “de”…)."""
    from django.conf import settings

    from aandacht.people import contact
    from aandacht.people.models import Channel
    from aandacht.people.services import create_person

    session = open_session(ctx, write=True)
    if not name.strip():
        refuse(_("A person needs a name."))
    chosen_channel = (
        check_choice(
            channel,
            Channel.choices,
            _("Unknown channel “%(value)s”; nothing was added. Use one of:"),
        )
        if channel
        else ""
    )
    met_day = parse_day(met_on) if met_on else None
    emails = [value for value in email or [] if value.strip()]
    phones = [value for value in phone or [] if value.strip()]
    for value in emails:
        try:
            contact.normalize_email(value)
        except contact.InvalidContact:
            refuse(_("“%(value)s” is not an email address; nothing was added.") % {"value": value})
    for value in phones:
        try:
            contact.normalize_phone(value, settings.PHONE_REGION)
        except contact.InvalidContact:
            refuse(_("“%(value)s” is not a phone number; nothing was added.") % {"value": value})
    introducer = resolve(session.vault, via) if via else None
    try:
        person = create_person(
            session.vault,
            name,
            family_name=family,
            nickname=nickname,
            organisation=org,
            job_title=role,
            met_at=met,
            met_channel=chosen_channel,
            met_on=met_day,
            met_via=introducer,
            emails=emails,
            phones=phones,
            tags=tag or [],
        )
    except ValueError as error:  # the service checks before it writes
        refuse(_("Nothing was added: %(reason)s") % {"reason": error})
    if json_output:
        emit_json(person_data(person))
    else:
        emit_id(person.pk)
    say(_("Added %(name)s to “%(vault)s”.") % {"name": person.name, "vault": session.vault})


@app.command()
def find(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Part of a name, a typo, a place, a detail…")],
    limit: Annotated[int, typer.Option(min=1, help="At most this many people.")] = 10,
    json_output: JsonFlag = False,
) -> None:
    """Find people, best match first: half a name, a typo, the event where you met…"""
    from aandacht.people.search import search_people

    session = open_session(ctx)
    hits = search_people(session.vault, query, limit=limit)
    if json_output:
        emit_json(
            [
                {
                    "id": hit.person.pk,
                    "name": hit.person.name,
                    "score": round(hit.score, 3),
                    "nickname": hit.person.nickname,
                    "organisation": hit.person.organisation,
                    "archived": hit.person.archived,
                }
                for hit in hits
            ]
        )
        return
    if not hits:
        say(
            _("No one in “%(vault)s” matches “%(query)s”.")
            % {"vault": session.vault, "query": query}
        )
        return
    table = Table(_("id"), _("name"), _("nickname"), _("organisation"), _("match"))
    table.columns[0].justify = "right"
    table.columns[4].justify = "right"
    for hit in hits:
        table.add_row(
            str(hit.person.pk),
            Text(hit.person.name, style="dim" if hit.person.archived else ""),
            Text(hit.person.nickname),
            Text(hit.person.organisation),
            f"{hit.score:.0%}",
        )
    out.print(table)


@app.command()
def who(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="An id, or any part of a name.")],
    json_output: JsonFlag = False,
) -> None:
    """A briefing on the best match: how you met, their words, your last contact, promises."""
    from aandacht.people.models import Person
    from aandacht.people.search import search_people
    from aandacht.web.access import positive_id

    session = open_session(ctx)
    others: list[Person] = []
    person: Person | None
    person_id = positive_id(name.strip())
    if person_id is not None:
        person = Person.objects.in_vault(session.vault).filter(pk=person_id).first()
    else:
        hits = search_people(session.vault, name, limit=4)
        person = hits[0].person if hits else None
        others = [hit.person for hit in hits[1:]]
    if person is None:
        fail(
            _("No one in “%(vault)s” matches “%(query)s”.")
            % {"vault": session.vault, "query": name}
        )
    person = (
        Person.objects.select_related("met_via", "vault")
        .prefetch_related("contact_methods", "addresses", "tags", "important_dates")
        .get(pk=person.pk)
    )
    briefing = Briefing.of(person)
    if json_output:
        emit_json(briefing.as_json())
    else:
        briefing.render(out)
    if others:
        say(_("Also matching:"))
        for line in candidate_lines(others):
            say(line)


@app.command()
def log(
    ctx: typer.Context,
    person: PersonArgument,
    kind: Annotated[
        str,
        typer.Option(
            help="call, voicemail, meeting, video, message, email, card or gift.",
            show_default=False,
        ),
    ],
    outcome: Annotated[
        str | None,
        typer.Option(
            help="conversation, attempt or one-way. Default: from the kind (voicemail: attempt).",
            show_default=False,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="The day it happened (YYYY-MM-DD). Default: now.", show_default=False),
    ] = None,
    initiated_by: Annotated[
        str | None,
        typer.Option("--initiated-by", help="Who reached out: me or them.", show_default=False),
    ] = None,
    summary: Annotated[str, typer.Option(help="What you talked about.", show_default=False)] = "",
    json_output: JsonFlag = False,
) -> None:
    """Log a call, meeting or message with someone; prints the new id."""
    from aandacht.timeline.models import Initiator, InteractionKind, Outcome
    from aandacht.timeline.services import log_interaction

    session = open_session(ctx, write=True)
    chosen_kind = check_choice(
        kind,
        InteractionKind.choices,
        _("Unknown kind “%(value)s”; nothing was logged. Use one of:"),
    )
    chosen_outcome = (
        check_choice(
            outcome,
            Outcome.choices,
            _("Unknown outcome “%(value)s”; nothing was logged. Use one of:"),
        )
        if outcome
        else None
    )
    initiator = (
        check_choice(
            initiated_by,
            [(key, label) for key, label in Initiator.choices if key],
            _("“%(value)s” is not me or them; nothing was logged."),
        )
        if initiated_by
        else Initiator.UNKNOWN
    )
    occurred_at = past_moment(parse_day(date)) if date else None
    someone = resolve(session.vault, person)
    try:
        interaction = log_interaction(
            session.vault,
            [someone],
            chosen_kind,
            outcome=chosen_outcome,
            occurred_at=occurred_at,
            initiated_by=initiator,
            summary=summary,
            author=session.owner,
        )
    except ValueError as error:
        refuse(_("Nothing was logged: %(reason)s") % {"reason": error})
    if json_output:
        emit_json(interaction_data(interaction))
    else:
        emit_id(interaction.pk)
    say(
        _("Logged %(kind)s (%(outcome)s) with %(name)s.")
        % {
            "kind": interaction.get_kind_display(),
            "outcome": interaction.get_outcome_display(),
            "name": someone.name,
        }
    )


@app.command()
def note(
    ctx: typer.Context,
    person: PersonArgument,
    text: Annotated[str, typer.Argument(help="The note.")],
    private: PrivateFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Add a note to someone's timeline; prints the new id."""
    from aandacht.timeline.services import add_note

    session = open_session(ctx, write=True)
    if not text.strip():
        refuse(_("A note cannot be empty."))
    someone = resolve(session.vault, person)
    created = add_note(session.vault, someone, text, private=private, author=session.owner)
    if json_output:
        emit_json(note_data(created))
    else:
        emit_id(created.pk)
    say(_("Noted for %(name)s.") % {"name": someone.name})


@app.command()
def moment(
    ctx: typer.Context,
    person: PersonArgument,
    text: Annotated[str, typer.Argument(help="What you shared, are grateful for or admire.")],
    kind: Annotated[str, typer.Option(help="shared, grateful or strength.")] = "shared",
    private: PrivateFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Keep a moment worth telling someone one day; prints the new id."""
    from aandacht.timeline.models import MomentKind
    from aandacht.timeline.services import add_moment

    session = open_session(ctx, write=True)
    chosen_kind = check_choice(
        kind, MomentKind.choices, _("Unknown kind of moment “%(value)s”; nothing was kept. Use:")
    )
    if not text.strip():
        refuse(_("A moment cannot be empty."))
    someone = resolve(session.vault, person)
    created = add_moment(
        session.vault, someone, text, kind=chosen_kind, private=private, author=session.owner
    )
    if json_output:
        emit_json(moment_data(created))
    else:
        emit_id(created.pk)
    say(_("Kept a moment for %(name)s.") % {"name": someone.name})


# The keep-in-touch commands live in their own modules and register themselves on ``app``.
import aandacht.cli_report  # noqa: E402, F401
from aandacht import (  # noqa: E402, F401
    cli_account,
    cli_attention,
    cli_backup,
    cli_digest,
    cli_export,
    cli_import,
    cli_tokens,
    cli_transfer,
    cli_users,
    cli_vaults,
)


def database_description() -> str:
    """The configured database for a message: the SQLite file, or the server's URL without
    its password."""
    from django.conf import settings

    config = settings.DATABASES["default"]
    if "sqlite" in str(config.get("ENGINE", "")):
        return str(config.get("NAME", ""))
    user = f"{config['USER']}@" if config.get("USER") else ""
    port = f":{config['PORT']}" if config.get("PORT") else ""
    host = config.get("HOST") or "localhost"
    return f"postgres://{user}{host}{port}/{config.get('NAME', '')}"


def _from_the_database(error: BaseException) -> bool:
    """Whether the database refused the write (rather than a file of the command's own)."""
    import sqlite3

    from django.db import Error as DjangoDatabaseError

    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, DjangoDatabaseError | sqlite3.Error):
            return True
        if type(cause).__module__.startswith("psycopg"):
            return True
        cause = cause.__cause__
    return False


def storage_fault_message(error: BaseException) -> str | None:
    """One line for a write refused by a full disk or a read-only database or file system
    (recognised as web/faults.py does), or ``None`` for any other error."""
    from django.conf import settings

    if not settings.configured:  # before Django: no translations, no database yet
        return None
    from aandacht.web.faults import Fault, fault_of

    fault = fault_of(error)
    if fault is None:
        return None
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__
    if isinstance(cause, OSError) and cause.filename:
        where = {"path": str(cause.filename)}
        if fault is Fault.DISK_FULL:
            return (
                _(
                    "Nothing was saved: the disk that holds “%(path)s” is full. Free some space "
                    "on it and try again."
                )
                % where
            )
        return (
            _(
                "Nothing was saved: “%(path)s” is on a read-only file system. Make it writable "
                "and try again."
            )
            % where
        )
    if not _from_the_database(error):
        # A file without a name (a redirected output, a stream already open): not the
        # database's disk, and the file may be partly written.
        if fault is Fault.DISK_FULL:
            return _(
                "A file could not be written: the disk is full. Free some space and try again."
            )
        return _("A file could not be written: the file system is read-only.")
    where = {"database": database_description()}
    if fault is Fault.DISK_FULL:
        return (
            _(
                "Nothing was saved: the disk that holds the database %(database)s is full. Free "
                "some space on it and try again."
            )
            % where
        )
    return (
        _(
            "Nothing was saved: the database %(database)s is read-only. Make it (and its folder) "
            "writable for this user, or point DATABASE_URL at a writable database, and try again."
        )
        % where
    )


def main() -> None:
    """The console script: ``aandacht``.

    A write refused by a full disk or a read-only database is the machine's condition, not a
    bug: one line saying so (which database, what to do) and exit 1, instead of a traceback.
    Every command's writes are transactional, so nothing was half written."""
    try:
        app()
    except Exception as error:
        message = storage_fault_message(error)
        if message is None:
            raise
        err.print(Text(message, style="bold red"), soft_wrap=True)
        sys.exit(EXIT_FAILED)


if __name__ == "__main__":
    # `python -m aandacht.cli` runs this file as __main__, while the command modules above
    # register on the importable `aandacht.cli.app`: run that one, with all its commands.
    from aandacht.cli import main as main_with_all_commands

    main_with_all_commands()
