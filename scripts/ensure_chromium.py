"""Make sure Debian's Chromium is there for the browser tests (run by `make test`).

Present: print its version. Missing: install it with apt-get when running as root, else say how
to install it and fail in CI (the browser tests would fail there anyway) or carry on elsewhere
(the browser tests then skip with a visible reason).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
TRUE_VALUES = {"1", "true", "yes"}


def say(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def warn(message: str) -> None:
    sys.stderr.write(message + "\n")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in TRUE_VALUES


def chromium_version() -> str:
    # Debian's wrapper script prints shell noise on stderr; the version is on stdout.
    result = subprocess.run(
        [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return result.stdout.strip() or f"{CHROMIUM} (version unknown)"


def apt_install() -> int:
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "chromium"]
    status = subprocess.run(install, env=environment, check=False).returncode
    if status != 0:
        # A fresh container often has no package lists yet; refresh once and retry.
        say("apt-get install failed; running apt-get update and trying again.")
        subprocess.run(["apt-get", "update"], env=environment, check=False)
        status = subprocess.run(install, env=environment, check=False).returncode
    return status


def main() -> int:
    if CHROMIUM.exists():
        say(f"Browser tests use {chromium_version()}")
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"{CHROMIUM} is missing; installing Debian's chromium package.")
        status = apt_install()
        if status == 0 and CHROMIUM.exists():
            say(f"Installed {chromium_version()}")
        return status
    warn(
        f"{CHROMIUM} is missing, so the browser tests cannot run.\n"
        "Install it as root with:  apt-get install -y chromium\n"
        "(Playwright's own browser download is not used.)"
    )
    if in_ci():
        warn("CI is set: failing instead of skipping the browser tests.")
        return 1
    warn("Outside CI the browser tests will be skipped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
