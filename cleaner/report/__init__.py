"""The review report: one self-contained HTML page showing what a run removed, and why.

``clean INPUT... --report FILE.html`` builds it while cleaning;
``clean --from-audit AUDIT --report FILE.html`` builds it from an audit log
written before, without cleaning again. The steps, one module each:

* :mod:`~cleaner.report.collect`: tallies and reproducible, bounded samples, in one streaming pass;
* :mod:`~cleaner.report.sources`: the documents of a running ``clean``, or of an audit log;
* :mod:`~cleaner.report.build`: the page's data, with the sampled documents' texts;
* :mod:`~cleaner.report.page`: the page (template files in ``assets/``, the data inlined).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleaner.config import Config
from cleaner.report.build import RuleInfo, build_data
from cleaner.report.collect import ReportCollector, ReportSettings
from cleaner.report.page import render_page, write_page
from cleaner.report.sources import InputReader, RunReport, collect_audit
from cleaner.rules import all_rules

__all__ = ["ReportCollector", "ReportSettings", "RunReport", "new_collector", "report_from_audit", "write_report"]


def new_collector(config: Config) -> ReportCollector:
    """An empty collector with the ``[report]`` settings of ``config`` (ValueError for a bad setting)."""
    return ReportCollector(config.settings.report)


def rule_infos(config: Config) -> list[RuleInfo]:
    """Every registered rule, in pipeline order, with its description and switch in ``config``."""
    return [RuleInfo(r.name, r.description, r.kind, config.rule_enabled(r)) for r in all_rules()]


def _version() -> str:
    from cleaner import __version__

    return __version__


def write_report(path: Path, collector: ReportCollector, config: Config, source: str) -> None:
    """Write the report of a run (``source`` says what was cleaned)."""
    meta = {"mode": "run", "source": source, "version": _version()}
    write_page(path, render_page(build_data(collector, rule_infos(config), meta=meta)))


def report_from_audit(audit: Path, path: Path, config: Config) -> dict[str, Any]:
    """Write the report of the audit log ``audit`` to ``path``; return its data (for a summary line)."""
    collector = new_collector(config)
    bad = collect_audit(audit, collector)
    notes = [
        "Built from an audit log: documents from which nothing was removed have no record there, so the counts "
        f"cover the {collector.documents:,} documents with a record, and their lengths (characters in, share "
        "removed) are known only for the documents whose inputs could be read again."
    ]
    if collector.summary_records:
        notes.append(
            "This audit log was written with --audit-level summary: it holds counts per rule and document, not "
            "the removed spans, so no removal can be shown (write it with --audit-level full for that)."
        )
    if bad:
        notes.append(f"{len(bad):,} lines of the audit log are not audit records: skipped (the first: line {bad[0]}).")
    meta = {"mode": "audit", "source": f"audit log {audit}", "version": _version(), "notes": notes}
    data = build_data(collector, rule_infos(config), fetch=InputReader(config, audit), meta=meta)
    write_page(path, render_page(data))
    return data
