"""Card season's pages: the list, the picker, the size, writing, the PDF, sent and unsent,
the history; access for the cast (alice owns, bob edits, carol views, mallory is elsewhere)."""

from __future__ import annotations

import io

import pytest
from cards_helpers import YEAR, Cast
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import DjangoAssertNumQueries

from aandacht.accounts.models import Vault
from aandacht.cards import services
from aandacht.cards.models import Card, CardStatus, SeasonSettings
from aandacht.people.services import create_person
from aandacht.timeline.models import Interaction

pytestmark = pytest.mark.django_db

SEASON = reverse("cards:season")


def url(name: str, person_id: int | str, year: int | str = YEAR) -> str:
    return (
        f"/cards/{year}/{person_id}/"
        + {
            "write": "",
            "pdf": "card.pdf",
            "add": "add/",
            "remove": "remove/",
            "sent": "sent/",
            "unsent": "unsent/",
        }[name]
    )


def test_url_names() -> None:
    assert reverse("cards:write", args=[YEAR, 7]) == url("write", 7)
    assert reverse("cards:pdf", args=[YEAR, 7]) == url("pdf", 7)
    assert reverse("cards:sent", args=[YEAR, 7]) == url("sent", 7)


def test_the_list_proposes_and_explains(as_alice: Client, cast: Cast) -> None:
    response = as_alice.get(SEASON)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Card season 2026" in body
    assert body.index("Zoë de Vries") < body.index("Ruud Çelik") < body.index("Anna Jansen")
    assert "Since March: 1 moment, 2 things you are grateful for" in body
    assert "Stille Willem" not in body
    assert url("write", cast.zoe.pk) in body
    assert 'name="size"' in body and 'name="q"' in body


def test_the_list_costs_a_fixed_number_of_queries(
    as_alice: Client,
    vault: Vault,
    alice: User,
    cast: Cast,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    as_alice.get(SEASON)  # settle the session
    for number in range(12):
        person = create_person(vault, f"Extra Person{number}")
        services.add_to_list(person, alice, YEAR)
        services.mark_sent(person, alice, YEAR)
        Card.objects.create(
            vault=vault, person=person, author=alice, year=YEAR - 1, status=CardStatus.SENT
        )
    services.set_list_size(vault, alice, 20)  # room for the proposals too
    with django_assert_max_num_queries(16):  # 15 and the user's agenda settings (time zone)
        response = as_alice.get(SEASON, {"q": "Person"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Extra Person") >= 24 and "Zoë de Vries" in body


def test_the_picker_finds_and_adds_someone_without_javascript(as_alice: Client, cast: Cast) -> None:
    response = as_alice.get(SEASON, {"q": "willem"})
    body = response.content.decode()
    assert "Stille Willem" in body and url("add", cast.quiet.pk) in body
    # People already on the list are not offered again.
    assert url("add", cast.zoe.pk) not in as_alice.get(SEASON, {"q": "zoe"}).content.decode()
    response = as_alice.post(url("add", cast.quiet.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#person-{cast.quiet.pk}")
    as_alice.post(url("add", cast.quiet.pk))
    assert Card.objects.filter(person=cast.quiet, status=CardStatus.PLANNED).count() == 1
    body = as_alice.get(SEASON).content.decode()
    assert "you put them on the list" in body


def test_the_picker_finds_nobody(as_alice: Client, cast: Cast) -> None:
    body = as_alice.get(SEASON, {"q": "qqqqzz"}).content.decode()
    assert "No one found for “qqqqzz”" in body


def test_removing_someone_keeps_them_off_this_year(as_alice: Client, cast: Cast) -> None:
    response = as_alice.post(url("remove", cast.zoe.pk))
    assert response.status_code == 302
    body = as_alice.get(SEASON).content.decode()
    assert f'id="person-{cast.zoe.pk}"' not in body
    assert "Taken off the list this year: 1 person" in body
    as_alice.post(url("add", cast.zoe.pk))  # "Put back"
    assert f'id="person-{cast.zoe.pk}"' in as_alice.get(SEASON).content.decode()


def test_removing_a_sent_card_says_undo_first(as_alice: Client, cast: Cast) -> None:
    as_alice.post(url("sent", cast.zoe.pk))
    response = as_alice.post(url("remove", cast.zoe.pk), follow=True)
    assert "is marked sent; undo that first" in response.content.decode()
    assert Card.objects.get(person=cast.zoe).status == CardStatus.SENT


def test_the_size_is_adjusted_and_remembered(
    as_alice: Client, alice: User, vault: Vault, cast: Cast
) -> None:
    response = as_alice.post(reverse("cards:size"), {"size": "3"})
    assert response.status_code == 302
    assert SeasonSettings.objects.get(user=alice, vault=vault).list_size == 3
    services.add_to_list(create_person(vault, "Nieuwe Mens"), alice, YEAR)
    body = as_alice.get(SEASON).content.decode()
    assert "Anna Jansen" not in body and "Nieuwe Mens" in body and "Ruud Çelik" in body


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("2", "greater than or equal to 3"),
        ("21", "less than or equal to 20"),
        ("many", "Enter a whole number"),
        ("", "This field is required"),
    ],
)
def test_a_bad_size_is_explained_next_to_the_field(
    as_alice: Client, cast: Cast, raw: str, error: str
) -> None:
    response = as_alice.post(reverse("cards:size"), {"size": raw})
    # Post/redirect/get: the address is the season page's, so a reload re-submits nothing.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cards:season") + "?vault=")
    assert response["Location"].endswith("#season-size")
    body = as_alice.get(response["Location"]).content.decode()
    assert error in body and "field--invalid" in body
    assert 'aria-invalid="true"' in body and f'value="{raw}"' in body
    assert not SeasonSettings.objects.exists()


def test_writing_a_draft_without_javascript(as_alice: Client, cast: Cast) -> None:
    page = as_alice.get(url("write", cast.zoe.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert "A card to Zoë de Vries" in body
    assert "grateful with Zoë de Vries, 20 days ago" in body  # the memory aid
    assert 'data-testid="aid-compact"' in body  # and its phone version above the box
    assert url("pdf", cast.zoe.pk) not in body  # no card yet, so no printable card
    assert 'data-testid="no-preview"' in body
    response = as_alice.post(url("write", cast.zoe.pk), {"text": "Lieve Zoë,\r\nDank je."})
    assert response.status_code == 302 and response["Location"] == url("write", cast.zoe.pk)
    as_alice.post(url("write", cast.zoe.pk), {"text": "Lieve Zoë,\r\nDank je."})
    card = Card.objects.get(person=cast.zoe)
    assert card.text == "Lieve Zoë,\nDank je." and card.status == CardStatus.PLANNED
    body = as_alice.get(url("write", cast.zoe.pk)).content.decode()
    assert "Draft saved." in body and "Fits on one card" in body
    assert url("pdf", cast.zoe.pk) in body
    assert "draft" in as_alice.get(SEASON).content.decode()


def test_a_text_too_long_for_the_form_is_refused(as_alice: Client, cast: Cast) -> None:
    response = as_alice.post(url("write", cast.zoe.pk), {"text": "x" * 2001})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert not Card.objects.exists()


def test_a_text_too_long_for_the_card_is_saved_with_a_warning(as_alice: Client, cast: Cast) -> None:
    response = as_alice.post(url("write", cast.zoe.pk), {"text": "woord " * 320}, follow=True)
    body = response.content.decode()
    assert "Too long for one card" in body and "cut at least" in body
    assert 'data-testid="too-long"' in body and 'data-testid="pdf-blocked"' in body
    assert 'data-testid="send-blocked"' in body
    assert url("pdf", cast.zoe.pk) not in body
    assert Card.objects.get(person=cast.zoe).text.startswith("woord woord")


def test_the_pdf_is_an_a6_card_with_the_name_and_the_message(as_alice: Client, cast: Cast) -> None:
    as_alice.post(
        url("write", cast.ruud.pk), {"text": "Beste Ruud,\nDank voor je hulp — één café!"}
    )
    response = as_alice.get(url("pdf", cast.ruud.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    reader = PdfReader(io.BytesIO(response.content))
    (page,) = reader.pages
    width_mm = float(page.mediabox.width) * 25.4 / 72
    height_mm = float(page.mediabox.height) * 25.4 / 72
    assert (round(width_mm), round(height_mm)) == (105, 148)
    text = page.extract_text()
    assert "Ruud Çelik" in text and "Dank voor je hulp — één café!" in text
    download = as_alice.get(url("pdf", cast.ruud.pk), {"download": "1"})
    assert download["Content-Disposition"] == 'attachment; filename="card-2026-ruud-celik.pdf"'


def test_marking_sent_and_unsent_from_the_list(as_alice: Client, cast: Cast) -> None:
    assert as_alice.post(url("sent", cast.anna.pk)).status_code == 302
    as_alice.post(url("sent", cast.anna.pk))
    (interaction,) = Interaction.objects.filter(people=cast.anna)
    assert interaction.kind == "card"
    body = as_alice.get(SEASON).content.decode()
    assert "1 of 3 cards sent" in body
    assert "Cards sent" in body and url("unsent", cast.anna.pk) in body
    response = as_alice.post(url("unsent", cast.anna.pk), {"next": url("write", cast.anna.pk)})
    assert response["Location"] == url("write", cast.anna.pk)
    assert not Interaction.objects.filter(people=cast.anna).exists()


def test_unsafe_next_is_ignored(as_alice: Client, cast: Cast) -> None:
    response = as_alice.post(url("sent", cast.anna.pk), {"next": "https://evil.example/"})
    assert response["Location"].startswith(SEASON)


def test_history_groups_by_year_including_earlier_years(
    as_alice: Client, alice: User, vault: Vault, cast: Cast
) -> None:
    for year, person in ((YEAR - 1, cast.zoe), (YEAR - 3, cast.ruud), (YEAR - 1, cast.anna)):
        Card.objects.create(
            vault=vault, person=person, author=alice, year=year, status=CardStatus.SENT, text="Hi"
        )
    body = as_alice.get(SEASON).content.decode()
    history = body[body.index("Cards sent") :]
    assert history.index("2025") < history.index("Anna Jansen") < history.index("Zoë de Vries")
    assert history.index("Zoë de Vries") < history.index("2023") < history.index("Ruud Çelik")
    # An earlier year's card reads back, read-only, with its PDF.
    page = as_alice.get(url("write", cast.zoe.pk, YEAR - 1))
    assert page.status_code == 200
    assert "What you wrote" in page.content.decode() and "<textarea" not in page.content.decode()
    assert as_alice.get(url("pdf", cast.zoe.pk, YEAR - 1)).status_code == 200
    # A sent card is not rewritten, whatever its year.
    refused = as_alice.post(url("write", cast.zoe.pk, YEAR - 1), {"text": "x"}, follow=True)
    assert "This card is marked sent" in refused.content.decode()


def test_last_years_list_is_closed_with_a_message(as_alice: Client, cast: Cast) -> None:
    for name in ("add", "remove", "sent", "unsent"):
        response = as_alice.post(url(name, cast.zoe.pk, YEAR - 1), follow=True)
        assert response.status_code == 200
        assert "Card season 2025 is over" in response.content.decode()
    assert as_alice.get(url("write", cast.zoe.pk, YEAR - 1)).status_code == 404  # no card
    response = as_alice.post(url("write", cast.zoe.pk, YEAR - 1), {"text": "Lieve Zoë"})
    assert response.status_code == 200 and "Lieve Zoë" in response.content.decode()
    assert not Card.objects.exists()


@pytest.mark.parametrize("year", [YEAR + 1, 1800, 99999])
def test_other_years_cannot_be_changed(as_alice: Client, cast: Cast, year: int) -> None:
    for name in ("add", "remove", "sent", "unsent"):
        assert as_alice.post(url(name, cast.zoe.pk, year)).status_code == 404
    assert as_alice.get(url("write", cast.zoe.pk, year)).status_code == 404
    assert as_alice.get(url("pdf", cast.zoe.pk, year)).status_code == 404
    assert not Card.objects.exists()


def test_bob_the_editor_has_his_own_list(as_bob: Client, bob: User, cast: Cast) -> None:
    assert as_bob.get(SEASON).status_code == 200
    assert as_bob.post(url("sent", cast.zoe.pk)).status_code == 302
    assert Card.objects.get(person=cast.zoe).author == bob


def test_carol_the_viewer_reads_but_cannot_write(as_carol: Client, cast: Cast) -> None:
    response = as_carol.get(SEASON, {"q": "willem"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zoë de Vries" in body
    assert 'action="/cards/' not in body and "Mark sent" not in body
    assert "Stille Willem" not in body  # no picker
    for name in ("add", "remove", "sent", "unsent"):
        assert as_carol.post(url(name, cast.zoe.pk)).status_code == 403
    assert as_carol.post(reverse("cards:size"), {"size": "4"}).status_code == 403
    assert as_carol.get(url("write", cast.zoe.pk)).status_code == 403
    assert as_carol.post(url("write", cast.zoe.pk), {"text": "x"}).status_code == 403
    assert as_carol.get(url("pdf", cast.zoe.pk)).status_code == 403
    assert not Card.objects.exists() and not SeasonSettings.objects.exists()


def test_mallory_gets_404_for_another_vaults_people(
    as_mallory: Client, other_vault: Vault, cast: Cast
) -> None:
    body = as_mallory.get(SEASON).content.decode()
    assert "Zoë" not in body
    assert as_mallory.get(SEASON, {"vault": cast.zoe.vault_id}).status_code == 404
    for name in ("add", "remove", "sent", "unsent"):
        assert as_mallory.post(url(name, cast.zoe.pk)).status_code == 404
    assert as_mallory.get(url("write", cast.zoe.pk)).status_code == 404
    assert as_mallory.get(url("pdf", cast.zoe.pk)).status_code == 404
    assert not Card.objects.exists()


def test_bad_ids_and_methods(as_alice: Client, cast: Cast) -> None:
    assert as_alice.get("/cards/2026/abc/").status_code == 404
    assert as_alice.get("/cards/twenty/1/").status_code == 404
    assert as_alice.post(url("sent", 999999)).status_code == 404
    assert as_alice.get(url("sent", cast.zoe.pk)).status_code == 405
    size_page = as_alice.get(reverse("cards:size"))  # a reloaded form address
    assert size_page.status_code == 302
    assert size_page["Location"].startswith(reverse("cards:season"))


def test_no_cards_for_someone_who_died(as_alice: Client, cast: Cast) -> None:
    cast.zoe.deceased = True
    cast.zoe.save()
    assert as_alice.post(url("add", cast.zoe.pk)).status_code == 404
    assert as_alice.post(url("sent", cast.zoe.pk)).status_code == 404


def test_signed_out_goes_to_sign_in(client: Client, cast: Cast) -> None:
    response = client.get(SEASON)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_sent_card_is_not_rewritten(as_alice: Client, cast: Cast) -> None:
    as_alice.post(url("write", cast.zoe.pk), {"text": "Lieve Zoë"})
    as_alice.post(url("sent", cast.zoe.pk))
    page = as_alice.get(url("write", cast.zoe.pk)).content.decode()
    assert "What you wrote" in page and "<textarea" not in page
    response = as_alice.post(url("write", cast.zoe.pk), {"text": "Iets anders"}, follow=True)
    assert "This card is marked sent; undo that to change it." in response.content.decode()
    assert Card.objects.get(person=cast.zoe).text == "Lieve Zoë"


def test_history_names_another_author(
    as_alice: Client, bob: User, alice: User, vault: Vault, cast: Cast
) -> None:
    bob.first_name = "Bob"
    bob.save()
    Card.objects.create(
        vault=vault, person=cast.ruud, author=bob, year=YEAR - 1, status=CardStatus.SENT
    )
    Card.objects.create(
        vault=vault, person=cast.anna, author=None, year=YEAR - 1, status=CardStatus.SENT, text="x"
    )
    body = as_alice.get(SEASON).content.decode()
    assert "by Bob" in body
    assert url("write", cast.anna.pk, YEAR - 1) not in body


def test_htmx_autosaves_the_draft(as_alice: Client, cast: Cast) -> None:
    headers = {"HX-Request": "true"}
    response = as_alice.post(url("write", cast.zoe.pk), {"text": "Lieve Zoë,"}, headers=headers)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft saved at" in body and "Fits on one card" in body
    assert 'hx-swap-oob="true"' in body and "card.pdf?v=" in body
    assert "<html" not in body
    assert Card.objects.get(person=cast.zoe).text == "Lieve Zoë,"
    too_long = as_alice.post(url("write", cast.zoe.pk), {"text": "x" * 2001}, headers=headers)
    assert "at most 2000 characters" in too_long.content.decode()
    assert Card.objects.get(person=cast.zoe).text == "Lieve Zoë,"
