#!/usr/bin/env python3
"""Ray engine benchmark: ``clean --engine ray`` next to ``clean -j 2`` on this machine, in one run.

Usage (from the repository root, with the ``ray`` extra)::

    .venv/bin/python bench/ray_bench.py [--quick]

All rows clean the same JSONL file of distinct documents (the bench texts,
every line of document *n* starting with *n*, as in a corpus of new
documents; ``speed_bench.make_jsonl``), on two CPUs, with the corpus pass:

* ``clean -j 2``: the local engine, two worker processes (the anchor);
* ``clean --engine ray -j 2``: the run starts a local Ray cluster of two
  CPUs, cleans, and stops it (what a user without a cluster gets);
* ``clean --engine ray --address``: the run connects to a running local
  cluster of two CPUs (started once by this benchmark), as a driver does on a
  real cluster.

Each row gives documents per second of wall time as a user sees it (process
start, cluster start or connection, both passes, writing) and of the run
itself (the time the run's summary line reports: both passes and the
writing, from the first document read). Best of ``repeat`` runs each, the
rows taking turns: this 2-core machine is shared by several people and its
speed swings from one run to the next; compare the ratios of one run. Ray's
start-up and its per-task overhead cost more on two cores than they do on a
cluster, where the gain is the cores of many machines.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

# This benchmark's Ray clusters listen on the loopback interface only (read when ray is imported; the command
# lines it starts inherit it); on Linux Ray otherwise binds to the machine's network address.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

from speed_bench import load_texts, make_jsonl  # noqa: E402

Row = dict[str, Any]
_SUMMARY = re.compile(r"cleaned ([\d,]+) documents in ([\d.]+)s")


def run_clean(src: Path, out: Path, docs: int, *options: str) -> tuple[float, float]:
    """``clean SRC -o OUT OPTIONS`` in a fresh process: its wall seconds, and the seconds its summary reports.

    Raises when the run did not clean all ``docs`` documents (a timing of failures means nothing).
    """
    command = [sys.executable, "-m", "cleaner.cli", str(src), "-o", str(out), "--no-progress", *options]
    t0 = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    found = _SUMMARY.search(proc.stderr)
    if proc.returncode != 0 or found is None or int(found[1].replace(",", "")) != docs:
        raise RuntimeError(f"clean {' '.join(options)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, float(found[2])


def best_of(runs: dict[str, list[str]], src: Path, tmp: Path, docs: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Each named run's best wall and run seconds over ``repeat`` rounds that take the runs in turn."""
    best = {name: (float("inf"), float("inf")) for name in runs}
    for i in range(repeat):
        for name, options in runs.items():
            wall, run = run_clean(src, tmp / f"{name}-{i}", docs, *options)
            best[name] = (min(best[name][0], wall), min(best[name][1], run))
    return best


def run_ray(*, docs: int = 3000, repeat: int = 3) -> list[Row]:
    """Measure every row in one run; returns ``[{"row", "wall", "run", "ratio", "note"}]``."""
    import ray

    texts = list(load_texts().values())
    with tempfile.TemporaryDirectory(prefix="ray-bench-") as tmp_name:
        tmp = Path(tmp_name)
        src = make_jsonl(tmp / "docs.jsonl", texts, docs, distinct=True)
        size = f"{src.stat().st_size / 1e6:.1f} MB"
        local = {"j2": ["-j", "2"], "own": ["--engine", "ray", "-j", "2"]}
        first = best_of(local, src, tmp, docs, repeat)
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
        try:
            address = ray.get_runtime_context().gcs_address
            running = {"j2b": ["-j", "2"], "addr": ["--engine", "ray", "--address", address]}
            second = best_of(running, src, tmp, docs, repeat)
        finally:
            ray.shutdown()
    j2 = first["j2"]
    rows = [
        _row(f"clean -j 2 ({docs} distinct docs)", first["j2"], j2, docs, f"the anchor; {size} of JSONL"),
        _row("clean --engine ray -j 2", first["own"], j2, docs, "starts and stops its own 2-CPU local cluster"),
        _row("clean --engine ray --address", second["addr"], second["j2b"], docs,
             "a running 2-CPU local cluster; ratio to -j 2 measured beside it"),
    ]
    return rows


def _row(name: str, times: tuple[float, float], anchor: tuple[float, float], docs: int, note: str) -> Row:
    wall, run = times
    return {"row": name, "wall": docs / wall, "run": docs / run, "ratio": anchor[0] / wall,
            "run_ratio": anchor[1] / run, "note": f"{wall:.1f}s wall, {run:.1f}s run; {note}"}


def print_rows(rows: list[Row]) -> None:
    """Print the rows as a table: documents per second (wall, run) and the ratios to ``-j 2``."""
    print(f"{'ray engine':34s} {'wall docs/s':>11s} {'ratio':>7s} {'run docs/s':>11s} {'ratio':>7s}  note")
    for r in rows:
        figures = f"{r['wall']:11.1f} {r['ratio']:6.2f}x {r['run']:11.1f} {r['run_ratio']:6.2f}x"
        print(f"{r['row']:34s} {figures}  {r['note']}")


def main(argv: list[str]) -> int:
    """Run the Ray benchmark and print it (``--quick``: fewer documents, one run each); skipped without ray."""
    try:
        import ray  # noqa: F401
    except ImportError:
        print("ray engine: not measured (pip install 'article-cleaner[ray]')")
        return 0
    quick = "--quick" in argv
    print_rows(run_ray(docs=600 if quick else 3000, repeat=1 if quick else 3))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
