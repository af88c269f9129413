"""Private notes and moments stay their author's: through every page, search, export, feed
and digest.

bob edits vault A with alice; her private note and moment carry marker strings that must never
reach him (nor carol). alice does see them, and bob sees the shared note and his own private
note on the same pages, so the checks are not vacuous.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from authz_cases import Case, cases_of, found_in, ids_of, request, text_of
from authz_world import (
    ALICE_MARKERS,
    ALICE_PRIVATE_NOTE,
    BOB_MARKERS,
    PERSON_NAME,
    SHARED_NOTE,
    World,
)
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from aandacht.attention.digest import compose_digest

pytestmark = pytest.mark.django_db

READ_CASES = cases_of("object", "vault", "own")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _get(world: World, who: str, url: str, *, htmx: bool = False) -> tuple[int, str]:
    response = world.clients[who].get(url, **(HTMX if htmx else {}))
    return response.status_code, text_of(response)


@pytest.mark.parametrize("case", READ_CASES, ids=ids_of(READ_CASES))
def test_no_page_shows_another_members_private_entries(world: World, case: Case) -> None:
    """Every GET URL with every object, as a full page and as an htmx fragment."""
    url = case.url(world)
    for htmx in (False, True):
        for who, markers in (("bob", ALICE_MARKERS), ("carol", ALICE_MARKERS + BOB_MARKERS)):
            status, text = _get(world, who, url, htmx=htmx)
            assert status < 500, (who, case.id, status)
            leaked = [marker for marker in markers if marker in text]
            assert not leaked, (who, case.id, htmx, leaked)
        status, text = _get(world, "alice", url, htmx=htmx)
        assert not [m for m in BOB_MARKERS if m in text], ("alice", case.id, htmx)


def test_the_author_sees_her_private_entries(world: World) -> None:
    person = world.ids["person"]
    for url in (reverse("people:detail", args=[person]),):
        _status, alice = _get(world, "alice", url)
        assert all(marker in alice for marker in ALICE_MARKERS), url
        _status, bob = _get(world, "bob", url)
        assert SHARED_NOTE in bob and all(marker in bob for marker in BOB_MARKERS), url
        assert not [marker for marker in ALICE_MARKERS if marker in bob], url


@pytest.mark.parametrize("kind,key", [("note", "note_private"), ("moment", "moment_private")])
def test_another_members_private_entry_is_not_there(world: World, kind: str, key: str) -> None:
    """Editing or deleting alice's private entry by its id: a 404 for bob, as if it did not
    exist; alice herself reaches it."""
    args = [world.ids["person"], kind, world.ids[key]]
    for name in ("timeline:edit", "timeline:delete"):
        url = reverse(name, args=args)
        for method in ("get", "post"):
            response = request(world.clients["bob"], method, url)
            assert response.status_code == 404, (name, method)
        assert world.clients["alice"].get(url).status_code == 200, name


def test_search_does_not_find_by_private_text(world: World) -> None:
    """The header search (its results fragment) and the people list's search."""
    vault = world.vault.pk
    home, people = reverse("web:home"), reverse("people:list")
    results = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}

    def found(who: str, url: str, query: str, **headers: str) -> bool:
        response = world.clients[who].get(url, {"vault": vault, "q": query}, **headers)
        assert response.status_code == 200, (who, url)
        return "Quirinus" in text_of(response)

    for who in ("alice", "bob"):
        for marker in ALICE_MARKERS:
            assert not found(who, home, marker, **results), (who, marker)
            assert not found(who, people, marker), (who, marker)
    # Shared notes are searched, so the searches above could have found him.
    assert found("bob", home, "SHAREDNOTE-a1b2c", **results)
    assert found("bob", people, "SHAREDNOTE-a1b2c")


@pytest.mark.parametrize("fmt", ["vcard", "vcard3", "csv", "json"])
def test_exports_leave_out_other_members_private_entries(world: World, fmt: str) -> None:
    url = f"{reverse('exchange:export')}?vault={world.vault.pk}&format={fmt}"
    bob = world.clients["bob"].get(url)
    assert bob.status_code == 200
    assert PERSON_NAME.split()[0] in text_of(bob)
    assert not found_in(bob, ALICE_MARKERS), fmt
    carol = world.clients["carol"].get(url)
    assert carol.status_code == 200
    assert not found_in(carol, ALICE_MARKERS + BOB_MARKERS), fmt
    if fmt == "json":  # the JSON export holds the exporter's own private entries
        assert found_in(bob, BOB_MARKERS)
        alice = world.clients["alice"].get(url)
        assert found_in(alice, ALICE_MARKERS) == list(ALICE_MARKERS)
        assert not found_in(alice, BOB_MARKERS)


def test_calendar_feed_leaves_out_private_entries(world: World) -> None:
    anonymous = world.clients["anonymous"]
    for who in ("bob", "carol", "alice"):
        response = anonymous.get(reverse("attention:feed", args=[world.feed_tokens[who]]))
        assert response.status_code == 200
        text = text_of(response)
        assert "Quirinus" in text, who  # his birthday and the follow-up are in every feed
        others = ALICE_MARKERS if who != "alice" else BOB_MARKERS
        assert not [marker for marker in others if marker in text], who


def test_digest_leaves_out_private_entries(world: World) -> None:
    """The digest as composed for sending (the real code path, nothing sent)."""
    now = timezone.now()
    for who, others in (("bob", ALICE_MARKERS), ("carol", ALICE_MARKERS + BOB_MARKERS)):
        message = compose_digest(world.user(who), now)
        assert message is not None, who
        parts = [str(message.body)] + [str(content) for content, _type in message.alternatives]
        text = "\n".join(parts)
        assert "Quirinus" in text, who
        assert not [marker for marker in others if marker in text], who


def test_cli_find_does_not_search_private_notes(tmp_path: Path) -> None:
    """``aandacht find``: the private note's words find nobody, a shared note's words do."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "cli"))
    try:
        from cli_harness import Aandacht
    finally:
        sys.path.pop(0)

    aandacht = Aandacht(tmp_path / "data")
    added = aandacht("add", PERSON_NAME)
    assert added.code == 0, added.stderr
    person = added.stdout.strip().splitlines()[-1]
    assert aandacht("note", person, ALICE_PRIVATE_NOTE, "--private").code == 0
    assert aandacht("note", person, SHARED_NOTE).code == 0
    hidden = aandacht("find", ALICE_MARKERS[0], "--json")
    assert hidden.code == 0, hidden.stderr
    assert hidden.json() == []
    shared = aandacht("find", "SHAREDNOTE-a1b2c", "--json")
    assert [hit["name"] for hit in shared.json()] == [PERSON_NAME]


def _unzipped(response: HttpResponse) -> str:
    """Every file of a ZIP download, as one text (a compressed body hides any marker)."""
    raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )


def test_account_export_holds_only_ones_own_private_entries(world: World) -> None:
    url = f"{reverse('accounts:export')}?download=1"
    texts = {}
    for who in ("alice", "bob", "carol"):
        response = world.clients[who].get(url)
        assert response.status_code == 200, who
        texts[who] = _unzipped(response)
    assert SHARED_NOTE in texts["bob"] and SHARED_NOTE in texts["carol"]
    assert all(marker in texts["alice"] for marker in ALICE_MARKERS)
    assert all(marker in texts["bob"] for marker in BOB_MARKERS)
    assert not [m for m in ALICE_MARKERS if m in texts["bob"]]
    assert not [m for m in ALICE_MARKERS + BOB_MARKERS if m in texts["carol"]]
    assert not [m for m in BOB_MARKERS if m in texts["alice"]]


def test_copying_or_moving_a_person_takes_no_one_elses_private_entries(world: World) -> None:
    """bob copies the person into a vault of his own: his private note goes along, alice's
    private note and moment do not; moving them there is refused (alice would lose hers),
    without saying whose private entries are in the way."""
    from aandacht.accounts.models import Membership, Role, Vault
    from aandacht.people import transfer_core
    from aandacht.timeline.models import Moment, Note

    own = Vault.objects.create(name="Bob's own")
    Membership.objects.create(vault=own, user=world.bob, role=Role.OWNER)
    url = reverse("people:transfer", args=[world.ids["person"]])
    bob = world.clients["bob"]
    moved = bob.post(url, {"to": own.pk, "mode": "move", "from": world.vault.pk})
    assert moved.status_code == 409
    page = text_of(moved).lower().replace("alice&#x27;s people", "")
    assert not found_in(moved, ALICE_MARKERS) and "alice" not in page
    token = transfer_core.new_token()
    copied = bob.post(url, {"to": own.pk, "mode": "copy", "token": token})
    assert copied.status_code == 302, text_of(copied)
    texts = [
        *Note.objects.filter(vault=own).values_list("body", flat=True),
        *Moment.objects.filter(vault=own).values_list("text", flat=True),
    ]
    assert SHARED_NOTE in texts
    assert any(BOB_MARKERS[0] in text for text in texts)
    assert not [text for text in texts if any(m in text for m in ALICE_MARKERS)]
