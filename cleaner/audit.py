"""The audit log's file and level.

``--audit-level`` chooses how much is written per document:

* ``full`` (the default): one record per removal and per deliberate keep,
  with the removed text and the reason, enough to rebuild the input;
* ``summary``: one record per rule and document, with counts
  (``{"doc", "rule", "action": "summary", "removed", "removed_chars", "kept"}``),
  a small fraction of the full log's size;
* ``errors``: only the records of documents that failed.

Error records are written at every level. An audit path ending in ``.gz``
is written gzip-compressed (a run that is killed leaves a file whose
records so far ``zcat`` still reads).
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from cleaner.writer import Folder, RefusedPath, inside, lock_file

AUDIT_LEVELS = ("full", "summary", "errors")


class AuditLog:
    """The audit log's file: written through a :class:`~cleaner.writer.Folder` (a link in its place is refused,
    never written through), always appended to (``O_APPEND``: it can be cut back with :meth:`truncate`), and
    locked while the run writes it (see :func:`open_audit`), so that two runs never mix their records.

    Lines are held in a buffer of this object's own (so that :meth:`truncate` can drop what a full disk did not
    take) and written to the file without another buffer. A ``.gz`` log is one gzip member per :meth:`mark`, so
    that it can be cut back at a mark too.
    """

    BUFFER = 1 << 16

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.name = str(path)
        self.raw = os.fdopen(fd, "ab", buffering=0)
        self.gzipped = path.name.lower().endswith(".gz")
        self._gzip: gzip.GzipFile | None = None
        self._buffer: list[bytes] = []
        self._held = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8", "replace")
        self._buffer.append(data)
        self._held += len(data)
        if self._held >= self.BUFFER:
            self.flush()
        return len(text)

    def flush(self) -> None:
        """Push the buffered lines to the file (raises OSError when it cannot take them: a full disk)."""
        if not self._buffer:
            return
        data = b"".join(self._buffer)
        self._buffer, self._held = [], 0
        if self.gzipped:
            if self._gzip is None:
                self._gzip = gzip.GzipFile(filename="", fileobj=self.raw, mode="ab", mtime=0)
            self._gzip.write(data)
        else:
            view = memoryview(data)
            while view:
                view = view[self.raw.write(view) :]

    def mark(self) -> int:
        """Flush, end the gzip member, and return where the log now ends (a place :meth:`truncate` may cut at)."""
        self.flush()
        if self._gzip is not None:
            gz, self._gzip = self._gzip, None
            gz.close()  # ends the member; the file stays open
        return os.fstat(self.raw.fileno()).st_size

    def position(self) -> int | None:
        """Where the log ends now, for a plain log (flushed); None for a gzip log, whose members end only at a
        :meth:`mark` (too costly for every document)."""
        return None if self.gzipped else self.mark()

    def fileno(self) -> int:
        return self.raw.fileno()

    def truncate(self, size: int) -> None:
        """Cut the log back to ``size`` (a :meth:`mark`): what was written or buffered after it goes."""
        self._buffer, self._held = [], 0
        if self._gzip is not None:
            self._gzip.fileobj = None  # type: ignore[assignment]  # dropped: closing it would write its trailer
            self._gzip = None
        os.ftruncate(self.raw.fileno(), size)

    def close(self) -> None:
        try:
            self.mark()
        finally:
            self.raw.close()


def open_audit(path: Path, *, append: bool = False, root: Path | None = None) -> TextIO | AuditLog:
    """The audit log's stream: standard output for ``-``, else an :class:`AuditLog` (gzip for a ``.gz`` path).

    Inside the output folder ``root``, no link is followed: a new log replaces whatever file or link had its
    name, and ``append`` (``--resume``) refuses a link or a hard link. A path outside it is the user's own
    choice, opened as any program would (``/dev/null``, a link they made). A regular file is locked for the
    run. Raises OSError when the file cannot be created.
    """
    if str(path) == "-":
        return sys.stdout
    if not inside(path, root):  # a path of the user's own, outside the output folder
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o666)
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):  # not /dev/null, a FIFO ...: no lock, not cut
                lock_file(fd)
                if not append:
                    os.ftruncate(fd, 0)
        except BaseException:
            os.close(fd)
            raise
        return AuditLog(path, fd)
    assert root is not None
    root, path = Path(os.path.abspath(root)), Path(os.path.abspath(path))
    folder = Folder(root, path.parent.relative_to(root))
    try:
        if append:
            try:
                fd = folder.open_existing(path.name, os.O_WRONLY | os.O_APPEND)
            except FileNotFoundError:
                fd = folder.create(path.name)
            lock_file(fd)
        else:
            old = None
            with contextlib.suppress(FileNotFoundError, RefusedPath):
                old = folder.open_existing(path.name)
            try:
                if old is not None:
                    lock_file(old)  # another run still writes it: refused before it is replaced
                fd = folder.create(path.name)
                lock_file(fd)
            finally:
                if old is not None:
                    os.close(old)
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
    finally:
        folder.close()
    return AuditLog(path, fd)


def at_level(records: Iterable[dict[str, Any]], level: str) -> list[dict[str, Any]]:
    """A document's audit records as ``level`` wants them (see the module doc)."""
    if level == "full":
        return list(records)
    if level == "errors":
        return []
    per_rule: dict[str, dict[str, Any]] = {}
    for rec in records:
        summary = per_rule.setdefault(
            rec["rule"],
            {"doc": rec.get("doc"), "rule": rec["rule"], "action": "summary", "removed": 0, "removed_chars": 0,
             "kept": 0},
        )
        if rec["action"] == "remove":
            summary["removed"] += 1
            summary["removed_chars"] += len(rec["text"])
        else:
            summary["kept"] += 1
    return list(per_rule.values())
