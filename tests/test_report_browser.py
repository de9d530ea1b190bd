"""The review report in a real browser: headless Chromium loads the sample corpus's report and a person's clicks.

Skipped when Chromium is missing (``.ci/run`` installs Debian's ``chromium``
when it can). ``REPORT_SCREENSHOTS=docs`` (``make screenshots``) also writes
the screenshots the README shows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.report.build import build_data
from cleaner.report.collect import DocumentEntry, ReportCollector
from cleaner.report.page import read_data, render_page
from tests.browser import BrowserError, Chromium, find_chromium
from tests.conftest import CORPUS

pytestmark = pytest.mark.skipif(find_chromium() is None, reason="needs Chromium (apt-get install chromium)")
pytest.importorskip("websocket")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[dict]]:
    """The sample corpus cleaned with --report: (the page, its data, the audit records)."""
    out = tmp_path_factory.mktemp("browser") / "out"
    page = out / "report.html"
    done = subprocess.run([sys.executable, "-m", "cleaner.cli", CORPUS.name, "-o", str(out), "--report", str(page)],
                          capture_output=True, text=True, cwd=CORPUS.parent)  # "corpus", as a user types it
    assert done.returncode == 0, done.stderr
    audit = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    return page, read_data(page.read_text(encoding="utf-8")), audit


@pytest.fixture(scope="module")
def browser():
    with Chromium() as b:
        yield b


def _open(browser: Chromium, page: Path, fragment: str = "") -> None:
    browser.open("about:blank")  # a fresh page, also when only the fragment differs
    browser.open(page.as_uri() + fragment)
    try:
        browser.wait_for("document.documentElement.dataset.ready === '1'", timeout=10)
    except BrowserError as exc:
        raise AssertionError(f"the page did not get ready: {browser.errors()}") from exc


def _words(text: str) -> str:
    return " ".join(text.split())


def _shot(browser: Chromium, tmp_path: Path, name: str) -> None:
    """A screenshot in the test's folder, and in REPORT_SCREENSHOTS (the README's) when set."""
    browser.screenshot(tmp_path / name)
    assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    target = os.environ.get("REPORT_SCREENSHOTS")
    if target:
        browser.screenshot(Path(target) / name)


def test_the_report_loads_and_shows_every_rule_of_the_audit(browser: Chromium, report, tmp_path: Path) -> None:
    page, _, audit = report
    _open(browser, page)
    assert browser.errors() == []
    overview = browser.evaluate("document.getElementById('view-overview').innerText")
    for name in {r["rule"] for r in audit}:
        assert name in overview
    assert "5\nfailed" not in overview.lower()
    _shot(browser, tmp_path, "report-overview.png")
    browser.click('nav#tabs a[data-tab="rules"]')
    browser.wait_for("document.body.dataset.view === 'rules'")
    rows = browser.evaluate("[...document.querySelectorAll('#rules-table tr.rule-row')].map(r => r.dataset.rule)")
    assert {r["rule"] for r in audit} <= set(rows)
    assert browser.errors() == []


def test_every_removed_text_is_highlighted_in_its_document(browser: Chromium, report) -> None:
    page, data, audit = report
    _open(browser, page, "#docs")
    for i, doc in enumerate(data["documents"]):
        browser.click(f'.doc-item[data-doc="{i}"]')
        browser.wait_for(f"document.getElementById('doc-id') && document.getElementById('doc-id').textContent === "
                         f"{json.dumps(doc['id'])}")
        marked = browser.evaluate("[...document.querySelectorAll('#doc-text mark')].map(m => m.textContent).join('')")
        removed = "".join(r["text"] for r in audit if r["doc"] == doc["id"] and r["action"] == "remove")
        assert marked == removed
        shown = browser.evaluate("document.getElementById('doc-text').textContent")
        assert shown == doc["text"]  # the whole normalised text, kept and removed
    assert browser.errors() == []


def test_two_clicks_find_every_removal_of_a_rule(browser: Chromium, report, tmp_path: Path) -> None:
    page, _, audit = report
    rule = "video.block"
    mine = [r for r in audit if r["rule"] == rule]
    _open(browser, page)
    # click 1: the rule in the chart of the overview lists its removals, each in its context
    browser.click(f'#view-overview .bar-row[title^="{rule}:"]')
    browser.wait_for("document.body.dataset.view === 'rule'")
    assert browser.evaluate("document.getElementById('rule-name').textContent") == rule
    samples = browser.evaluate("[...document.querySelectorAll('#rule-samples .sample mark')].map(m => m.textContent)")
    assert sorted(map(_words, samples)) == sorted(_words(r["text"]) for r in mine)
    _shot(browser, tmp_path, "report-rule.png")
    # click 2: the documents with this rule, the first one open with only this rule highlighted
    browser.click("#rule-docs")
    browser.wait_for("document.body.dataset.view === 'docs'")
    listed = browser.evaluate("[...document.querySelectorAll('.doc-item .id')].map(e => e.textContent)")
    assert sorted(listed) == sorted({r["doc"] for r in mine})
    browser.click(".doc-item")
    browser.wait_for("!!document.getElementById('doc-text')")
    doc = browser.evaluate("document.getElementById('doc-id').textContent")
    in_doc = [r for r in mine if r["doc"] == doc]
    coloured = browser.evaluate(
        "[...document.querySelectorAll('#doc-text mark:not(.faded)')].map(m => m.textContent).join('')")
    assert coloured == "".join(r["text"] for r in in_doc)
    # "next" walks through exactly this rule's removals, in order
    seen = []
    for _ in in_doc:
        browser.click("#next-removal")
        seen.append(browser.evaluate("document.querySelector('#doc-text .focus').textContent"))
    assert [_words(s) for s in seen] == [_words(r["text"]) for r in in_doc]
    assert re.fullmatch(rf"{len(in_doc)} / {len(in_doc)}", browser.evaluate(
        "document.getElementById('nav-count').textContent"))
    # a click on a span tells its rule and reason
    browser.click("#doc-text .focus")
    detail = browser.evaluate("document.getElementById('detail').innerText")
    assert rule in detail and in_doc[-1]["reason"] in detail
    browser.evaluate("document.getElementById('detail').hidden = true")
    browser.evaluate("window.scrollTo(0, 0)")
    _shot(browser, tmp_path, "report.png")
    assert browser.errors() == []


def test_search_and_histogram_filter_the_documents(browser: Chromium, report) -> None:
    page, data, _ = report
    _open(browser, page, "#docs?q=002_")
    assert browser.evaluate("[...document.querySelectorAll('.doc-item .id')].map(e => e.textContent)") == [
        "002_6c38cb28a2b0ce56.txt"]
    _open(browser, page)
    browser.click('#histogram .col[data-bin="0"]')
    browser.wait_for("document.body.dataset.view === 'docs'")
    untouched = [d["id"] for d in data["documents"] if d["removed"] == 0]
    assert browser.evaluate("[...document.querySelectorAll('.doc-item .id')].map(e => e.textContent)") == untouched
    assert browser.errors() == []


def test_kept_spans_and_pages_without_text_render(browser: Chromium, tmp_path: Path) -> None:
    """What the sample corpus lacks: a span kept while unsure, and a document whose input is gone."""
    text = "Title\n\nA line seen in many pages of the site.\n\nThe story."
    keep = {"rule": "corpus.repeated_line", "action": "keep", "start": 7, "end": 45, "text": text[7:45],
            "reason": "sentence-like: needs 50 documents"}
    removal = {"rule": "site.ads", "action": "remove", "start": 45, "end": 57, "text": "Advertising", "reason": "ad"}
    collector = ReportCollector()
    collector.add_document(DocumentEntry("a.txt", "a.txt", [keep], len(text), text=lambda: text))
    collector.add_document(DocumentEntry("gone.txt", "gone.txt", [removal], 80, text=lambda: None))
    page = tmp_path / "r.html"
    data = build_data(collector, [])
    page.write_text(render_page(data), encoding="utf-8")
    index = {d["id"]: i for i, d in enumerate(data["documents"])}
    _open(browser, page, f"#docs?doc={index['a.txt']}")
    kept = browser.evaluate("[...document.querySelectorAll('#doc-text .keep')].map(e => [e.textContent, e.title])")
    assert kept == [[keep["text"], f"corpus.repeated_line (kept): {keep['reason']}"]]
    assert browser.evaluate("document.querySelectorAll('#doc-text mark').length") == 0
    _open(browser, page, f"#docs?doc={index['gone.txt']}")
    assert "removed spans only" in browser.evaluate("document.getElementById('doc-pane').innerText")
    assert browser.evaluate("document.querySelector('#doc-text mark').textContent") == "Advertising"
    assert browser.errors() == []
