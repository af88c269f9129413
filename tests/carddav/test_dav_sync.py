"""sync-collection (RFC 6578): the first sync sends every card, later ones only what changed
since the token, deletions as 404 responses; a token that is not this address book's is
refused with DAV:valid-sync-token so the client starts over."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from dav_client import (
    C,
    D,
    Dav,
    collection_url,
    responses,
    xml_of,
)
from defusedxml.ElementTree import fromstring
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.carddav import store
from aandacht.carddav.models import AddressBook, Card
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, create_person


def sync_body(token: str = "", props: str = "<D:getetag/>", level: str = "1") -> str:
    return (
        '<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
        f"<D:sync-token>{token}</D:sync-token><D:sync-level>{level}</D:sync-level>"
        f"<D:prop>{props}</D:prop></D:sync-collection>"
    )


def sync(
    dav: Dav, vault: Vault, token: str = "", props: str = "<D:getetag/>"
) -> tuple[dict[str, ET.Element], str]:
    root = xml_of(dav.report(collection_url(vault.pk), sync_body(token, props), depth="0"))
    return responses(root), root.findtext(f"{D}sync-token") or ""


def href_of(vault: Vault, person: Person) -> str:
    return collection_url(vault.pk) + Card.objects.get(person=person, deleted=False).href


def test_initial_then_incremental_sync(dav: Dav, vault: Vault, alice: User) -> None:
    ada = create_person(vault, given_name="Ada", family_name="Lovelace")
    grace = create_person(vault, given_name="Grace", family_name="Hopper")
    first, token = sync(dav, vault, props="<D:getetag/><C:address-data/>")
    assert set(first) == {href_of(vault, ada), href_of(vault, grace)}
    assert "Ada Lovelace" in (first[href_of(vault, ada)].findtext(f".//{C}address-data") or "")
    assert token.startswith("urn:")
    # Nothing changed: nothing sent, the same token.
    again, same = sync(dav, vault, token)
    assert again == {} and same == token
    # An edit in the web (through the services) sends that card alone, with its new ETag.
    add_contact_method(ada, "email", "ada@example.org")
    changed, second = sync(dav, vault, token, "<D:getetag/><C:address-data/>")
    assert list(changed) == [href_of(vault, ada)]
    assert "ada@example.org" in (changed[href_of(vault, ada)].findtext(f".//{C}address-data") or "")
    etag = changed[href_of(vault, ada)].findtext(f".//{D}getetag")
    assert etag == dav.request("GET", href_of(vault, ada))["ETag"]
    assert second != token
    # A new person arrives; the trashed one leaves as a 404 response.
    trashed_href = href_of(vault, grace)
    trash_person(grace)
    katherine = create_person(vault, given_name="Katherine", family_name="Johnson")
    later, third = sync(dav, vault, second)
    assert set(later) == {trashed_href, href_of(vault, katherine)}
    assert "404" in (later[trashed_href].findtext(f"{D}status") or "")
    assert later[trashed_href].find(f"{D}propstat") is None
    assert later[href_of(vault, katherine)].findtext(f".//{D}getetag")
    # The old token still works and now sums up everything since.
    since_first, _token = sync(dav, vault, token)
    assert set(since_first) == {href_of(vault, ada), trashed_href, href_of(vault, katherine)}
    # A fresh sync holds live cards only.
    fresh, fresh_token = sync(dav, vault)
    assert set(fresh) == {href_of(vault, ada), href_of(vault, katherine)}
    assert fresh_token == third


def test_getctag_follows_the_sync_token(dav: Dav, vault: Vault) -> None:
    body = (
        '<propfind xmlns="DAV:" xmlns:CS="http://calendarserver.org/ns/">'
        "<prop><CS:getctag/><sync-token/></prop></propfind>"
    )

    def tags() -> tuple[str, str]:
        root = xml_of(dav.propfind(collection_url(vault.pk), body))
        return (
            root.findtext(".//{http://calendarserver.org/ns/}getctag") or "",
            root.findtext(f".//{D}sync-token") or "",
        )

    ctag, token = tags()
    assert ctag == token
    create_person(vault, given_name="Ada")
    new_ctag, new_token = tags()
    assert new_ctag == new_token != ctag


def _refused(response: HttpResponse, condition: str) -> None:
    assert response.status_code == 403, response.content
    assert fromstring(response.content).find(condition) is not None


def test_bad_tokens_are_refused(dav: Dav, vault: Vault, mallory: User, other_vault: Vault) -> None:
    create_person(vault, given_name="Ada")
    _cards, token = sync(dav, vault)
    url = collection_url(vault.pk)
    revision = store.parse_sync_token(token, vault.pk)
    assert revision is not None
    for bad in (
        "nonsense",
        "http://example.org/sync/1",
        store.sync_token(other_vault.pk, revision),  # another address book's
        store.sync_token(vault.pk, revision + 50),  # from the future
        token + "x",
    ):
        _refused(dav.report(url, sync_body(bad), depth="0"), f"{D}valid-sync-token")
    # Below the floor (tombstones purged): refused as well.
    AddressBook.objects.filter(vault=vault).update(floor=revision + 1)
    _refused(dav.report(url, sync_body(token), depth="0"), f"{D}valid-sync-token")


def test_sync_level(dav: Dav, vault: Vault) -> None:
    url = collection_url(vault.pk)
    _refused(dav.report(url, sync_body(level="infinite")), f"{D}sync-traversal-supported")
    assert dav.report(url, sync_body(level="2")).status_code == 400
    no_level = (
        '<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:prop><D:getetag/></D:prop>'
        "</D:sync-collection>"
    )
    assert dav.report(url, no_level).status_code == 207


def test_sync_takes_a_fixed_number_of_queries(
    dav: Dav, vault: Vault, django_assert_max_num_queries: Any
) -> None:
    Person.objects.bulk_create(
        Person(vault=vault, given_name=f"P{n}", family_name="Bulk") for n in range(800)
    )
    store.refresh(vault)
    with django_assert_max_num_queries(12):
        cards, token = sync(dav, vault, props="<D:getetag/><C:address-data/>")
    assert len(cards) == 800
    Person.objects.filter(vault=vault, given_name__in=["P1", "P2", "P3"]).update(
        trashed_at=timezone.now()
    )
    with django_assert_max_num_queries(20):
        changes, _new = sync(dav, vault, token)
    assert len(changes) == 3
    assert all("404" in (r.findtext(f"{D}status") or "") for r in changes.values())


def test_sync_is_only_for_the_address_book(dav: Dav, vault: Vault) -> None:
    response = dav.report("/dav/addressbooks/alice/", sync_body())
    _refused(response, f"{D}supported-report")


def test_a_limited_sync_sends_whole_revisions(dav: Dav, vault: Vault) -> None:
    """RFC 6578 §3.7: at most nresults cards, a 507 on the collection when truncated, and a
    token from which the rest follows; a single change larger than the limit is refused."""
    people = [create_person(vault, given_name=f"Person{n}") for n in range(3)]
    store.refresh(vault)  # three cards at one revision
    url = collection_url(vault.pk)

    def limited(token: str, limit: int) -> Any:
        body = sync_body(token).replace(
            "</D:sync-collection>",
            f"<D:limit><D:nresults>{limit}</D:nresults></D:limit></D:sync-collection>",
        )
        return dav.report(url, body, depth="0")

    refused = limited("", 2)
    assert refused.status_code == 507
    assert fromstring(refused.content).find(f"{D}number-of-matches-within-limits") is not None
    everything = xml_of(limited("", 3))
    token = everything.findtext(f"{D}sync-token") or ""
    assert len(responses(everything)) == 3
    for person in people:  # three changes, at three revisions
        add_contact_method(person, "email", f"{person.given_name.lower()}@example.org")
        store.refresh(vault)
    first = xml_of(limited(token, 2))
    answer = responses(first)
    assert "507" in (answer.pop(url).findtext(f"{D}status") or "")
    assert len(answer) == 2
    rest, final = sync(dav, vault, first.findtext(f"{D}sync-token") or "")
    assert len(rest) == 1 and not set(rest) & set(answer)
    assert final == sync(dav, vault)[1]
    bad_limit = "<D:limit><D:nresults>x</D:nresults></D:limit><D:sync-level>"
    assert dav.report(url, sync_body().replace("<D:sync-level>", bad_limit)).status_code == 400
