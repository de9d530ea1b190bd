"""Article cleaner: strip boilerplate from article text and HTML pages, with an audit log.

Library use::

    import cleaner
    result = cleaner.clean_text(text)
    result.text        # the clean body
    result.removals    # what was removed, by which rule, and why
    result.to_dict()   # all of it, JSON-ready

``cleaner.Cleaner(config)`` is the reusable, configured object behind
:func:`clean_text` and :func:`clean_html` (which keep one per configuration
object); :class:`BatchCleaner` cleans batches for ``datasets.Dataset.map``;
:func:`learn_corpus` runs the corpus pass over an iterable of documents.
"""

from __future__ import annotations

from cleaner.config import Config, ConfigError
from cleaner.corpus import CorpusModel
from cleaner.document import Removal
from cleaner.library import BatchCleaner, clean_html, clean_text, learn_corpus, record_source
from cleaner.pipeline import Cleaner, Result, rebuild

__all__ = [
    "BatchCleaner",
    "Cleaner",
    "Config",
    "ConfigError",
    "CorpusModel",
    "Removal",
    "Result",
    "clean_html",
    "clean_text",
    "learn_corpus",
    "rebuild",
    "record_source",
]
__version__ = "0.1.0"
