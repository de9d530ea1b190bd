"""The job plan: which input files there are, where each one's output goes, and the documents they hold.

* :func:`plan_jobs` pairs every input file with its output path and decides
  the path checks before anything is read or written;
* :func:`read_job` streams the documents of one input (or the named errors
  that stand for them), never raising;
* :func:`batches` cuts the documents of all jobs, in order, into batches of
  about ``BATCH_BYTES`` (batches may span files, so many small files spread
  as evenly over the workers as one big JSONL file);
* the ``--resume`` helpers tell a complete output, and take an interrupted
  JSONL output up after its last checkpoint.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from cleaner.io import (
    InputError,
    InputFile,
    Task,
    decode_text,
    iter_jsonl,
    read_bytes,
    walk_inputs,
)
from cleaner.settings import Limits
from cleaner.writer import AtomicWriter, fit_name, landing, read_checkpoint

BATCH_DOCS = 64  # documents per batch, at most
BATCH_BYTES = 256_000  # input per batch, about (JSONL bytes, text characters); a bigger document is a batch alone
TAPER_PARTS = 8  # tapered(): each of the last batches of a parallel run goes out cut in this many parts

Item = tuple[int, "Task | InputError"]  # (job index, a document or the named error that stands for it)


@dataclass
class Job:
    """One input file and where its output goes."""

    inp: InputFile
    out_path: Path | None  # None: write to stdout
    out_root: Path | None = None  # the output folder out_path is in (no link is followed below it)
    done_lines: int = 0  # --resume: the JSONL lines an interrupted run already cleaned (skipped now)
    writer: AtomicWriter | None = None  # --resume: the output, restored up to those lines
    failures: int = 0  # documents of the job that failed (in this run, and before it when resumed)


def input_state(job: Job) -> dict[str, Any]:
    """What a checkpoint records of a job's input, to tell later whether the input is still the same."""
    st = job.inp.path.stat()
    return {"input": str(job.inp.path), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def checkpoint_of(job: Job) -> dict[str, Any] | None:
    """The last checkpoint an interrupted run left for ``job``, when its input is still the one checkpointed."""
    if job.inp.kind != "jsonl" or job.out_path is None:
        return None
    state = read_checkpoint(job.out_path, job.out_root)
    try:
        if state is None or {k: state.get(k) for k in ("input", "size", "mtime_ns")} != input_state(job):
            return None
    except OSError:
        return None
    return state


def resume_job(job: Job, state: dict[str, Any] | None) -> bool:
    """Take ``job`` up after ``state``, the checkpoint an interrupted run left for it (see :func:`checkpoint_of`);
    False when there is none to use.

    Only a JSONL input that is still the one checkpointed (same path, size
    and modification time) is resumed: its writer starts with the lines of
    the partial output (read once; a partial output that no longer holds
    them means starting again) and its reader skips the input lines done.
    """
    if state is None:
        return False
    done, failures = state.get("line"), state.get("failures", 0)
    if not isinstance(done, int) or done <= 0 or not isinstance(failures, int):
        return False
    writer = AtomicWriter(job.out_path, resumable=True, root=job.out_root)
    try:
        writer.restore(state["lines"])
        writer.checkpoint(state)  # the restored output is a checkpoint again, should this run be killed too
    except (OSError, ValueError):
        writer.abort()
        return False
    job.done_lines, job.failures, job.writer = done, failures, writer
    return True


def is_complete(job: Job) -> bool:
    """Whether the job's output exists and is at least as new as its input (``--resume``).

    Outputs are renamed into place only when complete (see
    :class:`~cleaner.writer.AtomicWriter`), so an existing output is a whole one;
    an input changed since is cleaned again.
    """
    if job.out_path is None:
        return False
    try:
        out = job.out_path.lstat()  # a link planted at the output's name is not an output
        return stat.S_ISREG(out.st_mode) and out.st_mtime >= job.inp.path.stat().st_mtime
    except OSError:
        return False


def input_size(path: Path) -> int:
    """Bytes of input a file holds: its size, or for ``.gz`` its uncompressed size (mod 4 GiB)."""
    try:
        size = path.stat().st_size
        if path.name.endswith(".gz") and size >= 18:
            with path.open("rb") as fh:
                fh.seek(-4, os.SEEK_END)
                return int.from_bytes(fh.read(4), "little")
        return size
    except OSError:
        return 0


def read_job(job: Job, limits: Limits) -> Iterator[Task | InputError]:
    """The documents of one input file, or the named errors that stand for them.

    Never raises: whatever goes wrong with the file (unreadable, too
    large, binary, a gzip bomb, a bad JSONL line, an unsafe output path,
    even a bug in a reader) ends as an InputError naming the file, and
    the JSONL line, so that the run goes on.
    """
    inp = job.inp
    try:
        for item in _read(job, limits):
            named = _named(item, inp) if isinstance(item, InputError) else item
            if job.done_lines and named.line is not None and named.line <= job.done_lines:
                continue  # --resume: cleaned (or reported) by the interrupted run
            yield named
    except InputError as exc:  # the whole file is refused
        yield _named(exc, inp)
    except Exception as exc:  # a reader or library failure must not stop the run
        yield _named(InputError(f"cannot read ({exc.__class__.__name__}: {exc})"), inp)


def _read(job: Job, limits: Limits) -> Iterator[Task | InputError]:
    """The documents of ``job``'s input (may raise InputError for the whole file)."""
    inp = job.inp
    if inp.problem is not None:
        raise InputError(inp.problem)
    if inp.kind == "jsonl":
        # lines parsed by the workers
        yield from iter_jsonl(inp, limits.max_document_bytes, limits.max_expanded_bytes)
        return
    if inp.kind == "parquet":  # rows found at the record keys by the workers, as JSONL lines are
        from cleaner.parquet import iter_rows

        if inp.stream is not None:
            raise InputError("Parquet cannot be read from standard input (it needs a file it can seek in)")
        for number, row in iter_rows(inp.path):
            yield Task(f"{inp.doc}:{number}", "row", b"", inp.display, number, row)
        return
    data = read_bytes(inp.path, limits.max_document_bytes, limits.max_expanded_bytes, inp.stream)
    if inp.kind == "html":
        yield Task(inp.doc, "html", data, inp.display)
    else:
        yield Task(inp.doc, "text", decode_text(data), inp.display)


def _named(err: InputError, inp: InputFile) -> InputError:
    """``err`` with the file (and JSONL line) in its message and attributes (for the audit log)."""
    msg = str(err)
    line = err.line
    prefix = f"{inp.display}:"
    if msg.startswith(prefix):
        head = msg[len(prefix) :].partition(":")[0]
        line = line if line is not None or not head.isdigit() else int(head)
    else:
        msg = f"{inp.display}: {msg}"
    doc = err.doc_id or (f"{inp.doc}:{line}" if line is not None else inp.doc)
    return InputError(msg, source=err.source or inp.display, line=line, doc_id=doc)


def batches(jobs: list[Job], limits: Limits) -> Iterator[list[Item]]:
    """The documents of every job, in order, as ``(job index, document)`` pairs, in batches (see :func:`cut`)."""
    return cut((j, item) for j, job in enumerate(jobs) for item in read_job(job, limits))


def cut(items: Iterable[Item]) -> Iterator[list[Item]]:
    """Cut a stream of items into batches of about BATCH_BYTES characters or BATCH_DOCS documents (named
    errors go along, counting for neither)."""
    batch: list[Item] = []
    size = docs = 0
    for j, item in items:
        batch.append((j, item))
        if isinstance(item, Task):
            size += len(item.content)
            docs += 1
            if docs >= BATCH_DOCS or size >= BATCH_BYTES:
                yield batch
                batch, size, docs = [], 0, 0
    if batch:
        yield batch


def tapered(batches: Iterable[list[Item]], hold: int, parts: int = TAPER_PARTS) -> Iterator[list[Item]]:
    """``batches`` with the last ``hold`` of them cut into ``parts`` smaller batches each (reading ``hold`` ahead).

    Workers take batches as they free up, so a parallel run ends when its
    last batch does: the worker that takes it keeps the others idle for up
    to a batch's time (0.15 s for 44 extracted articles, of 4 s for 2,000
    with 2 workers). With small batches at the end they finish within a
    part's time of each other. The documents, their order and each one's outcome
    are the same; the cleaning pass uses it, not the corpus pass (whose
    tallies are merged batch by batch).
    """
    ahead: deque[list[Item]] = deque()
    for batch in batches:
        ahead.append(batch)
        if len(ahead) > hold:
            yield ahead.popleft()
    for batch in ahead:
        yield from split(batch, parts)


def split(batch: list[Item], parts: int) -> Iterator[list[Item]]:
    """``batch`` cut into at most ``parts`` batches of as many documents each (a named error goes with the
    documents before it, or with the first part)."""
    docs = sum(isinstance(item, Task) for _, item in batch)
    size = max(1, -(-docs // max(1, parts)))
    out: list[list[Item]] = [[]]
    held = 0
    for j, item in batch:
        if held == size and isinstance(item, Task):
            out.append([])
            held = 0
        out[-1].append((j, item))
        held += isinstance(item, Task)
    return iter(out)


def plan_jobs(
    inputs: list[Path],
    outdir: Path | None,
    *,
    kind: str | None = None,
    suffix: str = "txt",
    to_stdout: bool = False,
    skipped: list[Path] | None = None,
) -> list[Job]:
    """Pair every input file with its output path (see SPEC: mirror the tree, never in place).

    ``kind``: the kind of every input (``--input-format``), else each file's
    name tells, and a folder's files of no known kind are appended to
    ``skipped``; ``suffix``: of the outputs of single documents (``txt``,
    ``md``, ``jsonl``); ``to_stdout``: every output goes to standard output.

    Path safety, decided here before anything is read or written:

    * cleaning a folder into itself is a usage error (``click.UsageError``);
    * an output folder inside an input folder is never walked as input;
    * every output path stays inside the output folder: relative paths from
      the walk have no ``..``, and a path that would lead out of the folder
      through an existing symbolic link is refused;
    * two inputs that would write the same output (``a.txt`` and
      ``a.html``) both get one: the later ones keep their full name
      (``a.html.txt``);
    * an output path that is an input file of the run is refused.

    A refused job has no output path (nothing is written for it) and a
    ``problem`` that the run reports as a named error.
    """
    jobs: list[Job] = []
    for root in inputs:
        if to_stdout:
            jobs.extend(Job(inp, None) for inp in walk_inputs(root, kind=kind, skipped=skipped))
        elif root.is_dir():
            out_root = outdir if outdir is not None else default_outdir(root)
            if out_root.resolve() == root.resolve():
                raise click.UsageError(f"{out_root}: the output folder is the input folder (never cleaned in place)")
            walk = walk_inputs(root, exclude=out_root, kind=kind, skipped=skipped)
            jobs.extend(_job(inp, out_root, inp.out_rel_as(suffix)) for inp in walk)
        else:
            for inp in walk_inputs(root, kind=kind):
                out = inp.out_rel_as(suffix)
                if outdir is not None:
                    jobs.append(_job(inp, outdir, out))
                else:
                    jobs.append(_job(inp, root.parent, Path(fit_name(out.stem, f".clean{out.suffix}"))))
    _separate_clashing_outputs(jobs)
    _refuse_overwriting_inputs(jobs)
    return jobs


def default_outdir(folder: Path) -> Path:
    """Where a folder is cleaned without ``-o``: its sibling ``FOLDER.clean`` (within the name limit)."""
    folder = folder.resolve()
    return folder.parent / fit_name(folder.name, ".clean")


def _job(inp: InputFile, out_root: Path, rel: Path) -> Job:
    """The job for ``inp`` writing ``out_root / rel``, or a refused job when that path is unsafe."""
    if inp.problem is not None:
        return Job(inp, None)
    problem = _outside(out_root, rel)
    if problem is not None:
        return Job(replace(inp, problem=problem), None)
    return Job(inp, out_root / rel, out_root)


def _outside(out_root: Path, rel: Path) -> str | None:
    """Why ``out_root / rel`` is not a safe output path (None when it is)."""
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        return f"unsafe output path {rel} (absolute or with '..')"
    try:
        target = landing(out_root / rel, out_root)  # a link at the name itself is replaced, not followed
        if not target.parent.is_relative_to(out_root.resolve()):
            return f"output path {out_root / rel} leads outside the output folder (a symbolic link)"
        if target.is_dir() and not target.is_symlink():
            return f"output path {out_root / rel} is a folder"
    except OSError as exc:  # a name the file system refuses (too long), a folder that cannot be searched
        return f"output path {out_root / rel} cannot be used ({exc.strerror or exc})"
    return None


def _separate_clashing_outputs(jobs: list[Job]) -> None:
    """Give every job its own output: of inputs that map to one path, later ones keep their full file name."""
    owners: dict[Path, Job] = {}
    for job in jobs:
        if job.out_path is not None:
            owners.setdefault(job.out_path, job)
            if job.inp.rel.name == job.out_path.name:  # a.txt keeps a.txt over a.html
                owners[job.out_path] = job
    for job in jobs:
        if job.out_path is None or owners[job.out_path] is job:
            continue
        suffix = ".jsonl" if job.inp.kind == "jsonl" else job.out_path.suffix
        alt = job.out_path.with_name(fit_name(job.inp.rel.name, suffix))
        if alt in owners:
            job.inp = replace(job.inp, problem=f"its output {job.out_path} is also another input's output")
            job.out_path = None
        else:
            owners[alt] = job
            job.out_path = alt


def keep_clear(jobs: list[Job], paths: list[Path], root: Path | None = None) -> None:
    """Keep the run's other files (the audit log, the report, the rejects file) apart from its outputs: an output
    that would land on one of them gets its input's full name (an input ``audit.jsonl`` is written as
    ``audit.jsonl.jsonl``), or is refused when that is taken too. ``root``: the output folder those files are in
    when they are (see :func:`~cleaner.writer.landing`)."""
    taken = {landing(p, root) for p in paths if str(p) != "-"}
    outputs = {_landing(job.out_path) for job in jobs if job.out_path is not None}
    for job in jobs:
        if job.out_path is None or _landing(job.out_path) not in taken:
            continue
        suffix = ".jsonl" if job.inp.kind == "jsonl" else job.out_path.suffix
        alt = job.out_path.with_name(fit_name(job.inp.rel.name, suffix))
        if _landing(alt) in taken or _landing(alt) in outputs:
            job.inp = replace(job.inp, problem=f"its output {job.out_path} is the run's audit log, report or rejects")
            job.out_path = None
        else:
            job.out_path = alt
            outputs.add(_landing(alt))


def _landing(out_path: Path) -> Path:
    """The file an output replaces: its name in its folder's real path (a link at the name is replaced, never
    followed)."""
    return landing(out_path, out_path.parent)


def _refuse_overwriting_inputs(jobs: list[Job]) -> None:
    """Refuse any job whose output path is one of the run's input files (the inputs are never modified)."""
    inputs = {job.inp.path.resolve() for job in jobs}
    for job in jobs:
        if job.out_path is not None and _landing(job.out_path) in inputs:
            job.inp = replace(job.inp, problem=f"its output {job.out_path} would overwrite an input file")
            job.out_path = None
