"""A small CardDAV client for the protocol tests: the test Client with a Basic header, and
readers for multistatus answers. Shared by tests/carddav/test_dav_*.py."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from defusedxml.ElementTree import fromstring
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from aandacht.accounts.tokens import create_token

D = "{DAV:}"
C = "{urn:ietf:params:xml:ns:carddav}"
XML = "application/xml; charset=utf-8"


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class Dav:
    """A CardDAV client: the test Client with a Basic header on every request."""

    def __init__(self, username: str, secret: str) -> None:
        self.client = Client()
        self.username = username
        self.authorization = basic(username, secret)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str = b"",
        content_type: str = XML,
        **headers: str,
    ) -> HttpResponse:
        extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
        data = body.encode() if isinstance(body, str) else body
        response: HttpResponse = self.client.generic(
            method,
            path,
            data,
            content_type=content_type,
            HTTP_AUTHORIZATION=self.authorization,
            **extra,
        )
        return response

    def propfind(self, path: str, body: str = "", depth: str = "0") -> HttpResponse:
        return self.request("PROPFIND", path, body, Depth=depth)

    def report(self, path: str, body: str, depth: str = "1") -> HttpResponse:
        return self.request("REPORT", path, body, Depth=depth)


def dav_for(user: User, scope: str = "write", **kwargs: object) -> Dav:
    return Dav(user.get_username(), create_token(user, "phone", scope=scope, **kwargs).secret)


def xml_of(response: HttpResponse) -> ET.Element:
    assert response.status_code == 207, (response.status_code, response.content[:500])
    return fromstring(response.content)


def responses(root: ET.Element) -> dict[str, ET.Element]:
    return {r.findtext(f"{D}href") or "": r for r in root.findall(f"{D}response")}


def prop(response: ET.Element, tag: str) -> ET.Element | None:
    for propstat in response.findall(f"{D}propstat"):
        if "200" in (propstat.findtext(f"{D}status") or ""):
            found = propstat.find(f"{D}prop/{tag}")
            if found is not None:
                return found
    return None


def missing(response: ET.Element) -> set[str]:
    names: set[str] = set()
    for propstat in response.findall(f"{D}propstat"):
        if "404" in (propstat.findtext(f"{D}status") or ""):
            found = propstat.find(f"{D}prop")
            names.update(child.tag for child in (found if found is not None else []))
    return names


def collection_url(vault_id: int, username: str = "alice") -> str:
    return f"/dav/addressbooks/{username}/{vault_id}/"
