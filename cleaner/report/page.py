"""The report page: the template files of ``cleaner/report/assets`` with the report's data inlined.

One self-contained file: the CSS, the JavaScript and the data (as JSON in a
``<script type="application/json">`` element) are inline, and the page's
content security policy forbids loading anything else, so it opens from disk,
offline, and sends nothing anywhere.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any


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
    """Write the page atomically (a temporary file in the same folder, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # a page to share: the permissions of any new file, not mkstemp's 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_DATA = re.compile(r'<script type="application/json" id="report-data">(.*?)</script>', re.S)


def read_data(page: str) -> dict[str, Any]:
    """The data inlined in a report page (for tests and tools that check a report)."""
    found = _DATA.search(page)
    if found is None:
        raise ValueError("not a report page (no report-data element)")
    return dict(json.loads(found.group(1)))
