"""The report page: who may read it, the period choice, bad input, the charts' markup and a
query count that does not grow with the vault."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from attention_helpers import MakePerson
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from report_helpers import Small, ago, signed_in

from aandacht.accounts.models import Vault
from aandacht.attention.models import Circle
from aandacht.attention.svg import SVG_NS
from aandacht.timeline.services import log_interaction

URL = "/report/"


def test_the_url_has_a_name() -> None:
    assert reverse("attention:report") == URL


def page(user: User, vault: Vault, **params: str) -> tuple[int, str]:
    """The status and the page, with its no-break spaces (which keep a date on one line) read
    as spaces."""
    response = signed_in(user).get(URL, {"vault": vault.pk, **params})
    return response.status_code, response.content.decode().replace("\xa0", " ")


def test_the_owner_sees_the_figures(small: Small, alice: User) -> None:
    status, html = page(alice, small.vault)
    assert status == 200
    assert "Attention report" in html
    assert "1 Sep 2026 to 23 Nov 2026" in html
    # Monthly: 1 of 4 within, Tom and Sem overdue, most overdue first
    # Monthly: 5 people, 1 paused; of the other 4, 1 within, 1 not due yet, 2 overdue. The
    # figure is the share not overdue, and the sentence beside it counts every group.
    assert "50%" in html and "2 of 4 not overdue" in html
    assert html.index("Tom Jansen") < html.index("Sem de Vries")
    assert "370 days overdue" in html and "15 days overdue" in html
    assert (
        "5 people in Monthly. 1 of them is paused and left out. 1 had their last conversation "
        "within their cadence. 1 has had no conversation yet and is not due yet. 2 are overdue. "
        "The share counts who is not overdue: 2 of 4." in html
    )
    assert re.search(r'data-testid="depth-deep">5<', html)
    assert re.search(r'data-testid="initiated-them">2<', html)
    assert re.search(r'data-testid="outcome-attempts">1<', html)
    assert re.search(r'data-testid="moments">2<', html)
    assert re.search(r'data-testid="appreciation">1<', html)
    assert re.search(r'data-testid="check-in-steps">2<', html)
    assert "score" not in html.lower().replace("no single score", "")


def test_a_viewer_reads_it_too(small: Small, carol: User) -> None:
    status, html = page(carol, small.vault)
    assert status == 200
    assert re.search(r'data-testid="moments">1<', html)  # alice's private moment is hers


def test_an_editor_sees_their_own_private_moment(small: Small, bob: User) -> None:
    assert re.search(r'data-testid="moments">2<', page(bob, small.vault)[1])


def test_another_vault_is_a_404(small: Small, mallory: User) -> None:
    assert page(mallory, small.vault)[0] == 404


def test_signed_out_goes_to_sign_in(small: Small, client: object) -> None:
    response = client.get(URL)  # type: ignore[attr-defined]
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_post_is_not_allowed(small: Small, alice: User) -> None:
    assert signed_in(alice).post(URL).status_code == 405


@pytest.mark.parametrize(
    ("period", "span", "deep"),
    [
        ("4w", "27 Oct 2026 to 23 Nov 2026", 4),
        ("12w", "1 Sep 2026 to 23 Nov 2026", 5),
        ("12m", "25 Nov 2025 to 23 Nov 2026", 7),
    ],
)
def test_the_period_is_chosen(small: Small, alice: User, period: str, span: str, deep: int) -> None:
    status, html = page(alice, small.vault, period=period)
    assert status == 200
    assert span in html
    assert re.search(rf'data-testid="depth-deep">{deep}<', html)
    assert re.search(rf'<option value="{period}" selected>', html)


@pytest.mark.parametrize("bad", ["3w", "", "12w'><script>", "9" * 50])
def test_a_bad_period_is_a_clear_400(small: Small, alice: User, bad: str) -> None:
    status, html = page(alice, small.vault, period=bad)
    assert status == 400
    assert "is not a period this report knows" in html or "This field is required" in html
    assert "Showing the last 12 weeks." in html
    assert "<script>" not in html.split("</header>")[1]
    assert "1 Sep 2026 to 23 Nov 2026" in html  # the default figures still show


def svgs(html: str) -> list[ET.Element]:
    found = re.findall(r"<svg xmlns=.*?</svg>", html, flags=re.S)
    return [ET.fromstring(markup) for markup in found]  # noqa: S314 (our own markup)


def test_the_charts_are_well_formed_with_a_text_alternative(small: Small, alice: User) -> None:
    html = page(alice, small.vault)[1]
    charts = svgs(html)
    # one line per circle with people in it (Inner circle and Monthly), and the depth chart
    # twice: narrow for a phone and wide for a wider screen (the CSS shows one)
    assert len(charts) == 4
    assert [chart.get("class") for chart in charts[-2:]] == [
        "chart chart--narrow",
        "chart chart--wide",
    ]
    ns = {"svg": SVG_NS}
    for chart in charts:
        title = chart.find("svg:title", ns)
        desc = chart.find("svg:desc", ns)
        assert title is not None and title.text
        assert desc is not None and desc.text
        assert chart.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert charts[-1].findtext("svg:title", "", ns) == "Contacts per week, by depth"
    assert "8 contacts in all" in charts[-1].findtext("svg:desc", "", ns)
    # the numbers as a table, behind a <details>; a week is named by its last day, the day
    # the chart's share is taken on
    assert html.count('<details class="report-data">') == 3
    assert '<th scope="row">23 Nov</th><td>2</td><td>1</td><td>1</td><td>1</td>' in html
    assert "Share not overdue on the last day of each week (the date shown)" in html
    # colours from the page's variables, falling back on the text colour
    assert "var(--chart-deep, currentColor)" in html


def test_the_page_renders_in_dutch(small: Small, alice: User) -> None:
    from aandacht.accounts.models import Preference

    Preference.objects.update_or_create(user=alice, defaults={"language": "nl"})
    status, _html = page(alice, small.vault)
    assert status == 200


def test_the_number_of_queries_does_not_grow_with_the_vault(
    vault: Vault,
    alice: User,
    circles: dict[str, Circle],
    make_person: MakePerson,
    today: dt.date,
) -> None:
    client = signed_in(alice)

    def grow(count: int, start: int) -> None:
        for n in range(start, start + count):
            circle = list(circles.values())[n % 4]
            person = make_person(
                f"Person {n:03d}", circle=circle, since=today - dt.timedelta(days=400)
            )
            if n % 5 == 0:
                continue  # never talked to: overdue, so the names are looked up
            log_interaction(vault, [person], "call", occurred_at=ago(n % 120), author=alice)
            log_interaction(vault, [person], "message", occurred_at=ago(n % 50 + 1))

    grow(4, 0)
    client.get(URL)  # settings and session made once
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    grow(60, 4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.status_code == 200
    assert "and " in response.content.decode()  # more overdue than shown: "and N more"
    assert len(many) == len(few)
    assert len(many) <= 20


@pytest.mark.parametrize(
    ("period", "rows", "heading", "header"),
    [
        ("4w", 4, "The last 4 weeks, per week", "week to"),
        ("12w", 12, "The last 12 weeks, per week", "week to"),
        ("12m", 13, "The last 52 weeks, per 4 weeks", "4 weeks to"),
    ],
)
def test_the_charts_follow_the_period(
    small: Small, alice: User, period: str, rows: int, heading: str, header: str
) -> None:
    html = page(alice, small.vault, period=period)[1]
    trend = html.split('id="report-trend"')[1]
    assert trend.startswith(f">{heading} ")
    # The depth table and each circle's table have a row per span, named by its last day
    # (today for the last one); the x labels are those days too.
    assert trend.count('<th scope="row">') == rows
    assert f'<th scope="col">{header}</th>' in trend
    assert '<th scope="row">23 Nov</th>' in trend
    circles = html.split('id="report-circles"')[1].split('id="report-contact"')[0]
    assert circles.count('<th scope="row">') == 2 * rows  # Inner circle and Monthly
    charts = svgs(html)
    labels = [text.text for text in charts[0].iter(f"{{{SVG_NS}}}text")]
    assert "23 Nov" in labels  # the latest span is always labelled
    if period == "12m":
        assert "Contacts per 4 weeks, by depth" in html
        assert "Share not overdue on the last day of each 4 weeks (the date shown)" in html


def test_someone_not_due_yet_counts_as_not_overdue_and_the_sentence_says_so(
    vault: Vault, alice: User, circles: dict[str, Circle], make_person: MakePerson, today: dt.date
) -> None:
    yearly = circles["yearly"]
    long_ago = today - dt.timedelta(days=400)
    talked = make_person("Ada Talked", circle=yearly, since=long_ago)
    make_person("Bo New", circle=yearly, since=today - dt.timedelta(days=5))
    log_interaction(vault, [talked], "call", occurred_at=ago(30))
    html = page(alice, vault)[1]
    article = html.split(f'id="report-circle-{yearly.pk}"')[1].split("</article>")[0]
    # 100% goes with "no one is overdue": the share counts the one not due yet as fine, and
    # the sentence beside it says how many of each it counts.
    assert "<strong>100%</strong>" in article and "2 of 2 not overdue" in article
    assert (
        "2 people in Yearly. 1 had their last conversation within their cadence. 1 has had no "
        "conversation yet and is not due yet. No one is overdue. The share counts who is not "
        "overdue: 2 of 2." in article
    )
    assert "overdue, most overdue first" not in article
