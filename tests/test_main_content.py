"""Main content of HTML pages: readability's view on our tree, the block features, the learned decision.

The pages are small and hand-written in the shape of real ones (a menu, an
article, a sidebar of links, a comment box, a footer); what is checked is
behaviour: which elements readability picks, what the features say about a
block, what the model keeps and why, and that the training script fits a
usable model on the repository's own labelled pages.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

import cleaner
from cleaner.config import Config, ConfigError
from cleaner.html import views
from cleaner.html.alignment import tokens
from cleaner.html.blocks import visible_blocks
from cleaner.html.features import FEATURES, PageFeatures, block_features, title_block
from cleaner.html.main_content import (
    MODEL,
    OUTSIDE_ARTICLE,
    decide,
    load_first,
    load_model,
    unsure_share,
    without_trafilatura,
)
from cleaner.html.parsing import page_text, parse
from cleaner.html.readability import find_article
from cleaner.html.readability.measure import MAYBE_CANDIDATE, NEGATIVE, POSITIVE, UNLIKELY
from cleaner.html.trees import TreeModel
from cleaner.model import ModelError
from cleaner.settings import HtmlSettings

ROOT = Path(__file__).resolve().parent.parent

STORY = [
    "The harbour authority said on Monday that the new ferry terminal would open in the spring, after two "
    "years of delays caused by flooding, a shortage of steel and a dispute with the main contractor.",
    "Passengers will be able to board from a covered walkway, and the waiting hall, which seats four hundred "
    "people, has been designed to stay open through the night during the busy summer months.",
    "Local businesses welcomed the news, although several owners said that the long works had cost them "
    "customers, and that they hoped the council would consider a reduction in rates for the coming year.",
    "The terminal is expected to handle more than a million passengers a year once the second berth, now "
    "under construction, is finished, according to figures published by the authority in its annual report.",
]
MENU = ["Home", "News", "Weather", "Sport", "Contact us"]
SIDEBAR = ["Most read: Storm closes coastal road", "Most read: Bakery wins national prize",
           "Most read: School roof repaired", "Most read: Council tax rise approved"]
COMMENT = "Great news, about time they finished it!"
FOOTER = "Copyright 2025 The Harbour Gazette. All rights reserved. Privacy policy. Terms of use."


def story_page(*, article_tag: str = "article", sidebar_first: bool = False) -> str:
    """A news page: menu, headline, story in an article element, sidebar of links, a comment, a footer."""
    menu = "".join(f'<li><a href="/{n}">{m}</a></li>' for n, m in enumerate(MENU))
    side = "".join(f'<li><a href="/s{n}">{s}</a></li>' for n, s in enumerate(SIDEBAR))
    paras = "".join(f"<p>{p}</p>" for p in STORY)
    sidebar = f'<aside class="sidebar"><h3>Most read</h3><ul>{side}</ul></aside>'
    story = (f'<{article_tag} class="story"><h1>New ferry terminal to open in spring</h1>'
             f'<div class="story-body">{paras}</div></{article_tag}>')
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>New ferry terminal to open in spring | The Harbour Gazette</title></head><body>
<header><nav class="menu"><ul>{menu}</ul></nav></header>
<div id="page">{sidebar if sidebar_first else ""}{story}{"" if sidebar_first else sidebar}
<div class="comments"><p class="comment">{COMMENT}</p></div></div>
<footer class="site-footer"><p>{FOOTER}</p></footer></body></html>"""


def _tree(html: str):  # an lxml element
    return parse(page_text(html.encode("utf-8"), None)[0])


@pytest.fixture(scope="module")
def full() -> cleaner.Cleaner:
    return cleaner.Cleaner(Config.load())


# -- readability's view -----------------------------------------------------------


@pytest.mark.parametrize("sidebar_first", [False, True])
def test_readability_finds_the_story_container_wherever_the_sidebar_is(sidebar_first: bool) -> None:
    tree = _tree(story_page(sidebar_first=sidebar_first))
    article = find_article(tree)
    _, blocks = visible_blocks(tree, {})
    state = {b.text: article.state(b.element) for b in blocks}
    assert all(state[p] == 1 for p in STORY)
    assert all(state[m] != 1 for m in MENU)
    assert all(state[s] != 1 for s in SIDEBAR)
    assert state[FOOTER] != 1
    assert state[COMMENT] != 1  # a comment box is an unlikely candidate: left out with its content
    # the best container scores 1 against itself; the menu's nothing
    assert article.container_score(article.best) == 1.0
    menu_block = next(b for b in blocks if b.text == MENU[0])
    assert article.container_score(menu_block.element) <= 0.0


@pytest.mark.parametrize("value", [
    "story-body", "Story-Body", "SIDEBAR widget", "ad-break", "AD-BREAK", "footnote", "post_content main",
    "", "comm-ent", "é-article", "Üntertitel sidebar", "artıcle",
    # letters re.I matches with an ASCII one: the Kelvin sign (k), the long s, the dotted capital I
    "ad-brea\u212a", "tag\u017f", "\u017fidebar", "art\u0130cle",
])
def test_readability_word_lists_answer_as_their_case_insensitive_patterns(value: str) -> None:
    for words in (UNLIKELY, MAYBE_CANDIDATE, POSITIVE, NEGATIVE):
        assert words.search(value) == bool(re.search(words.pattern, value, re.I)), (words.pattern, value)


def test_readability_on_a_page_without_text_finds_no_article_and_does_not_fail() -> None:
    article = find_article(_tree("<html><body><div><a href='/'>Home</a></div></body></html>"))
    assert article.chars() < 20
    assert article.best is None


def test_readability_keeps_a_long_paragraph_sibling_and_drops_a_link_list_sibling() -> None:
    """Siblings of the best container join it when they read like text, not when they are link lists."""
    paras = "".join(f"<p>{p}</p>" for p in STORY[:3])
    sibling = f"<p>{STORY[3]}</p>"
    links = "".join(f'<a href="/l{n}">{s}</a> ' for n, s in enumerate(SIDEBAR))
    html = (f'<html><body><div id="wrap"><div class="text">{paras}</div>{sibling}<p>{links}</p></div>'
            "</body></html>")
    tree = _tree(html)
    article = find_article(tree)
    _, blocks = visible_blocks(tree, {})
    state = {b.text: article.state(b.element) for b in blocks}
    assert state[STORY[3]] == 1
    assert all(state[t] == 1 for t in STORY[:3])
    assert next(s for t, s in state.items() if SIDEBAR[0] in t) != 1


# -- block features -------------------------------------------------------------------


def test_features_describe_text_links_context_and_title(full: cleaner.Cleaner) -> None:
    blocks, page_views = views(story_page(), cleaner=full)
    assert page_views is not None
    rows = block_features(blocks, page_views)
    assert all(len(row) == len(FEATURES) for row in rows)
    assert all(math.isfinite(v) for row in rows for v in row)
    by_text = {b.text: dict(zip(FEATURES, row, strict=True)) for b, row in zip(blocks, rows, strict=True)}
    story, menu, side = by_text[STORY[0]], by_text[MENU[0]], by_text[SIDEBAR[0]]
    assert story["rd_in"] == 1.0 and story["traf"] > 0.9 and story["both"] > 0.9
    assert story["in_article"] == 1.0 and story["tag_p"] == 1.0 and story["link_share"] == 0.0
    assert story["stop_share"] > 0.3  # English prose, English stop words
    assert menu["link_share"] == 1.0 and menu["in_nav"] == 1.0 and menu["in_header"] == 1.0
    assert menu["rd_in"] == 0.0 and menu["traf"] == 0.0
    assert side["in_aside"] == 1.0 and side["tag_li"] == 1.0 and side["class_negative"] == 1.0
    assert by_text[FOOTER]["in_footer"] == 1.0
    # the headline is found from the <title>, and the story comes after it
    headline = next(n for n, b in enumerate(blocks) if b.text.startswith("New ferry terminal"))
    assert title_block(blocks, page_views.title) == headline
    assert story["after_title"] == 1.0 and menu["after_title"] == 0.0
    # positions run from the top of the page to its bottom
    assert menu["position"] < story["position"] < by_text[FOOTER]["position"]


def test_features_see_microdata_and_main_hints(full: cleaner.Cleaner) -> None:
    html = story_page().replace('<div class="story-body">', '<div itemprop="articleBody">')
    html = html.replace('<div id="page">', '<main id="page">').replace("</div></body>", "</main></body>")
    blocks, page_views = views(html, cleaner=full)
    assert page_views is not None
    rows = dict(zip((b.text for b in blocks), block_features(blocks, page_views), strict=True))
    story = dict(zip(FEATURES, rows[STORY[1]], strict=True))
    assert story["body_prop"] == 1.0 and story["in_main"] == 1.0


def test_neighbour_features_follow_the_views_of_the_blocks_around(full: cleaner.Cleaner) -> None:
    blocks, page_views = views(story_page(), cleaner=full)
    assert page_views is not None
    features = PageFeatures(blocks, page_views)
    at = {b.text: n for n, b in enumerate(blocks)}
    near = FEATURES.index("traf_near")
    assert features.row(at[STORY[2]])[near] > 0.8  # amid story paragraphs
    assert features.row(at[MENU[0]])[near] < 0.2  # amid menu items
    # the candidates the model weighs include the story and leave out the menu, far from either view
    candidates = set(features.candidates())
    assert {at[p] for p in STORY} <= candidates
    assert at[MENU[0]] not in candidates


# -- the decision ---------------------------------------------------------------------


def test_model_keeps_the_story_and_removes_the_furniture_with_reasons(full: cleaner.Cleaner) -> None:
    result = full.clean_html(story_page())
    for p in STORY:
        assert p in result.text
    for furniture in (MENU[1], SIDEBAR[0], FOOTER):
        assert furniture not in result.text
    assert COMMENT not in result.text
    reasons = [r.reason for r in result.removals if r.rule == "html.main_content"]
    assert reasons
    # a block the model weighed and removed is explained by the features that decided, with their values
    scored = [r for r in reasons if r.startswith("main-content score")]
    assert scored, reasons
    names = set(FEATURES)
    for reason in scored:
        pushed = [part.split("=")[0] for part in reason.split(": ", 1)[1].split(", ")]
        assert pushed and set(pushed) <= names


def test_every_block_is_in_the_output_or_the_audit_log(full: cleaner.Cleaner) -> None:
    result = full.clean_html(story_page(sidebar_first=True))
    for block in result.normalized.split("\n\n"):
        assert block in result.text or any(block in r.text for r in result.removals)


def test_decision_trafilatura_is_the_former_decision_and_skips_readability(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.html import main_content

    def no_readability(tree: object) -> None:
        raise AssertionError("readability ran although the decision does not use it")

    monkeypatch.setattr(main_content, "find_article", no_readability)
    config = Config.load(overrides={"html": {"decision": "trafilatura"}})
    result = cleaner.Cleaner(config).clean_html(story_page())
    assert STORY[0] in result.text
    reasons = {r.reason for r in result.removals if r.rule == "html.main_content"}
    assert reasons <= {"outside trafilatura's main content", "a block with no word between removed blocks"}


def test_trafilatura_decision_keeps_blocks_by_share_of_words_and_wordless_ones_between_kept() -> None:
    """The seam: blocks with their tokens and the views in, one verdict per block out."""
    from cleaner.html.blocks import PageBlock
    from cleaner.html.features import PageViews

    texts = ["Home News Sport", "The council voted on Tuesday to expand the tram.", "-", "Supporters cheered.",
             "Share on social media"]
    blocks = [PageBlock(n * 100, n * 100 + len(t), t, None, tokens=tokens(t)) for n, t in enumerate(texts)]
    settings = HtmlSettings(decision="trafilatura", min_kept_share=0.5)
    shares = [0.0, 1.0, 0.0, 1.0, 0.34]
    verdicts = decide(blocks, PageViews(shares, None, [], frozenset()), settings)
    assert [v.keep for v in verdicts] == [False, True, True, True, False]
    assert verdicts[0].reason == "outside trafilatura's main content"
    none = decide(blocks, PageViews([0.0] * 5, None, [], frozenset(), traf_found=False), settings)
    assert {v.reason for v in none} == {"trafilatura found no main content"}


def test_an_unknown_decision_or_a_bad_model_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="decision"):
        Config.load(overrides={"html": {"decision": "vote"}})
    missing = tmp_path / "none.json"
    with pytest.raises(ConfigError, match=r"none\.json"):
        Config.load(overrides={"html": {"model": str(missing)}})
    other = json.loads(MODEL.read_text(encoding="utf-8"))
    other["features"] = [*other["features"][:-1], "something_else"]
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"something_else|features differ"):
        Config.load(overrides={"html": {"model": str(wrong)}})


def test_a_model_file_of_ones_own_changes_the_decision(tmp_path: Path) -> None:
    """The setting is read: a model whose threshold no block reaches removes every weighed block (with the
    views' consensus off), the first model's as the full one's."""
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    data["threshold"] = 1.0
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps(data), encoding="utf-8")
    overrides = {"html": {"model": str(strict), "keep_consensus": False, "cascade": False}}
    result = cleaner.Cleaner(Config.load(overrides=overrides)).clean_html(story_page())
    assert result.text.strip() == ""
    assert any(r.reason.startswith("main-content score") for r in result.removals)
    # the first model's own threshold: nothing reaches it, it keeps nothing, so it is never sure and the full
    # model decides (here removing everything as well)
    data["first"]["threshold"] = 1.0
    both = tmp_path / "both-strict.json"  # a weights file is read once per path
    both.write_text(json.dumps(data), encoding="utf-8")
    overrides = {"html": {"model": str(both), "keep_consensus": False}}
    assert cleaner.Cleaner(Config.load(overrides=overrides)).clean_html(story_page()).text.strip() == ""


def test_blocks_both_views_keep_stay_against_the_model_and_the_audit_logs_a_keep(tmp_path: Path) -> None:
    """keep_consensus: where trafilatura and readability agree, a model that would remove the block (here one
    whose threshold nothing reaches) is overruled, and the audit says so with the score; the furniture neither
    view keeps still goes."""
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    data["threshold"] = 1.0
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps(data), encoding="utf-8")
    overrides = {"html": {"model": str(strict), "cascade": False}}  # the consensus needs trafilatura's view
    result = cleaner.Cleaner(Config.load(overrides=overrides)).clean_html(story_page())
    for p in STORY:
        assert p in result.text
    assert MENU[1] not in result.text and FOOTER not in result.text
    keeps = [r for r in result.notes if r.rule == "html.main_content"]
    assert {r.text for r in keeps} >= set(STORY)
    for r in keeps:
        assert r.action == "keep"
        assert r.reason.startswith("trafilatura and readability both keep it; main-content score ")
    # the default model and threshold need no overruling on this page
    assert not [r for r in cleaner.Cleaner(Config.load()).clean_html(story_page()).notes
                if r.rule == "html.main_content"]


def test_shipped_model_was_fitted_on_the_features_this_code_computes() -> None:
    """The weights record a digest of their training examples on the pages in the repository (aeb-dev): the same
    pages give the same features today, or the weights must be fitted again (python -m train.main_content)."""
    from train import main_content as training

    recorded = json.loads(MODEL.read_text(encoding="utf-8"))["trained"]["examples_digest"]
    pages = training.examples(training.devdata.load([recorded["dataset"]]), workers=1)
    assert len(pages) >= 100
    assert training.examples_digest(pages) == recorded["sha256"], "features changed: retrain the main-content model"


def test_shipped_model_matches_the_features_and_has_a_model_per_fold() -> None:
    model = load_model()
    assert model.features == FEATURES
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    assert len(data["folds"]) >= 2
    row = [0.5] * len(FEATURES)
    for fold in data["folds"].values():  # each a model of its own, on the same features, that scores otherwise
        fold_model = TreeModel.from_dict({**data, **fold})
        assert fold_model.features == FEATURES
        assert 0.0 < fold_model.probability(row) < 1.0
        assert fold_model.trees != model.trees
    # and one per dataset left out, for the benchmark's figure on a collection the model never saw
    assert set(data["datasets"]) >= {"aeb-dev"}
    for fitted in data["datasets"].values():
        assert TreeModel.from_dict({**data, **fitted}).trees != model.trees
    with pytest.raises(ModelError):
        load_model(ROOT / "pyproject.toml")


# -- the cascade: trafilatura asked only when readability's view alone leaves doubt ---------------------------


def _counting_trafilatura(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the calls of trafilatura's view (one entry a page it was asked for)."""
    from cleaner.html import main_content

    calls: list[int] = []
    real = main_content.extract_texts

    def counted(*args: object, **kwargs: object) -> dict[str, str]:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(main_content, "extract_texts", counted)
    return calls


def _with_first(tmp_path: Path, **changes: object) -> str:
    """The shipped weights file with its first model's entries changed (``first=None``: without a first model)."""
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    if changes.get("first", 1) is None:
        del data["first"]
    else:
        data["first"].update(changes)
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_unsure_share_is_the_words_in_the_band_over_the_words_kept() -> None:
    words, scores = [100, 20, 30, 5], [0.97, 0.5, 0.01, 0.05]
    # kept (>= 0.1): 100 + 20; in [0.03, 0.9): 20 + 5
    assert unsure_share(words, scores, 0.1, (0.03, 0.9)) == pytest.approx(25 / 120)
    assert unsure_share(words, scores, 0.1, (0.0, 0.04)) == pytest.approx(30 / 120)
    assert unsure_share([10], [0.02], 0.1, (0.03, 0.9)) == math.inf  # nothing kept: never sure


def test_a_clear_page_is_decided_without_trafilatura_and_the_audit_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_first() is not None  # the shipped file has a first model
    calls = _counting_trafilatura(monkeypatch)
    result = cleaner.Cleaner(Config.load()).clean_html(story_page())
    assert not calls
    for p in STORY:
        assert p in result.text
    for furniture in (MENU[1], SIDEBAR[0], FOOTER):
        assert furniture not in result.text
    reasons = {r.reason for r in result.removals if r.rule == "html.main_content"}
    assert any("readability's view alone" in r for r in reasons) or OUTSIDE_ARTICLE in reasons, reasons
    assert not any("trafilatura and readability" in r for r in reasons)


def test_trafilatura_is_asked_when_the_first_model_is_unsure_or_the_cascade_is_off(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = _counting_trafilatura(monkeypatch)
    always = cleaner.Cleaner(Config.load(overrides={"html": {"cascade": False}})).clean_html(story_page())
    assert len(calls) == 1
    # a first model never sure of a page (no share of unsure words is below zero) leaves every page to the full one
    never = _with_first(tmp_path, max_unsure=-1.0)
    unsure = cleaner.Cleaner(Config.load(overrides={"html": {"model": never}})).clean_html(story_page())
    assert len(calls) == 2
    assert unsure.text == always.text
    assert [r.reason for r in unsure.removals] == [r.reason for r in always.removals]
    # a weights file without a first model: the same
    without = _with_first(tmp_path, first=None)
    cleaner.Cleaner(Config.load(overrides={"html": {"model": without}})).clean_html(story_page())
    assert len(calls) == 3


def test_a_weights_file_with_a_broken_first_model_is_a_config_error(tmp_path: Path) -> None:
    broken = _with_first(tmp_path, unsure="low")
    with pytest.raises(ConfigError, match=r"weights\.json.*first model"):
        Config.load(overrides={"html": {"model": broken}})


def test_without_trafilatura_the_headline_readability_leaves_out_is_weighed(full: cleaner.Cleaner) -> None:
    """Readability's article often starts below the headline, which trafilatura keeps: the first model, which has
    no trafilatura, weighs the headline wherever it is, and the blocks next to the article; not the menu."""
    bar = "".join(f'<li><a href="/share/{n}">{n}</a></li>' for n in ("Facebook", "Twitter", "Email", "Print"))
    html = story_page().replace('<article class="story"><h1>', '<div class="head"><h1>').replace(
        "</h1>", f'</h1><ul class="share">{bar}</ul></div><article class="story">')
    blocks, page_views = views(html, cleaner=full)
    assert page_views is not None
    at = {b.text: n for n, b in enumerate(blocks)}
    headline = at["New ferry terminal to open in spring"]
    features = PageFeatures(blocks, without_trafilatura(page_views))
    assert features.rd_in[headline] == 0.0 and features.rd_near[headline] == 0.0  # far from the article
    assert features.title_at == headline
    candidates = set(features.candidates())
    assert {headline, *(at[p] for p in STORY)} <= candidates
    assert at[MENU[0]] not in candidates
    # with trafilatura's view, the same page's candidates are those the views keep or surround
    full_features = PageFeatures(blocks, page_views)
    assert {at[p] for p in STORY} <= set(full_features.candidates())
    # the features with trafilatura's view built on the first model's (its readability parts taken over) are the
    # same as built afresh
    again = features.with_trafilatura(page_views)
    assert [again.row(n) for n in range(len(blocks))] == [full_features.row(n) for n in range(len(blocks))]
    assert again.candidates() == full_features.candidates() and again.consensus() == full_features.consensus()


# -- the trees -------------------------------------------------------------------------


def _stump_model(**changes: object) -> dict:
    """Two trees on two features: ``a > 1`` pushes up, then ``b <= 0.5`` pushes down."""
    trees = [
        {"feature": [0, -1, -1], "threshold": [1.0, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
         "value": [0.0, -1.0, 1.0]},
        {"feature": [1, -1, -1], "threshold": [0.5, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
         "value": [0.0, -0.5, 0.5]},
    ]
    return {"name": "t", "kind": "boosted_trees", "features": ["a", "b"], "base": 0.25, "threshold": 0.5,
            "trees": trees, **changes}


def test_trees_sum_their_leaves_and_explain_by_the_splits_on_the_path() -> None:
    model = TreeModel.from_dict(_stump_model())
    assert model.logit([2.0, 1.0]) == pytest.approx(0.25 + 1.0 + 0.5)
    assert model.logit([0.0, 0.0]) == pytest.approx(0.25 - 1.0 - 0.5)
    assert model.probability([0.0, 0.0]) == pytest.approx(1 / (1 + math.exp(1.25)))
    assert model.contributions([0.0, 1.0]) == [("a", -1.0), ("b", 0.5)]
    assert model.explain([0.0, 1.0]) == "a=0.00 (-1.0), b=1.00 (+0.5)"


def _walked(model: TreeModel, x: list[float]) -> tuple[float, list[tuple[str, float]]]:
    """The raw score and the pushes of an item, walking the node lists (the definition the compiled trees keep)."""
    z, pushes = model.base, [0.0] * len(model.features)
    for feature, threshold, left, right, value in model.trees:
        node = 0
        while (f := feature[node]) >= 0:
            child = left[node] if x[f] <= threshold[node] else right[node]
            pushes[f] += value[child] - value[node]
            node = child
        z += value[node]
    ranked = sorted(((n, p) for n, p in zip(model.features, pushes, strict=True) if p), key=lambda p: -abs(p[1]))
    return z, ranked


def test_compiled_trees_score_and_explain_as_the_walk_bit_for_bit() -> None:
    """The shipped model, compiled to Python expressions, reaches the leaves the node lists give: the same raw
    scores and pushes to the last bit, for values on the split thresholds, zeros of either sign and NaN."""
    import numpy as np

    model = load_model()
    thresholds = sorted({t for tree in model.trees for t in tree[1]})
    rng = np.random.default_rng(3)
    rows = [[float(rng.choice(thresholds)) if rng.random() < 0.6 else float(rng.normal() * 2) for _ in FEATURES]
            for _ in range(500)]
    rows += [[float("nan")] * len(FEATURES), [-0.0] * len(FEATURES), [0.0] * len(FEATURES)]
    for x in rows:
        assert (model.logit(x), model.contributions(x)) == _walked(model, x)


def test_trees_with_infinite_thresholds_or_too_deep_to_compile_score_as_the_walk() -> None:
    deep = 300  # a chain of splits, deeper than Python's parser nests expressions: node k goes left to k + 1
    chain = {"feature": [k % 2 for k in range(deep)] + [-1] * (deep + 1),
             "threshold": [float(deep - k) for k in range(deep)] + [0.0] * (deep + 1),
             "left": [k + 1 for k in range(deep)] + [0] * (deep + 1),
             "right": [deep + 1 + k for k in range(deep)] + [0] * (deep + 1),
             "value": [k / deep for k in range(2 * deep + 1)]}
    edge = {"feature": [0, -1, -1], "threshold": [float("inf"), 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
            "value": [0.0, -1.0, 1.0]}
    for tree in (edge, chain):
        model = TreeModel.from_dict(_stump_model(trees=[tree]))
        for x in ([0.5, 0.5], [float("inf"), 2.0], [float("nan"), 0.0], [1e300, -1e300], [150.5, 99.0]):
            assert (model.logit(x), model.contributions(x)) == _walked(model, x)


@pytest.mark.parametrize("bad", [
    {"trees": [{"feature": [5, -1, -1], "threshold": [0, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0],
                "value": [0, 0, 0]}]},  # a feature that does not exist
    {"trees": [{"feature": [0, 0], "threshold": [0, 0], "left": [1, 0], "right": [1, 0], "value": [0, 0]}]},  # a loop
    {"trees": [{"feature": [0], "threshold": [0, 1], "left": [0], "right": [0], "value": [0]}]},  # lengths differ
    {"trees": [{"feature": [0, 1, -1, -1], "threshold": [0, 0, 0, 0], "left": [1, 2, 0, 0], "right": [2, 3, 0, 0],
                "value": [0, 0, 0, 0]}]},  # node 2 has two parents: not a tree
    {"base": "high"},
])
def test_a_broken_tree_file_is_a_model_error(tmp_path: Path, bad: dict) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_stump_model(**bad)), encoding="utf-8")
    with pytest.raises(ModelError, match=r"bad\.json"):
        TreeModel.load(path)


# -- training -------------------------------------------------------------------------


def test_training_fits_a_usable_model_on_labelled_pages_the_same_way_twice(tmp_path: Path) -> None:
    """The training script on twelve aeb-dev pages: examples labelled from the gold, the same weights on a second
    fit, a weights file the cleaner loads."""
    pytest.importorskip("sklearn")  # the bench extra, which training needs
    from train import main_content as training

    dataset = training.devdata.load(["aeb-dev"])[0]
    dataset.ids = dataset.ids[:12]
    dataset.gold = {k: dataset.gold[k] for k in dataset.ids}
    pages = training.examples([dataset], workers=1)
    assert len(pages) == 12
    for page in pages:
        assert page.rows.shape == (len(page.words), len(FEATURES))
        assert ((page.gold_share >= 0) & (page.gold_share <= 1)).all()
    assert any(page.gold_share.max() > 0.9 for page in pages)  # the gold body is found among the blocks
    fit = training.fit_pages(pages)
    again = training.fit_pages(pages)
    assert fit.trees == again.trees and fit.base == again.base
    path = tmp_path / "model.json"
    probs = [fit.probability(p.rows) for p in pages]
    threshold = training.best_threshold(pages, probs, dataset.gold, training.anchor_f1([dataset]))
    path.write_text(json.dumps(fit.as_dict("html.main_content", threshold)), encoding="utf-8")
    model = load_model(path)
    assert model.features == FEATURES
    for page in pages[:3]:  # the cleaner's pure-Python trees score as the training's numpy ones
        assert [round(model.probability(list(row)), 6) for row in page.rows] == [
            round(float(p), 6) for p in fit.probability(page.rows)]
    kept = training.figures(pages, probs, threshold, dataset.gold)
    assert kept["aeb-dev"]["f1"] > 0.8  # fitted on these pages: it must at least fit them
    # the cascade's first model: the pages without trafilatura's view; a page it is never sure of goes to the full
    # model, and one it is always sure of (even of nothing) to it
    firsts = training.first_pages(pages)
    assert all((f.rows[:, FEATURES.index("traf")] == 0).all() for f in firsts if len(f.rows))
    first_fit = training.fit_pages(firsts)
    first_probs = [first_fit.probability(f.rows) for f in firsts]
    never = training.cascade_figures(pages, probs, firsts, first_probs, threshold, -1.0, dataset.gold)
    always = training.cascade_figures(pages, probs, firsts, first_probs, threshold, math.inf, dataset.gold)
    assert never["aeb-dev"]["sure"] == 0.0 and never["aeb-dev"]["f1"] == kept["aeb-dev"]["f1"]
    assert always["aeb-dev"]["sure"] == 1.0
    assert always["aeb-dev"]["f1"] == training.figures(firsts, first_probs, threshold, dataset.gold)["aeb-dev"]["f1"]


# -- scripts without spaces, and other punctuation ---------------------------------------------------------------

CHINESE_STORY = [
    "港务局周一表示，新的渡轮码头将于明年春天开放。此前，由于洪水、钢材短缺以及与主要承包商的纠纷，工程已经延误了两年。",
    "乘客将可以通过有顶棚的走廊登船，可容纳四百人的候船大厅在夏季繁忙的几个月里将通宵开放，方便夜间出行的旅客。",
    "当地商家对这一消息表示欢迎，不过几位店主说，漫长的施工让他们失去了不少顾客，希望市议会能考虑减免明年的税费。",
]


def test_readability_counts_the_commas_of_every_script() -> None:
    """readability scores a paragraph by its commas: the fullwidth comma of Chinese and the Arabic comma count
    as readability.js counts them, not only ","."""
    from cleaner.html.readability.measure import measure

    texts = [CHINESE_STORY[0], "قال الوزير، في بيان، إن المشروع سيكتمل، كما هو مقرر.", "One, two, three."]
    tree = _tree("<html><body><div>" + "".join(f"<p>{t}</p>" for t in texts) + "</div></body></html>")
    commas = {el.text: c for el, _, _, c in measure(tree, ruthless=False)[1]}
    assert [commas[t] for t in texts] == [3, 3, 2]  # "、", the enumeration comma, is none (nor in readability.js)


def test_chinese_blocks_weigh_as_the_words_they_hold(full: cleaner.Cleaner) -> None:
    """A paragraph of Chinese is one token per clause but many words (cleaner.text.UNSPACED), as many as the same
    paragraph in English; a menu label of two characters is one word."""
    page = story_page()
    for english, chinese in zip(STORY, CHINESE_STORY, strict=False):
        page = page.replace(english, chinese)
    blocks, page_views = views(page, cleaner=full)
    assert page_views is not None
    rows = {b.text: dict(zip(FEATURES, row, strict=True)) for b, row in zip(blocks, block_features(blocks, page_views),
                                                                          strict=True)}
    assert rows[CHINESE_STORY[0]]["words_log"] >= math.log1p(30)  # about 35 words of English say as much
    assert rows[MENU[0]]["words_log"] == math.log1p(1)
