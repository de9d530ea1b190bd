"""A readability view of the page: the article readability-lxml would pick, found on our own tree.

Readability (Arc90's algorithm, as readability-lxml implements it) is one of
the two views of a page that the main-content decision weighs (the other is
trafilatura's output). It is reimplemented here on the tree the engine has
already parsed, without changing it: no copy, no serialisation, one walk
over the page plus work in proportion to the article.

1. *Unlikely candidates* (first try only): an element whose class or id
   says comment, sidebar, footer, menu... (and not article, body, content,
   main...) is left out with its content, unless it holds an ``<article>``,
   ``<main>`` or math, or sits in code.
2. *Paragraphs* (``p``, ``pre``, ``td``, ``blockquote``; a ``div`` that
   holds no block element counts as a ``p``; the loose text of the other
   divs as ``p``\\ s of their own) of 25 characters or more give their parent
   1 + (commas + 1) + one point per 100 characters (at most 3), and their
   grandparent half of that.
3. Each container so scored starts from its class and id (+25 for words such
   as article or content, -25 for comment, sidebar, related...) and its tag
   (+5 for ``div``, -5 for headings, ``nav``...), and its score is scaled by
   ``1 - link density``.
4. The best container (a container marked ``itemprop="articleBody"`` first,
   a long nested ``<article>`` before its parent, the ``<main>`` around it
   when that holds twice its text) and those of its siblings that score at
   least a fifth of it, or are paragraphs that read like text, are the
   article; a heading just before it with text comes along.
5. *Sanitising* the article: headings with a negative class or many links,
   forms, call-to-action paragraphs full of links, and tables, lists, divs
   and sections that look like widgets (a negative score, more links than
   their class allows, more images or inputs than paragraphs, no text) are
   dropped.
6. When that leaves almost nothing, it all runs again without step 1.

What is left out on purpose (rare on the development pages): the merging of
an article split into segments, the semantic ``<article>`` search when the
best container sits in a form or aside, editorial leads moved in front.

The package, one module a part: :mod:`.measure` (the one walk over the
page: each element's figures and the paragraphs, with the word lists and
weights), :mod:`.find` (steps 1 to 4 and 6: scoring and choosing) and
:mod:`.article` (the :class:`Article` record and the sanitiser, step 5).
"""

from cleaner.html.readability.article import Article
from cleaner.html.readability.find import find_article
from cleaner.html.readability.measure import NEGATIVE, POSITIVE, UNLIKELY, Stats

__all__ = ["NEGATIVE", "POSITIVE", "UNLIKELY", "Article", "Stats", "find_article"]
