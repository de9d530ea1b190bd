"""Faults of a shared machine, through the command line: links and hard links planted in the output folder,
two runs on one folder, a full disk, kills and signals, hostile file names, odd inputs.

Each test runs ``clean`` in a fresh interpreter, as users do. A full disk is
real where a small tmpfs can be mounted (root on Linux: CI here), and
simulated otherwise (an audit log object that raises ENOSPC, in process);
the tests say which (``tmpfs`` fixture). ``make faults`` runs this file alone.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner.names import shown, unshown

ARTICLE = (
    "Storm floods the old town\n\nBy Jane Doe\n\nHeavy rain flooded the old town on Sunday, and the river rose "
    "above its banks for the first time in twenty years, officials said.\n\nAdvertisement\n\nResidents moved "
    "their cars to higher ground while volunteers filled sandbags near the bridge.\n"
)


def clean_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "cleaner.cli", *map(str, args), "--no-progress"]


def clean(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
          timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``clean`` to its end; its stderr decoded."""
    proc = subprocess.run(clean_cmd(*args), cwd=cwd, capture_output=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})})
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def records(path: Path) -> list[dict]:
    """Every line of a JSONL file, parsed (each must be JSON)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def jsonl(path: Path, n: int, *, long: bool = False) -> Path:
    """A JSONL file of ``n`` distinct articles."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = ARTICLE.replace("Sunday", f"day {i}")
            if long:
                text += "".join(f"\nOn day {i} the {k}th street was closed, and the mayor spoke about it at length.\n"
                                for k in range(8))
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    return path


def folder(path: Path, n: int) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (path / f"doc{i:04d}.txt").write_text(ARTICLE.replace("Sunday", f"day {i}"), encoding="utf-8")
    return path


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr


# -- links and hard links in the output folder ---------------------------------------------------------------


@pytest.mark.parametrize("planted", [".docs.jsonl.partial", ".docs.jsonl.partial.json",
                                     ".docs.jsonl.partial.json.tmp", "audit.jsonl", "docs.jsonl", "a.txt"])
@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_a_link_planted_in_the_output_folder_is_never_written_through(tmp_path: Path, planted: str, kind: str) -> None:
    src, out, victim = tmp_path / "src", tmp_path / "out", tmp_path / "victim.txt"
    src.mkdir()
    out.mkdir()
    jsonl(src / "docs.jsonl", 20)
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    victim.write_text("precious\n", encoding="utf-8")
    if kind == "symlink":
        (out / planted).symlink_to(victim)
    else:
        os.link(victim, out / planted)
    proc = clean(src, "-o", out)
    no_traceback(proc)
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert proc.returncode == 0, proc.stderr  # an output's own name too: the link is replaced by the output
    assert len(records(out / "docs.jsonl")) == 20
    assert (out / "a.txt").read_text(encoding="utf-8").startswith("Storm floods")
    assert not (out / planted).is_symlink()


def test_links_planted_at_every_name_of_the_run_to_one_file_or_to_an_input(tmp_path: Path) -> None:
    """Every file of the run a link to the same file, and an output a link to its own input: each replaced (none
    taken for another: the report is not 'the audit log'), nothing written through, the input unchanged."""
    src, out, victim = folder(tmp_path / "src", 3), tmp_path / "out", tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out.mkdir()
    for name in ("doc0000.txt", ".doc0001.txt.partial", "audit.jsonl", "report.html", "rejects.jsonl"):
        (out / name).symlink_to(victim)
    (out / "doc0002.txt").symlink_to(src / "doc0002.txt")
    before = (src / "doc0002.txt").read_bytes()
    proc = clean(src, "-o", out, "--report", out / "report.html", "--rejects", out / "rejects.jsonl")
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n" and (src / "doc0002.txt").read_bytes() == before
    for name in ("doc0000.txt", "doc0001.txt", "doc0002.txt", "audit.jsonl", "report.html"):
        assert (out / name).is_file() and not (out / name).is_symlink(), name
    assert {r["doc"] for r in records(out / "audit.jsonl")} == {f"doc{i:04d}.txt" for i in range(3)}


def test_resume_never_reads_a_planted_partial_output(tmp_path: Path) -> None:
    """A checkpoint and a ``.partial`` that is a link to a file outside: --resume starts the file again."""
    src, out, secret = tmp_path / "src", tmp_path / "out", tmp_path / "secret.jsonl"
    src.mkdir()
    out.mkdir()
    inp = jsonl(src / "docs.jsonl", 10)
    secret.write_text('{"id": "secret", "text": "not yours"}\n' * 5, encoding="utf-8")
    st = inp.stat()
    state = {"input": str(inp), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "line": 5, "failures": 0, "lines": 5}
    (out / ".docs.jsonl.partial.json").write_text(json.dumps(state), encoding="utf-8")
    (out / ".docs.jsonl.partial").symlink_to(secret)
    proc = clean(src, "-o", out, "--resume")
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in records(out / "docs.jsonl")] == [f"d{i}" for i in range(10)]
    assert "secret" not in (out / "docs.jsonl").read_text(encoding="utf-8")


def test_a_link_to_a_folder_inside_the_output_folder_is_refused(tmp_path: Path) -> None:
    src, out, elsewhere = tmp_path / "src", tmp_path / "out", tmp_path / "elsewhere"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "b.txt").write_text(ARTICLE, encoding="utf-8")
    out.mkdir()
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere)
    proc = clean(src, "-o", out)
    no_traceback(proc)
    assert proc.returncode == 1
    assert list(elsewhere.iterdir()) == []
    assert (out / "b.txt").is_file()
    assert len(proc.stderr.strip().splitlines()) >= 1 and "sub" in proc.stderr


def test_an_audit_log_that_is_a_link_in_the_output_folder_is_replaced_or_refused(tmp_path: Path) -> None:
    src, out, victim = folder(tmp_path / "src", 2), tmp_path / "out", tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    out.mkdir()
    (out / "log.jsonl").symlink_to(victim)
    proc = clean(src, "-o", out, "--audit", out / "log.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (out / "log.jsonl").is_symlink() and records(out / "log.jsonl")
    (out / "log.jsonl").unlink()
    (out / "log.jsonl").symlink_to(victim)
    proc = clean(src, "-o", out, "--audit", out / "log.jsonl", "--resume")
    no_traceback(proc)
    assert proc.returncode == 2 and "symbolic link" in proc.stderr
    assert victim.read_text(encoding="utf-8") == "precious\n"


@pytest.mark.parametrize("option", ["--report", "--rejects"])
def test_the_report_and_rejects_file_replace_a_link_in_the_output_folder(tmp_path: Path, option: str) -> None:
    src, out, victim = folder(tmp_path / "src", 2), tmp_path / "out", tmp_path / "victim.txt"
    (src / "bad.jsonl").write_text("not json\n", encoding="utf-8")
    victim.write_text("precious\n", encoding="utf-8")
    out.mkdir()
    (out / "file.html").symlink_to(victim)
    proc = clean(src, "-o", out, option, out / "file.html")
    no_traceback(proc)
    assert proc.returncode == 1, proc.stderr  # the bad line
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (out / "file.html").is_symlink() and (out / "file.html").stat().st_size > 0


@pytest.mark.parametrize("option", ["--audit", "--report", "--rejects"])
def test_dev_null_as_a_file_of_the_run_stays_a_device(tmp_path: Path, option: str) -> None:
    src = folder(tmp_path / "src", 2)
    proc = clean(src, "-o", tmp_path / "out", option, "/dev/null")
    assert proc.returncode == 0, proc.stderr
    assert Path("/dev/null").is_char_device()


# -- the run's own files and its outputs ---------------------------------------------------------------------


def test_an_input_named_like_the_audit_log_keeps_both(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "audit.jsonl").write_text(json.dumps({"id": "x", "text": ARTICLE}) + "\n", encoding="utf-8")
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    proc = clean(src, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert {r["action"] for r in records(out / "audit.jsonl")} <= {"remove", "keep"}
    assert [r["id"] for r in records(out / "audit.jsonl.jsonl")] == ["x"]


def test_an_audit_path_that_is_an_output_path_keeps_both(tmp_path: Path) -> None:
    src, out = folder(tmp_path / "src", 2), tmp_path / "out"
    proc = clean(src, "-o", out, "--audit", out / "doc0000.txt")
    assert proc.returncode == 0, proc.stderr
    assert all("rule" in r for r in records(out / "doc0000.txt"))
    assert "Heavy rain" in (out / "doc0000.txt.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("first", "second"), [("--audit", "--rejects"), ("--report", "--rejects"),
                                               ("--audit", "--report"), (None, "--rejects")])
def test_two_files_of_the_run_on_one_path_are_a_usage_error(tmp_path: Path, first: str | None, second: str) -> None:
    """The audit log, the report and the rejects file never overwrite one another (None: the default audit log)."""
    src, out = folder(tmp_path / "src", 2), tmp_path / "out"
    same = out / "audit.jsonl"
    proc = clean(src, "-o", out, *((first, same) if first else ()), second, same)
    no_traceback(proc)
    assert proc.returncode == 2 and "would overwrite" in proc.stderr, proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_the_rejects_file_never_overwrites_an_input(tmp_path: Path) -> None:
    src = folder(tmp_path / "src", 2)
    before = (src / "doc0000.txt").read_bytes()
    for target in (src / "doc0000.txt", tmp_path / "link.txt"):
        if target.name == "link.txt":
            target.symlink_to(src / "doc0000.txt")  # a link of the user's own, outside the output folder
        proc = clean(src, "-o", tmp_path / "out", "--rejects", target)
        no_traceback(proc)
        assert proc.returncode == 2 and "input" in proc.stderr, proc.stderr
    assert (src / "doc0000.txt").read_bytes() == before


@pytest.mark.parametrize("where", ["a file", "a link to a file"])
def test_an_output_folder_that_is_a_file_is_a_usage_error(tmp_path: Path, where: str) -> None:
    src = folder(tmp_path / "src", 1)
    target = tmp_path / "target"
    target.write_text("x", encoding="utf-8")
    out = target
    if where == "a link to a file":
        out = tmp_path / "link"
        out.symlink_to(target)
    proc = clean(src, "-o", out)
    no_traceback(proc)
    assert proc.returncode == 2
    assert target.read_text(encoding="utf-8") == "x"


# -- two runs, one folder ------------------------------------------------------------------------------------


def wait_for(predicate, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_a_second_run_on_the_same_output_folder_is_refused(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    jsonl(src / "docs.jsonl", 3000, long=True)
    first = subprocess.Popen(clean_cmd(src, "-o", out), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        wait_for(lambda: (out / ".docs.jsonl.partial").exists())
        second = clean(src, "-o", out)
        assert second.returncode == 75, second.stderr
        assert "another clean run" in second.stderr
        same_audit = clean(src, "-o", tmp_path / "other", "--audit", out / "audit.jsonl")
        assert same_audit.returncode == 75, same_audit.stderr
        assert not (tmp_path / "other").exists() or not any((tmp_path / "other").iterdir())
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert [r["id"] for r in records(out / "docs.jsonl")] == [f"d{i}" for i in range(3000)]
    assert {r["doc"] for r in records(out / "audit.jsonl")} == {f"d{i}" for i in range(3000)}


def test_a_library_run_locks_its_output_folder_too(tmp_path: Path) -> None:
    """A Runner (the library's way, and the Ray engine's from a program) takes the same lock as the command line:
    with a command-line run writing the folder it raises Busy and writes nothing; the command line's own Runner
    holds its folder once more, not refused (every other test)."""
    from cleaner.config import Config
    from cleaner.jobs import plan_jobs
    from cleaner.runner import Runner
    from cleaner.writer import Busy

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    jsonl(src / "docs.jsonl", 3000, long=True)
    folder(tmp_path / "mine", 3)
    first = subprocess.Popen(clean_cmd(src, "-o", out), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        wait_for(lambda: (out / ".docs.jsonl.partial").exists())
        jobs = plan_jobs([tmp_path / "mine"], out, kind="text", suffix="txt")
        with pytest.raises(Busy):
            Runner(Config.load(), corpus_pass=False, verbosity=0).run(jobs)
        assert not any(p.name.startswith("doc0") for p in out.iterdir())
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    stats = Runner(Config.load(), corpus_pass=False, verbosity=0).run(jobs)  # the folder is free again
    assert stats.failed == 0 and sorted(p.name for p in out.glob("doc0*")) == [f"doc{i:04d}.txt" for i in range(3)]


# -- signals and workers -------------------------------------------------------------------------------------


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rpartition(")")[2].split()[1]) == pid:
                    found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, dead but not reaped, is not alive)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


@linux_only
@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, -9)])
def test_a_signal_stops_the_run_its_workers_and_its_files(tmp_path: Path, sig: int, status: int) -> None:
    """-j 2 with the corpus pass: stopped mid-run, the workers go too, no temporary file stays (TMPDIR)."""
    src, out, tmp = tmp_path / "src", tmp_path / "out", tmp_path / "tmp"
    src.mkdir()
    tmp.mkdir()
    jsonl(src / "a.jsonl", 3000, long=True)
    jsonl(src / "b.jsonl", 3000, long=True)
    proc = subprocess.Popen(clean_cmd(src, "-o", out, "-j", "2"), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            env={**os.environ, "TMPDIR": str(tmp)})
    try:
        wait_for(lambda: (out / ".a.jsonl.partial").exists(), 120)  # past the corpus pass
        workers = children(proc.pid)
        assert len(workers) >= 2
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == status, err
    if sig != signal.SIGKILL:
        assert b"Traceback" not in err
        assert b"--resume" in err
    wait_for(lambda: not any(alive(w) for w in workers), 10)
    assert list(tmp.iterdir()) == []
    assert not (out / "a.jsonl").exists()  # never a part of an output under its name
    again = clean(src, "-o", out, "--resume")
    assert again.returncode == 0, again.stderr
    assert [r["id"] for r in records(out / "a.jsonl")] == [f"d{i}" for i in range(3000)]
    per_doc = [r["doc"] for r in records(out / "audit.jsonl") if r["file"].endswith("a.jsonl")]
    assert sorted(set(per_doc)) == sorted(f"d{i}" for i in range(3000))


def _slow_batch(cleaner: object, tasks: list[object]) -> int:
    """A batch's work that takes a while, so that batches wait queued behind it."""
    time.sleep(0.2)
    return len(tasks)


@linux_only
def test_a_run_stopped_with_batches_queued_stops_without_a_thread_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped while batches wait in the pool's queue, the workers are killed and the pool's own thread fails
    the queued batches without an error of its own (it printed a traceback on stderr when they were cancelled
    first: about one stop by a signal in 40 under load)."""
    from cleaner.config import Config
    from cleaner.executor import IN_FLIGHT_PER_WORKER, ProcessExecutor

    errors: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(repr(args.exc_value)))
    batches = [[(i, None)] for i in range(4 * IN_FLIGHT_PER_WORKER * 2)]
    for _ in range(3):
        executor = ProcessExecutor(Config({}, Path.cwd()), 2)
        with pytest.raises(KeyboardInterrupt), executor:
            for _batch, result in executor.map(batches, _slow_batch, None):
                assert result == 0
                raise KeyboardInterrupt  # as a signal's handler raises it in the run's loop
        time.sleep(0.3)  # the pool's thread has finished with the killed workers
    assert errors == []


@linux_only
def test_a_worker_killed_during_the_corpus_pass_changes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a", "b", "c"):
        jsonl(src / f"{name}.jsonl", 800)
    reference = clean(src, "-o", tmp_path / "ref", "-j", "2")
    assert reference.returncode == 0
    proc = subprocess.Popen(clean_cmd(src, "-o", tmp_path / "out", "-j", "2"), stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    wait_for(lambda: len(children(proc.pid)) >= 2)
    time.sleep(0.5)
    os.kill(min(children(proc.pid)), signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    for name in ("a", "b", "c"):
        assert (tmp_path / "out" / f"{name}.jsonl").read_bytes() == (tmp_path / "ref" / f"{name}.jsonl").read_bytes()


# -- a full disk ---------------------------------------------------------------------------------------------


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs (a real full disk); skipped where one cannot be mounted (not root, not Linux)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: the full disk is simulated by the in-process tests below")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` but for about ``leave`` bytes."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / "filler").write_bytes(b"\0" * max(0, free - leave))


def hidden(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.name.startswith("."))


def test_full_disk_for_the_outputs(tmp_path: Path, tmpfs: Path) -> None:
    """Outputs on a full disk: the run stops (74) with a summary; every output there has its records, no removal
    is logged for a document whose output is not there, and --resume finishes the job once there is room."""
    src = folder(tmp_path / "src", 400)
    out, audit = tmpfs / "out", tmp_path / "audit.jsonl"
    proc = clean(src, "-o", out, "--audit", audit, "--no-corpus-pass")
    no_traceback(proc)
    assert proc.returncode == 74, proc.stderr
    assert "No space left on device" in proc.stderr and "--resume" in proc.stderr
    written = {p.name for p in out.iterdir()}
    assert not hidden(out)
    logged = {r["doc"] for r in records(audit) if r["action"] == "remove"}
    assert logged == written and 0 < len(written) < 400
    assert f"cleaned {len(written)} documents" in proc.stderr
    (tmp_path / "more").mkdir()
    again = clean(src, "-o", tmp_path / "more", "--audit", tmp_path / "audit2.jsonl", "--no-corpus-pass")
    assert again.returncode == 0


def test_full_disk_for_the_report(tmp_path: Path, tmpfs: Path) -> None:
    """Every document cleaned, the report cannot be written: named, 74 (as for the outputs), no file left half."""
    src = folder(tmp_path / "src", 30)
    fill(tmpfs, leave=8_000)
    proc = clean(src, "-o", tmp_path / "out", "--report", tmpfs / "report.html")
    no_traceback(proc)
    assert proc.returncode == 74 and "cannot write the report (No space left on device)" in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmpfs.iterdir()) == ["filler"]
    assert len(list((tmp_path / "out").glob("doc*.txt"))) == 30


def test_full_disk_for_the_audit_log_then_resume(tmp_path: Path, tmpfs: Path) -> None:
    src = folder(tmp_path / "src", 400)
    out, audit = tmp_path / "out", tmpfs / "audit.jsonl"
    fill(tmpfs, leave=40_000)
    proc = clean(src, "-o", out, "--audit", audit, "--no-corpus-pass")
    no_traceback(proc)
    assert proc.returncode == 74, proc.stderr
    assert "cannot write the audit log" in proc.stderr
    written = {p.name for p in out.iterdir()}
    logged = {r["doc"] for r in records(audit) if r["action"] == "remove"}
    assert logged == written and 0 < len(written) < 400
    assert not hidden(out)
    (tmpfs / "filler").unlink()  # room again: --resume goes on, and every document is logged once
    again = clean(src, "-o", out, "--audit", audit, "--no-corpus-pass", "--resume")
    assert again.returncode == 0, again.stderr
    docs = [r["doc"] for r in records(audit) if r["rule"] == "site.ads"]
    assert sorted(docs) == sorted(f"doc{i:04d}.txt" for i in range(400))


def test_full_disk_for_a_jsonl_output_then_resume(tmp_path: Path, tmpfs: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    jsonl(src / "docs.jsonl", 150, long=True)
    audit = tmp_path / "audit.jsonl"
    fill(tmpfs, leave=40_000)
    proc = clean(src, "-o", tmpfs / "out", "--audit", audit, "--no-corpus-pass")
    no_traceback(proc)
    assert proc.returncode == 74, proc.stderr
    assert [r["action"] for r in records(audit)] == ["error"]  # no removal for documents not written
    assert not hidden(tmpfs / "out") and not (tmpfs / "out" / "docs.jsonl").exists()
    (tmpfs / "filler").unlink()
    again = clean(src, "-o", tmpfs / "out", "--audit", audit, "--resume", "--no-corpus-pass")
    assert again.returncode == 0, again.stderr
    assert [r["id"] for r in records(tmpfs / "out" / "docs.jsonl")] == [f"d{i}" for i in range(150)]
    docs = [r["doc"] for r in records(audit) if r["rule"] == "site.ads"]
    assert sorted(docs) == sorted(f"d{i}" for i in range(150))


def test_a_read_only_output_folder_stops_the_run(tmp_path: Path, tmpfs: Path) -> None:
    src = folder(tmp_path / "src", 3)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    proc = clean(src, "-o", tmpfs, "--audit", tmp_path / "audit.jsonl")
    no_traceback(proc)
    assert proc.returncode in (2, 74), proc.stderr
    assert "Read-only file system" in proc.stderr


class FullAudit:
    """An audit log on a disk that fills after ``room`` bytes (raises ENOSPC, as a full disk does)."""

    name = "audit.jsonl"

    def __init__(self, room: int) -> None:
        self.room = room
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        if len(text) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(text)
        self.lines.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_full_disk_simulated_for_the_audit_log(tmp_path: Path) -> None:
    """The same promise without a tmpfs: the run stops, counts only what is logged, and raises nothing."""
    from cleaner import Config
    from cleaner.runner import Runner, plan_jobs

    src = folder(tmp_path / "src", 50)
    audit = FullAudit(room=4000)
    runner = Runner(Config.load(), audit=audit, corpus_pass=False, verbosity=0)  # type: ignore[arg-type]
    stats = runner.run(plan_jobs([src], tmp_path / "out"))
    assert stats.stopped and "No space left on device" in stats.stopped
    assert 0 < stats.docs < 50
    logged = {json.loads(line)["doc"] for line in "".join(audit.lines).splitlines()}
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert written == logged


# -- names -----------------------------------------------------------------------------------------------------


def test_names_are_shown_on_one_line_and_apart(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    names = [b"\xff.txt", b"\xfe.txt", b"new\nline.txt", b"tab\there.txt", b'"quoted".txt', b"back\\slash.txt"]
    for name in names:  # each fails (binary): named on stderr and in the log
        Path(os.fsdecode(os.fsencode(src) + b"/" + name)).write_bytes(b"\x00binary")
    proc = clean(src, "-o", tmp_path / "out")
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == len(names)  # one line each
    audit = [r for r in records(tmp_path / "out" / "audit.jsonl") if r["action"] == "error"]
    assert len({r["file"] for r in audit}) == len(names) and len({r["doc"] for r in audit}) == len(names)
    assert {os.fsencode(unshown(r["doc"])) for r in audit} == set(names)


@pytest.mark.parametrize("name", ["a.txt", "a\nb", "\udcff.txt", '"x"', "a\\b", "\x85", "\udc85", "\u00e9", "\x7f"])
def test_shown_names_come_back(name: str) -> None:
    assert unshown(shown(name)) == name
    assert "\n" not in shown(name)


def test_255_byte_names_without_an_output_folder(tmp_path: Path) -> None:
    """Without -o, a 255-byte folder gets a sibling FOLDER.clean and a 255-byte file a FILE.clean.txt, each cut to
    the name limit (the names were too long: a traceback, then a failed file)."""
    src = folder(tmp_path / ("d" * 255), 1)
    long_file = src / ("f" * 251 + ".txt")
    long_file.write_text(ARTICLE, encoding="utf-8")
    proc = clean(src)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    [out] = [p for p in tmp_path.iterdir() if p.name.endswith(".clean")]
    assert len(os.fsencode(out.name)) <= 255 and len(list(out.glob("*.txt"))) == 2
    alone = clean(long_file)
    assert alone.returncode == 0, alone.stderr
    [cleaned] = [p for p in src.iterdir() if p.name.endswith(".clean.txt")]
    assert "Heavy rain" in cleaned.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".jsonl"])
def test_a_255_byte_name_gets_its_output(tmp_path: Path, suffix: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    stem = "\u00e9" * ((255 - len(suffix)) // 2) + "x" * ((255 - len(suffix)) % 2)
    name = stem + suffix
    assert len(name.encode("utf-8")) == 255
    content = json.dumps({"id": "x", "text": ARTICLE}) + "\n" if suffix == ".jsonl" else ARTICLE
    if suffix == ".html":
        content = f"<html><body><p>{ARTICLE}</p></body></html>"
    (src / name).write_text(content, encoding="utf-8")
    jsonl(src / "other.jsonl", 2)
    proc = clean(src, "-o", tmp_path / "out", "--resume")
    assert proc.returncode == 0, proc.stderr
    outputs = [p for p in (tmp_path / "out").iterdir() if p.name not in ("audit.jsonl", "other.jsonl")]
    assert len(outputs) == 1 and len(os.fsencode(outputs[0].name)) <= 255
    assert "Heavy rain" in outputs[0].read_text(encoding="utf-8")
    again = clean(src, "-o", tmp_path / "out", "--resume")  # found complete by its (shortened) name
    assert again.returncode == 0 and "skipped" in again.stderr


# -- odd inputs ------------------------------------------------------------------------------------------------


def test_fifos_devices_and_hard_links_as_inputs(tmp_path: Path) -> None:
    src = folder(tmp_path / "src", 2)
    os.mkfifo(src / "pipe.txt")
    (src / "zero.txt").symlink_to("/dev/zero")
    os.link(src / "doc0000.txt", src / "hard.txt")
    proc = clean(src, "-o", tmp_path / "out", timeout=60)
    no_traceback(proc)
    assert proc.returncode == 1
    assert "pipe.txt: not a regular file" in proc.stderr and "zero.txt: not a regular file" in proc.stderr
    assert (tmp_path / "out" / "hard.txt").read_bytes() == (tmp_path / "out" / "doc0000.txt").read_bytes()
    assert (src / "doc0000.txt").read_text(encoding="utf-8").startswith("Storm")


def test_an_input_that_disappears_mid_run_is_named(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    jsonl(src / "a.jsonl", 4000, long=True)
    (src / "z.txt").write_text(ARTICLE, encoding="utf-8")
    proc = subprocess.Popen(clean_cmd(src, "-o", tmp_path / "out", "--no-corpus-pass"), stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    wait_for(lambda: (tmp_path / "out" / ".a.jsonl.partial").exists())
    (src / "z.txt").unlink()
    _, err = proc.communicate(timeout=300)
    assert b"Traceback" not in err
    assert proc.returncode == 1, err
    assert b"z.txt: cannot read" in err
    assert len(records(tmp_path / "out" / "a.jsonl")) == 4000


# -- JSONL kept byte for byte, wide encodings --------------------------------------------------------------------


def test_jsonl_fields_the_cleaner_does_not_touch_are_kept_byte_for_byte(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    text = json.dumps(ARTICLE)
    lines = [
        '{"id":"a","n":1e400,"m":1.00000000000000000001,"k":1E5,"s":"caf\\u00e9","text":' + text + ',"z":[1.0,-0]}',
        '{ "id" : "b" , "text" : ' + text + ' , "metadata" : {"url": "https://x.example/a", "score": 1E-7} }',
        '{"id": "c", "html": "<html><head><title>T</title></head><body><p>' + "Body text. " * 30
        + '</p></body></html>", "metadata": {"n": 10E3}}',
    ]
    (src / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = clean(src, "-o", out, "--add-stats")
    assert proc.returncode == 0, proc.stderr
    got = (out / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    for kept in ('"n":1e400', '"m":1.00000000000000000001', '"k":1E5', '"s":"caf\\u00e9"', '"z":[1.0,-0]',
                 '"score": 1E-7', '"n": 10E3', '{ "id" : "b" , "text" : '):
        assert kept in "\n".join(got), kept
    first = json.loads(got[0].replace("1e400", "1"))
    assert "Advertisement" not in first["text"] and first["removed_chars"] > 0 and first["lang"] == "en"
    assert json.loads(got[2])["metadata"]["title"] == "T"  # merged into its own metadata, its fields kept


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_jsonl_in_utf16_or_utf32_is_read_whole(tmp_path: Path, encoding: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    text = "".join(json.dumps({"id": i, "text": ARTICLE.replace("Sunday", "caf\u00e9 day")}, ensure_ascii=False) + "\n"
                   for i in range(5))
    (src / "docs.jsonl").write_bytes(text.encode(encoding))
    proc = clean(src, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    got = records(tmp_path / "out" / "docs.jsonl")
    assert [r["id"] for r in got] == list(range(5)) and all("caf\u00e9 day" in r["text"] for r in got)


# -- HTML: charsets, depth -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("declared", "encoding"), [("utf-8", "cp1252"), ("iso-8859-1", "utf-8"),
                                                    ("windows-1252", "utf-8"), ("utf-8", "latin-1")])
def test_a_declared_charset_is_tested_against_the_bytes(tmp_path: Path, declared: str, encoding: str) -> None:
    import cleaner

    body = "Le caf\u00e9 na\u00eff servait une cr\u00e8me br\u00fbl\u00e9e \u00e0 la fen\u00eatre, disait-on. " * 5
    page = f'<html><head><meta charset="{declared}"><title>Caf\u00e9</title></head><body><p>{body}</p></body></html>'
    result = cleaner.clean_html(page.encode(encoding))
    assert "caf\u00e9 na\u00eff" in result.text and "\u0165" not in result.text and "\u00c3" not in result.text


def test_a_page_deeper_than_the_parser_limit_is_read_whole() -> None:
    import cleaner

    n = 20_000
    deep = "<div>" * n + "<p>The deepest paragraph is article text, and it must not be lost.</p>" + "</div>" * n
    page = f"<html><body><h1>Headline</h1><p>First paragraph of the article text here.</p>{deep}" \
           "<p>The last paragraph comes after the deep part of the page.</p></body></html>"
    result = cleaner.clean_html(page)
    for sentence in ("First paragraph", "The deepest paragraph", "The last paragraph"):
        assert sentence in result.text


def test_flattening_keeps_every_word_and_the_shallow_structure() -> None:
    from lxml import html

    from cleaner.html.parsing import flatten

    page = "<body><!-- <div> -->" + "<div><b>x</b>" * 300 + "<script>if (a<b) {}</script>word" + "</div>" * 300 + \
           "<p>end</p></body>"
    flat = flatten(page, limit=50)
    tree = html.fromstring(flat)
    assert tree.text_content().count("x") == 300 and "word" in tree.text_content() and "end" in tree.text_content()
    assert max(len(list(el.iterancestors())) for el in tree.iter()) <= 52
    assert "if (a<b) {}" in flat


# -- the time limit ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_short_time_limit_does_not_fail_the_first_document_of_a_process(tmp_path: Path, jobs: str) -> None:
    """What the first document of each process would load (phrase lists, models, the HTML libraries: about a
    second) is loaded before its time limit starts: a limit of 0.5 s fails none of these small documents."""
    src = folder(tmp_path / "src", 3)
    for i in range(3):
        (src / f"page{i}.html").write_text(f"<html><body><article><p>{ARTICLE}</p></article></body></html>",
                                           encoding="utf-8")
    (tmp_path / "limits.toml").write_text("[limits]\nmax_document_seconds = 0.5\n", encoding="utf-8")
    proc = clean(src, "-o", tmp_path / "out", "-j", jobs, "--config", tmp_path / "limits.toml")
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "out").glob("*.txt"))) == 6


def test_a_timeout_dropped_where_python_ignores_exceptions_is_raised_again() -> None:
    """Python prints and drops an exception raised in a garbage-collector or ``__del__`` callback: a timeout that
    lands there is raised again shortly after, and the document still stops."""
    from cleaner.worker import TIMEOUT_RETRY, DocumentTimeout, time_limit

    dropped = 0
    start = time.monotonic()
    with pytest.raises(DocumentTimeout), time_limit(0.1):
        deadline = start + 10
        while time.monotonic() < deadline:
            try:
                while time.monotonic() < deadline:
                    pass
            except DocumentTimeout:
                if dropped:
                    raise
                dropped += 1  # as a callback's exception is dropped
    assert dropped == 1
    assert time.monotonic() - start < 0.1 + 3 * TIMEOUT_RETRY
    time.sleep(2 * TIMEOUT_RETRY)  # once the block is left, the timer is off: no stray timeout here


def test_the_time_limit_stops_a_long_document_promptly() -> None:
    """A page whose cleaning takes many seconds stops within about a second of the limit, wherever it is (the
    timeout is a BaseException: a library's ``except Exception`` fallback cannot swallow it)."""
    import cleaner
    from cleaner.io import Task
    from cleaner.worker import clean_task

    config = cleaner.Config.load(overrides={"limits": {"max_document_seconds": 1}})
    cln = cleaner.Cleaner(config)
    cln.clean_text("Warm up the phrase lists.")
    page = "<html><body>" + "".join(f"<p>Paragraph {i} has some words in it.</p>" for i in range(100_000)) + \
           "</body></html>"
    for _ in range(2):  # the second time, the caches are warm: it still stops
        start = time.monotonic()
        outcome = clean_task(cln, Task("p.html", "html", page.encode(), "p.html"))
        elapsed = time.monotonic() - start
        assert outcome.error is not None and "took longer than 1s" in outcome.error
        assert elapsed < 3.5, elapsed
    assert clean_task(cln, Task("ok.txt", "text", ARTICLE, "ok.txt")).error is None  # the next one is cleaned


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_standard_output_on_a_full_disk_stops_the_run(tmp_path: Path) -> None:
    """``clean ... -o - > file`` on a full disk (/dev/full answers every write with ENOSPC: real, everywhere)."""
    src = folder(tmp_path / "src", 3)
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(clean_cmd(src, "-o", "-"), stdout=full, stderr=subprocess.PIPE, timeout=120, check=False)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 74, err
    assert "Traceback" not in err and "Exception ignored" not in err
    assert "cannot write to standard output (No space left on device)" in err
