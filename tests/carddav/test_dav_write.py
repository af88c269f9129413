"""Writing through CardDAV: PUT creates and updates people, DELETE moves them to the trash;
ETag preconditions (412), content type (415), size (413), a viewer's or a read token's write
(403) and cards the mapping refuses are answered before anything changes."""

from __future__ import annotations

from typing import Any

from dav_client import (
    C,
    D,
    Dav,
    collection_url,
    dav_for,
    responses,
    xml_of,
)
from defusedxml.ElementTree import fromstring
from django.contrib.auth.models import User
from django.db import connection

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token
from aandacht.carddav import store, views
from aandacht.carddav.models import Card
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, create_person

VCARD_TYPE = "text/vcard; charset=utf-8"


def vcard_text(uid: str, name: str, email: str = "", version: str = "3.0") -> str:
    given, _space, family = name.partition(" ")
    lines = [
        "BEGIN:VCARD",
        f"VERSION:{version}",
        f"UID:{uid}",
        f"FN:{name}",
        f"N:{family};{given};;;",
    ]
    if email:
        lines.append(f"EMAIL;TYPE=home:{email}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def put(dav: Dav, url: str, text: str, content_type: str = VCARD_TYPE, **headers: str) -> Any:
    return dav.request("PUT", url, text, content_type=content_type, **headers)


def test_put_creates_then_updates_a_person(dav: Dav, vault: Vault) -> None:
    url = collection_url(vault.pk) + "new-friend.vcf"
    created = put(
        dav,
        url,
        vcard_text("new-friend", "Hedy Lamarr", "hedy@example.org"),
        **{"If-None-Match": "*"},
    )
    assert created.status_code == 201, created.content
    person = Person.objects.get(vault=vault, given_name="Hedy")
    assert person.family_name == "Lamarr"
    got = dav.request("GET", url)
    assert got.status_code == 200 and "hedy@example.org" in got.content.decode()
    etag = got["ETag"]
    if created.has_header("ETag"):
        assert created["ETag"] == etag
    # An update with the current ETag.
    updated = put(
        dav,
        url,
        vcard_text("new-friend", "Hedy Lamarr", "hedy@films.example"),
        **{"If-Match": etag},
    )
    assert updated.status_code == 204, updated.content
    after = dav.request("GET", url)
    assert "hedy@films.example" in after.content.decode() and after["ETag"] != etag
    # The old ETag is stale now: the card changed since the client read it.
    stale = put(
        dav, url, vcard_text("new-friend", "Hedy Lamarr", "x@example.org"), **{"If-Match": etag}
    )
    assert stale.status_code == 412
    assert "x@example.org" not in dav.request("GET", url).content.decode()
    # If-None-Match: * means "create only".
    again = put(dav, url, vcard_text("new-friend", "Hedy Lamarr"), **{"If-None-Match": "*"})
    assert again.status_code == 412
    assert Person.objects.filter(vault=vault, given_name="Hedy").count() == 1


def test_an_edit_in_the_web_makes_the_phones_etag_stale(dav: Dav, vault: Vault) -> None:
    ada = create_person(vault, given_name="Ada", family_name="Lovelace")
    store.refresh(vault)
    url = collection_url(vault.pk) + Card.objects.get(person=ada).href
    etag = dav.request("GET", url)["ETag"]
    add_contact_method(ada, "email", "ada@example.org")
    response = put(
        dav, url, vcard_text(Card.objects.get(person=ada).uid, "Ada Byron"), **{"If-Match": etag}
    )
    assert response.status_code == 412
    ada.refresh_from_db()
    assert ada.family_name == "Lovelace"


def test_if_match_on_a_missing_card(dav: Dav, vault: Vault) -> None:
    url = collection_url(vault.pk) + "ghost.vcf"
    assert put(dav, url, vcard_text("ghost", "No One"), **{"If-Match": '"abc"'}).status_code == 412
    assert put(dav, url, vcard_text("ghost", "No One"), **{"If-Match": "*"}).status_code == 412
    assert not Person.objects.filter(vault=vault).exists()


def test_put_refuses_other_content_types_and_large_bodies(dav: Dav, vault: Vault) -> None:
    url = collection_url(vault.pk) + "typed.vcf"
    text = vcard_text("typed", "Type Test")
    wrong = put(dav, url, text, content_type="text/plain")
    assert wrong.status_code == 415
    assert fromstring(wrong.content).find(f"{C}supported-address-data") is not None
    assert put(dav, url, text, content_type="application/json").status_code == 415
    assert put(dav, url, text, content_type="text/x-vcard").status_code == 201
    big = put(dav, collection_url(vault.pk) + "big.vcf", "X" * (views.MAX_CARD_SIZE + 1))
    assert big.status_code == 413
    # The declared length alone is enough to refuse, before reading anything.
    declared = dav.client.generic(
        "PUT",
        collection_url(vault.pk) + "big.vcf",
        text.encode(),
        content_type=VCARD_TYPE,
        HTTP_AUTHORIZATION=dav.authorization,
        CONTENT_LENGTH=str(views.MAX_CARD_SIZE + 10),
    )
    assert declared.status_code == 413
    assert Person.objects.filter(vault=vault).count() == 1


def test_put_of_an_invalid_vcard(dav: Dav, vault: Vault) -> None:
    url = collection_url(vault.pk) + "broken.vcf"
    for body in (
        "this is no vcard",
        "BEGIN:VCARD\r\nVERSION:3.0\r\n",
        vcard_text("a", "A One") + vcard_text("b", "B Two"),
    ):
        response = put(dav, url, body)
        assert 400 <= response.status_code < 500, (body, response.status_code)
        assert fromstring(response.content).find(f"{C}valid-address-data") is not None
    assert not Person.objects.filter(vault=vault).exists()
    assert dav.request("GET", url).status_code == 404


def test_put_with_a_uid_of_another_card_is_a_conflict(dav: Dav, vault: Vault) -> None:
    first = collection_url(vault.pk) + "first.vcf"
    assert put(dav, first, vcard_text("same-uid", "First One")).status_code == 201
    response = put(dav, collection_url(vault.pk) + "second.vcf", vcard_text("same-uid", "Two"))
    assert response.status_code == 409
    assert fromstring(response.content).find(f"{C}no-uid-conflict") is not None


def test_bad_card_names(dav: Dav, vault: Vault) -> None:
    base = collection_url(vault.pk)
    assert put(dav, base + "tab%09name.vcf", vcard_text("t", "Tab Name")).status_code == 400
    assert put(dav, base + "back%5Cslash.vcf", vcard_text("b", "Back Slash")).status_code == 400
    assert put(dav, base + "a/b.vcf", vcard_text("c", "Sub Dir")).status_code in {404, 405}
    assert not Person.objects.filter(vault=vault).exists()
    # Any other safe name is fine, and is served back under the same (quoted) path.
    assert put(dav, base + "Ada%20L.vcf", vcard_text("spaced", "Ada Spaced")).status_code == 201
    listing = responses(xml_of(dav.propfind(base, "", depth="1")))
    assert base + "Ada%20L.vcf" in listing


def test_viewers_and_read_tokens_cannot_write(
    vault: Vault, alice: User, carol: User, bob: User
) -> None:
    ada = create_person(vault, given_name="Ada")
    store.refresh(vault)
    url = collection_url(vault.pk) + Card.objects.get(person=ada).href
    new_url = collection_url(vault.pk) + "new.vcf"
    for client in (
        dav_for(carol, scope="read"),
        dav_for(alice, scope="read"),
        dav_for(bob, scope="read"),
    ):
        client_url = url.replace("/alice/", f"/{client.username}/")
        new = new_url.replace("/alice/", f"/{client.username}/")
        assert client.request("GET", client_url).status_code == 200
        assert put(client, new, vcard_text("n", "New One")).status_code == 403
        assert put(client, client_url, vcard_text("n", "Ada")).status_code == 403
        assert client.request("DELETE", client_url).status_code == 403
    # carol is a viewer: even a write token of hers cannot write here.
    carol_write = Dav("carol", create_token(carol, "all", scope="write").secret)
    assert carol_write.request("DELETE", url.replace("/alice/", "/carol/")).status_code == 403
    assert not Person.objects.filter(vault=vault, given_name="New").exists()
    assert Person.objects.get(pk=ada.pk).trashed_at is None
    # bob is an editor: his write token writes.
    bob_url = new_url.replace("/alice/", "/bob/")
    assert put(dav_for(bob), bob_url, vcard_text("from-bob", "Bobs Friend")).status_code == 201


def test_delete_moves_the_person_to_the_trash(dav: Dav, vault: Vault) -> None:
    ada = create_person(vault, given_name="Ada", family_name="Lovelace")
    store.refresh(vault)
    url = collection_url(vault.pk) + Card.objects.get(person=ada).href
    etag = dav.request("GET", url)["ETag"]
    assert dav.request("DELETE", url, **{"If-Match": '"wrong"'}).status_code == 412
    assert Person.objects.get(pk=ada.pk).trashed_at is None
    assert dav.request("DELETE", url, **{"If-Match": etag}).status_code == 204
    assert Person.objects.get(pk=ada.pk).trashed_at is not None
    assert dav.request("GET", url).status_code == 404
    assert dav.request("DELETE", url).status_code == 404


def test_collections_are_not_deleted_or_created(dav: Dav, vault: Vault) -> None:
    assert dav.request("DELETE", collection_url(vault.pk)).status_code == 403
    assert dav.request("DELETE", "/dav/addressbooks/alice/").status_code == 403
    assert dav.request("MKCOL", "/dav/addressbooks/alice/new/").status_code in {403, 404, 405}
    assert dav.request("MKCOL", collection_url(vault.pk)).status_code == 403
    assert Vault.objects.filter(pk=vault.pk).exists()
    for method in ("MOVE", "COPY", "POST", "PATCH"):
        assert dav.request(method, collection_url(vault.pk)).status_code in {403, 405}, method


def test_proppatch_is_answered_per_property(dav: Dav, vault: Vault) -> None:
    body = (
        '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Mine</D:displayname>'
        "</D:prop></D:set></D:propertyupdate>"
    )
    response = dav.request("PROPPATCH", collection_url(vault.pk), body)
    root = xml_of(response)
    assert "403" in (root.findtext(f".//{D}propstat/{D}status") or "")
    assert root.find(f".//{D}propstat/{D}prop/{D}displayname") is not None
    vault.refresh_from_db()
    assert vault.name == "Alice's people"
    assert dav.request("PROPPATCH", collection_url(vault.pk), "<nope/>").status_code == 400


def test_empty_answers_carry_no_content_type(dav: Dav, vault: Vault) -> None:
    """201, 204, 304 and OPTIONS have no body, so no body type (Django's default text/html
    made them look like web pages)."""
    url = collection_url(vault.pk) + "typeless.vcf"
    created = put(dav, url, vcard_text("typeless", "Hedy Lamarr"), **{"If-None-Match": "*"})
    etag = dav.request("GET", url)["ETag"]
    updated = put(dav, url, vcard_text("typeless", "Hedy Kiesler"), **{"If-Match": etag})
    etag = dav.request("GET", url)["ETag"]
    not_modified = dav.request("GET", url, **{"If-None-Match": etag})
    options = dav.request("OPTIONS", url)
    deleted = dav.request("DELETE", url, **{"If-Match": etag})
    answers = [created, updated, not_modified, options, deleted]
    assert [answer.status_code for answer in answers] == [201, 204, 304, 200, 204]
    for answer in answers:
        assert not answer.has_header("Content-Type"), (answer.status_code, answer.headers)
        assert answer.content == b""
    assert not_modified["ETag"] == etag
    # Answers with a body still say what it is.
    assert dav.request("GET", url)["Content-Type"].startswith("text/plain")
    assert dav.request("GET", url).status_code == 404


def test_a_put_that_loses_the_race_for_a_name_is_a_412(dav: Dav, vault: Vault) -> None:
    """Another request creates a card at the same name after this PUT checked that the name
    was free and before it inserts its row: the unique constraint refuses the insert and the
    client is told to sync first (412), not given a 500. The other request is played by the
    database itself: just before the PUT's INSERT, a card at that name is inserted."""
    url = collection_url(vault.pk) + "contested.vcf"
    fired: list[str] = []

    def competitor(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not fired and sql.startswith('INSERT INTO "carddav_card"'):
            fired.append(sql)
            Card.objects.create(vault=vault, href="contested.vcf", uid="the-other-writer")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(competitor):
        response = put(dav, url, vcard_text("contested", "Hedy Lamarr"), **{"If-None-Match": "*"})
    assert fired, "the PUT never inserted a card"
    assert response.status_code == 412, response.content
    assert b"meanwhile" in response.content
    # Nothing of the losing write stays: no person, no card of its own.
    assert not Person.objects.filter(vault=vault, given_name="Hedy").exists()
    assert not Card.objects.filter(vault=vault, uid="contested").exists()
