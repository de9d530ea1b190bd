"""The report page: the template files of ``cleaner/report/assets`` with the report's data inlined.

One self-contained file: the CSS, the JavaScript and the data (as JSON in a
``<script type="application/json">`` element) are inline, and the page's
content security policy forbids loading anything else, so it opens from disk,
offline, and sends nothing anywhere.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from cleaner.writer import write_file


def _asset(name: str) -> str:
    return (resources.files("cleaner.report") / "assets" / name).read_text(encoding="utf-8")


def render_page(data: dict[str, Any], title: str = "Review of removals") -> str:
    """The HTML page showing ``data`` (see :func:`cleaner.report.build.build_data`)."""
    # "<" never occurs outside a string in JSON, so escaping it keeps "</script>" in a text from ending the element.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    parts = {"CSS": _asset("report.css"), "JS": _asset("report.js"), "TITLE": _escape(title), "DATA": payload}
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: parts[m.group(1)], _asset("report.html"))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_page(path: Path, page: str) -> None:
    """Write the page atomically (a temporary file in the same folder, then a rename; no link followed)."""
    write_file(path, page.encode("utf-8"))


_DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def read_data(page: str) -> dict[str, Any]:
    """The data inlined in a report page (for tests and tools that check a report)."""
    found = _DATA.search(page)
    if found is None:
        raise ValueError("not a report page (no report-data element)")
    return dict(json.loads(found.group(1)))
