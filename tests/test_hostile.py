"""Hostile input through the command line: nothing crashes the run, nothing is lost, altered or written astray.

One run cleans a tree holding every kind of bad input next to good ones
(binary files, non-UTF-8 text, empty files, files over the size limit, gzip
bombs, corrupt archives, deeply nested and malformed HTML, bad JSONL lines,
symbolic-link loops, links out of the tree, a FIFO, clashing output names)
and the tests check the contract of ``SPEC.md`` and the README's "Guarantees and limits":

* every input document ends as an output or as a named error (file, and
  line for JSONL, and the reason) on stderr and in the audit log; the rest
  is still written and the exit status is 1;
* the inputs are byte-identical afterwards, nothing is written outside the
  output folder, and no temporary file is left behind.

Other tests run the special cases on their own: the output folder inside
the input folder, cleaning in place, unreadable files and folders, a link
in the output folder that leads out of it, worker processes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import cleaner
from cleaner import cli
from cleaner.io import InputError, decode_text
from tests.conftest import patch_d3, write_numbered_docs

ARTICLE = (
    "Storm floods the old town\n\n"
    "By Jane Doe\n\n"
    "Heavy rain flooded the old town on Sunday, and the river rose above its banks for the first time in "
    "twenty years, officials said.\n\n"
    "Advertisement\n\n"
    "Residents moved their cars to higher ground while volunteers filled sandbags near the bridge.\n"
)
LATIN = "Caf\u00e9 cr\u00e8me, na\u00efve r\u00e9sum\u00e9 \u00fcber Stra\u00dfe."
LIMITS = "[limits]\nmax_document_bytes = 200_000\nmax_expanded_bytes = 400_000\n"


@dataclass
class Run:
    """The result of one ``clean`` run over a tree."""

    root: Path  # the temporary folder holding everything
    src: Path  # the input folder
    out: Path  # the output folder
    code: int
    stderr: str
    audit: list[dict]
    before: dict[str, str]  # input tree snapshot before the run
    after: dict[str, str]


def clean(*args: str | Path, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run the ``clean`` command in a fresh interpreter (what users run), with a time limit."""
    cmd = [sys.executable, "-m", "cleaner.cli", *map(str, args), "--no-progress"]
    return subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, timeout=120, check=False)


def snapshot(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every entry under ``root`` (not following links) with a hash of its content or its link target."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if skip is not None and here.resolve().is_relative_to(skip.resolve()):
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            p = here / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_file() and not _is_fifo(p):
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[rel] = "dir" if p.is_dir() else "special"
    return out


def _is_fifo(p: Path) -> bool:
    import stat

    return stat.S_ISFIFO(p.lstat().st_mode)


def read_audit(path: Path) -> list[dict]:
    """The audit log's records (every line must be JSON)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def errors(run: Run) -> list[dict]:
    """The audit log's error records."""
    return [r for r in run.audit if r["action"] == "error"]


def jsonl_lines() -> list[bytes]:
    """A JSONL file with good and bad lines; comments give the line numbers the tests expect."""
    deep = b"[" * 100_000
    return [
        json.dumps({"id": "good-1", "text": ARTICLE, "lang": "en"}).encode(),  # 1 good
        b'{"id": "broken", "text": "no closing brace"',  # 2 malformed JSON
        json.dumps({"id": "no-text", "body": "wrong field"}).encode(),  # 3 no text field
        json.dumps({"id": 42, "text": "A numeric id is fine.", "n": [1, 2]}).encode(),  # 4 good, non-string id
        json.dumps({"id": None, "text": 17}).encode(),  # 5 text not a string
        json.dumps([1, 2, 3]).encode(),  # 6 not an object
        deep,  # 7 nested too deeply for any parser
        b"",  # 8 blank line: not a document
        json.dumps({"id": "../../escape", "text": "Ids never name files."}).encode(),  # 9 good
        json.dumps({"id": "/etc/passwd", "text": "Absolute ids are just ids."}).encode(),  # 10 good
        b'{"id": "lone", "text": "Bad escape \\ud800 here.", "title": "t\\udc80"}',  # 11 good, lone surrogates
        json.dumps({"id": "latin", "text": "Caf\u00e9 cr\u00e8me"}, ensure_ascii=False).encode("cp1252"),  # 12 good
        json.dumps({"id": "huge", "text": "x" * 300_000}).encode(),  # 13 over the size limit
        json.dumps({"id": "page", "html": "<html><body><p>" + "Page text here. " * 20 + "</p></body></html>"}).encode(),
        json.dumps({"id": "good-2", "text": "The last good document."}).encode(),  # 15 good
    ]


GOOD_JSONL_IDS = ["good-1", 42, "../../escape", "/etc/passwd", "lone", "latin", "page", "good-2"]
BAD_JSONL_LINES = {2: "not a JSON object", 3: "no string 'text'", 5: "no string 'text'", 6: "not a JSON object",
                   7: "nested too deeply", 13: "too large"}


def build_tree(src: Path) -> None:
    """The hostile input tree (see the module docstring)."""
    (src / "sub" / "deeper").mkdir(parents=True)
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "sub" / "deeper" / "page.html").write_text(
        "<html><head><title>T</title></head><body><article><h1>Storm floods the old town</h1>"
        "<p>Heavy rain flooded the old town on Sunday, and the river rose above its banks, officials said.</p>"
        "<p>Residents moved their cars to higher ground while volunteers filled sandbags.</p></article></body></html>",
        encoding="utf-8",
    )
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (src / "binary_no_nul.txt").write_bytes(bytes(range(1, 32)) * 200)
    (src / "binary.html").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    (src / "latin1.txt").write_bytes(LATIN.encode("latin-1"))
    (src / "cp1252.txt").write_bytes("He paid \u20ac5 \u2014 \u201cquoted\u201d.".encode("cp1252"))
    (src / "utf16.txt").write_bytes("UTF-16 text with a BOM, caf\u00e9.".encode("utf-16"))
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.txt").write_bytes(b"  \n\t\n \r\n")
    (src / "too_big.txt").write_bytes(b"word " * 60_000)
    (src / "too_big.html").write_bytes(b"<p>" + b"word " * 60_000 + b"</p>")
    with gzip.open(src / "bomb.txt.gz", "wb") as gz:
        gz.write(b"a" * 5_000_000)
    with gzip.open(src / "bomb.jsonl.gz", "wb") as gz:
        line = json.dumps({"id": "b", "text": "short"}).encode() + b"\n"
        gz.write(line * (1_000_000 // len(line)))
    (src / "corrupt.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage that is not deflate data")
    (src / "truncated.txt.gz").write_bytes(gzip.compress(ARTICLE.encode())[:-12])
    (src / "nested.html").write_text("<div>" * 20_000 + "<p>Deep text.</p>" + "</div>" * 20_000, encoding="utf-8")
    (src / "malformed.html").write_text(
        "<html><body><p>Unclosed <b>bold <i>italic<p>Second para</table></td><<<>>>&&&; <!-- open comment",
        encoding="utf-8",
    )
    (src / "docs.jsonl").write_bytes(b"\n".join(jsonl_lines()) + b"\n")
    (src / "clash.txt").write_text("Clash from the text file.", encoding="utf-8")
    (src / "clash.html").write_text("<p>Clash from the page, a paragraph of some length.</p>", encoding="utf-8")
    (src / "notes.pdf").write_bytes(b"%PDF-1.4 not an input kind: skipped, and named as skipped")
    os.symlink("..", src / "sub" / "loop")  # a folder link back up: never followed
    os.symlink(src / "sub", src / "sub" / "deeper" / "up")
    os.symlink("missing.txt", src / "sub" / "dangling.txt")
    os.mkfifo(src / "pipe.txt")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One ``clean SRC -o OUT`` run over the hostile tree."""
    root = tmp_path_factory.mktemp("hostile")
    src, out = root / "src", root / "out"
    src.mkdir()
    build_tree(src)
    (root / "limits.toml").write_text(LIMITS, encoding="utf-8")
    outside = snapshot(root)
    proc = clean(src, "-o", out, "--config", root / "limits.toml", "--audit", out / "audit.jsonl")
    after_all = snapshot(root, skip=out)
    assert {k for k in after_all if not k.startswith("out")} == {k for k in outside if not k.startswith("out")}
    return Run(root, src, out, proc.returncode, proc.stderr.decode("utf-8", "replace"),
               read_audit(out / "audit.jsonl"), snapshot(src), outside)


# -- the run as a whole ------------------------------------------------------------


def test_run_finishes_with_status_1(run: Run) -> None:
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr


def test_inputs_are_byte_identical(run: Run) -> None:
    before = {k[len("src/"):]: v for k, v in run.after.items() if k.startswith("src/")}
    assert run.before == before


def test_nothing_written_outside_the_output_folder(run: Run) -> None:
    now = snapshot(run.root, skip=run.out)
    assert {k: v for k, v in now.items() if not k.startswith("out")} == {
        k: v for k, v in run.after.items() if not k.startswith("out")
    }


def test_no_temporary_files_left(run: Run) -> None:
    leftovers = [p for p in run.out.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []


def test_every_error_is_named_on_stderr_and_in_the_audit_log(run: Run) -> None:
    errs = errors(run)
    assert errs
    for rec in errs:
        assert rec["file"] and rec["reason"]
        where = f"{rec['file']}:{rec['line']}" if rec["line"] is not None else rec["file"]
        assert rec["reason"].startswith(where)
        assert f"error: {rec['reason']}" in run.stderr
    assert run.stderr.count("error: ") == len(errs)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("binary.txt", "binary"),
        ("binary_no_nul.txt", "binary"),
        ("binary.html", "binary"),
        ("too_big.txt", "max_document_bytes"),
        ("too_big.html", "max_document_bytes"),
        ("bomb.txt.gz", "decompresses to more than"),
        ("corrupt.txt.gz", "cannot read"),
        ("truncated.txt.gz", "cannot read"),
        ("sub/dangling.txt", "cannot read"),
        ("pipe.txt", "not a regular file"),
    ],
)
def test_bad_file_is_a_named_error_without_output(run: Run, name: str, reason: str) -> None:
    recs = [r for r in errors(run) if r["file"] == str(run.src / name)]
    assert len(recs) == 1, [r["reason"] for r in errors(run)]
    assert reason in recs[0]["reason"]
    assert recs[0]["doc"] == name
    assert not output_of(run, name).exists()


def output_of(run: Run, name: str) -> Path:
    """Where the output of input ``name`` goes: the mirrored path, ``.gz`` dropped, ``.txt`` for one document."""
    base = name.removesuffix(".gz")
    return run.out / (base if base.endswith(".jsonl") else base.rpartition(".")[0] + ".txt")


def test_gzip_bomb_in_jsonl_stops_at_the_expanded_limit(run: Run) -> None:
    recs = [r for r in errors(run) if r["file"] == str(run.src / "bomb.jsonl.gz")]
    assert len(recs) == 1 and "decompresses to more than" in recs[0]["reason"]


# -- good documents next to bad ones ------------------------------------------------------


def test_good_text_is_cleaned_like_the_library_does(run: Run) -> None:
    expected = cleaner.clean_text(ARTICLE).text
    assert (run.out / "good.txt").read_text(encoding="utf-8") == expected + "\n"
    assert "Advertisement" not in expected and "Residents moved" in expected


def test_html_in_a_subfolder_is_written_in_the_mirrored_tree(run: Run) -> None:
    text = (run.out / "sub" / "deeper" / "page.txt").read_text(encoding="utf-8")
    assert "Heavy rain flooded the old town" in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("latin1.txt", LATIN),
        ("cp1252.txt", "He paid \u20ac5 \u2014 \u201cquoted\u201d."),
        ("utf16.txt", "UTF-16 text with a BOM, caf\u00e9."),
    ],
)
def test_non_utf8_text_is_decoded_right(run: Run, name: str, expected: str) -> None:
    assert (run.out / name).read_text(encoding="utf-8") == expected + "\n"


@pytest.mark.parametrize("name", ["empty.txt", "blank.txt"])
def test_empty_documents_give_empty_outputs(run: Run, name: str) -> None:
    assert (run.out / name).read_text(encoding="utf-8") == ""
    assert not [r for r in errors(run) if r["file"].endswith(name)]


@pytest.mark.parametrize("name", ["nested.html", "malformed.html"])
def test_hostile_html_ends_as_output_or_named_error(run: Run, name: str) -> None:
    named = [r for r in errors(run) if r["file"] == str(run.src / name)]
    out = run.out / name.replace(".html", ".txt")
    assert out.exists() != bool(named)


def test_malformed_html_keeps_its_text(run: Run) -> None:
    text = (run.out / "malformed.txt").read_text(encoding="utf-8")
    assert "Second para" in text


def test_clashing_output_names_both_get_written(run: Run) -> None:
    assert (run.out / "clash.txt").read_text(encoding="utf-8") == "Clash from the text file.\n"
    assert "Clash from the page" in (run.out / "clash.html.txt").read_text(encoding="utf-8")


def test_links_and_unknown_kinds_are_not_walked(run: Run) -> None:
    assert not (run.out / "sub" / "loop").exists()
    assert not (run.out / "sub" / "deeper" / "up").exists()
    assert not (run.out / "notes.pdf").exists() and not (run.out / "notes.txt").exists()


# -- JSONL ------------------------------------------------------------------------------


def test_jsonl_keeps_good_records_in_order(run: Run) -> None:
    recs = [json.loads(line) for line in (run.out / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in recs] == GOOD_JSONL_IDS
    first = recs[0]
    assert first["lang"] == "en" and first["text"] == cleaner.clean_text(ARTICLE).text
    assert recs[1]["n"] == [1, 2]


def test_jsonl_bad_lines_are_named_with_their_line_numbers(run: Run) -> None:
    recs = {r["line"]: r for r in errors(run) if r["file"] == str(run.src / "docs.jsonl")}
    assert set(recs) == set(BAD_JSONL_LINES)
    for line, reason in BAD_JSONL_LINES.items():
        assert reason in recs[line]["reason"]
        assert recs[line]["reason"].startswith(f"{run.src / 'docs.jsonl'}:{line}: ")
        assert f"error: {run.src / 'docs.jsonl'}:{line}: " in run.stderr


def test_jsonl_lone_surrogates_survive_in_kept_fields(run: Run) -> None:
    raw = (run.out / "docs.jsonl").read_bytes().decode("utf-8")  # the output is valid UTF-8
    rec = next(json.loads(line) for line in raw.splitlines() if '"lone"' in line)
    assert rec["title"] == "t\udc80"
    assert "\ufffd" in rec["text"]


def test_jsonl_non_utf8_line_is_decoded(run: Run) -> None:
    recs = [json.loads(line) for line in (run.out / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert next(r for r in recs if r["id"] == "latin")["text"] == "Caf\u00e9 cr\u00e8me"


def test_audit_records_name_document_and_file(run: Run) -> None:
    removals = [r for r in run.audit if r["action"] == "remove"]
    assert removals
    assert all(r["doc"] and r["file"] and r["rule"] for r in removals)


# -- special cases, one run each ----------------------------------------------------------


def small_tree(root: Path) -> Path:
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "sub" / "b.txt").write_text("Second document, a plain sentence.", encoding="utf-8")
    return src


def test_output_folder_inside_input_folder_is_never_read(tmp_path: Path) -> None:
    src = small_tree(tmp_path)
    before = snapshot(src)
    for _ in range(2):
        proc = clean(src, "-o", src / "out")
        assert proc.returncode == 0, proc.stderr
        assert b"cleaned 2 documents" in proc.stderr
    assert not (src / "out" / "out").exists()
    assert {k: v for k, v in snapshot(src, skip=src / "out").items() if not k.startswith("out")} == before


def test_cleaning_in_place_is_a_usage_error(tmp_path: Path) -> None:
    src = small_tree(tmp_path)
    before = snapshot(src)
    proc = clean(src, "-o", src)
    assert proc.returncode == 2
    assert b"in place" in proc.stderr
    assert snapshot(src) == before


def test_output_that_would_overwrite_its_input_is_refused(tmp_path: Path) -> None:
    src = small_tree(tmp_path)
    before = snapshot(src)
    proc = clean(src / "a.txt", "-o", src)
    assert proc.returncode == 1
    assert b"would overwrite an input" in proc.stderr
    assert {k: v for k, v in snapshot(src).items() if k != "audit.jsonl"} == before


def test_default_output_is_a_sibling_folder(tmp_path: Path) -> None:
    src = small_tree(tmp_path)
    proc = clean(src.name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "in.clean" / "sub" / "b.txt").is_file()
    assert (tmp_path / "in.clean" / "audit.jsonl").is_file()


def test_link_in_output_folder_leading_outside_is_not_followed(tmp_path: Path) -> None:
    src = small_tree(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, out / "sub")
    proc = clean(src, "-o", out)
    assert proc.returncode == 1
    assert b"leads outside the output folder" in proc.stderr
    assert list(elsewhere.iterdir()) == []
    assert (out / "a.txt").is_file()


def test_file_links_are_read_but_written_inside_the_output_folder(tmp_path: Path) -> None:
    src = small_tree(tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_text("A file outside the input tree.", encoding="utf-8")
    os.symlink(outside, src / "link.txt")
    proc = clean(src, "-o", tmp_path / "out")
    assert proc.returncode == 0
    assert (tmp_path / "out" / "link.txt").read_text(encoding="utf-8") == "A file outside the input tree.\n"
    assert outside.read_text(encoding="utf-8") == "A file outside the input tree."


def test_worker_processes_give_the_same_outputs(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = clean(run.src, "-o", out, "-j", "2", "--config", run.root / "limits.toml")
    assert proc.returncode == 1
    for p in run.out.rglob("*"):
        if p.is_file() and p.name != "audit.jsonl":
            assert (out / p.relative_to(run.out)).read_bytes() == p.read_bytes(), p
    assert len(errors(run)) == len([r for r in read_audit(out / "audit.jsonl") if r["action"] == "error"])


def test_cleaning_the_output_again_changes_nothing(run: Run, tmp_path: Path) -> None:
    again = tmp_path / "again"
    clean(run.out, "-o", again)
    for p in run.out.rglob("*.txt"):
        assert (again / p.relative_to(run.out)).read_text(encoding="utf-8") == p.read_text(encoding="utf-8"), p


def test_binary_stdin_is_a_named_error() -> None:
    proc = clean("-", stdin=b"\x00\x01\x02binary" * 100)
    assert proc.returncode == 1
    assert b"<stdin>" in proc.stderr and b"binary" in proc.stderr


def test_unreadable_file_and_folder_are_named_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission errors, simulated (tests may run as root, who can read anything)."""
    src = small_tree(tmp_path)
    (src / "locked").mkdir()
    (src / "locked" / "c.txt").write_text("Hidden behind a locked folder.", encoding="utf-8")
    real_open, real_scandir = os.open, os.scandir

    def deny_open(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("a.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def deny_scandir(path="."):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "open", deny_open)
    monkeypatch.setattr(os, "scandir", deny_scandir)
    result = CliRunner().invoke(cli.main, [str(src), "-o", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 1, result.output
    stderr = result.stderr
    assert f"error: {src / 'a.txt'}: cannot read (Permission denied)" in stderr
    assert f"error: {src / 'locked'}: cannot read folder (Permission denied)" in stderr
    assert (tmp_path / "out" / "sub" / "b.txt").is_file()
    audit = read_audit(tmp_path / "out" / "audit.jsonl")
    assert {r["file"] for r in audit if r["action"] == "error"} == {str(src / "a.txt"), str(src / "locked")}


# -- decoding ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Caf\u00e9 cr\u00e8me \u00e0 la fran\u00e7aise, na\u00efve.", "latin-1"),
        ("Gr\u00f6\u00dfe", "latin-1"),
        ("\u201cQuoted\u201d \u2014 \u20ac5, \u0153uvre.", "cp1252"),
        ("\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430? \u042d\u0442\u043e "
         "\u0442\u0435\u043a\u0441\u0442 \u043d\u0430 \u0440\u0443\u0441\u0441\u043a\u043e\u043c.", "cp1251"),
        ("\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3067\u3059\u3002", "shift_jis"),
        ("Plain text without a BOM.", "utf-16-le"),
        ("With a BOM.", "utf-16"),
        ("With a BOM.", "utf-32"),
        ("UTF-8 \u00e9\u00e8 \U0001f642", "utf-8-sig"),
    ],
)
def test_decode_text(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize("data", [b"\x00" * 10 + b"text", bytes(range(256)) * 4, bytes(range(1, 9)) * 50])
def test_decode_text_refuses_binary(data: bytes) -> None:
    with pytest.raises(InputError, match="binary"):
        decode_text(data)


# Runs the command line with the cleaning of document d3 replaced by ``{on_d3}`` (a statement).
_RUN_WITH_D3 = """
import os, sys
{patch}
from cleaner.cli import main
sys.argv = ["clean", *sys.argv[1:]]
main()
"""


def _run_with_d3(
    on_d3: str, n: int, tmp_path: Path, *options: str, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """``clean`` on ``n`` documents d0, d1, ... (tmp_path/docs.jsonl, into tmp_path/out), d3 doing ``on_d3``."""
    src = write_numbered_docs(tmp_path / "docs.jsonl", n)
    script = _RUN_WITH_D3.format(patch=patch_d3(on_d3))
    command = [sys.executable, "-c", script, str(src), "-o", str(tmp_path / "out"), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


def _output_ids(tmp_path: Path) -> list[str]:
    lines = (tmp_path / "out" / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["id"] for line in lines]


@pytest.mark.parametrize("corpus_pass", [False, True])  # with the pass, the workers that die have counted too
def test_a_dead_worker_fails_only_its_document(tmp_path: Path, corpus_pass: bool) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    options = [] if corpus_pass else ["--no-corpus-pass"]
    die = "os._exit(9)  # the worker dies as in a segfault or an out-of-memory kill"
    proc = _run_with_d3(die, 8, tmp_path, "-j", "2", *options, env={**os.environ, "TMPDIR": str(tmp)})
    assert not list(tmp.iterdir())  # the corpus model shared with the workers is gone
    assert proc.returncode == 1
    assert "docs.jsonl:4: the worker process died" in proc.stderr
    assert _output_ids(tmp_path) == [f"d{i}" for i in range(8) if i != 3]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_document_past_the_time_limit_fails_by_name(tmp_path: Path, jobs: str) -> None:
    config = tmp_path / "limits.toml"
    config.write_text("[limits]\nmax_document_seconds = 0.5\n", encoding="utf-8")
    stuck = "while True: pass  # a rule that never ends (the time limit stops it)"
    proc = _run_with_d3(stuck, 6, tmp_path, "-j", jobs, "--config", str(config))
    assert proc.returncode == 1
    assert "docs.jsonl:4: took longer than 0.5s (limits.max_document_seconds)" in proc.stderr
    assert _output_ids(tmp_path) == [f"d{i}" for i in range(6) if i != 3]


def test_an_audit_log_inside_the_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text(json.dumps({"id": "a", "text": "Body text, said one."}) + "\n", encoding="utf-8")
    before = (src / "a.jsonl").read_bytes()
    for audit in (src / "a.jsonl", src / "new-audit.jsonl"):
        proc = subprocess.run(
            [sys.executable, "-m", "cleaner.cli", str(src), "-o", str(tmp_path / "out"), "--audit", str(audit)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2 and "audit log" in proc.stderr
    assert (src / "a.jsonl").read_bytes() == before
    assert not (src / "new-audit.jsonl").exists()


def test_a_page_nested_beyond_the_parser_limit_is_read_whole() -> None:
    import cleaner

    deep = "<html><body>" + "<div>" * 300 + "<p>The deep text is a sentence of the article.</p>" + "</div>" * 300 \
        + "<p>The text outside is a sentence of the article too.</p></body></html>"
    result = cleaner.clean_html(deep)
    assert "The deep text" in result.text and "The text outside" in result.text
