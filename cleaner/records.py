"""Fields of JSON records: dotted paths (``metadata.url``) and the metadata a cleaned page adds.

Corpus tools nest their fields: datatrove keeps ``id`` and ``text`` at the top
and the page's ``url`` under ``metadata``; Hugging Face datasets may hold
anything. A *key* is a dotted path into nested objects; a key that names an
existing top-level field with a dot in its name (``"meta.url"`` itself) is
that field.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

_MISSING = object()


def get_path(record: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """The value at ``key`` (a field name, or a dotted path into nested objects), or ``default``."""
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return default
        value = value[part]
    return value


def set_path(record: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` (see :func:`get_path`) to ``value``, creating the objects on the way.

    A top-level field named ``key`` is set as such; a path through a value
    that is not an object replaces nothing and raises ValueError. The
    objects on the way are copied, not changed: ``record`` may be a shallow
    copy of a record that must stay as it was.
    """
    if key in record or "." not in key:
        record[key] = value
        return
    *parents, last = key.split(".")
    node = record
    for part in parents:
        child = node.get(part, {})
        if not isinstance(child, dict):
            raise ValueError(f"cannot set {key!r}: {part!r} is not an object")
        node[part] = child = dict(child)
        node = child
    node[last] = value


def merge_metadata(record: dict[str, Any], metadata: Mapping[str, Any], key: str = "metadata") -> None:
    """Add a page's metadata (title, author, date, url, ...) to ``record[key]``.

    An existing object there keeps every field it has (the record's own
    ``url`` wins over the page's) and gains the others; without one, the
    metadata becomes it. Empty values are not added. A ``key`` holding (or
    running through) something else than an object is left alone.
    """
    found = {k: v for k, v in metadata.items() if v}
    if not found:
        return
    current = get_path(record, key, _MISSING)
    if current is _MISSING:
        with contextlib.suppress(ValueError):  # the path runs through a value that is not an object
            set_path(record, key, found)
    elif isinstance(current, dict):
        set_path(record, key, {**current, **{k: v for k, v in found.items() if k not in current}})
