"""The backup archive: one zip file with a manifest, the database and the media files.

Pure: no Django. The archive is written next to its target under a temporary name and only
renamed into place once complete and on disk (fsync), so a failure or a ``kill -9`` leaves no
partial file at the target, only a ``.NAME.PID.*.part`` file that the next backup removes.

Layout::

    database.sqlite3     the SQLite online-backup copy (vendor "sqlite"), or
    database.jsonl       every row of every table, one JSON array a line (vendor "postgresql")
    media/…              the files under MEDIA_ROOT (photos)
    manifest.json        written last: format version, app version, vendor, created-at,
                         migration state, row counts, size and SHA-256 of every other member
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

FORMAT = "aandacht-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
JSONL_MEMBER = "database.jsonl"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"

#: What the scheduled job names its files, and the only files its retention ever deletes.
SCHEDULED_PREFIX = "aandacht-backup-"
SCHEDULED_SUFFIX = ".zip"
SCHEDULED_PATTERN = re.compile(r"^aandacht-backup-(\d{8}T\d{6}Z)\.zip$")
SCHEDULED_STAMP = "%Y%m%dT%H%M%SZ"


def gettext_noop(message: str) -> str:
    """Marks an English message for the translation catalogue (``makemessages`` knows the
    name) without importing Django here; :meth:`ArchiveProblem.detail` translates it."""
    return message


class ArchiveProblem(Exception):
    """An archive that cannot be restored; ``code`` names the problem for scripts and tests.

    ``message`` is data (a member's name, the database's own error) when ``params`` is
    ``None``; otherwise a :func:`gettext_noop` template with named placeholders, filled with
    ``params`` (``message`` holds it filled in English).
    """

    def __init__(self, code: str, message: str, params: dict[str, object] | None = None) -> None:
        self.template = message
        self.params = params
        self.message = message % params if params is not None else message
        super().__init__(self.message)
        self.code = code

    def detail(self, translate: Callable[[str], str] | None = None) -> str:
        """The detail in the reader's language (``translate``: Django's ``gettext``)."""
        if self.params is None or translate is None:
            return self.message
        return translate(self.template) % self.params


@dataclass
class Manifest:
    vendor: str
    payload: str
    created_at: str
    app_version: str
    migrations: dict[str, list[str]]
    counts: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "app_version": self.app_version,
            "vendor": self.vendor,
            "payload": self.payload,
            "created_at": self.created_at,
            "migrations": self.migrations,
            "counts": self.counts,
            "files": self.files,
        }


# --- writing ------------------------------------------------------------------------------


def temp_prefix(target: Path) -> str:
    """``.NAME.PID.``: the process id tells a later backup whether its writer is still alive."""
    return f".{target.name}.{os.getpid()}."


#: SQLite's own files beside the snapshot's temporary file (a killed backup leaves them).
SQLITE_SIDE_FILES = "(?:-journal|-wal|-shm)?"
#: The temporary files of scheduled backups (whose names change from run to run).
SCHEDULED_TEMP_PATTERN = re.compile(
    rf"^\.aandacht-backup-\d{{8}}T\d{{6}}Z\.zip\.(\d+)\..*\.part{SQLITE_SIDE_FILES}$"
)
#: A temporary file unchanged this long is stale whatever its pid (the scheduler's own
#: "in progress" window, :data:`aandacht.backup.schedule.IN_PROGRESS_SECONDS`).
STALE_SECONDS = 600.0


def remove_stale_temp_files(target: Path, pattern: re.Pattern[str] | None = None) -> list[Path]:
    """Delete the temporary files of earlier backups to ``target`` (or in its folder, those
    matching ``pattern``) whose process is gone (killed, or the machine lost power); a
    running backup's files are left alone."""
    removed: list[Path] = []
    pattern = pattern or re.compile(
        rf"^\.{re.escape(target.name)}\.(\d+)\..*\.part{SQLITE_SIDE_FILES}$"
    )
    now = time.time()
    with contextlib.suppress(OSError):
        for candidate in target.parent.iterdir():
            found = pattern.match(candidate.name)
            if not found:
                continue
            if _alive(int(found.group(1))) and not _untouched_for(candidate, now, STALE_SECONDS):
                continue
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def _untouched_for(path: Path, now: float, seconds: float) -> bool:
    """A running backup writes its file all the time; one unchanged this long is left over
    even if its process id is in use again (in a container, pids restart from 1)."""
    try:
        return now - path.stat().st_mtime > seconds
    except OSError:
        return False


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def temp_file(target: Path, suffix: str) -> Path:
    """A new empty file next to ``target`` (same file system, so the rename is atomic)."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=temp_prefix(target), suffix=suffix)
    os.close(handle)
    return Path(name)


def fsync_dir(directory: Path) -> None:
    """Make a rename durable (POSIX); silently skipped where directories cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(temporary: Path, target: Path) -> None:
    """fsync the finished file, then rename it onto ``target`` and fsync the folder."""
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o600)  # a backup is everyone's personal data
    os.replace(temporary, target)
    fsync_dir(target.parent)


class ArchiveWriter:
    """Adds members to a zip and records size and SHA-256 of each for the manifest."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True
        )
        self.files: dict[str, dict[str, Any]] = {}

    def add_file(self, source: Path, name: str, *, compress: bool = True) -> None:
        digest = hashlib.sha256()
        size = 0
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        with (
            source.open("rb") as reader,
            self.zip.open(_member(name, method), "w", force_zip64=True) as writer,
        ):
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
        self.files[name] = {"size": size, "sha256": digest.hexdigest()}

    @contextlib.contextmanager
    def open_member(self, name: str) -> Iterator[IO[bytes]]:
        """A member written as a stream (the JSON dump): never all in memory."""
        hashing = _HashingWriter(
            self.zip.open(_member(name, zipfile.ZIP_DEFLATED), "w", force_zip64=True)
        )
        try:
            yield hashing  # type: ignore[misc]
        finally:
            hashing.close()
        self.files[name] = {"size": hashing.size, "sha256": hashing.digest.hexdigest()}

    def finish(self, manifest: Manifest) -> None:
        manifest.files = dict(self.files)
        data = json.dumps(manifest.as_json(), indent=2, sort_keys=True).encode()
        self.zip.writestr(_member(MANIFEST, zipfile.ZIP_DEFLATED), data)
        self.zip.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.zip.close()


class _HashingWriter:
    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.inner.write(data)

    def close(self) -> None:
        self.inner.close()


def _member(name: str, method: int) -> zipfile.ZipInfo | str:
    """A stored member's header; a compressed member is named only, so that it gets the
    archive's compression level (1: speed over the last 10 % of size for a 300 MB database)."""
    if method == zipfile.ZIP_DEFLATED:
        return name
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now(dt.UTC).timetuple()[:6])
    info.compress_type = method
    info.external_attr = 0o600 << 16
    return info


def media_files(root: Path) -> Iterable[tuple[Path, str]]:
    """Every regular file under ``root`` with its member name, in a stable order."""
    if not root.is_dir():
        return []
    found = []
    for directory, _dirs, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append((path, MEDIA_PREFIX + path.relative_to(root).as_posix()))
    return sorted(found, key=lambda pair: pair[1])


# --- reading and checking -----------------------------------------------------------------


def open_archive(path: Path) -> zipfile.ZipFile:
    """The zip at ``path``, or :class:`ArchiveProblem` saying why it is none."""
    if not path.is_file():
        raise ArchiveProblem("missing", gettext_noop("no file %(path)s"), {"path": str(path)})
    with path.open("rb") as handle:
        start = handle.read(4)
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        if start == ZIP_MAGIC:
            damaged = gettext_noop("truncated or damaged zip")
            raise ArchiveProblem("truncated", damaged, {}) from None
        raise ArchiveProblem("not_archive", gettext_noop("not a zip archive"), {}) from None


def read_manifest(archive: zipfile.ZipFile, supported_version: int = FORMAT_VERSION) -> Manifest:
    try:
        raw = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise ArchiveProblem("no_manifest", gettext_noop("no manifest.json"), {}) from None
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ArchiveProblem(
            "bad_manifest", gettext_noop("manifest unreadable: %(error)s"), {"error": str(error)}
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ArchiveProblem("bad_manifest", gettext_noop("not an Aandacht backup manifest"), {})
    version = raw.get("format_version")
    if not isinstance(version, int):
        raise ArchiveProblem("bad_manifest", gettext_noop("manifest without a format version"), {})
    if version > supported_version:
        raise ArchiveProblem(
            "newer_format", gettext_noop("format version %(version)d"), {"version": version}
        )
    try:
        manifest = Manifest(
            vendor=str(raw["vendor"]),
            payload=str(raw["payload"]),
            created_at=str(raw["created_at"]),
            app_version=str(raw["app_version"]),
            migrations={str(k): [str(n) for n in v] for k, v in raw["migrations"].items()},
            counts={str(k): int(v) for k, v in raw["counts"].items()},
            files=dict(raw["files"]),
            format_version=version,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ArchiveProblem(
            "bad_manifest", gettext_noop("manifest incomplete: %(error)s"), {"error": str(error)}
        ) from None
    if (
        manifest.payload not in (SQLITE_MEMBER, JSONL_MEMBER)
        or manifest.payload not in manifest.files
    ):
        raise ArchiveProblem("bad_manifest", gettext_noop("manifest names no database"), {})
    return manifest


def verify_members(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    """Every member the manifest lists is there, with its size and SHA-256 (and zip CRC), and
    nothing else is: a member without a checksum in the manifest would be restored unchecked."""
    listed = archive.namelist()
    names = set(listed)
    if len(names) != len(listed):
        twice = sorted({name for name in listed if listed.count(name) > 1})
        raise ArchiveProblem("duplicate_member", ", ".join(twice[:5]))
    unlisted = sorted(names - set(manifest.files) - {MANIFEST})
    if unlisted:
        raise ArchiveProblem("unlisted_member", ", ".join(unlisted[:5]))
    for name, expected in manifest.files.items():
        if name not in names:
            raise ArchiveProblem("missing_member", name)
        digest = hashlib.sha256()
        size = 0
        try:
            with archive.open(name) as reader:
                while chunk := reader.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise ArchiveProblem("damaged_member", f"{name}: {error}") from None
        if size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
            raise ArchiveProblem("checksum", name)


def extract_member(archive: zipfile.ZipFile, name: str, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(name) as reader, destination.open("wb") as writer:
        while chunk := reader.read(CHUNK):
            writer.write(chunk)


def safe_media_path(root: Path, member: str) -> Path | None:
    """Where a media member goes under ``root``, or ``None`` for a name that would escape it."""
    relative = member[len(MEDIA_PREFIX) :]
    parts = Path(relative).parts
    if not relative or Path(relative).is_absolute() or ".." in parts:
        return None
    return root.joinpath(*parts)


# --- scheduled files and retention --------------------------------------------------------


def scheduled_name(now: dt.datetime) -> str:
    return SCHEDULED_PREFIX + now.astimezone(dt.UTC).strftime(SCHEDULED_STAMP) + SCHEDULED_SUFFIX


def scheduled_time(name: str) -> dt.datetime | None:
    found = SCHEDULED_PATTERN.match(name)
    if not found:
        return None
    return dt.datetime.strptime(found.group(1), SCHEDULED_STAMP).replace(tzinfo=dt.UTC)


def scheduled_backups(directory: Path) -> list[Path]:
    """The scheduled job's own files in ``directory``, oldest first (by the name's time)."""
    if not directory.is_dir():
        return []
    found = [(scheduled_time(p.name), p) for p in directory.iterdir() if p.is_file()]
    return [path for stamp, path in sorted((s, p) for s, p in found if s is not None)]


def beyond_retention(names: Iterable[str], keep: int) -> list[str]:
    """The scheduled backups to delete so that the newest ``keep`` remain; other names are
    never chosen (a file someone put there by hand is not ours to delete)."""
    ours = sorted((t, n) for n in names if (t := scheduled_time(n)) is not None)
    if keep < 1:
        keep = 1
    return [name for _stamp, name in ours[: max(0, len(ours) - keep)]]


def backup_in_progress(directory: Path, now_timestamp: float, quiet_seconds: float) -> bool:
    """True when a scheduled backup's temporary file changed within ``quiet_seconds``: another
    process (this host's or another's, on a shared folder) is writing one right now."""
    if not directory.is_dir():
        return False
    for candidate in directory.iterdir():
        if SCHEDULED_TEMP_PATTERN.match(candidate.name):
            with contextlib.suppress(OSError):
                if now_timestamp - candidate.stat().st_mtime < quiet_seconds:
                    return True
    return False


#: Scheduled backups named later than now plus this came from a clock that was wrong.
FUTURE_SLACK = dt.timedelta(minutes=5)


def latest_before(names: Iterable[str], now: dt.datetime) -> dt.datetime | None:
    """The newest scheduled backup's time, ignoring names in the future: one written while the
    clock was ahead would otherwise stop the schedule until that time comes."""
    stamps = [t for n in names if (t := scheduled_time(n)) is not None and t <= now + FUTURE_SLACK]
    return max(stamps, default=None)


def is_due(last: dt.datetime | None, now: dt.datetime, every_hours: float) -> bool:
    if every_hours <= 0:
        return False
    return last is None or now - last >= dt.timedelta(hours=every_hours)
