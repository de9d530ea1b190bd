"""Readers and writers: turn input paths into documents, and results into files.

Input kinds, by file name (``--input-format`` names one for every file):

* ``.txt``, ``.text``, ``.md``, ``.markdown`` (and ``.gz`` of them): one text
  document per file;
* ``.html``, ``.htm``, ``.xhtml`` (and ``.gz``): one HTML page per file;
* ``.jsonl``, ``.ndjson``, ``.json`` (and ``.gz``): one document per line, a
  JSON object with ``id`` and ``text`` (or ``html``); every other field is
  kept. A ``.json`` file is read as JSON Lines (what ``datasets`` writes);
  one holding a JSON array is refused with a named error;
* ``.parquet``: one document per row (with the ``parquet`` extra).

In a folder, files of no known kind are skipped, and named as skipped.
On standard input the kind is sniffed: a first non-blank ``{`` is JSONL,
``<`` HTML, anything else text.

Outputs mirror the input tree: ``a/b.txt`` and ``a/b.html`` become
``OUT/a/b.txt``, ``a/c.jsonl`` becomes ``OUT/a/c.jsonl``. Every file is
written atomically (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.decoding import decode_text
from cleaner.errors import InputError
from cleaner.names import shown
from cleaner.records import Fields, get_path
from cleaner.writer import AtomicWriter, fit_name, read_checkpoint  # noqa: F401 (where they were)

DEFAULT_FIELDS = Fields()

__all__ = ["AtomicWriter", "InputError", "InputFile", "Task", "decode_text", "iter_jsonl", "read_bytes", "walk_inputs"]
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".json"}
PARQUET_SUFFIXES = {".parquet"}
INPUT_FORMATS = ("auto", "text", "html", "jsonl", "parquet")


@dataclass(slots=True)  # slots: a task crosses to a worker process as a tuple of its fields (pickled faster)
class Task:
    """One document to clean, with where it came from."""

    doc_id: str
    kind: str  # "text", "html", "jsonl" or "row" (a JSONL line or Parquet row not parsed yet: parse_line_task)
    content: str | bytes
    source: str  # the input file (relative display path)
    line: int | None = None  # line number in a JSONL file
    record: dict[str, Any] = field(default_factory=dict)  # the JSONL record, kept fields
    url: str | None = None
    row: bool = False  # a Parquet row: its output is the record itself (values JSON cannot hold stay as they are)
    raw: str | None = None  # the JSONL line the record was read from: its output keeps it but for what changed


@dataclass
class InputFile:
    """An input file and where its output goes (relative to the output folder)."""

    path: Path
    rel: Path
    kind: str  # "text", "html", "jsonl" or "parquet"
    problem: str | None = None  # why the walk could not use it (an unreadable folder, a broken link, ...)
    stream: IO[bytes] | None = field(default=None, repr=False)  # standard input (see stdin_input), not a file

    @property
    def display(self) -> str:
        """The path as shown in messages and the audit log (one line, quoted when it must be: see :func:`shown`)."""
        return STDIN if self.stream is not None else shown(str(self.path))

    @property
    def doc(self) -> str:
        """The id of the file's document (its path below the input folder, shown as :attr:`display` is)."""
        return shown(str(self.rel))

    @property
    def out_rel(self) -> Path:
        """Output path relative to the output folder: the same name for records (JSONL, Parquet; gzipped stays
        gzipped), else the name with ``.txt`` for its last suffix (``a.html.gz`` -> ``a.txt``, ``README`` ->
        ``README.txt``)."""
        return self.out_rel_as("txt")

    def out_rel_as(self, suffix: str) -> Path:
        """:attr:`out_rel` with ``suffix`` for the outputs of single documents (``txt`` or ``md``)."""
        if self.kind in ("jsonl", "parquet"):
            return self.rel
        name = self.rel.name
        if name.lower().endswith(".gz"):
            name = name[:-3]
        stem = name.rpartition(".")[0] if "." in name.lstrip(".") else name
        return self.rel.with_name(fit_name(stem, f".{suffix}"))


def kind_of(path: Path) -> str | None:
    """The input kind of a file name, or None when it is not one we read."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    for kind, known in (("text", TEXT_SUFFIXES), ("html", HTML_SUFFIXES), ("jsonl", JSONL_SUFFIXES),
                        ("parquet", PARQUET_SUFFIXES)):
        if last in known:
            return kind
    return None


def sniff(data: bytes) -> str:
    """The kind of a stream from its first bytes: a first non-blank ``{`` is JSONL, ``<`` HTML, else text."""
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :].replace(b"\x00", b"")  # UTF-16: its ASCII bytes are what counts here
            break
    first = head.lstrip()[:1]
    return {b"{": "jsonl", b"<": "html"}.get(first, "text")


STDIN = "<stdin>"  # standard input's name in messages, ids and the audit log


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were read already: ``head``, then the rest of ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def stdin_input(stream: IO[bytes], kind: str | None = None) -> InputFile:
    """Standard input as an input: its kind is ``kind``, else sniffed (see :func:`sniff`); gzip data is
    decompressed (``cat x.jsonl.gz | clean -`` works)."""
    head = stream.read(_SNIFF_BYTES)
    data: IO[bytes] = io.BufferedReader(_Prefixed(head, stream), _READ_BUFFER)
    if head.startswith(b"\x1f\x8b"):
        unzipped = gzip.GzipFile(fileobj=data)
        head = unzipped.read(_SNIFF_BYTES)
        data = io.BufferedReader(_Prefixed(head, unzipped), _READ_BUFFER)
    return InputFile(Path("-"), Path(STDIN), kind or sniff(head), stream=data)


_SNIFF_BYTES = 4096


def walk_inputs(
    root: Path,
    exclude: Path | list[Path] | None = None,
    *,
    kind: str | None = None,
    skipped: list[Path] | None = None,
) -> Iterator[InputFile]:
    """Every input file under ``root`` (a file or a folder), sorted, with what could not be walked.

    Folders are walked without following symbolic links to folders (no
    loops, nothing outside the tree is walked); the ``exclude`` folders (the
    output folder) are skipped. A folder that cannot be listed is yielded as
    an :class:`InputFile` with a ``problem``, so that it ends as a named
    error instead of silently holding no documents.

    ``kind`` (``--input-format``) is the kind of every file; without it a
    file's name tells (a file given by name is text when its name does not),
    and the files of a folder that are of no known kind are appended to
    ``skipped``.
    """
    if root.is_file():
        yield InputFile(root, Path(root.name), kind or kind_of(root) or "text")
        return
    if not root.is_dir():
        yield InputFile(root, Path(root.name), "text", problem="not a regular file or folder")
        return
    excluded = {p.resolve() for p in ([exclude] if isinstance(exclude, Path) else exclude or [])}
    problems: list[InputFile] = []

    def unreadable(err: OSError) -> None:
        where = Path(err.filename) if err.filename else root
        rel = where.relative_to(root) if where.is_relative_to(root) else Path(where.name)
        problems.append(InputFile(where, rel, "text", problem=f"cannot read folder ({err.strerror or err})"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        yield from problems
        problems.clear()
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in excluded)
        for name in sorted(filenames):
            path = here / name
            hidden = name.startswith(".")  # never read without a known suffix, nor named as skipped
            found = kind_of(path) if kind is None else (None if hidden else kind)
            if found is not None:
                yield InputFile(path, path.relative_to(root), found)
            elif skipped is not None and not hidden:
                skipped.append(path)
    yield from problems


_READ_BUFFER = 1 << 20  # bytes read at a time: a JSONL line costs no system call of its own


def open_regular(path: Path) -> IO[bytes]:
    """Open ``path`` for reading, refusing anything but a regular file (a FIFO would block, a device never ends).

    The check is made on the opened file (``fstat``), so it cannot be
    raced; opening does not block, even on a FIFO.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError("not a regular file (a folder, FIFO, socket or device)")
        return os.fdopen(fd, "rb", buffering=_READ_BUFFER)
    except BaseException:
        os.close(fd)
        raise


def _read_limited(fh: IO[bytes], limit: int, what: str) -> bytes:
    """Read all of ``fh``, raising InputError as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = fh.read(min(1 << 20, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputError(what)


def read_bytes(path: Path, max_bytes: int, max_expanded: int, stream: IO[bytes] | None = None) -> bytes:
    """The content of ``path`` (or of ``stream``), decompressed if it ends in ``.gz``, within the size limits.

    Never holds more than the limit in memory: a file is refused from its
    size before it is read, a ``.gz`` file as soon as its decompressed data
    passes ``min(max_bytes, max_expanded)`` (a gzip bomb costs no memory).
    """
    try:
        if stream is not None:
            return _read_limited(stream, max_bytes, f"too large (more than max_document_bytes = {max_bytes})")
        with open_regular(path) as fh:
            if not path.name.endswith(".gz"):
                size = os.fstat(fh.fileno()).st_size
                if size > max_bytes:
                    raise InputError(f"too large ({size} bytes > max_document_bytes = {max_bytes})")
                return _read_limited(fh, max_bytes, f"too large (more than max_document_bytes = {max_bytes})")
            limit = min(max_bytes, max_expanded)
            setting = "max_document_bytes" if max_bytes <= max_expanded else "max_expanded_bytes"
            with gzip.GzipFile(fileobj=fh) as gz:
                return _read_limited(gz, limit, f"decompresses to more than {setting} = {limit} bytes")
    except InputError:
        raise
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise InputError(f"cannot read ({getattr(exc, 'strerror', None) or exc})") from exc


def printable(text: str) -> str:
    """``text`` safe to write as UTF-8: lone surrogates (undecodable file names, bad JSON escapes) become U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def iter_jsonl(inp: InputFile, max_line_bytes: int, max_expanded: int) -> Iterator[Task | InputError]:
    """Stream the documents of a JSONL file (``.gz`` too) line by line, in constant memory.

    At most ``max_line_bytes`` of a line are held at once: a longer line is
    skipped with an InputError naming it; a ``.gz`` file stops with an
    InputError once it has decompressed to more than ``max_expanded`` bytes.
    Unreadable files and truncated or corrupt archives also end in an
    InputError naming the file and line, after the documents read so far.

    Each non-blank line comes as a ``"jsonl"`` Task holding the line's
    bytes, to be parsed by :func:`parse_line_task` (in a worker process, so
    that the process that reads the input need not parse it).
    """
    lineno = 0
    try:
        with contextlib.nullcontext(inp.stream) if inp.stream is not None else open_regular(inp.path) as raw_fh:
            fh: IO[bytes] = gzip.GzipFile(fileobj=raw_fh) if inp.path.name.endswith(".gz") else raw_fh
            fh = as_utf8(fh)
            expanded = 0
            started = False  # a document line was read
            while True:
                raw_line = fh.readline(max_line_bytes + 1)
                if not raw_line:
                    return
                lineno += 1
                expanded += len(raw_line)
                if len(raw_line) > max_line_bytes and not raw_line.endswith(b"\n"):
                    expanded += _skip_line(fh)
                    yield InputError(
                        f"{inp.display}:{lineno}: too large (line > max_document_bytes = {max_line_bytes} bytes)"
                    )
                elif expanded > max_expanded and inp.path.name.endswith(".gz"):
                    yield InputError(
                        f"{inp.display}:{lineno}: decompresses to more than max_expanded_bytes = {max_expanded} "
                        "bytes (the rest of the file is not read)"
                    )
                    return
                elif raw_line.isspace():  # a blank line holds no document
                    continue
                elif not started and raw_line.lstrip().startswith(b"["):
                    yield InputError(
                        f"{inp.display}: a JSON array, not JSON Lines (one object a line; jq -c '.[]' converts it)"
                    )
                    return
                else:
                    started = True
                    yield Task(f"{inp.doc}:{lineno}", "jsonl", raw_line, inp.display, lineno)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        where = f"{inp.display}:{lineno + 1}" if lineno else inp.display
        yield InputError(f"{where}: cannot read ({getattr(exc, 'strerror', None) or exc})")


def _wide_encoding(head: bytes) -> str | None:
    """The UTF-16 or UTF-32 encoding a JSONL stream starts in (its byte-order mark, or the NUL byte beside its
    first ``{``), or None for UTF-8."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return encoding
    if head[:2] == b"{\x00":
        return "utf-16-le"
    if head[:2] == b"\x00{":
        return "utf-16-be"
    return None


class _Utf8(io.RawIOBase):
    """The text of a stream in another encoding, as UTF-8 bytes."""

    def __init__(self, text: IO[str]) -> None:
        self.text, self.left = text, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.left:
            chunk = self.text.read(1 << 16)
            if not chunk:
                return 0
            self.left = chunk.encode("utf-8", "surrogatepass")
        n = min(len(buffer), len(self.left))
        buffer[:n], self.left = self.left[:n], self.left[n:]
        return n


def as_utf8(fh: IO[bytes]) -> IO[bytes]:
    """``fh`` itself, or for a UTF-16 or UTF-32 JSONL stream its lines in UTF-8 (read whole, not line by line
    failing)."""
    peek = getattr(fh, "peek", None)
    encoding = _wide_encoding(peek(4)[:4]) if peek is not None else None
    if encoding is None:
        return fh
    text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")  # type: ignore[type-var]
    return io.BufferedReader(_Utf8(text), _READ_BUFFER)


def _skip_line(fh: IO[bytes], chunk: int = 1 << 20) -> int:
    """Read past the rest of the current line; return the number of bytes skipped."""
    skipped = 0
    while True:
        part = fh.readline(chunk)
        skipped += len(part)
        if not part or part.endswith(b"\n"):
            return skipped


def _parse_json_line(raw: bytes) -> tuple[str, Any]:
    """Parse one JSONL line: UTF-8 (as JSON requires; a byte-order mark aside), else decoded like a text file
    (cp1252 ...). Its text and its value."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = decode_text(raw)
    return text, json.loads(text.removeprefix("\ufeff"))


def parse_line_task(task: Task, fields: Fields = DEFAULT_FIELDS) -> Task | InputError:
    """The document of a raw ``"jsonl"`` Task (see :func:`iter_jsonl`) or of a ``"row"`` Task (a Parquet row,
    see :func:`cleaner.parquet.iter_rows`), or an InputError naming a bad line or row."""
    if task.kind == "row":
        found = record_task(task.record, task.line or 0, task.source, task.doc_id, fields)
        if isinstance(found, Task):
            found.row = True
        return found
    if task.kind != "jsonl":
        return task
    assert isinstance(task.content, bytes) and task.line is not None
    return _jsonl_line(task.content, task.line, task.source, task.doc_id, fields)


def _jsonl_line(raw: bytes, lineno: int, display: str, default_id: str, fields: Fields) -> Task | InputError:
    """The document of one non-blank JSONL line of the file ``display``; an InputError naming a bad one."""
    where = f"{display}:{lineno}"
    try:
        text, rec = _parse_json_line(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, InputError; RecursionError: nested too deep
        reason = "nested too deeply" if isinstance(exc, RecursionError) else f"{exc.__class__.__name__}: {exc}"
        return InputError(f"{where}: not a JSON object ({reason})", source=display, line=lineno)
    if not isinstance(rec, dict):
        return InputError(f"{where}: not a JSON object")
    task = record_task(rec, lineno, display, default_id, fields)
    if isinstance(task, Task):
        task.raw = text
    return task


def record_task(rec: dict[str, Any], number: int, display: str, default_id: str, fields: Fields) -> Task | InputError:
    """The document of record ``number`` (a JSONL line, a Parquet row) of the file ``display``, found at
    ``fields``; an InputError when it has neither a string text nor a string HTML field."""
    doc_id = get_path(rec, fields.id, default_id)
    doc_id = doc_id if isinstance(doc_id, str) else json.dumps(doc_id, default=str)
    text = get_path(rec, fields.text)
    if isinstance(text, str):
        return Task(doc_id, "text", text, display, number, rec)
    html = get_path(rec, fields.html)
    if isinstance(html, str):
        return Task(doc_id, "html", html, display, number, rec, fields.url_of(rec))
    return InputError(f"{display}:{number}: no string {fields.text!r} or {fields.html!r} field")
