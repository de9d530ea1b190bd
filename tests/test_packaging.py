"""Packaging: what `pip install .` gives a new user, with the interpreter's own pip.

The install test builds a fresh virtual environment with the pip that the
interpreter ships (no upgrade), installs the project from this tree, and
cleans a folder of HTML pages with the installed command: the path a user
who does not run `make install` takes.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
PAGES = ROOT / "bench" / "data" / "aeb-dev" / "html"


def _requirement(name: str) -> str:
    found = [d for d in PROJECT["dependencies"] if re.match(rf"{name}\b", d, re.IGNORECASE)]
    assert len(found) == 1, f"{name} is not a dependency"
    return found[0]


def test_licence_is_an_spdx_expression_with_classifiers() -> None:
    assert PROJECT["license"] == "MIT"  # PEP 639: a string, not a table
    classifiers = PROJECT["classifiers"]
    assert not [c for c in classifiers if c.startswith("License ::")]  # superseded by the expression
    wanted = ["Typing :: Typed", "Programming Language :: Python :: 3.11", "Topic :: Text Processing :: Linguistic"]
    assert set(wanted) <= set(classifiers)


def test_direct_dependencies_cover_what_the_html_path_imports() -> None:
    # jusText and trafilatura import lxml.html.clean, a separate project since lxml 5.2, through an extra
    # that pip 23.2 does not resolve: it must be asked for directly.
    _requirement("lxml_html_clean")
    import lxml_html_clean  # noqa: F401  (installed as a dependency)


def test_trafilatura_has_an_upper_bound() -> None:
    # cleaner/html.py mirrors some of trafilatura's loader internals: a new major version may change them.
    assert "<" in _requirement("trafilatura")


def test_the_all_extra_installs_every_optional_integration() -> None:
    extras = PROJECT["optional-dependencies"]
    optional = set(extras) - {"all", "dev", "bench"}  # bench: the benchmark and training tools, not an integration
    assert optional, "no optional integration"
    assert set(extras["all"]) == {f"article-cleaner[{name}]" for name in optional}


@pytest.mark.skipif(not PAGES.is_dir(), reason="the aeb-dev pages are not in this tree")
def test_a_fresh_pip_install_cleans_a_folder_of_html_pages(tmp_path: Path) -> None:
    base = getattr(sys, "_base_executable", sys.executable)
    venv = tmp_path / "v"
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([venv / "bin" / "pip", "--version"], capture_output=True, text=True, check=True).stdout
    before = {p.name for p in ROOT.iterdir()}
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(
        [venv / "bin" / "pip", "install", "--quiet", str(ROOT)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, f"pip install . with {pip}: {done.stderr[-2000:]}"
    assert {p.name for p in ROOT.iterdir()} == before, "pip install . left files in the source tree (build/?)"

    pages = tmp_path / "pages"
    pages.mkdir()
    for src in sorted(PAGES.glob("*.html.gz"))[:4]:
        (pages / src.name[: -len(".gz")]).write_bytes(gzip.decompress(src.read_bytes()))
    run = subprocess.run(
        [venv / "bin" / "clean", str(pages), "-o", str(tmp_path / "out")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    outputs = sorted((tmp_path / "out").glob("*.txt"))
    assert len(outputs) == 4 and all(p.stat().st_size > 200 for p in outputs), run.stderr
    site = subprocess.run(
        [venv / "bin" / "python", "-c", "import cleaner, pathlib; print(pathlib.Path(cleaner.__file__).parent)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert (Path(site) / "py.typed").is_file()
    assert (Path(site).parent / "heuristics" / "data" / "en" / "newsletter_start.txt").is_file()
    no_ray = subprocess.run(  # an optional engine that is not installed is named, with its extra
        [venv / "bin" / "clean", str(pages), "-o", str(tmp_path / "ray"), "--engine", "ray"],
        capture_output=True, text=True,
    )
    assert no_ray.returncode == 2 and "pip install 'article-cleaner[ray]'" in no_ray.stderr
    assert not (tmp_path / "ray").exists()


def test_the_package_and_its_command_line_do_not_import_ray() -> None:
    """Ray is an optional engine (a large import): only ``--engine ray`` loads it."""
    code = "import sys, cleaner, cleaner.cli, cleaner.runner, cleaner.executor; print(sorted(sys.modules))"
    modules = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "'ray'" not in modules and "'cleaner.executor_ray'" not in modules
