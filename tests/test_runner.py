"""The batch runner and CLI at scale: JSONL streaming (gzip too), resume, parallel workers, progress, batching."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner.config import Config
from cleaner.io import InputError, InputFile, Task, iter_jsonl, parse_line_task
from cleaner.jobs import cut, tapered
from cleaner.runner import BATCH_BYTES, BATCH_DOCS, Runner
from tests.conftest import CORPUS

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]


def _records(n: int) -> list[dict]:
    return [{"id": f"d{i}", "text": SEED_TEXTS[i % len(SEED_TEXTS)], "lang_hint": i} for i in range(n)]


def _write_jsonl(path: Path, records: list[dict], extra_lines: tuple[str, ...] = ()) -> Path:
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def _clean(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], capture_output=True, text=True)


def _read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# -- streaming -----------------------------------------------------------------------


def _documents(inp: InputFile, max_line_bytes: int) -> list[Task | InputError]:
    """What a JSONL file gives the workers: its lines read, then parsed."""
    return [parse_line_task(t) if isinstance(t, Task) else t for t in iter_jsonl(inp, max_line_bytes, 10_000_000)]


def test_iter_jsonl_streams_gzip_and_names_bad_lines(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "in.jsonl.gz", _records(3), ("not json", '{"id": "x"}', "", "[1]"))
    items = _documents(InputFile(path, Path(path.name), "jsonl"), 1_000_000)
    tasks = [t for t in items if isinstance(t, Task)]
    errors = [str(e) for e in items if isinstance(e, InputError)]
    assert [t.doc_id for t in tasks] == ["d0", "d1", "d2"] and [t.line for t in tasks] == [1, 2, 3]
    assert [e.split(": ")[0] for e in errors] == [f"{path}:4", f"{path}:5", f"{path}:7"]
    assert "no string 'text' or 'html' field" in errors[1]


def test_iter_jsonl_refuses_overlong_lines_and_truncated_archives(tmp_path: Path) -> None:
    small = [{"id": f"d{i}", "text": "A short text."} for i in range(2)]
    big = {"id": "big", "text": "x" * 5000}
    path = _write_jsonl(tmp_path / "in.jsonl", [small[0], big, *small])
    items = _documents(InputFile(path, Path(path.name), "jsonl"), 2000)
    assert [t.doc_id if isinstance(t, Task) else str(t)[: len(str(path)) + 13] for t in items] == [
        "d0", f"{path}:2: too large", "d0", "d1"
    ]
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(path.read_bytes())[:-30])
    items = _documents(InputFile(broken, Path(broken.name), "jsonl"), 1_000_000)
    assert isinstance(items[-1], InputError) and "cannot read" in str(items[-1])
    assert str(broken) in str(items[-1])


def test_cli_jsonl_gz_roundtrip_keeps_order_and_fields(tmp_path: Path) -> None:
    records = _records(12)
    src = _write_jsonl(tmp_path / "in" / "docs.jsonl.gz", records) if (tmp_path / "in").mkdir() is None else None
    assert src is not None
    proc = _clean(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--no-corpus-pass")
    assert proc.returncode == 0, proc.stderr
    out = _read_jsonl(tmp_path / "out" / "docs.jsonl.gz")  # a gzipped corpus gives a gzipped output
    assert [r["id"] for r in out] == [r["id"] for r in records]
    assert [r["lang_hint"] for r in out] == list(range(12))
    assert "Subscribe to Breaking News emails" not in out[0]["text"]
    assert not list((tmp_path / "out").glob(".*.part"))  # no temporary file left behind


def test_cli_bad_lines_fail_the_run_but_the_rest_is_written(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "docs.jsonl", _records(3), ("{oops",))
    proc = _clean(str(src), "-o", str(tmp_path / "out"))
    assert proc.returncode == 1
    assert f"{src}:4" in proc.stderr
    assert len(_read_jsonl(tmp_path / "out" / "docs.jsonl")) == 3


# -- batching and parallel workers ------------------------------------------------------------


def test_batches_are_cut_by_bytes_and_count() -> None:
    small = [(0, Task(f"s{i}", "text", "x" * 100, "f")) for i in range(BATCH_DOCS * 2 + 5)]
    big = [(1, Task(f"b{i}", "text", "y" * (BATCH_BYTES // 3 + 1), "g")) for i in range(7)]
    batches = list(cut([*small, *big]))
    sizes = [sum(isinstance(t, Task) for _, t in b) for b in batches]
    assert sizes[:2] == [BATCH_DOCS, BATCH_DOCS]
    assert max(sum(len(t.content) for _, t in b if isinstance(t, Task)) for b in batches) < BATCH_BYTES * 1.4
    assert sum(sizes) == len(small) + len(big)
    assert [j for b in batches for j, _ in b] == [0] * len(small) + [1] * len(big)


def test_the_last_batches_are_tapered_with_every_item_in_order() -> None:
    items = [(0, Task(f"s{i}", "text", "x" * 100, "f")) for i in range(BATCH_DOCS * 3 + 5)]
    items.insert(7, (0, InputError("a bad line")))
    items.append((1, InputError("a file that cannot be read")))
    whole = list(cut(items))
    for hold in (1, 2, 5):
        parts = list(tapered(iter(whole), hold, parts=8))
        assert [item for b in parts for item in b] == items
        kept = max(0, len(whole) - hold)
        assert parts[:kept] == whole[:kept]  # only the last ones are cut
        tail = parts[kept:]
        assert len(tail) <= 8 * (len(whole) - kept)
        assert all(sum(isinstance(t, Task) for _, t in b) <= BATCH_DOCS // 8 for b in tail)
        assert all(any(isinstance(t, Task) for _, t in b) for b in tail)  # an error goes with a document


def test_parallel_run_matches_serial_run(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    (inp / "texts").mkdir(parents=True)
    for i, text in enumerate(SEED_TEXTS * 3):
        (inp / "texts" / f"t{i:02d}.txt").write_text(text, encoding="utf-8")
    _write_jsonl(inp / "a.jsonl", _records(40))
    _write_jsonl(inp / "b.jsonl.gz", _records(25))
    for jobs in ("1", "2", "0"):
        proc = _clean(str(inp), "-o", str(tmp_path / f"out{jobs}"), "-j", jobs)
        assert proc.returncode == 0, proc.stderr
        assert "cleaned 80 documents" in proc.stderr
    for rel in ["a.jsonl", "b.jsonl.gz", *(f"texts/t{i:02d}.txt" for i in range(15))]:
        serial = (tmp_path / "out1" / rel).read_bytes()
        assert (tmp_path / "out2" / rel).read_bytes() == serial
        assert (tmp_path / "out0" / rel).read_bytes() == serial
    audit = [(tmp_path / f"out{j}" / "audit.jsonl").read_text(encoding="utf-8") for j in ("1", "2")]
    assert audit[0] == audit[1]


# -- resume ----------------------------------------------------------------------------------


def test_resume_skips_complete_outputs_and_redoes_changed_inputs(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for i, text in enumerate(SEED_TEXTS[:3]):
        (inp / f"t{i}.txt").write_text(text, encoding="utf-8")
    _write_jsonl(inp / "docs.jsonl", _records(4))
    out = tmp_path / "out"
    assert _clean(str(inp), "-o", str(out)).returncode == 0
    first_audit = (out / "audit.jsonl").read_text(encoding="utf-8")

    (out / "t1.txt").unlink()  # an interrupted run: one output missing
    later = time.time() + 5
    os.utime(inp / "t2.txt", (later, later))  # an input changed since its output
    stamp = (out / "docs.jsonl").stat().st_mtime_ns
    proc = _clean(str(inp), "-o", str(out), "--resume")
    assert proc.returncode == 0, proc.stderr
    assert "cleaned 2 documents, 2 files skipped" in proc.stderr
    assert (out / "t1.txt").is_file()
    assert (out / "docs.jsonl").stat().st_mtime_ns == stamp  # complete: untouched
    audit = (out / "audit.jsonl").read_text(encoding="utf-8")
    assert audit.startswith(first_audit) and len(audit) > len(first_audit)  # appended to


_KILLED_RUN = """
import os, sys
import cleaner.jobs as jobs
import cleaner.output as output
jobs.BATCH_DOCS = 5
output.CHECKPOINT_BYTES = 0  # after every batch
original = output.JobOutput.checkpoint
seen = []
def checkpoint_then_die(self, line):
    if line and len(seen) == 3 and os.environ.get("KILL_LATER"):  # a batch after the third, its audit written
        self.log.audit.flush()
        os._exit(9)
    original(self, line)
    seen.extend([line] if line else [])  # not the one a job starts with
    if len(seen) == 3 and not os.environ.get("KILL_LATER"):
        os._exit(9)  # killed (power cut, kill -9) right after a checkpoint
output.JobOutput.checkpoint = checkpoint_then_die
from cleaner.cli import main
sys.argv = ["clean", *sys.argv[1:]]
main()
"""


def _killed_run(src: Path, out: Path, later: bool = False) -> subprocess.CompletedProcess[str]:
    """``clean SRC -o OUT`` in batches of five documents, killed right after its third checkpoint (``later``:
    a batch later, its audit records written)."""
    env = {**os.environ, **({"KILL_LATER": "1"} if later else {})}
    command = [sys.executable, "-c", _KILLED_RUN, str(src), "-o", str(out)]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def _audit_records(path: Path) -> list[str]:
    """The records of an audit log, sorted (one JSON text each, keys sorted)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return sorted(json.dumps(json.loads(line), sort_keys=True) for line in lines)


def test_resume_cuts_off_the_audit_records_written_after_the_last_checkpoint(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "docs.jsonl", _records(40))
    whole, out = tmp_path / "whole", tmp_path / "out"
    assert _clean(str(src), "-o", str(whole)).returncode == 0
    assert _killed_run(src, out, later=True).returncode == 9
    killed = _audit_records(out / "audit.jsonl")
    proc = _clean(str(src), "-o", str(out), "--resume")
    assert proc.returncode == 0, proc.stderr
    assert "15 lines done before" in proc.stderr
    resumed = _audit_records(out / "audit.jsonl")
    assert any(json.loads(r)["doc"] not in {f"d{i}" for i in range(15)} for r in killed)  # past the checkpoint
    assert resumed == _audit_records(whole / "audit.jsonl")  # none twice


def test_resume_leaves_an_audit_log_another_run_wrote_to(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "docs.jsonl", _records(40))
    out = tmp_path / "out"
    assert _killed_run(src, out, later=True).returncode == 9
    with (out / "audit.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"doc": "x", "action": "remove", "file": "other.jsonl"}) + "\n")
    before = (out / "audit.jsonl").read_text(encoding="utf-8")
    assert _clean(str(src), "-o", str(out), "--resume").returncode == 0
    assert (out / "audit.jsonl").read_text(encoding="utf-8").startswith(before)  # nothing cut off


@pytest.mark.parametrize("name", ["docs.jsonl", "docs.jsonl.gz"])
def test_resume_takes_a_killed_jsonl_run_up_after_its_last_checkpoint(tmp_path: Path, name: str) -> None:
    (tmp_path / "in").mkdir()
    records = _records(40)
    lines = [json.dumps(r) for r in records]
    lines.insert(7, "not json")  # a bad line before the checkpoint: reported once, not again
    data = ("\n".join(lines) + "\n").encode("utf-8")
    src = tmp_path / "in" / name
    src.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    whole = tmp_path / "whole"
    assert _clean(str(src), "-o", str(whole), "-j", "2").returncode == 1  # the bad line fails

    out = tmp_path / "out"
    killed = _killed_run(src, out)
    assert killed.returncode == 9
    assert not (out / name).exists()  # no half output in place
    assert (out / f".{name}.partial").is_file() and (out / f".{name}.partial.json").is_file()

    proc = _clean(str(src), "-o", str(out), "--resume", "-j", "2")
    assert proc.returncode == 1, proc.stderr
    assert "1 failed, 1 file resumed (15 lines done before, 1 of them failed)" in proc.stderr  # 3 batches of 5
    assert "cleaned 26 documents" in proc.stderr and "not a JSON object" not in proc.stderr
    assert _read_jsonl(out / name) == _read_jsonl(whole / name)
    assert not list(out.glob(".*"))  # the partial output and its checkpoint are gone
    audit = [json.loads(line) for line in (out / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(r["action"] == "error" for r in audit) == 1


def test_a_resumed_run_killed_again_resumes_again(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "docs.jsonl.gz", _records(60))
    whole, out = tmp_path / "whole", tmp_path / "out"
    assert _clean(str(src), "-o", str(whole)).returncode == 0
    assert _killed_run(src, out).returncode == 9  # after 15 lines
    again = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, str(src), "-o", str(out), "--resume"], capture_output=True, text=True
    )
    assert again.returncode == 9  # after 15 more
    proc = _clean(str(src), "-o", str(out), "--resume")
    assert proc.returncode == 0, proc.stderr
    assert "cleaned 30 documents, 1 file resumed (30 lines done before)" in proc.stderr
    assert _read_jsonl(out / "docs.jsonl.gz") == _read_jsonl(whole / "docs.jsonl.gz")


def test_resume_starts_again_when_the_input_changed_since_the_checkpoint(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "docs.jsonl", _records(20))
    out = tmp_path / "out"
    assert _killed_run(src, out).returncode == 9
    assert (out / ".docs.jsonl.partial.json").is_file()
    _write_jsonl(src, _records(21))  # the input changed: its checkpoint describes another file
    proc = _clean(str(src), "-o", str(out), "--resume")
    assert proc.returncode == 0, proc.stderr
    assert "cleaned 21 documents" in proc.stderr and "resumed" not in proc.stderr
    assert [r["id"] for r in _read_jsonl(out / "docs.jsonl")] == [f"d{i}" for i in range(21)]


# -- progress ---------------------------------------------------------------------------------


def test_progress_bar_shows_documents_and_throughput(tmp_path: Path) -> None:
    src = _write_jsonl(tmp_path / "docs.jsonl", _records(70))
    proc = _clean(str(src), "-o", str(tmp_path / "out"), "--progress")
    assert proc.returncode == 0, proc.stderr
    assert "cleaning" in proc.stderr and "70 docs" in proc.stderr and "B/s" in proc.stderr
    assert "counting" in proc.stderr  # the corpus pass has its own bar
    quiet = _clean(str(src), "-o", str(tmp_path / "out2"))
    assert "docs/s" not in quiet.stderr  # stderr is not a terminal here


@pytest.mark.parametrize("corpus_pass", [True, False])
def test_runner_library_use(tmp_path: Path, corpus_pass: bool) -> None:
    from cleaner.runner import plan_jobs

    src = _write_jsonl(tmp_path / "docs.jsonl", _records(6))
    runner = Runner(Config.load(), corpus_pass=corpus_pass)
    stats = runner.run(plan_jobs([src], tmp_path / "out"))
    assert stats.docs == 6 and stats.failed == 0
    assert (stats.corpus_docs == 6) is corpus_pass


def test_warm_up_freezes_what_was_loaded_once_per_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    """After the first warm-up of a kind the process's loaded objects leave the collector's sight, once: a
    second Cleaner warming up the same kind does not freeze again (what a run frees later stays collectable)."""
    import gc

    from cleaner import worker
    from cleaner.pipeline import Cleaner

    frozen: list[int] = []
    monkeypatch.setattr(worker, "_FROZEN", set())
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    first, second = Cleaner(Config.load()), Cleaner(Config.load())
    worker.warm_up(first, "text")
    worker.warm_up(first, "text")
    worker.warm_up(second, "text")
    assert frozen == [1]
    worker.warm_up(second, "html")
    assert frozen == [1, 1]
