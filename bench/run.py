"""Aandacht's benchmarks (``make bench``): medians, and ratios against a baseline in the same run.

The machine is shared and noisy, so no figure here is a pass/fail threshold in seconds. Each
measurement is repeated, reported as a median, and set against a baseline measured in the same
process a moment earlier:

* search: ``search_people`` (database text index + rapidfuzz on the candidates) against a Python
  scan that scores every person of the vault (what the index exists to avoid), on a vault of
  ``--people`` people, over a table of realistic queries;
* demo: loading the demo network against creating the same number of bare people;
* pages: server time of the people list, search as you type (the htmx partial) and a person
  page and the attention report on the demo network, against the login page (a page that
  touches no people).

Usage: ``python bench/run.py [--people N] [--repeat R] [--json]``. Runs in a throwaway data
directory (SQLite) unless ``DATABASE_URL`` is set. The tables end with the figures as one JSON
object on one line (``--json`` prints only the JSON, indented).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUERIES = [
    "jeroen vd ven",
    "Jerone",
    "rodrigez",
    "jose muller",
    "van iersel",
    "denise",
    "de vries",
    "anna",
    "conference",
    "bakker",
]

GIVEN = (
    "Anna Bram Daan Denise Emma Fatima Jeroen José Julia Lars Lotte Mohamed Noor Sanne Sem"
).split()
FAMILY = [
    ("", "Bakker"),
    ("de", "Vries"),
    ("van", "Iersel"),
    ("van de", "Ven"),
    ("", "Rodrigues"),
    ("", "Müller"),
    ("ter", "Horst"),
    ("", "Jansen"),
    ("van der", "Berg"),
    ("", "Öztürk"),
    ("", "Smit"),
    ("", "Visser"),
]
ORGS = ["Gemeente Utrecht", "Bol", "Philips", "Rabobank", "Freelance", "Hogeschool Rotterdam"]
MET = ["PyCon NL", "a neighbour's party", "LinkedIn", "the school gate", "Dutch Design Week"]


def median_seconds(action: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def setup_django() -> None:
    if "AANDACHT_DATA_DIR" not in os.environ:
        os.environ["AANDACHT_DATA_DIR"] = tempfile.mkdtemp(prefix="aandacht-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aandacht.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def fill_vault(count: int) -> Any:
    from aandacht.accounts.models import Vault
    from aandacht.people.services import create_person

    vault = Vault.objects.create(name=f"Bench {count}")
    chooser = random.Random(20261123)
    for number in range(count):
        particles, family = chooser.choice(FAMILY)
        create_person(
            vault,
            given_name=chooser.choice(GIVEN),
            particles=particles,
            family_name=f"{family}" if number % 7 else f"{family}-{number}",
            organisation=chooser.choice(ORGS),
            met_at=chooser.choice(MET),
        )
    return vault


def python_scan(vault: Any, raw_query: str) -> list[tuple[float, int]]:
    """The baseline: score every person of the vault in Python, no index."""
    from aandacht.people import ranking
    from aandacht.people.models import Person

    query = ranking.prepare_query(raw_query)
    scored = []
    for person in Person.objects.filter(vault=vault).only(
        "id", "given_name", "particles", "family_name", "nickname", "search_text"
    ):
        fields = ranking.NameFields(
            person.given_name, person.particles, person.family_name, person.nickname
        )
        scored.append((ranking.score(query, fields, person.search_text), person.pk))
    scored.sort(reverse=True)
    return scored[:20]


def bench_search(people: int, repeat: int) -> dict[str, Any]:
    from aandacht.people.search import search_people

    started = time.perf_counter()
    vault = fill_vault(people)
    fill_seconds = time.perf_counter() - started
    rows = []
    for query in QUERIES:
        baseline = median_seconds(lambda q=query: python_scan(vault, q), repeat)
        indexed = median_seconds(lambda q=query: search_people(vault, q), repeat)
        rows.append(
            {
                "query": query,
                "search_ms": round(indexed * 1000, 2),
                "scan_ms": round(baseline * 1000, 2),
                "ratio": round(indexed / baseline, 3),
            }
        )
    return {
        "people": people,
        "fill_seconds": round(fill_seconds, 2),
        "queries": rows,
        "median_search_ms": round(statistics.median(row["search_ms"] for row in rows), 2),
        "median_scan_ms": round(statistics.median(row["scan_ms"] for row in rows), 2),
        "median_ratio": round(statistics.median(row["ratio"] for row in rows), 3),
    }


def bench_demo(repeat: int) -> dict[str, Any]:
    from django.db import transaction

    from aandacht.accounts.models import Vault
    from aandacht.demo import load_demo
    from aandacht.people.models import Person
    from aandacht.people.services import create_person

    load_demo("en")
    demo_people = Person.objects.filter(vault__is_demo=True).count()

    def bare_people() -> None:
        with transaction.atomic():
            vault = Vault.objects.create(name="Bare")
            for number in range(demo_people):
                create_person(vault, f"Person {number}")
            vault.delete()

    baseline = median_seconds(bare_people, repeat)
    demo = median_seconds(lambda: load_demo("en", rebuild=True), repeat)
    return {
        "people": demo_people,
        "demo_seconds": round(demo, 3),
        "bare_people_seconds": round(baseline, 3),
        "ratio": round(demo / baseline, 2),
    }


def bench_pages(repeat: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from aandacht.accounts.services import ensure_local_owner
    from aandacht.demo import load_demo
    from aandacht.people.models import Person

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    owner = ensure_local_owner()
    vault = load_demo("en", owner=owner)
    richest = (
        Person.objects.filter(vault=vault)
        .annotate(entries=Count("interactions"))
        .order_by("-entries")
        .first()
    )
    assert richest is not None
    client = Client()
    client.force_login(owner)
    query = f"?vault={vault.pk}"
    pages = {
        "login page (baseline)": ("/accounts/login/", {}),
        "people list": (f"/people/{query}", {}),
        "search 'jerone' (htmx)": (f"/people/{query}&q=jerone", {"HTTP_HX_REQUEST": "true"}),
        "search 'van iersel' (htmx)": (
            f"/people/{query}&q=van+iersel",
            {"HTTP_HX_REQUEST": "true"},
        ),
        "person page": (f"/people/{richest.pk}/", {}),
        "attention report": (f"/report/{query}", {}),
    }
    rows = []
    baseline = 0.0
    for label, (url, headers) in pages.items():
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        seconds = median_seconds(lambda u=url, h=headers: client.get(u, **h), repeat)
        baseline = baseline or seconds
        rows.append(
            {"page": label, "ms": round(seconds * 1000, 2), "ratio": round(seconds / baseline, 2)}
        )
    return {"people": Person.objects.filter(vault=vault).count(), "pages": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=5000, help="people in the search vault")
    parser.add_argument("--repeat", type=int, default=7, help="runs per measurement")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    if options.people < 1 or options.repeat < 1:
        parser.error("--people and --repeat must be at least 1")
    setup_django()
    from django.db import connection

    results = {
        "database": connection.vendor,
        "search": bench_search(options.people, options.repeat),
        "demo": bench_demo(max(1, options.repeat // 2)),
        "pages": bench_pages(options.repeat * 3),
    }
    if options.json:
        print(json.dumps(results, indent=2))
        return 0
    search = results["search"]
    print(f"Database: {results['database']}")
    print(f"Search over {search['people']} people (median of {options.repeat} runs each):")
    print(f"  {'query':<16} {'search ms':>10} {'scan ms':>10} {'ratio':>7}")
    for row in search["queries"]:
        print(f"  {row['query']:<16} {row['search_ms']:>10} {row['scan_ms']:>10} {row['ratio']:>7}")
    print(
        f"  median: search {search['median_search_ms']} ms, Python scan "
        f"{search['median_scan_ms']} ms, ratio {search['median_ratio']}"
    )
    demo = results["demo"]
    print(
        f"Demo network ({demo['people']} people, a year of history): {demo['demo_seconds']} s; "
        f"{demo['people']} bare people: {demo['bare_people_seconds']} s; "
        f"ratio {demo['ratio']}"
    )
    pages = results["pages"]
    print(f"Pages on the demo network ({pages['people']} people), server time, median:")
    for row in pages["pages"]:
        print(f"  {row['page']:<28} {row['ms']:>8} ms  ratio {row['ratio']}")
    print(json.dumps(results))  # the last line, for bench/run_all.py (make bench)
    return 0


if __name__ == "__main__":
    sys.exit(main())
