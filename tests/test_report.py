"""The review report (clean --report, --from-audit) and the explain view (clean --explain), without a browser."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli import main
from cleaner.explain import explain
from cleaner.io import Task
from cleaner.report.build import build_data
from cleaner.report.collect import DocumentEntry, ReportCollector
from cleaner.report.page import read_data, render_page
from cleaner.report.sources import RunReport
from cleaner.runner import Outcome
from cleaner.settings import ReportSettings
from tests.conftest import CORPUS

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], capture_output=True, text=True)


def _audit(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, list[dict]]:
    """The sample corpus cleaned with --report: (output folder, the page's data, the audit records)."""
    out = tmp_path_factory.mktemp("run") / "out"
    done = _run(str(CORPUS), "-o", str(out), "--report", str(out / "report.html"))
    assert done.returncode == 0, done.stderr
    return out, read_data((out / "report.html").read_text(encoding="utf-8")), _audit(out / "audit.jsonl")


def test_the_report_of_a_run_counts_every_rule_and_shows_every_document(corpus_run) -> None:
    _, data, audit = corpus_run
    docs = sorted(CORPUS.glob("*.txt"))
    results = {p.name: cleaner.clean_text(p.read_text(encoding="utf-8")) for p in docs}
    s = data["summary"]
    assert s["documents"] == len(docs) and s["failed"] == 0
    assert s["chars_in"] == sum(len(r.normalized) for r in results.values())
    assert s["chars_removed"] == sum(len(r["text"]) for r in audit if r["action"] == "remove")
    rules = {r["name"]: r for r in data["rules"]}
    assert set(rules) >= {r.name for r in cleaner.rules.all_rules()}  # every rule, also those that found nothing
    for name in {r["rule"] for r in audit}:
        mine = [r for r in audit if r["rule"] == name and r["action"] == "remove"]
        assert rules[name]["removals"] == len(mine)
        assert rules[name]["chars"] == sum(len(r["text"]) for r in mine)
        assert rules[name]["docs"] == len({r["doc"] for r in mine})
        assert rules[name]["description"]
        # few enough to be all sampled: each with the kept text around it
        assert sorted(x["text"] for x in rules[name]["samples"]) == sorted(r["text"] for r in mine)
        assert all(x["before"] or x["after"] for x in rules[name]["samples"])
    assert sum(data["histogram"]["bins"]) == len(docs)
    names = [r["name"] for r in data["rules"]]
    for doc in data["documents"]:
        assert doc["text"] == results[doc["id"]].normalized  # rebuilt from the output and the removed spans
        spans = [(a, b, names[i], "remove" if act == 0 else "keep") for a, b, i, act, _, _ in doc["spans"]]
        mine = [(r["start"], r["end"], r["rule"], r["action"]) for r in audit if r["doc"] == doc["id"]]
        assert sorted(spans) == sorted(mine)
    assert {d["id"] for d in data["documents"]} == {p.name for p in docs}


def test_from_audit_gives_the_run_report_without_cleaning(corpus_run, tmp_path: Path) -> None:
    out, run_data, audit = corpus_run
    page = tmp_path / "again.html"
    done = _run("--from-audit", str(out / "audit.jsonl"), "--report", str(page))
    assert done.returncode == 0, done.stderr
    data = read_data(page.read_text(encoding="utf-8"))
    assert data["meta"]["mode"] == "audit" and data["meta"]["notes"]
    keep = ("name", "removals", "keeps", "chars", "docs")
    assert [{k: r[k] for k in keep} for r in data["rules"]] == [{k: r[k] for k in keep} for r in run_data["rules"]]
    run_texts = {d["id"]: d["text"] for d in run_data["documents"]}
    with_records = {r["doc"] for r in audit}
    assert {d["id"] for d in data["documents"]} == with_records  # an audit log knows only these
    assert all(d["text"] == run_texts[d["id"]] for d in data["documents"])
    assert data["summary"]["chars_in"] is None  # not in an audit log, and the page says so


def test_from_audit_shows_removed_spans_when_an_input_is_gone_or_changed(tmp_path: Path) -> None:
    src = tmp_path / "corpus"
    shutil.copytree(CORPUS, src)
    out = tmp_path / "out"
    assert _run(str(src), "-o", str(out)).returncode == 0
    audit = _audit(out / "audit.jsonl")
    gone, changed = sorted({r["doc"] for r in audit})[:2]
    (src / gone).unlink()
    (src / changed).write_text("Something else entirely.\n", encoding="utf-8")
    page = tmp_path / "r.html"
    assert _run("--from-audit", str(out / "audit.jsonl"), "--report", str(page)).returncode == 0
    docs = {d["id"]: d for d in read_data(page.read_text(encoding="utf-8"))["documents"]}
    for doc_id, why in ((gone, "not there"), (changed, "changed")):
        assert docs[doc_id]["text"] is None and why in docs[doc_id]["note"]
        removed = [sp[5] for sp in docs[doc_id]["spans"]]
        assert removed == [r["text"] for r in audit if r["doc"] == doc_id]  # the removed spans, still all there
    others = [d for d in docs.values() if d["id"] not in (gone, changed)]
    assert others and all(d["text"] is not None for d in others)


def test_report_of_jsonl_and_html_inputs_with_a_failure(tmp_path: Path) -> None:
    page_html = (
        "<html><head><title>T</title></head><body><nav>Home | World | Sport</nav><article><h1>Title here</h1>"
        + "".join(f"<p>Paragraph {i} of the story, long enough to count as article text.</p>" for i in range(6))
        + "<p>Share on Facebook</p></article><footer>All rights reserved</footer></body></html>"
    )
    text = (CORPUS / "000_f067d610a81d18b0.txt").read_text(encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    with gzip.open(src / "docs.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "a", "text": text}) + "\n")
        fh.write("not json\n")
        fh.write(json.dumps({"id": "b", "html": page_html, "url": "https://example.org/b"}) + "\n")
    out = tmp_path / "out"
    done = _run(str(src), "-o", str(out), "--report", str(tmp_path / "r.html"), "--audit", str(tmp_path / "a.jsonl"))
    assert done.returncode == 1  # the bad line fails
    data = read_data((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert data["summary"]["documents"] == 2 and data["errors"]["count"] == 1
    assert "not a JSON object" in data["errors"]["sample"][0]["reason"]
    docs = {d["id"]: d for d in data["documents"]}
    assert docs["a"]["text"] == cleaner.clean_text(text).normalized
    assert docs["b"]["text"] == cleaner.clean_html(page_html, url="https://example.org/b").normalized
    # the same from the audit log: JSONL documents found again by id
    assert _run("--from-audit", str(tmp_path / "a.jsonl"), "--report", str(tmp_path / "r2.html")).returncode == 0
    again = {d["id"]: d for d in read_data((tmp_path / "r2.html").read_text(encoding="utf-8"))["documents"]}
    assert again["a"]["text"] == docs["a"]["text"] and again["b"]["text"] == docs["b"]["text"]


def test_a_document_is_normalised_again_when_its_output_is_not_the_clean_text() -> None:
    text = (CORPUS / "001_19d0a39a05584a4f.txt").read_text(encoding="utf-8")
    result = cleaner.clean_text(text, doc_id="x")
    records = "".join(json.dumps({**r, "file": "f"}) + "\n" for r in result.audit_records())
    collector = ReportCollector()
    report = RunReport(collector, cleaner.Config.load())
    outcome = Outcome(output="# a Markdown rendering, say\n", audit=records, chars_in=len(result.normalized))
    report.document(Task("x", "text", text, "f"), outcome)
    data = build_data(collector, [])
    assert data["documents"][0]["text"] == result.normalized


def _synthetic(collector: ReportCollector, order: list[int]) -> None:
    for i in order:
        text = f"Story {i}. " * 50
        records = [{"rule": f"fam{i % 3}.r{i % 5}", "action": "remove", "start": 0, "end": 9, "text": text[:9],
                    "reason": "test"}] if i % 4 else []
        collector.add_document(DocumentEntry("corpus.jsonl", f"doc{i}", records, len(text), text=lambda t=text: t))
        if i % 97 == 0:
            collector.add_error({"doc": f"bad{i}", "file": "corpus.jsonl", "line": i, "reason": "broken"})


def test_samples_are_bounded_and_the_same_whatever_the_order() -> None:
    settings = ReportSettings(documents=20, outliers=3, samples_per_rule=5, keeps_per_rule=2, errors=4)
    n = 3000
    forward, backward = ReportCollector(settings), ReportCollector(settings)
    _synthetic(forward, list(range(n)))
    _synthetic(backward, list(reversed(range(n))))
    a, b = build_data(forward, []), build_data(backward, [])
    assert a["summary"] == b["summary"] and a["summary"]["documents"] == n
    assert [d["id"] for d in a["documents"]] == [d["id"] for d in b["documents"]]
    assert [r["samples"] for r in a["rules"]] == [r["samples"] for r in b["rules"]]
    assert a["errors"] == b["errors"] and len(a["errors"]["sample"]) == 4 and a["errors"]["count"] == 31
    rules = len(a["rules"])
    assert len(a["documents"]) <= 20 + 3 + rules * 5
    assert all(len(r["samples"]) == 5 for r in a["rules"])
    assert sum(a["histogram"]["bins"]) == n and a["histogram"]["bins"][0] == n // 4


def test_the_text_budget_bounds_the_page() -> None:
    settings = ReportSettings(documents=50, text_budget_chars=5_000, max_document_chars=400)
    collector = ReportCollector(settings)
    _synthetic(collector, list(range(500)))
    data = build_data(collector, [])
    shown = sum(len(d["text"]) for d in data["documents"])
    assert shown <= 5_000 and data["sampling"]["documents_not_shown"] > 0
    assert all(d["truncated"] and len(d["text"]) == 400 for d in data["documents"])


def test_the_page_is_self_contained_and_keeps_script_text_inert() -> None:
    collector = ReportCollector()
    text = "Title\n\n</script><script>alert(1)</script>\n\nBody."
    rec = {"rule": "site.ads", "action": "remove", "start": 7, "end": 47, "text": text[7:47], "reason": "<b>x</b>"}
    collector.add_document(DocumentEntry("f.txt", "f.txt", [rec], len(text), text=lambda: text))
    page = render_page(build_data(collector, []))
    assert page.count("</script>") == 2  # the data element's and the code's: none from the data
    assert read_data(page)["documents"][0]["text"] == text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing loaded from anywhere


def test_report_options_are_checked(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["--from-audit", str(tmp_path / "none.jsonl"), "--report", "r.html"])
    assert res.exit_code == 2
    audit = tmp_path / "a.jsonl"
    audit.write_text("", encoding="utf-8")
    assert runner.invoke(main, ["--from-audit", str(audit)]).exit_code == 2  # needs --report
    assert runner.invoke(main, [str(CORPUS), "--from-audit", str(audit), "--report", "r.html"]).exit_code == 2
    res = runner.invoke(main, [str(CORPUS), "-o", str(tmp_path / "o"), "--report", str(CORPUS / "r.html")])
    assert res.exit_code == 2 and "inside the input folder" in res.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[report]\ndocumentz = 3\n", encoding="utf-8")
    res = runner.invoke(main, [str(CORPUS), "-c", str(bad), "-o", str(tmp_path / "o"), "--report", "r.html"])
    assert res.exit_code == 2 and "documentz" in res.output


def test_from_audit_names_a_broken_audit_log(tmp_path: Path) -> None:
    audit = tmp_path / "a.jsonl.gz"
    audit.write_bytes(b"not gzip at all")
    done = _run("--from-audit", str(audit), "--report", str(tmp_path / "r.html"))
    assert done.returncode == 1 and f"{audit}: cannot read the audit log" in done.stderr
    lines = tmp_path / "b.jsonl"
    lines.write_text('{"doc": "x", "rule": "site.ads", "action": "remove", "start": 0, "end": 1, "text": "A"}\nhello\n')
    assert _run("--from-audit", str(lines), "--report", str(tmp_path / "r.html")).returncode == 0
    notes = read_data((tmp_path / "r.html").read_text(encoding="utf-8"))["meta"]["notes"]
    assert any("line 2" in n for n in notes)


# -- explain ----------------------------------------------------------------------------------------


def _unmark(shown: str) -> str:
    """The text an explanation shows, without its marks and notes: the normalised text again."""
    lines = [ln for ln in shown.split("\n")[:-2] if not ln.startswith("    ^ ")]
    return re.sub(r"\[-|-\](#\d+)?|\[\?|\?\](#\d+)?", "", "\n".join(lines))


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_explain_marks_every_removal_and_shows_the_text_whole(name: str) -> None:
    result = cleaner.clean_text((CORPUS / name).read_text(encoding="utf-8"))
    shown = explain(result)
    assert _unmark(shown) == result.normalized
    notes = [ln for ln in shown.splitlines() if ln.startswith("    ^ ")]
    assert len(notes) == len(result.removals) + len(result.notes)
    for r in result.removals:
        assert f"[-{r.text.strip()}" in shown.replace("-]", "")
        assert any(r.rule in n and r.reason in n for n in notes)
    assert f"{len(result.removals)} removals" in shown.splitlines()[-1] if result.removals else "nothing" in shown
    coloured = explain(result, colour=True)
    assert "[-" not in coloured and ("\x1b[" in coloured) == bool(result.removals or result.notes)
    plain_lines = [ln for ln in ANSI.sub("", coloured).split("\n")[:-2] if not ln.startswith("    ^ ")]
    assert "\n".join(plain_lines) == result.normalized


def test_explain_numbers_several_marks_on_one_line() -> None:
    result = cleaner.Result("a b c", [cleaner.Removal("x.one", 0, 2, "a ", "first"),
                                      cleaner.Removal("x.two", 4, 5, "c", "second")], "a b c")
    shown = explain(result)
    assert shown.splitlines()[:3] == ["[-a-]#1 b [-c-]#2", "    ^ #1 removed by x.one: first",
                                      "    ^ #2 removed by x.two: second"]


def test_explain_on_the_command_line(tmp_path: Path) -> None:
    doc = CORPUS / "000_f067d610a81d18b0.txt"
    done = _run("--explain", str(doc))
    assert done.returncode == 0 and "\x1b[" not in done.stdout  # a pipe: plain brackets
    assert "[-Subscribe to Breaking News emails-]" in done.stdout
    assert "    ^ removed by newsletter.prompt: starts with prompt phrase 'Subscribe to'" in done.stdout
    quiet = _run("--explain", str(doc), "--disable", "newsletter")
    assert "newsletter.prompt" not in quiet.stdout
    piped = subprocess.run([sys.executable, "-m", "cleaner.cli", "--explain", "-"], input=doc.read_text(),
                           capture_output=True, text=True)
    assert piped.stdout == done.stdout
    jsonl = tmp_path / "d.jsonl"
    lines = [json.dumps({"id": "one", "text": doc.read_text()}), json.dumps({"id": "two", "text": "Hi."})]
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    many = _run("--explain", str(jsonl))
    assert many.returncode == 0 and "== one ==" in many.stdout and "== two ==" in many.stdout
    missing = _run("--explain", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1 and "nope.txt" in missing.stderr and "Traceback" not in missing.stderr
    assert _run("--explain", str(doc), str(doc)).returncode == 2


def test_the_report_is_the_same_with_two_workers(corpus_run, tmp_path: Path) -> None:
    _, data, _ = corpus_run
    page = tmp_path / "r.html"
    done = _run(str(CORPUS), "-o", str(tmp_path / "out"), "-j", "2", "--report", str(page))
    assert done.returncode == 0, done.stderr
    again = read_data(page.read_text(encoding="utf-8"))
    for d in (data, again):
        d["meta"].pop("generated")
    assert again == data


def test_from_audit_of_a_summary_level_log_counts_without_spans(corpus_run, tmp_path: Path) -> None:
    _, run_data, _ = corpus_run
    out = tmp_path / "out"
    done = _run(str(CORPUS), "-o", str(out), "--audit-level", "summary")
    assert done.returncode == 0, done.stderr
    page = tmp_path / "r.html"
    assert _run("--from-audit", str(out / "audit.jsonl"), "--report", str(page)).returncode == 0
    data = read_data(page.read_text(encoding="utf-8"))
    keep = ("name", "removals", "keeps", "chars", "docs")
    assert [{k: r[k] for k in keep} for r in data["rules"]] == [{k: r[k] for k in keep} for r in run_data["rules"]]
    assert all(not r["samples"] for r in data["rules"])
    assert all(d["text"] is not None and not d["spans"] for d in data["documents"])
    assert any("--audit-level summary" in n for n in data["meta"]["notes"])
