"""The system checks that warn a self-hoster about mail and links that cannot work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core import checks
from pytest_django.fixtures import Settings

from aandacht.accounts.checks import check_email_and_base_url

NO_EMAIL = "aandacht.W001"
NO_BASE_URL = "aandacht.W002"


def ids(messages: list[checks.CheckMessage]) -> list[str]:
    return [message.id for message in messages if message.id is not None]


def test_missing_email_url_and_base_url_each_give_a_warning(settings: Settings) -> None:
    settings.EMAIL_URL = ""
    settings.BASE_URL = ""

    warnings = check_email_and_base_url()

    assert ids(warnings) == [NO_EMAIL, NO_BASE_URL]
    assert all(warning.level == checks.WARNING for warning in warnings)
    email, base_url = warnings
    assert "EMAIL_URL" in (email.hint or "")
    assert "AANDACHT_BASE_URL" in base_url.msg
    assert "https://" in (base_url.hint or "")


def test_the_checks_are_quiet_when_both_are_set(settings: Settings) -> None:
    settings.EMAIL_URL = "smtp+tls://crm:pw@mail.example.org:587"
    settings.BASE_URL = "https://crm.example.org"

    assert check_email_and_base_url() == []


def test_each_warning_goes_away_on_its_own(settings: Settings) -> None:
    settings.EMAIL_URL = "smtp+tls://crm:pw@mail.example.org:587"
    settings.BASE_URL = ""
    assert ids(check_email_and_base_url()) == [NO_BASE_URL]

    settings.EMAIL_URL = ""
    settings.BASE_URL = "https://crm.example.org"
    assert ids(check_email_and_base_url()) == [NO_EMAIL]


def test_the_checks_are_registered_with_django(settings: Settings) -> None:
    settings.EMAIL_URL = ""
    settings.BASE_URL = ""
    found = ids(checks.run_checks())
    assert NO_EMAIL in found
    assert NO_BASE_URL in found

    settings.EMAIL_URL = "smtp://localhost"
    settings.BASE_URL = "https://crm.example.org"
    found = ids(checks.run_checks())
    assert NO_EMAIL not in found
    assert NO_BASE_URL not in found


def run_check_command(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """``aandacht manage check`` as an administrator runs it, in a fresh environment."""
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "AANDACHT_DATA_DIR": str(tmp_path / "data"),
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-m", "aandacht.cli", "manage", "check"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_manage_check_shows_both_warnings_on_a_fresh_install(tmp_path: Path) -> None:
    result = run_check_command(tmp_path)

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert f"({NO_EMAIL}) No SMTP server is configured" in output
    assert f"({NO_BASE_URL}) AANDACHT_BASE_URL is not set" in output


def test_manage_check_is_quiet_once_mail_and_address_are_set(tmp_path: Path) -> None:
    result = run_check_command(
        tmp_path,
        EMAIL_URL="smtp+tls://crm:pw@mail.example.org:587",
        AANDACHT_BASE_URL="https://crm.example.org",
    )

    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "aandacht.W00" not in output
    assert "no issues" in output
