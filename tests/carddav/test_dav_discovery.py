"""Discovery (RFC 6764, RFC 6352 §7): from /.well-known/carddav to the address books a token
may read, one per vault, with the right privileges for each member."""

from __future__ import annotations

from dav_client import (
    C,
    D,
    Dav,
    collection_url,
    dav_for,
    missing,
    prop,
    responses,
    xml_of,
)
from defusedxml.ElementTree import fromstring
from django.contrib.auth.models import User
from django.test import Client

from aandacht.accounts.models import Membership, Role, Vault


def test_well_known_redirects_every_method_without_credentials(alice: User) -> None:
    client = Client()
    for method in ("GET", "PROPFIND", "OPTIONS"):
        response = client.generic(method, "/.well-known/carddav")
        assert response.status_code == 301, method
        assert response["Location"] == "/dav/"
    assert client.get("/.well-known/carddav/").status_code == 301


def test_discovery_chain_from_well_known(dav: Dav, vault: Vault) -> None:
    """What a phone does with only the server's address: well-known, the root's principal,
    the principal's home set, the home's address books."""
    start = dav.propfind("/.well-known/carddav")
    root_url = start["Location"]
    body = '<propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>'
    root = xml_of(dav.propfind(root_url, body))
    principal_url = root.findtext(f".//{D}current-user-principal/{D}href")
    assert principal_url == "/dav/principals/alice/"
    home_body = (
        '<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        "<prop><C:addressbook-home-set/><displayname/><principal-URL/></prop></propfind>"
    )
    principal = xml_of(dav.propfind(principal_url, home_body))
    home_url = principal.findtext(f".//{C}addressbook-home-set/{D}href")
    assert home_url == "/dav/addressbooks/alice/"
    assert principal.findtext(f".//{D}principal-URL/{D}href") == principal_url
    assert principal.findtext(f".//{D}displayname") == "alice"
    listing = responses(xml_of(dav.propfind(home_url, "", depth="1")))
    assert set(listing) == {home_url, collection_url(vault.pk)}
    book = listing[collection_url(vault.pk)]
    resourcetype = prop(book, f"{D}resourcetype")
    assert resourcetype is not None
    assert resourcetype.find(f"{D}collection") is not None
    assert resourcetype.find(f"{C}addressbook") is not None
    assert prop(book, f"{D}displayname") is not None
    assert book.findtext(f".//{D}displayname") == "Alice's people"
    # The home itself is a plain collection, not an address book.
    home_type = prop(listing[home_url], f"{D}resourcetype")
    assert home_type is not None and home_type.find(f"{C}addressbook") is None


def test_address_book_properties(dav: Dav, vault: Vault) -> None:
    body = (
        '<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"'
        ' xmlns:CS="http://calendarserver.org/ns/"><prop>'
        "<C:supported-address-data/><C:max-resource-size/><sync-token/><CS:getctag/>"
        "<supported-report-set/><current-user-privilege-set/></prop></propfind>"
    )
    book = responses(xml_of(dav.propfind(collection_url(vault.pk), body)))[collection_url(vault.pk)]
    versions = {
        e.get("version") for e in book.iter(f"{C}address-data-type") if e.get("content-type")
    }
    assert versions == {"3.0", "4.0"}
    assert int(book.findtext(f".//{C}max-resource-size") or 0) >= 1024 * 1024
    token = book.findtext(f".//{D}sync-token")
    assert token and token == book.findtext(".//{http://calendarserver.org/ns/}getctag")
    reports = {r.tag for r in book.iterfind(f".//{D}supported-report/{D}report/*")}
    assert reports == {f"{C}addressbook-multiget", f"{C}addressbook-query", f"{D}sync-collection"}
    privileges = {p.tag for p in book.iterfind(f".//{D}privilege/*")}
    assert {f"{D}read", f"{D}write-content", f"{D}bind", f"{D}unbind"} <= privileges


def _privileges(client: Dav, vault: Vault) -> set[str]:
    listing = responses(xml_of(client.propfind(f"/dav/addressbooks/{client.username}/", "", "1")))
    book = listing[collection_url(vault.pk, client.username)]
    return {p.tag for p in book.iterfind(f".//{D}current-user-privilege-set/{D}privilege/*")}


def test_each_member_sees_the_vault_with_their_role(
    vault: Vault, bob: User, carol: User, mallory: User, other_vault: Vault
) -> None:
    assert f"{D}write-content" in _privileges(dav_for(bob), vault)
    assert _privileges(dav_for(carol), vault) == {
        f"{D}read",
        f"{D}read-current-user-privilege-set",
    }
    # A read token of an editor only reads.
    assert f"{D}write-content" not in _privileges(dav_for(bob, scope="read"), vault)
    as_mallory = dav_for(mallory)
    listing = responses(xml_of(as_mallory.propfind("/dav/addressbooks/mallory/", "", "1")))
    assert set(listing) == {"/dav/addressbooks/mallory/", collection_url(other_vault.pk, "mallory")}
    assert b"Alice" not in as_mallory.propfind("/dav/addressbooks/mallory/", "", "1").content
    # Alice's home and address book are not there for her (not even a 403).
    assert as_mallory.propfind("/dav/addressbooks/alice/", "", "1").status_code == 404
    assert as_mallory.propfind(collection_url(vault.pk, "mallory")).status_code == 404
    assert as_mallory.propfind(collection_url(vault.pk, "alice")).status_code == 404
    assert as_mallory.propfind("/dav/principals/alice/").status_code == 404


def test_a_token_for_one_vault_lists_only_that_vault(alice: User, vault: Vault) -> None:
    second = Vault.objects.create(name="Work")
    Membership.objects.create(vault=second, user=alice, role=Role.OWNER)
    everything = responses(xml_of(dav_for(alice).propfind("/dav/addressbooks/alice/", "", "1")))
    assert collection_url(second.pk) in everything and collection_url(vault.pk) in everything
    narrow = dav_for(alice, vault=second)
    listing = responses(xml_of(narrow.propfind("/dav/addressbooks/alice/", "", "1")))
    assert collection_url(second.pk) in listing and collection_url(vault.pk) not in listing
    assert narrow.propfind(collection_url(vault.pk)).status_code == 404


def test_options_advertises_carddav(db: None, vault: Vault) -> None:
    client = Client()
    for path in ("/dav/", collection_url(vault.pk), collection_url(vault.pk) + "x.vcf"):
        response = client.options(path)
        assert response.status_code == 200
        assert "addressbook" in response["DAV"] and "1" in response["DAV"]
        assert "PROPFIND" in response["Allow"]
    assert "PUT" in client.options(collection_url(vault.pk) + "x.vcf")["Allow"]


def test_propname_allprop_and_unknown_properties(dav: Dav, vault: Vault) -> None:
    url = collection_url(vault.pk)
    names = responses(xml_of(dav.propfind(url, '<propfind xmlns="DAV:"><propname/></propfind>')))[
        url
    ]
    found = {child.tag for child in names.iterfind(f".//{D}prop/*")}
    assert {f"{D}resourcetype", f"{D}sync-token", f"{C}supported-address-data"} <= found
    assert names.find(f".//{D}sync-token") is not None
    assert not (names.findtext(f".//{D}sync-token") or "")
    everything = responses(
        xml_of(dav.propfind(url, '<propfind xmlns="DAV:"><allprop/></propfind>'))
    )[url]
    assert prop(everything, f"{D}displayname") is not None
    empty_body = responses(xml_of(dav.propfind(url)))[url]
    assert prop(empty_body, f"{D}displayname") is not None
    body = (
        '<propfind xmlns="DAV:" xmlns:X="urn:example:x"><prop><displayname/>'
        "<X:colour/><getlastmodified/></prop></propfind>"
    )
    answer = responses(xml_of(dav.propfind(url, body)))[url]
    assert prop(answer, f"{D}displayname") is not None
    assert missing(answer) == {"{urn:example:x}colour", f"{D}getlastmodified"}


def test_depth_infinity_is_refused(dav: Dav, vault: Vault) -> None:
    response = dav.propfind(collection_url(vault.pk), depth="infinity")
    assert response.status_code == 403
    assert fromstring(response.content).find(f"{D}propfind-finite-depth") is not None


def test_get_on_the_root_explains_itself(dav: Dav) -> None:
    response = dav.request("GET", "/dav/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"/dav/" in response.content
