"""The plan of a ``clean`` run: its jobs, its audit log and where its own files land, decided and checked before
anything is read, every problem with the inputs and outputs a usage error (exit 2) naming the path."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from cleaner.io import stdin_input
from cleaner.jobs import Job, default_outdir, keep_clear, plan_jobs
from cleaner.names import shown
from cleaner.writer import is_special, landing


@dataclass
class Plan:
    """What a run reads and writes, decided (and checked) before anything is read."""

    jobs: list[Job]
    from_stdin: bool
    to_stdout: bool
    audit_path: Path | None
    skipped: list[Path]
    out_root: Path | None  # the output folder (the audit log and rejects file inside it follow no link there)


def plan_run(
    inputs: tuple[Path, ...],
    outdir: Path | None,
    kind: str | None,
    output_format: str,
    files_from: str | None,
    audit_path: Path | None,
    report_path: Path | None,
    rejects_path: Path | None = None,
) -> Plan:
    """The jobs and the audit log of a run, with every usage error about inputs and outputs."""
    if not inputs:
        raise click.UsageError("no INPUT given (a file, a folder, or '-' for standard input)")
    for p in inputs:
        if str(p) != "-" and not p.exists() and not p.is_symlink():
            raise click.UsageError(f"{p}: no such file or folder")
    from_stdin = "-" in map(str, inputs)
    if from_stdin and (len(inputs) > 1 or files_from == "-"):
        raise click.UsageError("'-' (standard input) cannot be mixed with other inputs")
    to_stdout = from_stdin or str(outdir) == "-"
    if to_stdout and audit_path is not None and str(audit_path) == "-":
        raise click.UsageError("--audit - would mix the audit log into the output on standard output: name a file")
    if from_stdin and outdir is not None and str(outdir) != "-":
        raise click.UsageError("standard input is cleaned to standard output: -o takes only '-' with it")
    if outdir is not None and not to_stdout:
        for p in inputs:
            if p.is_file() and outdir.resolve() == p.resolve():
                raise click.UsageError(f"{outdir}: the output folder is an input file")
    skipped: list[Path] = []
    if from_stdin:
        jobs_list = [Job(stdin_input(sys.stdin.buffer, kind), None)]
    else:
        suffix = {"markdown": "md", "jsonl": "jsonl"}.get(output_format, "txt")
        out = None if to_stdout else outdir
        jobs_list = plan_jobs(list(inputs), out, kind=kind, suffix=suffix, to_stdout=to_stdout, skipped=skipped)
    out_root = None if to_stdout else outdir  # where the run's own files follow no link
    if audit_path is None and not to_stdout:
        base = outdir or (jobs_list[0].out_path.parent if jobs_list and jobs_list[0].out_path else Path("."))
        if outdir is None and inputs[0].is_dir():
            base = default_outdir(inputs[0])
        audit_path = base / "audit.jsonl"
        out_root = out_root or base
    _refuse_clashes({"the audit log": audit_path, "the report": report_path, "the rejects file": rejects_path},
                    inputs, None if to_stdout else outdir, out_root)
    keep_clear(jobs_list, [p for p in (audit_path, report_path, rejects_path) if p is not None], out_root)
    return Plan(jobs_list, from_stdin, to_stdout, audit_path, skipped, out_root)


def _refuse_clashes(
    files: dict[str, Path | None], inputs: tuple[Path, ...], outdir: Path | None, out_root: Path | None
) -> None:
    """The run's own files (by what they are) must not overwrite an input nor one another (``/dev/null`` aside)."""
    seen: dict[Path, str] = {}
    for what, path in files.items():
        if path is None or str(path) == "-":
            continue
        _refuse_among_inputs(path, inputs, outdir, what)
        where = landing(path, out_root)
        if where in seen and not is_special(path):
            raise click.UsageError(f"{shown(str(path))}: {what} would overwrite {seen[where]}")
        seen[where] = what


def _refuse_among_inputs(path: Path, inputs: tuple[Path, ...], outdir: Path | None, what: str) -> None:
    """A file the run writes besides its outputs (``what``: the audit log, the report) must not overwrite an
    input, nor sit in an input folder where a later run would read it."""
    if str(path) == "-":
        return
    target = landing(path, outdir)
    out = outdir.resolve() if outdir is not None else None
    for p in inputs:
        if str(p) == "-":
            continue
        root = p.resolve()
        if target == root:
            raise click.UsageError(f"{path}: {what} would overwrite an input file")
        inside_output = out is not None and out in target.parents
        if root.is_dir() and root in target.parents and not inside_output:
            raise click.UsageError(f"{path}: {what} must not be written inside the input folder {p}")
