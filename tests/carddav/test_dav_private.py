"""Private notes never leave Aandacht through CardDAV: not in GET (3.0 or 4.0), the whole
address book, a multiget, a sync, a query, nor after another member's PUT."""

from __future__ import annotations

import base64

from django.contrib.auth.models import User
from django.test import Client

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token
from aandacht.carddav import store
from aandacht.people.services import create_person
from aandacht.timeline.models import Note
from aandacht.timeline.services import add_note

SECRET = "alice-only secret about Ada"
SHARED = "Met at the Utrecht meetup"


def client_for(user: User) -> tuple[Client, dict[str, str]]:
    secret = create_token(user, "phone", scope="write").secret
    auth = base64.b64encode(f"{user.get_username()}:{secret}".encode()).decode()
    return Client(), {"HTTP_AUTHORIZATION": f"Basic {auth}"}


def test_a_private_note_is_never_served(alice: User, bob: User, vault: Vault) -> None:
    ada = create_person(vault, given_name="Ada", family_name="Lovelace")
    add_note(vault, ada, SHARED, author=alice)
    add_note(vault, ada, SECRET, author=alice, private=True)
    store.refresh(vault)
    href = store.live_cards(vault.pk).get(person=ada).href
    book = f"/dav/addressbooks/bob/{vault.pk}/"
    client, auth = client_for(bob)
    answers = [
        client.get(book + href, **auth),
        client.get(book + href, HTTP_ACCEPT="text/vcard; version=4.0", **auth),
        client.get(book, **auth),
        client.generic(
            "REPORT",
            book,
            f'<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
            f"<D:prop><D:getetag/><C:address-data/></D:prop><D:href>{book}{href}</D:href>"
            f"</C:addressbook-multiget>",
            content_type="application/xml",
            HTTP_DEPTH="1",
            **auth,
        ),
        client.generic(
            "REPORT",
            book,
            '<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
            "<D:sync-token/><D:sync-level>1</D:sync-level>"
            "<D:prop><D:getetag/><C:address-data/></D:prop></D:sync-collection>",
            content_type="application/xml",
            HTTP_DEPTH="1",
            **auth,
        ),
        client.generic(
            "REPORT",
            book,
            '<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
            '<D:prop><C:address-data/></D:prop><C:filter><C:prop-filter name="FN">'
            '<C:text-match match-type="contains">Ada</C:text-match></C:prop-filter>'
            "</C:filter></C:addressbook-query>",
            content_type="application/xml",
            HTTP_DEPTH="1",
            **auth,
        ),
    ]
    for answer in answers:
        assert answer.status_code in {200, 207}, answer.status_code
        content = answer.content.decode()
        assert "Met at the Utrecht meetup" in content
        assert "secret" not in content

    # Bob edits the card on his phone (a new NOTE): Alice's private note stays as it was.
    served = client.get(book + href, **auth)
    body = served.content.decode().replace(
        "NOTE:Met at the Utrecht meetup", "NOTE:Met at the Utrecht meetup\\n\\nLikes tea"
    )
    put = client.generic(
        "PUT",
        book + href,
        body.encode(),
        content_type="text/vcard",
        HTTP_IF_MATCH=served["ETag"],
        **auth,
    )
    assert put.status_code == 204
    assert Note.objects.filter(person=ada, body="Likes tea", author=bob, private=False).exists()
    private = Note.objects.get(person=ada, private=True)
    assert private.body == SECRET and private.author == alice
    assert "secret" not in client.get(book + href, **auth).content.decode()
