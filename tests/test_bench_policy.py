"""The bench's policy split (bench/policy.py, bench/policy.toml): which removed gold text is a policy disagreement."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.rules import all_rules
from tests.conftest import load_bench

policy = load_bench("policy")


def test_every_tagged_rule_exists_and_datasets_keep_declared_families() -> None:
    pol = policy.Policy.load()
    names = {r.name for r in all_rules()}
    assert set(pol.family_of) <= names, set(pol.family_of) - names
    assert pol.family("comments.section") == "comments"
    assert pol.family("body.detector") == ""  # no policy family: what it removes from the gold is article text
    assert pol.disagrees("cleaneval-dev", "comments.section")
    assert not pol.disagrees("aeb-dev", "comments.section")  # aeb-dev's gold keeps no policy family
    assert not pol.disagrees("cleaneval-dev", "body.detector")


def test_split_counts_policy_and_article_apart_and_keeps_the_raw_figure() -> None:
    s = policy.Split()
    s.add(1000, 300, policy=True)
    s.add(1000, 100, policy=False)
    assert (s.chars, s.policy, s.article) == (2000, 300, 100)
    assert s.raw_precision == pytest.approx(0.8)
    assert s.article_precision == pytest.approx(0.95)
    assert policy.Split().raw_precision == 1.0


def test_a_dataset_keeping_an_unknown_family_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('[families.comments]\nrules = ["comments.section"]\n[datasets.x]\nkeeps = ["coments"]\n')
    with pytest.raises(ValueError, match="coments"):
        policy.Policy.load(path)


def test_html_rule_table_counts_a_rules_removed_gold_text_and_sets_policy_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    import cleaner

    monkeypatch.setattr(sys, "path", list(sys.path))  # the bench module puts bench/ first on the path
    html_bench = load_bench("html_bench")
    story = " ".join(["The council met on Monday to discuss the plan for the roads and the schools of the town."] * 3)
    caption = "The mayor speaks to reporters outside the town hall on Monday evening."
    page = (f"<html><body><article><h1>Council approves the road plan</h1><p>{story}</p><figure><img src='a.jpg'>"
            f"<figcaption>{caption}</figcaption></figure><p>{story}</p></article></body></html>")
    result = cleaner.clean_html(page)
    assert caption not in result.text
    tallies = html_bench.rule_tallies({"p": result}, {"p": f"Council approves the road plan\n{story}\n{caption}"})
    caption_chars = sum(len(w) for w in caption.replace(".", "").split())
    assert tallies["dom.figure_caption"].chars == tallies["dom.figure_caption"].lost == caption_chars
    lines = html_bench.rule_table({"aeb-dev": {html_bench.OURS: {"rules": tallies}},
                                   "dragnet-dev": {html_bench.OURS: {"rules": tallies}}})
    row = next(line for line in lines if line.startswith("dom.figure_caption"))
    # all of it is gold: article text lost for aeb-dev's gold, a policy disagreement for Dragnet's (it keeps credits)
    assert row.split()[1:] == ["0.00", "/", "0.00", "(0.1k)", "0.00", "/", "1.00", "(0.1k)"]


def test_text_bench_cleans_every_page_of_a_dataset_with_that_datasets_models() -> None:
    """The rows "without the dataset" clean each page with its dataset's overrides, whatever the page's fold."""
    text_bench, devdata = load_bench("text_bench"), load_bench("devdata")
    aeb = devdata.load(["aeb-dev"])
    off = {"rules": {"body.detector": {"page": "article"}}}  # the detector never runs: a visible difference
    by_dataset = text_bench.run(aeb, ["fulltext"], folds="held-out", workers=1, dataset_config={"aeb-dev": off})
    by_fold = text_bench.run(aeb, ["fulltext"], folds="held-out", workers=1,
                             fold_config=dict.fromkeys(range(devdata.FOLDS), off))
    shipped = text_bench.run(aeb, ["fulltext"], folds="held-out", workers=1)
    key = ("aeb-dev", "fulltext")
    assert by_dataset[key]["cleaned"] == by_fold[key]["cleaned"]
    assert by_dataset[key]["after"]["f1"] < shipped[key]["after"]["f1"]
