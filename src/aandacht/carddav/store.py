"""Cards, ETags and sync tokens: what the CardDAV views read, kept current without re-rendering.

Edits anywhere in Aandacht (web, API, CLI, import) only mark a person's card stale (see
``signals``) or leave it missing (bulk paths that send no signals). :func:`refresh` brings a
vault's cards up to date just before a client reads them: cards for new people, tombstones for
people gone (deleted, trashed, moved away), and a new rendering for stale ones. A refresh that
finds nothing to do costs three small queries; a sync with no changes stays cheap.

Every refresh that changes something takes the next address book revision, under a row lock
on the :class:`AddressBook`, so revisions are handed out in commit order and a client holding
token N never misses a change committed later with a number ≤ N.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from aandacht.accounts.models import Vault
from aandacht.carddav.models import AddressBook, Card
from aandacht.exchange import exporting, vcard
from aandacht.people.models import Person

# The representation stored and served by default: vCard 3.0 is what every phone reads.
STORED_VERSION: vcard.Version = "3.0"
SYNC_TOKEN_PREFIX = "urn:x-aandacht:sync:"  # noqa: S105 (not a password)
RENDER_BATCH = exporting.PEOPLE_PER_BATCH
LOOKUP_BATCH = 500  # ids or names per IN (…) list
# Characters a UID may keep when it becomes a file name (href); others get the person's id.
_SAFE_HREF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,200}\Z")


def address_book(vault_id: int) -> AddressBook:
    book, _created = AddressBook.objects.get_or_create(vault_id=vault_id)
    return book


def sync_token(vault_id: int, revision: int) -> str:
    """A sync token is a URI (RFC 6578); it names the vault so a token of another is refused."""
    return f"{SYNC_TOKEN_PREFIX}{vault_id}:{revision}"


def parse_sync_token(token: str, vault_id: int) -> int | None:
    """The revision a token names, or None when it is not one of this address book's."""
    token = token.strip()
    if not token.startswith(SYNC_TOKEN_PREFIX):
        return None
    vault_text, _sep, revision_text = token[len(SYNC_TOKEN_PREFIX) :].partition(":")
    if vault_text != str(vault_id) or not revision_text.isdigit():
        return None
    return int(revision_text)


def etag_of(text: str) -> str:
    """A strong ETag (with quotes) from the card's bytes: equal text, equal ETag."""
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def href_for(uid: str, person_id: int) -> str:
    """The file name a card gets in its collection: its UID where that is a safe name."""
    bare = uid.removeprefix("urn:uuid:")
    if _SAFE_HREF.match(bare) and not bare.lower().endswith(".vcf"):
        return f"{bare}.vcf"
    return f"person-{person_id}.vcf"


def mark_stale(person_ids: Iterable[int]) -> None:
    """Something about these people changed: render their cards again on the next read."""
    ids = [pk for pk in person_ids if pk]
    if ids:
        Card.objects.filter(person_id__in=ids, deleted=False).exclude(etag="").update(etag="")


def live_cards(vault_id: int) -> QuerySet[Card]:
    return Card.objects.filter(vault_id=vault_id, deleted=False)


def changes_since(vault_id: int, revision: int) -> QuerySet[Card]:
    """Cards (and tombstones) changed after ``revision``, oldest change first."""
    return Card.objects.filter(vault_id=vault_id, revision__gt=revision).order_by("revision", "id")


def _people(vault_id: int) -> QuerySet[Person]:
    return Person.objects.filter(vault_id=vault_id, trashed_at__isnull=True)


def _missing_people(vault_id: int) -> QuerySet[Person]:
    """People of the vault without a live card in it."""
    # NOT IN over the live cards' person ids, not a correlated NOT EXISTS: SQLite ran the
    # latter through the (vault, revision) index, once per person (11 s at 10,000 people).
    carded = live_cards(vault_id).filter(person__isnull=False).values("person_id")
    return _people(vault_id).exclude(pk__in=carded)


def _orphans(vault_id: int) -> QuerySet[Card]:
    """Live cards whose person is gone, in the trash or now in another vault."""
    return live_cards(vault_id).filter(
        Q(person__isnull=True) | Q(person__trashed_at__isnull=False) | ~Q(person__vault_id=vault_id)
    )


def _stale(vault_id: int) -> QuerySet[Card]:
    return live_cards(vault_id).filter(etag="")


def needs_refresh(vault_id: int) -> bool:
    return (
        _stale(vault_id).exists()
        or _orphans(vault_id).exists()
        or _missing_people(vault_id).exists()
    )


def refresh(vault: Vault | int) -> int:
    """Bring the vault's cards up to date; return the address book's current revision."""
    vault_id = vault if isinstance(vault, int) else vault.pk
    if not needs_refresh(vault_id):
        return address_book(vault_id).revision
    address_book(vault_id)
    with transaction.atomic():
        book = AddressBook.objects.select_for_update().get(vault_id=vault_id)
        revision = book.revision + 1
        changed = _tombstone_orphans(vault_id, revision)
        changed += _add_missing(vault_id, revision)
        changed += _render_stale(vault_id, revision)
        if changed:
            book.revision = revision
            book.save(update_fields=["revision"])
        return book.revision


def _tombstone_orphans(vault_id: int, revision: int) -> int:
    return _orphans(vault_id).update(
        deleted=True, person=None, text="", etag="", extra="", revision=revision
    )


def _add_missing(vault_id: int, revision: int) -> int:
    """Cards for people without one, rendered at once; a tombstone at the same href is revived."""
    rows = list(_missing_people(vault_id).values_list("pk", "uid", "created_at"))
    if not rows:
        return 0
    used = _live_uids(vault_id, [uid for _pk, uid, _created in rows if uid])
    hrefs = {}
    for pk, uid, created_at in rows:
        card_uid = uid or exporting.derived_uid_for(vault_id, pk, created_at)
        if uid and uid in used:
            # Someone restored from the trash whose UID a newer card took meanwhile (a phone
            # deleted them and created them again): two cards with one UID would confuse
            # every client, so the restored person gets their own.
            card_uid = exporting.derived_uid_for(vault_id, pk, created_at)
            Person.objects.filter(pk=pk).update(uid=card_uid)
        used.add(card_uid)
        hrefs[pk] = (card_uid, href_for(card_uid, pk))
    wanted = [h for _u, h in hrefs.values()]
    taken: set[str] = set()
    tombstones: dict[str, Card] = {}
    for start in range(0, len(wanted), LOOKUP_BATCH):
        chunk = wanted[start : start + LOOKUP_BATCH]
        for card in Card.objects.filter(vault_id=vault_id, href__in=chunk):
            if card.deleted:
                tombstones[card.href] = card
            else:
                taken.add(card.href)
    new_cards = []
    revived = []
    for pk, (card_uid, href) in hrefs.items():
        if href in taken:
            href = f"person-{pk}.vcf"
        taken.add(href)
        tombstone = tombstones.pop(href, None)
        if tombstone is not None:
            tombstone.person_id = pk
            tombstone.uid = card_uid
            tombstone.deleted = False
            tombstone.etag = ""
            revived.append(tombstone)
        else:
            new_cards.append(Card(vault_id=vault_id, person_id=pk, href=href, uid=card_uid))
    _render(new_cards, revision)
    _insert(new_cards)
    _render(revived, revision)
    for card in revived:
        card.save(update_fields=["person", "uid", "deleted", "etag", "text", "revision"])
    return len(rows)


def _live_uids(vault_id: int, uids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(uids), LOOKUP_BATCH):
        chunk = list(uids[start : start + LOOKUP_BATCH])
        found.update(live_cards(vault_id).filter(uid__in=chunk).values_list("uid", flat=True))
    return found


def render(person: Person, details: exporting.Details, extra: str, version: vcard.Version) -> str:
    """The vCard a client gets: the export's card, without REV (a save that changed nothing a
    phone shows must not change the ETag), plus the client's own unmodelled lines."""
    card = exporting.person_to_card(person, notes=details.notes, version=version, details=details)
    card.rev = ""
    card.extra.extend(line for line in extra.splitlines() if line.strip())
    return vcard.write_card(card, version)


def lock_address_book(vault_id: int) -> AddressBook:
    """Take the vault's address book row lock for the rest of the transaction.

    Everything that writes cards takes it first, so writers queue in one order: revisions
    follow commit order and no two writers deadlock on PostgreSQL.
    """
    book = AddressBook.objects.select_for_update().filter(vault_id=vault_id).first()
    if book is None:
        address_book(vault_id)
        book = AddressBook.objects.select_for_update().get(vault_id=vault_id)
    return book


def settle(vault_id: int, card_ids: Sequence[int]) -> int:
    """Render just these cards if stale (a PUT's own card) and return the revision.

    A PUT does not need :func:`refresh`'s comparison of the whole vault with its people: the
    next read does that anyway. Rendering only the written card keeps a PUT to a few queries
    however large the address book is.
    """
    with transaction.atomic(savepoint=False):
        book = lock_address_book(vault_id)
        revision = book.revision + 1
        if _render_stale(vault_id, revision, _stale(vault_id).filter(pk__in=list(card_ids))):
            book.revision = revision
            book.save(update_fields=["revision"])
        return book.revision


def settle_card(card: Card) -> None:
    """Render ``card`` now, as the caller holds it (its ``text`` and ``extra`` must be what
    the database has, its ``etag`` empty), and store the result; ``card`` is updated in place.

    A PUT has just written the row: reading it back to render it would only cost queries.
    """
    with transaction.atomic(savepoint=False):
        book = lock_address_book(card.vault_id)
        revision = book.revision + 1
        if _store_rendered([card], revision):
            book.revision = revision
            book.save(update_fields=["revision"])


def _render_stale(vault_id: int, revision: int, cards: QuerySet[Card] | None = None) -> int:
    """Render stale cards; only those whose text really changed take the new revision."""
    selected = _stale(vault_id) if cards is None else cards
    cards_now = list(selected.only("pk", "person_id", "etag", "text", "extra"))
    return _store_rendered(cards_now, revision)


def _store_rendered(stale: list[Card], revision: int) -> int:
    """Render these cards and write their text, ETag and revision; how many changed."""
    changed = _render(stale, revision)
    rows = [(c.text, c.etag, c.revision, c.pk) for c in stale if c.etag]
    if rows:
        table = connection.ops.quote_name(Card._meta.db_table)
        # One prepared UPDATE run for every row: Django's bulk_update builds a CASE per
        # column and row, which cost 20 s of CPU for 10,000 cards.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET text = %s, etag = %s, revision = %s WHERE id = %s",  # noqa: S608
                rows,
            )
    return changed


def _insert(cards: list[Card]) -> None:
    """Insert new cards with one prepared statement (``bulk_create`` spent 2 s of CPU building
    the SQL for 10,000 cards)."""
    if not cards:
        return
    table = connection.ops.quote_name(Card._meta.db_table)
    columns = ("vault_id", "person_id", "href", "uid", "etag", "text", "extra", "revision")
    names = ", ".join(connection.ops.quote_name(c) for c in (*columns, "deleted"))
    marks = ", ".join(["%s"] * (len(columns) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
            [(*(getattr(card, c) for c in columns), False) for card in cards],
        )


def _render(cards: list[Card], revision: int) -> int:
    """Fill in ``text`` and ``etag`` of these cards (not saved); a card whose text changed
    takes ``revision``. Returns how many changed. A card whose person is gone stays stale."""
    changed = 0
    for start in range(0, len(cards), RENDER_BATCH):
        batch = cards[start : start + RENDER_BATCH]
        ids = [card.person_id for card in batch if card.person_id is not None]
        # A person the caller already holds on the card (a PUT's own) is not read again.
        held = {
            card.person_id: card.person
            for card in batch
            if card.person_id is not None and Card.person.is_cached(card)
        }
        people: dict[int, Person] = {pk: p for pk, p in held.items() if p is not None}
        unread = [pk for pk in ids if pk not in people]
        if unread:
            people.update(
                (p.pk, p)
                for p in Person.objects.filter(pk__in=unread).defer(*exporting.UNUSED_COLUMNS)
            )
        details = exporting.load_details(ids)
        for card in batch:
            person = people.get(card.person_id or 0)
            if person is None:
                continue
            text = render(person, details[person.pk], card.extra, STORED_VERSION)
            if text != card.text:
                card.revision = revision
                changed += 1
            card.text = text
            card.etag = etag_of(text)
    return changed


def card_text(card: Card, version: vcard.Version = STORED_VERSION) -> str:
    """The card in ``version``: the stored text for 3.0, rendered anew for 4.0."""
    if version == STORED_VERSION or card.person_id is None:
        return card.text
    person = Person.objects.get(pk=card.person_id)
    details = exporting.load_details([person.pk])[person.pk]
    return render(person, details, card.extra, version)


def cards_by_href(vault_id: int, hrefs: Sequence[str]) -> dict[str, Card]:
    return {card.href: card for card in live_cards(vault_id).filter(href__in=list(hrefs))}


def carry_card(source: Person, target: Person) -> None:
    """Give ``target`` (a moved or copied person, now in another vault) the lines a client
    stored on ``source``'s card that Aandacht does not model, so a move or copy loses none.

    The new card is stale (rendered and numbered by the next :func:`refresh` of its vault);
    a card left behind in the old vault becomes a tombstone there on its next refresh.
    """
    extra = (
        Card.objects.filter(person_id=source.pk, deleted=False)
        .exclude(vault_id=target.vault_id)
        .exclude(extra="")
        .values_list("extra", flat=True)
        .first()
    )
    if not extra or live_cards(target.vault_id).filter(person_id=target.pk).exists():
        return
    uid = target.uid or exporting.derived_uid(target)
    href = href_for(uid, target.pk)
    if Card.objects.filter(vault_id=target.vault_id, href=href).exists():
        href = f"person-{target.pk}.vcf"
        Card.objects.filter(vault_id=target.vault_id, href=href, deleted=True).delete()
    Card.objects.create(
        vault_id=target.vault_id, person_id=target.pk, href=href, uid=uid, extra=extra
    )


def current_card(vault_id: int, href: str) -> Card | None:
    """The live card at ``href``, rendered and current, for a request about one card.

    GET, PUT and DELETE of one card need not compare the whole vault with its people (that
    costs tens of milliseconds at 10,000 people): only this card's person is checked. A card
    whose person went away meanwhile is left to the full :func:`refresh`, which makes it a
    tombstone.
    """
    card = (
        live_cards(vault_id)
        .filter(href=href)
        .select_related("person")
        .only(
            "pk",
            "vault_id",
            "person_id",
            "href",
            "uid",
            "etag",
            "text",
            "extra",
            "revision",
            "deleted",
            "person__vault_id",
            "person__trashed_at",
        )
        .first()
    )
    if card is None:
        return None
    person = card.person
    if person is None or person.trashed_at is not None or person.vault_id != vault_id:
        refresh(vault_id)
        return live_cards(vault_id).filter(href=href).first()
    if not card.etag:
        settle(vault_id, [card.pk])
        card.refresh_from_db()
    return card
