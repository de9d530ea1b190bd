"""Shared fixtures: the sample corpus and its expected clean bodies."""

from __future__ import annotations

import gc
import importlib.util
import json
import logging
import os
import signal
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

# A test run started in the background of a non-interactive shell (`make test &`) inherits SIGINT ignored, and so
# would every command the tests start: Python then installs no KeyboardInterrupt handler and the tests that press
# Ctrl-C see a run that ignores it. A handler here makes the commands start with the default, as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# The tests' Ray clusters (and the drivers the tests start, which inherit this) stay on the loopback
# interface: on Linux Ray otherwise binds and connects to the machine's network address. Read when ray is imported.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
EXPECTED = Path(__file__).resolve().parent / "data" / "expected"


def load_bench(name: str) -> ModuleType:
    """A module of ``bench/`` loaded from its file, without putting ``bench/`` on ``sys.path`` (where its
    ``datasets.py`` would shadow the Hugging Face package of that name)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look their module up
    spec.loader.exec_module(module)
    return module


def patch_d3(on_d3: str, indent: str = "") -> str:
    """Python source that makes ``Cleaner.clean_text`` run the statement ``on_d3`` before cleaning document d3
    (indented by ``indent``): the tests of dying and stuck workers put it in the processes that clean (a
    script's top level, or a Ray worker's start-up hook)."""
    source = f"""from cleaner.pipeline import Cleaner
original = Cleaner.clean_text
def patched(self, text, *args, **kwargs):
    if kwargs.get("doc_id") == "d3":
        {on_d3}
    return original(self, text, *args, **kwargs)
Cleaner.clean_text = patched
"""
    return textwrap.indent(source, indent)


def write_numbered_docs(path: Path, n: int) -> Path:
    """A JSONL file of ``n`` short documents d0, d1, ... (for :func:`patch_d3`)."""
    path.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": f"Body text number {i}, said one."}) + "\n" for i in range(n)),
        encoding="utf-8",
    )
    return path


def paragraphs(text: str) -> list[str]:
    """Whitespace-normalised paragraphs (split on blank lines)."""
    out = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        norm = " ".join(block.split())
        if norm:
            out.append(norm)
    return out


@pytest.fixture(scope="session")
def seed_names() -> list[str]:
    """File names of the five sample documents."""
    return sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """A local Ray cluster of 2 CPUs for one test module (no dashboard, quiet), shut down after it; its
    address, for drivers in other processes (``clean --engine ray --address``). Skips without ray."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=100_000_000, log_to_driver=False,
             logging_level=logging.WARNING)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def best_time(func: Callable[[], object], runs: int = 3) -> float:
    """The least CPU time of ``runs`` calls of ``func`` (this process's: the machine's load aside), with the
    garbage collector held off (in a long test session one pass over its heap costs more than a small run; it is
    not run before either: a full collection there, thousands of times, cost minutes)."""
    times = []
    gc.disable()
    try:
        for _ in range(runs):
            t0 = time.process_time()
            func()
            times.append(time.process_time() - t0)
    finally:
        gc.enable()
    return min(times)
