"""The round pages: start by tag or search with a preview, the board, status, access."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from aandacht.accounts.models import Vault
from aandacht.people.models import Person, Tag
from aandacht.people.services import create_person, set_tags
from aandacht.rounds import services
from aandacht.rounds.models import CheckIn, CheckInRound, CheckInStep, RoundStatus
from aandacht.timeline.models import Interaction

HTMX = {"HX-Request": "true"}


def step_of(round_: CheckInRound, person: Person, kind: str) -> CheckInStep:
    return CheckInStep.objects.get(check_in__round=round_, check_in__person=person, kind=kind)


def step_url(round_: CheckInRound, step: CheckInStep) -> str:
    return reverse("rounds:step", args=[round_.pk, step.pk])


def board_url(round_: CheckInRound) -> str:
    return reverse("rounds:board", args=[round_.pk])


def html(response: Any) -> str:
    return str(response.content.decode())


def events_tag(vault: Vault) -> Tag:
    return Tag.objects.get(vault=vault, name="events")


# Starting ------------------------------------------------------------------------------------


def test_preview_by_tag_lists_who_will_be_in_it(
    as_alice: Client, vault: Vault, events: list[Person]
) -> None:
    response = as_alice.get(
        reverse("rounds:new"), {"name": "Lockdown events", "tag": events_tag(vault).pk, "q": ""}
    )
    page = html(response)
    assert response.status_code == 200
    assert "3 people will be in it" in page
    for person in events:
        assert person.name in page
    for gone in ("Dirk Trash", "Eva Archive", "Frits Late"):
        assert gone not in page
    assert CheckInRound.objects.count() == 0


def test_start_by_tag_leaving_one_out_and_double_submit_makes_one_round(
    as_alice: Client, vault: Vault, events: list[Person]
) -> None:
    data = {
        "name": "Lockdown events",
        "reason": "Events sector closed by the lockdown",
        "tag": str(events_tag(vault).pk),
        "q": "",
        "token": "t" * 32,
        "person": [str(events[0].pk), str(events[2].pk)],
    }
    first = as_alice.post(reverse("rounds:new"), data)
    second = as_alice.post(reverse("rounds:new"), data)
    round_ = CheckInRound.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == board_url(round_)
    assert round_.reason == "Events sector closed by the lockdown"
    assert round_.chosen_by == "tag: events"
    assert {c.person_id for c in CheckIn.objects.all()} == {events[0].pk, events[2].pk}


def test_start_by_search(as_alice: Client, vault: Vault, events: list[Person]) -> None:
    preview = as_alice.get(reverse("rounds:new"), {"name": "Anna's", "q": "bakker"})
    assert "One person will be in it" in html(preview)
    response = as_alice.post(
        reverse("rounds:new"),
        {"name": "Anna's", "q": "bakker", "token": "s" * 32, "person": [str(events[0].pk)]},
    )
    assert response.status_code == 302
    round_ = CheckInRound.objects.get()
    assert round_.chosen_by == "search: bakker"
    assert [c.person for c in round_.check_ins.all()] == [events[0]]


def test_a_person_outside_the_group_cannot_be_slipped_in(
    as_alice: Client, vault: Vault, events: list[Person]
) -> None:
    outsider = create_person(vault, "Olga Outside")
    as_alice.post(
        reverse("rounds:new"),
        {
            "name": "Sneaky",
            "tag": str(events_tag(vault).pk),
            "token": "u" * 32,
            "person": [str(events[0].pk), str(outsider.pk)],
        },
    )
    assert [c.person for c in CheckInRound.objects.get().check_ins.all()] == [events[0]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"name": "", "q": "anna"}, "Give the round a name."),
        ({"name": "x" * 121, "q": "anna"}, "Ensure this value has at most 120 characters"),
        ({"name": "R", "tag": "999999"}, "Choose one of your tags."),
        ({"name": "R", "tag": "nonsense"}, "Choose one of your tags."),
        ({"name": "R", "q": "zzzqqq"}, "No one you can reach matches “zzzqqq”."),
        ({"name": "R", "q": ""}, "Choose a tag or type a search to choose the people."),
    ],
)
def test_bad_start_input_gets_a_clear_error(
    as_alice: Client, events: list[Person], params: dict[str, str], message: str
) -> None:
    response = as_alice.get(reverse("rounds:new"), params)
    assert response.status_code == 200
    assert message in html(response)
    assert "will be in it" not in html(response)


def test_another_vaults_tag_is_just_unknown(
    as_alice: Client, other_vault: Vault, events: list[Person]
) -> None:
    theirs = Tag.objects.create(vault=other_vault, name="secret")
    response = as_alice.get(reverse("rounds:new"), {"name": "R", "tag": theirs.pk})
    assert "Choose one of your tags." in html(response)
    assert "secret" not in html(response)


def test_a_tag_with_only_unreachable_people(as_alice: Client, vault: Vault) -> None:
    gone = create_person(vault, "Gone Person")
    set_tags(vault, gone, ["gone"])
    from aandacht.people.lifecycle import set_archived

    set_archived(gone, True)
    tag = Tag.objects.get(vault=vault, name="gone")
    response = as_alice.get(reverse("rounds:new"), {"name": "R", "tag": tag.pk})
    assert "No one you can reach has the tag “gone”." in html(response)


def test_unticking_everyone_is_an_error(
    as_alice: Client, vault: Vault, events: list[Person]
) -> None:
    response = as_alice.post(
        reverse("rounds:new"), {"name": "R", "tag": str(events_tag(vault).pk), "token": "v" * 32}
    )
    assert response.status_code == 200
    assert "Leave at least one person in the round." in html(response)
    assert CheckInRound.objects.count() == 0


# The board -----------------------------------------------------------------------------------


def test_step_done_and_undone_without_javascript(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    step = step_of(lockdown, events[1], "tip")
    response = as_alice.post(step_url(lockdown, step), {"note": "Apply for TOZO", "done": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{board_url(lockdown)}#check-in-{step.check_in_id}"
    step.refresh_from_db()
    assert step.done_at is not None and step.note == "Apply for TOZO"

    undo = as_alice.post(
        step_url(lockdown, step), {"note": "Apply for TOZO", "done": "0", "todo": "1"}
    )
    assert undo["Location"] == f"{board_url(lockdown)}?todo=1#check-in-{step.check_in_id}"
    step.refresh_from_db()
    assert step.done_at is None


def test_saving_only_the_note_keeps_the_state(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    step = step_of(lockdown, events[0], "action")
    as_alice.post(step_url(lockdown, step), {"note": "Intro to Jan", "done": "1"})
    as_alice.post(step_url(lockdown, step), {"note": "Intro to Jan (sent)", "done": ""})
    step.refresh_from_db()
    assert step.done_at is not None and step.note == "Intro to Jan (sent)"


def test_step_with_htmx_swaps_the_person_and_the_counts(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    step = step_of(lockdown, events[0], "empathy")
    response = as_alice.post(
        step_url(lockdown, step), {"note": "Holding on", "done": "1"}, headers=HTMX
    )
    fragment = html(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith(
        f'<li class="card check-in" id="check-in-{step.check_in_id}"'
    )
    assert 'id="round-progress" hx-swap-oob="true"' in fragment
    assert "0 of 3 people fully done" in fragment
    assert "1 of 9 steps" in fragment
    assert "Holding on" in fragment


def test_a_too_long_note_is_refused_next_to_the_field(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    step = step_of(lockdown, events[0], "tip")
    long_note = "x" * 2001
    response = as_alice.post(step_url(lockdown, step), {"note": long_note, "done": "1"})
    assert response.status_code == 400
    page = html(response)
    assert "Keep the note to 2000 characters at most (it has 2001)." in page
    assert f'id="note-{step.pk}-error"' in page
    assert long_note in page  # what was typed is not lost
    step.refresh_from_db()
    assert step.done_at is None and step.note == ""
    swapped = as_alice.post(step_url(lockdown, step), {"note": long_note}, headers=HTMX)
    assert swapped.status_code == 200
    assert "Keep the note to 2000 characters" in html(swapped)


def test_empathy_logged_as_a_conversation_only_when_ticked(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    first = step_of(lockdown, events[0], "empathy")
    as_alice.post(step_url(lockdown, first), {"note": "Tired", "done": "1", "log_kind": "call"})
    assert Interaction.objects.count() == 0
    second = step_of(lockdown, events[1], "empathy")
    as_alice.post(
        step_url(lockdown, second),
        {"note": "Upbeat", "done": "1", "log": "1", "log_kind": "meeting"},
    )
    interaction = Interaction.objects.get()
    assert interaction.kind == "meeting"
    assert (
        interaction.summary == "Check-in round “Lockdown events”: asked how they are really doing."
    )


def test_board_counts_and_still_to_do_filter(
    as_alice: Client,
    lockdown: CheckInRound,
    events: list[Person],
    django_assert_max_num_queries: Any,
) -> None:
    for kind in ("empathy", "tip", "action"):
        services.set_step(step_of(lockdown, events[0], kind), note=f"{kind} note", done=True)
    services.set_step(step_of(lockdown, events[2], "tip"), done=True)
    for number in range(20):
        extra = create_person(lockdown.vault, f"Extra {number:02d} Person")
        services.add_person(lockdown, extra)
    # Constant: session, user, round, role, check-ins with people, their steps, the nav's
    # memberships, and the first request's preference and session writes (with savepoints).
    with django_assert_max_num_queries(16):
        response = as_alice.get(board_url(lockdown))
    page = html(response)
    assert "1 of 23 people fully done" in page
    assert "4 of 69 steps" in page
    assert "empathy note" in page
    assert page.count('class="card check-in') == 23
    to_do = html(as_alice.get(board_url(lockdown), {"todo": "1"}))
    assert to_do.count('class="card check-in') == 22
    assert events[0].name not in to_do.split('class="round-board"')[1]


def test_pause_finish_reopen(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    status_url = reverse("rounds:status", args=[lockdown.pk])
    as_alice.post(status_url, {"action": "pause"})
    lockdown.refresh_from_db()
    assert lockdown.status == RoundStatus.PAUSED
    paused = html(as_alice.get(board_url(lockdown)))
    assert "This round is paused" in paused
    assert 'name="note"' not in paused
    step = step_of(lockdown, events[0], "tip")
    refused = as_alice.post(step_url(lockdown, step), {"note": "x", "done": "1"})
    assert refused.status_code == 400
    as_alice.post(status_url, {"action": "resume"})
    as_alice.post(status_url, {"action": "finish"})
    lockdown.refresh_from_db()
    assert lockdown.status == RoundStatus.FINISHED
    summary = as_alice.get(board_url(lockdown))
    assert "What was done for whom" in html(summary)
    assert "Reopen" in html(summary)
    as_alice.post(status_url, {"action": "reopen"})
    lockdown.refresh_from_db()
    assert lockdown.status == RoundStatus.ACTIVE
    assert as_alice.post(status_url, {"action": "explode"}).status_code == 400


def test_list_groups_rounds_by_status(
    as_alice: Client, vault: Vault, lockdown: CheckInRound, events: list[Person]
) -> None:
    old, _ = services.start_round(vault, "Flood 2025", events[:1])
    services.finish_round(old)
    response = as_alice.get(reverse("rounds:list"))
    page = html(response)
    assert response.status_code == 200
    assert page.index("Lockdown events") < page.index("Flood 2025")
    assert 'id="rounds-active"' in page and 'id="rounds-finished"' in page
    assert 'id="rounds-paused"' not in page


def test_summary_shows_what_was_done_for_whom(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    services.set_step(step_of(lockdown, events[1], "action"), note="Referred to Jan", done=True)
    page = html(as_alice.get(reverse("rounds:summary", args=[lockdown.pk])))
    assert "Referred to Jan" in page
    assert page.count("<tr>") == 4  # the head and three people
    assert 'name="note"' not in page


def test_add_and_leave_out_someone_on_the_board(
    as_alice: Client, vault: Vault, lockdown: CheckInRound, events: list[Person]
) -> None:
    newcomer = create_person(vault, "Nina Nieuw")
    search = html(as_alice.get(board_url(lockdown), {"add": "nina"}))
    assert "Nina Nieuw" in search
    as_alice.post(reverse("rounds:add", args=[lockdown.pk]), {"person": newcomer.pk})
    assert lockdown.check_ins.filter(person=newcomer).exists()
    check_in = lockdown.check_ins.get(person=events[0])
    as_alice.post(reverse("rounds:remove", args=[lockdown.pk, check_in.pk]))
    assert not lockdown.check_ins.filter(person=events[0]).exists()


# Access ------------------------------------------------------------------------------------------


def test_editor_can_write(
    client: Client, bob: User, lockdown: CheckInRound, events: list[Person]
) -> None:
    client.force_login(bob)
    step = step_of(lockdown, events[0], "tip")
    assert client.post(step_url(lockdown, step), {"note": "n", "done": "1"}).status_code == 302


def test_viewer_reads_but_cannot_write(
    client: Client, carol: User, vault: Vault, lockdown: CheckInRound, events: list[Person]
) -> None:
    client.force_login(carol)
    board = client.get(board_url(lockdown))
    assert board.status_code == 200
    assert 'name="note"' not in html(board)
    assert client.get(reverse("rounds:list")).status_code == 200
    step = step_of(lockdown, events[0], "tip")
    check_in = lockdown.check_ins.first()
    assert check_in is not None
    writes = [
        (step_url(lockdown, step), {"note": "n", "done": "1"}),
        (reverse("rounds:status", args=[lockdown.pk]), {"action": "finish"}),
        (reverse("rounds:remove", args=[lockdown.pk, check_in.pk]), {}),
        (reverse("rounds:add", args=[lockdown.pk]), {"person": events[0].pk}),
        (reverse("rounds:new"), {"name": "R", "tag": str(events_tag(vault).pk)}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("rounds:new")).status_code == 403
    step.refresh_from_db()
    assert step.done_at is None


def test_another_vault_is_a_404(
    client: Client, mallory: User, lockdown: CheckInRound, events: list[Person]
) -> None:
    client.force_login(mallory)
    step = step_of(lockdown, events[0], "tip")
    check_in = lockdown.check_ins.first()
    assert check_in is not None
    for url in (board_url(lockdown), reverse("rounds:summary", args=[lockdown.pk])):
        assert client.get(url).status_code == 404
    assert client.post(step_url(lockdown, step), {"done": "1"}).status_code == 404
    assert (
        client.post(reverse("rounds:status", args=[lockdown.pk]), {"action": "finish"}).status_code
        == 404
    )
    assert client.post(reverse("rounds:remove", args=[lockdown.pk, check_in.pk])).status_code == 404


def test_a_step_of_another_round_in_the_url_is_a_404(
    as_alice: Client, vault: Vault, lockdown: CheckInRound, events: list[Person], other_vault: Vault
) -> None:
    other, _ = services.start_round(vault, "Other", events[:1])
    foreign_step = step_of(other, events[0], "tip")
    response = as_alice.post(step_url(lockdown, foreign_step), {"done": "1"})
    assert response.status_code == 404
    stranger = create_person(other_vault, "Mallory Friend")
    add = as_alice.post(reverse("rounds:add", args=[lockdown.pk]), {"person": stranger.pk})
    assert add.status_code == 404
    assert (
        as_alice.post(reverse("rounds:add", args=[lockdown.pk]), {"person": "x"}).status_code == 404
    )
    foreign_check_in = other.check_ins.get()
    removal = as_alice.post(reverse("rounds:remove", args=[lockdown.pk, foreign_check_in.pk]))
    assert removal.status_code == 404


def test_signed_out_goes_to_sign_in(client: Client, lockdown: CheckInRound) -> None:
    response = client.get(board_url(lockdown))
    assert response.status_code == 302 and "login" in response["Location"]


# The person page ---------------------------------------------------------------------------------


def test_person_page_shows_the_active_round(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    services.set_step(step_of(lockdown, events[0], "tip"), done=True)
    page = html(as_alice.get(reverse("people:detail", args=[events[0].pk])))
    assert "In the check-in round" in page
    assert f'href="{board_url(lockdown)}"' in page
    assert "(1 of 3 steps done)" in page
    services.finish_round(lockdown)
    page = html(as_alice.get(reverse("people:detail", args=[events[0].pk])))
    assert "In the check-in round" not in page


def test_list_and_summary_queries_stay_flat(
    as_alice: Client,
    vault: Vault,
    events: list[Person],
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(6):
        round_, _ = services.start_round(vault, f"Round {number}", events)
        services.set_step(step_of(round_, events[0], "tip"), done=True)
        if number % 2:
            services.finish_round(round_)
    # The first visit to a round remembers its vault (a preference and a session write).
    as_alice.get(reverse("rounds:summary", args=[round_.pk]))
    with django_assert_max_num_queries(6):
        listing = as_alice.get(reverse("rounds:list"))
    assert html(listing).count('class="round-row"') == 6
    with django_assert_max_num_queries(8):
        summary = as_alice.get(reverse("rounds:summary", args=[round_.pk]))
    assert html(summary).count("<tr>") == 4


BAD_IDS = ["²", "-1", "1e3", "", " 7", str(2**70), "0", "٣"]


@pytest.mark.parametrize("raw", BAD_IDS)
def test_a_bad_person_id_to_add_is_a_404_not_a_500(
    as_alice: Client, lockdown: CheckInRound, raw: str
) -> None:
    response = as_alice.post(reverse("rounds:add", args=[lockdown.pk]), {"person": raw})
    assert response.status_code == 404
    assert lockdown.check_ins.count() == 3


def test_bad_person_ids_in_the_start_form_are_left_out(
    as_alice: Client, vault: Vault, events: list[Person]
) -> None:
    data = {
        "name": "Lockdown events",
        "reason": "",
        "tag": str(events_tag(vault).pk),
        "q": "",
        "token": "b" * 32,
        "person": [*BAD_IDS, str(events[1].pk)],
    }
    response = as_alice.post(reverse("rounds:new"), data)
    assert response.status_code == 302
    assert [c.person_id for c in CheckIn.objects.all()] == [events[1].pk]
    only_bad = {**data, "token": "c" * 32, "person": BAD_IDS}
    refused = as_alice.post(reverse("rounds:new"), only_bad)
    assert refused.status_code == 200
    assert CheckInRound.objects.count() == 1


@pytest.mark.parametrize("raw", ["²", "-1", "1e3", " 7", str(2**70)])
def test_a_bad_vault_in_the_url_is_a_404(as_alice: Client, raw: str) -> None:
    assert as_alice.get(reverse("rounds:list"), {"vault": raw}).status_code == 404


def test_undo_on_the_board_removes_the_logged_call_and_offers_the_box_again(
    as_alice: Client, lockdown: CheckInRound, events: list[Person]
) -> None:
    empathy = step_of(lockdown, events[0], "empathy")
    url = step_url(lockdown, empathy)
    logged = {"note": "Rough", "done": "1", "log": "1", "log_kind": "call"}
    as_alice.post(url, logged)
    assert (
        'name="log"'
        not in html(as_alice.get(board_url(lockdown)))
        .split(f'id="step-{empathy.pk}"')[1]
        .split("</li>")[0]
    )
    as_alice.post(url, {"note": "Rough", "done": "0"})
    assert Interaction.objects.count() == 0
    board = html(as_alice.get(board_url(lockdown)))
    assert 'name="log"' in board.split(f'id="step-{empathy.pk}"')[1].split("</li>")[0]
    as_alice.post(url, logged)
    as_alice.post(url, logged)  # a repeated POST
    assert Interaction.objects.count() == 1
