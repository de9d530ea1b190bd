"""The datatrove steps: cleaning in a pipeline as the library and the command line do, with datatrove's
executors, stats and exclusion writers."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("orjson")  # datatrove's JSONL reader and writer

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

import cleaner
from cleaner.config import Config
from cleaner.integrations.datatrove import ArticleCleaner, CountCorpus, MergeCorpus
from tests.conftest import CORPUS
from tests.test_corpus import PROMO_A, PROMO_B, SYRIA_LINE, build_corpus

SEEDS = sorted(CORPUS.glob("*.txt"))
PAGE = (
    "<html><head><title>Council approves the river plan</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Council approves the river plan</h1>"
    "<p>The city council voted on Monday to approve a plan that rebuilds the old mill bridge and the river walls "
    "before the spring floods, after two years of debate about the cost.</p>"
    "<p>Residents who spoke at the meeting asked how the repairs would be paid for, and the mayor said the "
    "budget would be published next week with every figure in it.</p>"
    "<p>Sign up for our newsletter</p></article>"
    "<footer>Copyright 2024 The Riverside Gazette. All rights reserved.</footer></body></html>"
)


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _read_jsonl(folder: Path) -> dict[str, dict]:
    """Every record of the JSONL files in ``folder``, by id."""
    out = {}
    for path in sorted(folder.glob("*.jsonl*")):
        if path.name == "audit.jsonl":
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
        for line in lines:
            rec = json.loads(line)
            out[rec["id"]] = rec
    return out


def _seed_records() -> list[dict]:
    return [
        {"id": p.stem, "text": p.read_text(encoding="utf-8"), "outlet": f"outlet-{i}", "metadata": {"lang": "en"}}
        for i, p in enumerate(SEEDS)
    ]


def _run(pipeline: list, logs: Path, tasks: int = 2, workers: int = 1, **kwargs) -> LocalPipelineExecutor:
    executor = LocalPipelineExecutor(pipeline, tasks=tasks, workers=workers, logging_dir=str(logs), **kwargs)
    executor.run()
    return executor


def _step_stats(logs: Path, name: str) -> dict[str, float]:
    """The totals of the merged stats of the step called ``name`` (datatrove's stats.json of the run)."""
    steps = json.loads((logs / "stats.json").read_text(encoding="utf-8"))
    stats = next(s["stats"] for s in steps if name in s["name"])
    return {k: v["total"] if isinstance(v, dict) else v for k, v in stats.items()}  # a lone count is written bare


# -- in a pipeline ---------------------------------------------------------------------------------


def test_pipeline_with_two_tasks_cleans_as_clean_text_and_keeps_fields(tmp_path: Path) -> None:
    records = _seed_records()
    _write_jsonl(tmp_path / "in" / "a.jsonl", records[:3])
    _write_jsonl(tmp_path / "in" / "b.jsonl", records[3:])
    out, logs = tmp_path / "out", tmp_path / "logs"
    # Two worker processes: the step crosses to them as a pickle (datatrove's multiprocess start method).
    _run([JsonlReader(str(tmp_path / "in")), ArticleCleaner(), JsonlWriter(str(out))], logs, workers=2)

    assert len(list(out.glob("*.jsonl*"))) == 2  # one output per task
    cleaned = _read_jsonl(out)
    assert sorted(cleaned) == sorted(r["id"] for r in records)
    for rec in records:
        got = cleaned[rec["id"]]
        expected = cleaner.clean_text(rec["text"])
        assert got["text"] == expected.text
        meta = got["metadata"]
        assert meta["outlet"] == rec["outlet"] and meta["lang"] == "en"  # the other fields are kept
        summary = meta["article_cleaner"]
        assert summary["chars_in"] == len(expected.normalized)
        assert summary["chars_removed"] == len(expected.normalized) - len(expected.text)
        assert sum(summary["removed"].values()) == len(expected.removals)


def test_stats_count_removals_per_rule(tmp_path: Path) -> None:
    records = _seed_records()
    _write_jsonl(tmp_path / "in" / "a.jsonl", records)
    logs = tmp_path / "logs"
    _run([JsonlReader(str(tmp_path / "in")), ArticleCleaner(), JsonlWriter(str(tmp_path / "out"))], logs, tasks=1)

    stats = _step_stats(logs, "Article cleaner")
    per_rule: dict[str, int] = {}
    chars = 0
    for rec in records:
        for r in cleaner.clean_text(rec["text"]).removals:
            per_rule[r.rule] = per_rule.get(r.rule, 0) + 1
            chars += len(r.text)
    assert {k[len("removed/"):]: v for k, v in stats.items() if k.startswith("removed/")} == per_rule
    assert stats["chars_removed"] == chars
    assert stats["total"] == stats["forwarded"] == len(records)


def test_failing_documents_go_to_the_exclusion_writer(tmp_path: Path) -> None:
    good = {"id": "good", "html": PAGE, "url": "https://gazette.example/river"}
    binary = {"id": "binary", "html": "\x01\x02\x03" * 300}
    huge = {"id": "huge", "html": "<p>" + "word " * 2_000 + "</p>"}
    _write_jsonl(tmp_path / "in" / "a.jsonl", [good, binary, huge])
    out, failed, logs = tmp_path / "out", tmp_path / "failed", tmp_path / "logs"
    config = Config.load(overrides={"limits": {"max_document_bytes": 5_000}})
    step = ArticleCleaner(config, html_key="text", exclusion_writer=JsonlWriter(str(failed)))
    _run([JsonlReader(str(tmp_path / "in"), text_key="html"), step, JsonlWriter(str(out))], logs, tasks=1)

    assert list(_read_jsonl(out)) == ["good"]
    assert _read_jsonl(out)["good"]["text"] == cleaner.clean_html(PAGE, url=good["url"], config=config).text
    excluded = _read_jsonl(failed)
    assert sorted(excluded) == ["binary", "huge"]
    assert "binary" in excluded["binary"]["metadata"]["filter_reason"]
    assert "too large" in excluded["huge"]["metadata"]["filter_reason"]
    assert excluded["binary"]["text"] == binary["html"]  # as it came in
    stats = _step_stats(logs, "Article cleaner")
    assert stats["failed"] == stats["dropped"] == 2


def test_a_slurm_job_runs_the_pickled_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a Slurm cluster does with the pipeline, without Slurm: the executor pickles itself to
    ``executor.pik`` and submits a job array; each array task is a new process that loads the pickle and runs its
    rank. Only the submission (sbatch) is replaced."""
    from datatrove.executor import SlurmPipelineExecutor

    records = _seed_records()
    _write_jsonl(tmp_path / "in" / "a.jsonl", records[:2])
    _write_jsonl(tmp_path / "in" / "b.jsonl", records[2:])
    logs, out = tmp_path / "logs", tmp_path / "out"
    submitted: list[str] = []
    monkeypatch.setattr(
        "datatrove.executor.slurm.launch_slurm_job", lambda script, *args: submitted.append(script) or "1"
    )
    SlurmPipelineExecutor(
        [JsonlReader(str(tmp_path / "in")), ArticleCleaner(Config.load(disable=["dedup"])), JsonlWriter(str(out))],
        tasks=2, time="00:10:00", partition="cpu", logging_dir=str(logs), job_name="clean",
    ).run()
    assert submitted and "launch_pickled_pipeline" in submitted[0]
    tools = tmp_path / "slurm-bin"  # the node's Slurm tool the job asks for its host names
    tools.mkdir()
    (tools / "scontrol").write_text("#!/bin/sh\necho node1\n")
    (tools / "scontrol").chmod(0o755)
    for array_task in ("0", "1"):
        env = {**os.environ, "SLURM_ARRAY_TASK_ID": array_task, "SLURM_NODELIST": "node1", "SLURM_NODEID": "0",
               "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"}
        command = [sys.executable, "-m", "datatrove.tools.launch_pickled_pipeline", str(logs / "executor.pik")]
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
    cleaned = _read_jsonl(out)
    config = Config.load(disable=["dedup"])
    assert {r["id"]: cleaner.clean_text(r["text"], config=config).text for r in records} == {
        k: v["text"] for k, v in cleaned.items()
    }


@pytest.mark.filterwarnings("ignore:placement_group:DeprecationWarning")  # datatrove's call of Ray
def test_the_ray_executor_runs_the_step(tmp_path: Path, ray_cluster: str) -> None:
    """Ray ships each task's pipeline to a worker process of a local Ray cluster (2 CPUs)."""
    from datatrove.executor import RayPipelineExecutor

    records = _seed_records()
    _write_jsonl(tmp_path / "in" / "a.jsonl", records[:2])
    _write_jsonl(tmp_path / "in" / "b.jsonl", records[2:])
    out = tmp_path / "out"
    RayPipelineExecutor(
        [JsonlReader(str(tmp_path / "in")), ArticleCleaner(), JsonlWriter(str(out))],
        tasks=2, cpus_per_task=1, mem_per_cpu_gb=0.5, logging_dir=str(tmp_path / "logs"),
    ).run()
    cleaned = _read_jsonl(out)
    assert {r["id"]: cleaner.clean_text(r["text"]).text for r in records} == {k: v["text"] for k, v in cleaned.items()}


# -- options, one step on its own ------------------------------------------------------------------


def _one(step: ArticleCleaner, doc: Document) -> list[Document]:
    return list(step.run(iter([doc])))


def test_audit_options() -> None:
    text = SEEDS[0].read_text(encoding="utf-8")
    expected = cleaner.clean_text(text)
    [none] = _one(ArticleCleaner(audit="none"), Document(text, "d"))
    assert "article_cleaner" not in none.metadata and none.text == expected.text
    [summary] = _one(ArticleCleaner(audit_key="audit"), Document(text, "d"))
    assert "records" not in summary.metadata["audit"]
    [full] = _one(ArticleCleaner(audit="records"), Document(text, "d"))
    records = full.metadata["article_cleaner"]["records"]
    removals = [cleaner.Removal(**r) for r in records if r["action"] == "remove"]
    assert cleaner.rebuild(full.text, removals) == expected.normalized
    assert {r["action"] for r in records} <= {"remove", "keep"} and all("doc" not in r for r in records)
    with pytest.raises(ValueError, match="audit must be"):
        ArticleCleaner(audit="all")  # type: ignore[arg-type]


def test_html_from_the_text_or_a_metadata_field_with_page_metadata() -> None:
    url = "https://gazette.example/river"
    expected = cleaner.clean_html(PAGE, url=url)
    assert "Sign up" not in expected.text and "mill bridge" in expected.text
    [from_text] = _one(ArticleCleaner(html_key="text"), Document(PAGE, "p", metadata={"url": url}))
    [from_field] = _one(
        ArticleCleaner(html_key="raw_html"), Document("", "p", metadata={"raw_html": PAGE, "url": url, "title": "T"})
    )
    assert from_text.text == from_field.text == expected.text
    assert from_text.metadata["title"] == expected.metadata["title"]
    assert from_field.metadata["title"] == "T"  # a field already there is kept
    assert from_field.metadata["raw_html"] == PAGE
    [bare] = _one(ArticleCleaner(html_key="text", page_metadata=False), Document(PAGE, "p"))
    assert "title" not in bare.metadata
    [nested] = _one(ArticleCleaner(html_key="raw.html", url_key="raw.url"), Document("", "p", metadata={
        "raw": {"html": PAGE, "url": url}}))
    assert nested.text == expected.text  # dotted paths into the metadata
    step = ArticleCleaner(html_key="raw_html")
    assert _one(step, Document("", "p", metadata={"html": PAGE})) == []
    assert step.stats["failed"].total == 1


def test_the_corpus_source_of_a_document() -> None:
    meta = {"url": "https://www.gazette.example/a", "outlet": "Gazette", "file_path": "/data/a.jsonl"}
    assert ArticleCleaner().task(Document("x", "d", metadata=meta))[1] == "gazette.example"
    assert ArticleCleaner(source_key="outlet").task(Document("x", "d", metadata=meta))[1] == "gazette"
    assert ArticleCleaner().task(Document("x", "d", metadata={"file_path": "/data/a.jsonl"}))[1] == "/data/a.jsonl"


def test_a_document_left_empty_is_dropped_unless_asked() -> None:
    text = "Sign up for our newsletter\n\nShare on Facebook"
    assert cleaner.clean_text(text).text == ""
    assert _one(ArticleCleaner(), Document(text, "e")) == []
    [kept] = _one(ArticleCleaner(drop_empty=False), Document(text, "e"))
    assert kept.text == ""


def test_a_document_past_the_time_limit_is_dropped_and_the_next_is_cleaned(monkeypatch: pytest.MonkeyPatch) -> None:
    step = ArticleCleaner(Config.load(overrides={"limits": {"max_document_seconds": 0.3}}))
    clean_text = step.cleaner.clean_text

    def stuck_on_one(text: str, **kwargs: object) -> cleaner.Result:
        while "STUCK" in text:  # a rule that never ends on this document (the time limit stops it)
            pass
        return clean_text(text, **kwargs)

    monkeypatch.setattr(step.cleaner, "clean_text", stuck_on_one)
    assert "took longer than 0.3s (limits.max_document_seconds)" in str(step.clean(Document("STUCK here.", "a")))
    docs = [Document("STUCK here.", "slow"), Document(SEEDS[0].read_text(encoding="utf-8"), "next")]
    kept = list(step.run(iter(docs)))
    assert [d.id for d in kept] == ["next"]
    assert step.stats["failed"].total == 2


def test_the_step_ships_its_settings_only(tmp_path: Path) -> None:
    step = ArticleCleaner(Config.load(disable=["dedup"]))
    _one(step, Document(SEEDS[0].read_text(encoding="utf-8"), "d"))
    assert step._cleaner is not None
    copy = pickle.loads(pickle.dumps(step))
    assert copy._cleaner is None and copy.config.data == step.config.data
    [doc] = _one(copy, Document(SEEDS[1].read_text(encoding="utf-8"), "d"))
    assert not any(k.startswith("removed/dedup.") for k in copy.stats.stats)
    assert doc.text == cleaner.clean_text(SEEDS[1].read_text(encoding="utf-8"), config=copy.config).text


def test_core_import_does_not_import_datatrove() -> None:
    code = "import sys, cleaner, cleaner.cli, cleaner.runner; assert 'datatrove' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the corpus pass in three pipelines ------------------------------------------------------------


def test_corpus_pipelines_clean_as_the_command_line(tmp_path: Path) -> None:
    _, records = build_corpus(tmp_path / "gen")
    seeds = [{"id": p.stem, "source": "seeds", "text": p.read_text(encoding="utf-8")} for p in SEEDS]
    docs = seeds + records
    _write_jsonl(tmp_path / "in" / "a.jsonl", docs[: len(docs) // 2])
    _write_jsonl(tmp_path / "in" / "b.jsonl", docs[len(docs) // 2 :])
    work, out = tmp_path / "work", tmp_path / "out"

    count = LocalPipelineExecutor(
        [JsonlReader(str(tmp_path / "in")), CountCorpus(str(work))], tasks=2, logging_dir=str(tmp_path / "l1")
    )
    merge = LocalPipelineExecutor([MergeCorpus(str(work))], tasks=1, logging_dir=str(tmp_path / "l2"), depends=count)
    clean = LocalPipelineExecutor(
        [JsonlReader(str(tmp_path / "in")), ArticleCleaner(corpus=str(work)), JsonlWriter(str(out))],
        tasks=2, workers=2, logging_dir=str(tmp_path / "l3"), depends=merge,
    )
    clean.run()

    proc = subprocess.run(
        [sys.executable, "-m", "cleaner.cli", str(tmp_path / "in"), "-o", str(tmp_path / "cli"), "--no-progress"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    by_cli = _read_jsonl(tmp_path / "cli")
    got = _read_jsonl(out)
    assert sorted(got) == sorted(by_cli)
    for doc_id, rec in by_cli.items():
        assert got[doc_id]["text"] == rec["text"], doc_id
    for rec in records:  # what the corpus pass is for: site promos gone, the quote shared with the seeds kept
        text = got[rec["id"]]["text"]
        assert not any(p in text for p in (PROMO_A if rec["id"].startswith("a") else PROMO_B))
        assert SYRIA_LINE not in rec["text"] or SYRIA_LINE in text
    stats = _step_stats(tmp_path / "l3", "Article cleaner")
    assert stats["removed/corpus.repeated_line"] > 0


def test_merge_refuses_missing_or_mixed_counts(tmp_path: Path) -> None:
    _write_jsonl(tmp_path / "in" / "a.jsonl", _seed_records())
    work = tmp_path / "work"
    _run([JsonlReader(str(tmp_path / "in")), CountCorpus(str(work))], tmp_path / "l1", tasks=3)
    (work / "counts" / "00001.pickle.gz").unlink()
    with pytest.raises(ValueError, match=r"task\(s\) \[1\] missing"):
        list(MergeCorpus(str(work)).run(None))
    _run([JsonlReader(str(tmp_path / "in")), CountCorpus(str(work))], tmp_path / "l2", tasks=2)
    with pytest.raises(ValueError, match=r"runs with \[2, 3\] tasks"):
        list(MergeCorpus(str(work)).run(None))
    with pytest.raises(FileNotFoundError, match="run CountCorpus, then MergeCorpus"):
        _one(ArticleCleaner(corpus=str(tmp_path / "nowhere")), Document("text", "d"))


def test_corpus_files_are_written_whole_and_never_through_a_link(tmp_path: Path) -> None:
    """A counting task stopped mid-write leaves no half file (MergeCorpus would read it); a link planted at the
    model's or a count's name is replaced, never written through."""
    _write_jsonl(tmp_path / "in" / "a.jsonl", _seed_records())
    work, victim = tmp_path / "work", tmp_path / "victim"
    victim.write_bytes(b"precious")
    (work / "counts").mkdir(parents=True)
    (work / "counts" / "00000.pickle.gz").symlink_to(victim)
    (work / "model.pickle").symlink_to(victim)

    class Stop(Exception):
        pass

    def stopping(*args: object, **kwargs: object) -> None:
        raise Stop

    step = CountCorpus(str(work))
    docs = [Document(r["text"], r["id"]) for r in _seed_records()]
    real_dump, pickle.dump = pickle.dump, stopping  # the task dies while it writes its counts
    try:
        with pytest.raises(Stop):
            list(step.run(iter(docs), rank=0, world_size=1))
    finally:
        pickle.dump = real_dump
    assert sorted(p.name for p in (work / "counts").iterdir()) == ["00000.pickle.gz"]  # no temporary left
    assert victim.read_bytes() == b"precious"
    list(CountCorpus(str(work)).run(iter(docs), rank=0, world_size=1))
    list(MergeCorpus(str(work)).run(None))
    assert victim.read_bytes() == b"precious"
    assert not (work / "model.pickle").is_symlink() and not (work / "counts" / "00000.pickle.gz").is_symlink()
    assert sorted(p.name for p in work.iterdir()) == ["counts", "model.pickle"]
    [kept] = _one(ArticleCleaner(corpus=str(work)), Document(SEEDS[0].read_text(encoding="utf-8"), "d"))  # it reads
    assert kept.text
