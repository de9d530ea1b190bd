"""``clean --explain FILE``: one document on stdout with every removal marked inline, and why.

The normalised text is printed whole. Each removed span is marked where it
stands, and under the line where it ends its rule and reason follow. On a
terminal the marks are colours (one per rule) and strike-through; elsewhere
(a pipe, a file, ``NO_COLOR`` set) they are plain brackets::

    [-Subscribe to Breaking News emails-]
        ^ removed by newsletter.prompt: starts with prompt phrase 'Subscribe to', 5 words

``[-...-]`` is removed text, ``[?...?]`` text a rule looked at and kept while
unsure. When several marks end on one line they are numbered.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import IO

from cleaner.config import Config
from cleaner.document import Removal
from cleaner.io import InputError, InputFile, Task, decode_text, iter_jsonl, kind_of, parse_line_task, read_bytes
from cleaner.pipeline import Cleaner, Result

_COLOURS = ("31", "34", "35", "33", "36", "32", "91", "94", "95", "96")  # ANSI foreground colours, one per rule
_RESET = "\x1b[0m"


def use_colour(stream: IO[str]) -> bool:
    """Colour when ``stream`` is a terminal, unless ``NO_COLOR`` is set; ``FORCE_COLOR`` forces it."""
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass
class _Mark:
    """A span to mark: a removal or a keep, trimmed of the whitespace at its ends."""

    number: int
    record: Removal
    start: int
    end: int

    @property
    def removed(self) -> bool:
        return self.record.action == "remove"


def explain(result: Result, *, colour: bool = False) -> str:
    """The document of ``result`` with its removals and keeps marked, each followed by its rule and reason."""
    text = result.normalized
    rules = sorted({r.rule for r in [*result.removals, *result.notes]})
    paint = {rule: _COLOURS[i % len(_COLOURS)] for i, rule in enumerate(rules)}
    marks = []
    for r in sorted([*result.removals, *result.notes], key=lambda r: (r.start, r.end)):
        start, end = r.start, r.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            marks.append(_Mark(len(marks) + 1, r, start, end))
    out: list[str] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        here = [m for m in marks if m.start <= line_end and m.end > line_start]
        out.append(_marked_line(text, line_start, line_end, here, paint, colour))
        ending = [m for m in here if line_start < m.end <= line_end]
        for m in ending:
            out.append(_note(m, len(ending) > 1, paint, colour))
        line_start = line_end + 1
    out.append(_summary(result))
    return "\n".join(out) + "\n"


def _marked_line(text: str, lo: int, hi: int, marks: list[_Mark], paint: dict[str, str], colour: bool) -> str:
    """One line of the text, with the parts of ``marks`` it holds marked."""
    if not marks:
        return text[lo:hi]
    cuts = sorted({lo, hi, *(max(lo, min(hi, p)) for m in marks for p in (m.start, m.end))})
    pieces = list(pairwise(cuts))
    if colour:
        return "".join(_coloured(text[a:b], [m for m in marks if m.start <= a and m.end >= b], paint)
                       for a, b in pieces)
    # Plain brackets: an opening mark where a span starts, a closing one (numbered if need be) where it ends.
    numbered = sum(1 for m in marks if lo < m.end <= hi) > 1
    out = []
    for a, b in pieces:
        out.extend("[-" if m.removed else "[?" for m in marks if m.start == a)
        out.append(text[a:b])
        out.extend(("-]" if m.removed else "?]") + (f"#{m.number}" if numbered else "")
                   for m in reversed(marks) if m.end == b)
    return "".join(out)


def _coloured(piece: str, cover: list[_Mark], paint: dict[str, str]) -> str:
    """``piece`` in the colour of the rule that removed it (struck through), underlined where kept."""
    if not cover:
        return piece
    removal = next((m for m in cover if m.removed), None)
    keep = next((m for m in cover if not m.removed), None)
    codes = []
    if removal is not None:
        codes += [paint[removal.record.rule], "9"]  # the rule's colour, struck through
    if keep is not None:
        codes += ["4"] + ([] if removal is not None else [paint[keep.record.rule]])  # underlined
    return f"\x1b[{';'.join(codes)}m{piece}{_RESET}"


def _note(m: _Mark, numbered: bool, paint: dict[str, str], colour: bool) -> str:
    """The line under a mark: its rule and reason."""
    what = "removed by" if m.removed else "kept (unsure) by"
    tag = f"#{m.number} " if numbered else ""
    rule = f"\x1b[1;{paint[m.record.rule]}m{m.record.rule}{_RESET}\x1b[2m" if colour else m.record.rule
    line = f"    ^ {tag}{what} {rule}: {m.record.reason}"
    return f"\x1b[2m{line}{_RESET}" if colour else line


def _summary(result: Result) -> str:
    removed = sum(len(r.text) for r in result.removals)
    total = len(result.normalized)
    share = removed / total if total else 0.0
    rules = len({r.rule for r in result.removals})
    keeps = f"; {len(result.notes)} kept while unsure" if result.notes else ""
    if not result.removals:
        return f"-- nothing removed ({total} characters){keeps}"
    what = f"{len(result.removals)} removals by {rules} rule{'s' if rules > 1 else ''}"
    return f"-- {what}: {removed} of {total} characters ({share:.1%}) removed{keeps}"


def explain_file(path: Path | None, config: Config, *, html: bool = False) -> Iterator[tuple[str, Result]]:
    """Clean the documents of one input file (``None``: standard input) for :func:`explain`.

    A text or HTML file is one document, a JSONL file one per line. Raises
    :class:`~cleaner.io.InputError` for input that cannot be used, naming it.
    """
    cleaner = Cleaner(config)
    max_bytes = config.limits.max_document_bytes
    max_expanded = config.limits.max_expanded_bytes
    if path is None:
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(f"<stdin>: too large (more than {max_bytes} bytes)")
        tasks: Iterator[Task | InputError] = iter([Task("<stdin>", "html" if html else "text", data, "<stdin>")])
    elif (kind_of(path) or "text") == "jsonl":
        tasks = iter_jsonl(InputFile(path, Path(path.name), "jsonl"), max_bytes, max_expanded)
    else:
        kind = "html" if html else (kind_of(path) or "text")
        tasks = iter([Task(path.name, kind, read_bytes(path, max_bytes, max_expanded), str(path))])
    for item in tasks:
        task = parse_line_task(item) if isinstance(item, Task) else item
        if isinstance(task, InputError):
            raise task
        if task.kind == "html":
            yield task.doc_id, cleaner.clean_html(task.content, url=task.url, doc_id=task.doc_id)
        else:
            content = task.content if isinstance(task.content, str) else decode_text(task.content)
            yield task.doc_id, cleaner.clean_text(content, doc_id=task.doc_id)


def explain_many(results: Iterator[tuple[str, Result]], *, colour: bool, many: bool) -> Iterator[str]:
    """The explanations of several documents (a JSONL file), each under a header with its id when ``many``."""
    for doc_id, result in results:
        if many:
            yield f"== {doc_id} ==\n"
        yield explain(result, colour=colour)
