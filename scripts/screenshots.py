"""Render Aandacht's main pages into docs/screenshots/ (run by `make screenshots`).

Phone (390x844) and desktop (1280x800), light and dark, as
``docs/screenshots/<page>-<device>-<scheme>.png``. Separate from the tests: it starts the app on
a free port with a throwaway data directory, loads the English demo network with the clock
frozen at one moment (the server's clock through time-machine, the browser's through
Playwright), signs in as the owner and photographs each page. A page that does not exist (yet)
is skipped with a message. Uses Debian's Chromium, like the browser tests.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A Tuesday morning in spring; the demo's year of history ends the day before.
FROZEN = dt.datetime(2026, 5, 12, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
OWNER = "sam"
OWNER_NAME = "Sam"
PASSWORD = "screenshots-only-not-secret"  # noqa: S105 - a throwaway install, deleted afterwards


@dataclass(frozen=True)
class Device:
    name: str
    width: int
    height: int
    scale: int
    mobile: bool


DEVICES = (
    Device("phone", 390, 844, 2, True),
    Device("desktop", 1280, 800, 1, False),
)
SCHEMES = ("light", "dark")


def say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def child_environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "AANDACHT_DATA_DIR": str(data_dir),
            "DATABASE_URL": "",  # always a fresh SQLite file, whatever the shell says
            "AANDACHT_LANGUAGE": "en",
            "AANDACHT_TIME_ZONE": "Europe/Amsterdam",
            "AANDACHT_DEBUG": "false",
            "AANDACHT_LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "aandacht.settings",
        }
    )
    return env


@contextlib.contextmanager
def frozen_clock() -> Iterator[None]:
    import time_machine

    with time_machine.travel(FROZEN, tick=False):
        yield


def prepare() -> None:
    """In a child process: migrate, create the owner, load the demo; print the pages as JSON."""
    with frozen_clock():
        from aandacht import bootstrap

        bootstrap.setup_django()
        bootstrap.ensure_ready()
        from django.db.models import Count, Q
        from django.urls import NoReverseMatch, reverse

        from aandacht.accounts.services import ensure_local_owner
        from aandacht.demo import load_demo
        from aandacht.people.models import Person

        owner = ensure_local_owner()
        owner.username = OWNER
        owner.first_name = OWNER_NAME
        owner.set_password(PASSWORD)
        owner.save()
        demo = load_demo("en", owner, today=FROZEN.date())
        person = (
            Person.objects.in_vault(demo)
            .filter(archived=False, deceased=False)
            .annotate(contact=Count("interactions", distinct=True))
            .annotate(notes_count=Count("notes", distinct=True, filter=Q(notes__private=False)))
            .order_by("-contact", "-notes_count", "id")
            .first()
        )

        def url(name: str, *args: object) -> str | None:
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                return None

        vault = f"vault={demo.pk}"
        people = url("people:list")
        quick_add = url("people:quick_add")
        detail = url("people:detail", person.pk) if person is not None else None
        pages = {
            "home": f"{url('web:home')}?{vault}",
            "people": f"{people}?{vault}" if people else None,
            "person": detail,
            "quick-add": f"{quick_add}?{vault}" if quick_add else None,
            "today": f"{url('attention:today')}?{vault}",
            "calls": f"{url('attention:calls')}?{vault}",
            "circles": f"{url('attention:circles')}?{vault}",
            "lists": f"{url('attention:lists')}?{vault}",
            "agenda-settings": url("attention:settings"),
            "cards": f"{url('cards:season')}?{vault}" if url("cards:season") else None,
            "rounds": f"{url('rounds:list')}?{vault}" if url("rounds:list") else None,
            "report": f"{url('attention:report')}?{vault}" if url("attention:report") else None,
            "account": url("accounts:settings"),
            "vault-members": url("accounts:vault", demo.pk),
            "two-factor": url("accounts:two_factor"),
            "tokens": url("accounts:tokens"),
            "phone-address-book": url("accounts:carddav_setup"),
        }
        from aandacht.cards.models import Card, CardStatus
        from aandacht.rounds.models import CheckInRound, RoundStatus

        draft = Card.objects.filter(vault=demo, status=CardStatus.PLANNED).exclude(text="").first()
        if draft is not None:
            pages["card-writing"] = url("cards:write", draft.year, draft.person_id)
        active = CheckInRound.objects.filter(vault=demo, status=RoundStatus.ACTIVE).first()
        if active is not None:
            pages["round-board"] = url("rounds:board", active.pk)
        sys.stdout.write(json.dumps({"pages": pages, "login": url("accounts:login")}))


def serve(port: int) -> None:
    """In a child process: the app on ``port`` with the clock frozen."""
    with frozen_clock():
        from aandacht.cli import app

        app(["serve", "--host", "127.0.0.1", "--port", str(port)])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped early (exit {server.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer on port {port} within {timeout:.0f} seconds")


def shoot(base_url: str, pages: dict[str, str | None], login: str) -> list[Path]:
    """Every page on every device in both schemes; the login page signed out."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        session = sign_in(browser, base_url, login)
        for device in DEVICES:
            for scheme in SCHEMES:
                for state, plan in ((session, pages), (None, {"login": login})):
                    context = browser.new_context(
                        base_url=base_url,
                        viewport={"width": device.width, "height": device.height},
                        device_scale_factor=device.scale,
                        is_mobile=device.mobile,
                        has_touch=device.mobile,
                        color_scheme=scheme,
                        locale="en-GB",
                        timezone_id="Europe/Amsterdam",
                        storage_state=state,
                        service_workers="block",
                    )
                    page = context.new_page()
                    page.clock.set_fixed_time(FROZEN)
                    for name, path in plan.items():
                        target = OUTPUT / f"{name}-{device.name}-{scheme}.png"
                        if take(page, path, target):
                            written.append(target)
                    context.close()
        browser.close()
    return written


def take(page: Page, path: str | None, target: Path) -> bool:
    if path is None:
        say(f"skipped {target.name}: that page does not exist yet")
        return False
    response = page.goto(path, wait_until="networkidle")
    if response is None or response.status >= 400:
        status = response.status if response is not None else "no answer"
        say(f"skipped {target.name}: {path} answered {status}")
        return False
    page.screenshot(path=target, animations="disabled", caret="hide")
    say(f"wrote {target.relative_to(ROOT)}")
    return True


def sign_in(browser: Browser, base_url: str, login: str) -> Any:  # Playwright's StorageState
    """Sign in once; every context reuses the session cookie."""
    context = browser.new_context(base_url=base_url, locale="en-GB")
    page = context.new_page()
    page.goto(login)
    page.get_by_label("Username").fill(OWNER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    state = context.storage_state()
    context.close()
    return state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.prepare:
        prepare()
        return 0
    if arguments.serve:
        serve(arguments.serve)
        return 0

    if not Path(CHROMIUM).exists():
        say(f"{CHROMIUM} is missing: install Debian's chromium package first.")
        return 1
    data_dir = Path(tempfile.mkdtemp(prefix="aandacht-screenshots-"))
    env = child_environment(data_dir)
    server: subprocess.Popen[bytes] | None = None
    try:
        say(f"Preparing a demo install in {data_dir} (clock frozen at {FROZEN:%Y-%m-%d %H:%M})…")
        prepared = subprocess.run(
            [sys.executable, __file__, "--prepare"],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
        )
        plan = json.loads(prepared.stdout.decode().strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        wait_for(port, server)
        written = shoot(f"http://127.0.0.1:{port}", plan["pages"], plan["login"])
        say(f"{len(written)} screenshots in {OUTPUT.relative_to(ROOT)}/")
        return 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
