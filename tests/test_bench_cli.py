"""``python -m bench``: sections by name, options to one section only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("argv", "says"),
    [(["nope"], "unknown section(s): nope"), (["text", "speed", "--quick"], "options (--quick) go to one section")],
)
def test_bench_command_line_refuses_what_it_cannot_run(argv: list[str], says: str) -> None:
    run = subprocess.run([sys.executable, "-m", "bench", *argv], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2
    assert says in run.stderr
