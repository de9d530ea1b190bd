"""Readers and writers: turn input paths into documents, and results into files.

Input kinds, by file name:

* ``.txt``, ``.text`` (and ``.gz`` of them): one text document per file;
* ``.html``, ``.htm`` (and ``.gz``): one HTML page per file;
* ``.jsonl`` (and ``.jsonl.gz``): one document per line, a JSON object with
  ``id`` and ``text`` (or ``html``); every other field is kept.

Outputs mirror the input tree: ``a/b.txt`` and ``a/b.html`` become
``OUT/a/b.txt``, ``a/c.jsonl`` becomes ``OUT/a/c.jsonl``. Every file is
written atomically (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}


class InputError(ValueError):
    """A document or file that cannot be read; the message names the reason."""


@dataclass
class Task:
    """One document to clean, with where it came from."""

    doc_id: str
    kind: str  # "text" or "html"
    content: str | bytes
    source: str  # the input file (relative display path)
    line: int | None = None  # line number in a JSONL file
    record: dict[str, Any] = field(default_factory=dict)  # the JSONL record, kept fields
    url: str | None = None


@dataclass
class InputFile:
    """An input file and where its output goes (relative to the output folder)."""

    path: Path
    rel: Path
    kind: str  # "text", "html" or "jsonl"

    @property
    def display(self) -> str:
        """The path as shown in messages."""
        return str(self.path)

    @property
    def out_rel(self) -> Path:
        """Output path relative to the output folder."""
        name = self.rel.name
        if name.endswith(".gz"):
            name = name[:-3]
        stem = name.rpartition(".")[0]
        if self.kind == "jsonl":
            return self.rel.with_name(name)
        return self.rel.with_name(f"{stem}.txt")


def kind_of(path: Path) -> str | None:
    """The input kind of a file name, or None when it is not one we read."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in TEXT_SUFFIXES:
        return "text"
    if last in HTML_SUFFIXES:
        return "html"
    if last in JSONL_SUFFIXES:
        return "jsonl"
    return None


def walk_inputs(root: Path, exclude: Path | None = None) -> Iterator[InputFile]:
    """Every readable input file under ``root`` (a file or a folder), sorted.

    Folders are walked without following symbolic links to folders (no
    loops); ``exclude`` (the output folder) is skipped.
    """
    if root.is_file():
        yield InputFile(root, Path(root.name), kind_of(root) or "text")
        return
    excluded = exclude.resolve() if exclude else None
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if excluded is None or (here / d).resolve() != excluded)
        for name in sorted(filenames):
            path = here / name
            kind = kind_of(path)
            if kind is not None:
                yield InputFile(path, path.relative_to(root), kind)


def read_bytes(path: Path, max_bytes: int, max_expanded: int) -> bytes:
    """The content of ``path``, decompressed if it ends in ``.gz``, within the size limits."""
    try:
        size = path.stat().st_size
        if size > max_bytes and not path.name.endswith(".gz"):
            raise InputError(f"too large ({size} bytes > limit {max_bytes})")
        with path.open("rb") as fh:
            if path.name.endswith(".gz"):
                with gzip.GzipFile(fileobj=fh) as gz:
                    data = gz.read(max_expanded + 1)
                if len(data) > max_expanded:
                    raise InputError(f"decompresses to more than {max_expanded} bytes")
                return data
            return fh.read()
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"cannot read ({getattr(exc, 'strerror', None) or exc})") from exc


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else a detected encoding, else cp1252."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("binary file (NUL bytes), not text")
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding not in ("utf_8",):
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace")


class AtomicWriter:
    """Write a text file under a temporary name; rename it into place on commit.

    The temporary file sits in the target's folder (same file system, so the
    rename is atomic); a ``.gz`` target is gzip-compressed.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        self.tmp = Path(tmp)
        self._file = os.fdopen(fd, "wb")
        raw: IO[bytes] = self._file
        if target.name.endswith(".gz"):
            raw = gzip.GzipFile(filename="", fileobj=self._file, mode="wb")  # type: ignore[assignment]
        self.stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        """Write ``text`` to the temporary file."""
        self.stream.write(text)

    def commit(self) -> None:
        """Flush, close and move the file into place."""
        self.stream.close()
        self._file.close()
        os.replace(self.tmp, self.target)

    def abort(self) -> None:
        """Close and delete the temporary file."""
        try:
            self.stream.close()
            self._file.close()
        finally:
            self.tmp.unlink(missing_ok=True)


def jsonl_tasks(data: bytes, inp: InputFile) -> Iterator[Task | InputError]:
    """The documents of a JSONL file; a bad line gives an InputError naming it."""
    for lineno, raw in enumerate(data.splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{inp.display}:{lineno}"
        try:
            rec = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield InputError(f"{where}: not a JSON object ({exc.__class__.__name__}: {exc})")
            continue
        if not isinstance(rec, dict):
            yield InputError(f"{where}: not a JSON object")
            continue
        doc_id = rec.get("id", f"{inp.rel}:{lineno}")
        doc_id = doc_id if isinstance(doc_id, str) else json.dumps(doc_id)
        if isinstance(rec.get("text"), str):
            yield Task(doc_id, "text", rec["text"], inp.display, lineno, rec)
        elif isinstance(rec.get("html"), str):
            url = rec.get("url") if isinstance(rec.get("url"), str) else None
            yield Task(doc_id, "html", rec["html"], inp.display, lineno, rec, url)
        else:
            yield InputError(f"{where}: no string 'text' or 'html' field")
