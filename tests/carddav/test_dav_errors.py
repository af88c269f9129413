"""What the CardDAV server refuses, and how: credentials (401 with a Basic challenge, never a
redirect to the sign-in page, never the login password), other people's things (404 on every
method of every CardDAV URL), writes without the right (403), and bad input — malformed XML,
entity bombs, wrong namespaces, huge bodies, bad Depth, bad hrefs — as 4xx, never a 500."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from dav_client import (
    XML,
    C,
    D,
    Dav,
    basic,
    collection_url,
    dav_for,
    missing,
    responses,
    xml_of,
)
from defusedxml.ElementTree import fromstring
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token, revoke
from aandacht.carddav import dav_xml, store
from aandacht.carddav.models import Card
from aandacht.people.models import Person
from aandacht.people.services import create_person

METHODS = ("GET", "HEAD", "PROPFIND", "REPORT", "PROPPATCH", "PUT", "DELETE", "MKCOL", "POST")
WRITES = ("PROPPATCH", "PUT", "DELETE", "MKCOL", "POST", "MOVE", "COPY")


@pytest.fixture
def ada(vault: Vault) -> Person:
    person = create_person(vault, given_name="Ada", family_name="Lovelace")
    store.refresh(vault)
    return person


def dav_urls(vault: Vault, person: Person, username: str = "alice") -> dict[str, str]:
    """Every CardDAV URL name (from the resolver, so a new one is not forgotten) filled in."""
    href = Card.objects.get(person=person, deleted=False).href
    values = {"username": username, "vault_id": vault.pk, "href": href}
    urls = {}
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) != "carddav":
            continue
        for inner in pattern.url_patterns:
            names = re.findall(r"<(?:\w+:)?(\w+)>", str(inner.pattern))
            urls[f"carddav:{inner.name}"] = reverse(
                f"carddav:{inner.name}", kwargs={name: values[name] for name in names}
            )
    assert {"carddav:root", "carddav:card", "carddav:collection"} <= set(urls)
    return urls


def _challenged(response: HttpResponse) -> None:
    assert response.status_code == 401, response.status_code
    assert response["WWW-Authenticate"] == 'Basic realm="Aandacht", charset="UTF-8"'
    assert not response.has_header("Location")
    assert "sessionid" not in response.cookies


def test_every_url_wants_credentials(alice: User, vault: Vault, ada: Person) -> None:
    anonymous = Client()
    for name, url in dav_urls(vault, ada).items():
        if name.startswith("carddav:well_known"):
            continue
        for method in METHODS:
            response = anonymous.generic(method, url)
            _challenged(response)
            assert b"Ada" not in response.content, (name, method)


def test_only_a_live_token_of_that_user_signs_in(
    alice: User, bob: User, vault: Vault, ada: Person
) -> None:
    url = collection_url(vault.pk)
    secret = create_token(alice, "phone", scope="write").secret
    revoked = create_token(alice, "old", scope="write")
    revoke(revoked.token)
    bob_secret = create_token(bob, "bob", scope="write").secret
    wrong = {
        "the login password": basic("alice", "alice-secret-pw"),
        "a wrong token": basic("alice", "aat_" + "x" * 43),
        "a revoked token": basic("alice", revoked.secret),
        "bob's token under alice's name": basic("alice", bob_secret),
        "alice's token under bob's name": basic("bob", secret),
        "no username": basic("", secret),
        "a bearer token": f"Bearer {secret}",
        "not base64": "Basic !!!",
        "no colon": "Basic " + base64.b64encode(secret.encode()).decode(),
        "not UTF-8": "Basic " + base64.b64encode(b"alice:\xff\xfe").decode(),
        "far too long": basic("alice", "a" * 5000),
    }
    for why, header in wrong.items():
        response = Client().generic("PROPFIND", url, HTTP_AUTHORIZATION=header, HTTP_DEPTH="0")
        assert response.status_code == 401, why
        _challenged(response)
    good = Client().generic(
        "PROPFIND", url, HTTP_AUTHORIZATION=basic("alice", secret), HTTP_DEPTH="0"
    )
    assert good.status_code == 207
    assert "sessionid" not in good.cookies
    # A signed-in browser session is no CardDAV credential.
    browser = Client()
    browser.force_login(alice)
    _challenged(browser.generic("PROPFIND", url, HTTP_DEPTH="0"))
    # An inactive user's token stops working.
    User.objects.filter(pk=alice.pk).update(is_active=False)
    _challenged(Client().generic("PROPFIND", url, HTTP_AUTHORIZATION=basic("alice", secret)))


def test_outsiders_get_404_on_every_method(
    alice: User, vault: Vault, ada: Person, mallory: User, other_vault: Vault
) -> None:
    as_mallory = dav_for(mallory)
    for username in ("alice", "mallory"):
        for name, url in dav_urls(vault, ada, username).items():
            if name.startswith("carddav:well_known") or name == "carddav:root":
                continue  # the same for everyone
            if username == "mallory" and name in {"carddav:principal", "carddav:home"}:
                continue  # her own
            for method in (*METHODS, "MOVE", "COPY"):
                response = as_mallory.request(method, url, Depth="0")
                assert response.status_code == 404, (name, username, method, response.status_code)
                assert b"Ada" not in response.content and b"Alice" not in response.content
    # A vault that does not exist answers the same, even one too big for the database.
    for vault_id in (other_vault.pk + 1000, 2**70):
        response = as_mallory.propfind(f"/dav/addressbooks/mallory/{vault_id}/")
        assert response.status_code == 404


def test_viewers_get_403_on_every_write(carol: User, vault: Vault, ada: Person) -> None:
    as_carol = dav_for(carol)
    urls = dav_urls(vault, ada, "carol")
    for name in ("carddav:collection", "carddav:card"):
        for method in WRITES:
            response = as_carol.request(method, urls[name], "x", content_type="text/vcard")
            assert response.status_code == 403, (name, method, response.status_code)
        assert as_carol.request("GET", urls[name]).status_code == 200
    assert Person.objects.get(pk=ada.pk).trashed_at is None


@pytest.mark.parametrize(
    "body",
    [
        b"<propfind xmlns='DAV:'><prop>",
        b"not xml at all",
        b"<?xml version='1.0'?><a></b>",
        b"\xff\xfe<\x00p\x00",
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<propfind xmlns="DAV:"><prop><displayname>&lol3;</displayname></prop></propfind>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        b'<propfind xmlns="DAV:"><prop><displayname>&ext;</displayname></prop></propfind>',
        b'<propfind xmlns="urn:not-dav"><prop><displayname/></prop></propfind>',
        b'<propfind xmlns="DAV:"><nothing/></propfind>',
        b"<propfind><prop><displayname/></prop></propfind>",
    ],
    ids=[
        "unclosed",
        "text",
        "mismatched",
        "binary",
        "entity-bomb",
        "external-entity",
        "wrong-namespace",
        "no-prop",
        "no-namespace",
    ],
)
def test_bad_propfind_bodies_are_400(dav: Dav, vault: Vault, body: bytes) -> None:
    response = dav.request("PROPFIND", collection_url(vault.pk), body, Depth="0")
    assert response.status_code == 400, response.content
    assert b"root:" not in response.content


def test_bad_report_bodies(dav: Dav, vault: Vault, ada: Person) -> None:
    url = collection_url(vault.pk)
    assert dav.report(url, "").status_code == 400
    assert dav.report(url, "<a><b></a>").status_code == 400
    unknown = dav.report(url, '<D:expand-property xmlns:D="DAV:"/>')
    assert unknown.status_code == 403
    assert fromstring(unknown.content).find(f"{D}supported-report") is not None
    wrong_ns = dav.report(url, '<C:addressbook-multiget xmlns:C="urn:wrong"/>')
    assert wrong_ns.status_code == 403
    # A report on a card, the principal or the root is not supported either.
    for other in ("/dav/", "/dav/principals/alice/"):
        response = dav.report(other, '<C:addressbook-multiget xmlns:C="' + C[1:-1] + '"/>')
        assert response.status_code in {403, 405}


def test_bad_hrefs_in_a_multiget(dav: Dav, vault: Vault, ada: Person) -> None:
    url = collection_url(vault.pk)
    bad = [
        "",
        "../../../etc/passwd",
        url + "../x.vcf",
        url + "a/b.vcf",
        url + "%00.vcf",
        url,
        "http://[broken/",
        "/dav/addressbooks/mallory/1/x.vcf",
        url + "x" * 2000,
    ]
    body = (
        '<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        "<D:prop><D:getetag/></D:prop>"
        + "".join(f"<D:href>{h}</D:href>" for h in bad)
        + "</C:addressbook-multiget>"
    )
    answer = responses(xml_of(dav.report(url, body)))
    for response in answer.values():
        assert "404" in (response.findtext(f"{D}status") or "")
    assert len(answer) == len(bad)


def test_depth_header(dav: Dav, vault: Vault, ada: Person) -> None:
    url = collection_url(vault.pk)
    # Without Depth only the collection is answered (as if Depth: 0), never the whole tree.
    response = dav.request("PROPFIND", url, "")
    assert list(responses(xml_of(response))) == [url]
    for bad in ("2", "one", "-1", ""):
        if bad == "":
            continue
        assert dav.propfind(url, depth=bad).status_code == 400, bad


def test_huge_xml_bodies_are_refused_unread(dav: Dav, vault: Vault) -> None:
    url = collection_url(vault.pk)
    big = (
        b"<propfind xmlns='DAV:'><prop>" + b" " * (dav_xml.MAX_XML_BODY + 1) + b"</prop></propfind>"
    )
    assert dav.request("PROPFIND", url, big, Depth="0").status_code == 413
    declared = dav.client.generic(
        "REPORT",
        url,
        b"<x/>",
        content_type=XML,
        HTTP_AUTHORIZATION=dav.authorization,
        CONTENT_LENGTH=str(10**12),
    )
    assert declared.status_code == 413
    bogus = dav.client.generic(
        "REPORT",
        url,
        b"<x/>",
        content_type=XML,
        HTTP_AUTHORIZATION=dav.authorization,
        CONTENT_LENGTH="lots",
    )
    assert bogus.status_code == 400


def test_an_authenticated_request_costs_few_queries(
    dav: Dav, vault: Vault, ada: Person, django_assert_max_num_queries: Any
) -> None:
    # The first-run check, the token (and its last use, at most once a minute), the
    # memberships with the vaults' names, and the store's check that nothing changed.
    with django_assert_max_num_queries(8):
        response = dav.propfind(collection_url(vault.pk), depth="0")
    assert response.status_code == 207


def test_card_names_no_card_can_have(dav: Dav, vault: Vault, ada: Person) -> None:
    """Control characters (a NUL byte included: PostgreSQL refuses it in text; Radicale 3.9.0
    refuses them all) never reach the database: reads answer 404, a PUT 400."""
    for name in (
        "%00.vcf",
        "a%0Ab.vcf",
        "kcfm%0A.ics.vcf",
        "tab%09x.vcf",
        "back%5Cslash.vcf",
        "%7F.vcf",
        "x" * 300 + ".vcf",
    ):
        url = collection_url(vault.pk) + name
        for method in ("GET", "HEAD", "PROPFIND", "DELETE"):
            assert dav.request(method, url, Depth="0").status_code == 404, (name, method)
        response = dav.request("PUT", url, "BEGIN:VCARD", content_type="text/vcard")
        assert response.status_code == 400, name


def test_properties_in_other_namespaces_come_back_well_formed(dav: Dav, vault: Vault) -> None:
    url = collection_url(vault.pk)
    body = (
        '<propfind xmlns="DAV:"><prop><displayname/><plain xmlns=""/>'
        '<x:odd xmlns:x="urn:example:a&amp;b"/><x:other xmlns:x="DAV:x"/></prop></propfind>'
    )
    answer = responses(xml_of(dav.propfind(url, body)))[url]
    assert missing(answer) == {"plain", "{urn:example:a&b}odd", "{DAV:x}other"}


_ATTRIBUTE = st.sampled_from(
    [
        "",
        ' match-type="contains"',
        ' match-type="equals"',
        ' match-type="starts-with"',
        ' match-type="ends-with"',
        ' match-type="regex"',
        ' collation="i;octet"',
        ' collation="i;ascii-casemap"',
        ' collation="en"',
        ' negate-condition="yes"',
        ' test="allof"',
        ' test="nope"',
        ' name=""',
    ]
)
_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=8,
).map(lambda text: "".join(c for c in text if c.isprintable()))


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_TEXT_MATCH = st.builds(
    lambda attrs, text: f"<C:text-match{attrs}>{_escaped(text)}</C:text-match>", _ATTRIBUTE, _TEXT
)
_PARAM_FILTER = st.builds(
    lambda name, inner: f'<C:param-filter name="{name}">{inner}</C:param-filter>',
    st.sampled_from(["TYPE", "type", "X-Y", ""]),
    st.one_of(st.just(""), st.just("<C:is-not-defined/>"), _TEXT_MATCH),
)
_PROP_FILTER = st.builds(
    lambda name, attrs, inner: (
        f'<C:prop-filter name="{name}"{attrs}>{"".join(inner)}</C:prop-filter>'
    ),
    st.sampled_from(["FN", "N", "EMAIL", "TEL", "NICKNAME", "ORG", "UID", "X-NONE", ""]),
    _ATTRIBUTE,
    st.lists(st.one_of(_TEXT_MATCH, _PARAM_FILTER, st.just("<C:is-not-defined/>")), max_size=3),
)
_FILTER = st.builds(
    lambda attrs, inner: f"<C:filter{attrs}>{''.join(inner)}</C:filter>",
    _ATTRIBUTE,
    st.lists(_PROP_FILTER, max_size=3),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(filter_xml=_FILTER, limit=st.one_of(st.just(""), st.integers(0, 3).map(str)))
def test_no_query_filter_is_a_server_error(
    dav: Dav, vault: Vault, ada: Person, filter_xml: str, limit: str
) -> None:
    limit_xml = f"<C:limit><C:nresults>{limit}</C:nresults></C:limit>" if limit else ""
    body = (
        '<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        f"<D:prop><D:getetag/></D:prop>{filter_xml}{limit_xml}</C:addressbook-query>"
    )
    response = dav.report(collection_url(vault.pk), body)
    assert response.status_code in {207, 400, 403}, (body, response.status_code)
    if response.status_code == 207:
        assert len(responses(xml_of(response))) <= 2


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=st.one_of(st.binary(max_size=200), _FILTER.map(str.encode)))
def test_no_body_is_a_server_error(dav: Dav, vault: Vault, ada: Person, body: bytes) -> None:
    for method in ("PROPFIND", "REPORT", "PROPPATCH"):
        response = dav.request(method, collection_url(vault.pk), body, Depth="1")
        assert response.status_code < 500, (method, body)


def test_card_names_are_answered_percent_encoded(dav: Dav, vault: Vault) -> None:
    """A card name with a space, non-ASCII letters or reserved characters comes back
    percent-encoded in every multistatus (PROPFIND, multiget, PROPPATCH), the way the client
    may send it again."""
    base = collection_url(vault.pk)
    for index, quoted in enumerate(
        ("Ada%20L.vcf", "%D0%B3%D1%80%D0%B0%D0%B4.vcf", "a%3Fb%23c.vcf")
    ):
        url = base + quoted
        card = (
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:odd-{index}\r\nFN:Odd Name\r\n"
            "N:Name;Odd;;;\r\nEND:VCARD\r\n"
        )
        created = dav.request("PUT", url, card, content_type="text/vcard", **{"If-None-Match": "*"})
        assert created.status_code == 201, (quoted, created.content)
        got = dav.request("GET", url)
        assert got.status_code == 200 and b"UID:odd-" in got.content
        assert url in responses(xml_of(dav.propfind(base, "", depth="1")))
        multiget = (
            '<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
            f"<D:prop><D:getetag/></D:prop><D:href>{url}</D:href></C:addressbook-multiget>"
        )
        found = responses(xml_of(dav.report(base, multiget)))[url]
        assert "200" in (found.findtext(f"{D}propstat/{D}status") or "")
        patched = dav.request(
            "PROPPATCH",
            url,
            '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname>'
            "</D:prop></D:set></D:propertyupdate>",
        )
        assert list(responses(xml_of(patched))) == [url]
        assert dav.request("DELETE", url, **{"If-Match": got["ETag"]}).status_code == 204
    assert not store.live_cards(vault.pk).exists()
