"""The atomic writer: an output file appears only when complete, and a JSONL output can be resumed.

See :class:`AtomicWriter`; :func:`read_checkpoint` reads what a resumable
writer recorded before a run was interrupted (``--resume``).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
import zlib
from pathlib import Path
from typing import IO, Any


class AtomicWriter:
    """Write a text file under a temporary name; rename it into place on commit.

    The temporary file (``.NAME.*.part``, which no run reads as input) sits
    in the target's folder, so the rename is atomic: a reader sees the old
    file or the whole new one, never a part; an aborted or killed run leaves
    the target as it was. The temporary file is created at the first write
    (or at commit, for an empty output), so the errors of a folder that
    cannot be written surface as OSError from :meth:`write` or
    :meth:`commit`. A ``.gz`` target is gzip-compressed.

    A *resumable* writer (JSONL outputs, one record per line) writes to
    ``.NAME.partial`` instead and can :meth:`checkpoint`: what it wrote so
    far is flushed (a gzip stream too, so that it can be read back) and
    ``.NAME.partial.json`` records how many lines that is, with the caller's
    state. When the run is interrupted, both stay, and a later run can
    :meth:`restore` those lines and go on (see ``--resume``).

    Text is written as UTF-8. A lone surrogate, which UTF-8 cannot encode
    (a JSONL field with a bad ``\\ud800`` escape), is written back as that
    escape: inside a JSON string this keeps the field exactly as it was.
    """

    def __init__(self, target: Path, *, resumable: bool = False) -> None:
        self.target = target
        self.resumable = resumable
        self.tmp: Path | None = None
        self._file: IO[bytes] | None = None
        self._gzip: gzip.GzipFile | None = None
        self.stream: io.TextIOWrapper | None = None
        self.lines = 0  # lines written (counted by resumable writers)

    @property
    def partial(self) -> Path:
        """Where a resumable writer writes until it commits."""
        return self.target.with_name(f".{self.target.name}.partial")

    @property
    def checkpoint_file(self) -> Path:
        """Where a resumable writer records its last checkpoint."""
        return self.target.with_name(f".{self.target.name}.partial.json")

    def _start(self) -> io.TextIOWrapper:
        if self.stream is None:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            if self.resumable:
                self.checkpoint_file.unlink(missing_ok=True)  # a stale one would describe another file
                self.tmp = self.partial
                self._file = self.tmp.open("wb")
            else:
                fd, tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent)
                self.tmp = Path(tmp)
                self._file = os.fdopen(fd, "wb")
            raw: IO[bytes] = self._file
            if self.target.name.endswith(".gz"):
                self._gzip = gzip.GzipFile(filename="", fileobj=self._file, mode="wb", mtime=0)
                raw = self._gzip  # type: ignore[assignment]
            self.stream = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", newline="\n")
        return self.stream

    def write(self, text: str) -> None:
        """Write ``text`` to the temporary file."""
        self._start().write(text)
        if self.resumable:
            self.lines += text.count("\n")

    def checkpoint(self, state: dict[str, Any]) -> None:
        """Flush what was written and record it (its line count, with ``state``) for a later :meth:`restore`."""
        assert self.resumable
        stream = self._start()
        stream.flush()
        if self._gzip is not None:
            self._gzip.flush()  # a sync flush: every byte so far can be decompressed
        assert self._file is not None
        self._file.flush()
        tmp = self.checkpoint_file.with_name(self.checkpoint_file.name + ".tmp")
        tmp.write_text(json.dumps({**state, "lines": self.lines}), encoding="utf-8")
        os.replace(tmp, self.checkpoint_file)

    def restore(self, lines: int) -> None:
        """Begin with the first ``lines`` lines of the partial output an interrupted run left.

        Raises OSError or ValueError when that output holds fewer complete lines.
        """
        old = self.partial.with_name(self.partial.name + ".old")
        os.replace(self.partial, old)
        opener: Any = gzip.open if self.target.name.endswith(".gz") else open
        try:
            with opener(old, "rt", encoding="utf-8", newline="\n") as fh:
                for _ in range(lines):
                    line = fh.readline()
                    if not line.endswith("\n"):
                        raise ValueError(f"{old}: fewer than {lines} lines")
                    self.write(line)
        except (EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError) as exc:  # cut short, or not ours
            raise ValueError(f"{old}: unreadable ({exc})") from exc
        finally:
            old.unlink(missing_ok=True)

    def commit(self) -> None:
        """Flush, close and move the file into place (the temporary file is removed if that fails)."""
        stream = self._start()
        try:
            stream.close()
            assert self._file is not None and self.tmp is not None
            self._file.close()
            os.replace(self.tmp, self.target)
            if self.resumable:
                self.checkpoint_file.unlink(missing_ok=True)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Close and delete the temporary file (nothing happens when none was created).

        A resumable writer that made a checkpoint keeps it and its partial output, for ``--resume``.
        """
        keep = self.resumable and self.checkpoint_file.exists()
        try:
            if self.stream is not None:
                self.stream.close()
            if self._file is not None:
                self._file.close()
        except OSError:
            pass
        finally:
            if self.tmp is not None and not keep:
                self.tmp.unlink(missing_ok=True)


def read_checkpoint(target: Path) -> dict[str, Any] | None:
    """The last checkpoint a resumable writer of ``target`` recorded (None when there is none, or no partial
    output beside it)."""
    writer = AtomicWriter(target, resumable=True)
    try:
        state = json.loads(writer.checkpoint_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or not isinstance(state.get("lines"), int) or not writer.partial.is_file():
        return None
    return state
