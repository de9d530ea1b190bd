"""Languages: any language jusText has stop words for is recognised; an unknown one gets the language-independent
rules only, and the audit says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.lang import UNKNOWN, Language, detect_language
from cleaner.pipeline import LANGUAGE_NOTE
from cleaner.rules import all_rules

INPUTS = Path(__file__).resolve().parent.parent / "bench" / "data" / "aeb-dev" / "inputs"

ZH = "北京市政府周二宣布，将在未来五年内投资一千亿元用于城市公共交通建设，新的地铁线路将连接城市的东部和西部地区。"
ZH2 = "预计每天可运送乘客超过五十万人次，市民对此表示欢迎，但也有人担心施工期间的交通拥堵问题会持续很长时间。"
JA = "東京都は火曜日、今後五年間で一千億円を投じて都内の路面電車網を改修する計画を発表した。"
# Thai: no jusText list, and a script of its own (written without spaces between words, a space between clauses).
TH = "กรุงเทพมหานครประกาศเมื่อวันอังคารว่า จะลงทุนหนึ่งแสนล้านบาทในระบบขนส่งสาธารณะ ภายในห้าปีข้างหน้า "
TH2 = "คาดว่าจะรองรับผู้โดยสารได้มากกว่าห้าแสนคนต่อวัน ชาวเมืองต่างยินดี แต่บางคนกังวลเรื่องการจราจรติดขัด "
CS = ("Městská rada v úterý rozhodla o rozšíření tramvajové sítě. Je to velmi důležité rozhodnutí pro obyvatele, "
      "kteří léta čekají na nová spojení, a primátor řekl, že práce začnou ještě letos.")
# A Czech post of two paragraphs, and a line that follows a line under test: the page's language is none of the
# lists', so that every line the tests expect to go is taken by another language's entries.
POST = [CS, "Nové tramvaje mají jezdit každých pět minut a jízdenky nebudou dražší než dnes, ujistil úřad."]
AFTER = "Radní se k věci vrátí v květnu, po svátcích."


def test_stop_words_are_justexts_lists_read_without_importing_it() -> None:
    """Every jusText list, read from its file, is the set ``justext.get_stoplist`` gives (lower-cased), and the
    detection table built with set operations holds, for each word, the languages whose list has it, in order."""
    import justext

    from cleaner.lang import JUSTEXT_NAMES, _stopword_table, detection_codes, stopwords

    codes = detection_codes(("en", "de", "fr"))
    expected: dict[str, tuple[int, ...]] = {}
    for i, code in enumerate(codes):
        words = frozenset(w.lower() for w in justext.get_stoplist(JUSTEXT_NAMES[code]))
        assert stopwords(code) == words, code
        for w in words:
            expected[w] = (*expected.get(w, ()), i)
    assert _stopword_table(codes) == expected
    assert stopwords("xx") == frozenset()


def test_stop_words_come_from_justext_itself_when_its_lists_are_no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where jusText's lists are not files in a folder (a zipped install), jusText reads them: the same words."""
    from cleaner import lang

    expected = lang.stopwords("de")
    monkeypatch.setattr(lang, "_stoplist_dir", lambda: None)
    lang.stopwords.cache_clear()
    try:
        assert lang.stopwords("de") == expected
    finally:
        lang.stopwords.cache_clear()


def test_a_language_outside_the_configured_ones_is_recognised() -> None:
    assert detect_language(CS, ["en", "de"]) == "cs"
    assert cleaner.clean_text(CS).lang == "cs"


def test_chinese_and_japanese_are_recognised_by_their_script() -> None:
    """No stop-word list covers Chinese or Japanese: most of the letters being Han characters or kana makes a text
    one of them (kana: Japanese), even when some of its words are English; a few Han characters in a text of
    another script do not."""
    assert detect_language(ZH * 2, ["en"]) == "zh"
    assert detect_language(JA, ["en"]) == "ja"
    assert detect_language(f"Kindle for PCをCtrl＋Alt＋Kで起動する方法。{JA}", ["en"]) == "ja"
    assert cleaner.clean_text(f"{ZH}\n\n{ZH2}").lang == "zh"
    assert detect_language(f"{CS} Primátor se setkal s delegací z Pekingu (北京).", ["en"]) == "cs"
    assert detect_language(TH * 3, ["en"]) == UNKNOWN


def test_a_configured_language_wins_a_close_call() -> None:
    text = "The council voted on Tuesday to expand the tram network, which residents have awaited for years."
    assert detect_language(text, ["en"]) == "en"
    assert detect_language("Tram", ["de", "en"]) == "de"  # too short to tell: the first configured language


def test_unknown_language_runs_the_language_independent_rules_only() -> None:
    text = f"{TH * 3}\n\nSubscribe to our newsletter\n\nsubway_line_pkg_00021407.jpg\n\n{TH2 * 3}"
    result = cleaner.clean_text(text)
    assert result.lang == UNKNOWN
    assert "Subscribe to our newsletter" in result.text  # newsletter.prompt (language-specific) did not run
    assert [r.rule for r in result.removals] == ["video.block"]  # a language-independent rule did
    notes = [n for n in result.notes if n.rule == LANGUAGE_NOTE]
    assert len(notes) == 1 and "language not recognised" in notes[0].reason
    specific = {r.name for r in all_rules() if r.language_specific and r.enabled}
    assert specific and all(name in notes[0].reason for name in specific)
    assert cleaner.rebuild(result.text, result.removals) == result.normalized


def test_a_language_recognised_once_a_copy_is_gone_gets_every_rule_and_the_note_says_so() -> None:
    # A line of no language and its copy in capitals (two distinct lines) are most of the language sample: the
    # text is unknown until dedup.exact removes the copy; the language-specific rules then run on what is left.
    nonsense = " ".join(["Zorblax quimtrel vopsnark dreeble flonk yabbit crennow splakt"] * 6)
    text = f"{nonsense}\n\n{nonsense.upper()}\n\nShare on Facebook\n\nIt was said that the plan is good.\n"
    result = cleaner.clean_text(text)
    assert [r.rule for r in result.removals] == ["dedup.exact", "share.buttons"]
    notes = [n for n in result.notes if n.rule == LANGUAGE_NOTE]
    assert len(notes) == 1 and notes[0].reason.startswith("language not recognised")
    assert "recognised on the text left by a later pass" in notes[0].reason
    assert cleaner.clean_text(result.text).lang == "en"


def test_a_known_language_gets_every_rule() -> None:
    text = f"{CS}\n\nSubscribe to our newsletter\n\n{CS} Konec."
    result = cleaner.clean_text(text)
    assert "Subscribe to our newsletter" not in result.text
    assert not [n for n in result.notes if n.rule == LANGUAGE_NOTE]


# Words to build texts near every bar of the detector: English and Polish stop words, other words, figures, and
# "words" of a script without spaces.
_VOCABULARY = ["the", "and", "of", "to", "in", "jest", "nie", "się", "tramway", "council", "2024", "17,5",
               "北京市政府周二宣布", "预计每天可运送乘客", "|", "Tuesday", "w", "i", "że"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_VOCABULARY), max_size=40), max_size=40),
       st.sampled_from([["en"], ["en", "de"], ["pl", "en"], [], ["de"]]))
def test_the_cheap_unknown_check_agrees_with_detection(lines: list[list[str]], candidates: list[str]) -> None:
    text = "\n".join(" ".join(line) for line in lines)
    assert Language(text, candidates, 120).is_unknown() == (detect_language(text, candidates, 120) == UNKNOWN)
    assert Language(text, candidates).is_unknown() == (detect_language(text, candidates) == UNKNOWN)


def test_the_cheap_unknown_check_agrees_on_the_bench_inputs() -> None:
    for path in sorted(INPUTS.glob("*.json")):
        for text in json.loads(path.read_text(encoding="utf-8")).values():
            if isinstance(text, str):
                language = Language(text, ["en", "de"])
                unknown = language.is_unknown()
                assert unknown == (language() == UNKNOWN) == (detect_language(text, ["en", "de"]) == UNKNOWN)


def test_a_result_keeps_no_copy_of_the_text_for_its_language() -> None:
    """A result holds its language detector until asked (``Result.lang``): once the engine's question (is it
    unknown?) is answered, the detector holds the text it was given and no sample of its lines."""
    text = "\n\n".join(f"Paragraph {i}: the council voted on the plan, and the residents of the city were there."
                       for i in range(40))
    language = cleaner.clean_text(text).language
    assert isinstance(language, Language) and language.code is None  # only "is it unknown?" was asked
    assert language._lines is None and not language._seen and not language._words
    assert language() == "en" and language._lines is None and not language._seen


# A page in each configured language: article paragraphs and the boilerplate lines that page chrome in that language
# holds (share buttons, newsletter prompts, copyright lines, related-links headings ...), each with the rule that must
# remove it (written by speakers of the language, as sites print them).
LANGUAGE_PAGES = sorted((Path(__file__).resolve().parent / "data" / "languages").glob("*.json"))


def test_every_default_language_ships_the_phrase_lists_of_the_others() -> None:
    """A configured language without a list leaves its boilerplate to the other languages' phrases (an Italian
    page's "Condividi" or "Tutti i diritti riservati" were kept): every default language ships every list that
    German, French and Spanish ship, and has a page below."""
    import heuristics
    from cleaner.settings import LANGUAGES

    data = Path(heuristics.__file__).resolve().parent / "data"
    lists = {lang: {p.stem for p in (data / lang).glob("*.txt")} for lang in LANGUAGES}
    common = lists["de"] & lists["fr"] & lists["es"]
    assert len(common) > 20
    for lang in LANGUAGES:
        assert common <= lists[lang], (lang, sorted(common - lists[lang]))
    assert {p.stem for p in LANGUAGE_PAGES} >= set(LANGUAGES) - {"en", "de", "fr", "es"}


@pytest.mark.parametrize("path", LANGUAGE_PAGES, ids=lambda p: p.stem)
def test_each_language_has_its_boilerplate_removed_and_its_article_kept(path: Path) -> None:
    page = json.loads(path.read_text(encoding="utf-8"))
    result = cleaner.Cleaner().clean_text("\n\n".join(page["document"]))
    assert result.lang == page["language"]
    removed = {r.text.strip(): r.rule for r in result.removals}
    assert removed == {item["line"]: item["rule"] for item in page["boilerplate"]}
    for paragraph in page["article"]:
        assert paragraph in result.text


@pytest.mark.parametrize("heading", [
    "12 Gedanken zu „Der Bürgermeister und die Straßenbahn“", "3 réflexions sur « Le maire et le tramway »",
    "14 comentarios en «El alcalde y el tranvía»", "2 pensieri su “Il sindaco e il tram”",
    "Um comentário em “O prefeito e o bonde”", "Eén reactie op “De burgemeester en de tram”",
    "12 комментариев к «Мэр и трамвай»", "Один ответ на «Мэр и трамвай»", "12 коментарів до «Мер і трамвай»",
    "Один коментар до «Мер і трамвай»", "12 komentarzy do „Prezydent i tramwaj”",
    "Jeden komentarz do „Prezydent i tramwaj”", "12 tanggapan untuk “Gubernur dan trem”",
    "Satu komentar pada “Gubernur dan trem”", "《市长与有轨电车》上有12条评论", "“市长与有轨电车”的2个想法",
    "“市長と路面電車” への12件のフィードバック", "“시장과 전차”에 대한 12개의 생각",
    "12 bình luận về “Thị trưởng và tàu điện”", "Một bình luận về “Thị trưởng và tàu điện”",
])
def test_a_titled_comment_heading_in_each_language_opens_the_thread(heading: str) -> None:
    """WordPress prints the thread's heading with the post's title in the site's language ("12 pensieri su “...”"):
    the heading and the comments after it go, the post stays."""
    thread = [heading, "Anna, 12 March 2024 at 10:15", "Great post, thanks!", "Reply"]
    result = cleaner.Cleaner().clean_text("\n\n".join(POST + thread))
    assert result.text.split("\n\n") == POST
    assert {r.rule for r in result.removals} == {"comments.section"}


def test_a_heading_like_a_titled_comment_heading_but_without_the_quoted_title_stays() -> None:
    text = f"{CS}\n\n5 Gedanken zu Weihnachten\n\n{AFTER}\n\nOdpovědět"
    assert "5 Gedanken zu Weihnachten" in cleaner.Cleaner().clean_text(text).text


@pytest.mark.parametrize("line", [
    "Teilen auf Facebook und Twitter", "Partager sur Facebook et Twitter", "Compartir en Facebook y Twitter",
    "Condividi su Facebook e Twitter", "Compartilhe: Facebook e Twitter", "Delen op Facebook en Twitter", "E-mail",
    "Поделиться в ВКонтакте и Telegram", "Поділитися у Facebook та Telegram", "Udostępnij na Facebooku i Twitterze",
    "Bagikan ke Facebook dan Twitter", "分享到：微信 和 微博", "シェア ツイート はてなブックマーク",
    "공유하기 페이스북 및 트위터", "Chia sẻ lên Facebook và Zalo",
])
def test_share_buttons_joined_by_the_words_of_each_language_go(line: str) -> None:
    """Each language's connectors join share-button labels; a one-letter connector ("e", "y") only between spaces,
    so that the "E" of "E-mail" stays part of its button word."""
    result = cleaner.Cleaner().clean_text(f"{CS}\n\n{line}\n\n{AFTER}")
    assert [(r.rule, r.text.strip()) for r in result.removals] == [("share.buttons", line)]


def test_an_entry_ending_with_a_colon_also_matches_french_typography() -> None:
    """French prints a space (often a no-break one) before a colon: "Mots-clés : ...", "À lire aussi : ..."."""
    from cleaner.phrases import PhraseList, PlainPhraseList

    for phrases in (PhraseList("tags", ("mots-clés:",)), PlainPhraseList("tags", ("mots-clés:",))):
        for line in ("Mots-clés: logement", "Mots-clés : logement", "Mots-clés\u00a0: logement", "MOTS-CLÉS\u202f:"):
            assert phrases.match(line), line
        assert not phrases.match("Mots-clés et logement")
    result = cleaner.Cleaner().clean_text(
        "Le conseil municipal a décidé mardi d'agrandir le réseau de tramway.\n\n"
        "À lire aussi : Faut-il craindre une pénurie d'artisans ?\n\n"
        "Le maire a dit que les travaux commenceraient cette année, et les habitants seront consultés."
    )
    assert [(r.rule, r.text.strip()) for r in result.removals] == [
        ("related.link", "À lire aussi : Faut-il craindre une pénurie d'artisans ?")
    ]


@pytest.mark.parametrize("line", [
    "Read Russia accuses Israel of arming Kyiv", "Lesen Sie auch: Stadtrat beschließt neuen Haushalt",
    "Lire Le maire et le tramway", "• Leer El alcalde y el tranvía", "Leggi Il sindaco e il tram",
    "Lees De burgemeester en de tram", "Читайте Мэрия утвердила новый план",
    "Lesen Über den Wolken feiern Segelflieger", "Lire Élections à Lyon : le maire sortant réélu",
    "Czytaj Prezydent zatwierdził nowy plan", "Baca Gubernur Setujui Rencana Baru",
    "Đọc Thị trưởng phê duyệt kế hoạch mới",
])
def test_read_and_a_headline_goes_in_each_language_configured(line: str) -> None:
    """"Read" + a capitalised headline is a link to another article; the verb is each language's ``read_verbs``
    entry, so it counts only where that language is configured. A capital of any alphabet starts the headline
    ("Über", "Élections", "Мэрия": [A-Z] kept them)."""
    text = f"{CS}\n\n{line}\n\n{AFTER}"
    result = cleaner.Cleaner().clean_text(text)
    assert [(r.rule, r.text.strip()) for r in result.removals] == [("related.link", line)]
    english_only = cleaner.Cleaner(cleaner.Config.load(overrides={"languages": ["en"]})).clean_text(text)
    assert (line in english_only.text) == (not line.startswith("Read"))


@pytest.mark.parametrize("article, thread", [
    (["Kommentare", "Die Behörden melden am Dienstag neue Fälle, und die Stadt will die Schulen offen halten.",
      "Der Bürgermeister sagte, man werde die Lage jeden Tag neu bewerten."],
     ["Kommentare", "Anna schrieb am 12. März: Danke für den Beitrag!", "Antworten"]),
    (["Comentarios", "Responder a las críticas fue difícil para el alcalde, que defendió el plan del tranvía.",
      "El ayuntamiento votará el presupuesto en mayo, según fuentes municipales."],
     ["Comentarios", "Ana, 12 de marzo: ¡Gracias por el artículo!", "Responder"]),
    (["Комментарии", "Ответить на критику мэру было непросто, но он защитил план реконструкции трамвая.",
      "Городская дума проголосует за бюджет в мае, сообщили в мэрии."],
     ["Комментарии", "Анна написала: Спасибо за статью!", "Ответить"]),
    (["Komentarze", "Odpowiedz na krytykę prezydent musiał szybko, ale obronił plan rozbudowy tramwaju.",
      "Rada miasta zagłosuje nad budżetem w maju, podał urząd."],
     ["Komentarze", "Anna napisała: Dzięki za artykuł!", "Odpowiedz"]),
    (["Komentar", "Balas kritik itu tidak mudah bagi gubernur, tetapi ia membela rencana trem kota.",
      "Dewan kota akan memilih anggaran pada bulan Mei, kata seorang pejabat."],
     ["Komentar", "Siti menulis: Terima kasih atas artikelnya!", "Balas"]),
    (["评论", "回复记者提问时，市长表示将在下周公布详细计划。", "市议会将于五月对预算进行表决。"],
     ["评论", "小明：感谢分享！", "回复"]),
    (["コメント", "返信を求められた市長は、来週詳しい計画を公表すると述べた。", "市議会は五月に予算を採決する。"],
     ["コメント", "花子：記事をありがとうございます！", "返信"]),
    (["댓글", "답글을 기다리던 시장은 다음 주에 자세한 계획을 공개하겠다고 밝혔다.",
      "시의회는 5월에 예산안을 표결한다."],
     ["댓글", "철수: 좋은 기사 감사합니다!", "답글"]),
    (["Bình luận", "Trả lời câu hỏi của phóng viên, thị trưởng cho biết kế hoạch sẽ được công bố tuần tới.",
      "Hội đồng thành phố sẽ biểu quyết ngân sách vào tháng Năm."],
     ["Bình luận", "Lan viết: Cảm ơn bài viết!", "Trả lời"]),
])
def test_a_reply_button_word_in_a_sentence_is_no_sign_of_comments(article: list[str], thread: list[str]) -> None:
    """The reply and report buttons ("Antworten", "Melden", "Responder", "Denunciar", "Répondre", "Signaler") are
    signs of a comment thread only as a line of their own: in a sentence they are ordinary verbs, and the section
    under an ambiguous heading ("Kommentare") stays; the same heading followed by a reply button opens a thread."""
    kept = cleaner.Cleaner().clean_text("\n\n".join(POST + article))
    assert kept.text.split("\n\n")[-2:] == article[1:]  # the heading alone may go as a toolbar button
    assert "comments.section" not in {r.rule for r in kept.removals}
    cut = cleaner.Cleaner().clean_text("\n\n".join(POST + thread))
    assert cut.text.split("\n\n") == POST
    assert "comments.section" in {r.rule for r in cut.removals}


@pytest.mark.parametrize("heading, dates, reply", [
    ("3 Kommentare", ["12. März 2024 um 10:15", "12.03.2024, 11:02", "13. März 2024"], "Antworten"),
    ("3 commentaires", ["12 mars 2024 à 10 h 15", "le 12/03/2024 à 11h02", "13 mars 2024"], "Répondre"),
    ("3 comentarios", ["12 de marzo de 2024 a las 10:15", "12/03/2024 a las 11:02", "13 de marzo de 2024"],
     "Responder"),
    ("Lascia un commento", ["12 marzo 2024", "12/03/2024, 11:02", "13 marzo 2024"], "Rispondi"),
    ("3 comentários", ["12 de março de 2024 às 10:15", "12/03/2024 às 11h02", "13 de março de 2024"], "Responder"),
    ("3 reacties", ["12 maart 2024", "12-03-2024 om 11:02", "13-03-2024"], "Beantwoorden"),
    ("3 комментария", ["12 марта 2024 в 10:15", "12.03.2024, 11:02", "13 марта 2024 г."], "Ответить"),
    ("3 коментарі", ["12 березня 2024 о 10:15", "12.03.2024, 11:02", "13 березня 2024 р."], "Відповісти"),
    ("3 komentarze", ["12 marca 2024 o 10:15", "12.03.2024, 11:02", "13 marca 2024 r."], "Odpowiedz"),
    ("3 komentar", ["12 Maret 2024 pukul 10.15", "12/03/2024 11:02", "13 Maret 2024"], "Balas"),
    ("3条评论", ["2024年3月12日 10:15", "2024-03-12 11:02", "2024年3月13日"], "回复"),
    ("3件のコメント", ["2024年3月12日（火）10:15", "2024/03/12 11:02", "2024年3月13日"], "返信"),
    ("3개의 댓글", ["2024.03.12 10:15", "2024-03-12 11:02", "2024년 3월 13일"], "답글"),
    ("3 bình luận", ["12/03/2024 lúc 10:15", "12/03/2024, 11:02", "13 tháng 3, 2024"], "Trả lời"),
])
def test_a_date_line_under_each_commenter_is_a_sign_of_a_thread_in_each_language(
    heading: str, dates: list[str], reply: str
) -> None:
    """A line that is only a date in the site's language (a ``comment_dates`` entry) under each commenter's name is
    a sign of comments beside a reply button: a comment heading in the first half of the text, above a thread
    longer than the post, opens the section. The same dates without the button (a table of dates) open nothing."""
    post = [CS]
    comment = ("Nové tramvaje jsou dobrý nápad, ale jízdenky by měly být levnější pro studenty a důchodce "
               "a linka by měla jezdit i do nových sídlišť na severu města.")
    thread = [heading]
    for name, date in zip(["Anna", "Jonas", "Petra"], dates, strict=True):
        thread += [name, date, comment]
    cut = cleaner.Cleaner().clean_text("\n\n".join(post + thread + [reply]))
    assert cut.text.split("\n\n") == post
    assert {r.rule for r in cut.removals} == {"comments.section"}
    kept = cleaner.Cleaner().clean_text("\n\n".join(post + thread))
    assert "comments.section" not in {r.rule for r in kept.removals}


@pytest.mark.parametrize("line, goes", [
    ("El tranvía llega a Zaragoza [VÍDEO]", True), ("Nieuwe tramlijn in Utrecht geopend [FOTO'S]", True),
    ("Grève à la SNCF : les lignes touchées [DIAPORAMA]", True),
    ("Sperrung zwischen Frankfurt und Mannheim [FOTOS]", True), ("Новая линия метро в Казани [ВИДЕО]", True),
    ("Нова лінія метро у Львові [ВІДЕО]", True), ("Nowa linia metra w Krakowie [WIDEO]", True),
    ("Banjir di Jakarta Utara [VIDEO]", True), ("北京地铁新线路开通【组图】", True), ("新駅が開業（動画）", True),
    ("지하철 새 노선 개통 [영상]", True), ("Lũ lớn ở miền Trung [VIDEO]", True),
    ("Guerre en Ukraine : les dernières informations [EN DIRECT]", False),  # a live page's own headline
    ("Metrô de São Paulo ganha nova linha [vídeo]", False),  # a label in lower case is the headline's own words
])
def test_a_headline_ending_with_a_teaser_label_in_any_alphabet_goes(line: str, goes: bool) -> None:
    """related.teaser reads the bracketed label at a headline's end in any alphabet, with an apostrophe or a space;
    in a script without capitals (Han, kana, Hangul) in its brackets too ("【组图】", "（動画）", "[영상]")."""
    text = f"{CS}\n\n{line}\n\n{AFTER}"
    removed = [(r.rule, r.text.strip()) for r in cleaner.Cleaner().clean_text(text).removals]
    assert removed == ([("related.teaser", line)] if goes else [])


@pytest.mark.parametrize("link", [
    "Alle 12 Kommentare anzeigen", "Voir les 12 commentaires", "Ver los 12 comentarios", "Mostra tutti i commenti",
    "Ver todos os comentários", "Bekijk alle 12 reacties", "Показать все 12 комментариев",
    "Показати всі коментарі", "Pokaż wszystkie komentarze", "Lihat semua komentar", "查看全部12条评论",
    "コメントをすべて見る", "댓글 12개 보기", "Xem tất cả 12 bình luận",
])
def test_a_link_to_the_comments_at_the_end_opens_the_thread_in_each_language(link: str) -> None:
    result = cleaner.Cleaner().clean_text("\n\n".join([*POST, link, "Anna: Skvělý článek, děkuji!"]))
    assert result.text.split("\n\n") == POST
    assert {r.rule for r in result.removals} == {"comments.section"}


@pytest.mark.parametrize("promo, prose", [
    ("Wenn Ihnen dieser Artikel gefallen hat, unterstützen Sie uns mit einem Abo.",
     "Wer helfen will, kann jetzt spenden: Das Rote Kreuz sammelt für die Flutopfer in der Region."),
    ("Si vous avez aimé cet article, soutenez le journalisme indépendant.",
     "Les habitants peuvent faire un don à la Croix-Rouge, qui aide les sinistrés depuis lundi."),
    ("Se ti è piaciuto questo articolo, sostieni il nostro giornalismo.",
     "Chi vuole aiutare? Fai una donazione alla Protezione civile, ha detto il sindaco ai cittadini."),
    ("Если вам понравилась эта статья, поддержите независимую журналистику.",
     "Желающие помочь могут перевести деньги в фонд, который поддерживает детей с тяжёлыми болезнями."),
    ("Якщо вам сподобалася ця стаття, підтримайте незалежну журналістику.",
     "Охочі допомогти можуть переказати гроші до фонду, який підтримує дітей із важкими хворобами."),
    ("Jeśli podobał ci się ten artykuł, wesprzyj niezależne dziennikarstwo.",
     "Kto chce pomóc, może wpłacić pieniądze na fundację, która wspiera dzieci z ciężkimi chorobami."),
    ("Jika Anda menyukai artikel ini, dukung jurnalisme independen.",
     "Warga yang ingin membantu dapat menyumbang ke yayasan yang mendukung anak-anak dengan penyakit berat."),
    ("如果您喜欢这篇文章，请支持我们的独立新闻。", "希望帮助的人可以向基金会捐款，该基金会支持患有重病的儿童。"),
    ("この記事が気に入ったら、サポートをお願いします。", "支援したい人は、重い病気の子どもを支える基金に寄付できる。"),
    ("이 기사가 유익했다면 좋은 기사를 만드는 데 후원해 주세요.",
     "돕고 싶은 시민은 중병을 앓는 어린이를 돕는 재단에 기부할 수 있다."),
    ("Nếu bạn thấy bài viết này hữu ích, hãy ủng hộ báo chí độc lập.",
     "Người dân muốn giúp đỡ có thể quyên góp cho quỹ hỗ trợ trẻ em mắc bệnh nặng."),
])
def test_a_promotion_goes_and_a_sentence_about_giving_stays(promo: str, prose: str) -> None:
    text = f"{CS}\n\n{prose}\n\n{promo}"
    result = cleaner.Cleaner().clean_text(text)
    assert [(r.rule, r.text.strip()) for r in result.removals] == [("site.promo", promo)]


def test_the_lists_of_every_language_are_loaded_but_no_word_of_one_changes_a_sentence_of_another() -> None:
    """All the lists are loaded for every document: an entry that is also a common word of another language would
    act on its sentences (Polish "was", "you", made an English line about a newsletter address the reader)."""
    line = "The newsletter was first printed in 1990 by the tenants of the estate."
    text = f"The council met on Tuesday to discuss the new tram line and its costs for the city.\n\n{line}"
    assert line in cleaner.Cleaner().clean_text(text).text
