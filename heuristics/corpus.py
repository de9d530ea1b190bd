"""Corpus-level boilerplate: lines that repeat across many documents of one source.

Runs only when the corpus pass ran (``clean`` does it for runs of more than
one document, see ``--corpus-pass``; in a library, pass the model of
:func:`cleaner.learn_corpus` to ``Cleaner(config, corpus=model)`` and each
document's ``source=``).
The counting and its memory budget are described in ``cleaner/corpus.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.corpus import CorpusModel, KeyStats, is_sentence_key, letter_mark, line_key
from cleaner.document import Document
from cleaner.rules import Decision, Param, RuleContext, rule


def _verdict(stats: KeyStats, docs: int, sentence: bool, ctx: RuleContext) -> tuple[bool, str]:
    """Whether a candidate line goes, and why (the reason names the bar it met or missed)."""
    share = stats.docs / docs if docs else 0.0
    if stats.docs < ctx["min_docs"] or share < ctx["min_share"]:
        return False, ""
    if not sentence:
        return True, ""
    if stats.other_docs > ctx["max_other_docs"]:
        return False, f"also in about {stats.other_docs} documents of other sources: shared content, kept"
    if stats.docs < ctx["sentence_min_docs"] or share < ctx["sentence_share"]:
        return False, (
            f"reads like a sentence of reporting: kept below {ctx['sentence_min_docs']} documents "
            f"and {ctx['sentence_share']:.0%} of the source"
        )
    return True, "sentence-like, in no other source"


@rule(
    "corpus.repeated_line",
    kind="corpus",
    order=650,
    local=True,
    min_docs=Param(10, "documents of the source that hold the line, at least"),
    min_share=Param(0.5, "... and this share of the source's documents"),
    sentence_min_docs=Param(50, "the bar for sentence-like lines"),
    sentence_share=0.8,
    max_other_docs=Param(0, "a sentence-like line in more documents of other sources is shared news content"),
)
def repeated_line(doc: Document, ctx: RuleContext) -> Iterator[Decision]:
    """Remove a line that at least ``min_share`` of its source's documents (and ``min_docs`` of them) hold.

    Sentence-like lines (long, ending like a sentence, or quoting) need much
    more: ``sentence_min_docs`` documents and ``sentence_share`` of the
    source, and no more than ``max_other_docs`` documents of other sources
    may hold them (a quote shared across outlets is news, not boilerplate).
    Kept candidates are logged with the reason.
    """
    model: CorpusModel | None = ctx.corpus
    source = doc.meta.get("source")
    if model is None or not isinstance(source, str):
        return
    docs, _ = model.lookup(source, 0)
    if docs < ctx["min_docs"]:
        return
    marks = model.marks(source)
    for line in doc.live_lines():
        if letter_mark(line.text) not in marks:  # no candidate holds as many letters: not worth a key
            continue
        key = line_key(line.text, model.sentence_words)
        if key is None:
            continue
        _, stats = model.lookup(source, key)
        if stats is None:
            continue
        sentence = is_sentence_key(key)
        remove, why = _verdict(stats, docs, sentence, ctx)
        where = f"in {stats.docs} of {docs} documents of {source}"
        if remove:
            yield Decision(line.start, line.end, f"{where}{'; ' + why if why else ''}")
        elif why:
            yield Decision(line.start, line.end, f"{where}, but {why}", action="keep")
