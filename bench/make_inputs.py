"""Regenerate the extractor-output inputs of a bench dataset (``inputs/<kind>.json``).

The text bench cleans what extractors returned for each page. web-dev ships
eight kinds; aeb-dev (in this repository) shipped four, and this script made
the other four (goose3, boilerpy3, resiliparse, justext) with each
extractor's defaults. The extractors are not dependencies of the project:
run it in a separate environment::

    python -m venv /tmp/x && /tmp/x/bin/pip install goose3 boilerpy3 resiliparse justext
    /tmp/x/bin/python bench/make_inputs.py bench/data/aeb-dev goose3 boilerpy3 resiliparse justext
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Callable
from pathlib import Path


def _goose3() -> Callable[[str], str]:
    from goose3 import Goose

    g = Goose()
    return lambda html: g.extract(raw_html=html).cleaned_text or ""


def _boilerpy3() -> Callable[[str], str]:
    from boilerpy3 import extractors

    ex = extractors.ArticleExtractor()
    return lambda html: ex.get_content(html) or ""


def _resiliparse() -> Callable[[str], str]:
    from resiliparse.extract.html2text import extract_plain_text

    return lambda html: extract_plain_text(html, main_content=True)


def _justext() -> Callable[[str], str]:
    import justext

    stop = justext.get_stoplist("English")

    def run(html: str) -> str:
        paragraphs = justext.justext(html.encode("utf-8"), stop)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


EXTRACTORS = {"goose3": _goose3, "boilerpy3": _boilerpy3, "resiliparse": _resiliparse, "justext": _justext}


def main(argv: list[str]) -> int:
    """Write ``DATASET/inputs/<kind>.json`` for each kind named."""
    if len(argv) < 2 or any(k not in EXTRACTORS for k in argv[1:]):
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[0])
    pages = {p.name[: -len(".html.gz")]: gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
             for p in sorted((root / "html").glob("*.html.gz"))}
    for kind in argv[1:]:
        extract = EXTRACTORS[kind]()
        out = {}
        for doc_id, html in pages.items():
            try:
                out[doc_id] = extract(html)
            except Exception as exc:  # an extractor that fails on a page returns nothing for it
                print(f"{kind}: {doc_id}: {type(exc).__name__}: {exc}", file=sys.stderr)
                out[doc_id] = ""
        (root / "inputs" / f"{kind}.json").write_text(json.dumps(out, ensure_ascii=False, indent=0), encoding="utf-8")
        print(f"{kind}: {sum(bool(v) for v in out.values())} of {len(out)} pages with text")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
