"""Main content: which visible blocks of a page are the article (the engine step ``html.main_content``).

No single extractor is right on every page: trafilatura is ahead on news
pages, readability on many others, and which one is right depends on the
page. So the decision weighs several views of the page, block by block:

* :func:`extract_texts` asks trafilatura for the page's main content (with
  the settings of the ``[html]`` table: ``fast``, recall-leaning, tables in,
  comments out; see :class:`cleaner.settings.HtmlSettings`);
* :func:`page_views` aligns that text back onto the blocks (the share of each
  block's words it holds), finds readability's article on the same tree
  (:mod:`cleaner.html.readability`), the page's title and language;
* :func:`decide` turns the blocks and the views into a :class:`Verdict` per
  block: a small model of boosted trees (:mod:`cleaner.html.trees`) over
  the block's features (:mod:`cleaner.html.features`: the views, the
  block's text, its place in the page and its neighbours) gives the
  probability that the block is article text; a block is kept when that
  reaches the model's threshold, or when both views keep it
  (``[html] keep_consensus``: the model decides where they disagree; a block
  kept against its score is logged as a keep). Blocks far from anything
  either view keeps are removed without the model. The model is fitted on the
  labelled development pages by ``python -m train.main_content`` and shipped
  as ``main_content.json`` beside this module; the audit reason of a removed
  block gives its score and the features that pushed it most.

Most pages do not need trafilatura, the costliest view (about as long as the
rest of the step and the rules together): with ``[html] cascade`` on, a
first model (``first`` in the weights file), fitted on the same features with
trafilatura's shares left at zero, decides from readability's view alone
(weighing the blocks in or next to readability's article, and the
headline), and trafilatura runs only on the pages that model is unsure of
(more than ``max_unsure`` of the words it keeps scoring in its ``unsure``
band; see :func:`first_verdicts`). Its removals say "readability's view
alone" in the audit reason.

``[html] decision = "trafilatura"`` makes the decision the older one,
trafilatura's output alone (a block is kept when ``min_kept_share`` of its
words are in it), and skips readability. The step is switched by
``[html] main_content`` (``--disable html.main_content`` on the command
line); when it is off, every visible block goes on to the html and text rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from lxml.html import HtmlElement

from cleaner.html.alignment import align, tokens
from cleaner.html.blocks import PageBlock
from cleaner.html.features import FEATURES, PageFeatures, PageViews, page_stopwords
from cleaner.html.index import PageIndex
from cleaner.html.readability import find_article
from cleaner.html.trees import TreeModel
from cleaner.model import ModelError, read_weights
from cleaner.settings import HtmlSettings

STEP = "html.main_content"
DESCRIPTION = (
    "Remove the page's visible blocks that are not its main content (menus, footers, asides, related lists), "
    "as a model weighing trafilatura's and readability's views and each block's text and place decides."
)
MODEL = Path(__file__).with_name("main_content.json")
NEITHER = "neither trafilatura nor readability keeps it or the blocks around it"
OUTSIDE_ARTICLE = "readability's article does not hold it or the blocks around it (trafilatura not asked)"
FIRST = "readability's view alone"
CONSENSUS = "trafilatura and readability both keep it"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The main-content decision on one block: kept, or removed because of ``reason`` (a kept block's reason,
    if any, says why it stays against the model's score: the audit logs it as a keep)."""

    keep: bool
    reason: str = ""


KEPT = Verdict(True)


def _trafilatura(tree: HtmlElement, url: str | None, settings: HtmlSettings, *, fast: bool) -> str:
    """Trafilatura's main-content text (it works on a copy of the tree: ours stays intact)."""
    from trafilatura import bare_extraction

    result = bare_extraction(
        tree,
        url=url,
        favor_precision=settings.favor_precision,
        favor_recall=settings.favor_recall,
        include_tables=settings.include_tables,
        include_comments=settings.include_comments,
        fast=fast,
    )
    return (result.text or "") if result is not None else ""


def extract_texts(
    tree: HtmlElement, url: str | None, settings: HtmlSettings, visible_chars: int
) -> dict[str, str]:
    """The main content as each extractor sees it, by extractor name (``{"trafilatura": text}``).

    With ``fast = true`` trafilatura runs its own extractor only; when that
    finds less than ``rescue_below_chars`` characters on a page with more
    visible text than that, it runs again with its fallback extractors.
    """
    fast = settings.fast
    text = _trafilatura(tree, url, settings, fast=fast)
    floor = settings.rescue_below_chars
    if fast and len(text) < floor < visible_chars:
        text = _trafilatura(tree, url, settings, fast=False) or text
    return {"trafilatura": text}


def aligned_shares(blocks: Sequence[PageBlock], text: str) -> list[float]:
    """The share of each block's words that ``text`` reproduces, aligned with the page's words in order
    (see :func:`~cleaner.html.alignment.align`); 0 for a block with no word."""
    page: list[str] = []
    firsts: list[int] = []
    for block in blocks:
        firsts.append(len(page))
        page.extend(block.tokens)
    firsts.append(len(page))
    matched = align(page, tokens(text))
    return [matched.count(1, a, b) / (b - a) if b > a else 0.0 for a, b in pairwise(firsts)]


def page_title(tree: HtmlElement) -> list[str]:
    """The word tokens of the page's title: its ``og:title``, else its ``<title>``."""
    for meta in tree.iterfind(".//meta[@property='og:title']"):
        if content := meta.get("content"):
            return tokens(content)
    return tokens(tree.findtext(".//title") or "")


def page_views(
    tree: HtmlElement, blocks: Sequence[PageBlock], texts: Mapping[str, str], settings: HtmlSettings,
    languages: Sequence[str], index: PageIndex | None = None,
) -> PageViews:
    """What the views say about the page's blocks (readability is skipped when ``decision`` does not use it;
    ``index``: the page's, if there is one already)."""
    if settings.decision == "trafilatura":
        traf = aligned_shares(blocks, texts["trafilatura"])
        return PageViews(traf, None, [], frozenset(), bool(texts["trafilatura"]))
    return with_trafilatura(readability_view(tree, blocks, languages, index), blocks, texts)


def readability_view(tree: HtmlElement, blocks: Sequence[PageBlock], languages: Sequence[str],
                     index: PageIndex | None = None) -> PageViews:
    """The page's views without trafilatura's (its shares all zero): readability's article, the title, the stop
    words; what the cascade's first model reads."""
    index = index or PageIndex(tree)
    views = PageViews([0.0] * len(blocks), find_article(tree, index), page_title(tree),
                      page_stopwords(blocks, languages), names=index.names)
    return without_trafilatura(views)


def with_trafilatura(views: PageViews, blocks: Sequence[PageBlock], texts: Mapping[str, str]) -> PageViews:
    """``views`` with trafilatura's text (``texts["trafilatura"]``) aligned onto the blocks."""
    text = texts["trafilatura"]
    return replace(views, traf=aligned_shares(blocks, text), traf_found=bool(text), readability_only=False)


def without_trafilatura(views: PageViews) -> PageViews:
    """``views`` as the cascade's first model reads them: trafilatura's shares all zero."""
    return replace(views, traf=[0.0] * len(views.traf), traf_found=False, readability_only=True)


@dataclass(frozen=True)
class FirstModel:
    """The cascade's first model, which decides on readability's view alone, and when it may: a page is decided
    by it unless the words of the blocks it scores within ``unsure`` (low, high) are more than ``max_unsure`` of
    the words it keeps."""

    model: TreeModel
    unsure: tuple[float, float]
    max_unsure: float


@lru_cache(maxsize=32)
def load_first(path: str | Path = "") -> FirstModel | None:
    """The cascade's first model in a weights file (``first``: the shipped file's by default); None when the file
    has none (trafilatura's view is then asked on every page)."""
    data = read_weights(str(path or MODEL)).get("first")
    if data is None:
        return None
    try:
        model = TreeModel.from_dict({"name": f"{STEP} (first)", "features": FEATURES, **data})
        low, high = (float(x) for x in data["unsure"])
        first = FirstModel(model, (low, high), float(data["max_unsure"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path or MODEL}: its first model is not one ({exc})") from exc
    if model.features != FEATURES:
        raise ModelError(f"{path or MODEL}: its first model is not one for this version's features")
    return first


def load_model(path: str | Path = "") -> TreeModel:
    """The main-content model in a weights file (the shipped one by default); :class:`ModelError` when it is not
    one for the features this version computes."""
    scorer = TreeModel.load(path or MODEL)
    if scorer.features != FEATURES:
        missing = sorted(set(FEATURES) - set(scorer.features)) or sorted(set(scorer.features) - set(FEATURES))
        raise ModelError(f"{path or MODEL}: not a main-content model for this version (its features differ from "
                         f"cleaner.html.features.FEATURES: {', '.join(missing[:5]) or 'their order'})")
    return scorer


def decide(blocks: Sequence[PageBlock], views: PageViews, settings: HtmlSettings,
           same_page: PageFeatures | None = None) -> list[Verdict]:
    """One verdict per block (see the module doc); a block with no word goes with its neighbours. ``same_page``:
    the first model's features of the page, whose parts readability alone decides are taken over."""
    if settings.decision == "trafilatura":
        kept = [bool(b.tokens) and share >= settings.min_kept_share for b, share in zip(blocks, views.traf,
                                                                                        strict=True)]
        why = "outside trafilatura's main content" if views.traf_found else "trafilatura found no main content"
        return _verdicts(blocks, kept, [why] * len(blocks), {})
    page = PageFeatures(blocks, views) if same_page is None else same_page.with_trafilatura(views)
    candidates = page.candidates()
    scorer = load_model(settings.model)
    scores, rows = _scores(page, candidates, scorer)
    return _model_verdicts(blocks, candidates, scores, rows, scorer, NEITHER, "",
                           page.consensus() if settings.keep_consensus else set())


def first_verdicts(page: PageFeatures, first: FirstModel) -> list[Verdict] | None:
    """The verdicts of the cascade's first model on readability's view alone (``page``: the features of the
    page's blocks under :func:`readability_view`), or None when it is unsure of the page and trafilatura's view
    must be asked.

    Unsure: the blocks it weighs whose score falls in its ``unsure`` band hold more than ``max_unsure`` of the
    words it keeps (a page where it only hesitates over a caption or a byline is decided; one where the body
    itself sits near the threshold is not).
    """
    candidates = page.candidates()
    scores, rows = _scores(page, candidates, first.model)
    words = [page.words[n] for n in candidates]
    if unsure_share(words, scores, first.model.threshold, first.unsure) > first.max_unsure:
        return None
    return _model_verdicts(page.blocks, candidates, scores, rows, first.model, OUTSIDE_ARTICLE, f" ({FIRST})", set())


def unsure_share(words: Sequence[int], scores: Sequence[float], threshold: float, band: tuple[float, float]) -> float:
    """The words of the blocks scoring within ``band`` (low, high) over the words of those reaching ``threshold``
    (infinite when none does): how unsure a model is of a page (``words``, ``scores``: of the blocks it weighs)."""
    low, high = band
    kept = sum(w for w, p in zip(words, scores, strict=True) if p >= threshold)
    unsure = sum(w for w, p in zip(words, scores, strict=True) if low <= p < high)
    return unsure / kept if kept else math.inf


def _scores(page: PageFeatures, candidates: Sequence[int], scorer: TreeModel) -> tuple[list[float], list[list[float]]]:
    """The model's probability for each candidate block, and their feature rows."""
    rows = [page.row(n) for n in candidates]
    return scorer.probabilities(rows), rows


def _model_verdicts(blocks: Sequence[PageBlock], candidates: Sequence[int], scores: Sequence[float],
                    rows: Sequence[list[float]], scorer: TreeModel, outside: str, which: str,
                    consensus: set[int]) -> list[Verdict]:
    """Verdicts from a model's scores: a candidate is kept when it reaches the threshold, or when it is in
    ``consensus`` (a keep against the score, logged); a block that is no candidate is removed for ``outside``.
    ``which`` names the view the scores come from in the reasons."""
    threshold = scorer.threshold
    kept = [False] * len(blocks)
    reasons = [outside if block.tokens else "" for block in blocks]
    notes: dict[int, str] = {}  # kept against the model's score, and why
    dropped = [k for k, p in enumerate(scores) if p < threshold]
    whys = scorer.explanations([rows[k] for k in dropped])
    for n, p in zip(candidates, scores, strict=True):
        kept[n] = p >= threshold
    for k, why in zip(dropped, whys, strict=True):
        n = candidates[k]
        reason = f"main-content score {scores[k]:.2f} < {threshold:.2f}{which}: {why}"
        if n in consensus:
            kept[n] = True
            notes[n] = f"{CONSENSUS}; {reason}"
        else:
            reasons[n] = reason
    return _verdicts(blocks, kept, reasons, notes)


def _verdicts(blocks: Sequence[PageBlock], kept: list[bool], reasons: list[str],
              notes: dict[int, str]) -> list[Verdict]:
    """The verdicts of ``kept``, a block with no word going with its neighbours (``notes``: why a kept block
    stays against the model's score)."""
    keep_wordless_inside(kept, [len(block.tokens) for block in blocks])
    out = []
    for n, (keep, reason) in enumerate(zip(kept, reasons, strict=True)):
        if keep:
            out.append(Verdict(True, notes[n]) if n in notes else KEPT)
        else:
            out.append(Verdict(False, reason or "a block with no word between removed blocks"))
    return out


def keep_wordless_inside(kept: list[bool], words: list[int]) -> None:
    """A block with no word goes with its neighbours: kept only between kept blocks."""
    last_kept = False
    pending: list[int] = []
    for n in range(len(kept)):
        if not words[n]:
            pending.append(n)
            continue
        if kept[n] and last_kept:
            for p in pending:
                kept[p] = True
        pending.clear()
        last_kept = kept[n]
