"""The digest of a model's training examples that its weights file records, and the tests compute again from the
pages in the repository: a change to the features fails them until the weights are fitted again."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

DIGEST_DATASET = "aeb-dev"  # the dataset in the repository


def examples_digest(records: Iterable[tuple[str, Sequence[np.ndarray]]], decimals: int) -> str:
    """sha256 over each ``(label, arrays)`` record in the order given: an integer array as its int64 bytes, any
    other as float64 rounded to ``decimals`` (so that the last bits of a float sum do not count; + 0.0 makes
    -0.0 and 0.0 one value)."""
    h = hashlib.sha256()
    for label, arrays in records:
        h.update(label.encode())
        for values in arrays:
            if values.dtype.kind in "iu":
                h.update(values.astype(np.int64).tobytes())
            else:
                h.update((np.round(values.astype(np.float64), decimals) + 0.0).tobytes())
    return h.hexdigest()
