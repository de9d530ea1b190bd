"""Parquet in and out (the parquet extra): every other column kept, types included, rows in order."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner
from tests.conftest import CORPUS
from tests.test_cli_formats import PAGE

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]


def clean(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, text=True)


def test_parquet_rows_are_cleaned_and_every_column_kept(tmp_path: Path) -> None:
    when = [datetime.datetime(2024, 1, i + 1) for i in range(len(TEXTS))]
    table = pa.table({"id": list(range(len(TEXTS))), "text": TEXTS, "when": when, "blob": [b"\x00\xff"] * len(TEXTS)})
    src = tmp_path / "docs.parquet"
    pq.write_table(table, src)
    run = clean(str(src), "-o", str(tmp_path / "out"), "--add-stats")
    assert run.returncode == 0, run.stderr
    out = pq.read_table(tmp_path / "out" / "docs.parquet")
    assert out.schema.field("when").type == pa.timestamp("us") and out.schema.field("blob").type == pa.binary()
    assert out.column_names == ["id", "text", "when", "blob", "removed_chars", "lang"]  # no metadata: no pages
    assert out["id"].to_pylist() == list(range(len(TEXTS))) and out["when"].to_pylist() == when
    assert out["text"].to_pylist() == [cleaner.clean_text(t).text for t in TEXTS]
    assert out["removed_chars"].to_pylist()[0] == sum(len(r.text) for r in cleaner.clean_text(TEXTS[0]).removals)
    audit = [json.loads(line) for line in (tmp_path / "out" / "audit.jsonl").read_text().splitlines()]
    assert {r["doc"] for r in audit} <= {str(i) for i in range(len(TEXTS))}


def test_parquet_pages_get_text_and_metadata_and_bad_rows_fail_alone(tmp_path: Path) -> None:
    table = pa.table({"url": ["https://x.example/a", None, "https://x.example/c"], "html": [PAGE, None, PAGE]})
    src = tmp_path / "pages.parquet"
    pq.write_table(table, src)
    run = clean(str(src), "-o", str(tmp_path / "out"))
    assert run.returncode == 1 and f"{src}:2: no string 'text' or 'html' field" in run.stderr
    out = pq.read_table(tmp_path / "out" / "pages.parquet").to_pylist()
    assert [r["url"] for r in out] == ["https://x.example/a", "https://x.example/c"]
    assert out[0]["text"] == cleaner.clean_html(PAGE, url="https://x.example/a").text
    assert out[0]["metadata"]["title"] == "Council approves the plan"
    stdout = clean(str(src), "-o", "-", "--output-format", "markdown")  # rows to stdout: JSON lines
    first = json.loads(stdout.stdout.splitlines()[0])
    assert first["text"].startswith("# Council approves the plan")


def test_input_format_parquet_reads_a_file_by_any_name(tmp_path: Path) -> None:
    src = tmp_path / "export"
    pq.write_table(pa.table({"text": TEXTS[:2]}), src)
    run = clean(str(src), "--input-format", "parquet", "-o", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    texts = pq.read_table(tmp_path / "out" / "export")["text"].to_pylist()
    assert texts == [cleaner.clean_text(t).text for t in TEXTS[:2]]
