"""Normalisation repairs encoding and whitespace, and nothing else: CJK text keeps its full-width
characters, and the accounting (`rebuild(...) == normalized`) holds on it."""

from __future__ import annotations

import pytest

import cleaner
from cleaner.normalize import normalize

CHINESE = (
    "北京（新华社）３月１日电，国家统计局今天发布数据。\n\n"
    "报告指出：“今年第一季度，ＧＤＰ同比增长５．３％！”专家表示，经济运行总体平稳；消费持续恢复。\n\n"
    "记者：张伟　李娜"
)
JAPANESE = (
    "　東京都は１日、新しい計画を発表した。ｶﾀｶﾅの表記と「引用」を含む文です。\n\n"
    "担当者は「来年度から実施する」と述べた。神社（\ufa19）の修復も進む。\n\n"
    "ＡＢＣ株式会社の売上は１２３億円。"
)


@pytest.mark.parametrize("text", [CHINESE, JAPANESE], ids=["zh", "ja"])
def test_full_width_and_compatibility_characters_stay(text: str) -> None:
    assert normalize(text) == text
    result = cleaner.clean_text(text)
    assert result.normalized == text
    assert cleaner.rebuild(result.text, result.removals) == result.normalized
    for ch in "，：“！”；％（）ＡＢＣ１２３．　ｶﾀｶﾅ「」\ufa19":
        if ch in text:
            assert text.count(ch) == result.normalized.count(ch), repr(ch)
    # whatever a rule removes, the kept text is the input's own characters
    kept = "".join(result.text.split())
    assert set(kept) <= set(text)


def test_html_pages_keep_full_width_punctuation() -> None:
    paragraphs = CHINESE.split("\n\n")[:2] * 3
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"
    result = cleaner.clean_html(html)
    assert "，" in result.text and "：“" in result.text and "５．３％" in result.text
    assert cleaner.rebuild(result.text, result.removals) == result.normalized


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cafÃ© au lait", "café au lait"),  # mojibake: repaired
        ("Tom &amp; Jerry", "Tom & Jerry"),  # an entity: repaired
        ("cafe\u0301", "café"),  # a decomposed accent: NFC
        ("a\u00a0b\tc\u2003d", "a b c d"),  # odd spaces: one plain space
        ("zero\u200bwidth", "zerowidth"),
        ("ﬁnal ﬂow", "ﬁnal ﬂow"),  # ligatures are text as written
        ("ＡＢＣ１２３，", "ＡＢＣ１２３，"),  # full-width forms too
        ("全角　スペース", "全角　スペース"),  # and the ideographic space
        ("\ufa19\U0002f800", "\ufa19\U0002f800"),  # CJK compatibility ideographs, which NFC would replace
    ],
)
def test_normalisation_repairs_encoding_and_whitespace_only(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    assert normalize(expected) == expected


def test_the_case_classes_hold_the_capital_and_small_letters_of_every_alphabet_with_case() -> None:
    """``UPPER`` and ``LOWER`` (read where a rule asks whether a word is capitalised) are ranges built from
    ``str.isupper``/``str.islower``: every letter of Latin, Greek, Cyrillic, Armenian and Georgian below U+2000 is
    in the right one, escaped so that no range swallows another character."""
    import re

    from cleaner.text import LOWER, UPPER

    upper, lower = re.compile(f"[{UPPER}]"), re.compile(f"[{LOWER}]")
    for code in range(0x2000):
        c = chr(code)
        assert bool(upper.fullmatch(c)) == c.isupper(), hex(code)
        assert bool(lower.fullmatch(c)) == c.islower(), hex(code)
    assert all(upper.match(c) for c in "AÜÉŁΣМЁ") and not any(upper.match(c) for c in "aüéłσмё-[]^\\")
