"""The corpus-level rule: site boilerplate learned across documents, news quotes kept."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.config import Config
from cleaner.corpus import (
    CorpusCounter,
    CountMinSketch,
    HeavyHitters,
    document_keys,
    letter_mark,
    line_key,
    mark_of_key,
    sketch_cells,
    source_of,
)
from cleaner.settings import CorpusSettings
from tests.conftest import CORPUS, EXPECTED

SEEDS = sorted(p.name for p in CORPUS.glob("*.txt"))
# Quotes that several seed documents share (a news cluster quotes the same people): content.
SHARED_QUOTES = [
    "Syria is a complex situation with various military forces",
    "The coalition airstrike was halted immediately",
    "The coalition will review this strike",
    "uniquely cynical and hypocritical",
    "Coalition forces believed they were striking",
]
SYRIA_LINE = next(
    ln for ln in (CORPUS / SEEDS[0]).read_text(encoding="utf-8").splitlines() if "Syria is a complex" in ln
)

SITE_A = "dailyplanet.example"
SITE_B = "eveningpost.example"
PROMO_A = ["Get the Daily Planet app", "Planet Plus members read free", "Tips? Call the desk at 555 0100"]
PROMO_B = [  # a heading and a promo that reads like a sentence: only repetition tells they are boilerplate
    "The Evening Dispatch",
    "Our reporters bring you the stories that matter most, every weekday morning at six.",
]
WORDS = [
    "the", "council", "met", "on", "monday", "to", "discuss", "a", "plan", "for", "roads", "schools", "and",
    "water", "while", "residents", "asked", "officials", "about", "taxes", "budgets", "flooding", "repairs",
    "new", "housing", "near", "river", "old", "mill",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 22))]
    return " ".join(words).capitalize() + "."


def _page(rng: random.Random, promo: list[str], quote: str | None) -> str:
    body = [" ".join(_sentence(rng) for _ in range(3)) for _ in range(5)]
    if quote:
        body.insert(2, quote)
    return "\n\n".join([promo[0], *body[:3], *promo[1:], *body[3:]])


def build_corpus(root: Path, n: int = 60, quote_docs: int = 56) -> tuple[Path, list[dict]]:
    """Seeds (one folder) plus ``n`` synthetic pages of each of two sites (a JSONL file).

    Site A also reports the seeds' event: ``quote_docs`` of its pages quote
    the seeds' shared Syria line (a quote shared across sources).
    """
    rng = random.Random(5)
    (root / "seeds").mkdir(parents=True)
    for name in SEEDS:
        shutil.copy(CORPUS / name, root / "seeds" / name)
    records = []
    for i in range(n):
        quote = SYRIA_LINE if i < quote_docs else None
        records.append({"id": f"a{i}", "url": f"https://www.{SITE_A}/news/{i}", "text": _page(rng, PROMO_A, quote)})
        records.append({"id": f"b{i}", "url": f"https://{SITE_B}/world/{i}", "text": _page(rng, PROMO_B, None)})
    with (root / "sites.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")
    return root, records


# -- counting structures ---------------------------------------------------------------


def test_heavy_hitters_keep_frequent_keys_within_budget() -> None:
    table = HeavyHitters(capacity=50)
    for doc in range(400):
        table.add(1)  # boilerplate: every document
        if doc % 2:
            table.add(2)  # every other document
        for k in range(10):
            table.add(1000 + doc * 10 + k)  # unique lines
        assert len(table.counts) <= 100
    assert table.get(1) == 400 and table.get(2) == 200
    assert table.pruned > 0


def test_heavy_hitters_add_counts_is_adding_one_by_one() -> None:
    rng = random.Random(3)
    items = [(rng.randrange(60), rng.randint(1, 3)) for _ in range(500)]
    bulk, single = HeavyHitters(10), HeavyHitters(10)
    bulk.add_counts(items)
    for key, n in items:
        single.add(key, n)
    assert bulk.counts == single.counts and bulk.pruned == single.pruned > 0


def test_count_min_sketch_never_underestimates() -> None:
    sketch = CountMinSketch(width=64, depth=3)
    truth: dict[int, int] = {}
    rng = random.Random(1)
    for _ in range(2000):
        key = rng.getrandbits(64)
        truth[key] = truth.get(key, 0) + 1
        sketch.add(key)
    assert all(sketch.estimate(k) >= n for k, n in truth.items())


@pytest.mark.parametrize("depth", [3, 4])  # the default depth has a loop of its own
def test_count_min_sketch_batch_update_is_one_conservative_update_at_a_time(depth: int) -> None:
    rng = random.Random(depth)
    keys = [rng.getrandbits(64) for _ in range(300)]
    items = [(rng.choice(keys), rng.randint(1, 4)) for _ in range(2000)]
    sketch = CountMinSketch(width=64, depth=depth)
    sketch.add_cells([(sketch_cells(k, sketch.shape), n) for k, n in items])
    rows = [[0] * 64 for _ in range(depth)]
    for key, n in items:
        cells = sketch_cells(key, (64, depth))
        for _ in range(n):  # one occurrence: every cell of the key up to the estimate plus one
            estimate = min(row[c] for row, c in zip(rows, cells, strict=True))
            for row, c in zip(rows, cells, strict=True):
                row[c] = max(row[c], estimate + 1)
    assert [list(row) for row in sketch.rows] == rows


def test_merged_sketches_never_underestimate_and_saturate() -> None:
    rng = random.Random(2)
    parts = [CountMinSketch(width=32, depth=4) for _ in range(3)]
    truth: dict[int, int] = {}
    for part in parts:
        for _ in range(300):
            key = rng.getrandbits(64)
            truth[key] = truth.get(key, 0) + 1
            part.add(key)
    merged = parts[0]
    for part in parts[1:]:
        merged.merge(part)
    assert all(merged.estimate(k) >= n for k, n in truth.items())
    full = CountMinSketch(width=32, depth=4)
    full.add(7, CountMinSketch._MAX)
    full.merge(parts[1])
    assert full.estimate(7) == CountMinSketch._MAX
    with pytest.raises(ValueError, match="cannot merge"):
        full.merge(CountMinSketch(width=16, depth=4))


def test_counters_of_parts_merge_into_the_counter_of_the_whole(tmp_path: Path) -> None:
    _, records = build_corpus(tmp_path)
    docs = [(source_of(rec, None, "sites.jsonl"), rec["text"]) for rec in records]
    docs += [("seeds", (CORPUS / n).read_text(encoding="utf-8")) for n in SEEDS]
    whole = CorpusCounter()
    parts = [CorpusCounter() for _ in range(3)]
    for i, (source, text) in enumerate(docs):
        whole.add_text(source, text)
        parts[i % 3].add_text(source, text)
    merged = parts[0]
    for part in parts[1:]:
        merged.merge(part)
    assert merged.documents == whole.documents
    assert merged.freeze(2, 0.3) == whole.freeze(2, 0.3)  # no table filled up: exactly the same model


def test_merging_full_tables_only_undercounts() -> None:
    rng = random.Random(4)
    parts = [CorpusCounter(CorpusSettings(capacity=8, max_sources=2)) for _ in range(2)]
    truth: dict[tuple[str, int], int] = {}
    for i in range(400):
        source = f"site{i % 3}"
        keys = {1, 2, *(rng.randrange(3, 200) for _ in range(6))}
        for key in keys:
            truth[source, key] = truth.get((source, key), 0) + 1
        parts[i % 2].add_keys(source, keys)
    judged_in_both = {s for s, stats in parts[0].sources.items() if stats.lines and parts[1].sources[s].lines}
    parts[0].merge(parts[1])
    merged = parts[0]
    assert merged.documents == 400 and len(merged.sources) == 3
    judged = {s for s, stats in merged.sources.items() if stats.lines is not None}
    assert len(judged) == 2 and judged_in_both & judged  # max_sources holds after a merge too
    for source in judged:
        table = merged.sources[source].lines
        assert table is not None and len(table.counts) <= 16
        assert all(n <= truth[source, key] for key, n in table.counts.items())  # lower bounds
        assert table.get(1) == table.get(2) > 0  # lines in every document survive the prunes
        if source in judged_in_both:
            assert table.get(1) == truth[source, 1]


def test_document_keys_are_the_keys_of_the_lines_the_rules_see() -> None:
    from cleaner.document import Document
    from cleaner.normalize import normalize

    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = Document(normalize(text)).lines
        assert document_keys(text) == {line_key(ln.text) for ln in lines} - {None}


def test_line_keys_follow_normalisation_and_fold_digits() -> None:
    assert line_key("Updated 3:45 PM") == line_key("updated  9:10 pm")
    assert line_key("Breaking News Emails") != line_key("Breaking News")
    assert line_key("***") is None
    sentence = line_key("The council met on Monday to discuss a plan for the roads.")
    assert sentence is not None and sentence & 1  # sentence-like lines carry the flag
    assert len(document_keys("A line here\n\nA line here\n\nOther")) == 2


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aZk 1_.-\u00e9\u00c9\u00df\u1e9e\u212a\u0130\ufb01\u017f\u0661\u2019\u03a3\u4e2d",
               max_size=40))
def test_a_key_holds_the_letter_mark_of_every_line_it_keys(text: str) -> None:
    """The rule skips a line whose letter mark no candidate key holds: that is exact only when every line's key
    holds the line's own mark (case folding that makes ASCII letters, "ß" to "ss" or the Kelvin sign to "k",
    included)."""
    key = line_key(text)
    if key is not None:
        assert mark_of_key(key) == letter_mark(text)


def test_lines_of_one_key_share_their_letter_mark() -> None:
    """Lines case folding or digits tell apart share a key and a mark; so does every line of the seeds."""
    pairs = [("Straße 12", "STRASSE 7"), ("\u212aelvin", "kelvin"), ("\ufb01le", "FILE"), ("At 3:45", "at 9:10")]
    for a, b in pairs:
        assert line_key(a) == line_key(b) and letter_mark(a) == letter_mark(b)
    for path in sorted(CORPUS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").split("\n"):
            key = line_key(line)
            assert key is None or mark_of_key(key) == letter_mark(line)


@pytest.mark.parametrize(
    ("record", "url", "path", "expected"),
    [
        ({"source": "Reuters"}, None, "x.jsonl", "reuters"),
        ({"url": "https://www.NBCNews.com:443/a/b"}, None, "x.jsonl", "nbcnews.com"),
        ({}, None, "in/x.jsonl", "in/x.jsonl"),
        (None, "http://www.cnn.com/x", "pages/a.html", "cnn.com"),
        (None, None, "corpus/a.txt", "corpus"),
    ],
)
def test_source_of(record: dict | None, url: str | None, path: str, expected: str) -> None:
    assert source_of(record, url, path) == expected


# -- the rule ---------------------------------------------------------------------------


def _model(records: list[dict], seed_texts: dict[str, str], config: Config) -> cleaner.Cleaner:
    seeds = [{"text": text, "source": "seeds"} for text in seed_texts.values()]
    return cleaner.Cleaner(config, corpus=cleaner.learn_corpus([*records, *seeds], config))


def test_rule_removes_site_promos_and_keeps_cross_source_quote(tmp_path: Path) -> None:
    _, records = build_corpus(tmp_path)
    seeds = {n: (CORPUS / n).read_text(encoding="utf-8") for n in SEEDS}
    cln = _model(records, seeds, Config.load())
    for rec in records:
        result = cln.clean_text(rec["text"], source=cleaner.record_source(rec))
        promos = PROMO_A if rec["id"].startswith("a") else PROMO_B
        for promo in promos:
            assert promo not in result.text, (rec["id"], promo)
        if SYRIA_LINE in rec["text"]:
            assert SYRIA_LINE in result.text  # 56 of 60 documents of site A, but also in the seeds' source
        corpus_removals = [r for r in result.removals if r.rule == "corpus.repeated_line"]
        assert {r.text.strip() for r in corpus_removals} | {r.text.strip() for r in result.removals} >= set(promos)
        assert {r.text.strip() for r in corpus_removals} <= set(promos)
        assert all(" documents of " in r.reason for r in corpus_removals)
    reasons = {r.reason for r in cln.clean_text(records[1]["text"], meta={"source": SITE_B}).removals}
    assert "in 60 of 60 documents of eveningpost.example; sentence-like, in no other source" in reasons


def test_seeds_as_one_source_keep_every_shared_quote() -> None:
    """Even with the ordinary bar lowered to 2 documents, the five seeds keep their shared quotes."""
    bars = {"min_docs": 2, "min_share": 0.3}
    config = Config.load(overrides={"corpus": bars, "rules": {"corpus.repeated_line": bars}})
    seeds = {n: (CORPUS / n).read_text(encoding="utf-8") for n in SEEDS}
    cln = _model([], seeds, config)
    notes = []
    for name, text in seeds.items():
        result = cln.clean_text(text, meta={"source": "seeds"})
        expected = (EXPECTED / name).read_text(encoding="utf-8")
        for quote in SHARED_QUOTES:
            if quote in expected:
                assert quote in result.text, (name, quote)
        assert not [r for r in result.removals if r.rule == "corpus.repeated_line"]
        notes += [n for n in result.notes if n.rule == "corpus.repeated_line"]
    assert notes and all("reads like a sentence of reporting" in n.reason for n in notes)


def test_rule_is_skipped_without_a_corpus() -> None:
    text = "The Evening Dispatch\n\nBody text of the article, said one."
    assert "The Evening Dispatch" in cleaner.clean_text(text, meta={"source": SITE_B}).text


def test_cli_corpus_pass_on_seeds_and_sites(tmp_path: Path) -> None:
    root, records = build_corpus(tmp_path / "in")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "cleaner.cli", str(root), "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "corpus pass: 125 documents of 3 sources" in proc.stderr
    cleaned = [json.loads(line) for line in (out / "sites.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in cleaned] == [r["id"] for r in records]
    for rec in cleaned:
        assert not any(p in rec["text"] for p in PROMO_A + PROMO_B)
    assert sum(SYRIA_LINE in r["text"] for r in cleaned) == 56
    for name in SEEDS:  # the seeds clean exactly as alone: too few documents to judge their source
        got = (out / "seeds" / name).read_text(encoding="utf-8")
        assert got.strip() == cleaner.clean_text((CORPUS / name).read_text(encoding="utf-8")).text.strip()
    audit = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    corpus_records = [r for r in audit if r["rule"] == "corpus.repeated_line" and r["action"] == "remove"]
    assert len(corpus_records) == 60 * (len(PROMO_A) + len(PROMO_B))
    assert any(r["reason"].startswith("in 60 of 60 documents of dailyplanet.example") for r in corpus_records)

    plain = tmp_path / "plain"
    proc = subprocess.run([*cmd[:-1], str(plain), "--no-corpus-pass"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Planet Plus members read free" in (plain / "sites.jsonl").read_text(encoding="utf-8")


def test_counter_memory_is_bounded_by_its_budget() -> None:
    counter = CorpusCounter(CorpusSettings(capacity=8, max_sources=3, sketch_width=64, sketch_depth=2))
    for doc in range(300):
        source = f"site{doc % 5}"
        counter.add_keys(source, {2 * (doc * 100 + k) for k in range(20)} | {2 * 7})
    tables = [s.lines for s in counter.sources.values() if s.lines is not None]
    assert len(tables) == 3 and counter.unjudged_sources == 2  # sources past the cap are counted, not judged
    assert all(len(t.counts) <= 16 for t in tables)
    assert all(t.get(14) == 60 for t in tables)  # the line every document holds survives every prune
    model = counter.freeze(min_docs=10, min_share=0.5)
    assert model.lookup("site0", 14)[1] is not None and model.lookup("site4", 14) == (60, None)
