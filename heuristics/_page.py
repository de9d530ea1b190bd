"""Is a text a whole page? Features of the document as a whole, for the body detector's first decision.

Text taken from a whole page (every visible line: menus, link lists,
footers) looks different from an extracted article as a whole: many short
unpunctuated lines in runs, page-chrome labels ("Log in", "Privacy
policy"), repeated lines, little of its text in long paragraphs. Each figure
below is cheap (one pass over the lines); a linear model learned on the
development pages (``train/body.py``) weighs them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import pairwise
from typing import Any

from cleaner.document import Document
from cleaner.text import line_cache, lower_words, weighed
from heuristics._body_features import has_link_hint, is_terminal

PAGE_FEATURES = (
    "lines_log", "chars_log", "menu_share", "chrome_labels", "short_share", "tiny_share", "unpunctuated_share",
    "prose_share", "mean_chars_log", "repeated_share", "link_share", "title_first", "title_repeated",
    "tail_short_share", "wrapped_share",
)
# "Headline - Site", "Site | Section » Headline", "Blog « Headline": a short run of dashes, bars, colons, dots or
# guillemets between spaces. Starts only where a run of spaces starts, and the separator is short: linear on any input.
# Chinese and Japanese titles put theirs against the characters ("标题_新闻频道_央视网",
# "記事｜サイト名", "标题？- 网站"): a bar or underscore next to a character of those scripts,
# or a dash after their punctuation, is one too, spaces or not (not a dash between two
# characters: hyphenated names; not a middle dot: it joins the parts of a foreign name,
# "迈克尔·杰克逊", "ソニー・ミュージック"). Those match a separator and at most a space on each side: linear too.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_MARKS = r"\u3000-\u303f\uff01-\uff60"  # their punctuation, and full-width forms
_BAR = r"[_|\uff5c]{1,3}"
TITLE_SEPARATOR = re.compile(
    r"(?<!\s)\s+[|\-\u2013\u2014:\u00b7\u2022\u00ab\u00bb\u2039\u203a]{1,3}\s+"
    rf"|(?<=[{_CJK}{_CJK_MARKS}]) ?{_BAR} ?|(?<![\s_|\uff5c]) ?{_BAR} ?(?=[{_CJK}])"
    rf"|(?<=[{_CJK_MARKS}]) ?[\-\u2013\u2014]{{1,3}} ?"
)


@line_cache()
def title_key(text: str) -> str:
    """``text``'s words lower-cased and run together: a title and its copy match whatever punctuation and
    spacing a converter dropped ("Chad's World 15–Flash" printed "Chads World 15Flash" in the <title>)."""
    return "".join(lower_words(text))


def _whitespace_words(text: str) -> int:
    return len(text.split())


def title_words(text: str) -> int:
    """``text``'s whitespace-separated words, its Chinese and Japanese characters counted as the words they weigh
    (a title's part, or a line repeating it, "of 3+ words": a Chinese headline has no space to count)."""
    return weighed(text, len(text.split()), _whitespace_words)[0]


def title_keys(title: str) -> set[str]:
    """The keys a line repeating the page title may have: the whole title or a part of it of 3+ words.

    Converters print the ``<title>`` first, often "Headline - Site name".
    """
    keys = {title_key(title)} | {title_key(part) for part in TITLE_SEPARATOR.split(title) if title_words(part) >= 3}
    keys.discard("")
    return keys


def is_menu_like(text: str, max_words: int, words: int, terminal: bool) -> bool:
    """A navigation label: a few words, no sentence punctuation, not a table cell (``words``: the text's
    whitespace-separated words; ``terminal``: whether it ends like a sentence)."""
    if len(text) > 30 * max_words or text.startswith("|") or text.endswith("|"):
        return False
    return words <= max_words and not terminal


def menu_lines(menu: list[bool], min_run: int) -> int:
    """How many lines stand in navigation runs: at least ``min_run`` menu-like lines in a row (``menu``: whether
    each line is menu-like, see :func:`is_menu_like`)."""
    total = run = 0
    for like in [*menu, False]:
        if like:
            run += 1
            continue
        if run >= min_run:
            total += run
        run = 0
    return total


def chrome_labels(texts: list[str], menu: list[bool], phrases: Any, limit: int = 10) -> list[str]:
    """Distinct menu-like lines (``menu``: whether each line is) that are page-chrome labels or page-section
    headings (at most ``limit``)."""
    chrome, sections = phrases["page_chrome"], phrases["page_sections"]
    found: set[str] = set()
    for text, like in zip(texts, menu, strict=True):
        if not like:
            continue
        key = text.lower()
        if key in found:
            continue
        if chrome.fullmatch(text) or sections.fullmatch(text):
            found.add(key)
            if len(found) >= limit:
                break
    return sorted(found)


MENU_WORDS = 4  # a navigation label has at most this many words (and no sentence punctuation)...
MENU_RUN = 3  # ... and stands in a run of at least this many such lines


@line_cache()
def line_figures(text: str) -> tuple[str, int, int, bool, bool, str, bool]:
    """What the page decision reads of one line: its stripped text, its whitespace-separated words, its
    characters, whether it ends like a sentence, may hold a link-like piece, its lower case, and whether it is
    menu-like (cached by text: the decision runs again on every pass, over mostly the same lines). Chinese and
    Japanese characters count as the words and characters they weigh (:data:`cleaner.text.UNSPACED`)."""
    t = text.strip()
    terminal = is_terminal(t)
    words, chars = weighed(t, len(t.split()), _whitespace_words)
    return t, words, chars, terminal, has_link_hint(t), t.lower(), is_menu_like(t, MENU_WORDS, words, terminal)


def page_features(doc: Document, phrases: Any) -> tuple[list[float], list[str]]:
    """The figures of :data:`PAGE_FEATURES` for every line of ``doc`` (also those earlier rules removed),
    and the page-chrome labels found."""
    # Each line's figures, computed once for all the figures below (the counts are integers, the one sum of
    # floats runs in line order).
    rows = list(map(line_figures, [line.text for line in doc.lines]))
    columns = [list(column) for column in zip(*rows, strict=True)] or [[] for _ in range(7)]
    texts, words, chars, terminal, hints, lowered, menu = columns
    n = len(texts) or 1
    total = sum(chars) or 1
    counts = Counter(lowered)
    labels = chrome_labels(texts, menu, phrases)
    tail = words[-max(n // 5, 1) :]
    # Counts over the lines in plain Python: a text has tens of lines more often than thousands, and numpy's
    # arrays cost more to build than these loops on tens (the figures are the same integers over n).
    figures = [
        math.log1p(len(texts)),
        math.log1p(total),
        menu_lines(menu, MENU_RUN) / n,
        float(len(labels)),
        sum(w <= 4 for w in words) / n,
        sum(w <= 2 for w in words) / n,
        terminal.count(False) / n if texts else 0.0,
        sum(c for c, end in zip(chars, terminal, strict=True) if end and c >= 200) / total if texts else 0.0,
        sum(map(math.log1p, chars)) / n,
        sum(c for c in counts.values() if c > 1) / n,
        sum(hints) / n,
        *_title_figures(texts, words),
        sum(w <= 4 for w in tail) / max(n // 5, 1),
        wrapped_lines(texts, terminal) / n,
    ]
    return figures, labels


def wrapped_lines(texts: list[str], terminal: list[bool]) -> int:
    """Lines that go on in the next line, in lower case: hard-wrapped prose (plain-text mails, papers, <pre>),
    which has short unpunctuated lines like a menu but is no page chrome (``terminal``: whether each line ends
    like a sentence)."""
    return sum(
        bool(t) and bool(nxt) and nxt[0].islower() and not end
        for (t, nxt), end in zip(pairwise(texts), terminal, strict=False)
    )


def _title_figures(texts: list[str], words: list[int]) -> list[float]:
    """Whether the first line looks like a page title (short, unpunctuated), and whether a later line repeats it
    (``words``: each line's number of whitespace-separated words)."""
    if len(texts) < 2:
        return [0.0, 0.0]
    first = texts[0]
    looks = float(words[0] <= 20 and not is_terminal(first))
    keys = title_keys(first)
    longest = len(first) + 8
    repeated = any(len(t) <= longest and w >= 3 and title_key(t) in keys
                   for t, w in zip(texts[1:], words[1:], strict=True))
    return [looks, float(repeated)]
