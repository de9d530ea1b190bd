"""Fast paths give exactly the answers of the slow code they stand for."""

from __future__ import annotations

import json
from pathlib import Path

from ftfy import badness
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner.normalize import looks_bad

# ASCII, the characters ftfy's badness patterns are made of, the "benign" ones
# the fast path skips, and a few scripts no pattern names.
ALPHABET = (
    "ab XYZ.,?!\n\t 09_-"
    "ÃÂÎÐ€œŒŠš¢£Ÿž\xa0\xad®©°·»«“”‘’‚„–—―…´×²³¹¼ØÙàåéèÄâóêäìîïòôúùû†‡‰√±∂≈≠™µ¥ƒˆ˜"
    "ГўВЂРСгвиж ΒΓΞΟβαωāĀÒÖÜ│┌═▀\x85\x9d\x81\ufffd\uf8ffﬁ年月مرحبا"
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_looks_bad_is_ftfy_is_bad(text: str) -> None:
    assert looks_bad(text) == badness.is_bad(text)


def test_looks_bad_on_real_pages() -> None:
    path = Path(__file__).resolve().parent.parent / "bench" / "data" / "aeb-dev" / "inputs" / "fulltext.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    texts = [v if isinstance(v, str) else (v or {}).get("articleBody", "") or "" for v in data.values()]
    mojibake = [t.encode("utf-8").decode("latin-1", errors="replace") for t in texts[:20]]
    for text in texts + mojibake:
        assert looks_bad(text) == badness.is_bad(text)


def test_odd_space_covers_all_whitespace_but_space_newline_and_the_ideographic_space() -> None:
    import sys

    from cleaner.normalize import _ODD_SPACE

    odd = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) not in " \n\u3000"}
    assert all(_ODD_SPACE.fullmatch(c) for c in odd)


def test_odd_char_covers_every_character_the_whitespace_steps_touch() -> None:
    import sys

    from cleaner import normalize as nm

    for c in map(chr, range(sys.maxunicode + 1)):
        if nm._BREAKS.match(c) or nm._INVISIBLE.match(c) or nm._ODD_SPACE.match(c) or c == nm._PARAGRAPH_SEP:
            assert nm._ODD_CHAR.match(c), hex(ord(c))


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab. \t\n\r\u00a0\u2003\u3000\u200b\u2028\u2029\u00ad", max_size=30))
def test_normalize_space_fast_path_matches_the_substitution(text: str) -> None:
    from cleaner import normalize as nm

    slow = nm._SPACES.sub(" ", nm._INVISIBLE.sub("", nm._BREAKS.sub("\n", nm.repair(text)).replace("\u2029", "\n\n")))
    slow = nm._BLANK_LINES.sub("\n\n", "\n".join(line.strip(" ") for line in slow.split("\n"))).strip("\n")
    assert nm.normalize(text) == slow


def _plain(phrases):  # type: ignore[no-untyped-def]
    """The same list answering by the definition, without any shortcut (the reference implementation)."""
    from cleaner.phrases import PlainPhraseList

    return PlainPhraseList(phrases.name, phrases.entries)


_METHODS = ("search", "match", "fullmatch", "endswith")


def _agree(phrases, plain, text: str) -> None:  # type: ignore[no-untyped-def]
    """Every method of ``phrases`` answers on ``text`` as the plain list does."""
    for method in _METHODS:
        assert _same(getattr(phrases, method)(text), getattr(plain, method)(text)), (phrases.name, method, text)
    assert phrases.strip_all(text) == plain.strip_all(text), (phrases.name, text)


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    return (a and (a.span(), a.group(0))) == (b and (b.span(), b.group(0)))


_WORDS = [
    "sign", "up", "Sign", "sïgn", "us", "ıs", "ſign", "straße", "STRASSE", "ok", "k", "\u212a", "İs", "is", "a_b",
    "e-mail", "mail", "don't", "SIGN-UP",
]
# Entries that are always tried (patterns, symbols), each with needles or without.
_ALWAYS = [
    "re:si(?:gn|ck) up", "re:\\bus\\b", "re:(?:ok|\\d+ k)s?", "re:^is\\w*", "re:\\w+ up", "©", "(c)", "re:(?:©|up)+",
    "re:\\bsign up\\b", "re:(?:sign|us) up(?: ok)?", "re:\\b(?:up|is)\\b", "re:straße ok", "re:sign(?: up)+ ok$",
    "re:\\d+年", "re:[您你]", "年",  # needles of one character from kana on: looked for only in lines holding such
]


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.one_of(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join), st.sampled_from(_ALWAYS)),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.sampled_from([*_WORDS, " ", "-", ",", ": ", "  ", "©", "(c)", "12", "年", "你"]), max_size=12).map(
        "".join
    ),
)
def test_grouped_phrase_search_is_the_whole_alternation(entries: list[str], text: str) -> None:
    from cleaner.phrases import PhraseList

    phrases = PhraseList("t", tuple(dict.fromkeys(entries)))
    _agree(phrases, _plain(phrases), text)


_ENTRY_LISTS = st.lists(
    st.one_of(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join), st.sampled_from(_ALWAYS)),
    min_size=1,
    max_size=5,
).map(lambda entries: tuple(dict.fromkeys(entries)))


_PIECES = [*_WORDS, " ", ", ", "©", "12", "年", "你"]


@settings(max_examples=500, deadline=None)
@given(_ENTRY_LISTS, _ENTRY_LISTS, st.lists(st.sampled_from(_PIECES), max_size=10).map("".join))
def test_the_scan_of_all_lists_at_once_keeps_every_answer(
    first: tuple[str, ...], second: tuple[str, ...], text: str
) -> None:
    """One scan of a line tells which lists may find something in it: lists made after the line was scanned, and
    lists alive at the same time, answer as their plain alternations."""
    from cleaner.phrases import PhraseList

    a = PhraseList("a", first)
    _agree(a, _plain(a), text)
    b = PhraseList("b", second)  # the line was scanned before b existed
    _agree(b, _plain(b), text)
    _agree(a, _plain(a), text)


@settings(max_examples=500, deadline=None)
@given(
    _ENTRY_LISTS,
    _ENTRY_LISTS,
    st.lists(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join), max_size=6),
)
def test_lines_holding_keeps_every_line_a_list_finds_something_in(
    first: tuple[str, ...], second: tuple[str, ...], texts: list[str]
) -> None:
    """A rule that looks only at the lines ``lines_holding`` gives misses no line where a look-up of its lists
    finds an entry, and sees them in order."""
    from cleaner.document import Span
    from cleaner.phrases import PhraseList, lines_holding

    a, b = PhraseList("a", first), PhraseList("b", second)
    lines = [Span(i, i, text) for i, text in enumerate(texts)]
    for lists in ((a,), (b,), (a, b)):
        held = lines_holding(lines, *lists)
        assert [ln.start for ln in held] == sorted(ln.start for ln in held)
        for ln in lines:
            found = any(getattr(pl, m)(ln.text) for pl in lists for m in _METHODS)
            if found or any(pl.strip_all(ln.text) != ln.text for pl in lists):
                assert ln in held, (ln.text, [pl.entries for pl in lists])


def test_phrase_lookups_compile_nothing_once_compile_all_ran(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Whatever entries a line may hold, a look-up tries their own patterns: none is compiled for the line."""
    import re

    from cleaner.phrases import PhraseList

    phrases = PhraseList("t", (*_ALWAYS, "sign up", "us sign", "ok", "ok k", "up"))
    plain = _plain(phrases)
    phrases.index.compile_all()
    compiled: list[str] = []
    monkeypatch.setattr(re, "compile", lambda pattern, *args: compiled.append(pattern))
    texts = ["sign up ok", "us", "\u00a9 up", "is it", "stra\u00dfe ok 12 k", "sick up", "(c) us", "us sign ok",
             "up (c) sign up ok us", "ok k ok up is"]
    for text in texts:
        _agree(phrases, plain, text)
    assert compiled == []


def test_needles_are_what_every_match_holds() -> None:
    from cleaner.phrases import required_needles, required_words

    assert required_words("was this (?:article|page) helpful") == {"this"}  # "was", "helpful": maybe inside words
    assert required_words(r"\b(?:sign|log) in\b") == {"sign", "log"}
    assert required_words(r"^copyright\b") == {"copyright"}
    assert required_words(r"(?:\w+ )+up") is None
    # A word of one letter set off by spaces, one of a few ("y", "o": Spanish connectors), is a whole word.
    assert required_words(r"(?<!\S)[yo](?!\S)") == {"y", "o"}
    assert required_words(r"(?<!\S)e(?!\S)") == {"e"}
    assert required_words(r"\b[yo]\b") == {"y", "o"}
    assert required_words(r"ab[yo]") is None  # "y" there is inside a word
    assert required_words(r"[yo]") is None
    # A last word that may take one more letter ("comments?") is one of the two whole words.
    assert required_words(r"\d+ comments?\b") == {"comment", "comments"}
    assert required_words(r"\bphotos? by\b") == {"photo", "photos"}
    assert required_words(r"\bcomments?") is None  # "commentsection": no boundary after it

    assert required_needles("was this (?:article|page) helpful") == {"was this "}
    assert required_needles(r"\b(?:\w+ ){0,2}(?:e-?mails?|alerts)") == {"mail", "alerts"}
    assert required_needles(r"(?:Ab)?\d+") is None  # nothing every match must hold
    assert required_needles(r"x+|\d") is None  # one branch needs nothing
    assert required_needles(r"\d[./-]\d") == {".", "/", "-"}


def test_an_entry_is_keyed_by_its_longer_strings_rather_than_a_short_word() -> None:
    from cleaner.phrase_index import _Needs

    needs = _Needs.of(["re:\\bis (?:a|an) (?:\\w+ ){0,2}author\\b", "re:\\bsign (?:up|in)\\b"])
    assert needs.by_string == {"author": (0,)}  # not the word "is", found in most lines of English
    assert needs.by_word == {"sign": (1,)}  # a word as long as the strings: the set look-up


def test_grouped_phrase_search_on_the_shipped_lists() -> None:
    import cleaner

    book = cleaner.Cleaner().phrases_for()
    path = Path(__file__).resolve().parent.parent / "bench" / "data" / "aeb-dev" / "inputs" / "trafilatura.json"
    lines = {ln for v in json.loads(path.read_text(encoding="utf-8")).values() for ln in (v or "").split("\n") if ln}
    lines = sorted(ln for ln in lines if len(ln) < 400)
    shipped = sorted({p.stem for p in (Path(__file__).resolve().parent.parent / "heuristics" / "data").glob("*/*.txt")})
    for name in shipped:
        phrases = book[name]
        plain = _plain(phrases)
        for line in lines:
            _agree(phrases, plain, line)


def test_fold_risk_is_every_odd_partner_of_ascii_and_russian_letters() -> None:
    import re
    import string
    import sys

    from cleaner.regex_facts import FOLD_RISK as _FOLD_RISK
    from cleaner.regex_facts import folds_simply

    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    alt = re.compile("|".join(string.ascii_letters + string.digits), re.IGNORECASE)
    partners = {c for c in alt.findall(every) if not c.isascii()}
    russian = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    cyrillic = re.compile("|".join(russian + "ѣ"), re.IGNORECASE)
    partners |= {c for c in cyrillic.findall(every) if c.lower() not in russian + "ѣ"}
    changes_length = {c for c in every if len(c.lower()) != 1}  # lower() would shift the words of the line
    assert partners | changes_length == set(_FOLD_RISK.pattern[1:-1])
    # so the words of Russian entries are simple (a set look-up finds their lines), Greek ones with σ are not
    assert folds_simply(russian) and folds_simply(string.ascii_letters) and not folds_simply("σας")


def test_str_lower_is_the_lower_case_of_re_but_for_fold_risk_characters() -> None:
    import _sre
    import sys

    from cleaner.regex_facts import FOLD_RISK as _FOLD_RISK

    every = (chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    differ = {c for c in every if c.lower() != chr(_sre.unicode_tolower(ord(c)))}
    assert differ and all(_FOLD_RISK.match(c) for c in differ)


def test_rare_covers_the_characters_of_the_last_repair_steps() -> None:
    import sys

    from cleaner.normalize import _CONTROL, _RARE

    for c in map(chr, range(sys.maxunicode + 1)):
        if _CONTROL.match(c) or "\ud800" <= c <= "\udfff":
            assert _RARE.match(c), hex(ord(c))


def _normalize_by_rounds(text: str) -> str:
    """normalize() as plain rounds of repair and whitespace canonicalisation until nothing changes (what the
    fast loop stands for)."""
    from cleaner.normalize import _MAX_ROUNDS, _canonical_spaces, repair

    for _ in range(_MAX_ROUNDS):
        once = _canonical_spaces(repair(text))
        if once == text:
            break
        text = once
    return text


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET + "\x1f\x0b\r\u2028\u2029\u200b\ufeff&amp;lt;\u3000  ", max_size=40))
def test_normalize_skips_only_rounds_that_change_nothing(text: str) -> None:
    from cleaner.normalize import normalize

    assert normalize(text) == _normalize_by_rounds(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["one two", "a b c d e f g h i j", "x", "Sign up now", "w " * 30]), max_size=12),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), max_size=8),
    st.lists(st.sampled_from([1, 2, 4, 8, 30]), min_size=1, max_size=6),
)
def test_line_caches_follow_removals(lines: list[str], cuts: list[tuple[int, int]], sizes: list[int]) -> None:
    from cleaner.document import Document

    doc = Document("\n".join(lines))
    for (start, length), n in zip(cuts, sizes * 8, strict=False):
        doc.short_lines(n)
        doc.remove("t", start, start + length, "test")
        fresh = Document(doc.text)
        fresh._removed[:] = doc._removed
        assert doc.live_lines() == fresh.live_lines()
        for m in sizes:
            assert doc.short_lines(m) == fresh.short_lines(m)


def test_remainder_detects_its_language_when_asked() -> None:
    from functools import partial

    from cleaner.document import Document
    from cleaner.lang import detect_language

    text = "Der Hund und die Katze sind nicht in dem Haus."
    doc = Document(text, "", {}, partial(detect_language, text, ["en", "de"]))
    assert callable(doc.language)  # not detected until asked
    assert doc.lang == detect_language(text, ["en", "de"]) == "de" and doc.language == "de"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab@.x/comnet:_- twiter", max_size=40))
def test_bare_link_precheck_holds_for_every_link(text: str) -> None:
    from heuristics.related import _LINKISH

    if _LINKISH.search(text):
        assert "@" in text or ".com/" in text or ".net/" in text


def test_unusual_holds_every_character_the_normalisation_classes_look_for() -> None:
    import sys

    from cleaner import normalize as nm

    classes = (nm._CONTROL, nm._RARE, nm._ODD_CHAR, nm._SUSPECT)
    for c in map(chr, range(sys.maxunicode + 1)):
        if any(cls.match(c) for cls in classes):
            assert nm._unusual(f"a{c}b\n") == c, hex(ord(c))


def _repair_reference(text: str) -> str:
    """repair() without its shortcuts: ftfy when the text looks bad, else every cheap fix in turn."""
    import ftfy
    from ftfy import fixes

    from cleaner.normalize import _FTFY_CONFIG, nfc

    if badness.is_bad(text):
        return nfc(ftfy.fix_text(text, _FTFY_CONFIG))
    text = "\n".join(fixes.unescape_html(ln) if "<" not in ln else ln for ln in text.split("\n"))
    text = fixes.remove_terminal_escapes(text)
    text = fixes.remove_control_chars(fixes.fix_c1_controls(text))
    return nfc(fixes.fix_surrogates(text))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET + "\x1b[31m\x00\x07\x7f&amp;#x3000;fi;\u3000\uff21\ufb01\u200b<", max_size=40))
def test_repair_shortcuts_give_the_full_repair(text: str) -> None:
    from cleaner.normalize import repair

    assert repair(text) == _repair_reference(text)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab1\u0661_ .-\u00e9\u00df\u0130\u00b2\n", max_size=30))
def test_figure_tokens_are_the_tokens_holding_a_digit(text: str) -> None:
    import re

    from cleaner.text import folded_words
    from heuristics.dedup import _FIGURE, _features

    tokens = re.findall(r"\w+", text)
    assert len(_FIGURE.findall(text)) == sum(1 for t in tokens if re.search(r"\d", t))
    # dedup counts the figures of the case-folded text on its words joined by spaces
    words = folded_words(text)
    assert _features(text)[2] == (len(_FIGURE.findall(text.casefold())) / len(words) if words else 0.0)


def test_compile_patterns_compiles_what_the_lists_would_compile_on_first_use() -> None:
    """After ``Cleaner.compile_patterns`` every shipped list is loaded and no look-up compiles a group; the answers
    are the same."""
    import cleaner
    import heuristics

    text = "Sign up for our newsletter\n\nThe council met on Monday to discuss the budget for next year.\n"
    c = cleaner.Cleaner()
    before = c.clean_text(text)
    c.compile_patterns()
    book = c.phrases_for()
    data = Path(heuristics.__file__).parent / "data"
    shipped = {f.stem for lang in book.languages for f in (data / lang).glob("*.txt")}
    assert "comment_markers" in shipped and shipped <= set(book._lists)  # also lists no look-up asked for yet
    for phrases in book._lists.values():
        index = phrases.index
        assert set(index._group_patterns) == set(index._groups or ())
    after = c.clean_text(text)
    assert (after.text, after.removals) == (before.text, before.removals)


def test_lower_case_keeps_words_and_folds_alike_but_for_the_listed_characters() -> None:
    """Every character but "İ" lower-cases to one character of its own class (word character, digit, underscore or
    none of these); every character but those of FOLDS_UNLIKE_LOWER (and Σ, a final ς in lower case) folds to its
    lower case."""
    import re
    import sys

    from cleaner.text import FOLDS_UNLIKE_LOWER, lower_keeps_words

    def kind(c: str) -> tuple[bool, bool, bool]:
        return re.match(r"\w", c) is not None, c in "0123456789", c == "_"

    every = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    changed = [c for c in every if len(c.lower()) != 1 or kind(c.lower()) != kind(c)]
    assert changed == ["\u0130"] and not lower_keeps_words("\u0130") and lower_keeps_words("I\u0131i")
    unlike = {c for c in every if c.casefold() != c.lower()} | {"\u03a3"}
    assert {c for c in every if FOLDS_UNLIKE_LOWER.match(c)} == unlike


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="aB1_ .-\u00e9\u0130\u00df\u212a\u0661\u0307'\u2019\n\u03a3\u03c3\u03c2\u00b5\ufb00\u00b2",
               max_size=30))
def test_one_tokenisation_serves_every_word_figure(text: str) -> None:
    """The words of :func:`cleaner.text.lower_words` give the word count, the title and headline keys and the
    case-folded words that each tokenised on its own before."""
    import re

    from cleaner.text import count_words, folded_words, lower_words
    from heuristics._page import title_key
    from heuristics.headline import _key

    assert lower_words(text) == tuple(re.findall(r"\w+", text.lower()))
    assert folded_words(text) == tuple(re.findall(r"\w+", text.casefold()))
    assert count_words(text) == len(re.findall(r"\w+", text))
    assert title_key(text) == re.sub(r"\W+", "", text.lower())
    assert _key(text) == re.sub(r"\W+", " ", text.casefold()).strip()


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="aB1_ .-\u00e9\u0130\u00df\u0661\u0307\u0301'\u2019\n\u216b\u00b2\u0939\u093f\u65e5",
               max_size=30))
def test_stop_word_tokens_are_the_letter_words_of_the_pattern(text: str) -> None:
    """The language sample's words (letters, with inner apostrophes) taken from the line's runs of letters or
    digits are the pattern's (:data:`cleaner.text.WORD`): numbers, "_", marks, letter-like numerals and
    apostrophes included."""
    import re

    from cleaner.lang import words

    assert words(text) == tuple(re.findall(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?", text.lower()))


def test_ascii_lines_split_at_every_non_word_character() -> None:
    """An ASCII line is split by a byte table: every one of the 128 characters splits words as ``\\w`` does."""
    import re

    from cleaner.text import lower_words

    for c in map(chr, range(128)):
        text = f"Ab{c}9{c}{c}_x {c}Z"
        assert lower_words(text) == tuple(re.findall(r"\w+", text.lower())), repr(c)


def test_lines_without_other_word_characters_than_ascii_split_as_the_pattern() -> None:
    """Beside ASCII, every character of the Basic and Supplementary Multilingual Planes splits words as ``\\w``
    does: a line whose only word characters are ASCII is split by the byte table, the others by the pattern."""
    import re

    from cleaner.text import word_runs

    for c in map(chr, range(0x80, 0x20000)):
        text = f"ab{c}9 \u2019x{c}{c}_"
        assert word_runs(text) == re.findall(r"\w+", text), repr(c)


# Sentences of a few words from a small vocabulary, many opening alike: lines share 3-grams, copies and templates
# abound, and a 3-gram may be held by more pieces than a near copy may count.
_WORDS = st.sampled_from(["prices", "rose", "sharply", "on", "monday", "a", "vote", "in", "asia", "7", "oil", "said"])
_SENTENCE = st.tuples(st.booleans(), st.lists(_WORDS, min_size=1, max_size=8)).map(
    lambda s: ("Prices rose sharply " if s[0] else "") + " ".join(s[1]) + "."
)
_LINE = st.lists(_SENTENCE, min_size=1, max_size=3).map(" ".join)


def _only_rule(name: str, **params: object) -> object:
    """The configuration with rule ``name`` alone switched on, with ``params``."""
    import cleaner

    families = sorted({r.name.split(".")[0] for r in cleaner.Cleaner().rules})
    return cleaner.Config.load(overrides={"rules": {name: params}}, disable=families, enable=[name])


def _near_sentence_both_ways(text: str, config: object) -> tuple[object, object]:
    """``text`` cleaned as shipped, and with ``dedup.near_sentence`` splitting every line its prefilter lets
    through."""
    from unittest import mock

    import cleaner
    from heuristics import dedup

    fast = cleaner.Cleaner(config).clean_text(text)  # type: ignore[arg-type]
    with mock.patch.object(dedup, "_lines_to_split", lambda lines, *_: set(range(len(lines)))):
        full = cleaner.Cleaner(config).clean_text(text)  # type: ignore[arg-type]
    return fast, full


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=2, max_size=14), st.sampled_from([3, 4, 6, 8]), st.sampled_from([1, 2, 3]))
@example(["Prices prices prices prices.", "Prices rose sharply prices prices prices."], 4, 2)  # one 3-gram, 4 words
def test_near_sentence_splits_only_the_lines_that_matter(lines: list[str], min_words: int, max_copies: int) -> None:
    """``dedup.near_sentence`` decides the same when it splits every line its prefilter lets through."""
    config = _only_rule("dedup.near_sentence", min_words=min_words, max_copies=max_copies)
    fast, full = _near_sentence_both_ways("\n\n".join(lines), config)
    assert (fast.text, fast.audit_records()) == (full.text, full.audit_records())  # type: ignore[attr-defined]


def test_near_sentence_counts_the_holders_of_a_shared_3gram_in_unsplit_lines() -> None:
    """Two copies share "prices rose sharply" and "rose sharply today"; nine sentences hold the first, more than
    the rule's limit (4 x max_copies), so it counts as a template phrase and the copies share too little to be
    near copies. The seven lines that share only that 3-gram must be counted although they hold no copy."""
    tails = ["today", "today", "traders said", "after the vote", "as markets opened", "in Asia", "on Monday",
             "for oil", "once more"]
    text = "\n\n".join(f"Prices rose sharply {tail}." for tail in tails)
    fast, full = _near_sentence_both_ways(text, _only_rule("dedup.near_sentence", min_words=4))
    assert fast.removals == full.removals == []  # type: ignore[attr-defined]


def test_a_forgotten_lists_id_is_given_again_with_none_of_its_answers() -> None:
    """The scan's masks hold a bit per live list: a list's id goes to the next list once it is gone (masks stay as
    short as the lists alive), and no answer cached for the old list's bit leaks into the new one's."""
    import gc

    from cleaner.phrases import PhraseList

    old = PhraseList("old", ("subscribe",))
    assert old.search("Subscribe now")  # the line's mask, with the old list's bit, is cached
    key = old.index._id
    del old
    gc.collect()
    new = PhraseList("new", ("weather",))
    assert new.index._id <= key
    assert new.search("Subscribe now") is None
    assert new.search("The weather today")
    made = [PhraseList(f"l{i}", ("x",)) for i in range(50)]
    most = max(pl.index._id for pl in made)
    del made
    gc.collect()
    assert max(PhraseList(f"m{i}", ("x",)).index._id for i in range(50)) <= most


def test_forget_lines_empties_every_line_cache() -> None:
    """The speed bench's cold round: after forget_lines() no cached line answer is left to find."""
    from cleaner.text import forget_lines, line_cache

    calls: list[str] = []

    @line_cache()
    def measured(text: str) -> int:
        calls.append(text)
        return len(text)

    measured("a line"), measured("a line")
    assert calls == ["a line"]
    forget_lines()
    measured("a line")
    assert calls == ["a line", "a line"]


def test_cold_round_forgets_before_each_systems_turn() -> None:
    """The systems of the speed bench clean texts of the same pages: each cold turn starts with the caches
    emptied, the warm rounds keep them."""
    from tests.conftest import load_bench

    speed = load_bench("speed_bench")
    events: list[str] = []
    systems = {name: (lambda item, name=name: events.append(name), list(range(7))) for name in ("a", "b")}
    speed.docs_per_second(systems, repeat=1, chunk=2, warm_up=3, forget=lambda: events.append("forget"))
    cold = events[6:6 + 12]  # after the warm-up of 3 items each: 2 chunks of 2 items, 2 systems
    assert cold == ["forget", "a", "a", "forget", "b", "b", "forget", "a", "a", "forget", "b", "b"]
    assert "forget" not in events[18:]


def test_timed_command_lines_may_write_bytecode(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The speed bench times the command line as installed: with its modules' bytecode, which a shared machine's
    PYTHONDONTWRITEBYTECODE would have every process compile again; the rest of the environment is passed on."""
    from tests.conftest import load_bench

    speed = load_bench("speed_bench")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("SPEED_BENCH_PROBE", "kept")
    env = speed.cli_environment()
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["SPEED_BENCH_PROBE"] == "kept"
