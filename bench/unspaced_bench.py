#!/usr/bin/env python3
"""The full-page text of the dev pages rewritten in a script written without spaces: how ``clean_text`` does on
Chinese-like input, where no stop-word list applies and no phrase list's entry can match made-up characters (the
body detector's layout figures alone; the text is read as Chinese, so the phrase rules run and find nothing).

Usage (from the repository root; not a section of ``make bench``: a development check, about three minutes, and
ten more with ``--html``)::

    .venv/bin/python bench/unspaced_bench.py [--html]

Every word of a page's text and of its gold body becomes one or two Han characters picked by its hash (the same
word the same characters, as Chinese words are 1.6 characters long on average), the spaces between them go, and
the sentence punctuation becomes the CJK one. Lines stay lines, so the layout the detector reads is the page's.
Both are scored on characters (each Han character a token: whole clauses as tokens would make the score hang on
where the gold breaks its lines). Printed beside the English texts' F1 (words as tokens). With ``--html``, the
HTML pages too (the text of their elements rewritten the same way): ``clean_html`` cross-validated by site (as in
``html_bench``) beside trafilatura and readability-lxml on the same rewritten pages.
"""

from __future__ import annotations

import re
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import devdata  # noqa: E402
from score import score  # noqa: E402

import cleaner  # noqa: E402

PUNCTUATION = str.maketrans({".": "\u3002", ",": "\uff0c", "!": "\uff01", "?": "\uff1f", ":": "\uff1a", ";": "\uff1b",
                             "(": "\uff08", ")": "\uff09"})
LETTER_WORD = re.compile(r"[^\W\d_]+")
HAN = re.compile(r"([\u4e00-\u9fff])")


def _han(match: re.Match[str]) -> str:
    """One or two Han characters for a word, by its hash."""
    h = zlib.crc32(match.group(0).lower().encode())
    return "".join(chr(0x4E00 + (h >> (8 * i)) % 20000) for i in range(1 + (h >> 20) % 2))


def unspaced(text: str) -> str:
    """``text`` with its words as Han characters, no space between them, CJK punctuation, line by line."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", LETTER_WORD.sub(_han, line))
        lines.append(re.sub(r"(?<=[\u3002\uff0c\uff01\uff1f\uff1a\uff1b]) (?=\S)", "", line.translate(PUNCTUATION)))
    return "\n".join(lines)


def _clean(item: tuple[str, str]) -> tuple[str, str]:
    return item[0], cleaner.clean_text(item[1], doc_id=item[0]).text


def unspaced_html(page: bytes) -> bytes | None:
    """``page`` with the text of its elements (not scripts and styles) rewritten by :func:`unspaced`."""
    import lxml.html

    from cleaner.html.parsing import page_text

    try:
        root = lxml.html.document_fromstring(page_text(page, None)[0])
    except ValueError:  # not a page (cleaner.errors.HtmlError is one)
        return None
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag not in ("script", "style") and el.text:
            el.text = unspaced(el.text)
        if el.tail:
            el.tail = unspaced(el.tail)
    return lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


def html_rows() -> None:
    """clean_html (cross-validated by site) and the two anchors (``html_bench``'s rows) on every dataset's pages,
    rewritten unspaced. A page a system fails on (readability-lxml's summary of some rewritten pages is no page)
    counts as empty for it, and the failures are printed."""
    import logging
    import tempfile

    import html_bench

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("readability").setLevel(logging.CRITICAL)
    print(f"\nHTML pages rewritten unspaced (clean_html cross-validated by site)\n"
          f"{'dataset':14} {'system':20} {'F1':>6} {'prec':>6} {'recall':>6} failed")
    with tempfile.TemporaryDirectory() as tmp:
        compared = html_bench.systems(html_bench.held_out_cleaners(html_bench.MODEL, Path(tmp), "folds"), {}, [])
        for ds in devdata.load():
            pages = {k: unspaced_html(ds.html(k)) for k in ds.ids}
            ids = [k for k, page in pages.items() if page is not None]
            gold = {k: _tokens(unspaced(ds.gold[k])) for k in ids}
            for name in (*html_bench.ANCHORS, html_bench.OURS):
                out, failed = {}, 0
                for k in ids:
                    try:
                        kept = compared[name](pages[k], ds.fold(k), ds.name)
                    except ValueError:  # cleaner.errors.HtmlError is one
                        kept, failed = "", failed + 1
                    out[k] = _tokens(kept if isinstance(kept, str) else kept.text)
                res = score(gold, out)
                print(f"{ds.name:14} {name:20} {res['f1']:6.3f} {res['precision']:6.3f} {res['recall']:6.3f} "
                      f"{failed:6d}", flush=True)


def _tokens(text: str) -> str:
    """Each Han character a token of the scorer."""
    return HAN.sub(r" \1 ", text)


def main(argv: list[str]) -> int:
    print(devdata.availability_note())
    print(f"{'dataset':14} {'text':10} {'F1 as it is':>11} {'cleaned':>8} {'prec':>6} {'recall':>6}")
    for ds in devdata.load():
        texts = ds.inputs("fulltext")
        ids = [k for k in ds.ids if k in texts]
        for name, convert, tokens in (("english", str, str), ("unspaced", unspaced, _tokens)):
            source = {k: convert(texts[k]) for k in ids}
            with ProcessPoolExecutor(2) as pool:
                out = dict(pool.map(_clean, source.items(), chunksize=8))
            gold = {k: tokens(convert(ds.gold[k])) for k in ids}
            before = score(gold, {k: tokens(v) for k, v in source.items()})
            after = score(gold, {k: tokens(v) for k, v in out.items()})
            print(f"{ds.name:14} {name:10} {before['f1']:11.3f} {after['f1']:8.3f} {after['precision']:6.3f} "
                  f"{after['recall']:6.3f}", flush=True)
    if "--html" in argv:
        html_rows()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
