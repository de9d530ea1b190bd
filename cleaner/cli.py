"""The ``clean`` command line (see ``clean --help``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from cleaner.config import Config, ConfigError
from cleaner.rules import all_rules
from cleaner.runner import Runner, cpu_count, plan_jobs


def _parse_set(values: tuple[str, ...]) -> dict[str, Any]:
    """``RULE:PARAM=VALUE`` options as a configuration override."""
    rules: dict[str, dict[str, Any]] = {}
    for item in values:
        target, sep, raw = item.partition("=")
        name, colon, param = target.rpartition(":")
        if not sep or not colon or not name or not param:
            raise click.BadParameter(f"{item!r}: expected RULE:PARAM=VALUE", param_hint="--set")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        rules.setdefault(name, {})[param] = value
    return {"rules": rules} if rules else {}


def _list_rules(config: Config) -> None:
    from cleaner.html import main_content

    html = config.section("html")
    state = "on " if html.get("main_content", True) else "off"
    keys = ("fast", "rescue_below_chars", "favor_precision", "favor_recall", "include_tables", "include_comments",
            "min_kept_share")
    extra = "  [" + ", ".join(f"{k}={html[k]}" for k in keys if k in html) + "]"
    click.echo(f"{main_content.STEP:<24} {state} step  {main_content.DESCRIPTION}{extra}")
    for r in all_rules():
        state = "on " if config.rule_enabled(r) else "off"
        params = config.rule_params(r)
        extra = "  [" + ", ".join(f"{k}={v}" for k, v in params.items()) + "]" if params else ""
        click.echo(f"{r.name:<24} {state} {r.kind:<5} {r.description}{extra}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True, path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (mirrors the input tree). Default: a sibling FOLDER.clean/.")
@click.option("--audit", "audit_path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Audit log (JSONL). Default: OUTDIR/audit.jsonl.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=0),
              help="Worker processes; 0 means all cores.")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML configuration file.")
@click.option("--enable", multiple=True, metavar="RULE", help="Switch a rule (or family) on. Repeatable.")
@click.option("--disable", multiple=True, metavar="RULE", help="Switch a rule (or family) off. Repeatable.")
@click.option("--set", "settings", multiple=True, metavar="RULE:PARAM=VALUE", help="Set a rule threshold.")
@click.option("--html", "stdin_html", is_flag=True, help="With '-': standard input is an HTML page.")
@click.option("--no-metadata", is_flag=True, help="Do not add page metadata to JSONL output.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--corpus-pass/--no-corpus-pass", default=True, show_default=True,
              help="Count lines per source over all inputs first, for the corpus.repeated_line rule "
                   "(runs of more than one document).")
@click.option("--resume", is_flag=True,
              help="Skip inputs whose output is already complete (exists, newer than the input), and take "
                   "an interrupted JSONL file up after its last checkpoint; the audit log is appended to.")
@click.option("--list-rules", is_flag=True, help="List every rule with its description and exit.")
@click.version_option(package_name="article-cleaner")
def main(
    inputs: tuple[Path, ...],
    outdir: Path | None,
    audit_path: Path | None,
    jobs: int,
    config_path: Path | None,
    enable: tuple[str, ...],
    disable: tuple[str, ...],
    settings: tuple[str, ...],
    stdin_html: bool,
    no_metadata: bool,
    progress: bool | None,
    corpus_pass: bool,
    resume: bool,
    list_rules: bool,
) -> None:
    """Strip boilerplate from article texts and HTML pages, with an audit log.

    INPUT is a file, a folder (walked recursively) or '-' for standard input
    (clean text goes to standard output). .txt/.text files are text,
    .html/.htm pages are HTML, .jsonl files hold one document per line
    ({"id", "text" or "html", ...}); each may be gzipped (.gz).

    Exit status: 0 all documents cleaned, 1 some failed (named on stderr and
    in the audit log), 2 usage error.
    """
    try:
        config = Config.load(config_path, overrides=_parse_set(settings), enable=enable, disable=disable)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    if list_rules:
        _list_rules(config)
        return
    if not inputs:
        raise click.UsageError("no INPUT given (a file, a folder, or '-' for standard input)")
    for p in inputs:
        if str(p) != "-" and not p.exists():
            raise click.UsageError(f"{p}: no such file or folder")
    if str(inputs[0]) == "-" or "-" in map(str, inputs):
        if len(inputs) > 1:
            raise click.UsageError("'-' (standard input) cannot be mixed with other inputs")
        sys.exit(_run_stdin(config, audit_path, stdin_html))
    if outdir is not None:
        for p in inputs:
            if p.is_file() and outdir.resolve() == p.resolve():
                raise click.UsageError(f"{outdir}: the output folder is an input file")
    jobs_list = plan_jobs(list(inputs), outdir)
    if audit_path is None:
        base = outdir or (jobs_list[0].out_path.parent if jobs_list and jobs_list[0].out_path else Path("."))
        if outdir is None and inputs[0].is_dir():
            base = inputs[0].resolve().parent / f"{inputs[0].resolve().name}.clean"
        audit_path = base / "audit.jsonl"
    _refuse_audit_among_inputs(audit_path, inputs, outdir)
    show = sys.stderr.isatty() if progress is None else progress
    n_jobs = cpu_count() if jobs == 0 else jobs
    audit_stream = _open_audit(audit_path, append=resume)
    try:
        runner = Runner(config, jobs=n_jobs, audit=audit_stream, progress=show, metadata=not no_metadata,
                        corpus_pass=corpus_pass, resume=resume)
        stats = runner.run(jobs_list)
    finally:
        if audit_stream is not sys.stdout:
            audit_stream.close()
    sys.exit(1 if stats.failed else 0)


def _refuse_audit_among_inputs(audit: Path, inputs: tuple[Path, ...], outdir: Path | None) -> None:
    """The audit log must not overwrite an input, nor sit in an input folder where a later run would read it."""
    if str(audit) == "-":
        return
    target = audit.resolve()
    out = outdir.resolve() if outdir is not None else None
    for p in inputs:
        root = p.resolve()
        if target == root:
            raise click.UsageError(f"{audit}: the audit log would overwrite an input file")
        inside_output = out is not None and out in target.parents
        if root.is_dir() and root in target.parents and not inside_output:
            raise click.UsageError(f"{audit}: the audit log must not be written inside the input folder {p}")


def _open_audit(path: Path, append: bool = False) -> TextIO:
    if str(path) == "-":
        return sys.stdout
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a" if append else "w", encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"{path}: cannot write the audit log ({exc.strerror})") from exc


def _run_stdin(config: Config, audit_path: Path | None, html: bool) -> int:
    """Clean standard input to standard output; return the exit status."""
    from cleaner.io import Task, decode_text
    from cleaner.pipeline import Cleaner
    from cleaner.runner import clean_task

    limit = int(config.section("limits").get("max_document_bytes", 20_000_000))
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        click.echo(f"error: <stdin>: too large (more than {limit} bytes; see [limits] max_document_bytes)", err=True)
        return 1
    task = Task("-", "html" if html else "text", data if html else "", "<stdin>")
    if not html:
        try:
            task.content = decode_text(data)
        except ValueError as exc:
            click.echo(f"error: <stdin>: {exc}", err=True)
            return 1
    outcome = clean_task(Cleaner(config), task)
    if outcome.error:
        click.echo(f"error: <stdin>: {outcome.error}", err=True)
        return 1
    sys.stdout.write(outcome.output)
    if audit_path is not None:
        stream = _open_audit(audit_path)
        stream.write(outcome.audit)
        if stream is not sys.stdout:
            stream.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    main()
