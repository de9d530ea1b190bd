"""The settings schema: every engine setting, its type, its default and what it means, held once.

Each table of a settings file is a frozen dataclass here (``[limits]`` is
:class:`Limits`, ...); rule switches and thresholds are declared by each rule
(:func:`cleaner.rules.rule`). :class:`~cleaner.config.Config` checks a
user's file, ``--set``, ``--enable`` and ``--disable`` against this schema
and the rule registry before anything is read, and ``clean
--print-settings`` writes every setting with its default and meaning as a
TOML file to copy from.
"""

from __future__ import annotations

import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any


def setting(default: Any, doc: str) -> Any:
    """A field of a settings table: its default and a short description (shown by ``--print-settings``)."""
    if isinstance(default, list | tuple):
        value = tuple(default)
        return field(default_factory=lambda: value, metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Limits:
    """What the cleaner refuses, and the bounds that keep a run over hostile input alive (see "Guarantees and
    limits" in README.md). A refused document ends as a named error."""

    max_document_bytes: int = setting(
        20_000_000,
        "A document (text or HTML file, JSONL line, or a decompressed .gz) larger than this is refused. Normal "
        "articles clean at about 0.5 MB/s, the worst adversarial text at about 0.07 MB/s (make bench), so this "
        "bounds one document to a few minutes at worst.",
    )
    max_expanded_bytes: int = setting(
        1_000_000_000,
        "A .gz input is read no further than this many decompressed bytes (gzip bombs); a single-document .gz "
        "is also held to max_document_bytes.",
    )
    max_rule_passes: int = setting(
        4,
        "The rules run again on their own output until it is stable (so cleaning clean text changes nothing), "
        "at most this many passes.",
    )
    max_document_seconds: float = setting(
        300.0,
        "The command line gives up on a document whose cleaning takes longer than this many seconds (wall "
        "clock) and names it as failed; 0 sets no limit. The default lets the slowest adversarial document of "
        "max_document_bytes finish.",
    )


@dataclass(frozen=True)
class HtmlSettings:
    """Main-content extraction of HTML pages (the engine step html.main_content, see cleaner/html/main_content.py):
    trafilatura's and readability's views of the page weighed by a model. Chosen on the development benchmark,
    side by side (bench/html_bench.py)."""

    main_content: bool = setting(
        True, "Remove the blocks outside the main content; false passes every visible block on to the rules."
    )
    decision: str = setting(
        "model",
        'How the main content is chosen: "model" weighs trafilatura, readability and each block\'s text and place '
        'with the main-content model; "trafilatura" keeps what trafilatura keeps (faster, less accurate off news '
        "pages).",
    )
    model: str = setting(
        "", "A main-content weights file (python -m train.main_content writes one); empty: the shipped model."
    )
    cascade: bool = setting(
        True,
        'With decision = "model": decide first on readability\'s view alone (the weights file\'s first model) and '
        "ask trafilatura, the costliest view, only on the pages that model is unsure of; false asks it on every "
        "page. The weights file says how unsure (max_unsure, chosen so that no development dataset loses more than "
        "0.002 F1 of clean_html's output); about half of the pages are decided without trafilatura.",
    )
    keep_consensus: bool = setting(
        True,
        'With decision = "model": a block that trafilatura and readability both keep stays whatever the model '
        "scores it, and the audit logs a keep; the model decides where they disagree. Measured with models that "
        "never saw a dataset, the model alone removed article text of that dataset that both views kept (long "
        "reports, numbered paragraphs).",
    )
    fast: bool = setting(
        True,
        "Run trafilatura's own extractor without its readability and jusText fallbacks: those replaced a right "
        "extraction with a longer wrong one more often than they rescued one, and double the cost.",
    )
    rescue_below_chars: int = setting(
        250,
        "When the fast extraction finds fewer characters on a page that has more visible text, the full "
        "extraction with fallbacks runs instead.",
    )
    favor_precision: bool = setting(
        False, "Precision is what the html and text rules add; favor_precision cut real body text."
    )
    favor_recall: bool = setting(False, "trafilatura's favor_recall.")
    include_tables: bool = setting(True, "Tables inside articles are content; dropping them lost recall.")
    include_comments: bool = setting(False, "Reader comments are not the article.")
    min_kept_share: float = setting(
        0.5, 'With decision = "trafilatura": a visible block is main content when at least this share of its words '
        "is in trafilatura's output.",
    )
    author_search: bool = setting(
        False,
        "Look for an author byline in the whole page when no meta tag or JSON-LD names one (slow: about a third "
        "of the extraction time).",
    )

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(f"decision = {self.decision!r}: expected one of {', '.join(map(repr, DECISIONS))}")
        if self.model:
            from cleaner.html.main_content import load_first, load_model

            load_model(self.model)  # a ModelError (a ValueError) names the file and what is wrong
            load_first(self.model)


DECISIONS = ("model", "trafilatura")


@dataclass(frozen=True)
class OutputSettings:
    """What the outputs hold besides the clean text."""

    metadata: bool = setting(True, "Add title, author, date, url, site to JSONL output records when the page has them.")


@dataclass(frozen=True)
class CorpusSettings:
    """The corpus pass (clean --corpus-pass/--no-corpus-pass): a first pass over all inputs counts, per source, in
    how many documents each line occurs, for the corpus rules. It runs when a corpus rule is on and the run has
    more than one document. Memory is bounded (see cleaner/corpus.py)."""

    enabled: bool = setting(True, "Run the corpus pass when a corpus rule is on.")
    capacity: int = setting(1024, "Line keys kept per source: about 2 x capacity (~100 bytes each).")
    max_sources: int = setting(1024, "Sources judged; documents of later ones are counted but not judged.")
    sketch_width: int = setting(1 << 20, "Counters in each row of the count-min sketch (32 bits each).")
    sketch_depth: int = setting(4, "Rows of the count-min sketch shared by all sources.")
    sentence_words: int = setting(
        8,
        "Lines of at least this many words that end like a sentence (or quote) count as sentence-like: "
        "reporting, judged with a much higher bar.",
    )
    min_docs: int = setting(
        10,
        "The model keeps the lines held by at least this many documents of a source: the lowest bar a corpus "
        "rule can apply.",
    )
    min_share: float = setting(
        0.5, "... and at least this share of the source's documents (the lowest share a corpus rule can apply)."
    )


@dataclass(frozen=True)
class ReportSettings:
    """The review page (clean --report FILE.html): what it samples, so that its size stays bounded whatever the
    corpus (see "Review: what was removed" in README.md). Samples are chosen by a hash of what is sampled: the
    same documents in every report."""

    documents: int = setting(200, "Documents sampled for the per-document view.")
    outliers: int = setting(10, "Documents with the largest share removed, shown besides the sample.")
    samples_per_rule: int = setting(24, "Removals sampled per rule, shown with the text around them.")
    keeps_per_rule: int = setting(8, "Kept-while-unsure spans sampled per rule.")
    errors: int = setting(50, "Failed documents listed.")
    context_chars: int = setting(160, "Kept text shown on each side of a sampled removal.")
    sample_text_chars: int = setting(600, "A longer sampled removal is shown with its middle elided.")
    max_document_chars: int = setting(150_000, "A longer document is shown cut at this many characters.")
    text_budget_chars: int = setting(
        5_000_000, "Text of all documents shown, at most (a page of about twice as many bytes: 11.5 MB for 100,000 "
        "documents, make bench)."
    )
    histogram_bins: int = setting(20, 'Bins of the share removed per document (and one for "nothing removed").')


@dataclass(frozen=True)
class PhraseAdditions:
    """``[phrases.<list>]``: entries a user adds to a phrase list, inline or from files."""

    add: tuple[str, ...] = setting((), "Entries added to the list (a phrase, or re: and a regular expression).")
    files: tuple[str, ...] = setting((), "Files of entries, one a line, relative to the settings file.")


LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "pl", "id", "zh", "ja", "ko", "vi")


@dataclass(frozen=True)
class Settings:
    """Every engine setting: the top-level keys and one table each."""

    languages: tuple[str, ...] = setting(
        LANGUAGES, "Languages whose phrase lists and stop words are loaded; a document's language is found among them."
    )
    rule_packages: tuple[str, ...] = setting(
        ("heuristics",), "The packages whose modules register the rules."
    )
    limits: Limits = field(default_factory=Limits)
    html: HtmlSettings = field(default_factory=HtmlSettings)
    output: OutputSettings = field(default_factory=OutputSettings)
    corpus: CorpusSettings = field(default_factory=CorpusSettings)
    report: ReportSettings = field(default_factory=ReportSettings)


TABLES: dict[str, type] = {
    "limits": Limits, "html": HtmlSettings, "output": OutputSettings, "corpus": CorpusSettings, "report": ReportSettings
}


# -- types -------------------------------------------------------------------------------


def type_name(kind: Any) -> str:
    """How a setting's type is named in messages."""
    if kind is bool:
        return "true or false"
    if kind is int:
        return "an integer"
    if kind is float:
        return "a number"
    if kind is str:
        return "a string"
    return "a list of strings"


def convert(value: Any, kind: Any) -> Any:
    """``value`` as a setting of type ``kind`` (bool, int, float, str or a tuple of strings); TypeError if it is not."""
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif kind is str:
        ok = isinstance(value, str)
    else:
        ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    if not ok:
        raise TypeError(f"{value!r} is not {type_name(kind)}")
    return value


def kind_of_value(default: Any) -> Any:
    """The type of a rule parameter, from its default."""
    if isinstance(default, list | tuple):
        return tuple
    return type(default)


def table_fields(table: type) -> dict[str, tuple[Any, Any, str]]:
    """``{name: (type, default, doc)}`` of a settings table."""
    hints = typing.get_type_hints(table)
    out = {}
    for f in fields(table):
        hint = hints[f.name]
        kind = tuple if typing.get_origin(hint) is tuple else hint
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[misc]
        out[f.name] = (kind, default, f.metadata.get("doc", ""))
    return out

