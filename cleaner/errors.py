"""The errors the engine raises for input it cannot use: each message names the reason (and callers add the file)."""

from __future__ import annotations


class InputError(ValueError):
    """A document or file that cannot be read; the message names the file (and line) and the reason.

    ``source``, ``line`` and ``doc_id``, when given, say which input failed;
    they go into the audit log's error record.
    """

    def __init__(
        self, message: str, *, source: str | None = None, line: int | None = None, doc_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.source = source
        self.line = line
        self.doc_id = doc_id


class HtmlError(ValueError):
    """A page that cannot be used: not HTML, binary, too large, or of the wrong type."""


class EngineError(Exception):
    """An engine that cannot run the job: a cluster that cannot be reached, or whose workers run another version."""
