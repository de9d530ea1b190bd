"""The audit log's file and level.

``--audit-level`` chooses how much is written per document:

* ``full`` (the default): one record per removal and per deliberate keep,
  with the removed text and the reason, enough to rebuild the input;
* ``summary``: one record per rule and document, with counts
  (``{"doc", "rule", "action": "summary", "removed", "removed_chars", "kept"}``),
  a small fraction of the full log's size;
* ``errors``: only the records of documents that failed.

Error records are written at every level. An audit path ending in ``.gz``
is written gzip-compressed (a run that is killed leaves a file whose
records so far ``zcat`` still reads).
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

AUDIT_LEVELS = ("full", "summary", "errors")


def open_audit(path: Path, *, append: bool = False) -> TextIO:
    """The audit log's stream: standard output for ``-``, gzip for a ``.gz`` path, else UTF-8 text.

    Raises OSError when the file cannot be created.
    """
    if str(path) == "-":
        return sys.stdout
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.lower().endswith(".gz"):  # appending adds a gzip member: zcat reads them as one stream
        raw = gzip.open(path, "ab" if append else "wb")  # noqa: SIM115 (the caller closes the stream)
        return io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=False)
    return path.open("a" if append else "w", encoding="utf-8", newline="\n")


def at_level(records: Iterable[dict[str, Any]], level: str) -> list[dict[str, Any]]:
    """A document's audit records as ``level`` wants them (see the module doc)."""
    if level == "full":
        return list(records)
    if level == "errors":
        return []
    per_rule: dict[str, dict[str, Any]] = {}
    for rec in records:
        summary = per_rule.setdefault(
            rec["rule"],
            {"doc": rec.get("doc"), "rule": rec["rule"], "action": "summary", "removed": 0, "removed_chars": 0,
             "kept": 0},
        )
        if rec["action"] == "remove":
            summary["removed"] += 1
            summary["removed_chars"] += len(rec["text"])
        else:
            summary["kept"] += 1
    return list(per_rule.values())
