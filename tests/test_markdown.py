"""Markdown output of HTML pages: the kept blocks only, with their headings, lists, tables, code and quotes."""

from __future__ import annotations

import gzip

import pytest

import cleaner
from cleaner.markdown import render
from tests.conftest import ROOT

STORY = " ".join(["The council met on Monday to discuss the plan for the roads and the schools of the town."] * 2)
PAGE = f"""<html><head><title>T</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article>
<h1>Council approves the plan</h1>
<p>{STORY}</p>
<h2>What happens next</h2>
<ol start="3"><li>Open the valve slowly and carefully.</li><li>Wait for ten minutes before going on.</li></ol>
<ul><li>Apples from the north orchards</li><li>Pears<ul><li>inner one</li><li>inner two</li></ul></li></ul>
<table><tr><th>Item</th><th>Cost</th></tr><tr><td>Roads</td><td>10 | 11 million</td></tr></table>
<pre><code class="language-python">def f(x):
    return x + 1
</code></pre>
<blockquote><p>A quoted paragraph from the report says the plan is sound and will be carried out.</p></blockquote>
<p>1. A paragraph that starts like a list item but is not one, as the page shows it.</p>
<p>Sign up for our newsletter</p>
</article>
<footer>Copyright 2024 Example</footer>
</body></html>"""


@pytest.fixture(scope="module")
def page() -> cleaner.Result:
    return cleaner.clean_html(PAGE, markdown=True)


def test_markdown_keeps_headings_lists_tables_code_and_quotes(page: cleaner.Result) -> None:
    md = page.markdown
    assert md is not None
    assert md.startswith("# Council approves the plan\n\n" + STORY + "\n\n## What happens next\n\n")
    assert "3. Open the valve slowly and carefully.\n4. Wait for ten minutes before going on." in md
    assert "- Apples from the north orchards\n- Pears\n   - inner one\n   - inner two" in md
    assert "| Item | Cost |\n| --- | --- |\n| Roads | 10 \\| 11 million |" in md
    assert "```python\ndef f(x):\n    return x + 1\n```" in md  # the code's own line breaks and indentation
    assert "> A quoted paragraph from the report" in md
    assert "\n1\\. A paragraph that starts like a list item" in md  # escaped: not a list


def test_markdown_holds_the_kept_blocks_only(page: cleaner.Result) -> None:
    md = page.markdown
    assert md is not None
    removed = [r.text.strip() for r in page.removals]
    assert "Home" in removed and "Sign up for our newsletter" in removed
    for text in removed:
        assert text not in md
    # every kept word is there, in the same order
    words = [w for w in page.text.split() if w.isalpha()]
    md_words = [w for w in md.replace("|", " ").split() if w.isalpha()]
    assert md_words == words


def test_a_block_cut_into_keeps_its_kept_words_only() -> None:
    from cleaner.document import Removal
    from cleaner.html import parse, visible_blocks

    tree = parse("<body><h2>Title here</h2><pre>line one\nline two</pre><p>Keep this. Drop that.</p></body>")
    text, blocks = visible_blocks(tree, {})
    cut = text.index("Drop that.")
    removals = [Removal("t", cut - 1, cut + len("Drop that."), text[cut - 1 : cut + 10], "test")]
    assert render(text, blocks, removals) == "## Title here\n\n```\nline one\nline two\n```\n\nKeep this."
    code = text.index("line two")
    removals = [Removal("t", code - 1, code + len("line two"), " line two", "test")]
    assert "```\nline one\n```" in render(text, blocks, removals)  # cut: the kept text, not the element's


def test_markdown_is_not_made_unless_asked() -> None:
    assert cleaner.clean_html(PAGE).markdown is None


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "bench/data/aeb-dev/html").glob("*.html.gz"))[:10])
def test_markdown_of_real_pages_has_every_kept_word(name: str) -> None:
    html = gzip.decompress((ROOT / "bench/data/aeb-dev/html" / name).read_bytes())
    result = cleaner.clean_html(html, markdown=True)
    assert result.markdown is not None
    md_words = result.markdown.split()
    kept = result.text.split()
    # Markdown adds markers and may restore a code block's own spacing; it drops no kept word
    assert set(kept) <= set(md_words) | {w for w in kept if not w.strip("|")}
