"""The library as a pipeline step: JSON-ready results, one cleaner per configuration, batches for
Hugging Face datasets, the corpus pass from an iterable, `python -m cleaner`, typed package."""

from __future__ import annotations

import gzip
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner
from cleaner import library
from cleaner.config import Config
from tests.conftest import CORPUS, ROOT
from tests.test_corpus import PROMO_A, PROMO_B, build_corpus

SEED = CORPUS / "000_f067d610a81d18b0.txt"
PAGE = next((ROOT / "bench" / "data" / "aeb-dev" / "html").glob("*.html.gz"), None)


def test_result_to_dict_is_json_ready_and_complete() -> None:
    result = cleaner.clean_text(SEED.read_text(encoding="utf-8"), doc_id="seed")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["doc_id"] == "seed" and data["text"] == result.text and data["lang"] == "en"
    assert data["removals"] == [r.to_dict() for r in result.removals] and data["removals"]
    assert set(data["removals"][0]) == {"rule", "action", "start", "end", "text", "reason"}
    rebuilt = cleaner.rebuild(data["text"], [cleaner.Removal(**r) for r in data["removals"]])
    assert rebuilt == data["normalized"] == result.normalized


@pytest.mark.skipif(PAGE is None, reason="no bench page in this tree")
def test_repr_is_short_and_names_the_language() -> None:
    assert PAGE is not None
    result = cleaner.clean_html(gzip.decompress(PAGE.read_bytes()), url="https://example.org/a")
    text = repr(result)
    assert len(text) < 200 and "\n" not in text
    assert f"removals={len(result.removals)}" in text and f"({len(result.text)} chars)" in text
    lang = result.lang  # detected while cleaning: language-specific rules skip a text in no known language
    assert lang and repr(result).endswith(f"lang={lang!r})")


def test_clean_text_reuses_one_cleaner_per_config_object(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Config | None] = []

    class Counting(cleaner.Cleaner):
        def __init__(self, config: Config | None = None, **kwargs: object) -> None:
            built.append(config)
            super().__init__(config, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(library, "Cleaner", Counting)
    monkeypatch.setattr(library, "_CLEANERS", type(library._CLEANERS)())
    config = Config.load(disable=["dedup"])
    text = SEED.read_text(encoding="utf-8")
    first = cleaner.clean_text(text, config=config)
    for _ in range(3):
        assert cleaner.clean_text(text, config=config).text == first.text
    assert built == [config]
    assert not [r for r in first.removals if r.rule.startswith("dedup.")]  # the config is the one used
    other = Config.load()
    cleaner.clean_text(text, config=other)
    assert built == [config, other]


def test_python_dash_m_cleaner_runs_the_command_line() -> None:
    text = SEED.read_text(encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "cleaner", "-"], input=text, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == cleaner.clean_text(text).text.strip()
    usage = subprocess.run([sys.executable, "-m", "cleaner", "--help"], capture_output=True, text=True)
    assert usage.returncode == 0 and "python -m cleaner" in usage.stdout


def test_package_is_typed() -> None:
    assert (Path(cleaner.__file__).parent / "py.typed").is_file()


# -- the corpus pass from the library ---------------------------------------------------------


def test_learn_corpus_gives_the_command_lines_model(tmp_path: Path) -> None:
    """A model learnt from an iterable of records cleans them as `clean sites.jsonl` does."""
    root, records = build_corpus(tmp_path / "in")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "cleaner", str(root / "sites.jsonl"), "-o", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    expected = [json.loads(line)["text"] for line in (out / "sites.jsonl").read_text(encoding="utf-8").splitlines()]

    config = Config.load()
    model = cleaner.learn_corpus(iter(records), config)  # any iterable: a generator is read once
    assert isinstance(model, cleaner.CorpusModel) and model.documents == len(records)
    c = cleaner.Cleaner(config, corpus=model)
    got = [c.clean_text(rec["text"], source=cleaner.record_source(rec)).text for rec in records]
    assert got == expected
    assert not any(p in t for t in got for p in PROMO_A + PROMO_B)
    without = cleaner.Cleaner(config).clean_text(records[0]["text"]).text
    assert PROMO_A[0] in without


def test_learn_corpus_takes_plain_texts_and_html_records() -> None:
    rng_docs = [f"Promo line of the site\n\nStory {i} says something new about topic {i * 7}." for i in range(12)]
    c = cleaner.Cleaner(corpus=cleaner.learn_corpus(rng_docs))
    result = c.clean_text(rng_docs[0])  # no source given: the default one, as learnt
    assert "Promo line of the site" not in result.text
    assert [r.rule for r in result.removals] == ["corpus.repeated_line"]

    pages = [
        {"html": f"<html><body><p>Promo line of the site</p><article><p>{t.split(chr(10))[-1]}</p></article>"
                 "</body></html>", "url": f"https://news.example/{i}"}
        for i, t in enumerate(rng_docs)
    ]
    model = cleaner.learn_corpus(pages)
    assert model.sources["news.example"][0] == 12
    with pytest.raises(ValueError, match="no string 'text' or 'html'"):
        cleaner.learn_corpus([{"body": "x"}])


# -- batches for datasets.map ----------------------------------------------------------------------


def _batch() -> dict[str, list]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[:3]]
    return {"id": ["a", "b", "c", "d"], "text": [*texts, None], "keep": [1, 2, 3, 4]}


def test_batch_cleaner_cleans_a_batch_of_columns() -> None:
    batch = _batch()
    out = cleaner.BatchCleaner(add_stats=True, audit_key="audit")(batch)
    assert set(out) == {"text", "removed_chars", "lang", "audit"}
    for i, text in enumerate(batch["text"][:3]):
        result = cleaner.clean_text(text)
        assert out["text"][i] == result.text
        assert out["removed_chars"][i] == sum(len(r.text) for r in result.removals) > 0
        assert out["lang"][i] == "en"
        assert out["audit"][i] == [r.to_dict() for r in result.removals]
    assert out["text"][3] is None and out["audit"][3] is None  # a missing value stays missing

    to_other = cleaner.BatchCleaner(output_key="clean")(batch)
    assert list(to_other) == ["clean"] and to_other["clean"][:3] == out["text"][:3]


def test_batch_cleaner_reads_html_and_pickles_as_its_settings() -> None:
    html = "<html><head><title>T</title></head><body><nav>Home | News</nav><article>" + "".join(
        f"<p>Paragraph {i} of the story tells what happened in the town that day.</p>" for i in range(6)
    ) + "</article></body></html>"
    batch = {"html": [html, None], "text": [None, "Plain text row."], "url": ["https://x.example/a", None]}
    bc = cleaner.BatchCleaner(html_key="html", url_key="url", metadata_key="meta")
    out = bc(batch)
    assert out["text"][0] == cleaner.clean_html(html, url="https://x.example/a").text
    assert "Home | News" not in out["text"][0] and out["text"][1] == "Plain text row."
    assert out["meta"][0]["url"] == "https://x.example/a"
    copy = pickle.loads(pickle.dumps(bc))
    assert copy._cleaner is None and copy(batch) == out  # rebuilt in the process that unpickles it


def test_batch_cleaner_with_datasets_map(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    batch = _batch()
    ds = datasets.Dataset.from_dict({k: v[:3] for k, v in batch.items()})
    done = ds.map(cleaner.BatchCleaner(add_stats=True), batched=True, batch_size=2)
    assert done.column_names == ["id", "text", "keep", "removed_chars", "lang"]
    assert done["keep"] == [1, 2, 3]
    assert done["text"] == [cleaner.clean_text(t).text for t in batch["text"][:3]]
    again = ds.map(cleaner.BatchCleaner(), batched=True, num_proc=2)
    assert again["text"] == done["text"]
