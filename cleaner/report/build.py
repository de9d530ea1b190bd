"""Turn a :class:`~cleaner.report.collect.ReportCollector` into the report's data (JSON-ready).

The page (:mod:`cleaner.report.page`) is a fixed template plus this data. It
holds every count over the whole run, and text only for the sampled
documents: each document's normalised text is asked for here, checked
against its audit records (an input changed since the run shows its removed
spans only), and shown while the text budget lasts, outliers first, then the
document sample, then the documents the rule samples come from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cleaner.report.collect import DocRef, DocumentEntry, ReportCollector, Tally, family_of


@dataclass(frozen=True)
class RuleInfo:
    """What the page says about a rule besides its counts (from the rule registry)."""

    name: str
    description: str = ""
    kind: str = ""
    enabled: bool | None = None  # in the configuration of the report (None: unknown)


Fetch = Callable[[list[DocumentEntry]], dict[DocRef, "tuple[str | None, str]"]]  # -> (text or None, why not)


def build_data(
    collector: ReportCollector,
    rules: Iterable[RuleInfo],
    *,
    fetch: Fetch | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report's data: summary, rules with their samples, families, histogram, documents, errors.

    ``rules``: every registered rule (those without a record are listed too,
    so the page shows what ran and found nothing). ``fetch`` gets the
    normalised texts of sampled documents that came without a text source.
    """
    s = collector.settings
    infos = {r.name: r for r in rules}
    names = list(infos) + sorted(set(collector.rules) - set(infos))
    entries = collector.sampled_documents()
    texts = _texts([e for e, _ in entries], fetch)  # first: it sets chars_in of entries from an audit log
    documents, shown, not_shown = _shown_documents(entries, texts, {name: i for i, name in enumerate(names)}, s)
    return {
        "meta": {"generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), **(meta or {})},
        "summary": _summary(collector),
        "sampling": {
            "documents": s.documents, "outliers": s.outliers, "samples_per_rule": s.samples_per_rule,
            "keeps_per_rule": s.keeps_per_rule, "errors": s.errors, "text_budget_chars": s.text_budget_chars,
            "max_document_chars": s.max_document_chars, "documents_shown": len(documents),
            "documents_not_shown": not_shown,
        },
        "rules": [_rule_row(collector, name, infos, texts, shown) for name in names],
        "families": [{"name": f, **t.as_dict()} for f, t in sorted(collector.families.items())],
        "histogram": _histogram(collector, entries),
        "documents": documents,
        "errors": {
            "count": collector.failed,
            "sample": [
                {k: e.get(k) for k in ("doc", "file", "line", "reason")} for e in collector.error_sample.items()
            ],
        },
    }


def _shown_documents(
    entries: list[tuple[DocumentEntry, str]],
    texts: dict[DocRef, tuple[str | None, str]],
    index: dict[str, int],
    s: Any,
) -> tuple[list[dict[str, Any]], dict[DocRef, int], int]:
    """The sampled documents the text budget holds (in sampling order), where each is in that list, and how
    many the budget left out."""
    documents: list[dict[str, Any]] = []
    shown: dict[DocRef, int] = {}
    budget = s.text_budget_chars
    not_shown = 0
    for entry, why in entries:
        text, note = texts.get(entry.ref, (None, "no text"))
        doc = _document(entry, why, text, note, index, s.max_document_chars)
        cost = len(doc["text"] or "") + sum(len(sp[5] or "") for sp in doc["spans"])
        if cost > budget:
            not_shown += 1
            continue
        budget -= cost
        shown[entry.ref] = len(documents)
        documents.append(doc)
    return documents, shown, not_shown


def _summary(collector: ReportCollector) -> dict[str, Any]:
    """The run's totals (its input length only when every document's length is known)."""
    known_lengths = collector.chars_in_known == collector.documents
    return {
        "documents": collector.documents,
        "documents_with_removals": collector.documents_with_removals,
        "failed": collector.failed,
        "chars_in": collector.chars_in if known_lengths else None,
        "chars_removed": collector.chars_removed,
        "removals": sum(t.removals for t in collector.rules.values()),
        "keeps": sum(t.keeps for t in collector.rules.values()),
    }


def _rule_row(
    collector: ReportCollector,
    name: str,
    infos: dict[str, RuleInfo],
    texts: dict[DocRef, tuple[str | None, str]],
    shown: dict[DocRef, int],
) -> dict[str, Any]:
    """A rule's row: what the registry says of it, its counts, and its samples in reading order."""
    info = infos.get(name, RuleInfo(name))
    tally = collector.rules.get(name, Tally())
    sampled = [x for table in (collector.removal_samples, collector.keep_samples)
               if name in table for x in table[name].items()]
    sampled.sort(key=lambda x: (x.entry.file, x.entry.doc, x.record.get("start", 0)))
    samples = [_sample(x.record, x.entry, texts[x.entry.ref][0], shown.get(x.entry.ref), collector.settings)
               for x in sampled]
    return {
        "name": name, "family": family_of(name), "description": info.description, "kind": info.kind,
        "enabled": info.enabled, "registered": name in infos, **tally.as_dict(), "samples": samples,
    }


def _histogram(collector: ReportCollector, entries: list[tuple[DocumentEntry, str]]) -> dict[str, Any]:
    """Documents by share removed: over the whole run, or over the document sample when lengths are unknown
    (a report from an audit log, whose lengths come from the texts read for the page)."""
    if collector.chars_in_known:
        return {"bins": collector.histogram, "documents": collector.chars_in_known, "sampled": False}
    bins = [0] * len(collector.histogram)
    sampled = [e for e, why in entries if why == "sample" and e.share_removed is not None]
    for e in sampled:
        bins[collector.histogram_bin(e.share_removed or 0.0, e.chars_removed)] += 1
    return {"bins": bins, "documents": len(sampled), "sampled": True}


def _texts(entries: list[DocumentEntry], fetch: Fetch | None) -> dict[DocRef, tuple[str | None, str]]:
    """The normalised text of each entry (or None and why), checked against its records."""
    out: dict[DocRef, tuple[str | None, str]] = {}
    missing = []
    for e in entries:
        if e.text is not None:
            out[e.ref] = (e.text(), "")
        else:
            missing.append(e)
    if missing and fetch is not None:
        out.update(fetch(missing))
    for e in entries:
        text, note = out.get(e.ref, (None, "the input was not read"))
        if text is not None and not matches(text, e.records):
            text, note = None, "the input has changed since the run (its text no longer holds the removed spans)"
        if text is not None and e.chars_in is None:
            e.chars_in = len(text)  # an audit log does not say how long a document was
        out[e.ref] = (text, note if text is None else "")
    return out


def spans_of(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records that are spans of the text: removals and keeps (not an --audit-level summary's counts)."""
    return [r for r in records if r.get("action") in ("remove", "keep")]


def matches(text: str, records: Iterable[dict[str, Any]]) -> bool:
    """Whether every span record's text is the text at its offsets."""
    for r in spans_of(records):
        start, end = r.get("start"), r.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or text[start:end] != r.get("text"):
            return False
    return True


def _document(
    entry: DocumentEntry, why: str, text: str | None, note: str, index: dict[str, int], max_chars: int
) -> dict[str, Any]:
    """A document of the per-document view: its text (cut at ``max_chars``) and its spans."""
    cut = text is not None and len(text) > max_chars
    if text is not None and cut:
        text = text[:max_chars]
    spans = []
    for r in sorted(spans_of(entry.records), key=lambda r: (r.get("start", 0), r.get("end", 0))):
        start, end = int(r.get("start", 0)), int(r.get("end", 0))
        if text is not None and start >= len(text):
            continue
        action = 0 if r.get("action") == "remove" else 1
        removed = None if text is not None else r.get("text")  # the removed text, when there is no document text
        spans.append([start, min(end, len(text)) if text is not None else end, index[str(r.get("rule"))],
                      action, r.get("reason", ""), removed])
    return {
        "id": entry.doc, "file": entry.file, "why": why, "chars": entry.chars_in, "removed": entry.chars_removed,
        "share": entry.share_removed, "text": text, "truncated": cut, "note": note, "spans": spans,
    }


def _sample(
    record: dict[str, Any], entry: DocumentEntry, text: str | None, doc_index: int | None, s: Any
) -> dict[str, Any]:
    """A sampled removal (or keep) with the kept text around it, when the document's text is known."""
    start, end = int(record.get("start", 0)), int(record.get("end", 0))
    removed = str(record.get("text") or "")
    before, after = _context(text, start, end, s.context_chars) if text is not None else ("", "")
    elided = 0
    if len(removed) > s.sample_text_chars:
        keep_head = s.sample_text_chars * 2 // 3
        keep_tail = s.sample_text_chars - keep_head
        elided = len(removed) - keep_head - keep_tail
        removed = removed[:keep_head] + "\u2026" + removed[len(removed) - keep_tail :]
    return {
        "doc": entry.doc, "file": entry.file, "doc_index": doc_index, "start": start, "end": end,
        "action": record.get("action"), "reason": record.get("reason", ""), "before": before, "text": removed,
        "after": after, "elided": elided,
    }


def _context(text: str, start: int, end: int, chars: int, lines: int = 2) -> tuple[str, str]:
    """The kept text on each side of ``[start, end)``: at most ``chars`` characters and ``lines`` non-blank lines,
    cut at word boundaries."""
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    before, after = text[lo:start], text[end:hi]
    if lo > 0:
        before = before.partition(" ")[2] or before
    if hi < len(text):
        after = after.rpartition(" ")[0] or after
    head = before.split("\n")
    while sum(1 for x in head if x.strip()) > lines:
        head.pop(0)
    tail = after.split("\n")
    while sum(1 for x in tail if x.strip()) > lines:
        tail.pop()
    return "\n".join(head), "\n".join(tail)
