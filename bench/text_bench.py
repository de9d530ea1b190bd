"""Text benchmark: what ``clean_text`` does to every input kind of every dataset, and what each rule costs.

For every dataset (``bench/devdata.py``) and every input kind (the page's
full visible text, what seven extractors returned, and ``page``: the full
visible text declared a whole page, see ``DECLARED``), it scores the texts
as they are and after ``cleaner.clean_text`` with the reference scorer
(``bench/score.py``: shingle F1, macro-averaged over pages), and measures the
*removal precision* of every rule: of the characters the rule removed, the
share that is not article text (``bench/loss.py``), raw and with the
removals the dataset's gold disagrees with by policy set apart
(``bench/policy.py``, ``bench/policy.toml``). With several datasets, the
full-page kinds (``fulltext``, ``page``) are cleaned again by the models
fitted without their dataset: how the body detector does on a collection it
never saw (as the HTML benchmark's row "model without the dataset"). Usage::

    .venv/bin/python bench/text_bench.py [--dataset NAME]... [--kind KIND]...
        [--per-doc] [--lost RULE] [--folds tune|held-out]

* ``--per-doc``: the pages whose F1 changed most, worst first, per kind;
* ``--rules-by-dataset``: the rule table of each dataset too;
* ``--lost RULE``: every removal of RULE (``all``: of any rule) that lost
  article text (to find the families a rule gets wrong);
* ``--removals RULE``: every removal of RULE, with the share of it that was
  article text;
* ``--shipped``: the learned models as shipped (fitted on all the data)
  instead of cross-validated ones (by default, every page is judged by
  models fitted on the folds its site is not in: ``train/body.py``);
* ``--folds``: only the pages of the tuning folds (0-3) or of the held-out
  fold (4). Rules and phrases are changed by looking at the tuning folds
  only; the held-out fold tells whether a change generalises.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import devdata  # noqa: E402
from loss import Tally, by_rule, merged, removal_loss  # noqa: E402
from policy import Policy, Split  # noqa: E402
from score import score  # noqa: E402

import cleaner  # noqa: E402
from cleaner.config import merge  # noqa: E402

HELD_OUT = devdata.FOLDS - 1  # the fold no hand-made change looks at
# Input kinds cleaned with what the user says about them: (the texts of this kind, configuration overrides).
# ``page``: the full visible text, declared a whole page (``--set body.detector:page=page``), as a user who
# feeds full-page text (a WET file, an html2text dump) can; the body detector then skips the page decision.
DECLARED = {"page": ("fulltext", {"rules": {"body.detector": {"page": "page"}}})}
KINDS = [*devdata.KINDS, *DECLARED]

_CLEANERS: dict[str, cleaner.Cleaner] = {}


def _cleaner(overrides: str) -> cleaner.Cleaner:
    """A cleaner with the configuration overrides ``overrides`` (JSON), one per process and overrides."""
    if overrides not in _CLEANERS:
        _CLEANERS[overrides] = cleaner.Cleaner(cleaner.Config.load(overrides=json.loads(overrides)))
    return _CLEANERS[overrides]


Item = tuple[str, str, str, str, frozenset[str]]  # id, text, gold, fold overrides, rules the gold disagrees with


def _clean_one(item: Item) -> tuple[str, str, dict[str, Tally], list[tuple[str, str, str, float]], str]:
    """Clean one text (with the overrides of its fold); return its id, clean text, per-rule tallies, every
    removal with its share of article text, and the text with the removals of ``policy`` rules undone."""
    doc_id, text, gold, overrides, policy = item
    res = _cleaner(overrides).clean_text(text, doc_id=doc_id)
    losses = removal_loss(res.normalized, res.removals, res.text, gold)
    lost = [(r.rule, r.text, r.reason, n / chars if chars else 0.0) for r, chars, n in losses]
    return doc_id, res.text, by_rule(losses), lost, _undo(res, policy) if policy else res.text


def _undo(res: cleaner.Result, rules: frozenset[str]) -> str:
    """The normalised input without the removals of every rule but ``rules`` (the scorer reads word tokens
    only: the spacing does not matter). Rules run in turn, so a span a ``rules`` rule took is not looked at
    again by later rules: undoing it may leave a copy or a prompt another rule would have removed."""
    cut = sorted((r.start, r.end) for r in res.removals if r.action == "remove" and r.rule not in rules)
    parts, pos = [], 0
    for start, end in cut:
        if start > pos:
            parts.append(res.normalized[pos:start])
        pos = max(pos, end)
    parts.append(res.normalized[pos:])
    return "\n".join(parts)


def clean_all(items: list[Item], workers: int) -> list[Any]:
    """:func:`_clean_one` on every item, in ``workers`` processes (1: in this one)."""
    if workers <= 1:
        return [_clean_one(it) for it in items]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_clean_one, items, chunksize=8))


def select(ds: devdata.Dataset, folds: str | None) -> list[str]:
    """The ids of ``ds`` in the chosen folds (all when ``folds`` is None)."""
    if folds is None:
        return ds.ids
    want_held = folds == "held-out"
    return [k for k in ds.ids if (ds.fold(k) == HELD_OUT) == want_held]


def run(
    dsets: Iterable[devdata.Dataset], kinds: Iterable[str], *, folds: str | None = None,
    workers: int | None = None, fold_config: dict[int, dict] | None = None,
    dataset_config: dict[str, dict] | None = None,
) -> dict[tuple[str, str], dict[str, Any]]:
    """Score every (dataset, kind): before/after scores, cleaned texts, rule tallies, lost removals.

    ``fold_config``: configuration overrides by fold (the learned models fitted without that fold), so that
    every page is cleaned by models that never saw its site; the shipped configuration when None.
    ``dataset_config``: overrides by dataset instead, for every page of it (the models fitted without it).
    """
    workers = workers or os.cpu_count() or 1
    out: dict[tuple[str, str], dict[str, Any]] = {}
    policy = Policy.load()
    for ds in dsets:
        ids = select(ds, folds)
        gold = {k: ds.gold[k] for k in ids}
        kept = frozenset(r for r in policy.family_of if policy.disagrees(ds.name, r))
        for kind in kinds:
            source, declared = DECLARED.get(kind, (kind, {}))
            texts = ds.inputs(source)
            if not texts:
                continue
            by_fold = {k: dataset_config[ds.name] for k in range(devdata.FOLDS)} if dataset_config else fold_config
            overrides = {k: json.dumps(merge(v, declared), sort_keys=True) for k, v in (by_fold or {}).items()}
            shipped = json.dumps(declared, sort_keys=True)
            texts = {k: texts[k] for k in ids}
            items = [(k, texts[k], gold[k], overrides.get(ds.fold(k), shipped), kept) for k in ids]
            results = clean_all(items, workers)
            cleaned = {k: text for k, text, _, _, _ in results}
            rules = merged(tallies for _, _, tallies, _, _ in results)
            out[(ds.name, kind)] = {
                "before": score(gold, texts),
                "after": score(gold, cleaned),
                # the removals of the families this dataset's gold keeps undone (bench/policy.toml)
                "after_policy": score(gold, undone := {k: text for k, _, _, _, text in results}),
                "rules": rules,
                "chars": sum(len(t) for t in texts.values()),
                "lost": {k: lost for k, _, _, lost, _ in results if lost},  # every removal, with its lost share
                "texts": texts,
                "cleaned": cleaned,
                "undone": undone,
                "gold": gold,
            }
    return out


def pooled(res: dict[tuple[str, str], dict[str, Any]], kind: str, after: str = "cleaned") -> tuple[dict, dict] | None:
    """Before/after scores of one kind over every dataset's pages together (``after``: the texts after)."""
    parts = [v for (_, k), v in res.items() if k == kind]
    if not parts:
        return None
    gold = {f"{i}/{d}": t for i, p in enumerate(parts) for d, t in p["gold"].items()}
    before = {f"{i}/{d}": t for i, p in enumerate(parts) for d, t in p["texts"].items()}
    after = {f"{i}/{d}": t for i, p in enumerate(parts) for d, t in p[after].items()}
    return score(gold, before), score(gold, after)


def _row(name: str, b: dict, a: dict) -> str:
    before = f"{b['f1']:.3f} {b['precision']:.3f} {b['recall']:.3f}"
    after = f"{a['f1']:.3f} {a['precision']:.3f} {a['recall']:.3f}"
    return f"  {name:<12} {before}   {after}   {a['f1'] - b['f1']:+.3f} {a['recall'] - b['recall']:+.4f}"


def print_scores(res: dict[tuple[str, str], dict[str, Any]], names: list[str], kinds: list[str]) -> None:
    """F1, precision and recall before and after cleaning, per dataset and input kind, and over all pages."""
    print("F1 / precision / recall of each input as it is and after clean_text; 'all' pools every dataset's pages")
    head = f"  {'input':<12} {'F1':>5} {'P':>5} {'R':>5}   {'F1':>5} {'P':>5} {'R':>5}   {'dF1':>6} {'dR':>7}"
    for name in [*names, "all"]:
        print(f"{name}: {'as it is':>19}   {'cleaned':>17}\n{head}")
        for kind in kinds:
            if name == "all":
                both = pooled(res, kind)
                if both:
                    print(_row(kind, *both))
            elif (name, kind) in res:
                print(_row(kind, res[(name, kind)]["before"], res[(name, kind)]["after"]))


def print_policy_scores(res: dict[tuple[str, str], dict[str, Any]], names: list[str], kinds: list[str]) -> None:
    """The change cleaning makes to F1 and recall, raw and with the removals the dataset's gold disagrees with
    by policy undone (the rules of the families it keeps, ``bench/policy.toml``)."""
    print("\nchange in F1 / recall by cleaning: raw | with the removals of the families the dataset's gold keeps "
          "undone (policy disagreements left in)")
    print(f"{'dataset':<15} {'input':<12} {'dF1':>7} {'dR':>8} | {'dF1':>7} {'dR':>8}")
    for name in [*names, "all"]:
        for kind in kinds:
            if name == "all":
                raw, undone = pooled(res, kind), pooled(res, kind, "undone")
                if not raw or not undone:
                    continue
                (b, a), (_, u) = raw, undone
            elif (name, kind) in res:
                v = res[(name, kind)]
                b, a, u = v["before"], v["after"], v["after_policy"]
            else:
                continue
            print(f"{name:<15} {kind:<12} {a['f1'] - b['f1']:+.4f} {a['recall'] - b['recall']:+.4f} | "
                  f"{u['f1'] - b['f1']:+.4f} {u['recall'] - b['recall']:+.4f}")


def print_rules(res: dict[tuple[str, str], dict[str, Any]], kinds: list[str]) -> None:
    """Removal precision per rule and input kind (all datasets together), with characters removed."""
    by_kind: dict[str, dict[str, Tally]] = {}
    chars: dict[str, int] = {}
    for (_, kind), v in res.items():
        chars[kind] = chars.get(kind, 0) + v["chars"]
        for name, t in v["rules"].items():
            by_kind.setdefault(kind, {}).setdefault(name, Tally()).add(t)
    extracted = [k for k in kinds if k in devdata.EXTRACTED and k in by_kind]
    rules = sorted({r for t in by_kind.values() for r in t})
    print("\nremoval precision: share of the removed word characters that are not article text "
          "(thousands of characters removed); 'extracted' = every extractor output together")
    cols = [k for k in kinds if k in by_kind] + ["extracted"]
    print(f"{'rule':<22}" + "".join(f" {c[:11]:>13}" for c in cols))

    def cell(t: Tally | None) -> str:
        return f"{t.precision:.2f} ({t.chars / 1000:.0f}k)" if t and t.count else "-"

    totals = {k: Tally() for k in cols}
    for rule in [*rules, "all rules"]:
        row = []
        for k in cols:
            if rule == "all rules":
                t = totals[k]
            elif k == "extracted":
                t = Tally()
                for e in extracted:
                    if rule in by_kind[e]:
                        t.add(by_kind[e][rule])
                totals[k].add(t)
            else:
                t = by_kind[k].get(rule)
                if t:
                    totals[k].add(t)
            row.append(cell(t))
        print(f"{rule:<22}" + "".join(f" {c:>13}" for c in row))
    ext_chars = sum(chars[k] for k in extracted)
    body = sum(by_kind[k]["body.detector"].chars for k in extracted if "body.detector" in by_kind[k])
    if ext_chars:
        print(f"body.detector removed {100 * body / ext_chars:.2f} % of the word characters of extracted articles")


def policy_splits(res: dict[tuple[str, str], dict[str, Any]], policy: Policy) -> dict[tuple[str, str], Split]:
    """All rules' removals per (dataset, kind), plus (dataset, "extracted") and ("all", kind), split by policy."""
    out: dict[tuple[str, str], Split] = {}
    for (name, kind), v in res.items():
        keys = [(name, kind), ("all", kind)]
        if kind in devdata.EXTRACTED:
            keys += [(name, "extracted"), ("all", "extracted")]
        for rule, t in v["rules"].items():
            for key in keys:
                out.setdefault(key, Split()).add(t.chars, t.lost, policy.disagrees(name, rule))
    return out


def _split_rows(splits: dict[tuple[str, str], Split], names: list[str], cols: list[str], cell: Any) -> None:
    """One row per dataset, one ``cell(split)`` per column."""
    for name in names:
        row = [cell(s) if (s := splits.get((name, k))) and s.chars else "-" for k in cols]
        print(f"{name:<15}" + "".join(f" {c:>17}" for c in row))


def print_policy(res: dict[tuple[str, str], dict[str, Any]], names: list[str], kinds: list[str]) -> None:
    """Removal precision of all rules together, raw and with the policy disagreements set aside, and the
    share of each policy family's removals that each dataset's gold keeps (``bench/policy.toml``)."""
    policy = Policy.load()
    splits = policy_splits(res, policy)
    cols = [k for k in [*kinds, "extracted"] if any((n, k) in splits for n in names)]
    print("\nremoval precision of all rules, raw / on article text: of the removed gold characters, those "
          "removed by a rule of a family the dataset's gold keeps (bench/policy.toml) are a policy "
          "disagreement, the rest article text lost")
    print(f"{'dataset':<15}" + "".join(f" {c[:11]:>17}" for c in cols))
    _split_rows(splits, [*names, "all"], cols, lambda s: f"{s.raw_precision:.3f} / {s.article_precision:.3f}")
    print("removed word characters (thousands): policy disagreement / article text lost, of all removed")
    _split_rows(splits, [*names, "all"], cols,
                lambda s: f"{s.policy / 1e3:.1f}/{s.article / 1e3:.1f} of {s.chars / 1e3:.0f}")
    print("\nshare of each family's removed characters (extractor outputs) that the dataset's gold holds; "
          "* = declared kept by that gold (policy disagreement)")
    fams = sorted(set(policy.family_of.values()))
    print(f"{'dataset':<15}" + "".join(f" {f:>15}" for f in fams))
    for name in names:
        row = []
        for fam in fams:
            t = Tally()
            for (n, kind), v in res.items():
                if n == name and kind in devdata.EXTRACTED:
                    for rule, tally in v["rules"].items():
                        if policy.family(rule) == fam:
                            t.add(tally)
            mark = "*" if fam in policy.keeps.get(name, ()) else " "
            row.append(f"{1 - t.precision:.2f} ({t.chars / 1000:.1f}k){mark}" if t.chars else "-")
        print(f"{name:<15}" + "".join(f" {c:>15}" for c in row))
    print("(copies: 0 by construction, a removed copy counts as right while another stays; see the F1 table)")
    print_rule_policy(res, policy)


def print_rule_policy(res: dict[tuple[str, str], dict[str, Any]], policy: Policy) -> None:
    """Removal precision of every rule on extractor outputs (all datasets), raw and on article text (the gold
    characters of a family the page's dataset keeps set aside): whether a rule under 0.9 loses article text
    or disagrees with a gold about policy."""
    splits: dict[str, Split] = {}
    for (name, kind), v in res.items():
        if kind in devdata.EXTRACTED:
            for rule, t in v["rules"].items():
                splits.setdefault(rule, Split()).add(t.chars, t.lost, policy.disagrees(name, rule))
    print("\nremoval precision per rule on extractor outputs, raw / on article text (policy disagreements set "
          "aside), and its family")
    for rule, s in sorted(splits.items()):
        if s.chars:
            print(f"  {rule:<22} {s.raw_precision:.2f} / {s.article_precision:.2f}  ({s.chars / 1e3:.1f}k)  "
                  f"{policy.family(rule) or '-'}")


def print_per_doc(res: dict[tuple[str, str], dict[str, Any]], limit: int = 15) -> None:
    """The pages whose F1 changed most, worst first."""
    for (name, kind), v in res.items():
        b, a = v["before"]["per_doc"], v["after"]["per_doc"]
        rows = sorted((doc_f1(*a[k]) - doc_f1(*b[k]), k) for k in a)
        print(f"\n{name} / {kind}: worst pages")
        for delta, k in rows[:limit]:
            print(f"  {delta:+.3f} {k}  F1 {doc_f1(*a[k]):.3f}")


def print_lost(res: dict[tuple[str, str], dict[str, Any]], rule: str, keep_right: bool = False) -> None:
    """Every removal of ``rule`` that lost article text (``keep_right``: and the others, marked lost 0%);
    "policy" marks a removal of a family the dataset's gold keeps (``bench/policy.toml``)."""
    policy = Policy.load()
    for (name, kind), v in res.items():
        for doc, lost in v["lost"].items():
            for r, text, reason, share in lost:
                if rule in (r, "all") and (share or keep_right):
                    tag = " (policy)" if share and policy.disagrees(name, r) else ""
                    print(f"[{r}] [{name}/{kind}/{doc}] lost {share:.0%}{tag}: {reason}\n    {text[:300]!r}")


def doc_f1(tp: float, fp: float, fn: float) -> float:
    """F1 of one page from its normalised TP/FP/FN shares."""
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fitted_models(out: Path) -> tuple[dict[int, dict], dict[str, dict]]:
    """Fit the learned models once per fold on the other folds, and, when several datasets are present, once per
    dataset on the other datasets (every dataset present either way); write them under ``out`` and return the
    configuration overrides of each fold and of each dataset left out (see ``train/body.py``)."""
    from train import body

    exs = body.examples(devdata.load())
    datasets = sorted({e.dataset for e in exs})

    def fitted(examples: list[Any], folder: str, record: dict[str, Any]) -> dict:
        models = body.fit_models(examples)
        models.write(out / folder, record)
        return models.config(out / folder)

    by_fold = {k: fitted([e for e in exs if e.fold != k], f"fold{k}", {"fold": k}) for k in range(devdata.FOLDS)}
    by_dataset = {name: fitted([e for e in exs if e.dataset != name], f"without-{name}", {"without": name})
                  for name in (datasets if len(datasets) > 1 else [])}
    return by_fold, by_dataset


UNSEEN_KINDS = ("fulltext", "page")  # the texts the body detector works on: cleaned again by the models without
# their dataset


def print_unseen(unseen: dict[tuple[str, str], dict[str, Any]], by_site: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Full-page F1 with the learned models that never saw the dataset, beside the figure by site."""
    print("\nfull-page text cleaned by the learned models fitted without the dataset (a collection they never saw, "
          "whose gold follows its own conventions), beside the figure by site")
    print(f"  {'dataset':<14} {'input':<9} {'as it is':>8} {'cleaned':>8} {'dF1':>7} {'by site':>8}")
    for (name, kind), r in unseen.items():
        b, a = r["before"]["f1"], r["after"]["f1"]
        print(f"  {name:<14} {kind:<9} {b:8.3f} {a:8.3f} {a - b:+7.3f} {by_site[(name, kind)]['after']['f1']:8.3f}")


def _args(argv: list[str], flag: str) -> list[str]:
    return [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == flag]


def main(argv: list[str]) -> int:
    """Print the score table and the rule table."""
    names = _args(argv, "--dataset")
    kinds = _args(argv, "--kind") or KINDS
    folds = (_args(argv, "--folds") or [None])[0]
    dsets = devdata.load(names or None)
    print(devdata.availability_note())
    if folds:
        print(f"folds: {folds} (fold {HELD_OUT} of {devdata.FOLDS}, split by site, is held out)")
    shown = [d.name for d in dsets]
    unseen: dict[tuple[str, str], dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if "--shipped" in argv:
            print("learned models: as shipped (fitted on all the development data: NOT cross-validated)")
            fold_config = None
        else:
            print(f"learned models: cross-validated (each page judged by models fitted without its fold: "
                  f"{devdata.FOLDS} folds split by site)")
            fold_config, dataset_config = fitted_models(Path(tmp))
            full_page = [k for k in kinds if k in UNSEEN_KINDS]
            if dataset_config and full_page and not folds:
                unseen = run(dsets, full_page, dataset_config=dataset_config)
        res = run(dsets, kinds, folds=folds, fold_config=fold_config)
    print_scores(res, shown, kinds)
    if unseen:
        print_unseen(unseen, res)
    print_rules(res, kinds)
    print_policy(res, shown, kinds)
    print_policy_scores(res, shown, kinds)
    if "--rules-by-dataset" in argv:
        for name in shown:
            print(f"\n-- {name} --")
            print_rules({key: v for key, v in res.items() if key[0] == name}, kinds)
    if "--per-doc" in argv:
        print_per_doc(res)
    for rule in _args(argv, "--lost"):
        print_lost(res, rule)
    for rule in _args(argv, "--removals"):
        print_lost(res, rule, keep_right=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
