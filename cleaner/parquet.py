"""Parquet in and out (the ``parquet`` extra: ``pip install 'article-cleaner[parquet]'``, pyarrow).

A ``.parquet`` input holds one document per row, found at the record keys
(``--text-key`` ...) like a JSONL line; its output is a ``.parquet`` file
with every column of the input, the text column holding the clean text, and
the columns the run adds (page ``metadata`` when the input has none, and
with ``--add-stats`` ``removed_chars`` and ``lang``). Rows are read and written a
row group at a time, so memory stays bounded; the output is written under a
temporary name and renamed into place when complete, like every output.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleaner.errors import InputError
from cleaner.writer import Folder

BATCH_ROWS = 1024  # rows read (and written) at a time
METADATA_FIELDS = ("title", "author", "date", "url", "sitename")


def pyarrow() -> Any:
    """The ``pyarrow`` module, or an InputError saying how to install it."""
    try:
        import pyarrow as pa
        import pyarrow.parquet
    except ImportError as exc:
        raise InputError("Parquet needs pyarrow: pip install 'article-cleaner[parquet]'") from exc
    return pa


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a Parquet file as ``(row number from 1, record)``; InputError when it cannot be read."""
    pa = pyarrow()
    try:
        reader = pa.parquet.ParquetFile(path)
        number = 0
        for batch in reader.iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                number += 1
                yield number, row
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"cannot read as Parquet ({exc})") from exc


def schema_of(path: Path) -> Any:
    """The schema of a Parquet file."""
    return pyarrow().parquet.read_schema(path)


# Types of the columns a run adds (see cleaner.records.Output); any other new field's type is inferred.
def _added_types(pa: Any) -> dict[str, Any]:
    return {
        "metadata": pa.struct([(f, pa.string()) for f in METADATA_FIELDS]),
        "removed_chars": pa.int64(),
        "lang": pa.string(),
        "text": pa.string(),
    }


class ParquetWriter:
    """Write records as a Parquet file with the input's schema plus the columns the run added.

    The interface of :class:`cleaner.io.AtomicWriter` for one output file:
    :meth:`write` a record, then :meth:`commit` (rename into place) or
    :meth:`abort` (remove the temporary file). The schema is the input
    file's, with the fields the first records add (the clean text, page
    metadata, statistics) appended.
    """

    resumable = False

    def __init__(self, target: Path, source: Path, root: Path | None = None) -> None:
        self.pa = pyarrow()
        self.target = target
        self.schema = schema_of(source)
        self.rows: list[dict[str, Any]] = []
        root = root if root is not None else target.parent
        self.folder = Folder(root, target.parent.relative_to(root))
        self.tmp: str | None = None
        self._file: Any = None
        self._writer: Any = None

    def write(self, record: dict[str, Any]) -> None:
        """Add one record (a row group is written every ``BATCH_ROWS`` records)."""
        self.rows.append(record)
        if len(self.rows) >= BATCH_ROWS:
            self._flush()

    def _start(self) -> None:
        """Open the temporary file, the schema completed with the fields the first records add."""
        known = _added_types(self.pa)
        for name in dict.fromkeys(k for row in self.rows for k in row):
            if self.schema.get_field_index(name) < 0:
                kind = known.get(name) or self.pa.array([row.get(name) for row in self.rows]).type
                self.schema = self.schema.append(self.pa.field(name, kind))
        fd, self.tmp = self.folder.create_temp(self.target.name)
        self._file = os.fdopen(fd, "wb")
        self._writer = self.pa.parquet.ParquetWriter(self._file, self.schema)

    def _flush(self) -> None:
        if self._writer is None:
            self._start()
        if self.rows:
            self._writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def commit(self) -> None:
        """Write what is left and move the file into place."""
        try:
            self._flush()
            self._writer.close()
            self._file.close()
            assert self.tmp is not None
            self.folder.replace(self.tmp, self.target.name)
            self.tmp = None
        except BaseException:
            self.abort()
            raise
        finally:
            self.folder.close()

    def abort(self) -> None:
        """Remove the temporary file."""
        with contextlib.suppress(Exception):  # closing a broken file: nothing left to save
            if self._writer is not None:
                self._writer.close()
            if self._file is not None:
                self._file.close()
        with contextlib.suppress(OSError):
            if self.tmp is not None:
                self.folder.unlink(self.tmp)
        self.folder.close()
