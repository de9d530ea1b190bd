"""The review report at scale: a 100,000-document run's page, its size, and how fast Chromium opens it.

    .venv/bin/python bench/report_bench.py [DOCUMENTS]

The documents are the 111 aeb-dev full-page texts (``inputs/fulltext.json``),
cleaned once; each stands for DOCUMENTS/111 documents of a synthetic run
(distinct ids, 10,000 to a file), fed to the report as ``clean`` feeds it
(:class:`cleaner.report.RunReport` parsing each document's audit lines). The
rows: the parent's cost per document, the time to build and write the page,
its size, and in headless Chromium the time to a rendered page and to open
the longest document shown. A second row does the same for a real run,
``clean bench/data/aeb-dev/html --report`` (the 111 pages' HTML).
Chromium rows are skipped when it is missing (apt-get install chromium).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

import cleaner  # noqa: E402
from cleaner.io import Task  # noqa: E402
from cleaner.report import RunReport, new_collector, write_report  # noqa: E402
from cleaner.report.page import read_data  # noqa: E402
from cleaner.runner import Outcome  # noqa: E402
from tests.browser import Chromium, find_chromium  # noqa: E402

DATA = HERE / "data" / "aeb-dev"
TARGET_MB = 20.0  # the bound for a 100,000-document report


def _outcomes(source: str) -> list[tuple[str, str, int]]:
    """The aeb-dev texts of ``source`` (``fulltext``, ``trafilatura``, ...) cleaned: (audit lines, output,
    length), as a worker sends them to the main process."""
    texts = json.loads((DATA / "inputs" / f"{source}.json").read_text(encoding="utf-8"))
    c = cleaner.Cleaner(cleaner.Config.load())
    results = [c.clean_text(t, doc_id=k) for k, t in sorted(texts.items())]
    return [
        ("".join(json.dumps({**r, "file": "x"}, ensure_ascii=False) + "\n" for r in res.audit_records()),
         res.text + "\n" if res.text else "", len(res.normalized))
        for res in results
    ]


def _feed(report: RunReport, outcomes: list[tuple[str, str, int]], n: int) -> float:
    """Hand ``n`` documents to the report as ``clean`` does; CPU seconds."""
    start = time.process_time()
    for i in range(n):
        audit, output, chars = outcomes[i % len(outcomes)]
        file, doc = f"shard-{i // 10_000:02d}.jsonl", f"page-{i:06d}"
        audit = audit.replace('"doc": "', f'"doc": "{doc}', 1) if audit else audit  # ids as a run writes them
        report.document(Task(doc, "text", "", file), Outcome(doc_id=doc, output=output, audit=audit, chars_in=chars))
    return time.process_time() - start


def feed_cost(source: str, n: int = 20_000) -> tuple[float, float]:
    """The report's cost in the main process per document of ``source``: (µs, audit records per document)."""
    config = cleaner.Config.load()
    outcomes = _outcomes(source)
    seconds = _feed(RunReport(new_collector(config), config), outcomes, n)
    return 1e6 * seconds / n, sum(a.count("\n") for a, _, _ in outcomes) / len(outcomes)


def synthetic_report(n: int, out: Path) -> dict[str, float]:
    """Build the report of ``n`` synthetic documents (full-page texts) at ``out``; figures of the build."""
    config = cleaner.Config.load()
    collector = new_collector(config)
    feed = _feed(RunReport(collector, config), _outcomes("fulltext"), n)
    start = time.process_time()
    write_report(out, collector, config, f"synthetic run of {n:,} documents")
    build = time.process_time() - start
    return {"per_doc_us": 1e6 * feed / n, "build_s": build, "mb": out.stat().st_size / 1e6}


def real_report(out: Path) -> dict[str, float]:
    """``clean`` the 111 aeb-dev pages with --report; figures of the page."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "cleaner.cli", str(DATA / "html"), "-o", tmp, "--report", str(out)],
                       check=True, capture_output=True)
        return {"run_s": time.monotonic() - start, "mb": out.stat().st_size / 1e6}


def open_in_chromium(page: Path) -> dict[str, float]:
    """Seconds to a rendered page (the report's script done) and to open its longest document shown."""
    data = read_data(page.read_text(encoding="utf-8"))
    longest = max(range(len(data["documents"])), key=lambda i: len(data["documents"][i]["text"] or ""))
    with Chromium() as browser:
        browser.open(page.as_uri())
        ready = browser.wait_for("window.reportReadyMs") / 1000
        errors = browser.errors()
        open_doc = browser.evaluate(
            "new Promise(done => { const t = performance.now(); addEventListener('hashchange', () => "
            "requestAnimationFrame(() => done(performance.now() - t)), {once: true}); "
            f"location.hash = '#docs?doc={longest}'; }})"
        ) / 1000
    return {"ready_s": ready, "open_doc_s": open_doc, "errors": len(errors),
            "longest": len(data["documents"][longest]["text"] or ""), "shown": len(data["documents"])}


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        synthetic, real = Path(tmp) / "synthetic.html", Path(tmp) / "aeb-dev.html"
        s = synthetic_report(n, synthetic)
        r = real_report(real)
        browser = find_chromium() is not None
        s_open = open_in_chromium(synthetic) if browser else None
        r_open = open_in_chromium(real) if browser else None
    print("| report | documents | page | built in | opens in (Chromium) | longest document shown, opened in |")
    print("|---|---|---|---|---|---|")
    ok = "under" if s["mb"] < TARGET_MB else "OVER"
    for name, docs, fig, op, extra in (
        ("synthetic run", f"{n:,}", s, s_open, f"{s['build_s']:.1f}s CPU (after {s['per_doc_us']:.0f} µs/document)"),
        ("clean aeb-dev/html --report", "111 pages", r, r_open, f"{r['run_s']:.1f}s (the whole run)"),
    ):
        opened = f"{op['ready_s']:.2f}s, {op['errors']} script errors" if op else "no chromium"
        longest = f"{op['longest']:,} chars in {op['open_doc_s']:.2f}s ({op['shown']} documents shown)" if op else "–"
        print(f"| {name} | {docs} | {fig['mb']:.1f} MB | {extra} | {opened} | {longest} |")
    print(f"\nThe synthetic page is {ok} the {TARGET_MB:.0f} MB bound.")
    for source, what in (("trafilatura", "extracted articles"), ("fulltext", "full-page texts")):
        us, records = feed_cost(source)
        print(f"The report costs the main process {us:.0f} µs per document on {what} ({records:.1f} audit records "
              "each, CPU time).")


if __name__ == "__main__":
    main(sys.argv[1:])
