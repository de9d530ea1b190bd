"""The command line in pipelines: formats, stdin sniffing, standard output, field keys, audit control,
rejects, and the hygiene a corpus tool needs (skipped files named, --files-from, -q/-v, Ctrl-C, --list-rules)."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cleaner
from tests.conftest import CORPUS

SEEDS = sorted(CORPUS.glob("*.txt"))
TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
PAGE = (
    "<html><head><title>Council approves the plan</title><meta name='author' content='Ann Reporter'></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Council approves the plan</h1>"
    + "".join(f"<p>Paragraph {i} of the story tells what happened in the town hall that evening.</p>" for i in range(5))
    + "<ul><li>First point of the plan</li><li>Second point of the plan</li></ul></article></body></html>"
)


def clean(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "cleaner", *args], input=stdin, capture_output=True)


def records(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")


# -- standard input and output ---------------------------------------------------------------


def test_jsonl_on_stdin_is_sniffed_and_cleaned_to_jsonl_in_order() -> None:
    rows = [{"id": f"d{i}", "text": t, "n": i} for i, t in enumerate(TEXTS)]
    for data in (b"\n  " + jsonl(rows), gzip.compress(jsonl(rows))):  # as from zcat, and still gzipped
        run = clean("-", stdin=data)
        assert run.returncode == 0, run.stderr
        out = records(run.stdout)
        assert [r["id"] for r in out] == [r["id"] for r in rows] and [r["n"] for r in out] == list(range(5))
        assert [r["text"] for r in out] == [cleaner.clean_text(t).text for t in TEXTS]


def test_html_and_text_on_stdin_are_sniffed() -> None:
    page = clean("-", stdin=PAGE.encode())
    assert page.returncode == 0, page.stderr
    assert page.stdout.decode().strip() == cleaner.clean_html(PAGE).text
    text = clean("-", stdin=TEXTS[0].encode())
    assert text.stdout.decode().strip() == cleaner.clean_text(TEXTS[0]).text
    forced = clean("-", "--input-format", "text", stdin=PAGE.encode())  # what the user says wins: markup as text
    assert "<article>" in forced.stdout.decode() and forced.returncode == 0


def test_audit_on_stdout_with_the_output_there_is_a_usage_error(tmp_path: Path) -> None:
    run = clean("-", "--audit", "-", stdin=TEXTS[0].encode())
    assert run.returncode == 2 and b"--audit -" in run.stderr and not run.stdout
    run = clean(str(CORPUS), "-o", "-", "--audit", "-")
    assert run.returncode == 2


def test_dash_o_writes_to_stdout_and_creates_nothing(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    run = clean(str(CORPUS), "-o", "-", "--output-format", "jsonl")
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "-").exists() and not list(tmp_path.iterdir())  # no folder "-", no audit log
    out = records(run.stdout)
    assert [r["id"] for r in out] == [p.name for p in SEEDS]
    assert [r["text"] for r in out] == [cleaner.clean_text(t).text for t in TEXTS]
    audit = tmp_path / "a.jsonl"
    run = clean(str(CORPUS), "-o", "-", "--audit", str(audit))
    assert run.stdout.decode().split("\n")[0] == cleaner.clean_text(TEXTS[0]).text.split("\n")[0]
    files = {json.loads(line)["file"] for line in audit.read_text().splitlines()}
    assert files == {str(p) for p in SEEDS if cleaner.clean_text(p.read_text(encoding="utf-8")).removals}


def test_a_closed_pipe_ends_the_run_quietly() -> None:
    rows = [{"id": i, "text": TEXTS[i % 5]} for i in range(300)]
    proc = subprocess.run(
        f"{sys.executable} -m cleaner - | head -n 1", shell=True, input=jsonl(rows), capture_output=True
    )
    assert len(proc.stdout.splitlines()) == 1
    assert b"error" not in proc.stderr and b"Traceback" not in proc.stderr


# -- input kinds --------------------------------------------------------------------------------------


def test_json_md_and_unknown_files_in_a_folder(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "data.json").write_bytes(jsonl([{"id": "a", "text": TEXTS[0]}]))  # what Dataset.to_json writes
    (src / "array.json").write_text(json.dumps([{"id": "b", "text": "x"}]))
    (src / "notes.md").write_text(TEXTS[1], encoding="utf-8")
    (src / "README").write_text(TEXTS[2], encoding="utf-8")
    (src / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (src / ".hidden").write_text("not named")
    run = clean(str(src), "-o", str(tmp_path / "out"))
    assert run.returncode == 1  # the JSON array
    err = run.stderr.decode()
    assert f"error: {src / 'array.json'}: a JSON array, not JSON Lines" in err
    assert records((tmp_path / "out" / "data.json").read_bytes())[0]["text"] == cleaner.clean_text(TEXTS[0]).text
    assert (tmp_path / "out" / "notes.txt").read_text().strip() == cleaner.clean_text(TEXTS[1]).text
    assert f"skipped 2 files of no known kind (name a kind with --input-format): {src / 'README'}, " \
           f"{src / 'photo.jpg'}" in err
    assert ".hidden" not in err

    forced = clean(str(src / "README"), "-o", str(tmp_path / "named"))  # a file named on its own is text
    assert forced.returncode == 0 and (tmp_path / "named" / "README.txt").is_file()
    assert not (tmp_path / "named" / ".txt").exists()
    every = tmp_path / "every"
    (every).mkdir()
    (every / "a").write_text(TEXTS[3])
    run = clean(str(every), "--input-format", "text", "-o", str(tmp_path / "every.out"))
    assert run.returncode == 0 and (tmp_path / "every.out" / "a.txt").is_file()


# -- field keys and metadata ----------------------------------------------------------------------------


def test_datatrove_shaped_records_keep_metadata_and_their_sources(tmp_path: Path) -> None:
    rows = []
    for i in range(24):  # two sites, each with a promo line in every page
        site = "one.example" if i % 2 else "two.example"
        promo = f"Read more stories from {site} every day"
        body = f"Story number {i} reports that the council met on day {i} and approved budget line {i * 3}."
        rows.append({"id": i, "content": {"body": f"{promo}\n\n{body}"},
                     "metadata": {"url": f"https://{site}/{i}", "dump": "CC-MAIN-2024"}})
    src = tmp_path / "dt.jsonl"
    src.write_bytes(jsonl(rows))
    run = clean(str(src), "-o", str(tmp_path / "out"), "--text-key", "content.body")
    assert run.returncode == 0, run.stderr
    assert b"corpus pass: 24 documents of 2 sources" in run.stderr  # from metadata.url, by default
    out = records((tmp_path / "out" / "dt.jsonl").read_bytes())
    assert all("Read more stories" not in r["content"]["body"] for r in out)
    assert all(r["metadata"] == rows[0]["metadata"] | {"url": r["metadata"]["url"]} for r in out)
    by_key = clean(str(src), "-o", str(tmp_path / "k"), "--text-key", "content.body", "--source-key", "metadata.dump")
    assert b"corpus pass: 24 documents of 1 source" in by_key.stderr


def test_page_metadata_is_merged_into_an_existing_metadata_object(tmp_path: Path) -> None:
    src = tmp_path / "pages.jsonl"
    src.write_bytes(jsonl([{"doc": "p1", "raw": PAGE, "metadata": {"url": "https://x.example/a", "lang_hint": "en"}}]))
    run = clean(str(src), "-o", str(tmp_path / "out"), "--html-key", "raw", "--id-key", "doc")
    assert run.returncode == 0, run.stderr
    (rec,) = records((tmp_path / "out" / "pages.jsonl").read_bytes())
    assert rec["metadata"]["lang_hint"] == "en" and rec["metadata"]["url"] == "https://x.example/a"
    assert rec["metadata"]["title"] == "Council approves the plan" and rec["metadata"]["author"] == "Ann Reporter"
    assert rec["text"] == cleaner.clean_html(PAGE, url="https://x.example/a").text and rec["raw"] == PAGE
    audit = (tmp_path / "out" / "audit.jsonl").read_text()
    assert '"doc": "p1"' in audit


# -- output formats ----------------------------------------------------------------------------------------


def test_markdown_output_for_pages_and_text(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "page.html").write_text(PAGE)
    (src / "story.txt").write_text(TEXTS[0])
    run = clean(str(src), "-o", str(tmp_path / "out"), "--output-format", "markdown")
    assert run.returncode == 0, run.stderr
    md = (tmp_path / "out" / "page.md").read_text()
    assert md.startswith("# Council approves the plan\n\nParagraph 0") and "- First point of the plan\n- Second" in md
    assert "Home" not in md
    assert (tmp_path / "out" / "story.md").read_text().strip() == cleaner.clean_text(TEXTS[0]).text
    page = tmp_path / "p.jsonl"
    page.write_bytes(jsonl([{"id": "p", "html": PAGE}]))
    run = clean(str(page), "-o", "-", "--output-format", "markdown")
    assert records(run.stdout)[0]["text"] == md.strip()


def test_jsonl_output_of_a_folder_of_pages_has_ids_text_metadata_and_stats() -> None:
    run = clean(str(CORPUS), "-o", "-", "--output-format", "jsonl", "--add-stats", "--no-metadata")
    out = records(run.stdout)
    assert [set(r) for r in out] == [{"id", "text", "removed_chars", "lang"}] * len(SEEDS)
    for rec, text in zip(out, TEXTS, strict=True):
        result = cleaner.clean_text(text)
        assert rec["removed_chars"] == sum(len(r.text) for r in result.removals) and rec["lang"] == "en"


# -- audit control and rejects ----------------------------------------------------------------------------


def test_audit_levels_and_gzip_audit(tmp_path: Path) -> None:
    full = clean(str(CORPUS), "-o", str(tmp_path / "f"))
    summary = clean(str(CORPUS), "-o", str(tmp_path / "s"), "--audit", str(tmp_path / "s.jsonl.gz"),
                    "--audit-level", "summary")
    assert full.returncode == summary.returncode == 0
    full_recs = records((tmp_path / "f" / "audit.jsonl").read_bytes())
    with gzip.open(tmp_path / "s.jsonl.gz", "rt", encoding="utf-8") as fh:  # really gzip
        sums = [json.loads(line) for line in fh]
    assert {r["action"] for r in sums} == {"summary"}
    for s in sums:
        mine = [r for r in full_recs if r["doc"] == s["doc"] and r["rule"] == s["rule"]]
        assert s["removed"] == sum(r["action"] == "remove" for r in mine)
        assert s["removed_chars"] == sum(len(r["text"]) for r in mine if r["action"] == "remove")
    assert len(json.dumps(sums)) < len(json.dumps(full_recs)) / 3
    src = tmp_path / "x.jsonl"
    src.write_bytes(jsonl([{"id": "a", "text": TEXTS[0]}]) + b'{"id": "b"}\n')
    clean(str(src), "-o", str(tmp_path / "e"), "--audit-level", "errors")
    errs = records((tmp_path / "e" / "audit.jsonl").read_bytes())
    assert [r["action"] for r in errs] == ["error"] and errs[0]["line"] == 2


def test_rejects_get_the_failed_lines_byte_for_byte(tmp_path: Path) -> None:
    bad = [b'{"id": "b", "body": "no text field", "x": 1.00000000000000000001}\n', b"not json \xff at all\n"]
    src = tmp_path / "x.jsonl"
    src.write_bytes(jsonl([{"id": "a", "text": TEXTS[0]}]) + bad[0] + jsonl([{"id": "c", "text": TEXTS[1]}]) + bad[1])
    run = clean(str(src), "-o", str(tmp_path / "out"), "--rejects", str(tmp_path / "rejects.jsonl"), "-j", "2")
    assert run.returncode == 1
    assert (tmp_path / "rejects.jsonl").read_bytes() == b"".join(bad)
    assert [r["id"] for r in records((tmp_path / "out" / "x.jsonl").read_bytes())] == ["a", "c"]


# -- hygiene ------------------------------------------------------------------------------------------------


def test_files_from_quiet_and_verbose(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text(f"{SEEDS[0]}\n\n{SEEDS[2]}\n")
    run = clean("--files-from", str(listing), "-o", str(tmp_path / "out"), "-q")
    assert run.returncode == 0 and run.stderr == b""
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == [SEEDS[0].name, SEEDS[2].name]
    loud = clean(str(SEEDS[0]), "-o", str(tmp_path / "v"), "-v").stderr.decode()
    assert f"done: {SEEDS[0]} -> {tmp_path / 'v' / SEEDS[0].name}" in loud
    assert "cleaned 1 document in" in loud  # one document: singular
    result = cleaner.clean_text(TEXTS[0])
    assert all(f"{r.rule} (" in loud for r in result.removals)  # -v: every rule
    assert " more rule" not in loud


def test_summary_is_short_and_names_the_top_rules() -> None:
    err = clean(str(CORPUS), "-o", "-").stderr.decode().strip()
    assert "\n" not in err and len(err) < 300
    assert err.startswith("cleaned 5 documents in ") and "and 10 more rules" in err


def test_ctrl_c_says_how_to_resume(tmp_path: Path) -> None:
    src = tmp_path / "big.jsonl"
    src.write_bytes(jsonl([{"id": i, "text": TEXTS[i % 5]} for i in range(4000)]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleaner", str(src), "-o", str(tmp_path / "out"), "--no-corpus-pass"],
        stderr=subprocess.PIPE,
    )
    time.sleep(2.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"--resume" in err and b"Traceback" not in err


def test_list_rules_is_aligned_plain_text() -> None:
    out = clean("--list-rules").stdout.decode().splitlines()
    assert out[0].split() == ["RULE", "ON", "KIND", "DESCRIPTION"]
    column = out[0].index("DESCRIPTION")
    rows = [line for line in out[1:] if line[:1].strip()]
    assert len(rows) >= 30
    for line in rows:
        assert line[column - 1] == " " and line[column] != " ", line
    assert not [line for line in out if "``" in line]
    assert all(len(line) <= 100 for line in out) or os.environ.get("COLUMNS")


@pytest.mark.parametrize("flag", ["--html"])
def test_html_flag_is_a_short_form(flag: str) -> None:
    run = clean("-", flag, stdin=b"Plain words, no markup. " * 20)
    assert run.returncode == 0  # read as a page: no tag at all is still a page
    conflict = clean("-", flag, "--input-format", "jsonl", stdin=b"{}")
    assert conflict.returncode == 2
