"""The digest email, sent through a real SMTP server running in this process (aiosmtpd).

One email per user and period gathers everything; it is never sent twice (called twice, or
by two threads at once), never before its time, a weekly one only on its day, and a failed
send leaves no claim behind so the next run sends it.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from digest_helpers import BASE, TODAY, Network, at, subscribe
from django.contrib.auth.models import User
from django.db import OperationalError, connections
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from aandacht.accounts.language import set_language_of
from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention import digest
from aandacht.attention.models import AgendaSettings, DigestSent
from aandacht.people.services import add_important_date, create_person
from aandacht.timeline.services import add_follow_up
from mail_server import Inbox

Clock = Callable[[dt.datetime], None]
URL = re.compile(r"https?://[^\s\"<>]+")


def plain(inbox: Inbox, index: int = 0) -> str:
    part = inbox.messages[index].get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html(inbox: Inbox, index: int = 0) -> str:
    part = inbox.messages[index].get_body(("html",))
    assert part is not None
    return str(part.get_content())


# --- what one digest holds -----------------------------------------------------------------


def test_one_email_gathers_today_overdue_promises_and_the_weeks_dates(
    smtp: Inbox, network: Network, alice: User, vault: Vault
) -> None:
    subscribe(alice)
    results = digest.send_due_digests(at("08:00"))

    assert [(r.status, r.period, r.item_count) for r in results] == [("sent", "2026-11-23", 4)]
    assert len(smtp.messages) == 1  # one email for four people, never one per person
    message = smtp.messages[0]
    assert smtp.recipients == [["alice@example.org"]]
    assert message["Subject"] == "Today: 2 people, 1 overdue promise, 1 date this week"
    assert message["From"] == "aandacht@crm.example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"

    text = plain(smtp)
    assert "Monday 23 November 2026" in text
    today, rest = text.split("Promises overdue")
    overdue, upcoming = rest.split("Dates this week")
    assert "Denise van Iersel: last talked 47 days ago, Monthly" in today
    assert "Wim Bakker: birthday" in today  # a date today is pinned on today's agenda
    assert "Sanne de Wit: you promised: Send her the slides" in overdue
    assert "Wednesday 25 November, Jeroen van de Ven: birthday: turns 42" in upcoming
    for name in ("Denise van Iersel", "Wim Bakker", "Sanne de Wit", "Jeroen van de Ven"):
        assert name in html(smtp)

    row = DigestSent.objects.get(user=alice)
    assert (row.period, row.item_count) == ("2026-11-23", 4)
    assert row.sent_at is not None


def test_links_are_absolute_and_open_the_item_on_the_today_page(
    smtp: Inbox, network: Network, alice: User, vault: Vault
) -> None:
    subscribe(alice)
    digest.send_due_digests(at("08:00"))

    text_links = URL.findall(plain(smtp))
    html_links = [link.replace("&amp;", "&") for link in URL.findall(html(smtp))]
    assert text_links and all(link.startswith(BASE + "/") for link in text_links)
    assert set(text_links) <= set(html_links)
    expected = {
        f"person-{network.denise.pk}": "2026-11-23",
        f"follow-up-{network.promise.pk}": "2026-11-23",
        f"date-{network.jeroen.important_dates.get().pk}": "2026-11-25",
        f"date-{network.wim.important_dates.get().pk}": "2026-11-23",
    }
    found = {}
    for link in text_links:
        parts = urlsplit(link)
        if not parts.query:
            continue  # the link to the whole agenda
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert parts.path == "/today/"
        assert query["vault"] == str(vault.pk)
        assert parts.fragment == query["focus"]
        found[query["focus"]] = query["date"]
    assert found == expected
    try:
        settings_page = BASE + reverse("attention:settings")
    except NoReverseMatch:  # the settings page is not there (yet): no link to it
        assert "Change or stop it" not in plain(smtp)
    else:
        assert f"Change or stop it: {settings_page}" in plain(smtp)
        assert f'href="{settings_page}"' in html(smtp)
    # No link acts by itself: they only open the page (a GET changes nothing).
    assert not any(word in link for link in html_links for word in ("done", "snooze"))


def test_without_a_base_address_links_point_at_the_local_server(
    smtp: Inbox, network: Network, alice: User
) -> None:
    subscribe(alice)
    with override_settings(BASE_URL=""):
        digest.send_due_digests(at("08:00"))
    assert all(link.startswith("http://127.0.0.1:8000/") for link in URL.findall(plain(smtp)))


def test_a_second_vault_joins_the_same_email_and_demo_and_foreign_vaults_stay_out(
    smtp: Inbox,
    network: Network,
    alice: User,
    second_vault: Vault,
    other_vault: Vault,
) -> None:
    subscribe(alice)
    client = create_person(second_vault, "Karel Klant")
    add_follow_up(second_vault, client, "Send the offer", due_on=dt.date(2026, 11, 19))
    demo = Vault.objects.create(name="Demo", is_demo=True)
    Membership.objects.create(vault=demo, user=alice, role=Role.OWNER)
    add_follow_up(demo, create_person(demo, "Made Up"), "Nothing real", due_on=TODAY)
    add_follow_up(
        other_vault, create_person(other_vault, "Mallory's Friend"), "Secret", due_on=TODAY
    )

    digest.send_due_digests(at("08:00"))

    assert len(smtp.messages) == 1
    text = plain(smtp)
    assert "Karel Klant (Work): you promised: Send the offer" in text
    assert "Denise van Iersel (Alice's people)" in text
    assert "Made Up" not in text
    assert "Mallory" not in text
    assert smtp.messages[0]["Subject"] == "Today: 2 people, 2 overdue promises, 1 date this week"
    assert f"vault={second_vault.pk}" in text


def test_the_demo_vault_counts_while_the_users_own_vaults_hold_nobody(
    smtp: Inbox, alice: User, vault: Vault
) -> None:
    """A newcomer loaded the demo network next to their empty vault: the digest covers the
    demo (as the Today page shows it), until a vault of their own holds someone."""
    alice.email = "alice@example.org"
    alice.save()
    subscribe(alice)
    demo = Vault.objects.create(name="Demo", is_demo=True)
    Membership.objects.create(vault=demo, user=alice, role=Role.OWNER)
    add_follow_up(demo, create_person(demo, "Dora Demo"), "Return the book", due_on=TODAY)
    assert digest.vaults_of(alice) == [demo]

    assert [r.status for r in digest.send_due_digests(at("08:00"))] == ["sent"]
    assert "Dora Demo" in plain(smtp)

    create_person(vault, "Ann Real")
    assert digest.vaults_of(alice) == [vault]


def test_a_dutch_user_gets_the_digest_in_dutch(smtp: Inbox, network: Network, alice: User) -> None:
    subscribe(alice)
    set_language_of(alice, "nl")
    digest.send_due_digests(at("08:00"))

    message = smtp.messages[0]
    assert message["Content-Language"] == "nl"
    text = plain(smtp)
    # Django's own catalogue names the days and months, so this proves the language switched.
    assert "Maandag 23 november 2026" in text
    assert "Woensdag 25 november" in text
    assert '<html lang="nl">' in html(smtp)


def test_an_english_user_next_to_a_dutch_one_keeps_english(
    smtp: Inbox, network: Network, alice: User, bob: User
) -> None:
    subscribe(alice)
    set_language_of(alice, "nl")
    bob.email = "bob@example.org"
    bob.save()
    subscribe(bob)
    digest.send_due_digests(at("08:00"))

    languages = {m["To"]: m["Content-Language"] for m in smtp.messages}
    assert languages == {"alice@example.org": "nl", "bob@example.org": "en"}


def test_nothing_to_say_sends_nothing_and_claims_nothing_so_a_later_run_looks_again(
    smtp: Inbox, alice: User, vault: Vault, clock: Clock
) -> None:
    alice.email = "alice@example.org"
    alice.save()
    subscribe(alice)

    results = digest.send_due_digests(at("08:00"))

    assert [(r.status, r.item_count) for r in results] == [("empty", 0)]
    assert smtp.messages == []
    assert not DigestSent.objects.exists()
    # Something turns up later that day: the day's digest still goes out, once.
    add_follow_up(vault, create_person(vault, "Ann Later"), "Send the photos", due_on=TODAY)
    assert [r.status for r in digest.send_due_digests(at("11:00"))] == ["sent"]
    assert len(smtp.messages) == 1
    assert digest.send_due_digests(at("12:00")) == []
    assert len(smtp.messages) == 1


def test_compose_digest_builds_the_email_without_sending_or_claiming(
    smtp: Inbox, network: Network, alice: User
) -> None:
    message = digest.compose_digest(alice, at("08:00"))
    assert message is not None
    assert message.subject == "Today: 2 people, 1 overdue promise, 1 date this week"
    assert message.to == ["alice@example.org"]
    assert [mimetype for _content, mimetype in message.alternatives] == ["text/html"]
    assert smtp.messages == []
    assert not DigestSent.objects.exists()


def test_compose_digest_is_none_when_there_is_nothing(alice: User, vault: Vault) -> None:
    assert digest.compose_digest(alice, at("08:00")) is None


# --- who gets one, and when ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "email", "active"),
    [("off", "alice@example.org", True), ("daily", "", True), ("daily", "a@example.org", False)],
)
def test_no_digest_when_off_without_an_address_or_for_an_inactive_user(
    smtp: Inbox, network: Network, alice: User, frequency: str, email: str, active: bool
) -> None:
    subscribe(alice, frequency=frequency)
    alice.email, alice.is_active = email, active
    alice.save()
    assert digest.send_due_digests(at("08:00")) == []
    assert smtp.messages == []


def test_not_sent_before_its_time_and_sent_once_it_has_come(
    smtp: Inbox, network: Network, alice: User
) -> None:
    subscribe(alice, at_time=dt.time(7, 30))

    assert digest.send_due_digests(at("07:29:59")) == []
    assert smtp.messages == []
    assert [r.status for r in digest.send_due_digests(at("07:30"))] == ["sent"]
    assert len(smtp.messages) == 1


def test_the_time_is_the_users_own_time_zone(smtp: Inbox, network: Network, alice: User) -> None:
    subscribe(alice, at_time=dt.time(7, 30), time_zone="America/New_York")

    # 08:00 in Amsterdam is 02:00 in New York: too early there.
    assert digest.send_due_digests(at("08:00")) == []
    new_york_morning = at("07:30") + dt.timedelta(hours=6)  # 07:30 in New York
    assert [r.period for r in digest.send_due_digests(new_york_morning)] == ["2026-11-23"]


def test_not_sent_twice_when_run_twice(smtp: Inbox, network: Network, alice: User) -> None:
    subscribe(alice)
    assert [r.status for r in digest.send_due_digests(at("08:00"))] == ["sent"]
    assert digest.send_due_digests(at("08:01")) == []
    assert digest.send_due_digests(at("23:59")) == []
    assert len(smtp.messages) == 1
    assert DigestSent.objects.filter(user=alice).count() == 1


def test_the_next_day_brings_the_next_digest_and_never_the_missed_ones(
    smtp: Inbox, network: Network, alice: User, clock: Clock
) -> None:
    subscribe(alice)
    digest.send_due_digests(at("08:00"))
    # The server was down for a week: one digest for today, none for the days it missed.
    later = at("09:00", TODAY + dt.timedelta(days=7))
    clock(later)
    results = digest.send_due_digests(later)
    assert [r.period for r in results] == ["2026-11-30"]
    assert len(smtp.messages) == 2
    assert sorted(DigestSent.objects.values_list("period", flat=True)) == [
        "2026-11-23",
        "2026-11-30",
    ]


def test_a_weekly_digest_comes_on_its_weekday_only(
    smtp: Inbox, network: Network, alice: User, clock: Clock
) -> None:
    subscribe(alice, frequency="weekly", weekday=3)  # Wednesday
    for day in (TODAY, TODAY + dt.timedelta(days=1)):  # Monday, Tuesday
        clock(at("08:00", day))
        assert digest.send_due_digests(at("08:00", day)) == []
    wednesday = TODAY + dt.timedelta(days=2)
    clock(at("07:00", wednesday))
    assert digest.send_due_digests(at("07:00", wednesday)) == []  # before its time
    clock(at("08:00", wednesday))
    assert [(r.status, r.period) for r in digest.send_due_digests(at("08:00", wednesday))] == [
        ("sent", "2026-W48")
    ]
    clock(at("09:00", wednesday))
    assert digest.send_due_digests(at("09:00", wednesday)) == []
    thursday = TODAY + dt.timedelta(days=3)
    clock(at("08:00", thursday))
    assert digest.send_due_digests(at("08:00", thursday)) == []
    assert len(smtp.messages) == 1
    assert "once a week" in plain(smtp)


def test_a_missed_weekly_digest_comes_a_day_late_but_no_later(
    smtp: Inbox, network: Network, alice: User, clock: Clock
) -> None:
    subscribe(alice, frequency="weekly", weekday=1, at_time=dt.time(7, 30))  # Monday
    tuesday_early = at("07:00", TODAY + dt.timedelta(days=1))
    clock(tuesday_early)
    assert [r.period for r in digest.send_due_digests(tuesday_early)] == ["2026-W48"]

    DigestSent.objects.all().delete()
    tuesday_late = at("07:31", TODAY + dt.timedelta(days=1))  # more than a day after Monday 07:30
    clock(tuesday_late)
    assert digest.send_due_digests(tuesday_late) == []


def test_a_sunday_digest_missed_until_monday_belongs_to_the_week_before(
    smtp: Inbox, network: Network, alice: User, clock: Clock
) -> None:
    subscribe(alice, frequency="weekly", weekday=7, at_time=dt.time(20, 0))
    monday_morning = at("08:00")  # Monday of week 48; Sunday 22 November was in week 47
    assert [r.period for r in digest.send_due_digests(monday_morning)] == ["2026-W47"]


# --- failures ------------------------------------------------------------------------------


def test_an_smtp_failure_leaves_no_claim_and_the_next_run_sends_it(
    smtp: Inbox, network: Network, alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    subscribe(alice)
    smtp.refuse = True
    results = digest.send_due_digests(at("08:00"))

    assert [r.status for r in results] == ["failed"]
    assert "451" in results[0].error
    assert not DigestSent.objects.exists()
    assert smtp.messages == []
    assert "will retry" in caplog.text

    smtp.refuse = False
    assert [r.status for r in digest.send_due_digests(at("08:01"))] == ["sent"]
    assert len(smtp.messages) == 1
    assert DigestSent.objects.get(user=alice).sent_at is not None


def test_an_unreachable_mail_server_is_a_failure_too(
    smtp_server: Inbox, network: Network, alice: User
) -> None:
    subscribe(alice)
    with override_settings(**{**smtp_server.settings(), "EMAIL_PORT": 1, "EMAIL_TIMEOUT": 2}):
        results = digest.send_due_digests(at("08:00"))
    assert [r.status for r in results] == ["failed"]
    assert not DigestSent.objects.exists()


def test_one_failing_user_does_not_stop_the_others(
    smtp: Inbox, network: Network, alice: User, bob: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(alice)
    bob.email = "bob@example.org"
    bob.save()
    subscribe(bob)
    real_gather = digest.gather

    def broken_for_alice(
        user: User, today: dt.date, now: dt.datetime | None = None
    ) -> digest.Content:
        if user == alice:
            raise RuntimeError("a bug")
        return real_gather(user, today, now)

    monkeypatch.setattr(digest, "gather", broken_for_alice)
    results = digest.send_due_digests(at("08:00"))

    assert {r.username: r.status for r in results} == {"alice": "failed", "bob": "sent"}
    assert list(DigestSent.objects.values_list("user__username", flat=True)) == ["bob"]


def test_a_period_claimed_elsewhere_is_left_alone(
    smtp: Inbox, network: Network, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process claims the period between our check and our claim."""
    subscribe(alice)
    real_claim = digest.claim

    def claimed_just_before(user: User, period: str) -> DigestSent | None:
        DigestSent.objects.create(user=user, period=period)
        return real_claim(user, period)

    monkeypatch.setattr(digest, "claim", claimed_just_before)
    assert [r.status for r in digest.send_due_digests(at("08:00"))] == ["taken"]
    assert smtp.messages == []


# --- dry run -------------------------------------------------------------------------------


def test_a_dry_run_composes_but_sends_and_claims_nothing(
    smtp: Inbox, network: Network, alice: User
) -> None:
    subscribe(alice)
    results = digest.send_due_digests(at("08:00"), dry_run=True)

    assert [(r.status, r.item_count) for r in results] == [("dry_run", 4)]
    assert results[0].message is not None
    assert "Denise van Iersel" in str(results[0].message.body)
    assert results[0].as_json()["text"] == results[0].message.body
    assert smtp.messages == []
    assert not DigestSent.objects.exists()
    # The real run afterwards still sends it.
    assert [r.status for r in digest.send_due_digests(at("08:00"))] == ["sent"]
    assert digest.send_due_digests(at("08:00"), dry_run=True) == []  # already sent


# --- two processes at once -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_racing_runs_send_one_email(smtp: Inbox, network: Network, alice: User) -> None:
    subscribe(alice)
    add_important_date(network.denise, "anniversary", 11, 24)
    racers = 4
    barrier = threading.Barrier(racers)
    outcomes: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            for _attempt in range(200):
                try:
                    outcomes.append([r.status for r in digest.send_due_digests(at("08:00"))])
                    return
                except OperationalError as error:
                    # SQLite's shared in-memory test database says "table is locked" where
                    # the real (file) database waits for the other writer: wait, run again.
                    if "locked" not in str(error):
                        raise
                    connections.close_all()
                    time.sleep(0.01)
            raise AssertionError("the database stayed locked")
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(smtp.messages) == 1
    assert len(outcomes) == racers
    statuses = sorted(status for outcome in outcomes for status in outcome)
    assert statuses.count("sent") == 1
    assert set(statuses) <= {"sent", "taken"}
    assert DigestSent.objects.filter(user=alice).count() == 1


def test_settings_without_a_row_compose_with_the_defaults(network: Network, alice: User) -> None:
    assert not AgendaSettings.objects.filter(user=alice, digest_frequency="daily").exists()
    message = digest.compose_digest(alice, at("08:00"))
    assert message is not None and "every day" in str(message.body)


def test_done_promises_requests_and_people_in_the_trash_archived_or_deceased(
    smtp: Inbox, network: Network, alice: User, vault: Vault
) -> None:
    subscribe(alice)
    network.promise.done_at = at("07:00")
    network.promise.save()
    asked = create_person(vault, "Rob Vraag")
    add_follow_up(
        vault, asked, "Lend him the book", due_on=dt.date(2026, 11, 21), direction="request"
    )
    gone = create_person(vault, "Thijs Weg")
    add_follow_up(vault, gone, "Forgotten", due_on=dt.date(2026, 11, 21))
    gone.trashed_at = at("07:00")
    gone.save()
    for name, flag in (("Anna Archief", "archived"), ("Otto Overleden", "deceased")):
        person = create_person(vault, name)
        add_follow_up(vault, person, "Too late", due_on=dt.date(2026, 11, 21))
        setattr(person, flag, True)
        person.save()

    digest.send_due_digests(at("08:00"))

    text = plain(smtp)
    assert "Send her the slides" not in text  # done
    assert "Promises overdue" not in text
    today = text.split("Dates this week")[0]
    assert "Rob Vraag: they asked: Lend him the book" in today  # a request is not a promise
    assert "Thijs Weg" not in text
    assert "Too late" not in text


def test_names_and_promises_are_escaped_in_the_html(
    smtp: Inbox, network: Network, alice: User, vault: Vault
) -> None:
    subscribe(alice)
    sneaky = create_person(vault, "Eve <b>Bold</b>")
    add_follow_up(vault, sneaky, "<script>alert(1)</script>", due_on=dt.date(2026, 11, 21))

    digest.send_due_digests(at("08:00"))

    assert "<script>" not in html(smtp)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html(smtp)
    assert "Eve &lt;b&gt;Bold&lt;/b&gt;" in html(smtp)
    assert "Eve <b>Bold</b>: you promised: <script>alert(1)</script>" in plain(smtp)
