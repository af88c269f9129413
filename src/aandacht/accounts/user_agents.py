"""A browser's User-Agent header in a few words ("Firefox", "Linux"), for the sessions list.

Pure: no Django imports. Deliberately simple: the list only needs to tell a person's own
devices apart, not to identify every browser ever made. Order matters, because browsers claim
to be each other (Edge and Opera say "Chrome", Chrome says "Safari", everyone says "Mozilla").
"""

from __future__ import annotations

from typing import NamedTuple

# (marker in the header, name), first match wins.
_BROWSERS: tuple[tuple[str, str], ...] = (
    ("edg/", "Edge"),
    ("edge/", "Edge"),
    ("edga/", "Edge"),
    ("edgios/", "Edge"),
    ("opr/", "Opera"),
    ("opera", "Opera"),
    ("samsungbrowser/", "Samsung Internet"),
    ("vivaldi/", "Vivaldi"),
    ("yabrowser/", "Yandex Browser"),
    ("firefox/", "Firefox"),
    ("fxios/", "Firefox"),
    ("crios/", "Chrome"),
    ("chromium/", "Chromium"),
    ("chrome/", "Chrome"),
    ("safari/", "Safari"),
    ("msie ", "Internet Explorer"),
    ("trident/", "Internet Explorer"),
    ("python-requests/", "Python requests"),
    ("curl/", "curl"),
)
_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("iphone", "iOS"),
    ("ipad", "iPadOS"),
    ("ipod", "iOS"),
    ("android", "Android"),
    ("cros", "ChromeOS"),
    ("windows", "Windows"),
    ("mac os x", "macOS"),
    ("macintosh", "macOS"),
    ("ubuntu", "Ubuntu"),
    ("fedora", "Fedora"),
    ("freebsd", "FreeBSD"),
    ("openbsd", "OpenBSD"),
    ("linux", "Linux"),
)


class Device(NamedTuple):
    """What the header says; None where it says nothing recognisable."""

    browser: str | None
    system: str | None


def describe(user_agent: str) -> Device:
    """The browser and operating system named by a User-Agent header.

    >>> describe("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    Device(browser='Firefox', system='Linux')
    """
    text = user_agent.casefold()
    browser = next((name for marker, name in _BROWSERS if marker in text), None)
    system = next((name for marker, name in _SYSTEMS if marker in text), None)
    # Safari's marker is in every WebKit and Blink header: only call it Safari on Apple's own.
    if browser == "Safari" and system not in {"iOS", "iPadOS", "macOS"}:
        browser = None
    return Device(browser, system)
