"""The pipeline: normalise, run the enabled rules in order, render the result.

The engine knows no particular rule. It asks the registry for the enabled
rules, gives each one the document and its context (parameters, phrase
lists, corpus statistics), applies the decisions it yields, and finally
renders the clean body and the audit records.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cleaner.config import Config
from cleaner.corpus import DEFAULT_SOURCE, CorpusModel, keys_of_lines, source_of
from cleaner.document import Document, Removal
from cleaner.lang import MIN_COVERAGE, Language, load_stopwords
from cleaner.normalize import normalize
from cleaner.phrases import PhraseBook
from cleaner.rules import Decision, RuleContext
from cleaner.text import new_document

_REPR_CHARS = 60  # of the clean text in repr(result)

LANGUAGE_NOTE = "engine.language"  # the audit's name for the note on a document in an unknown language


@dataclass(repr=False)
class Result:
    """The outcome of cleaning one document.

    ``text`` is the clean body (paragraphs separated by one blank line);
    ``removals`` lists every removed span of ``normalized`` in order, with
    the rule that removed it and why; ``notes`` lists spans a rule looked at
    and deliberately kept. ``normalized`` minus the removed spans is ``text``.
    :meth:`to_dict` gives all of it as JSON-ready data.
    """

    text: str
    removals: list[Removal]
    normalized: str
    doc_id: str = ""
    notes: list[Removal] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    language: str | Callable[[], str] = field(default="", repr=False)  # the code, or how to detect it
    markdown: str | None = None  # a page's kept blocks as Markdown, when asked for (clean_html(markdown=True))

    @property
    def lang(self) -> str:
        """The document's language (ISO code), detected on first use if no rule needed it."""
        if callable(self.language):
            self.language = self.language()
        return self.language

    def __repr__(self) -> str:
        """A one-line summary (the text cut short, the removals counted): a page's result is otherwise huge."""
        text = self.text if len(self.text) <= _REPR_CHARS else self.text[: _REPR_CHARS - 3] + "..."
        lang = f", lang={self.language!r}" if isinstance(self.language, str) and self.language else ""
        return (
            f"Result(doc_id={self.doc_id!r}, text={text!r} ({len(self.text)} chars), "
            f"removals={len(self.removals)}, notes={len(self.notes)}{lang})"
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data: ``doc_id``, ``text``, ``lang``, ``metadata``, ``removals`` and
        ``notes`` (lists of :meth:`Removal.to_dict`), and ``normalized`` (what their offsets point into)."""
        return {
            "doc_id": self.doc_id,
            "text": self.text,
            "lang": self.lang,
            "metadata": dict(self.metadata),
            "removals": [r.to_dict() for r in self.removals],
            "notes": [r.to_dict() for r in self.notes],
            "normalized": self.normalized,
        }

    def audit_records(self) -> list[dict[str, Any]]:
        """Removals and notes as JSON-ready dicts, with the document id."""
        records = sorted(self.removals + self.notes, key=lambda r: (r.start, r.end))
        return [{"doc": self.doc_id, **r.to_dict()} for r in records]


_STRENGTH = {"": 0, " ": 1, "\n": 2, "\n\n": 3}


def _settle_whitespace(text: str, records: list[Removal]) -> list[Removal]:
    """Give each removed span the whitespace next to it that must go too.

    Rules remove spans trimmed of whitespace. Around a run of removed spans,
    the whitespace on both sides cannot both stay (that would leave a double
    separator), so the weaker separator joins the removal and the stronger
    one stays: removing a paragraph removes one blank line with it, removing
    a sentence removes one space. Whitespace between two removed spans joins
    the earlier one. The kept text is thus canonical again, and the records
    plus the kept text tile the normalised text exactly.
    """
    if not records:
        return []
    records = sorted(records, key=lambda r: r.start)
    starts = [r.start for r in records]
    ends = [r.end for r in records]
    n = len(text)
    i = 0
    while i < len(records):
        j = i
        while j + 1 < len(records) and not text[ends[j] : starts[j + 1]].strip():
            ends[j] = starts[j + 1]  # the gap joins the earlier span
            j += 1
        a = starts[i]
        while a > 0 and text[a - 1] in " \n":
            a -= 1
        b = ends[j]
        while b < n and text[b] in " \n":
            b += 1
        before, after = text[a : starts[i]], text[ends[j] : b]
        if a == 0:
            starts[i] = 0
            ends[j] = b
        elif b == n:
            starts[i] = a
        elif before and after:
            if _STRENGTH.get(after, 3) >= _STRENGTH.get(before, 3):
                starts[i] = a
            else:
                ends[j] = b
        i = j + 1
    return [
        Removal(r.rule, s, e, text[s:e], r.reason, r.action)
        for r, s, e in zip(records, starts, ends, strict=True)
    ]


class KeptMap:
    """Maps offsets of the rendered (clean) text back to the normalised text it was cut from."""

    def __init__(self, text: str, removals: list[Removal]) -> None:
        self.segments: list[tuple[int, int, int]] = []  # (clean start, original start, length)
        pos = q = 0
        for r in removals:
            if r.start > pos:
                self.segments.append((q, pos, r.start - pos))
                q += r.start - pos
            pos = r.end
        if len(text) > pos:
            self.segments.append((q, pos, len(text) - pos))
        self._starts = [s[0] for s in self.segments]

    def spans(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """The pieces of the normalised text that clean ``[start, end)`` comes from."""
        i = max(bisect_right(self._starts, start) - 1, 0)
        while i < len(self.segments) and self.segments[i][0] < end:
            q, pos, length = self.segments[i]
            lo, hi = max(start, q), min(end, q + length)
            if hi > lo:
                yield pos + lo - q, pos + hi - q
            i += 1

    def carry(self, records: Iterable[Removal], record: Callable[[str, int, int, str], Any], note: str = "") -> None:
        """``record(rule, start, end, reason + note)`` (a document's ``remove`` or ``note``) every one of
        ``records``, made on the clean text, at the pieces of the normalised text it comes from."""
        for r in records:
            for start, end in self.spans(r.start, r.end):
                record(r.rule, start, end, r.reason + note)


def render(text: str, removals: Iterable[Removal]) -> str:
    """The text left when the (settled) removed spans are cut out."""
    out: list[str] = []
    pos = 0
    for r in removals:
        out.append(text[pos : r.start])
        pos = r.end
    out.append(text[pos:])
    return "".join(out)


def rebuild(clean: str, removals: Iterable[Removal]) -> str:
    """Rebuild the normalised input from the clean text and the removals."""
    out: list[str] = []
    pos = 0  # position in the normalised text
    q = 0  # position in the clean text
    for r in sorted(removals, key=lambda r: r.start):
        kept = r.start - pos
        out.append(clean[q : q + kept])
        q += kept
        out.append(r.text)
        pos = r.end
    out.append(clean[q:])
    return "".join(out)


_FOUND_LATER = "; recognised on the text left by a later pass, where they ran"


def _language_found_later(doc: Document) -> None:
    """Amend the note that ``doc``'s language was not recognised: a removal made it recognisable on the text a
    pass left, and the language-specific rules ran there (the note said they had not run). Once, however often
    the verdict turns."""
    doc.notes = [
        note._replace(reason=note.reason + _FOUND_LATER)
        if note.rule == LANGUAGE_NOTE and not note.reason.endswith(_FOUND_LATER) else note
        for note in doc.notes
    ]


class Cleaner:
    """A configured, reusable cleaner: ``Cleaner(config).clean_text(text)``.

    ``corpus``: what a corpus pass learnt (:func:`cleaner.learn_corpus`), for the ``corpus`` rule; each
    document is then judged against its source's statistics (the ``source`` argument of
    :meth:`clean_text` and :meth:`clean_html`, else the site of the page's URL, else the one source of
    documents given without one).
    """

    def __init__(self, config: Config | None = None, *, corpus: CorpusModel | None = None) -> None:
        self.config = config or Config.load()
        self.rules = self.config.enabled_rules()
        self.text_rules = [r for r in self.rules if r.kind in ("text", "corpus")]
        self.html_rules = [r for r in self.rules if r.kind == "html"]
        # Each rule's parameters, merged once (Config.rule_params builds a new dict per call).
        self.params = {r.name: self.config.rule_params(r) for r in self.rules}
        self._phrases: dict[str, PhraseBook] = {}
        self.corpus: CorpusModel | None = corpus
        self.max_passes = max(1, self.config.limits.max_rule_passes)

    def phrases_for(self, lang: str = "") -> PhraseBook:
        """The phrase lists for a document (every configured language is loaded, whatever ``lang``)."""
        if not self._phrases:
            self._phrases[""] = PhraseBook.load(self.config)
        return self._phrases[""]

    def compile_patterns(self) -> None:
        """Compile now what every phrase list compiles on first use (a list is loaded when a rule first asks for
        it, and a group of its phrases per first word is compiled when a line first holds that word: a single
        document compiles only its own), and load the stop words of every language (language detection loads
        them when it first runs).

        Once per process, and only worth it before a long run is timed or its workers are forked: the speed
        bench calls it at the end of its warm-up, so that its figures are per document, as in a long run.
        """
        self.phrases_for().compile_all()
        load_stopwords(self.config.languages)

    def make_document(self, text: str, *, doc_id: str = "", meta: dict[str, Any] | None = None) -> Document:
        """Normalise ``text`` and wrap it as a document with its language."""
        return self._document(normalize(text), doc_id, dict(meta or {}))

    def _document(self, text: str, doc_id: str, meta: dict[str, Any]) -> Document:
        """A normalised text as a document whose language is detected (among the configured ones) when asked."""
        return Document(text, doc_id, meta, Language(text, self.config.languages))

    def run_rules(self, doc: Document, *, skip_local: bool = False) -> None:
        """Run every enabled text rule on ``doc``, applying its decisions (``skip_local``: not the local ones)."""
        phrases = self.phrases_for()  # every language's lists, whatever doc.lang
        unknown = doc.is_unknown()
        if unknown:  # said once, on the first line (a later pass's notes are not carried over)
            skipped = sorted(r.name for r in self.text_rules if r.language_specific)
            first = doc.lines[0] if doc.lines else None
            doc.note(LANGUAGE_NOTE, first.start if first else 0, first.end if first else 0,
                     f"language not recognised (no stop-word list covers {MIN_COVERAGE:.0%} of the words): only "
                     f"language-independent rules ran, not {', '.join(skipped)}")
        for rule in self.text_rules:
            if (rule.kind == "corpus" and self.corpus is None) or (skip_local and rule.local):
                continue
            if unknown and rule.language_specific:
                continue
            memo = doc.memo.setdefault(rule.name, {})
            ctx = RuleContext(rule, self.params[rule.name], phrases, self.config, self.corpus, memo)
            for d in rule.func(doc, ctx) or ():
                if not isinstance(d, Decision):
                    raise TypeError(f"rule {rule.name} yielded {type(d).__name__}, not Decision")
                if d.action == "keep":
                    doc.note(rule.name, d.start, d.end, d.reason)
                else:
                    doc.remove(rule.name, d.start, d.end, d.reason)

    def run_to_fixpoint(self, doc: Document) -> None:
        """Run the rules on ``doc``, then again on what they left, until they remove nothing more.

        One pass can make a line removable by removing its neighbours (a
        sentence that made a line too long, a copy that made a pair of
        near duplicates a group of three). Running the rules again on the
        clean text, as a fresh document, and mapping what they remove back
        onto ``doc`` makes cleaning idempotent: cleaning the result again
        changes nothing. At most ``[limits] max_rule_passes`` passes run;
        a document that nothing was removed from takes one pass.

        A later pass re-runs a rule only when its input changed. What a
        rule's verdict on a line depends on is declared with the rule: a
        ``local`` rule judges a line by its own text (checked by the tests),
        so it already judged every line whose text is unchanged and a later
        pass runs it only when some line was cut short (a sentence removed
        from it); every other rule judges a line with the rest of the
        document (its neighbours, its copies, the shape of the page), which
        the pass before changed, so it runs again. What the rules derive
        from a line's text alone is cached by text (``line_cache``), so a
        later pass recomputes only what depends on the lines around. The
        language is not detected again for that: each pass only asks whether
        it is unknown (see :meth:`Document.is_unknown`), which the first
        lines of running text settle; when the answer changed (a removed
        line was most of the sample), the local rules run again too.
        """
        self.run_rules(doc)
        judged = {ln.text for ln in doc.lines}
        unknown = doc.is_unknown()
        for _ in range(self.max_passes - 1):
            removals = self.settled(doc)
            if not removals:
                return
            kept = render(doc.text, removals)
            again = self._document(kept, doc.doc_id, doc.meta)
            again.memo = doc.memo  # what rules remember about this document carries over
            # A removal may make the language recognisable (or not): the language-specific rules, local ones
            # too, then judge every line anew.
            was_unknown, unknown = unknown, again.is_unknown()
            if was_unknown and not unknown:
                _language_found_later(doc)
            unchanged = unknown == was_unknown and all(ln.text in judged for ln in again.lines)
            self.run_rules(again, skip_local=unchanged)
            judged = {ln.text for ln in again.lines}
            if not again.records:
                return
            KeptMap(doc.text, removals).carry(again.records, doc.remove, " (on the text left by the first pass)")

    @staticmethod
    def settled(doc: Document) -> list[Removal]:
        """``doc``'s removals with the whitespace that goes with them (see :func:`_settle_whitespace`), kept
        until the next removal: the last pass and the rendering ask for the same."""
        return doc.cached("engine.settled", lambda: _settle_whitespace(doc.text, doc.records))

    def finish(
        self, doc: Document, metadata: dict[str, Any] | None = None, *, language_of: Document | None = None
    ) -> Result:
        """Render the clean body and the audit records of a processed document.

        ``language_of``: the document whose language the result reports (a page's content), if not ``doc``.
        """
        source = language_of or doc
        lang = source.language  # detected already, or how to detect it (not detected here: see Document.lang)
        removals = self.settled(doc)
        return Result(
            text=render(doc.text, removals),
            removals=removals,
            normalized=doc.text,
            doc_id=doc.doc_id,
            language=lang,
            notes=sorted(doc.notes, key=lambda r: r.start),
            metadata=dict(metadata or {}),
        )

    def line_keys(self, content: str | bytes, *, html: bool = False) -> set[int]:
        """The distinct line keys a corpus pass counts for one document (see :mod:`cleaner.corpus`).

        Its lines are those the text rules will see: the normalised text, or
        for an HTML page its visible text (the lines of every block, of which
        the text rules see those of the main content; finding it is not needed).
        """
        if html:
            from cleaner.html import visible_text

            text = visible_text(content, cleaner=self)
        else:
            text = normalize(content if isinstance(content, str) else content.decode("utf-8", "replace"))
        return keys_of_lines(text.split("\n"), self.config.corpus.sentence_words)

    def _with_source(self, meta: dict[str, Any] | None, source: str | None, url: str | None = None) -> dict[str, Any]:
        """``meta`` with the document's corpus source: ``source``, else (with a corpus model) the one its
        URL or nothing gives, as :func:`cleaner.learn_corpus` counted it."""
        meta = dict(meta or {})
        if source is not None:
            meta["source"] = source
        elif self.corpus is not None and "source" not in meta:
            meta["source"] = source_of({}, url, DEFAULT_SOURCE)
        return meta

    def clean_text(
        self, text: str, *, doc_id: str = "", meta: dict[str, Any] | None = None, source: str | None = None
    ) -> Result:
        """Clean one text document (``source``: its source in the corpus model, if there is one)."""
        new_document()
        doc = self.make_document(text, doc_id=doc_id, meta=self._with_source(meta, source))
        self.run_to_fixpoint(doc)
        return self.finish(doc)

    def clean_html(
        self,
        html: str | bytes,
        *,
        url: str | None = None,
        doc_id: str = "",
        meta: dict[str, Any] | None = None,
        source: str | None = None,
        markdown: bool = False,
    ) -> Result:
        """Clean one HTML page.

        The page's visible text, one block per line, is the normalised input:
        blocks outside the main content (trafilatura's choice) and blocks the
        ``html`` rules drop are removed first, then the text rules run on
        what is left (the content, as a document of its own: positions and
        neighbours are those of the article, not of the page), so the audit
        log accounts for every visible block. ``Result.lang`` is the
        content's language. ``source``: the page's source in the corpus
        model, if there is one (else the site of ``url``). ``markdown``: also
        render the kept blocks as Markdown (``Result.markdown``: headings,
        lists, tables, code and quotes; see :mod:`cleaner.markdown`).
        """
        new_document()
        from cleaner.html import extract  # trafilatura is imported only when needed

        page = extract(html, url=url, cleaner=self)
        meta = self._with_source(meta, source, url)
        meta.update({"url": url} if url else {}, main_content_extracted=page.main_content)
        doc = Document(page.text, doc_id, meta)
        for rule_name, d in page.decisions:
            doc.remove(rule_name, d.start, d.end, d.reason)
        for rule_name, d in page.notes:
            doc.note(rule_name, d.start, d.end, d.reason)
        # The text rules judge the content alone, as a document of its own (the same text as a later
        # pass, so no pass over the whole page's blocks); what they decide maps back onto the page.
        removals = self.settled(doc)
        content = self._document(render(doc.text, removals), doc_id, meta)
        self.run_to_fixpoint(content)
        where = KeptMap(doc.text, removals)
        where.carry(content.records, doc.remove)
        where.carry(content.notes, doc.note)
        result = self.finish(doc, page.metadata, language_of=content)
        if markdown:
            from cleaner.markdown import render as render_markdown

            result.markdown = render_markdown(result.normalized, page.blocks, result.removals)
        return result
