"""Tests of the body detector (heuristics/body.py) on full-page text and on clean text."""

# The fixtures are full-page text: one block per line, and a body paragraph is one long line.
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner

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
