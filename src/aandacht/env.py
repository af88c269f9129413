"""Typed helpers that read settings from the environment and fail loudly on bad values.

A misspelt boolean ("yes-ish") must stop the server, never silently fall back to something
unsafe, so every helper raises :class:`ConfigError` naming the variable and the bad value.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A configuration variable holds a value Aandacht cannot use."""


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off"
    )


def env_int(
    name: str, default: int, environ: Mapping[str, str] | None = None, *, minimum: int = 0
) -> int:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The XDG data directory: ``$XDG_DATA_HOME/aandacht`` or ``~/.local/share/aandacht``."""
    env = os.environ if environ is None else environ
    xdg = env.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "aandacht"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    raw = env.get("AANDACHT_DATA_DIR", "").strip()
    return Path(raw).expanduser() if raw else default_data_dir(env)


def secret_key(directory: Path, environ: Mapping[str, str] | None = None) -> str:
    """The secret key from the environment, a file, or one generated once and kept on disk.

    Several app servers must share one key, so a generated key is written to the data dir
    (readable by the owner only) and read back by every later process.
    """
    env = os.environ if environ is None else environ
    direct = env.get("AANDACHT_SECRET_KEY", "").strip()
    if direct:
        return direct
    file_name = env.get("AANDACHT_SECRET_KEY_FILE", "").strip()
    if file_name:
        path = Path(file_name).expanduser()
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(
                f"AANDACHT_SECRET_KEY_FILE={file_name!r} cannot be read: {error}"
            ) from None
        if not value:
            raise ConfigError(f"AANDACHT_SECRET_KEY_FILE={file_name!r} is empty")
        return value
    path = directory / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    directory.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(50)
    # O_EXCL: when two processes start at once, exactly one writes and both read the same key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value
