"""The report's tallies and samples, gathered in one streaming pass over a run's documents.

Whatever the corpus size, a :class:`ReportCollector` holds a bounded amount:
per-rule and per-family counters, a histogram of the share removed per
document, and reproducible samples. Every sample is a *bottom-k* sample: an
item's sampling key is a hash of what it is (the document's file and id, and
for a removal its rule and offset), and the k items with the smallest keys
are kept. The sample is thus the same whatever the order of the documents,
the number of worker processes or the run (a document sampled in one report
is sampled in the next), and it is drawn uniformly. A removal's key mixes its
document's and its rule's keys with its offset (:func:`record_key`).

The collector knows nothing about where documents come from: a running
``clean`` hands it each document's audit records and length as they are
written (:mod:`cleaner.report.observe`), a report from an existing audit
log hands it the records read back (:mod:`cleaner.report.sources`). The
normalised text that the per-document view and the samples' context need is
asked for only at the end, for the sampled documents alone.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Generic, TypeVar

from cleaner.settings import ReportSettings

T = TypeVar("T")

DocRef = tuple[str, str]  # (file, document id): a document's identity in an audit log
TextSource = Callable[[], "str | None"]  # the document's normalised text, computed when asked


def sampling_key(*parts: object) -> int:
    """A stable 64-bit hash of ``parts``: the order in which bottom-k samples keep items."""
    data = "\x00".join(str(p) for p in parts).encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


_MASK = (1 << 64) - 1
_NO_KEY = 1 << 64  # above every key


def record_key(doc_rule_key: int, start: object) -> int:
    """A removal's sampling key: its document's key xor its rule's, mixed with its offset (the splitmix64
    finaliser: as well spread as a hash, and cheap enough to compute for every record of a run)."""
    x = (doc_rule_key ^ ((start if isinstance(start, int) else 0) * 0x9E3779B97F4A7C15)) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class BottomK(Generic[T]):
    """The ``k`` items with the smallest keys among those offered (a max-heap of size k)."""

    def __init__(self, k: int) -> None:
        self.k = k
        self._heap: list[tuple[int, int, T]] = []  # (-key, tie-breaker, item)
        self._tie = count()
        self.threshold = _NO_KEY if k > 0 else 0  # an item is kept when its key is below this

    def offer(self, key: int, item: T) -> bool:
        """Keep ``item`` if its key is among the k smallest so far; return whether it was kept."""
        if key >= self.threshold:
            return False
        entry = (-key, next(self._tie), item)
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, entry)
        else:
            heapq.heapreplace(self._heap, entry)
        if len(self._heap) == self.k:
            self.threshold = -self._heap[0][0]
        return True

    def items(self) -> list[T]:
        """The kept items, smallest key first."""
        return [item for _, _, item in sorted(self._heap, key=lambda e: (-e[0], e[1]))]


@dataclass
class DocumentEntry:
    """One cleaned document as the report sees it."""

    file: str
    doc: str
    records: list[dict[str, Any]]  # its audit records: removals and keeps, or summaries (dicts as in the audit log)
    chars_in: int | None = None  # length of its normalised text, when known
    text: TextSource | None = None  # how to get its normalised text (None: ask the fetcher at the end)
    key: int = 0  # its sampling key
    removed: int | None = None  # characters removed (counted when the collector adds it)

    def __post_init__(self) -> None:
        self.key = sampling_key(self.file, self.doc)

    @property
    def ref(self) -> DocRef:
        return (self.file, self.doc)

    @property
    def chars_removed(self) -> int:
        if self.removed is None:
            self.removed = sum(len(r.get("text") or "") for r in self.records if r.get("action") == "remove")
        return self.removed

    @property
    def share_removed(self) -> float | None:
        if self.chars_in is None:
            return None
        return self.chars_removed / self.chars_in if self.chars_in else 0.0


@dataclass
class Tally:
    """Counts for one rule or family."""

    removals: int = 0
    keeps: int = 0
    chars: int = 0  # characters removed
    docs: int = 0  # documents with at least one of its removals or keeps

    def as_dict(self) -> dict[str, int]:
        return {"removals": self.removals, "keeps": self.keeps, "chars": self.chars, "docs": self.docs}


@dataclass
class _Sampled:
    """A sampled removal or keep, and the document it belongs to."""

    record: dict[str, Any]
    entry: DocumentEntry


@dataclass
class ReportCollector:
    """Streaming tallies and bounded samples of a run's documents (see the module doc)."""

    settings: ReportSettings = field(default_factory=ReportSettings)
    documents: int = 0
    documents_with_removals: int = 0
    chars_in: int = 0
    chars_in_known: int = 0  # documents whose length is known (all of a run; sampled ones from an audit log)
    chars_removed: int = 0
    rules: dict[str, Tally] = field(default_factory=dict)
    families: dict[str, Tally] = field(default_factory=dict)
    failed: int = 0
    summary_records: int = 0  # records of an --audit-level summary log (counts per rule and document, no spans)

    def __post_init__(self) -> None:
        s = self.settings
        self.histogram = [0] * (s.histogram_bins + 1)  # [nothing removed, (0, 1/bins], ...]
        self.doc_sample: BottomK[DocumentEntry] = BottomK(s.documents)
        self.outlier_sample: list[tuple[float, int, DocumentEntry]] = []  # min-heap of (share, -key, entry)
        self.removal_samples: dict[str, BottomK[_Sampled]] = {}
        self.keep_samples: dict[str, BottomK[_Sampled]] = {}
        self.error_sample: BottomK[dict[str, Any]] = BottomK(s.errors)
        self._rule_keys: dict[str, int] = {}

    # -- streaming --------------------------------------------------------------------------------

    def add_document(self, entry: DocumentEntry) -> None:
        """Count one cleaned document and offer it (and its records) to the samples."""
        self.documents += 1
        per_rule: dict[str, list[int]] = {}  # rule -> [removals, keeps, characters, key of its doc] here
        for rec in entry.records:
            name = str(rec.get("rule"))
            counts = per_rule.get(name)
            if counts is None:
                counts = per_rule[name] = [0, 0, 0, entry.key ^ self._rule_key(name)]
            action = rec.get("action")
            if action == "summary":  # an audit log written with --audit-level summary: counts, no spans
                self.summary_records += 1
                counts[0] += int(rec.get("removed") or 0)
                counts[1] += int(rec.get("kept") or 0)
                counts[2] += int(rec.get("removed_chars") or 0)
                continue
            removed = action == "remove"
            if removed:
                counts[0] += 1
                counts[2] += len(rec.get("text") or "")
            else:
                counts[1] += 1
            sample = self._sample_of(name, removed)
            key = record_key(counts[3], rec.get("start"))
            if key < sample.threshold:  # most records are not sampled: decide before any other work
                sample.offer(key, _Sampled(rec, entry))
        chars = sum(c[2] for c in per_rule.values())
        entry.removed = chars
        self.chars_removed += chars
        if chars:
            self.documents_with_removals += 1
        for name, (removals, keeps, rule_chars, _) in per_rule.items():
            for tally in (self._tally(self.rules, name), self._tally(self.families, family_of(name))):
                tally.removals += removals
                tally.keeps += keeps
                tally.chars += rule_chars
            self.rules[name].docs += 1
        for fam in {family_of(n) for n in per_rule}:
            self.families[fam].docs += 1
        share = entry.share_removed
        if share is not None:
            self.chars_in += entry.chars_in or 0
            self.chars_in_known += 1
            self.histogram[self.histogram_bin(share, chars)] += 1
            if chars:
                self._offer_outlier(share, entry)
        self.doc_sample.offer(entry.key, entry)

    def _sample_of(self, rule: str, removal: bool) -> BottomK[_Sampled]:
        """The sample of a rule's removals (or keeps)."""
        table = self.removal_samples if removal else self.keep_samples
        sample = table.get(rule)
        if sample is None:
            k = self.settings.samples_per_rule if removal else self.settings.keeps_per_rule
            sample = table[rule] = BottomK(k)
        return sample

    def _rule_key(self, rule: str) -> int:
        key = self._rule_keys.get(rule)
        if key is None:
            key = self._rule_keys[rule] = sampling_key(rule)
        return key

    def add_error(self, record: dict[str, Any]) -> None:
        """Count one failed document (its ``error`` audit record)."""
        self.failed += 1
        self.error_sample.offer(sampling_key(record.get("file"), record.get("doc"), record.get("line")), record)

    def histogram_bin(self, share: float, removed: int) -> int:
        """Bin 0 holds the documents nothing was removed from; bin i the shares in ((i-1)/n, i/n]."""
        if not removed:
            return 0
        n = self.settings.histogram_bins
        return min(n, max(1, -int(-share * n // 1)))  # ceil(share * n), at least 1

    @staticmethod
    def _tally(table: dict[str, Tally], name: str) -> Tally:
        tally = table.get(name)
        if tally is None:
            tally = table[name] = Tally()
        return tally

    def _offer_outlier(self, share: float, entry: DocumentEntry) -> None:
        item = (share, -entry.key, entry)
        if len(self.outlier_sample) < self.settings.outliers:
            heapq.heappush(self.outlier_sample, item)
        elif self.settings.outliers and item[:2] > self.outlier_sample[0][:2]:
            heapq.heapreplace(self.outlier_sample, item)

    # -- the end ----------------------------------------------------------------------------------

    def sampled_documents(self) -> list[tuple[DocumentEntry, str]]:
        """The documents the report may show, each once, with why: outliers, then the sample, then the
        documents of the rule samples (in that order of priority for the text budget)."""
        chosen: dict[DocRef, tuple[DocumentEntry, str]] = {}
        outliers = sorted(self.outlier_sample, key=lambda o: (-o[0], -o[1]))
        for _, _, entry in outliers:
            chosen.setdefault(entry.ref, (entry, "outlier"))
        for entry in self.doc_sample.items():
            chosen.setdefault(entry.ref, (entry, "sample"))
        for table in (self.removal_samples, self.keep_samples):
            for name in sorted(table):
                for s in table[name].items():
                    chosen.setdefault(s.entry.ref, (s.entry, "rule sample"))
        return list(chosen.values())


def family_of(rule: str) -> str:
    """A rule's family: the part of its name before the first dot."""
    return rule.split(".", 1)[0]
