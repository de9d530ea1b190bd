"""``make bench`` (``python -m bench``): every benchmark table, side by side with its anchors, in one run.

Sections (each a module of ``bench/`` with a ``run_*`` function and its own
``__main__``):

* text quality: ``text_bench`` — F1 before/after cleaning, per dataset and input kind, and the
  removal precision of every rule (``bench/devdata.py``: aeb-dev, and web-dev when present);
* HTML quality and speed: ``html_bench`` (``run_html``) — against trafilatura and readability-lxml, per
  dataset, ``clean_html`` cross-validated by site;
* speed at corpus scale: ``speed_bench`` (``run_speed``) — docs/s against
  trafilatura, ``-j 2`` against ``-j 1``, peak memory for N and 10N documents;
* the Ray engine: ``ray_bench`` (``run_ray``) — ``clean --engine ray`` next to ``clean -j 2``;
* hostile input: ``trust_bench`` (``run_worst_case``) — worst-case MB/s on
  adversarial text, next to the MB/s on the sample corpus;
* review report: ``report_bench`` — the page of a 100,000-document run (size,
  build time, load time in headless Chromium) and of the aeb-dev pages.

``python -m bench speed`` (or ``text``, ``html``) runs only the sections named.
``python -m bench snapshot --save FILE`` / ``--check FILE`` is no benchmark
but the byte-identity check of refactorings (see ``bench/snapshot.py``).
With several sections, each runs in a fresh Python process, so that no
section's figures depend on what an earlier one left in memory (warm
caches, garbage). A section that fails is reported and the others still
run; the exit status is then 1.
"""

from __future__ import annotations

import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


def _text() -> None:
    import text_bench

    text_bench.main([])


def _html() -> None:
    import html_bench

    html_bench.main([])


def _speed() -> None:
    import speed_bench

    speed_bench.print_rows(speed_bench.run_speed())


def _ray() -> None:
    import ray_bench

    ray_bench.main([])


def _trust() -> None:
    import trust_bench

    trust_bench.main([])


def _report() -> None:
    import report_bench

    report_bench.main([])


# Add a section here: a name and a function that prints its table.
SECTIONS: dict[str, Callable[[], None]] = {
    "text": _text,
    "html": _html,
    "speed": _speed,
    "ray": _ray,
    "trust": _trust,
    "report": _report,
}


def main(argv: list[str]) -> int:
    """Run the named sections (all by default); 1 when one of them failed."""
    if argv[:1] == ["snapshot"]:
        import snapshot

        return snapshot.main(argv[1:])
    names = argv or list(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    if len(names) > 1:
        codes = [subprocess.run([sys.executable, "-m", "bench", name], cwd=HERE.parent).returncode for name in names]
        return 1 if any(codes) else 0
    name = names[0]
    print(f"\n== {name} ==", flush=True)
    try:
        SECTIONS[name]()
    except Exception:
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
