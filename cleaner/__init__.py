"""Article cleaner: strip boilerplate from article text and HTML pages, with an audit log.

Library use::

    import cleaner
    result = cleaner.clean_text(text)
    result.text        # the clean body
    result.removals    # what was removed, by which rule, and why

``cleaner.Cleaner(config)`` is the reusable, configured object behind
:func:`clean_text` and :func:`clean_html`.
"""

from __future__ import annotations

from typing import Any

from cleaner.config import Config, ConfigError
from cleaner.document import Removal
from cleaner.pipeline import Cleaner, Result, rebuild

__all__ = ["Cleaner", "Config", "ConfigError", "Removal", "Result", "clean_html", "clean_text", "rebuild"]
__version__ = "0.1.0"

_DEFAULT: Cleaner | None = None


def _cleaner(config: Config | None) -> Cleaner:
    global _DEFAULT
    if config is not None:
        return Cleaner(config)
    if _DEFAULT is None:
        _DEFAULT = Cleaner()
    return _DEFAULT


def clean_text(text: str, *, config: Config | None = None, **kwargs: Any) -> Result:
    """Clean one article text; see :class:`Result`."""
    return _cleaner(config).clean_text(text, **kwargs)


def clean_html(html: str | bytes, *, url: str | None = None, config: Config | None = None, **kwargs: Any) -> Result:
    """Extract and clean the article body of one HTML page; see :class:`Result`."""
    return _cleaner(config).clean_html(html, url=url, **kwargs)
