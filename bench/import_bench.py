"""Importing a large address book (``make bench-import``): the full import against vobject's parse.

Issue 5 ("Tests and figures"): 50,000 generated cards (``bench/import_generate.py``). In one run:

* **vobject** 0.9.9 only parses the file (``vobject.readComponents``), in this process; the run
  asserts it saw every card. Median of ``--vobject-runs`` runs (3 by default).
* **the import**: ``aandacht import FILE --json`` (read, match, write) as a child process, into a
  fresh SQLite data directory that was migrated beforehand (migrating is not importing). Wall
  time and CPU time (``os.wait4``, which includes the import's reading worker process) and the
  peak RSS of the command and its worker together (sampled from /proc); its JSON must say it
  created one person per card, with no errors. Median of ``--import-runs`` runs (1 by default:
  one takes a while), each into its own fresh data directory; the peak RSS is the largest of
  them.
* as extra figures: our own vCard parser alone (``vcard.iter_cards``, median of 3) and the
  time to generate the file.

Target: ``import_ratio`` = import / vobject parse ≤ 0.5, and a peak RSS ≤ 500 MB.

The machine is shared; the load average is printed beside the figures. The last line is one
JSON object with ``import_cards``, ``import_s``, ``vobject_parse_s``, ``import_ratio`` and
``import_peak_rss_mb`` (and a few more). ``BENCH_IMPORT_CARDS`` overrides the card count.

Usage: ``python bench/import_bench.py [--cards N] [--vobject-runs R] [--import-runs R]
[--keep DIR] [--profile FILE.prof]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import import_generate  # noqa: E402

TARGET_RATIO = 0.5
TARGET_RSS_MB = 500.0


def median_run(action: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), timings


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def vobject_parse(path: Path, cards: int) -> None:
    import vobject

    with path.open(encoding="utf-8", newline="") as handle:
        seen = sum(1 for _ in vobject.readComponents(handle))
    if seen != cards:
        raise SystemExit(f"vobject parsed {seen} cards of {cards}")


def own_parse(path: Path, cards: int) -> None:
    from aandacht.exchange.vcard import Card, iter_cards

    with path.open("rb") as handle:
        seen = sum(1 for item in iter_cards(handle) if isinstance(item, Card))
    if seen != cards:
        raise SystemExit(f"vcard.iter_cards read {seen} cards of {cards}")


def aandacht_command() -> list[str]:
    script = Path(sys.executable).with_name("aandacht")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from aandacht.cli import main; main()"]


def child_environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # SQLite in the fresh data directory, whatever the shell says
    env["AANDACHT_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    return env


def fresh_data_dir(parent: Path, number: int) -> Path:
    """A migrated data directory with the local owner: what a first ``aandacht`` run leaves."""
    data_dir = parent / f"data-{number}"
    data_dir.mkdir()
    prepared = subprocess.run(
        [*aandacht_command(), "find", "--json", "nobody"],
        env=child_environment(data_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    if prepared.returncode != 0:
        raise SystemExit(f"preparing {data_dir} failed:\n{prepared.stderr}")
    return data_dir


def _process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc (Linux)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def tree_rss_mb(root: int) -> float:
    """The resident memory of a process and its children together (the import's worker)."""
    total = 0
    for pid in _process_tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total * 1024 / 1e6


class TreePeak(threading.Thread):
    """Samples the summed RSS of the import and its worker every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, tree_rss_mb(self.pid))


def timed_import(
    path: Path, data_dir: Path, profile: Path | None = None
) -> tuple[float, float, float, dict[str, Any]]:
    """(wall seconds, CPU seconds, peak RSS in MB, the JSON) of one ``aandacht import``.

    CPU is the command's and its worker's (``wait4`` counts waited-for children); the peak
    RSS is the largest sum of both, sampled, or the largest single process if that is more.
    """
    command = [*aandacht_command(), "import", str(path), "--json"]
    if profile is not None:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), *command]
    out_path = data_dir / "import-output.json"
    err_path = data_dir / "import-stderr.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=child_environment(data_dir), stdout=out, stderr=err)
        sampler = TreePeak(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(
            f"aandacht import exited with {child.returncode}:\n"
            + err_path.read_text(errors="replace")[-3000:]
        )
    output = out_path.read_text()
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        raise SystemExit(f"aandacht import printed no JSON:\n{output[-2000:]}") from None
    peak_mb = max(sampler.peak, usage.ru_maxrss * 1024 / 1e6)  # Linux reports KiB
    return seconds, usage.ru_utime + usage.ru_stime, peak_mb, report


def check_report(report: dict[str, Any], cards: int) -> None:
    created = report.get("created")
    errors = report.get("errors") or []
    if created != cards or errors:
        summary = {key: report.get(key) for key in ("created", "updated", "unchanged")}
        raise SystemExit(
            f"the import should create {cards} people with no errors; it said {summary}, "
            f"{len(errors)} errors (first: {errors[:3]}), "
            f"{len(report.get('conflicts') or [])} conflicts"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    default_cards = int(os.environ.get("BENCH_IMPORT_CARDS", import_generate.DEFAULT_CARDS))
    parser.add_argument("--cards", type=int, default=default_cards)
    parser.add_argument("--vobject-runs", type=int, default=3)
    parser.add_argument("--import-runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=import_generate.DEFAULT_SEED)
    parser.add_argument("--keep", type=Path, help="write the file and data directories here")
    parser.add_argument("--profile", type=Path, help="run one more import under cProfile")
    parser.add_argument("--skip-import", action="store_true", help="only the parsers")
    options = parser.parse_args()
    if options.cards < 1 or options.vobject_runs < 1 or options.import_runs < 1:
        parser.error("--cards, --vobject-runs and --import-runs must be at least 1")

    work = options.keep or Path(tempfile.mkdtemp(prefix="aandacht-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"import-{options.cards}.vcf"
    cards = options.cards
    figures: dict[str, Any] = {"import_cards": cards}
    loads = [load_average()]
    try:
        started = time.perf_counter()
        size = import_generate.generate(path, cards, options.seed)
        figures["generate_s"] = round(time.perf_counter() - started, 2)
        figures["file_mb"] = round(size / 1e6, 1)
        print(f"{cards} cards, {size / 1e6:.1f} MB, generated in {figures['generate_s']} s")

        own, own_runs = median_run(lambda: own_parse(path, cards), 3)
        print(f"vcard.iter_cards: {own:.2f} s (runs {', '.join(f'{t:.2f}' for t in own_runs)})")
        # vobject and the import take turns, so a burst of load on the shared machine falls on
        # both rather than on one of them.
        vobject_runs: list[float] = []
        vobject_cpu: list[float] = []
        import_runs: list[float] = []
        import_cpu: list[float] = []
        peaks: list[float] = []
        rounds = max(options.vobject_runs, 0 if options.skip_import else options.import_runs)
        for number in range(rounds):
            if number < options.vobject_runs:
                cpu_before = time.process_time()
                seconds = median_run(lambda: vobject_parse(path, cards), 1)[0]
                vobject_cpu.append(time.process_time() - cpu_before)
                vobject_runs.append(seconds)
                print(
                    f"vobject parse: {seconds:.2f} s, CPU {vobject_cpu[-1]:.2f} s "
                    f"(load {load_average()})"
                )
            if not options.skip_import and number < options.import_runs:
                data_dir = fresh_data_dir(work, number)
                seconds, cpu, peak, report = timed_import(path, data_dir)
                check_report(report, cards)
                import_runs.append(seconds)
                import_cpu.append(cpu)
                peaks.append(peak)
                print(
                    f"aandacht import: {seconds:.2f} s, CPU {cpu:.2f} s, peak RSS {peak:.0f} MB "
                    f"(load {load_average()})"
                )
                if not options.keep:
                    shutil.rmtree(data_dir)
            loads.append(load_average())
        vobject_s = statistics.median(vobject_runs)
        figures |= {
            "vobject_parse_s": round(vobject_s, 2),
            "vobject_runs": [round(t, 2) for t in vobject_runs],
            "vobject_cpu_s": round(statistics.median(vobject_cpu), 2),
            "own_parse_s": round(own, 2),
            "own_parse_ratio": round(own / vobject_s, 3),
        }
        if import_runs:
            import_s = statistics.median(import_runs)
            figures |= {
                "import_s": round(import_s, 2),
                "import_runs": [round(t, 2) for t in import_runs],
                "import_ratio": round(import_s / vobject_s, 3),
                "import_peak_rss_mb": round(max(peaks), 1),
                "import_cards_per_s": round(cards / import_s),
                "import_cpu_s": round(statistics.median(import_cpu), 2),
                "import_cpu_ratio": round(
                    statistics.median(import_cpu) / statistics.median(vobject_cpu), 3
                ),
            }
            figures["import_meets_targets"] = (
                figures["import_ratio"] <= TARGET_RATIO
                and figures["import_peak_rss_mb"] <= TARGET_RSS_MB
            )
        if options.profile is not None and not options.skip_import:
            data_dir = fresh_data_dir(work, len(import_runs))
            _, _, _, report = timed_import(path, data_dir, profile=options.profile)
            check_report(report, cards)
            print(f"profile written to {options.profile}")
        figures["load_average"] = loads
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)

    print_table(figures)
    print(json.dumps(figures))
    return 0


def print_table(figures: dict[str, Any]) -> None:
    cards = figures["import_cards"]
    vobject_s = figures["vobject_parse_s"]
    print()
    print(f"Import of {cards} generated cards ({figures['file_mb']} MB), medians:")
    print(f"  {'':<34} {'seconds':>8} {'cards/s':>8} {'ratio':>7}")
    rate = cards / vobject_s
    print(f"  {'vobject parse only (baseline)':<34} {vobject_s:>8} {rate:>8.0f} {1:>7}")
    print(
        f"  {'vcard.iter_cards parse only':<34} {figures['own_parse_s']:>8} "
        f"{cards / figures['own_parse_s']:>8.0f} {figures['own_parse_ratio']:>7}"
    )
    if "import_s" in figures:
        print(
            f"  {'aandacht import (read+match+write)':<34} {figures['import_s']:>8} "
            f"{figures['import_cards_per_s']:>8} {figures['import_ratio']:>7}"
        )
        print(
            f"  CPU time (user + system): import {figures['import_cpu_s']} s, vobject "
            f"{figures['vobject_cpu_s']} s, ratio {figures['import_cpu_ratio']}"
        )
        verdict = "meets" if figures["import_meets_targets"] else "misses"
        print(
            f"  peak RSS of the import: {figures['import_peak_rss_mb']} MB; "
            f"target ratio ≤ {TARGET_RATIO}, ≤ {TARGET_RSS_MB:.0f} MB: {verdict} it"
        )
    print(f"  load average (1/5/15 min) along the run: {' | '.join(figures['load_average'])}")


if __name__ == "__main__":
    sys.exit(main())
