"""``make bench``: every benchmark in turn, then one JSON object with all their figures.

Each benchmark is a script whose output ends in one JSON object on one line. They run one
after the other as child processes (their output passes straight through), so a crash in one
stops the run with its exit code; at the end their JSON lines are merged into one object and
printed as the last line. A key two benchmarks share is prefixed with the benchmark's name.

Usage: ``python bench/run_all.py [NAME …]`` (names: search, attention, import, carddav, pages;
all by default).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
BENCHMARKS: dict[str, list[str]] = {
    "search": [str(BENCH / "run.py")],
    "attention": [str(BENCH / "attention.py")],
    "import": [str(BENCH / "import_bench.py")],
    "carddav": [str(BENCH / "carddav_bench.py")],
    "pages": [str(BENCH / "pages_bench.py")],
}


def last_json_line(output: str) -> dict[str, Any]:
    for line in reversed(output.splitlines()):
        line = line.strip()
        if line:
            figures = json.loads(line)
            if not isinstance(figures, dict):
                raise ValueError("the last line is JSON but not an object")
            return figures
    raise ValueError("no output")


def run(name: str) -> dict[str, Any]:
    child = subprocess.Popen(
        [sys.executable, *BENCHMARKS[name]], stdout=subprocess.PIPE, text=True, bufsize=1
    )
    assert child.stdout is not None
    lines = []
    for line in child.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    if child.wait() != 0:
        raise SystemExit(child.returncode)
    try:
        return last_json_line("".join(lines))
    except ValueError as error:
        raise SystemExit(f"{name}: the last line is not one JSON object ({error})") from None


def merge(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name, figures in results.items():
        for key, value in figures.items():
            merged[f"{name}_{key}" if key in merged else key] = value
    return merged


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {list(BENCHMARKS)}")
    results = {}
    for name in names:
        print(f"== {name} ==", flush=True)
        results[name] = run(name)
        print(flush=True)
    print(json.dumps(merge(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
