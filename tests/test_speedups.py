"""Fast paths give exactly the answers of the slow code they stand for."""

from __future__ import annotations

import json
from pathlib import Path

from ftfy import badness
from hypothesis import given, settings
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


def test_odd_space_covers_all_whitespace_but_space_and_newline() -> None:
    import sys

    from cleaner.normalize import _ODD_SPACE

    odd = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) not in " \n"}
    assert all(_ODD_SPACE.fullmatch(c) for c in odd)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab. \t\n\r\u00a0\u2003\u3000\u200b\u2028", max_size=30))
def test_normalize_space_fast_path_matches_the_substitution(text: str) -> None:
    from cleaner import normalize as nm

    slow = nm._SPACES.sub(" ", nm._INVISIBLE.sub("", nm._BREAKS.sub("\n", nm.repair(text)).replace("\u2029", "\n\n")))
    slow = nm._BLANK_LINES.sub("\n\n", "\n".join(line.strip(" ") for line in slow.split("\n"))).strip("\n")
    assert nm.normalize(text) == slow
