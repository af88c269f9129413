"""Typed helpers that read settings from the environment and fail loudly on bad values.

A misspelt boolean ("yes-ish") must stop the server, never silently fall back to something
unsafe, so every helper raises :class:`ConfigError` naming the variable and the bad value.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_email_url

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
    if not path.exists():
        _publish_new_key(path)
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ConfigError(f"{path} is empty; delete it to have a new secret key generated")
    return value


def _publish_new_key(path: Path) -> None:
    """Write a fresh key to ``path`` unless another process got there first.

    The key is written to a private temporary file and then hard-linked into place, which
    fails if the name exists: readers never see a half-written (empty) key file, and when two
    processes start at once exactly one key wins and both use it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".secret_key-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))  # mkstemp made it readable by us only
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def env_choice(
    name: str, default: str, choices: Iterable[str], environ: Mapping[str, str] | None = None
) -> str:
    """One of a fixed set of words, in any case (returned upper-case, as logging wants it)."""
    env = os.environ if environ is None else environ
    raw = env.get(name, "").strip()
    if not raw:
        return default
    allowed = [choice.upper() for choice in choices]
    if raw.upper() not in allowed:
        raise ConfigError(f"{name}={raw!r} is not one of {', '.join(allowed)}")
    return raw.upper()


def env_url(name: str, environ: Mapping[str, str] | None = None) -> str:
    """An absolute http(s) address without a trailing slash, or ``""`` when unset.

    A bare host name here would later produce broken links and a CSRF failure on every form,
    so it is refused at start-up instead.
    """
    env = os.environ if environ is None else environ
    raw = env.get(name, "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"{name}={raw!r} is not an address like https://crm.example.org")
    return raw.rstrip("/")


def origin_of(url: str) -> str:
    """``https://crm.example.org/aandacht/`` -> ``https://crm.example.org``: what browsers
    send in the Origin header, and so what CSRF_TRUSTED_ORIGINS must hold."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_of(url: str) -> str:
    """The host name as ALLOWED_HOSTS spells it (an IPv6 address in brackets, no port)."""
    host = urlsplit(url).hostname or ""
    return f"[{host}]" if ":" in host else host


# Schemes for EMAIL_URL beyond dj-email-url's own: the spellings people reach for first.
_EMAIL_ALIASES = {
    "smtp+tls": ("submission", {}),  # STARTTLS, port 587 unless given
    "smtp+ssl": ("smtp", {"EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False, "EMAIL_PORT": 465}),
}


def parse_email_url(value: str, name: str = "EMAIL_URL") -> dict[str, Any]:
    """Django's EMAIL_* settings from one URL, e.g. ``smtp+tls://user:pw@mail.example.org``.

    Accepts dj-email-url's schemes (smtp, submission, console, file, memory, dummy) plus
    ``smtp+tls`` (STARTTLS, default port 587) and ``smtp+ssl`` (implicit TLS, 465); anything
    else is refused rather than left without a backend.
    """
    raw = value.strip()
    scheme, separator, rest = raw.partition("://")
    scheme = scheme.lower()
    overrides: dict[str, Any] = {}
    if separator and scheme in _EMAIL_ALIASES:
        scheme, overrides = _EMAIL_ALIASES[scheme]
    if not separator or scheme not in dj_email_url.SCHEMES:
        known = sorted([*dj_email_url.SCHEMES, *_EMAIL_ALIASES])
        raise ConfigError(
            f"{name} must start with one of {', '.join(s + '://' for s in known)}; "
            f"got {_without_password(raw)!r}"
        )
    url = f"{scheme}://{rest}"
    try:
        parsed: dict[str, Any] = dj_email_url.parse(url)
        explicit_port = urlsplit(url).port
    except ValueError as error:  # a port or timeout that is not a number
        raise ConfigError(f"{name} cannot be used: {error}") from None
    parsed.update(overrides)
    if explicit_port:
        parsed["EMAIL_PORT"] = explicit_port
    return parsed


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url
