"""HTML input: decoding, visible blocks, main content, DOM rules, audit completeness, bad pages.

The fixtures are small hand-written pages in the shape of real news pages
(navigation, article with figure, share bar, related list, newsletter box,
footer) in English, German and French.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.config import Config
from cleaner.html import HtmlError, align, decode, tokens
from cleaner.normalize import normalize
from cleaner.pipeline import rebuild

EN_BODY = [
    "The city council voted on Tuesday to expand the tram network to the northern suburbs, ending a debate "
    "that had divided residents and business owners for more than a decade.",
    "Supporters said the new line would cut commuting times by half for thousands of workers who now "
    "depend on crowded buses, while opponents worried about the cost of the project and years of roadworks.",
    "The mayor told reporters that construction would begin next spring and that the first trams should "
    "run before the end of 2027, provided that the regional government confirms its share of the funding.",
    "Shop owners along the planned route will be offered compensation for lost trade during the works, "
    "the council said, and a public consultation on the exact position of the stops opens next month.",
]
DE_BODY = [
    "Der Stadtrat hat am Dienstag beschlossen, das Straßenbahnnetz in die nördlichen Vororte zu verlängern, "
    "und damit einen Streit beendet, der Anwohner und Geschäftsleute über zehn Jahre lang gespalten hatte.",
    "Befürworter sagten, die neue Linie werde die Fahrzeiten für tausende Pendler halbieren, die heute auf "
    "überfüllte Busse angewiesen sind, während Gegner die hohen Kosten und jahrelange Baustellen fürchten.",
    "Der Bürgermeister erklärte, der Bau solle im nächsten Frühjahr beginnen und die ersten Bahnen sollten "
    "noch vor Ende 2027 fahren, sofern die Landesregierung ihren Anteil an der Finanzierung bestätigt.",
]
FR_BODY = [
    "Le conseil municipal a voté mardi l'extension du réseau de tramway vers les communes du nord, mettant "
    "fin à un débat qui divisait habitants et commerçants depuis plus de dix ans.",
    "Les partisans du projet estiment que la nouvelle ligne réduira de moitié le temps de trajet de milliers "
    "de salariés qui dépendent aujourd'hui de bus bondés, tandis que les opposants s'inquiètent du coût.",
    "Le maire a précisé que les travaux commenceraient au printemps prochain et que les premières rames "
    "devraient circuler avant la fin de 2027, si la région confirme sa part du financement.",
]

WIDGETS = {
    "en": {
        "nav": ["Home", "World", "Politics", "Sport"],
        "caption": "Workers inspect the old tram depot on Monday. John Smith / Reuters",
        "share": ["Share on Facebook", "Share on Twitter", "Email this story"],
        "related_title": "More stories",
        "related": ["Bus fares to rise in January", "New cycle lanes open downtown", "Airport expansion delayed"],
        "newsletter": "Sign up for our morning briefing and get the news in your inbox",
        "footer": "Copyright 2024 The Daily Example. All rights reserved.",
    },
    "de": {
        "nav": ["Startseite", "Politik", "Wirtschaft", "Sport"],
        "caption": "Arbeiter im alten Straßenbahndepot am Montag. Foto: dpa",
        "share": ["Auf Facebook teilen", "Auf Twitter teilen", "Per E-Mail senden"],
        "related_title": "Mehr zum Thema",
        "related": ["Busfahrpreise steigen im Januar", "Neue Radwege in der Innenstadt", "Flughafenausbau verzögert"],
        "newsletter": "Abonnieren Sie unseren Newsletter und erhalten Sie die Nachrichten jeden Morgen",
        "footer": "© 2024 Beispiel-Zeitung. Alle Rechte vorbehalten.",
    },
    "fr": {
        "nav": ["Accueil", "Monde", "Politique", "Sport"],
        "caption": "Des ouvriers inspectent l'ancien dépôt de tramway lundi. Photo AFP",
        "share": ["Partager sur Facebook", "Partager sur Twitter", "Envoyer par e-mail"],
        "related_title": "À lire aussi",
        "related": ["Les tarifs des bus augmentent en janvier", "De nouvelles pistes cyclables", "Aéroport : retard"],
        "newsletter": "Inscrivez-vous à notre lettre d'information pour recevoir l'essentiel chaque matin",
        "footer": "© 2024 Le Journal Exemple. Tous droits réservés.",
    },
}
BODIES = {"en": EN_BODY, "de": DE_BODY, "fr": FR_BODY}


def make_page(lang: str, *, charset: str | None = "utf-8") -> str:
    """A news page with navigation, article, figure, share bar, related list, newsletter box and footer."""
    w = WIDGETS[lang]
    meta = f'<meta charset="{charset}">' if charset else ""
    nav = "".join(f'<li><a href="/{i}">{x}</a></li>' for i, x in enumerate(w["nav"]))
    share = "".join(f'<li><a href="#s{i}">{x}</a></li>' for i, x in enumerate(w["share"]))
    related = "".join(f'<li><a href="/r{i}">{x}</a></li>' for i, x in enumerate(w["related"]))
    paras = [f"<p>{p}</p>" for p in BODIES[lang]]
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{meta}<title>Tram network to reach northern suburbs</title>
<meta name="author" content="Jane Doe"><meta property="article:published_time" content="2024-03-05T10:00:00Z">
<style>.x {{ color: red }}</style><script>var tracking = "never visible";</script></head>
<body>
<header class="site-header"><nav class="main-nav"><ul>{nav}</ul></nav></header>
<main><article class="article">
<h2 class="kicker">Transport</h2>
{paras[0]}
<figure class="article-image"><img src="depot.jpg" alt="depot">
<figcaption class="image-caption">{w["caption"]}</figcaption></figure>
{"".join(paras[1:])}
<div class="share-tools"><ul>{share}</ul></div>
<div class="newsletter-box"><p>{w["newsletter"]}</p><form><input type="email"><button>OK</button></form></div>
</article>
<section class="related-stories"><h3>{w["related_title"]}</h3><ul>{related}</ul></section>
<div style="display:none">Hidden text nobody sees</div>
</main>
<footer class="site-footer"><p>{w["footer"]}</p></footer>
</body></html>"""


@pytest.fixture(scope="module")
def html_cleaner() -> cleaner.Cleaner:
    """The cleaner with only the HTML rules, so the tests see the HTML part alone."""
    from cleaner.rules import all_rules

    text_families = sorted({r.family for r in all_rules() if r.kind != "html"})
    return cleaner.Cleaner(Config.load(disable=text_families))


def _removed_by(result: cleaner.Result, text: str) -> str | None:
    """The rule that removed the normalised-input span holding ``text`` (None if kept)."""
    start = result.normalized.find(text)
    assert start >= 0, f"{text!r} is not in the page text"
    for r in result.removals:
        if r.start <= start < r.end:
            return r.rule
    return None


# -- main content and DOM rules --------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_body_kept_and_widgets_dropped(html_cleaner: cleaner.Cleaner, lang: str) -> None:
    result = html_cleaner.clean_html(make_page(lang).encode("utf-8"))
    for para in BODIES[lang]:
        assert para in result.text
    w = WIDGETS[lang]
    for boilerplate in [w["caption"], *w["share"], *w["related"], w["newsletter"], w["footer"], *w["nav"]]:
        assert boilerplate not in result.text
        assert _removed_by(result, boilerplate) is not None


def make_leaky_page(lang: str) -> str:
    """A page whose widgets sit inside the article container, where trafilatura lets them through."""
    w, body = WIDGETS[lang], BODIES[lang]
    promo = "".join(f"<h3>{x}</h3>" for x in w["related"])
    return f"""<html lang="{lang}"><head><meta charset="utf-8"><title>Tram</title></head>
<body><div id="content"><div class="entry-content">
<p>{body[0]}</p>
<div class="wp-caption aligncenter"><img src="a.jpg"><p class="photoCredit">{w["caption"]}</p></div>
<p>{body[1]}</p>
<div class="Newsletter-stateNotSent"><h4>{w["newsletter"]}</h4></div>
<div class="pushdown-promo">{promo}</div>
<p>{body[2]}</p>
</div></div></body></html>"""


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_dom_rules_catch_what_trafilatura_lets_through(html_cleaner: cleaner.Cleaner, lang: str) -> None:
    result = html_cleaner.clean_html(make_leaky_page(lang))
    for para in BODIES[lang][:3]:
        assert para in result.text
    w = WIDGETS[lang]
    assert _removed_by(result, w["newsletter"]) == "dom.newsletter_widget"
    for headline in w["related"]:
        assert _removed_by(result, headline) == "dom.related_links"
    assert _removed_by(result, w["caption"]) in {"dom.figure_caption", "html.main_content"}
    reasons = {r.rule: r.reason for r in result.removals}
    assert "Newsletter-stateNotSent" in reasons["dom.newsletter_widget"]
    assert "pushdown-promo" in reasons["dom.related_links"]


def test_caption_inside_main_content_is_named_by_the_dom_rule(html_cleaner: cleaner.Cleaner) -> None:
    result = html_cleaner.clean_html(make_page("en"))
    rule = _removed_by(result, WIDGETS["en"]["caption"])
    assert rule in {"dom.figure_caption", "html.main_content"}
    reasons = [r.reason for r in result.removals if r.rule.startswith("dom.")]
    assert all("<" in reason for reason in reasons)  # each names the tag or class that gave it away


def test_audit_accounts_for_every_visible_block(html_cleaner: cleaner.Cleaner) -> None:
    result = html_cleaner.clean_html(make_page("en"))
    assert normalize(result.normalized) == result.normalized
    assert rebuild(result.text, result.removals) == result.normalized
    for block in result.normalized.split("\n\n"):
        assert block in result.text or any(block in r.text for r in result.removals)
    # invisible text is not part of the page text at all
    for invisible in ("never visible", "Hidden text nobody sees", "color: red"):
        assert invisible not in result.normalized


def test_disabling_dom_rules_keeps_what_trafilatura_kept() -> None:
    page = make_page("en")
    without = cleaner.Cleaner(Config.load(disable=["dom"])).clean_html(page)
    assert not any(r.rule.startswith("dom.") for r in without.removals)


@pytest.mark.parametrize("how", ["switch", "setting"])
def test_main_content_step_switched_off_runs_no_extractor(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """Off, every visible block goes on to the html rules; trafilatura is not even asked."""
    from cleaner.html import main_content

    def no_extractor(*args: object) -> dict[str, str]:
        raise AssertionError("the extractors ran although the step is off")

    if how == "switch":
        config = Config.load(disable=["html.main_content"])
    else:
        config = Config.load(overrides={"html": {"main_content": False}})
    monkeypatch.setattr(main_content, "extract_texts", no_extractor)
    result = cleaner.Cleaner(config).clean_html(make_page("en"))
    assert not any(r.rule == "html.main_content" for r in result.removals)
    assert _removed_by(result, WIDGETS["en"]["newsletter"]) == "dom.newsletter_widget"  # the html rules still run


def test_guard_keeps_a_large_element_with_a_widget_class(html_cleaner: cleaner.Cleaner) -> None:
    """A class token on the article container itself must not remove the article."""
    page = make_page("en").replace('<article class="article">', '<article class="article has-caption share">')
    result = html_cleaner.clean_html(page)
    for para in EN_BODY:
        assert para in result.text


def test_metadata(html_cleaner: cleaner.Cleaner) -> None:
    result = html_cleaner.clean_html(make_page("en"), url="https://example.com/news/tram")
    assert result.metadata["title"] == "Tram network to reach northern suburbs"
    assert result.metadata["author"] == "Jane Doe"
    assert result.metadata["date"] == "2024-03-05"
    assert result.metadata["url"] == "https://example.com/news/tram"


# -- decoding ----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "encoding"), [("de", "cp1252"), ("fr", "latin-1"), ("de", "iso-8859-15")])
def test_declared_single_byte_charsets(html_cleaner: cleaner.Cleaner, lang: str, encoding: str) -> None:
    data = make_page(lang, charset=encoding).encode(encoding)
    result = html_cleaner.clean_html(data)
    assert BODIES[lang][0] in result.text


def test_utf16_with_bom(html_cleaner: cleaner.Cleaner) -> None:
    data = make_page("fr", charset=None).encode("utf-16")  # Python writes the BOM
    assert BODIES["fr"][1] in html_cleaner.clean_html(data).text


def test_utf8_bom_and_http_equiv() -> None:
    page = make_page("de", charset=None).replace(
        "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    )
    assert "Straßenbahnnetz" in decode(page.encode("cp1252"))
    assert "Straßenbahnnetz" in decode(b"\xef\xbb\xbf" + make_page("de").encode("utf-8"))


def test_undeclared_and_misdeclared_encodings() -> None:
    undeclared = make_page("fr", charset=None).encode("cp1252")
    assert "réseau" in decode(undeclared)
    misdeclared = make_page("de", charset="utf-8").encode("cp1252")  # says UTF-8, is not
    assert "Bürgermeister" in decode(misdeclared)


_ODD_CHARACTERS = "\x00\x01\x07\x08\t\n\x0b\x0c\r\x0e\x1b\x1f\x7f\x80\x85\x9f\xa0\ud800\udc00\udfff\ufffe\uffff\ufffd"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ODD_CHARACTERS + "<p>ab </p>\u00e9"), max_size=60))
def test_the_one_scan_of_a_page_given_as_text_agrees_with_the_three_it_saves(page: str) -> None:
    """A page given as text without any unusual character skips three scans (surrogates, what the loader drops,
    binary data): the text, its cleanness and the refusal of binary data are what the three scans give."""
    from cleaner.decoding import looks_binary
    from cleaner.html import parsing as html

    fixed = html.fix_surrogates(page) if html._SURROGATE.search(page) else page
    if looks_binary(fixed):
        with pytest.raises(html.HtmlError, match="binary"):
            html.page_text(page, None)
        return
    assert html.page_text(page, None) == (fixed, not html._LOADER_DROPS.search(fixed), None)


def test_a_page_with_surrogates_loses_no_text(html_cleaner: cleaner.Cleaner) -> None:
    """A page given as text may hold surrogates (a bad JSON escape): the HTML parser stopped reading at a lone
    one, losing the rest of the page. A pair becomes the character it encodes, a lone one U+FFFD, as in text."""
    page = (
        "<html><body><p>A lone \ud800 surrogate in the first paragraph of this page.</p>"
        "<p>A pair \ud83d\ude00 in the second, and the words after it stay too.</p></body></html>"
    )
    result = html_cleaner.clean_html(page)
    assert "A lone \ufffd surrogate in the first paragraph of this page." in result.normalized
    assert "A pair \U0001f600 in the second, and the words after it stay too." in result.normalized
    assert not any("\ud800" <= ch <= "\udfff" for ch in result.normalized)


def test_mojibake_is_repaired_and_page_text_stays_canonical(html_cleaner: cleaner.Cleaner) -> None:
    broken = make_page("fr").replace("réseau", "rÃ©seau")  # UTF-8 read as Latin-1 upstream
    result = html_cleaner.clean_html(broken)
    assert "réseau" in result.text
    assert normalize(result.normalized) == result.normalized


# -- bad pages -------------------------------------------------------------------


def test_empty_pages_give_an_empty_result(html_cleaner: cleaner.Cleaner) -> None:
    for page in ("", b"", "   \n", "<html><body></body></html>", "<html><head><title>x</title></head></html>"):
        result = html_cleaner.clean_html(page)
        assert result.text == ""


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
        b"\x00\x01\x02\x03" * 5000,
        bytes(range(256)) * 100,
    ],
)
def test_binary_input_is_a_clear_error(html_cleaner: cleaner.Cleaner, data: bytes) -> None:
    with pytest.raises(HtmlError, match=r"not an HTML page|cannot parse"):
        html_cleaner.clean_html(data)


def test_wrong_type_is_a_clear_error(html_cleaner: cleaner.Cleaner) -> None:
    with pytest.raises(HtmlError, match="must be str or bytes"):
        html_cleaner.clean_html(12345)  # type: ignore[arg-type]


def test_too_large_is_a_clear_error() -> None:
    small = cleaner.Cleaner(Config.load(overrides={"limits": {"max_document_bytes": 1000}}))
    with pytest.raises(HtmlError, match="too large"):
        small.clean_html(make_page("en"))


@pytest.mark.parametrize("cut", [200, 900, 1500, 2500, -40])
def test_truncated_pages(html_cleaner: cleaner.Cleaner, cut: int) -> None:
    page = make_page("en")
    result = html_cleaner.clean_html(page[:cut].encode("utf-8"))
    assert rebuild(result.text, result.removals) == result.normalized


def test_malformed_markup(html_cleaner: cleaner.Cleaner) -> None:
    paras = "".join(f"<p>{p}<div><b><i>{p[:40]}</span></p></td>" for p in EN_BODY)
    page = f"<html><body><div><table><tr><td>{paras}</tr></table>&nbsp;&bogus; <</</>><p>tail"
    result = html_cleaner.clean_html(page)
    assert EN_BODY[1][:60] in result.normalized
    assert rebuild(result.text, result.removals) == result.normalized


def test_fragment_without_html_element(html_cleaner: cleaner.Cleaner) -> None:
    result = html_cleaner.clean_html("".join(f"<p>{p}</p>" for p in EN_BODY))
    assert EN_BODY[2] in result.text


def test_deep_nesting_is_read_whole_and_control_characters_dropped(html_cleaner: cleaner.Cleaner) -> None:
    deep = "<div>" * 5000 + "<p>" + EN_BODY[0] + "</p>" + "</div>" * 5000
    result = html_cleaner.clean_html(f"<html><body>{deep}</body></html>")  # the parser alone would lose the text
    assert EN_BODY[0] in result.text
    result = html_cleaner.clean_html(f"<html><body><div><p>{EN_BODY[0]}\x00\x07</p></div></body></html>")
    assert rebuild(result.text, result.removals) == result.normalized
    assert "\x00" not in result.normalized and EN_BODY[0] in result.text


def test_huge_page_is_cleaned_in_reasonable_time(html_cleaner: cleaner.Cleaner) -> None:
    related = "".join(f'<li><a href="/{i}">Other story number {i}</a></li>' for i in range(3000))
    body = "".join(f"<p>{EN_BODY[i % 4]} Paragraph {i}.</p>" for i in range(2000))
    page = f"<html><body><nav><ul>{related}</ul></nav><article>{body}</article></body></html>"
    assert len(page) > 500_000
    start = time.perf_counter()
    result = html_cleaner.clean_html(page.encode("utf-8"))
    assert time.perf_counter() - start < 60
    assert "Paragraph 1999." in result.text
    assert "Other story number 17" not in result.text


# -- alignment ---------------------------------------------------------------------


def test_align_marks_extracted_tokens_in_order() -> None:
    page = tokens("Menu Home News. Teaser: the council voted. The council voted on Tuesday to expand. Footer")
    out = tokens("The council voted on Tuesday to expand.")
    marked = align(page, out)
    kept = [t for t, m in zip(page, marked, strict=True) if m]
    assert kept == out
    # the teaser's copy of the first words is not taken for the body
    assert page[marked.index(1)] == "the" and marked.index(1) > page.index("teaser") + 3


def test_align_skips_output_tokens_not_on_the_page() -> None:
    page = tokens("alpha beta gamma delta epsilon")
    marked = align(page, tokens("alpha beta inserted gamma delta"))
    assert list(marked) == [1, 1, 1, 1, 0]


def test_align_looks_tokens_up_one_by_one_or_indexes_them_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """The positions an alignment resyncs at do not depend on how they are found."""
    import random

    from cleaner.html import alignment

    rng = random.Random(3)
    cases = []
    for _ in range(300):
        page = [str(rng.randint(0, 9)) for _ in range(rng.randint(0, 60))]
        start = rng.randint(0, len(page))
        out = page[start : start + rng.randint(0, 40)] + [str(rng.randint(0, 12)) for _ in range(rng.randint(0, 20))]
        if rng.random() < 0.3:
            rng.shuffle(out)
        cases.append((page, out))
    one_by_one = [align(page, out) for page, out in cases]
    monkeypatch.setattr(alignment._Occurrences, "LOOKUPS", 0)  # the whole page indexed at once
    assert [align(page, out) for page, out in cases] == one_by_one


def test_align_stays_linear_when_nothing_matches() -> None:
    page = [f"p{i}" for i in range(20_000)]
    start = time.perf_counter()
    assert not any(align(page, [f"o{i}" for i in range(20_000)]))
    assert time.perf_counter() - start < 5


# -- parsing shortcuts ---------------------------------------------------------------


def _tree_or_none(tree: object) -> str | None:
    from lxml import etree

    return None if tree is None else etree.tostring(tree, encoding="unicode")


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html>\n<html><head><title>T</title></head><body><p>Text.</p></body></html>",
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1/DTD/x.dtd">\n<html><body>'
        "<p>Text.</p></body></html>",
        "<!doctype html><html><body><p>No line break after the doctype.</p></body></html>",
        '<html lang="en"/>\n<body><p>Self-closing html.</p></body>',
        "<p>A fragment.</p>",
        "Just text, no markup.",
        "<html><body><p>Text \x7f with delete.</p></body></html>",
        "\r\n<html>\u2028<body><p>Odd line breaks.</p></body></html>",
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd">\n<html><body><p>Caf\u00e9 \u00e0 Z\u00fcrich, '
        "\u4e2d\u6587.</p></body></html>",
        '<!DOCTYPE html SYSTEM "a/b.dtd"><html><body><p>An XHTML doctype and no line break.</p></body></html>',
        '<!DOCTYPE html SYSTEM "a/b.dtd">\n<html/>\n<body><p>Both repairs.</p></body>',
        ' <!doctype html "x/y">\n<p>A doctype after a space, then a fragment.</p>',
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>\u00c9t\u00e9</title></head><body><p>'
        "Fine, no slash.</p></body></html>",
    ],
)
def test_parser_shortcut_gives_the_loaders_tree(page: str) -> None:
    """A clean page whose only repair by trafilatura's loader is a doctype dropped from its start, or none,
    may skip the loader, from its text or from its UTF-8 bytes: the tree is the same."""
    from trafilatura import load_html

    from cleaner.html import parsing as html

    assert not html._LOADER_DROPS.search(page)
    expected = _tree_or_none(load_html(page))
    assert _tree_or_none(html._load(page, clean=True)) == expected
    assert _tree_or_none(html._load(page, clean=True, utf8=page.encode("utf-8"))) == expected
    assert _tree_or_none(html.parse(page, clean=True)) == _tree_or_none(html.parse(page))


def test_the_loaders_doctype_repair_is_done_before_the_parser_shortcut() -> None:
    """What the loader drops from a page's start is what the shortcut drops; other repairs are left to it."""
    from cleaner.html import parsing as html

    xhtml = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/x.dtd">'
    assert html._loader_cut(xhtml + "\n<html><body></body></html>") == len(xhtml)
    assert html._loader_cut("<!DOCTYPE html>\n<html><body></body></html>") == 0
    assert html._loader_cut("<html><body><p>No declaration.</p></body></html>") == 0
    assert html._loader_cut(xhtml + "<html><body></body></html>") is None  # the loader adds a line break
    assert html._loader_cut('<html lang="en"/>\n<body></body>') is None


def test_control_characters_left_to_the_loader_are_dropped_all_the_same() -> None:
    from cleaner.html import parsing as html

    page = "\x01\x02" * 100 + "<html><body><p>Bell\x07 and nul\x00 and delete\x7f.</p></body></html>"
    tree = html.parse(page)
    assert _tree_or_none(tree) == _tree_or_none(html.parse(html._CONTROL.sub("", page)))
    assert "Bell and nul and delete." in tree.text_content()


def test_utf8_byte_scan_agrees_with_the_loaders_text_scan() -> None:
    from cleaner.html import parsing as html

    for code in [*range(0x80), 0xFFFD, 0xFFFE, 0xFFFF, 0xFEFF, 0x10FFFF, 0xE9]:
        text = f"a{chr(code)}b"
        assert html._utf8_without_loader_drops(text.encode("utf-8")) == (not html._LOADER_DROPS.search(text))


def test_utf8_c1_byte_scan_agrees_with_the_binary_check() -> None:
    """A clean UTF-8 page the byte scan passes holds none of the control characters looks_binary counts."""
    from cleaner.decoding import _CONTROL
    from cleaner.html import parsing as html

    for code in [*range(0x20, 0x2FF), 0xFFFD, 0x10FFFF]:
        for text in (f"a{chr(code)}b", f"{chr(code)}", f"\u00a0{chr(code)}\u00c2"):
            data = text.encode("utf-8")
            assert html._utf8_without_c1(data) == (not _CONTROL.search(text)), repr(text)
    assert not html._utf8_without_c1(b"\xc2\xc2\x85")  # invalid UTF-8 (a byte-order mark's "replace"): U+FFFD U+0085
    assert html._utf8_without_c1(b"ends with \xc2")


def test_binary_utf8_pages_are_refused() -> None:
    from cleaner.html import parsing as html

    for data in ("\u0085\u0090" * 400 + "<p>x</p>").encode("utf-8"), b"\x7f" * 100 + b"<p>x</p>":
        with pytest.raises(html.HtmlError, match="binary"):
            html.page_text(data, None)


@pytest.mark.parametrize(
    "page",
    [
        "<!DOCTYPE html>\n<html><head><title>T\u00e9</title></head><body><form><input><select><option>A</option>"
        "</select><textarea>T</textarea><label>L</label></form><p>Text.</p></body></html>",
        "  <HTML><BODY><P>Upper case tags.</P><FORM>Form</FORM><Label>Label</Label></BODY></HTML>",
        "\u3000<html><body><p>An ideographic space first.</p><p>Two.</p></body></html>",
        "\xa0 <!doctype html><html><body><p>A no-break space first.</p><p>Two.</p></body></html>",
        '<?xml version="1.0" encoding="utf-8"?><html><head></head><body><p>An XML declaration.</p></body></html>',
        "<p>A fragment, caf\u00e9.</p>",
        "<html><body><p>Text \x7f with delete.</p></body></html>",
    ],
)
def test_a_clean_utf8_page_is_parsed_from_its_bytes_into_the_loaders_tree(page: str) -> None:
    """The bytes go to a parser like trafilatura's, with the class lookup in C: same tree, same element classes."""
    from cleaner.html import parsing as html

    assert html._fast_parser() is not None
    text, clean, utf8 = html.page_text(page.encode("utf-8"), None)
    tree = html.parse(text, clean=clean, utf8=utf8)
    expected = html.parse(text)  # the loader, from the text
    assert _tree_or_none(tree) == _tree_or_none(expected)
    assert [type(el) for el in tree.iter()] == [type(el) for el in expected.iter()]


@pytest.mark.parametrize(
    "page",
    [
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd">\n<html><body><p>Caf\u00e9 cr\u00e8me.</p>'
        "</body></html>",
        '<html><head><meta charset="windows-1252"></head><body><p>\u00c9t\u00e9 \u2014 \u201cquoted\u201d.</p>'
        "</body></html>",
        "<html><body><p>Form\x0cfeed and bell\x07 stay for the loader.</p></body></html>",
    ],
)
def test_a_page_given_as_text_or_in_another_encoding_is_parsed_into_the_loaders_tree(page: str) -> None:
    """A page passed as text, or as bytes in another encoding, is clean when its text holds nothing the loader
    drops: it then takes the faster parser too, and the tree is the loader's."""
    from cleaner.html import parsing as html

    encoded = page.encode("cp1252") if "windows-1252" in page else page.encode("utf-8")
    for source in (page, encoded):
        text, clean, utf8 = html.page_text(source, None)
        assert clean == (not html._LOADER_DROPS.search(page))
        assert utf8 is None or source is encoded
        tree = html.parse(text, clean=clean, utf8=utf8)
        expected = html.parse(text)
        assert _tree_or_none(tree) == _tree_or_none(expected)
        assert [type(el) for el in tree.iter()] == [type(el) for el in expected.iter()]


def test_the_faster_parser_is_not_used_when_it_would_parse_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner.html import parsing as html

    html._fast_parser.cache_clear()
    monkeypatch.setitem(html._PARSER_OPTIONS, "remove_comments", False)
    try:
        assert html._fast_parser() is None
        tree = html.parse("<html><body><!-- c --><p>Text.</p></body></html>", clean=True)
        assert "<!--" not in _tree_or_none(tree)
    finally:
        html._fast_parser.cache_clear()


# -- DOM index -----------------------------------------------------------------------


def test_dom_rules_name_tags_roles_and_the_first_attribute_with_a_hit(html_cleaner: cleaner.Cleaner) -> None:
    from cleaner import html

    body = " ".join(EN_BODY)
    page = (
        f"<html><body><article><p>{body}</p>"
        '<div id="share-tools" class="caption-box"><p>Share this story on the networks now.</p></div>'
        '<div class="x" id="photo-caption"><p>A caption with its photographer credit.</p></div>'
        '<div role="complementary"><p>A fact box beside the story text.</p></div>'
        '<div role="search"><p>Search the site for more stories.</p></div>'
        f"<figcaption>Figure caption text here.</figcaption><nav>Home News Sport</nav></article></body></html>"
    )
    tree = html.parse(page)
    flags = html.flags.run_html_rules(tree, html_cleaner)
    reasons = {(f.rule, f.reason) for f in flags.values()}
    assert ("dom.figure_caption", '<div id="share-tools"> (caption)') in reasons  # id comes first in the element
    assert ("dom.figure_caption", '<div id="photo-caption"> (caption)') in reasons  # class has no hit
    assert ("dom.aside", '<div role="complementary">') in reasons
    assert ("dom.page_chrome", '<div role="search">') in reasons
    assert ("dom.figure_caption", "<figcaption> is a figure caption") in reasons
    assert ("dom.page_chrome", "<nav> is page navigation or a footer") in reasons


def test_dom_byline_is_a_rule_of_its_own() -> None:
    """Bylines are their own rule (the bylines family), not page furniture: a corpus that keeps bylines turns it
    off and still loses the navigation."""
    body = " ".join(EN_BODY)
    page = (f'<html><body><article><h1>The council approves the plan</h1><div class="byline-author">By Jane '
            f'Doe, Transport Correspondent</div><p>{body}</p><p>{body}</p><nav class="tags">Roads Schools Town'
            "</nav></article></body></html>")
    result = cleaner.clean_html(page)
    assert [r.rule for r in result.removals if "Jane Doe" in r.text] == ["dom.byline"]
    assert "Roads Schools Town" not in result.text
    kept = cleaner.Cleaner(Config.load(disable=["dom.byline", "byline"])).clean_html(page)
    assert "By Jane Doe, Transport Correspondent" in kept.text
    assert "Roads Schools Town" not in kept.text


def _index_by_xpath(tree: object, vocabulary: frozenset[str]) -> tuple[list, list, list]:
    """The DOM rules' view of a page by its definition: indexed tags, then class, id and role in document order."""
    from lxml import etree

    from heuristics import dom

    tagged = list(tree.iter("figcaption", "form", "button", "aside", "nav", "footer", "h1"))
    roles, found = [], {}
    for value in etree.XPath("//@class | //@id | //@role")(tree):
        el = value.getparent()
        if value.attrname == "role":
            roles.append((el, str(value)))
        elif hits := dom.attribute_hits(str(value), vocabulary):
            before = found.get(el)
            found[el] = (el, value.attrname, hits) if before is None else (el, before[1], before[2] | hits)
    return tagged, roles, list(found.values())


def test_page_index_and_dom_marks_agree_with_their_definition() -> None:
    from cleaner import html
    from cleaner.html.index import PageIndex
    from heuristics import dom

    page = (
        '<html class="share"><body><nav role="navigation" id="menu">Menu</nav>'
        '<div id="share-tools" class="caption-box">a</div><div class="related" id="photo-caption">b</div>'
        '<div class="" id="">c</div><div role="Search" class="newsletter-signup">d</div><aside role="complementary">e'
        '</aside><svg><g class="share"/></svg><script class="share">x</script><FORM CLASS="newsletter">f</FORM>'
        f"<article><p>{EN_BODY[0]}</p><figure><figcaption>Cap</figcaption></figure></article><footer>F</footer>"
        "</body></html>"
    )
    vocabulary = dom._vocabulary(frozenset())
    for tree in (html.parse(page), html.parse(make_page("en")), html.parse(make_leaky_page("en"))):
        index = PageIndex(tree)
        tagged, roles, marked = _index_by_xpath(tree, vocabulary)
        assert index.elements("figcaption", "form", "button", "aside", "nav", "footer", "h1") == tagged
        assert index.roles == roles
        assert dom.marked_elements(index, vocabulary) == marked
        assert dom.marked_elements(index, vocabulary) is dom.marked_elements(index, vocabulary)  # once a page


_CLASS_PIECES = ["share", "Share", "SHARE", "caption", "Tools", "-", "_", " ", "\n", "2", "\u0130", "\u1e9e", "x",
                 "related", "Links", "sharebar", "ad"]


@given(st.lists(st.lists(st.sampled_from(_CLASS_PIECES), max_size=6).map("".join), max_size=12))
@example(["\u0130" * 6, "share"])
def test_class_values_are_searched_at_once_with_the_hits_of_each_value(values: list[str]) -> None:
    """One search over all of a page's class and id values finds exactly the words each value holds alone
    (camelCase humps, digits, letters whose lower case is longer, new lines inside a value)."""
    from heuristics import dom

    vocabulary = dom._vocabulary(frozenset())
    expected = {v: hits for v in values if (hits := dom.attribute_hits(v, vocabulary))}
    assert dom.values_with_hits(values, vocabulary) == expected
    assert dom.values_with_hits(values, frozenset()) == {}


def test_visible_text_is_the_page_text_of_extract(html_cleaner: cleaner.Cleaner) -> None:
    """The corpus pass counts the lines of visible_text: exactly those of the page clean_html works on."""
    import gzip
    from pathlib import Path

    from cleaner.html import extract, visible_text

    pages = sorted((Path(__file__).resolve().parent.parent / "bench" / "data" / "aeb-dev" / "html").glob("*.gz"))
    assert len(pages) > 100
    for path in pages:
        page = gzip.decompress(path.read_bytes())
        assert visible_text(page, cleaner=html_cleaner) == extract(page, cleaner=html_cleaner).text, path.name
    assert visible_text(b"  ", cleaner=html_cleaner) == ""
