"""The engine: normalisation, segmentation, overlap resolution, accounting, configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cleaner
from cleaner.config import Config, ConfigError
from cleaner.document import Document, split_sentences
from cleaner.normalize import normalize
from cleaner.phrases import PhraseList
from cleaner.pipeline import Cleaner, _settle_whitespace, render
from cleaner.rules import Rule, RuleContext
from tests.conftest import ROOT


def test_normalize_repairs_and_canonicalises() -> None:
    raw = "  Caf\u00c3\u00a9 &amp; bar\u00a0\u00a0here \r\n\r\n\r\n\tNext\u200b line  \n"
    assert normalize(raw) == "Café & bar here\n\nNext line"


def test_normalize_is_idempotent() -> None:
    raw = "A\u2028B\u2029C\n\n\n\nD \t E"
    once = normalize(raw)
    assert normalize(once) == once


def test_lines_and_paragraphs_keep_offsets() -> None:
    doc = Document("Title\n\nFirst line\nsecond line\n\nLast")
    assert [ln.text for ln in doc.lines] == ["Title", "First line", "second line", "Last"]
    assert [ln.paragraph for ln in doc.lines] == [0, 1, 1, 2]
    for ln in doc.lines:
        assert doc.text[ln.start : ln.end] == ln.text
    assert [p.text for p in doc.paragraphs][1] == "First line\nsecond line"


def test_sentence_splitter_skips_abbreviations() -> None:
    text = "Lt. Col. Rick Francona said it. U.S. officials agreed! Then came 5 p.m. news."
    spans = split_sentences(text, 10)
    assert [s.text for s in spans] == [
        "Lt. Col. Rick Francona said it.",
        "U.S. officials agreed!",
        "Then came 5 p.m. news.",
    ]
    assert all(text[s.start - 10 : s.end - 10] == s.text for s in spans)


@pytest.mark.parametrize(
    ("text", "cut", "expected"),
    [
        ("A\n\nB\n\nC", "B", "A\n\nC"),
        ("A\n\nB", "B", "A"),
        ("A\n\nB", "A", "B"),
        ("L1\nL2\n\nP2", "L2", "L1\n\nP2"),
        ("S1. S2. S3.", "S2.", "S1. S3."),
        ("S1. S2.\n\nP", "S2.", "S1.\n\nP"),
    ],
)
def test_removing_a_span_leaves_canonical_text(text: str, cut: str, expected: str) -> None:
    doc = Document(text)
    start = text.index(cut)
    doc.remove("test.rule", start, start + len(cut), "test")
    removals = _settle_whitespace(doc.text, doc.records)
    assert render(doc.text, removals) == expected
    assert cleaner.rebuild(expected, removals) == text


def test_overlapping_decisions_go_to_the_first_rule() -> None:
    doc = Document("one two three four")
    doc.remove("a.first", 4, 13, "first")
    doc.remove("b.second", 0, 18, "second")
    rules = sorted((r.start, r.rule) for r in doc.records)
    assert rules == [(0, "b.second"), (4, "a.first"), (14, "b.second")]
    assert not doc.live_text(0, 18).strip()  # only the separating spaces are left unassigned


def test_clean_text_accounts_for_every_character() -> None:
    text = "Headline\n\nBy Jane Doe\n\nBody text that matters here, said one.\n\nAdvertisement\n\nMore body text."
    result = cleaner.clean_text(text)
    assert cleaner.rebuild(result.text, result.removals) == result.normalized
    assert "By Jane Doe" not in result.text and "Advertisement" not in result.text


def test_rules_can_be_switched_off_by_name_and_family() -> None:
    text = "Body text of the article, said one.\n\nAdvertisement\n\nBy Jane Doe"
    off = Config.load(disable=["site.ads", "byline"])
    result = cleaner.clean_text(text, config=off)
    assert "Advertisement" in result.text and "By Jane Doe" in result.text
    assert "Advertisement" not in cleaner.clean_text(text).text


def test_config_file_sets_thresholds_and_phrases(tmp_path: Path) -> None:
    extra = tmp_path / "mine.txt"
    extra.write_text("# my prompts\njoin the club\n", encoding="utf-8")
    cfg_file = tmp_path / "cfg.toml"
    cfg_file.write_text(
        '[rules."dedup.exact"]\nmin_words = 2\n\n[phrases.newsletter_start]\nadd = ["psst"]\nfiles = ["mine.txt"]\n',
        encoding="utf-8",
    )
    cfg = Config.load(cfg_file)
    text = "Body of the article, said one.\n\nPsst, tell your friends\n\nJoin the club today\n\nTwo words\n\nTwo words"
    result = cleaner.clean_text(text, config=cfg)
    assert result.text == "Body of the article, said one.\n\nTwo words"


def test_unknown_rule_names_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown rule"):
        Config.load(disable=["no.such_rule"])
    bad = tmp_path / "bad.toml"
    bad.write_text('[rules."nope.nothing"]\nenabled = false\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"nope\.nothing"):
        Config.load(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[rules\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Config.load(broken)


def test_phrase_list_entries() -> None:
    pl = PhraseList("t", ("sign up", "re:\\d+ = very likely", "©"))
    assert pl.match("Sign  up now")
    assert not pl.match("Resign up")
    assert pl.fullmatch("10 = Very likely")
    assert pl.endswith("Photo ©")


def test_every_rule_has_name_description_and_switch() -> None:
    rules = cleaner.rules.all_rules()
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert "." in r.name and r.description.endswith(".")
        cfg = Config.load(disable=[r.name])
        assert not cfg.rule_enabled(r)


def test_the_engine_imports_no_rule_module() -> None:
    """One-way boundary: rule packages import the engine, never the reverse (they are listed in settings)."""
    import ast

    from cleaner.rules import rule_packages

    root = Path(cleaner.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in rule_packages(), f"{path.name} imports {name}"


def test_local_rules_judge_a_line_by_its_text_alone() -> None:
    """``local=True`` is what lets a later pass skip a rule (see ``Cleaner.run_to_fixpoint``): a local rule must
    give each line of a document the verdicts it gives that line as a document of its own."""
    inputs = ROOT / "bench" / "data" / "aeb-dev" / "inputs"
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    for name in ("fulltext", "trafilatura"):
        texts += [t for t in json.loads((inputs / f"{name}.json").read_text(encoding="utf-8")).values() if t][:25]
    engine = Cleaner()
    rules = [r for r in engine.text_rules if r.local and r.kind == "text"]
    assert len(rules) > 10

    def verdicts(rule: Rule, doc: Document) -> set[tuple[str, int, int, str]]:
        """Each decision as (its line's text, start and end in that line, action)."""
        ctx = RuleContext(rule, engine.params[rule.name], engine.phrases_for(), engine.config, None, {})
        found = set()
        for d in rule.func(doc, ctx) or ():
            line = next(ln for ln in doc.lines if ln.start <= d.start and d.end <= ln.end)
            found.add((line.text, d.start - line.start, d.end - line.start, d.action))
        return found

    for text in texts:
        doc = engine.make_document(text)
        for rule in rules:
            alone = set().union(*(verdicts(rule, Document(ln.text, language="en")) for ln in doc.lines))
            assert verdicts(rule, Document(doc.text, language="en")) == alone, rule.name
