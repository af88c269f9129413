"""Drive vdirsyncer, the real CardDAV sync client, against a server on loopback.

vdirsyncer runs as a subprocess (``.venv/bin/vdirsyncer -c CONFIG``) with its own HOME, a
timeout on every call, and proxies switched off (aiohttp trusts the environment). The remote
storage is configured with the server's *root* URL only: vdirsyncer has to find the address
book through discovery (current-user-principal, addressbook-home-set, the collections), the
way a user types a server address into a phone.

Also here: a Radicale reference server (``radicale_server``) so the scenarios can be checked
against a known-good CardDAV server, and small HTTP helpers for it.
"""

from __future__ import annotations

import base64
import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import vobject

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from aandacht.accounts.models import Vault

BIN = Path(sys.executable).parent
VDIRSYNCER = BIN / "vdirsyncer"
TIMEOUT = 120  # seconds, for any one vdirsyncer or server call: a hang fails, never blocks
PAIR = "contacts"
# Warnings that say nothing about the server: vdirsyncer 0.21 logs the first on every DELETE
# *with* an ETag (its condition is inverted); the second when discovery creates the local
# folder (``implicit = "create"``), as it must on a first run.
HARMLESS_WARNINGS = ("Deleting an item with no etag.", "found for storage local.")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def quiet_environment(home: Path) -> dict[str, str]:
    """The environment for a client subprocess: its own HOME, no proxy for loopback."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().endswith("_proxy") and not key.startswith("VDIRSYNCER")
    }
    env.update(HOME=str(home), NO_PROXY="127.0.0.1,localhost", LC_ALL="C.UTF-8")
    return env


def verbosity() -> list[str]:
    """``AANDACHT_VDIRSYNCER_DEBUG=1`` makes vdirsyncer log every request and answer (shown
    when a run fails): the first thing to look at when a sync goes wrong."""
    return ["-v", "debug"] if os.environ.get("AANDACHT_VDIRSYNCER_DEBUG") == "1" else []


@dataclass(frozen=True)
class Remote:
    """Where a CardDAV server answers and who signs in."""

    root_url: str  # the server's root: vdirsyncer discovers the rest
    username: str
    password: str


@dataclass(frozen=True)
class LiveDav:
    """A running Aandacht: its root URL, a user, their vault and their write token's secret."""

    url: str
    user: User
    vault: Vault
    token: str


class VdirsyncerFailed(AssertionError):
    """vdirsyncer exited non-zero or logged a warning or error: the output says why."""


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def complaints(self) -> list[str]:
        """vdirsyncer's warning, error and critical lines (it logs to stderr)."""
        lines = (self.stdout + "\n" + self.stderr).splitlines()
        return [
            line
            for line in lines
            if line.split(":", 1)[0].strip() in {"warning", "error", "critical"}
            and not any(harmless in line for harmless in HARMLESS_WARNINGS)
        ]

    @property
    def actions(self) -> list[str]:
        """What the sync did: "Copying (uploading|updating|downloading) item …", "Deleting
        item …" lines; none means both sides were already in step."""
        return [
            line for line in self.stderr.splitlines() if line.startswith(("Copying", "Deleting"))
        ]

    def describe(self) -> str:
        return (
            f"vdirsyncer {' '.join(self.args)} exited {self.returncode}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


@dataclass
class Vdirsyncer:
    """One vdirsyncer installation: a config, a status folder and a local vdir."""

    root: Path
    remote: Remote
    conflict_resolution: str | None = None
    vcard_4: bool = False  # ask for vCard 4.0 (address-data version="4.0" in multigets)
    metadata: tuple[str, ...] = ()  # e.g. ("displayname",) for ``metasync``
    history: list[Run] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.home = self.root / "home"
        self.home.mkdir(exist_ok=True)
        self.local = self.root / "contacts"
        self.status = self.root / "status"
        self.config = self.root / "config"
        self.write_config()

    def write_config(self, conflict_resolution: str | None = None) -> None:
        """(Re)write the config; ``conflict_resolution`` is "a wins", "b wins" or None."""
        if conflict_resolution is not None:
            self.conflict_resolution = conflict_resolution
        pair = [
            f"[pair {PAIR}]",
            'a = "local"',
            'b = "remote"',
            'collections = ["from b"]',
            'implicit = "create"',
        ]
        if self.conflict_resolution:
            pair.append(f'conflict_resolution = "{self.conflict_resolution}"')
        if self.metadata:
            pair.append("metadata = [" + ", ".join(f'"{key}"' for key in self.metadata) + "]")
        remote = [
            "[storage remote]",
            'type = "carddav"',
            f'url = "{self.remote.root_url}"',
            f'username = "{self.remote.username}"',
            f'password = "{self.remote.password}"',
        ]
        if self.vcard_4:
            remote.append("use_vcard_4 = true")
        local = [
            "[storage local]",
            'type = "filesystem"',
            f'path = "{self.local}/"',
            'fileext = ".vcf"',
        ]
        general = ["[general]", f'status_path = "{self.status}/"']
        sections = (general, pair, local, remote)
        self.config.write_text(
            "\n\n".join("\n".join(lines) for lines in sections) + "\n", encoding="utf-8"
        )

    def run(self, *args: str, check: bool = True) -> Run:
        """Run vdirsyncer; with ``check``, a non-zero exit or any warning fails the test."""
        try:
            completed = subprocess.run(
                [str(VDIRSYNCER), *verbosity(), "-c", str(self.config), *args],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                env=quiet_environment(self.home),
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired as timeout:
            raise VdirsyncerFailed(
                f"vdirsyncer {' '.join(args)} did not finish in {TIMEOUT} s:\n"
                f"{timeout.stdout!r}\n{timeout.stderr!r}"
            ) from None
        run = Run(tuple(args), completed.returncode, completed.stdout, completed.stderr)
        self.history.append(run)
        if check and (run.returncode != 0 or run.complaints):
            raise VdirsyncerFailed(run.describe())
        return run

    def discover(self) -> Run:
        return self.run("discover", "--no-list", PAIR)

    def sync(self) -> Run:
        return self.run("sync", PAIR)

    def settle(self, limit: int = 4) -> int:
        """Sync until a sync has nothing to do; how many syncs that took.

        A server that stores a PUT body differently answers without an ETag, so vdirsyncer
        fetches the server's version on the next sync (RFC 6352 §6.3.2.3): an upload can take
        two syncs to settle, never more than a few.
        """
        for count in range(1, limit + 1):
            if not self.sync().actions:
                return count
        raise AssertionError(f"{limit} syncs in a row still copied or deleted items")

    # --- the local vdir ---------------------------------------------------------------------

    def collections(self) -> dict[str, Path]:
        """Every collection folder discovery made, by name (the server's collection name)."""
        if not self.local.exists():
            return {}
        return {path.name: path for path in sorted(self.local.iterdir()) if path.is_dir()}

    @property
    def collection(self) -> Path:
        """The one collection folder (most scenarios sync one address book)."""
        folders = list(self.collections().values())
        assert len(folders) == 1, f"expected one local collection, found {folders}"
        return folders[0]

    def files(self, folder: Path | None = None) -> dict[str, str]:
        """File name → text of every card in ``folder`` (default: the one collection)."""
        return {
            path.name: path.read_text(encoding="utf-8")
            for path in sorted((folder or self.collection).glob("*.vcf"))
        }

    def snapshot(self) -> dict[str, tuple[int, int, str]]:
        """File name → (inode, mtime, text): equal snapshots mean nothing was rewritten."""
        result = {}
        for path in sorted(self.collection.glob("*.vcf")):
            stat = path.stat()
            result[path.name] = (stat.st_ino, stat.st_mtime_ns, path.read_text(encoding="utf-8"))
        return result

    def cards(self, folder: Path | None = None) -> dict[str, LocalCard]:
        """UID → the parsed local card; duplicate UIDs fail."""
        found: dict[str, LocalCard] = {}
        for name, text in self.files(folder).items():
            card = LocalCard.parse(name, text)
            assert card.uid not in found, f"UID {card.uid} twice: {found[card.uid].name}, {name}"
            found[card.uid] = card
        return found

    def write(self, name: str, text: str) -> Path:
        """Write a local card as an editor would: a new file replacing the old one (new inode,
        later mtime), so vdirsyncer's mtime+inode ETag surely changes."""
        target = self.collection / name
        scratch = self.collection / f".{name}.{uuid.uuid4().hex}.tmp"
        scratch.write_text(text, encoding="utf-8", newline="")
        os.replace(scratch, target)
        later = time.time_ns() + 2_000_000_000
        os.utime(target, ns=(later, later))
        return target

    def remove(self, name: str) -> None:
        (self.collection / name).unlink()


@dataclass(frozen=True)
class LocalCard:
    """A card as the test oracle (vobject) reads it."""

    name: str
    text: str
    uid: str
    fn: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]

    @classmethod
    def parse(cls, name: str, text: str) -> LocalCard:
        card = vobject.readOne(text)
        return cls(
            name=name,
            text=text,
            uid=str(card.uid.value),
            fn=str(card.fn.value),
            emails=tuple(str(line.value) for line in card.contents.get("email", [])),
            phones=tuple(str(line.value) for line in card.contents.get("tel", [])),
        )

    def lines(self) -> list[str]:
        """Unfolded content lines."""
        return unfold(self.text)


def unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw[:1] in {" ", "\t"} and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def edit_card(text: str, *, drop: tuple[str, ...] = (), add: tuple[str, ...] = ()) -> str:
    """A card's text with the lines whose name is in ``drop`` removed and ``add`` inserted
    before END:VCARD (CRLF line ends, as vCard wants)."""
    kept = [
        line
        for line in unfold(text)
        if line.split(":", 1)[0].split(";", 1)[0].upper() not in {name.upper() for name in drop}
    ]
    end = kept.index("END:VCARD")
    return "\r\n".join([*kept[:end], *add, *kept[end:]]) + "\r\n"


def new_card(uid: str, fn: str, family: str, given: str, *lines: str) -> str:
    return (
        "\r\n".join(
            [
                "BEGIN:VCARD",
                "VERSION:3.0",
                f"UID:{uid}",
                f"FN:{fn}",
                f"N:{family};{given};;;",
                *lines,
                "END:VCARD",
            ]
        )
        + "\r\n"
    )


# --- Radicale, the reference server ----------------------------------------------------------


@dataclass
class RadicaleServer:
    """A Radicale on loopback (anyone may sign in; each user owns /<user>/)."""

    port: int
    storage: Path
    process: subprocess.Popen[bytes]

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        user: str = "alice",
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            auth = base64.b64encode(f"{user}:secret".encode()).decode()
            connection.request(
                method,
                path,
                body=body,
                headers={"Authorization": f"Basic {auth}", **(headers or {})},
            )
            response = connection.getresponse()
            return (
                response.status,
                {key.lower(): value for key, value in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()

    def make_address_book(self, user: str, name: str) -> str:
        path = f"/{user}/{name}/"
        body = (
            b'<?xml version="1.0" encoding="utf-8"?>'
            b'<mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><set><prop>'
            b"<resourcetype><collection/><C:addressbook/></resourcetype>"
            b"<displayname>Contacts</displayname></prop></set></mkcol>"
        )
        status, _, answer = self.request("MKCOL", path, body, user=user)
        assert status == 201, (status, answer)
        return path

    def put(self, path: str, text: str, etag: str | None = None) -> str:
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if etag:
            headers["If-Match"] = etag
        status, answer_headers, answer = self.request("PUT", path, text.encode(), headers)
        assert status in {201, 204}, (status, answer)
        return answer_headers.get("etag", "")

    def delete(self, path: str) -> None:
        status, _, answer = self.request("DELETE", path)
        assert status in {200, 204}, (status, answer)

    def items(self, collection: str) -> dict[str, str]:
        """href name → text of the cards stored in ``collection`` (e.g. "/alice/contacts/")."""
        folder = self.storage / "collection-root" / collection.strip("/")
        return {
            path.name: path.read_text(encoding="utf-8")
            for path in sorted(folder.iterdir())
            if path.is_file() and not path.name.startswith(".Radicale")
        }


def wait_for_port(port: int, process: subprocess.Popen[bytes], deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before listening")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {deadline} s")


@contextmanager
def radicale_server(folder: Path) -> Iterator[RadicaleServer]:
    """Start Radicale on a free loopback port with its own storage; stop it afterwards."""
    port = free_port()
    storage = folder / "storage"
    config = folder / "radicale.conf"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\n"
        "type = none\n"
        "[rights]\n"
        "type = owner_only\n"
        "[storage]\n"
        f"filesystem_folder = {storage}\n"
        "[logging]\n"
        "level = warning\n",
        encoding="utf-8",
    )
    log = (folder / "radicale.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=quiet_environment(folder),
    )
    try:
        wait_for_port(port, process)
        yield RadicaleServer(port=port, storage=storage, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def vdirsyncer_missing() -> str:
    """Why vdirsyncer cannot run here, or "" when it can."""
    if not VDIRSYNCER.exists():
        return f"{VDIRSYNCER} is missing: install the test extras (pip install -e '.[test]')"
    return ""
