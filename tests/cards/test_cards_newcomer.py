"""What a newcomer's walk through card season found, each pinned down: the list and its size
agree, a refused size keeps the season page's address, the card is always one page (or says
how much to cut), a PDF only for someone with a card, dates written like the rest of the app,
names and badges in the app's person-row style, and the phone's memory aid above the box."""

from __future__ import annotations

import io
import re

import pytest
from cards_helpers import YEAR, Cast, days_ago
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from aandacht.accounts.models import Vault
from aandacht.cards import services
from aandacht.cards.models import Card, CardStatus
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction, MomentKind
from aandacht.timeline.services import add_moment

pytestmark = pytest.mark.django_db

SEASON = reverse("cards:season")
LONG = "Dank je wel voor alles dit jaar. " * 60  # far more than one card holds


def write_url(person_id: int, year: int = YEAR) -> str:
    return reverse("cards:write", args=[year, person_id])


def pdf_url(person_id: int, year: int = YEAR) -> str:
    return reverse("cards:pdf", args=[year, person_id])


def sent_url(person_id: int) -> str:
    return reverse("cards:sent", args=[YEAR, person_id])


def text_of(body: bytes) -> str:
    """The page's visible words, tags stripped and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", body.decode()).split())


# 1. The size and the list agree -----------------------------------------------------------


def test_the_list_says_who_is_proposed_and_who_you_started(
    as_alice: Client, alice: User, cast: Cast
) -> None:
    services.save_text(cast.ruud, alice, YEAR, "Beste Ruud,")
    services.add_to_list(create_person(cast.zoe.vault, "Nieuwe Mens"), alice, YEAR)
    page = text_of(as_alice.get(SEASON).content)
    # Ruud and Nieuwe Mens are the user's own; Zoë and Anna are proposed (no one else has moments).
    assert "4 on your list: 2 proposed, 2 you added or started." in page
    assert "0 of 4 cards sent" in page


def test_a_smaller_size_shrinks_proposals_and_says_who_stays(
    as_alice: Client, alice: User, vault: Vault, cast: Cast
) -> None:
    extra = [create_person(vault, f"Vriend {n}") for n in range(3)]
    for person in [cast.zoe, cast.ruud, *extra]:
        services.save_text(person, alice, YEAR, f"Beste {person.name},")
    services.mark_sent(cast.zoe, alice, YEAR)
    response = as_alice.post(reverse("cards:size"), {"size": "3"}, follow=True)
    page = text_of(response.content)
    # Five the user started stay; nothing is proposed; the message says why it is not 3.
    assert (
        "You asked for 3 cards, but 5 people stay on your list: you added them or started "
        "their cards. Remove someone to make it shorter." in page
    )
    assert "Your list holds 3 cards" not in page
    assert "1 of 5 cards sent" in page
    season = services.season_for(vault, alice)
    assert season.proposed_count == 0 and season.kept_count == 5


def test_the_size_counts_proposals_into_the_places_left(
    as_alice: Client, alice: User, vault: Vault, cast: Cast
) -> None:
    services.save_text(cast.anna, alice, YEAR, "Lieve Anna,")
    response = as_alice.post(reverse("cards:size"), {"size": "3"}, follow=True)
    page = text_of(response.content)
    assert "3 on your list: 2 proposed, 1 you added or started." in page
    season = services.season_for(vault, alice)
    assert [entry.person.name for entry in season.entries] == [
        "Anna Jansen",
        "Zoë de Vries",
        "Ruud Çelik",
    ]


def test_all_proposed_says_so(as_alice: Client, cast: Cast) -> None:
    assert "3 on your list, all proposed from your moments." in text_of(
        as_alice.get(SEASON).content
    )


def test_list_summary_wording() -> None:
    assert services.list_summary(0, 0, 5) == ""
    assert services.list_summary(1, 1, 5) == "1 on your list, proposed from your moments."
    assert services.list_summary(3, 0, 5) == "3 on your list, all added or started by you."
    assert services.list_summary(3, 0, 3) == "3 on your list, all added or started by you."
    assert services.list_summary(5, 3, 5) == ("5 on your list: 3 proposed, 2 you added or started.")


# 2. A refused size ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["99", "0", "abc"])
def test_a_refused_size_comes_back_on_the_season_page(
    as_alice: Client, cast: Cast, raw: str
) -> None:
    response = as_alice.post(reverse("cards:size"), {"size": raw}, follow=True)
    final_url, status = response.redirect_chain[-1]
    assert status == 302 and final_url.startswith(SEASON + "?vault=")
    body = response.content.decode()
    # The error sits in the field, below the row that holds the box and its button.
    field = body[
        body.index('id="season-size"') : body.index("</form>", body.index('id="season-size"'))
    ]
    assert "field--invalid" in field and 'class="errorlist"' in field
    row = field[field.index("season-size__row") : field.index("errorlist")]
    assert "<input" in row and "Change" in row


def test_the_size_address_on_its_own_goes_to_the_season(as_alice: Client, cast: Cast) -> None:
    response = as_alice.get(reverse("cards:size"), {"vault": cast.zoe.vault_id})
    assert response.status_code == 302 and response["Location"].startswith(SEASON)


def test_a_viewer_still_cannot_change_the_size(as_carol: Client, cast: Cast) -> None:
    assert as_carol.post(reverse("cards:size"), {"size": "4"}).status_code == 403


# 3. One card, one page --------------------------------------------------------------------


def test_a_long_text_is_saved_but_not_printed_or_sent(
    as_alice: Client, alice: User, cast: Cast
) -> None:
    response = as_alice.post(write_url(cast.zoe.pk), {"text": LONG}, follow=True)
    assert response.status_code == 200
    page = text_of(response.content)
    assert "Too long for one card, even in the smallest letters: cut at least" in page
    assert Card.objects.get(person=cast.zoe).text == LONG.strip()  # the draft is kept
    # The PDF says why there is none, with the number of characters to cut.
    refused = as_alice.get(pdf_url(cast.zoe.pk))
    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("text/html")
    assert re.search(r"cut at least \d+ characters", text_of(refused.content))
    # Marking it sent is refused with the same reason; nothing lands on the timeline.
    sent = as_alice.post(sent_url(cast.zoe.pk), follow=True)
    assert "cut at least" in text_of(sent.content)
    assert Card.objects.get(person=cast.zoe).status == CardStatus.PLANNED
    assert not Interaction.objects.exists()


def test_once_cut_the_pdf_is_exactly_one_page(as_alice: Client, alice: User, cast: Cast) -> None:
    as_alice.post(write_url(cast.zoe.pk), {"text": LONG})
    match = re.search(r"cut at least (\d+)", text_of(as_alice.get(pdf_url(cast.zoe.pk)).content))
    assert match is not None
    shorter = LONG.strip()[: -int(match.group(1))]
    as_alice.post(write_url(cast.zoe.pk), {"text": shorter})
    response = as_alice.get(pdf_url(cast.zoe.pk))
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert as_alice.post(sent_url(cast.zoe.pk)).status_code == 302
    assert Card.objects.get(person=cast.zoe).status == CardStatus.SENT


def test_htmx_autosave_of_a_long_text_hides_the_preview(as_alice: Client, cast: Cast) -> None:
    response = as_alice.post(write_url(cast.zoe.pk), {"text": LONG}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'data-testid="too-long"' in body and 'data-testid="pdf-blocked"' in body
    assert "card.pdf" not in body


# 4. A PDF only for someone with a card ----------------------------------------------------


def test_no_pdf_for_someone_not_on_the_list(
    as_alice: Client, alice: User, vault: Vault, cast: Cast
) -> None:
    stranger = create_person(vault, "Niet Op De Lijst")
    assert as_alice.get(pdf_url(stranger.pk)).status_code == 404
    assert as_alice.get(pdf_url(cast.zoe.pk)).status_code == 404  # proposed, no card yet
    services.add_to_list(stranger, alice, YEAR)  # a blank card to write by hand
    assert as_alice.get(pdf_url(stranger.pk)).status_code == 200
    services.remove_from_list(stranger, alice, YEAR)  # any status counts
    assert as_alice.get(pdf_url(stranger.pk)).status_code == 200


def test_no_pdf_of_someone_elses_card(as_bob: Client, alice: User, cast: Cast) -> None:
    services.save_text(cast.zoe, alice, YEAR, "Lieve Zoë,")
    assert as_bob.get(pdf_url(cast.zoe.pk)).status_code == 404


# 5. Dates like the rest of the app --------------------------------------------------------


def _sent_with_memories(alice: User, cast: Cast) -> None:
    add_moment(
        cast.zoe.vault,
        cast.zoe,
        "Samen naar zee",
        kind=MomentKind.SHARED,
        author=alice,
        occurred_at=days_ago(60),  # 6 October 2026
    )
    cast.zoe.met_on = days_ago(400).date()
    cast.zoe.save()
    services.save_text(cast.zoe, alice, YEAR, "Lieve Zoë,")
    services.mark_sent(cast.zoe, alice, YEAR, when=days_ago(0))


def test_dates_are_written_day_month_year(as_alice: Client, alice: User, cast: Cast) -> None:
    _sent_with_memories(alice, cast)
    page = text_of(as_alice.get(write_url(cast.zoe.pk)).content)
    assert "sent 5 December 2026" in page
    assert "October 2026" in page and "Oct. 2026" not in page
    assert "31 October 2025" in page  # how you met
    assert "Dec. 5" not in page and "Sept." not in page


def test_dates_in_dutch(as_alice: Client, alice: User, cast: Cast) -> None:
    _sent_with_memories(alice, cast)
    response = as_alice.get(write_url(cast.zoe.pk), headers={"Accept-Language": "nl"})
    page = text_of(response.content)
    assert "5 december 2026" in page and "oktober 2026" in page


def test_this_months_reason_says_this_month(vault: Vault, alice: User, cast: Cast) -> None:
    fresh = create_person(vault, "Vers Contact")
    add_moment(
        vault, fresh, "Dank", kind=MomentKind.GRATEFUL, author=alice, occurred_at=days_ago(2)
    )
    season = services.season_for(vault, alice)
    (entry,) = [entry for entry in season.entries if entry.person == fresh]
    assert entry.reason == "This month: 1 thing you are grateful for"


# 6. Looks like the rest of the app --------------------------------------------------------


def test_names_are_person_rows_not_headings(as_alice: Client, alice: User, cast: Cast) -> None:
    body = as_alice.get(SEASON).content.decode()
    assert '<h3 class="season-entry__name' not in body
    assert 'class="person__name season-entry__name"' in body
    assert body.count('<span class="badge">proposed</span>') == 3


def test_the_picker_has_one_heading(as_alice: Client, cast: Cast) -> None:
    body = as_alice.get(SEASON).content.decode()
    assert "Someone else" not in body
    assert body.count("Add someone to the list") == 1


def test_history_names_link_to_your_own_card(
    as_alice: Client, alice: User, vault: Vault, cast: Cast
) -> None:
    for person in (cast.zoe, cast.ruud):
        Card.objects.create(
            vault=vault,
            person=person,
            author=alice,
            year=YEAR - 1,
            status=CardStatus.SENT,
            text="Lieve groet",
        )
    body = as_alice.get(SEASON).content.decode()
    history = body[body.index('id="season-history-title"') :]
    assert f'href="{write_url(cast.zoe.pk, YEAR - 1)}"' in history
    assert ">read<" not in history


def test_the_writing_page_has_the_app_width(as_alice: Client, cast: Cast) -> None:
    body = as_alice.get(write_url(cast.zoe.pk)).content.decode()
    assert "page--wide" not in body


# 7. The phone's memory aid ----------------------------------------------------------------


def test_the_compact_memory_aid_comes_before_the_text_box(as_alice: Client, cast: Cast) -> None:
    body = as_alice.get(write_url(cast.zoe.pk)).content.decode()
    compact = body.index('data-testid="aid-compact"')
    assert compact < body.index("<textarea")
    assert "<details" in body[compact - 80 : compact] and " open " in body[compact - 80 : compact]


def test_htmx_autosave_swaps_mark_sent_for_the_reason(as_alice: Client, cast: Cast) -> None:
    headers = {"HX-Request": "true"}
    long = as_alice.post(write_url(cast.zoe.pk), {"text": LONG}, headers=headers)
    body = long.content.decode()
    assert 'id="write-send-action"' in body and 'data-testid="send-blocked"' in body
    short = as_alice.post(write_url(cast.zoe.pk), {"text": "Lieve Zoë,"}, headers=headers)
    body = short.content.decode()
    assert 'id="write-send-action"' in body and sent_url(cast.zoe.pk) in body
