"""Byte-identity check: what the cleaner makes of every bench input, as digests to save and compare.

Usage (from the repository root)::

    python -m bench snapshot --save before.json        # record the current outputs
    python -m bench snapshot --check before.json       # compare; exit 1 and name what differs
    python -m bench snapshot --check before.json --web-dev [DIR] [-j 2]

A refactoring that must not change what the cleaner does is checked this
way: save a snapshot on the commit it starts from, check after every step.
Each document is recorded as three digests (SHA-256 of canonical JSON):

* ``text``: the clean text;
* ``audit``: the audit records, removals and notes (rule, action, offsets,
  text, reason), and the document's language;
* ``metadata``: the page metadata.

The documents: the five seeds of ``corpus/`` and every input of
``bench/data/aeb-dev`` (``inputs/*.json`` through ``clean_text``, the HTML
pages through ``clean_html`` with their URL), and two runs of the command
line, with their output records and audit lines per document: ``corpus/``
as a folder of text files, the aeb-dev pages as one JSONL file of ``html``
records, and the aeb-dev full-page texts as one JSONL file (one source)
cleaned with ``-j 2`` and bars low enough for ``corpus.repeated_line`` to
remove lines. ``--web-dev`` adds the
inputs and pages of ``../shared/bench/web-dev`` (or ``BENCH_DATA``, or the
folder given), which is much larger (``-j`` spreads it over processes).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AEB = HERE / "data" / "aeb-dev"
WEB_DEV = ROOT.parent / "shared" / "bench" / "web-dev"

Item = tuple[str, str, Any, str | None]  # (key, "text" or "html", content, url)


def digest(value: Any) -> str:
    """SHA-256 of ``value`` as canonical JSON (sorted keys, no ASCII escaping)."""
    data = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _library_items(data: Path, prefix: str) -> Iterator[Item]:
    """The text inputs and HTML pages of a bench dataset folder (aeb-dev's layout)."""
    for path in sorted((data / "inputs").glob("*.json")):
        texts = json.loads(path.read_text(encoding="utf-8"))
        for key in sorted(texts):
            yield f"{prefix}/text/{path.stem}/{key}", "text", texts[key] or "", None
    gold = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    for path in sorted((data / "html").glob("*.html.gz")):
        key = path.name[: -len(".html.gz")]
        url = gold.get(key, {}).get("url") if isinstance(gold.get(key), dict) else None
        yield f"{prefix}/html/{key}", "html", gzip.decompress(path.read_bytes()), url


def _seed_items() -> Iterator[Item]:
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        yield f"seeds/{path.name}", "text", path.read_text(encoding="utf-8"), None


_CLEANER: Any = None


def _clean(item: Item) -> tuple[str, dict[str, str]]:
    """One document's digests (in a worker process with ``-j``)."""
    global _CLEANER
    import cleaner

    if _CLEANER is None:
        _CLEANER = cleaner.Cleaner()
    key, kind, content, url = item
    try:
        if kind == "html":
            result = _CLEANER.clean_html(content, url=url, doc_id=key)
        else:
            result = _CLEANER.clean_text(content, doc_id=key)
    except Exception as exc:  # an error is an outcome too: it must stay the same
        return key, {"error": f"{exc.__class__.__name__}: {exc}"}
    return key, {
        "text": digest(result.text),
        "audit": digest({"records": result.audit_records(), "lang": result.lang}),
        "metadata": digest(result.metadata),
    }


def _library(items: list[Item], jobs: int) -> dict[str, dict[str, str]]:
    if jobs <= 1:
        return dict(map(_clean, items))
    with ProcessPoolExecutor(jobs) as pool:
        return dict(pool.map(_clean, items, chunksize=8))


def _cli(args: list[str], out: Path, cwd: Path) -> None:
    """Run the command line (``clean ARGS -o OUT`` in ``cwd``, so that the audit log names inputs by relative
    paths); its exit status must be 0 or 1 (some documents failed)."""
    cmd = [sys.executable, "-m", "cleaner.cli", *args, "-o", str(out), "--no-progress"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"snapshot: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")


def _lines(path: Path) -> list[str]:
    """The lines of a JSONL file (split at line feeds only: a record may hold U+2028)."""
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def _audit_by_doc(audit: Path) -> dict[str, list[str]]:
    by_doc: dict[str, list[str]] = defaultdict(list)
    for line in _lines(audit):
        by_doc[str(json.loads(line).get("doc"))].append(line)
    return by_doc


def _runner(tmp: Path, jobs: int) -> dict[str, dict[str, str]]:
    """The command line's outputs and audit lines, per document, for ``corpus/`` and a JSONL of the aeb-dev pages."""
    found: dict[str, dict[str, str]] = {}
    out = tmp / "corpus.out"
    _cli(["corpus", "-j", str(jobs)], out, ROOT)
    audit = _audit_by_doc(out / "audit.jsonl")
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        text = (out / path.name).read_text(encoding="utf-8") if (out / path.name).exists() else None
        found[f"cli/corpus/{path.name}"] = {"output": digest(text), "audit": digest(audit.get(path.name, []))}
    pages = tmp / "pages.jsonl"
    gold = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    with pages.open("w", encoding="utf-8") as fh:
        for path in sorted((AEB / "html").glob("*.html.gz")):
            key = path.name[: -len(".html.gz")]
            html = gzip.decompress(path.read_bytes()).decode("utf-8")
            fh.write(json.dumps({"id": key, "html": html, "url": gold.get(key, {}).get("url")}) + "\n")
    found.update(_jsonl_run(tmp, pages, [pages.name, "-j", str(jobs)]))
    # The full-page texts as one source, with bars low enough for the corpus rule to act, in two processes.
    texts = tmp / "fulltext.jsonl"
    full = json.loads((AEB / "inputs" / "fulltext.json").read_text(encoding="utf-8"))
    with texts.open("w", encoding="utf-8") as fh:
        for key in sorted(full):
            fh.write(json.dumps({"id": key, "text": full[key]}) + "\n")
    low_bars = tmp / "low-bars.toml"
    bars = "min_docs = 3\nmin_share = 0.02\n"
    low_bars.write_text(f'[corpus]\n{bars}\n[rules."corpus.repeated_line"]\n{bars}', encoding="utf-8")
    found.update(_jsonl_run(tmp, texts, [texts.name, "-j", "2", "-c", low_bars.name]))
    return found


def _jsonl_run(tmp: Path, jsonl: Path, args: list[str]) -> dict[str, dict[str, str]]:
    """The output records and audit lines of one JSONL file cleaned by the command line, per document."""
    found: dict[str, dict[str, str]] = {}
    out = tmp / f"{jsonl.stem}.out"
    _cli(args, out, tmp)
    audit = _audit_by_doc(out / "audit.jsonl")
    for line in _lines(out / jsonl.name):
        key = json.loads(line)["id"]
        found[f"cli/{jsonl.name}/{key}"] = {"output": digest(line), "audit": digest(audit.pop(key, []))}
    for key, lines in audit.items():  # failed documents: their error records
        found[f"cli/{jsonl.name}/{key}"] = {"audit": digest(lines)}
    return found


def take(web_dev: Path | None = None, jobs: int = 1) -> dict[str, dict[str, str]]:
    """Every document's digests (see the module doc)."""
    items = [*_seed_items(), *_library_items(AEB, "aeb-dev")]
    if web_dev is not None:
        items.extend(_library_items(web_dev, "web-dev"))
    docs = _library(items, jobs)
    with tempfile.TemporaryDirectory(prefix="snapshot-") as tmp:
        docs.update(_runner(Path(tmp), jobs))
    return dict(sorted(docs.items()))


def compare(saved: dict[str, dict[str, str]], now: dict[str, dict[str, str]]) -> list[str]:
    """One line per document that differs: which of its digests changed, or that it is new or missing."""
    lines = []
    for key in sorted(set(saved) | set(now)):
        if key not in now:
            lines.append(f"{key}: missing (in the snapshot, not cleaned now)")
        elif key not in saved:
            lines.append(f"{key}: new (not in the snapshot)")
        elif saved[key] != now[key]:
            parts = sorted(p for p in set(saved[key]) | set(now[key]) if saved[key].get(p) != now[key].get(p))
            lines.append(f"{key}: {', '.join(parts)} differ")
    return lines


def _web_dev_dir(value: str | None) -> Path:
    if value:
        return Path(value)
    return Path(os.environ["BENCH_DATA"]) if os.environ.get("BENCH_DATA") else WEB_DEV


def main(argv: list[str]) -> int:
    """Save or check a snapshot; 1 when a check finds differences."""
    parser = argparse.ArgumentParser(prog="python -m bench snapshot", description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", metavar="FILE", type=Path, help="record every document's digests in FILE")
    what.add_argument("--check", metavar="FILE", type=Path, help="compare with the digests recorded in FILE")
    parser.add_argument("--web-dev", nargs="?", const="", metavar="DIR",
                        help="also the web-dev data (default ../shared/bench/web-dev, or BENCH_DATA)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="processes (default 1)")
    args = parser.parse_args(argv)
    web_dev = None
    if args.web_dev is not None:
        web_dev = _web_dev_dir(args.web_dev)
        if not (web_dev / "ground-truth.json").is_file():
            print(f"snapshot: no web-dev data in {web_dev}", file=sys.stderr)
            return 2
    if args.check is not None and not args.check.is_file():
        print(f"snapshot: {args.check}: no such snapshot file", file=sys.stderr)
        return 2
    now = take(web_dev, args.jobs)
    if args.save is not None:
        args.save.write_text(json.dumps(now, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"snapshot: {len(now)} documents recorded in {args.save}")
        return 0
    saved = json.loads(args.check.read_text(encoding="utf-8"))
    if web_dev is None:
        saved = {k: v for k, v in saved.items() if not k.startswith("web-dev/")}
    differences = compare(saved, now)
    for line in differences:
        print(line)
    print(f"snapshot: {len(differences)} of {len(now)} documents differ from {args.check}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
