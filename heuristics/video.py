"""Video blocks: a media file name or slug, a title, and a duration line ("03:01 - Source: CNN")."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from cleaner.document import Document
from cleaner.rules import Decision, Param, RuleContext, rule
from heuristics._lines import is_title_like, looks_like_code

# A token ending in a media extension. It starts only where a token starts (the lookbehind), so a
# long token is scanned once, not once per character (linear time).
MEDIA_FILE = re.compile(r"(?<!\S)\S+\.(?:jpe?g|png|gif|webp|avif|mp4|m4v|mov|webm|m3u8|mp3)\b", re.IGNORECASE)
# "03:01", "1:02:33", "03:01 - Source: CNN". A "Source:" line without a duration is a citation, not a video.
DURATION = re.compile(r"(?:(?:\d{1,2}:)?\d{1,2}:\d{2}\b)(?:\s*[-\u2013\u2014|]\s*\w+\s*:\s*[\w .&'-]{1,40})?")
# What a line holds if it matches either: a duration's minutes and seconds, or a media extension.
_DURATION_OR_MEDIA = re.compile(r"\d:\d\d|\.(?:jpe?g|png|gif|webp|avif|mp4|m4v|mov|webm|m3u8|mp3)\b", re.IGNORECASE)


@rule(
    "video.block",
    order=130,
    max_title_lines=Param(2, "title and slug lines before a duration line"),
    max_duration_words=Param(12, "a duration line is at most this long"),
    max_title_words=15,
)
def block(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove video blocks: a duration line, the short title lines before it, and media file names.

    A line that is only a duration ("03:01 - Source: CNN") anchors a block
    that reaches back over at most ``max_title_lines`` short lines without
    sentence punctuation (the video title and slug); a short line naming a
    media file (``pkg_00021407.jpg``) goes on its own. A time under a line
    of code (``>>> print(tz.utcoffset(dt))`` then ``1:00:00``) is the
    program's output: it stays, logged, and a line of code is no title.
    """
    lines = doc.live_lines()
    taken: set[int] = set()
    longest = max(ctx["max_duration_words"], ctx["max_title_words"])  # the most words a line of either kind has
    # Only lines that may hold a duration or a media file name start anything: one search each finds them.
    found = [line for line in doc.short_lines(longest) if _DURATION_OR_MEDIA.search(line.text)]
    for line in found:
        i = bisect_left(lines, line)
        text = line.text
        if doc.is_short(line, ctx["max_duration_words"]) and DURATION.fullmatch(text):
            taken.add(i)
            if i > 0 and looks_like_code(lines[i - 1].text):
                yield Decision(line.start, line.end, "a duration, but under a line of code: the program's output",
                               "keep")
                continue
            yield Decision(line.start, line.end, "video duration line")
            j = i - 1
            while j >= 0 and i - j <= ctx["max_title_lines"] and j not in taken:
                prev = lines[j].text
                if not is_title_like(prev, ctx["max_title_words"]) or looks_like_code(prev):
                    break
                taken.add(j)
                yield Decision(lines[j].start, lines[j].end, f"video title or slug {i - j} line(s) before its duration")
                j -= 1
        elif i not in taken and doc.is_short(line, ctx["max_title_words"]) and MEDIA_FILE.search(text):
            taken.add(i)
            yield Decision(line.start, line.end, f"names a media file {MEDIA_FILE.search(text).group(0)!r}")
