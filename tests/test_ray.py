"""The Ray engine (``clean --engine ray``): the same job as ``-j 1`` on a local Ray cluster of 2 CPUs.

The cluster is started once for the module (``ray_cluster`` in conftest) and
shut down after it; most runs are command lines in their own process that
connect to it with ``--address``, as a user's driver connects to a cluster.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ray")

import ray

from cleaner.config import Config
from cleaner.executor_ray import RayExecutor, portable_settings
from cleaner.phrases import PhraseBook
from cleaner.runner import Runner, plan_jobs
from cleaner.worker import DIED
from tests.conftest import patch_d3, write_numbered_docs
from tests.test_corpus import PROMO_A, build_corpus
from tests.test_runner import _KILLED_RUN, _audit_records, _read_jsonl, _records, _write_jsonl


def _clean(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleaner.cli", *args], capture_output=True, text=True, timeout=300, env=env
    )


def _files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (the outputs and the audit log), by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


PAGE = (
    "<html><head><title>Council approves the river plan</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Council approves the river plan</h1>"
    "<p>The city council voted on Monday to approve a plan that rebuilds the old mill bridge and the river walls "
    "before the spring floods, after two years of debate about the cost.</p>"
    "<p>Sign up for our newsletter</p></article><footer>Copyright 2024 The Riverside Gazette.</footer></body></html>"
)


def _mixed_corpus(root: Path) -> Path:
    """Two sites' pages in a JSONL file (the corpus pass learns their promo lines), the same file gzipped with a
    bad line, the seed texts, and an HTML page."""
    build_corpus(root, n=50, quote_docs=40)
    lines = (root / "sites.jsonl").read_bytes().splitlines(keepends=True)
    (root / "more.jsonl.gz").write_bytes(gzip.compress(b"".join([*lines[:30], b"not json\n", *lines[30:60]])))
    (root / "pages").mkdir()
    (root / "pages" / "river.html").write_text(PAGE, encoding="utf-8")
    return root


# -- without the module's cluster (run first: the machine has 2 cores) --------------------------------------


def test_phrase_files_travel_with_the_settings(tmp_path: Path) -> None:
    """A worker node has none of the driver's files: the phrase files the settings name are sent read in."""
    (tmp_path / "promo.txt").write_text("# site promos\nPlanet Plus members read free\n\nre:^Tips\\?\n", "utf-8")
    (tmp_path / "settings.toml").write_text(
        '[phrases.newsletter]\nadd = ["Join the club"]\nfiles = ["promo.txt"]\n', encoding="utf-8"
    )
    config = Config.load(tmp_path / "settings.toml")
    moved = Config(portable_settings(config), tmp_path / "elsewhere")  # as a worker builds it, files out of reach
    assert moved.phrase_overrides("newsletter")[1] == []
    entries = PhraseBook.load(config)["newsletter"].entries
    assert PhraseBook.load(moved)["newsletter"].entries == entries
    assert {"Join the club", "Planet Plus members read free", "re:^Tips\\?"} <= set(entries)
    assert config.data["phrases"]["newsletter"]["files"] == ["promo.txt"]  # the run's own settings are unchanged


def test_a_local_ray_cluster_of_the_run_s_own(tmp_path: Path) -> None:
    """Without --address (and RAY_ADDRESS), the run starts a local cluster of -j CPUs and stops it at the end."""
    src = tmp_path / "in"
    shutil.copytree(Path(__file__).resolve().parent.parent / "corpus", src)
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    proc = _clean(str(src), "-o", str(tmp_path / "ray"), "--engine", "ray", "-j", "1", env=env)
    assert proc.returncode == 0, proc.stderr
    assert _clean(str(src), "-o", str(tmp_path / "local")).returncode == 0
    assert _files(tmp_path / "ray") == _files(tmp_path / "local")


def test_an_unreachable_cluster_is_a_named_error(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port on this machine where nothing listens
        sock.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{sock.getsockname()[1]}"
    proc = _clean(str(tmp_path), "-o", str(tmp_path / "out"), "--engine", "ray", "--address", address)
    assert proc.returncode == 1
    assert f"error: cannot connect to the Ray cluster at {address} (Connection refused)" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--address", "127.0.0.1:6379"], "--address is the Ray cluster of --engine ray"),
        (["--engine", "ray", "--address", "127.0.0.1:6379", "-j", "2"], "-j sets the CPUs of a local Ray cluster"),
    ],
)
def test_engine_options_that_contradict_each_other(tmp_path: Path, options: list[str], message: str) -> None:
    proc = _clean(str(tmp_path), "-o", str(tmp_path / "out"), *options)
    assert proc.returncode == 2 and message in proc.stderr


# -- on the module's cluster ------------------------------------------------------------------------------


def test_the_ray_engine_writes_what_one_process_writes(tmp_path: Path, ray_cluster: str) -> None:
    src = _mixed_corpus(tmp_path / "in")
    local = _clean(str(src), "-o", str(tmp_path / "local"), "-j", "1")
    on_ray = _clean(str(src), "-o", str(tmp_path / "ray"), "--engine", "ray", "--address", ray_cluster, "--progress")
    assert local.returncode == on_ray.returncode == 1  # the bad line fails, alone
    assert "more.jsonl.gz:31: not a JSON object" in on_ray.stderr
    summary = local.stderr.strip().splitlines()[-1]  # "cleaned N documents, 1 failed, in 2.0s; ... corpus pass: ..."
    assert "corpus pass: 166 documents of 4 sources" in summary  # the seeds' folder, two sites, the page's folder
    assert summary.split(" in ")[0] in on_ray.stderr and summary.split("; ", 1)[1] in on_ray.stderr
    assert "counting" in on_ray.stderr and "cleaning" in on_ray.stderr  # the progress bars of both passes
    outputs = _files(tmp_path / "local")
    assert _files(tmp_path / "ray") == outputs  # byte for byte, the audit log too (same records, same order)
    audit = (tmp_path / "local" / "audit.jsonl").read_text(encoding="utf-8")
    assert '"rule": "corpus.repeated_line"' in audit and PROMO_A[1] in audit  # the corpus pass mattered


def test_the_corpus_pass_on_ray_learns_the_local_model(tmp_path: Path, ray_cluster: str) -> None:
    root, _ = build_corpus(tmp_path / "in", n=40)
    config = Config.load()
    jobs = plan_jobs([root], tmp_path / "out")
    local = Runner(config).count_corpus(jobs)
    with RayExecutor(config) as executor:  # this process is connected already: the executor uses that connection
        counted = Runner(config, executor=executor).count_corpus(jobs)
    assert local is not None and local.sources
    assert counted == local


def test_a_library_run_on_ray_writes_what_the_command_line_writes(tmp_path: Path, ray_cluster: str) -> None:
    """The README's library example: a Runner with a RayExecutor, in a program connected to Ray already."""
    root, _ = build_corpus(tmp_path / "in", n=20)
    assert _clean(str(root), "-o", str(tmp_path / "cli")).returncode == 0
    config = Config.load()
    out = tmp_path / "lib"
    out.mkdir()
    with (out / "audit.jsonl").open("w", encoding="utf-8") as audit:
        runner = Runner(config, audit=audit, executor=RayExecutor(config), verbosity=0)
        stats = runner.run(plan_jobs([root], out))
    assert stats.docs == 45 and stats.failed == 0 and stats.corpus_docs == 45
    assert _files(out) == _files(tmp_path / "cli")
    assert ray.is_initialized()  # the program's connection is left open


def test_a_killed_ray_run_resumes_on_ray(tmp_path: Path, ray_cluster: str) -> None:
    src = _write_jsonl(tmp_path / "docs.jsonl.gz", _records(40))
    whole, out = tmp_path / "whole", tmp_path / "out"
    assert _clean(str(src), "-o", str(whole)).returncode == 0
    engine = ["--engine", "ray", "--address", ray_cluster]
    killed = subprocess.run(  # batches of 5, the driver killed right after its third checkpoint
        [sys.executable, "-c", _KILLED_RUN, str(src), "-o", str(out), *engine], capture_output=True, text=True
    )
    assert killed.returncode == 9, killed.stderr
    assert not (out / src.name).exists() and (out / f".{src.name}.partial.json").is_file()
    proc = _clean(str(src), "-o", str(out), "--resume", *engine)
    assert proc.returncode == 0, proc.stderr
    assert "cleaned 25 documents, 1 file resumed (15 lines done before)" in proc.stderr
    assert _read_jsonl(out / src.name) == _read_jsonl(whole / src.name)
    assert _audit_records(out / "audit.jsonl") == _audit_records(whole / "audit.jsonl")
    again = _clean(str(src), "-o", str(out), "--resume", *engine)
    assert "cleaned 0 documents, 1 file skipped (output already complete)" in again.stderr


# A driver whose Ray workers run ``{setup}`` and clean document d3 by running ``{on_d3}`` (statements): Ray runs
# the hook in each worker process of this driver's job as it starts, so the patch reaches the processes that clean.
_DRIVER_WITH_D3 = """
import logging, os, sys
import ray

def patch_d3():
    {setup}
{patch}
ray.init(address=sys.argv[1], runtime_env={{"worker_process_setup_hook": patch_d3}}, log_to_driver=False,
         logging_level=logging.WARNING)
from cleaner.cli import main
sys.argv = ["clean", *sys.argv[2:], "--engine", "ray"]
main()
"""


def _run_with_d3(
    on_d3: str, tmp_path: Path, address: str, *options: str, setup: str = "pass"
) -> subprocess.CompletedProcess[str]:
    """``clean --engine ray`` on 8 documents d0 ... d7 (tmp_path/docs.jsonl into tmp_path/out), d3 doing ``on_d3``
    (and each worker process running ``setup`` first)."""
    src = write_numbered_docs(tmp_path / "docs.jsonl", 8)
    script = _DRIVER_WITH_D3.format(patch=patch_d3(on_d3, "    "), setup=setup)
    command = [sys.executable, "-c", script, address, str(src), "-o", str(tmp_path / "out"), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def _output_ids(tmp_path: Path) -> list[str]:
    return [r["id"] for r in _read_jsonl(tmp_path / "out" / "docs.jsonl")]


def test_a_dead_ray_worker_fails_only_its_document(tmp_path: Path, ray_cluster: str) -> None:
    die = "os._exit(9)  # the worker dies as in a segfault or an out-of-memory kill"
    proc = _run_with_d3(die, tmp_path, ray_cluster)
    assert proc.returncode == 1, proc.stderr
    assert "docs.jsonl:4: the worker process died" in proc.stderr
    assert "cleaned 7 documents, 1 failed" in proc.stderr
    assert _output_ids(tmp_path) == [f"d{i}" for i in range(8) if i != 3]
    errors = [r for r in map(json.loads, (tmp_path / "out" / "audit.jsonl").open()) if r["action"] == "error"]
    assert [(r["line"], r["reason"]) for r in errors] == [(4, f"{tmp_path / 'docs.jsonl'}:4: {DIED}")]


def test_a_document_past_the_time_limit_fails_by_name_on_ray(tmp_path: Path, ray_cluster: str) -> None:
    """The time limit (a timer signal) works in Ray's worker processes, whose tasks run in the main thread."""
    config = tmp_path / "limits.toml"
    config.write_text("[limits]\nmax_document_seconds = 0.5\n", encoding="utf-8")
    proc = _run_with_d3("while True: pass  # a rule that never ends", tmp_path, ray_cluster, "--config", str(config))
    assert proc.returncode == 1, proc.stderr
    assert "docs.jsonl:4: took longer than 0.5s (limits.max_document_seconds)" in proc.stderr
    assert _output_ids(tmp_path) == [f"d{i}" for i in range(8) if i != 3]


def test_workers_with_another_version_of_the_cleaner_stop_the_run(tmp_path: Path, ray_cluster: str) -> None:
    hook = "import cleaner; cleaner.__version__ = '0.0.1'  # a node with an older install"
    proc = _run_with_d3("pass", tmp_path, ray_cluster, setup=hook)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "has article-cleaner 0.0.1, this machine 0.1.0: install the same version on every node" in proc.stderr
    assert not (tmp_path / "out" / "docs.jsonl").exists()
