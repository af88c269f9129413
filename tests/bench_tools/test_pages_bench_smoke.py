"""``make bench-pages`` end to end at a tiny size: generate, serve in production, measure, report.

SQLite only, 300 people, a few requests per page and one second of load: about 20 seconds of
wall time on two cores. Checks the last line's keys, not the figures.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import pages_bench  # noqa: E402


def test_the_bench_prints_every_figure_as_one_json_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = pages_bench.main(
        [
            "--people", "300", "--databases", "sqlite", "--repeat", "3", "--warm-up", "1",
            "--seconds", "1", "--workers", "2", "--no-cache", "--keep", str(tmp_path / "work"),
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    figures = json.loads(out.strip().splitlines()[-1])
    for page in pages_bench.PAGES:
        for measure in ("p95_ms", "median_ms", "sql_ms", "ratio"):
            for name in (page, f"{page}_built"):  # as kept, and built afresh (a hard reload)
                value = figures[f"sqlite_{name}_{measure}"]
                assert isinstance(value, float) and value > 0, (name, measure, value)
    # The baseline interleaved with every page: each page's ratio is read against it.
    assert figures["sqlite_baseline_median_ms"] > 0
    assert re.search(
        r"^sqlite\s+baseline\s+[\d.]+\s+[\d.]+\s+1\.00\s+\d+\s+/accounts/password/$", out, re.M
    )
    assert figures["sqlite_person_rps"] > 0
    assert figures["sqlite_errors"] == 0
    assert figures["people"] == 300
    assert "Pages at scale" in out
