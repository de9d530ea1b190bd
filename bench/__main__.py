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

``python -m bench speed`` (or ``text``, ``html``) runs only the sections named;
options after one section's name are that section's own
(``python -m bench text --kind fulltext --lost body.detector``).
``python -m bench snapshot --save FILE`` / ``--check FILE`` is no benchmark
but the byte-identity check of refactorings (see ``bench/snapshot.py``).
With several sections, each runs in a fresh Python process, so that no
section's figures depend on what an earlier one left in memory (warm
caches, garbage). A section that fails is reported and the others still
run; the exit status is then 1.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]


# Add a section here: its name and the module of bench/ whose ``main(argv)`` prints its table.
SECTIONS: dict[str, str] = {
    "text": "text_bench",
    "html": "html_bench",
    "speed": "speed_bench",
    "ray": "ray_bench",
    "trust": "trust_bench",
    "report": "report_bench",
}


def run_section(name: str, options: list[str]) -> int:
    """Run one section in this process with its own options (``python -m bench text --kind fulltext``)."""
    module = importlib.import_module(SECTIONS[name])
    return module.main(options) or 0


def main(argv: list[str]) -> int:
    """Run the named sections (all by default); 1 when one of them failed.

    Options after a single section's name go to that section's own ``main``
    (see ``python bench/<module>.py``'s docstring for each: ``--kind``,
    ``--dataset``, ``--lost RULE``, ``--quick`` ...).
    """
    if argv[:1] == ["snapshot"]:
        import snapshot

        return snapshot.main(argv[1:])
    split = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:split] or list(SECTIONS), argv[split:]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        print(f"unknown section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    if options and len(names) > 1:
        print(f"options ({' '.join(options)}) go to one section: name only that one", file=sys.stderr)
        return 2
    if len(names) > 1:
        codes = [subprocess.run([sys.executable, "-m", "bench", name], cwd=HERE.parent).returncode for name in names]
        return 1 if any(codes) else 0
    name = names[0]
    print(f"\n== {name} ==", flush=True)
    try:
        return run_section(name, options)
    except Exception:
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
