"""Tests of the body detector (heuristics/body.py) on full-page text and on clean text."""

# The fixtures are full-page text: one block per line, and a body paragraph is one long line.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from tests.conftest import best_time

ROOT = Path(__file__).resolve().parent.parent

GERMAN_PAGE = """Stadtrat beschließt neues Radwegenetz | Rheinische Rundschau
Zum Inhalt springen
Startseite
Politik
Wirtschaft
Sport
Kultur
Lokales
Anmelden
Abonnieren
Suche
Lokales
Stadtrat beschließt neues Radwegenetz
Bis 2030 sollen in der Innenstadt 40 Kilometer geschützte Radwege entstehen.
Von Anna Berger
12.03.2024, 18:45 Uhr
Der Stadtrat hat am Dienstagabend mit großer Mehrheit ein neues Radwegenetz für die Innenstadt beschlossen. Nach einer mehr als dreistündigen Debatte stimmten 48 von 60 Ratsmitgliedern für den Plan, den die Verwaltung im vergangenen Herbst vorgelegt hatte.
Kern des Konzepts sind geschützte Radwege auf den großen Ausfallstraßen, die durch Bordsteine oder Poller vom Autoverkehr getrennt werden. Dafür sollen auf mehreren Straßen Parkplätze wegfallen, was in den vergangenen Wochen für heftige Kritik bei Anwohnern und Einzelhändlern gesorgt hatte.
Die Oberbürgermeisterin zeigte sich nach der Abstimmung erleichtert. Man habe lange um einen Kompromiss gerungen, sagte sie, und die Bedenken der Geschäftsleute in vielen Punkten aufgenommen. So werde es in den Einkaufsstraßen mehr Lieferzonen geben als ursprünglich geplant.
Finanzierung noch offen
Wie das Projekt bezahlt werden soll, ist allerdings noch nicht vollständig geklärt. Die Stadt rechnet mit Kosten von rund 35 Millionen Euro, von denen ein großer Teil aus Förderprogrammen des Landes und des Bundes kommen soll. Die Opposition warf der Verwaltung vor, die Kosten zu niedrig anzusetzen.
Der Fahrradclub begrüßte die Entscheidung, mahnte aber zur Eile. Jedes Jahr, das ohne sichere Wege vergehe, koste Menschenleben, sagte dessen Sprecher. Die ersten Abschnitte sollen bereits im kommenden Frühjahr gebaut werden.
Mehr zum Thema
Neue Ampeln für Radfahrer am Hauptbahnhof
Parkgebühren steigen ab Juli deutlich
Bürgerbegehren gegen Seilbahn gescheitert
Kommentare
Max123 vor 2 Stunden
Endlich passiert mal was in dieser Stadt. Ich fahre jeden Tag mit dem Rad zur Arbeit und habe schon oft Angst gehabt.
Antworten
Impressum
Datenschutz
AGB
Kontakt
© 2024 Rheinische Rundschau
"""

FRENCH_PAGE = """Le musée des Beaux-Arts rouvre après trois ans de travaux - Le Courrier du Sud
Aller au contenu
Accueil
Actualités
Politique
Économie
Sports
Culture
Se connecter
S'abonner
Rechercher
Culture
Le musée des Beaux-Arts rouvre après trois ans de travaux
Par Claire Dumont
Publié le 5 avril 2024 à 10h12
Après trois années de chantier, le musée des Beaux-Arts a rouvert ses portes samedi matin. Plusieurs centaines de visiteurs attendaient déjà devant l'entrée à l'heure de l'ouverture, certains venus de communes voisines pour découvrir les nouvelles salles.
Les travaux, d'un montant de 28 millions d'euros, ont permis de rénover entièrement la toiture et de créer une aile consacrée à l'art contemporain. La surface d'exposition a ainsi presque doublé, ce qui permet de montrer au public des œuvres qui dormaient depuis des décennies dans les réserves.
« Nous voulions un musée ouvert sur la ville, où l'on vient aussi pour se promener et prendre un café », a expliqué la directrice lors de l'inauguration. L'entrée restera gratuite le premier dimanche de chaque mois.
Une programmation ambitieuse
La première exposition temporaire est consacrée aux peintres de la région au XIXe siècle. Elle réunit plus de cent tableaux, dont une vingtaine prêtés par des collectionneurs privés qui n'avaient jamais été montrés au public.
Le maire a salué un projet qui doit renforcer l'attractivité touristique de la ville. La municipalité espère accueillir deux cent mille visiteurs dès la première année, soit deux fois plus qu'avant la fermeture.
À lire aussi
Le festival de jazz dévoile sa programmation
La bibliothèque municipale change d'horaires
Un nouveau cinéma ouvrira en centre-ville
Mentions légales
Politique de confidentialité
Gestion des cookies
Contact
© Le Courrier du Sud 2024 - Tous droits réservés
"""

ENGLISH_PAGE = """City council approves new library budget - The Valley Gazette
Skip to content
Home
News
Sports
Opinion
Business
Log In
Subscribe
Search
News
City council approves new library budget
By Mark Ellis
Published March 3, 2024
The city council voted on Tuesday night to approve a budget that will keep all five branches of the public library open on Sundays, reversing cuts that had been made during the pandemic. The measure passed by a vote of seven to two after a long public hearing.
Dozens of residents spoke in favour of the plan, many of them parents who said the library had become one of the few places where their children could study after school. Several speakers described the branches as the heart of their neighbourhoods.
The two council members who voted against the budget said they supported the library but worried about the cost of the extra staff. They proposed a smaller increase that would have kept only the main branch open, which the majority rejected.
The library director said the new hours would begin in May. She added that the system would also expand its programmes for adult learners, including free classes in computer skills and English as a second language.
Most Popular
Five things to do this weekend in the valley
High school team wins state title in overtime
New restaurant opens in the old train station
Comments
Privacy Policy
Terms of Service
Contact Us
© 2024 The Valley Gazette. All rights reserved.
"""


def body_config() -> cleaner.Config:
    """The body detector alone, so that these tests check this family only."""
    from cleaner.rules import all_rules

    others = sorted({r.family for r in all_rules()} - {"body"})
    return cleaner.Config.load(disable=others)


@pytest.fixture(scope="module")
def cln() -> cleaner.Cleaner:
    return cleaner.Cleaner(body_config())


@pytest.mark.parametrize(
    ("page", "lang", "kept", "dropped"),
    [
        (
            GERMAN_PAGE,
            "de",
            ["Der Stadtrat hat am Dienstagabend", "Finanzierung noch offen", "Die ersten Abschnitte sollen"],
            ["Startseite", "Anmelden", "Neue Ampeln für Radfahrer", "Endlich passiert mal was", "Impressum", "© 2024"],
        ),
        (
            FRENCH_PAGE,
            "fr",
            ["Après trois années de chantier", "Une programmation ambitieuse", "La municipalité espère"],
            ["Accueil", "Se connecter", "Le festival de jazz", "Mentions légales", "Tous droits réservés"],
        ),
        (
            ENGLISH_PAGE,
            "en",
            ["The city council voted on Tuesday", "The library director said"],
            ["Log In", "Five things to do", "Privacy Policy", "All rights reserved"],
        ),
    ],
    ids=["de", "fr", "en"],
)
def test_full_page_keeps_body_drops_page(
    cln: cleaner.Cleaner, page: str, lang: str, kept: list[str], dropped: list[str]
) -> None:
    result = cln.clean_text(page)
    assert result.lang == lang
    for piece in kept:
        assert piece in result.text, f"body text lost: {piece!r}"
    for piece in dropped:
        assert piece not in result.text, f"boilerplate kept: {piece!r}"


@pytest.mark.parametrize("page", [GERMAN_PAGE, FRENCH_PAGE, ENGLISH_PAGE], ids=["de", "fr", "en"])
def test_headline_stays_once(cln: cleaner.Cleaner, page: str) -> None:
    headline = page.split("\n")[0].rsplit(" - ", 1)[0].rsplit(" | ", 1)[0]
    result = cln.clean_text(page)
    assert result.text.count(headline) == 1


def test_every_removal_names_its_figures(cln: cleaner.Cleaner) -> None:
    result = cln.clean_text(ENGLISH_PAGE)
    assert result.removals
    for r in result.removals:
        assert r.rule == "body.detector"
        assert any(ch.isdigit() for ch in r.reason), r.reason


def test_switch_off(cln: cleaner.Cleaner) -> None:
    cfg = cleaner.Config.load(disable=["body"])
    result = cleaner.Cleaner(cfg).clean_text(ENGLISH_PAGE)
    assert not [r for r in result.removals if r.rule == "body.detector"]


def test_clean_article_is_left_alone(cln: cleaner.Cleaner) -> None:
    article = "\n\n".join(
        line
        for line in ENGLISH_PAGE.split("\n")
        if len(line) > 120 or line == "City council approves new library budget"
    )
    result = cln.clean_text(article)
    assert result.removals == []
    assert result.text == cleaner.Cleaner(body_config()).make_document(article).text


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "corpus").glob("*.txt")))
def test_no_harm_on_seeds(cln: cleaner.Cleaner, name: str) -> None:
    """The seeds are extracted articles: the detector removes nothing from them."""
    result = cln.clean_text((ROOT / "corpus" / name).read_text(encoding="utf-8"))
    assert [r for r in result.removals if r.rule == "body.detector"] == []


# -- families of errors: each test is one family, built on the English page --------------------------------------

_PAGE_LINES = ENGLISH_PAGE.strip().split("\n")
_HEAD = _PAGE_LINES[: _PAGE_LINES.index("Published March 3, 2024") + 1]
_BODY = [line for line in _PAGE_LINES if len(line) > 120]
_FOOT = _PAGE_LINES[_PAGE_LINES.index("Most Popular") :]


def _page(*parts: list[str]) -> str:
    return "\n".join(line for part in parts for line in part) + "\n"


def test_comment_thread_after_a_short_body_is_dropped(cln: cleaner.Cleaner) -> None:
    """A comment thread longer than the body, after a "N responses to" label, is not the body."""
    comment = (
        "I have lived in this city for thirty years and I think that the library is the best thing that we "
        "have, so I am very glad that the council finally did the right thing for all of us here. Number {}."
    )
    thread = ["12 responses to “City council approves new library budget”"]
    for i in range(12):
        thread += [f"reader{i} says:", comment.format(i)]
    result = cln.clean_text(_page(_HEAD, _BODY[:2], thread, _FOOT))
    assert "The city council voted on Tuesday" in result.text
    assert "Number 3." not in result.text


def test_list_after_a_lead_in_at_the_body_edge_is_kept(cln: cleaner.Cleaner) -> None:
    """Structured content announced by a lead-in ("opening hours:") stays with the body; the footer goes."""
    hours = ["The new Sunday opening hours of the branches:", "Main branch 10 am to 6 pm"] + [
        f"Branch {n} 12 am to 5 pm" for n in ("North", "South", "East", "West")
    ]
    result = cln.clean_text(_page(_HEAD, _BODY, hours, _FOOT))
    for line in hours:
        assert line in result.text, f"list line lost: {line!r}"
    assert "Privacy Policy" not in result.text


def test_menu_after_a_colon_is_not_a_list(cln: cleaner.Cleaner) -> None:
    """A lead-in with items of another shape than the list (or a short label like "Follow us:") keeps nothing."""
    follow = ["Follow us:", "Facebook", "Twitter", "Instagram"]
    result = cln.clean_text(_page(_HEAD, _BODY, _FOOT[:4], follow, _FOOT[4:]))
    assert "Instagram" not in result.text


def test_embedded_most_read_box_does_not_end_the_body(cln: cleaner.Cleaner) -> None:
    """A "Most read" box inside the body (heading, its links, then more paragraphs) does not cut the article.

    The box's lines themselves stand between body paragraphs: the learned
    detector is unsure of them and keeps them (a known limit: the rules see
    the heading, not always the list under it).
    """
    box = ["Most read in news"] + [f"Headline number {n} about something else entirely in the valley" for n in range(6)]
    page = _page(_HEAD, _BODY[:1], box, _BODY[1:], _FOOT)
    for result in (cln.clean_text(page), cleaner.clean_text(page)):
        for paragraph in _BODY:
            assert paragraph in result.text
        assert "Privacy Policy" not in result.text


def test_lines_removed_earlier_still_give_context() -> None:
    """The headline removed by an earlier rule (a repeat of the title) still anchors the body region.

    With every rule on, the title line repeated in the page goes to the
    headline rule; the detector must still prefer the body right after it
    over a longer comment thread further down.
    """
    comment = "This comment is long enough to look like prose to the detector, and it says {} things about it."
    thread = ["Comments"] + [comment.format(n) for n in range(20)]
    result = cleaner.clean_text(_page(_HEAD, _BODY, thread, _FOOT))
    assert "The library director said" in result.text
    assert "says 7 things" not in result.text


def test_neighbours_are_read_past_repeated_template_lines() -> None:
    """A short paragraph between two copies of a widget line (a label under every photo, the same but for its
    digits) has the paragraphs around it as its neighbours, not the widget lines; a line an earlier rule
    removed is still a neighbour."""
    import math

    from heuristics._body_features import block_features
    from heuristics._body_lines import LINE_FEATURES, line_features

    paragraphs = [
        "The festival opens on Friday, and the hall will hold more stands than it did last year.",
        "Each shirt comes with a set of two cards.",
        "The cases come folded in packs, so they fit in any bag.",
    ]
    removed = "Advertisement"
    texts = [paragraphs[0], "Img ID#159375 Title:", paragraphs[1], "Img ID#159376 Title:", paragraphs[2], removed,
             paragraphs[0] + " Again."]
    pieces = [(10 * i, 10 * i + len(t), t, t != removed) for i, t in enumerate(texts)]
    rows = line_features(block_features(pieces, frozenset({"the", "and", "of", "a", "on", "it"})), None, [], 1.0)
    chars, prev1, next1 = (LINE_FEATURES.index(f) for f in ("chars_log", "prev1_chars_log", "next1_chars_log"))
    # rows: the live lines, paragraph 0, widget, paragraph 1, widget, paragraph 2, the last paragraph
    assert rows[2, prev1] == rows[0, chars] and rows[2, next1] == rows[4, chars]
    assert rows[1, prev1] == rows[0, chars] and rows[1, next1] == rows[2, chars]  # a widget line: between them
    assert rows[4, next1] == rows[5, prev1] == math.log1p(len(removed))


@pytest.mark.parametrize("separator", ["-", "|", "\u2013", ":", "\u00bb", "\u00ab", "\u203a"])
def test_a_title_part_between_separators_is_the_headline(separator: str) -> None:
    """A page title "Site <separator> Headline" (a dash, bar, colon or guillemet) names the headline: a line
    repeating that part repeats the title."""
    from heuristics._page import title_key, title_keys

    keys = title_keys(f"Flavorwire {separator} Original Illustrations Inspired by Literary Jokes")
    assert title_key("Original Illustrations Inspired by Literary Jokes") in keys
    assert title_key("Flavorwire") not in keys  # a part of fewer than three words names no headline
    assert title_keys("A\u00bbB joined words stay one part") == {title_key("A\u00bbB joined words stay one part")}


def test_a_title_matches_its_headline_whatever_punctuation_the_converter_dropped() -> None:
    """A <title> printed without its typographic characters ("Chads World 15Flash") still names the headline
    ("Chad’s World 15–Flash"): the keys compare the words run together."""
    from heuristics._page import title_key, title_keys

    keys = title_keys("Chads World 15Flash, Flash, FLASH! - Virtual Geek")
    assert title_key("Chad\u2019s World 15\u2013Flash, Flash, FLASH!") in keys
    assert title_key("Chad\u2019s World 15\u2013Flash, Flash, again") not in keys


def test_only_the_run_under_the_headline_weighs_more() -> None:
    """The title's weight goes to the run right after its first copy (the headline), not to the runs after its
    copies further down (a sidebar's list of recent posts naming this one, above its recent comments)."""
    from heuristics.body import Region, title_runs

    runs = [Region(8, 10, 400), Region(40, 44, 900)]
    assert title_runs(runs, [6, 38], 12) == {0}
    assert title_runs(runs, [30], 12) == {1}
    assert title_runs(runs, [20], 12) == set()  # no run near enough


def test_a_recipes_ingredient_list_stays() -> None:
    """A recipe's ingredients (short lines of figures and nouns, the shape of a menu) stay on a whole page, with
    the list's heading, each logged as a keep; the page's menus and footer still go."""
    ingredients = ["Ingredients", "• 2 sticks Salted Butter, Slightly Softened", "• 1 cup Powdered Sugar",
                   "• 1 whole Egg", "• 2-1/2 cups Flour", "• 1/2 tsp Salt"]
    page = _page(_HEAD, _BODY[:2], ingredients, _BODY[2:], _FOOT)
    result = cleaner.clean_text(page)
    for line in (*ingredients, *_BODY):
        assert line in result.text
    assert "Privacy Policy" not in result.text and "Skip to content" not in result.text
    kept = {n.text.strip() for n in result.notes if "recipe's list of 5 ingredients" in n.reason}
    assert kept and kept <= set(ingredients)  # the lines the models drop stay by this guard
    off = cleaner.Config.load(overrides={"rules": {"body.detector": {"min_ingredients": 100}}})
    assert all(line not in cleaner.clean_text(page, config=off).text for line in kept)


def test_ingredient_lists_are_runs_of_quantities_and_units() -> None:
    from heuristics._lines import ingredient_lists

    units = cleaner.Cleaner().phrases_for("en")["ingredient_units"].alternation
    lines = ["Menu", "For the sauce:", "2 cups flour", "- 1/2 tsp salt", "½ cup sugar", "1 \u00bd tbsp. oil",
             "Stir well and serve.", "3G wireless", "30 Small Bedrooms Ideas", "A paragraph."]
    assert ingredient_lists(lines, units, 3) == {k: 4 for k in range(1, 6)}  # the heading and the four lines
    assert ingredient_lists(lines[6:], units, 3) == {}  # single lines that start so are no recipe
    assert ingredient_lists(["Ingredients", "2 cups flour", "1 egg"], units, 3) == {}  # too short a run


def test_stoplist_keeps_the_configured_language_unless_another_is_clearly_better() -> None:
    from heuristics._body_features import choose_stoplist

    recipe = (
        "If you have done the program, you have seen how the meal plan works. "
        "Asparagus and Eggs [1 cup asparagus, 2 soft-boiled eggs, ½ cup sweet potato]. "
        "Portion Fix Containers: 1 Green, 1 Red, 1 Yellow, 1 tsp. Beachbody Performance Recover, 1 cup blueberries. "
        "Tomato Cucumber Salad (½ cup cherry tomatoes, ½ cup cucumber slices, ¼ cup feta). "
    ) * 10
    # English covers 0.23, the Finnish list (which holds "and", "cup", "green", "red") a little more
    assert choose_stoplist(recipe, "en", 0.12, 0.30, 0.0)[0] == "fi"
    assert choose_stoplist(recipe, "en", 0.12, 0.30, 0.10)[0] == "en"
    russian = "Мэр города сказал, что строительство моста будет завершено до конца года и что задержек нет. " * 20
    assert choose_stoplist(russian, "en", 0.12, 0.30, 0.10)[0] == "ru"


def test_stoplist_sample_read_by_line_is_the_joined_texts_words() -> None:
    """The sample read from each line's cached words is the words of the lines joined and cut, whatever the
    cut (in a word, on a space) and the letters (a final sigma, a dotted capital I, apostrophes)."""
    import random

    from cleaner.lang import WORD
    from heuristics._body_features import leading_words

    rng = random.Random(7)
    alphabet = ["a", "b", "Σ", "Α", "İ", "'", "’", "1", " ", " ", "-", "́", "ß"]
    for _ in range(2000):
        lines = ["".join(rng.choices(alphabet, k=rng.randint(0, 12))).strip() for _ in range(rng.randint(0, 6))]
        limit = rng.randint(1, 6)
        assert leading_words(lines, limit) == WORD.findall(" ".join(lines)[: 8 * limit].lower())[:limit]


def test_long_page_is_linear(cln: cleaner.Cleaner) -> None:
    """A page of many thousand lines costs in proportion to its lines: four times the menu lines take at most
    eight times the CPU time (quadratic work would take sixteen), whatever the machine's speed or load (timed
    as the hostile-input tests time: the best of three runs, the garbage collector held off)."""

    def page(lines: int) -> str:
        menu = [f"Section {n}" for n in range(lines)]
        return _page(_HEAD, menu, _BODY, menu, _FOOT)

    small_page, large_page = page(2500), page(10000)
    small = best_time(lambda: cln.clean_text(small_page))
    large = best_time(lambda: cln.clean_text(large_page))
    assert large < 8 * small, f"{small:.2f}s for 2,500 menu lines, {large:.2f}s for 10,000"
    assert "The library director said" in cln.clean_text(large_page).text


def test_a_body_between_long_menus_is_found(cln: cleaner.Cleaner) -> None:
    """A body between 20,000-line menus: the models see distances past what they were trained on (capped),
    and keep the body. (test_long_page_is_linear checks the cost.)"""
    menu = [f"Section {n}" for n in range(20000)]
    result = cln.clean_text(_page(_HEAD, menu, _BODY, menu, _FOOT))
    for paragraph in _BODY:
        assert paragraph in result.text
    assert "Section 10000" not in result.text


def test_hard_wrapped_article_is_not_a_page(cln: cleaner.Cleaner) -> None:
    """An extracted article with hard line breaks (a paper, a plain-text mail) has short unpunctuated lines
    like a menu; the lines going on in lower case show it is prose, and the detector leaves it alone."""
    import textwrap

    title = "City council approves new library budget"
    paragraphs = ["\n".join(textwrap.wrap(p, 50)) for p in _BODY * 3]
    result = cln.clean_text("\n\n".join([title, title, *paragraphs]))
    assert [r for r in result.removals if r.rule == "body.detector"] == []
    for paragraph in paragraphs:
        assert paragraph in result.text


def test_prose_between_kept_lines_stays() -> None:
    """A paragraph the line models drop between two lines they keep is kept (and logged): it is inside the body.

    The scores stand for the learned models' (a page that is all article,
    say a blog post of photos and paragraphs, is scored unevenly); a
    paragraph at the edge of the body, or a run of two dropped ones, is
    not enclosed.
    """
    from cleaner.document import Document
    from cleaner.rules import all_rules
    from heuristics.body import GOOD, analyse, enclosed_prose

    params = next(r.params for r in all_rules() if r.name == "body.detector")
    blocks = analyse(Document(_page(_HEAD, _BODY, _FOOT)), params)
    live = [b for b in blocks if b.live]
    body = [k for k, b in enumerate(live) if b.text in _BODY]
    assert len(body) >= 4 and all(live[k].cls == GOOD for k in body)
    scores = [0.9 if k in body else 0.1 for k in range(len(live))]
    middle, first = body[2], body[0]
    scores[middle] = scores[first] = 0.2
    assert enclosed_prose(live, scores, 0.5, 1) == {middle}
    scores[middle + 1] = 0.2  # two dropped paragraphs in a row: a break in the body, not one paragraph
    assert enclosed_prose(live, scores, 0.5, 1) == set()


def _declared(page: str) -> cleaner.Cleaner:
    """The body detector alone, with the input declared a page, an article, or left to the page model."""
    from cleaner.rules import all_rules

    others = sorted({r.family for r in all_rules()} - {"body"})
    return cleaner.Cleaner(cleaner.Config.load(disable=others, overrides={"rules": {"body.detector": {"page": page}}}))


def test_declared_page_skips_the_page_decision() -> None:
    """Full-page text the page model takes for an article (its menu cut off) is judged when declared a page;
    the reason says so, and the later passes judge what is left as usual (the page model decides)."""
    lines = ENGLISH_PAGE.split("\n")
    text = "\n".join(lines[lines.index("City council approves new library budget"):])
    assert not [r for r in _declared("auto").clean_text(text).removals if r.rule == "body.detector"]
    result = _declared("page").clean_text(text)
    removed = [r for r in result.removals if r.rule == "body.detector"]
    assert removed and all("a whole page as configured" in r.reason for r in removed)
    assert "The library director said" in result.text
    for menu in ("Privacy Policy", "New restaurant opens", "All rights reserved"):
        assert menu not in result.text


def test_declared_article_is_never_judged() -> None:
    result = _declared("article").clean_text(ENGLISH_PAGE)
    assert [r for r in result.removals if r.rule == "body.detector"] == []
    assert "Privacy Policy" in result.text


def test_declared_kind_must_be_known() -> None:
    from cleaner.config import ConfigError

    with pytest.raises(ConfigError, match="expected one of auto, page, article"):
        cleaner.Config.load(overrides={"rules": {"body.detector": {"page": "full"}}})


# A Chinese news page as a converter prints it: menus, the article (headline, dateline, five paragraphs, the
# editor's line), share and related links, a ranking, the footer. Chinese puts no spaces between words.
CHINESE_ARTICLE = [
    "城市公园改造工程正式启动",
    "2024年5月12日 10:30 来源：示例日报 作者：王明",
    "本报讯（记者王明）5月11日上午，市中心公园改造工程正式启动。据了解，该工程总投资约两亿元，计划于明年年底前全部完工，"
    "改造后的公园将新增绿地面积三万平方米，并建设儿童游乐区、健身步道和湖边观景平台。",
    "市园林局负责人在启动仪式上表示，中心公园建于上世纪八十年代，是市民休闲娱乐的重要场所。近年来，随着城市人口不断增加，"
    "公园的设施已经难以满足市民的需求，部分道路和排水系统也出现了老化问题。",
    "据介绍，改造工程分为三个阶段进行。第一阶段主要对公园北区进行施工，包括拆除旧的围墙和临时建筑；第二阶段将建设新的儿童"
    "游乐区和健身步道；第三阶段则重点打造湖边景观带。",
    "不少市民对改造工程表示期待。家住公园附近的李女士说：“我每天早上都来这里散步，希望改造以后环境能更好，也希望能多一些"
    "座椅，方便老人休息。”",
    "园林局表示，工程设计方案此前已经过多次公开征求意见，共收到市民建议一千二百余条，其中大部分已被采纳。",
    "责任编辑：李华",
]
CHINESE_CHROME = {
    "menu": ["首页", "新闻", "体育", "娱乐", "财经", "科技", "登录", "注册", "首页 > 新闻中心 > 正文"],
    "after": ["分享到：微信微博QQ空间", "相关新闻", "我市新建三座口袋公园", "春季植树活动圆满结束", "城市绿道网络规划公布",
              "热门排行", "高考报名人数再创新高", "地铁五号线即将开通", "本周天气以晴为主",
              "关于我们 | 联系我们 | 广告服务 | 隐私政策", "版权所有 © 2024 示例网 京ICP备12345678号"],
}


def test_chinese_lines_weigh_as_the_words_they_hold() -> None:
    """Chinese and Japanese are written without spaces: a paragraph is no one-"word" menu label, a label of two
    characters no long line. Their characters count as the words and characters of a spaced script that says
    as much (cleaner.text.UNSPACED); a line without them is counted as before."""
    from heuristics._body_features import block_features, sentence_ends
    from heuristics._page import line_figures

    paragraph, label, english = CHINESE_ARTICLE[2], "首页", "Home | About us"
    _, words, chars, *_ = line_figures(paragraph)
    assert words >= 50 and chars >= 200  # like its English translation (about 60 words, 350 characters)
    _, words, chars, *_, menu = line_figures(label)
    assert words == 1 and chars < 15 and menu
    assert line_figures(english)[1:3] == (4, len(english))
    blocks = block_features([(0, 1, paragraph, True), (1, 2, english, True)], frozenset())
    assert blocks[0].n_words >= 50 and blocks[0].chars >= 200
    assert (blocks[1].n_words, blocks[1].chars) == (3, len(english))
    assert sentence_ends(paragraph) == 2  # a CJK full stop needs no space after it


def test_chinese_page_keeps_its_article() -> None:
    """A Chinese page declared a page (no stop-word list: the body detector's layout figures, and the Chinese phrase
    lists for the share bar, the related links and the footer):
    the dateline and the paragraphs stay, the menus and lists around go. The two short lines at the body's edges
    (the headline, the editor's line) are the line models' call: they score within a few hundredths of the
    threshold, on one side with one fit of the models and on the other with the next."""
    text = "\n\n".join(CHINESE_CHROME["menu"] + CHINESE_ARTICLE + CHINESE_CHROME["after"])
    kept = _declared("page").clean_text(text).text.split("\n\n")
    assert set(kept) <= set(CHINESE_ARTICLE)
    assert set(CHINESE_ARTICLE[1:-1]) <= set(kept)


@pytest.mark.parametrize(("title", "headline"), [
    ("市政府批准明年道路维修新预算_新闻频道_示例网", "市政府批准明年道路维修新预算"),
    ("道路維修の新予算を市議会が承認｜日経", "道路維修の新予算を市議会が承認"),
    ("示例网 - 市政府批准明年道路维修新预算", "市政府批准明年道路维修新预算"),
    ("市政府批准明年道路维修新预算？- 示例网", "市政府批准明年道路维修新预算？"),
])
def test_a_chinese_or_japanese_title_part_is_the_headline(title: str, headline: str) -> None:
    """Chinese and Japanese titles put a bar or underscore against the characters, and count their words without
    spaces: the headline part is still a key; a middle dot (a foreign name) or a hyphen between characters is no
    separator, and a short part (the site's name) names no headline."""
    from heuristics._page import title_key, title_keys

    keys = title_keys(title)
    assert title_key(headline) in keys
    assert title_key("示例网") not in keys and title_key("日経") not in keys
    assert title_keys("迈克尔·杰克逊的最后一场演唱会") == {title_key("迈克尔·杰克逊的最后一场演唱会")}
    assert title_keys("北京-上海高速铁路今日通车") == {title_key("北京-上海高速铁路今日通车")}
