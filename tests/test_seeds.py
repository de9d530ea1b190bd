"""The sample corpus: each seed document cleans to its expected body, paragraph for paragraph."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner
from tests.conftest import CORPUS, EXPECTED, paragraphs

SEEDS = sorted(p.name for p in CORPUS.glob("*.txt"))


def test_five_seeds_are_present() -> None:
    assert len(SEEDS) == 5
    assert all((EXPECTED / name).is_file() for name in SEEDS)


@pytest.mark.parametrize("name", SEEDS)
def test_seed_cleans_to_expected_body(name: str) -> None:
    result = cleaner.clean_text((CORPUS / name).read_text(encoding="utf-8"), doc_id=name)
    assert paragraphs(result.text) == paragraphs((EXPECTED / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SEEDS)
def test_every_removal_names_rule_and_reason(name: str) -> None:
    result = cleaner.clean_text((CORPUS / name).read_text(encoding="utf-8"))
    known = {r.name for r in cleaner.rules.all_rules()}
    raw = " ".join((CORPUS / name).read_text(encoding="utf-8").split())
    expected = " ".join((EXPECTED / name).read_text(encoding="utf-8").split())
    assert bool(result.removals) == (raw != expected)
    for r in result.removals:
        assert r.rule in known
        assert r.reason.strip()
        assert result.normalized[r.start : r.end] == r.text


def test_cli_cleans_the_corpus_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", str(CORPUS), "-o", str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    for name in SEEDS:
        got = (out / name).read_text(encoding="utf-8")
        assert paragraphs(got) == paragraphs((EXPECTED / name).read_text(encoding="utf-8"))
    records = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["doc"] for r in records} == set(SEEDS) - {"003_43c64f3051b9fdc2.txt"}  # 003 is clean already
    assert all(r["rule"] and r["reason"] for r in records)
    assert "cleaned 5 documents" in proc.stderr


def test_quotes_shared_across_the_cluster_are_kept() -> None:
    quote = "Syria is a complex situation with various military forces"
    for name in SEEDS:
        text = (CORPUS / name).read_text(encoding="utf-8")
        if quote in text:
            assert quote in cleaner.clean_text(text).text
