"""Settings from the environment: the typed helpers in ``aandacht.env`` and what settings.py
makes of them.

Settings are read once, at import, so the helpers are tested directly (with an explicit
environment mapping or ``monkeypatch``), and whole-settings behaviour in a fresh
``python -c`` subprocess with a controlled environment.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from aandacht.env import (
    ConfigError,
    data_dir,
    default_data_dir,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
    host_of,
    origin_of,
    parse_email_url,
    secret_key,
)

# --- booleans, numbers, lists, words ---------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " yes "])
def test_env_bool_reads_the_usual_ways_of_saying_yes(raw: str) -> None:
    assert env_bool("AANDACHT_DEBUG", False, {"AANDACHT_DEBUG": raw}) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "off", ""])
def test_env_bool_reads_the_usual_ways_of_saying_no(raw: str) -> None:
    assert env_bool("AANDACHT_DEBUG", True, {"AANDACHT_DEBUG": raw}) is False


def test_env_bool_falls_back_to_the_default_when_unset() -> None:
    assert env_bool("AANDACHT_DEBUG", True, {}) is True
    assert env_bool("AANDACHT_DEBUG", False, {}) is False


@pytest.mark.parametrize("raw", ["yes-ish", "2", "enabled", "y", "tru"])
def test_env_bool_refuses_anything_else_naming_the_variable_and_the_value(raw: str) -> None:
    with pytest.raises(ConfigError) as error:
        env_bool("AANDACHT_DEBUG", False, {"AANDACHT_DEBUG": raw})
    message = str(error.value)
    assert "AANDACHT_DEBUG" in message
    assert repr(raw) in message
    assert "true/false" in message


def test_env_bool_reads_os_environ_when_no_mapping_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AANDACHT_TEST_FLAG", "on")
    assert env_bool("AANDACHT_TEST_FLAG", False) is True
    monkeypatch.setenv("AANDACHT_TEST_FLAG", "maybe")
    with pytest.raises(ConfigError, match="AANDACHT_TEST_FLAG"):
        env_bool("AANDACHT_TEST_FLAG", False)


def test_env_int_reads_whole_numbers_and_defaults_when_unset_or_blank() -> None:
    assert env_int("AANDACHT_SQLITE_TIMEOUT", 20, {"AANDACHT_SQLITE_TIMEOUT": " 45 "}) == 45
    assert env_int("AANDACHT_SQLITE_TIMEOUT", 20, {}) == 20
    assert env_int("AANDACHT_SQLITE_TIMEOUT", 20, {"AANDACHT_SQLITE_TIMEOUT": "  "}) == 20


@pytest.mark.parametrize("raw", ["ten", "1.5", "20s", "0x10"])
def test_env_int_refuses_what_is_not_a_whole_number(raw: str) -> None:
    with pytest.raises(ConfigError) as error:
        env_int("AANDACHT_UPLOAD_MAX_MB", 10, {"AANDACHT_UPLOAD_MAX_MB": raw})
    assert "AANDACHT_UPLOAD_MAX_MB" in str(error.value)
    assert "whole number" in str(error.value)


def test_env_int_refuses_values_below_the_minimum() -> None:
    with pytest.raises(ConfigError, match=r"AANDACHT_SQLITE_TIMEOUT='0' must be at least 1"):
        env_int("AANDACHT_SQLITE_TIMEOUT", 20, {"AANDACHT_SQLITE_TIMEOUT": "0"}, minimum=1)
    with pytest.raises(ConfigError, match="at least 0"):
        env_int("AANDACHT_UPLOAD_MAX_MB", 10, {"AANDACHT_UPLOAD_MAX_MB": "-3"})


def test_env_list_splits_on_commas_and_drops_blanks() -> None:
    environ = {"AANDACHT_ALLOWED_HOSTS": " crm.example.org, ,localhost ,"}
    assert env_list("AANDACHT_ALLOWED_HOSTS", [], environ) == ["crm.example.org", "localhost"]
    assert env_list("AANDACHT_ALLOWED_HOSTS", ["x"], {"AANDACHT_ALLOWED_HOSTS": ""}) == []


def test_env_list_returns_a_copy_of_the_default() -> None:
    default = ["localhost"]
    hosts = env_list("AANDACHT_ALLOWED_HOSTS", default, {})
    hosts.append("evil.example")
    assert default == ["localhost"]


def test_env_str_returns_the_value_or_the_default() -> None:
    assert env_str("AANDACHT_PHONE_REGION", "NL", {"AANDACHT_PHONE_REGION": "BE"}) == "BE"
    assert env_str("AANDACHT_PHONE_REGION", "NL", {}) == "NL"


def test_env_choice_accepts_any_case_and_refuses_unknown_words() -> None:
    levels = ["DEBUG", "INFO", "WARNING"]
    assert env_choice("AANDACHT_LOG_LEVEL", "WARNING", levels, {"AANDACHT_LOG_LEVEL": "info"}) == (
        "INFO"
    )
    assert env_choice("AANDACHT_LOG_LEVEL", "WARNING", levels, {}) == "WARNING"
    with pytest.raises(ConfigError, match=r"AANDACHT_LOG_LEVEL='loud' is not one of DEBUG"):
        env_choice("AANDACHT_LOG_LEVEL", "WARNING", levels, {"AANDACHT_LOG_LEVEL": "loud"})


# --- addresses -------------------------------------------------------------------------------


def test_env_url_strips_the_trailing_slash_and_is_empty_when_unset() -> None:
    environ = {"AANDACHT_BASE_URL": " https://crm.example.org/ "}
    assert env_url("AANDACHT_BASE_URL", environ) == "https://crm.example.org"
    assert env_url("AANDACHT_BASE_URL", {}) == ""
    assert env_url("AANDACHT_BASE_URL", {"AANDACHT_BASE_URL": ""}) == ""


@pytest.mark.parametrize("raw", ["crm.example.org", "ftp://crm.example.org", "https://", "/crm"])
def test_env_url_refuses_what_is_not_an_http_address(raw: str) -> None:
    with pytest.raises(ConfigError) as error:
        env_url("AANDACHT_BASE_URL", {"AANDACHT_BASE_URL": raw})
    assert "AANDACHT_BASE_URL" in str(error.value)
    assert "https://crm.example.org" in str(error.value)


def test_origin_and_host_leave_out_the_path_and_the_port() -> None:
    assert origin_of("https://example.org:8443/aandacht") == "https://example.org:8443"
    assert host_of("https://example.org:8443/aandacht") == "example.org"
    assert host_of("http://[::1]:8000") == "[::1]"


# --- the data directory ----------------------------------------------------------------------


def test_data_dir_follows_xdg_and_defaults_to_local_share(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_data_dir({}) == tmp_path / ".local" / "share" / "aandacht"
    assert data_dir({}) == tmp_path / ".local" / "share" / "aandacht"
    assert data_dir({"XDG_DATA_HOME": "/srv/xdg"}) == Path("/srv/xdg/aandacht")


def test_aandacht_data_dir_wins_and_may_start_with_a_tilde(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    environ = {"AANDACHT_DATA_DIR": "~/crm", "XDG_DATA_HOME": "/srv/xdg"}
    assert data_dir(environ) == tmp_path / "crm"


# --- the secret key --------------------------------------------------------------------------


def test_secret_key_is_generated_once_kept_private_and_reused(tmp_path: Path) -> None:
    directory = tmp_path / "data"

    first = secret_key(directory, {})
    again = secret_key(directory, {})

    assert len(first) >= 50
    assert again == first
    key_file = directory / "secret_key"
    assert key_file.read_text(encoding="utf-8") == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [path.name for path in directory.iterdir()] == ["secret_key"]  # no temporary left


def test_each_data_directory_gets_its_own_generated_key(tmp_path: Path) -> None:
    assert secret_key(tmp_path / "one", {}) != secret_key(tmp_path / "two", {})


def test_aandacht_secret_key_wins_and_writes_nothing(tmp_path: Path) -> None:
    key = secret_key(tmp_path, {"AANDACHT_SECRET_KEY": " from-the-environment "})
    assert key == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_app_servers_share_the_key_through_aandacht_secret_key_file(tmp_path: Path) -> None:
    shared = tmp_path / "shared-secret"
    shared.write_text("one-key-for-all-servers\n", encoding="utf-8")
    environ = {"AANDACHT_SECRET_KEY_FILE": str(shared)}

    first_server = secret_key(tmp_path / "server-1", environ)
    second_server = secret_key(tmp_path / "server-2", environ)

    assert first_server == second_server == "one-key-for-all-servers"
    assert not (tmp_path / "server-1" / "secret_key").exists()


def test_a_missing_or_empty_secret_key_file_is_refused(tmp_path: Path) -> None:
    missing = {"AANDACHT_SECRET_KEY_FILE": str(tmp_path / "nope")}
    with pytest.raises(ConfigError, match="AANDACHT_SECRET_KEY_FILE=.*cannot be read"):
        secret_key(tmp_path, missing)
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    empty = {"AANDACHT_SECRET_KEY_FILE": str(tmp_path / "empty")}
    with pytest.raises(ConfigError, match="AANDACHT_SECRET_KEY_FILE=.*is empty"):
        secret_key(tmp_path, empty)


def test_an_empty_generated_key_file_is_refused_not_used(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="secret_key is empty; delete it"):
        secret_key(tmp_path, {})


def _key_in_a_new_process(directory: str, start: Any, results: Any) -> None:
    start.wait()
    results.put(secret_key(Path(directory), {}))


def test_servers_starting_at_the_same_moment_agree_on_one_key(tmp_path: Path) -> None:
    """Regression: the key file was created empty and filled afterwards, so a second
    process starting at the same moment could read an empty key (or a different one)."""
    context = multiprocessing.get_context("fork")
    for attempt in range(6):
        directory = str(tmp_path / f"attempt-{attempt}")
        start = context.Barrier(5)
        results = context.Queue()
        workers = [
            context.Process(target=_key_in_a_new_process, args=(directory, start, results))
            for _ in range(5)
        ]
        for worker in workers:
            worker.start()
        keys = [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        assert "" not in keys
        assert len(set(keys)) == 1
        assert Path(directory, "secret_key").read_text(encoding="utf-8") == keys[0]


# --- EMAIL_URL -------------------------------------------------------------------------------


def test_smtp_tls_url_means_starttls_on_587() -> None:
    email = parse_email_url("smtp+tls://me%40example.org:p%40ss@mail.example.org")
    assert email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert email["EMAIL_HOST"] == "mail.example.org"
    assert email["EMAIL_PORT"] == 587
    assert (email["EMAIL_USE_TLS"], email["EMAIL_USE_SSL"]) == (True, False)
    assert email["EMAIL_HOST_USER"] == "me@example.org"
    assert email["EMAIL_HOST_PASSWORD"] == "p@ss"


def test_smtp_ssl_url_means_implicit_tls_on_465_unless_a_port_is_given() -> None:
    email = parse_email_url("smtp+ssl://user:pw@mail.example.org")
    assert (email["EMAIL_PORT"], email["EMAIL_USE_TLS"], email["EMAIL_USE_SSL"]) == (
        465,
        False,
        True,
    )
    assert parse_email_url("smtp+ssl://user:pw@mail.example.org:2465")["EMAIL_PORT"] == 2465


def test_the_schemes_of_dj_email_url_still_work() -> None:
    plain = parse_email_url("smtp://localhost")
    assert (plain["EMAIL_HOST"], plain["EMAIL_PORT"], plain["EMAIL_USE_TLS"]) == (
        "localhost",
        25,
        False,
    )
    assert parse_email_url("submission://mail.example.org")["EMAIL_PORT"] == 587
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert parse_email_url("smtp://mail.example.org:2525?timeout=5")["EMAIL_TIMEOUT"] == 5


@pytest.mark.parametrize(
    "raw", ["mail.example.org", "imap://user:hunter2@mail.example.org", "smtp://mail:port"]
)
def test_an_unusable_email_url_is_refused_without_showing_the_password(raw: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_email_url(raw)
    assert "EMAIL_URL" in str(error.value)
    assert "hunter2" not in str(error.value)


# --- the whole settings module, imported in a fresh process ------------------------------------

SETTINGS_PROBE = textwrap.dedent(
    """
    import json, sys
    from django.conf import settings
    names = sys.argv[1:]
    values = {name: getattr(settings, name) for name in names}
    print(json.dumps(values, default=str))
    """
)


def clean_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """Only what a fresh shell would have, plus ``variables``: nothing from this test run."""
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "AANDACHT_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "aandacht.settings",
    }
    environ.update(variables)
    return environ


def run_python(
    tmp_path: Path, code: str, *args: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=clean_environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(tmp_path: Path, *names: str, **variables: str) -> dict[str, Any]:
    result = run_python(tmp_path, SETTINGS_PROBE, *names, **variables)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout)
    return values


def settings_error(tmp_path: Path, **variables: str) -> str:
    """The error a bad environment gives: the process must fail, and say why."""
    result = run_python(tmp_path, SETTINGS_PROBE, "DEBUG", **variables)
    assert result.returncode != 0, result.stdout
    return result.stderr


def test_settings_defaults_are_safe_for_a_fresh_install(tmp_path: Path) -> None:
    values = load_settings(
        tmp_path,
        "DEBUG",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "BASE_URL",
        "MIDDLEWARE",
        "DATA_DIR",
        "DATABASES",
        "EMAIL_BACKEND",
        "SESSION_COOKIE_SECURE",
        "PHONE_REGION",
        "LANGUAGE_CODE",
        "TIME_ZONE",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DEFAULT_FROM_EMAIL",
        "LOGGING",
    )

    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["CSRF_TRUSTED_ORIGINS"] == []
    assert values["BASE_URL"] == ""
    middleware = values["MIDDLEWARE"]
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") == (
        middleware.index("django.middleware.security.SecurityMiddleware") + 1
    )
    data = tmp_path / "data"
    assert values["DATA_DIR"] == str(data)
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"] == str(data / "aandacht.sqlite3")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["PHONE_REGION"] == "NL"
    assert values["LANGUAGE_CODE"] == "en"
    assert values["TIME_ZONE"] == "Europe/Amsterdam"
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 10 * 1024 * 1024
    assert values["DEFAULT_FROM_EMAIL"] == "aandacht@localhost"
    assert values["LOGGING"]["root"]["level"] == "WARNING"
    assert (data / "secret_key").is_file()


def test_without_aandacht_data_dir_settings_use_the_xdg_data_directory(tmp_path: Path) -> None:
    code = SETTINGS_PROBE
    environ = clean_environment(tmp_path)
    del environ["AANDACHT_DATA_DIR"]
    result = subprocess.run(
        [sys.executable, "-c", code, "DATA_DIR"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    expected = tmp_path / "home" / ".local" / "share" / "aandacht"
    assert json.loads(result.stdout)["DATA_DIR"] == str(expected)
    assert (expected / "secret_key").is_file()


def test_two_app_servers_on_one_data_directory_share_the_generated_key(tmp_path: Path) -> None:
    first = load_settings(tmp_path, "SECRET_KEY")["SECRET_KEY"]
    second = load_settings(tmp_path, "SECRET_KEY")["SECRET_KEY"]
    assert first == second
    assert first == (tmp_path / "data" / "secret_key").read_text(encoding="utf-8")


def test_settings_read_the_secret_key_from_aandacht_secret_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("kept-in-a-docker-secret", encoding="utf-8")
    values = load_settings(tmp_path, "SECRET_KEY", AANDACHT_SECRET_KEY_FILE=str(key_file))
    assert values["SECRET_KEY"] == "kept-in-a-docker-secret"


def test_settings_read_every_documented_variable(tmp_path: Path) -> None:
    values = load_settings(
        tmp_path,
        "DEBUG",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "PHONE_REGION",
        "LANGUAGE_CODE",
        "TIME_ZONE",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DEFAULT_FROM_EMAIL",
        "LOGGING",
        "DATABASES",
        AANDACHT_DEBUG="true",
        AANDACHT_ALLOWED_HOSTS="crm.example.org,localhost",
        AANDACHT_CSRF_TRUSTED_ORIGINS="https://crm.example.org,https://other.example.org",
        AANDACHT_PHONE_REGION="be",
        AANDACHT_LANGUAGE="nl",
        AANDACHT_TIME_ZONE="Europe/Brussels",
        AANDACHT_UPLOAD_MAX_MB="25",
        AANDACHT_FROM_EMAIL="Aandacht <crm@example.org>",
        AANDACHT_LOG_LEVEL="info",
        AANDACHT_SQLITE_TIMEOUT="5",
    )
    assert values["DEBUG"] is True
    assert values["ALLOWED_HOSTS"] == ["crm.example.org", "localhost"]
    assert values["CSRF_TRUSTED_ORIGINS"] == [
        "https://crm.example.org",
        "https://other.example.org",
    ]
    assert values["PHONE_REGION"] == "BE"
    assert values["LANGUAGE_CODE"] == "nl"
    assert values["TIME_ZONE"] == "Europe/Brussels"
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 25 * 1024 * 1024
    assert values["DEFAULT_FROM_EMAIL"] == "Aandacht <crm@example.org>"
    assert values["LOGGING"]["root"]["level"] == "INFO"
    assert values["DATABASES"]["default"]["OPTIONS"]["timeout"] == 5


def test_base_url_allows_its_host_trusts_its_origin_and_secures_cookies(tmp_path: Path) -> None:
    values = load_settings(
        tmp_path,
        "BASE_URL",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        AANDACHT_BASE_URL="https://crm.example.org/aandacht/",
    )
    assert values["BASE_URL"] == "https://crm.example.org/aandacht"
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]", "crm.example.org"]
    # Browsers send only scheme and host in the Origin header, never the path.
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://crm.example.org"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


def test_database_url_switches_to_postgresql(tmp_path: Path) -> None:
    values = load_settings(
        tmp_path,
        "DATABASES",
        "INSTALLED_APPS",
        DATABASE_URL="postgres://crm:s3cret@db.example.org:5433/aandacht",
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "aandacht",
        "crm",
        "s3cret",
    )
    assert (database["HOST"], database["PORT"]) == ("db.example.org", 5433)
    assert "OPTIONS" not in database or "init_command" not in database["OPTIONS"]
    assert "django.contrib.postgres" in values["INSTALLED_APPS"]


def test_database_url_may_name_another_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.sqlite3"
    values = load_settings(
        tmp_path, "DATABASES", "INSTALLED_APPS", DATABASE_URL=f"sqlite:///{path}"
    )
    database = values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(path)
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "django.contrib.postgres" not in values["INSTALLED_APPS"]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_on_a_real_connection(
    tmp_path: Path,
) -> None:
    code = textwrap.dedent(
        """
        import json, django
        django.setup()
        from django.db import connection
        with connection.cursor() as cursor:
            pragmas = {}
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous"):
                cursor.execute(f"PRAGMA {name}")
                pragmas[name] = cursor.fetchone()[0]
        print(json.dumps(pragmas))
        """
    )
    result = run_python(tmp_path, code, AANDACHT_SQLITE_TIMEOUT="7")
    assert result.returncode == 0, result.stderr
    pragmas = json.loads(result.stdout)
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["busy_timeout"] == 7000
    assert pragmas["foreign_keys"] == 1
    assert pragmas["synchronous"] == 1  # NORMAL: safe with WAL, far fewer fsyncs
    assert (tmp_path / "data" / "aandacht.sqlite3").is_file()


def test_email_url_configures_smtp(tmp_path: Path) -> None:
    values = load_settings(
        tmp_path,
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_USE_TLS",
        "EMAIL_HOST_USER",
        "EMAIL_TIMEOUT",
        EMAIL_URL="smtp+tls://crm%40example.org:pw@mail.example.org:587",
    )
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "EMAIL_HOST_USER": "crm@example.org",
        "EMAIL_TIMEOUT": 30,
    }


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AANDACHT_DEBUG", "yes-ish"),
        ("AANDACHT_SQLITE_TIMEOUT", "0"),
        ("AANDACHT_UPLOAD_MAX_MB", "lots"),
        ("AANDACHT_BASE_URL", "crm.example.org"),
        ("AANDACHT_LOG_LEVEL", "chatty"),
        ("DATABASE_URL", "mongodb://db/crm"),
        ("EMAIL_URL", "mail.example.org"),
    ],
)
def test_a_bad_value_stops_settings_with_a_message_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    stderr = settings_error(tmp_path, **{variable: value})
    assert "ConfigError" in stderr
    assert variable in stderr


# --- aandacht.env.example stays true -----------------------------------------------------------

REPOSITORY = Path(__file__).resolve().parents[1]
EXAMPLE = REPOSITORY / "aandacht.env.example"
VARIABLE_READ = re.compile(r'(?:env_\w+\(\s*|env\.get\(|envvar=)"([A-Z][A-Z0-9_]+)"')
EXAMPLE_LINE = re.compile(r"^#?([A-Z][A-Z0-9_]+)=(.*)$")
# Read by the code, but the platform's, not Aandacht's: the example explains it in prose.
PLATFORM_VARIABLES = {"XDG_DATA_HOME"}


def example_values() -> dict[str, str]:
    """Every ``#NAME=value`` line of the example, uncommented (the last example wins)."""
    values: dict[str, str] = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = EXAMPLE_LINE.match(line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


def test_the_example_configuration_lists_every_variable_the_code_reads() -> None:
    read = {
        name
        for path in (REPOSITORY / "src" / "aandacht").rglob("*.py")
        for name in VARIABLE_READ.findall(path.read_text(encoding="utf-8"))
    }
    assert {"AANDACHT_DATA_DIR", "DATABASE_URL", "EMAIL_URL", "AANDACHT_BASE_URL"} <= read
    documented = set(example_values())
    assert read - PLATFORM_VARIABLES - documented == set()
    assert documented - read == set()
    text = EXAMPLE.read_text(encoding="utf-8")
    assert all(name in text for name in PLATFORM_VARIABLES)


def test_every_example_value_in_the_example_configuration_is_accepted(tmp_path: Path) -> None:
    variables = example_values()
    variables["AANDACHT_DATA_DIR"] = str(tmp_path / "data")  # not /var/lib on this machine
    values = load_settings(tmp_path, "DEBUG", "BASE_URL", "EMAIL_BACKEND", **variables)
    assert values["DEBUG"] is True
    assert values["BASE_URL"] == "https://crm.example.org"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
