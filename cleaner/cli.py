"""The ``clean`` command line (see ``clean --help``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from cleaner.config import Config, ConfigError, settings_toml
from cleaner.explain import use_colour
from cleaner.io import kind_of
from cleaner.report import ReportCollector, RunReport, new_collector, report_from_audit, write_report
from cleaner.rules import all_rules
from cleaner.runner import Runner, cpu_count, plan_jobs


def _parse_set(values: tuple[str, ...]) -> dict[str, Any]:
    """``RULE:PARAM=VALUE`` and ``TABLE:KEY=VALUE`` options (``limits:max_document_seconds=60``) as a
    configuration override; VALUE is read as JSON when it can be (``30``, ``true``, ``["a"]``), else as a string."""
    override: dict[str, Any] = {}
    for item in values:
        target, sep, raw = item.partition("=")
        name, colon, param = target.rpartition(":")
        if not sep or not colon or not name or not param:
            raise click.BadParameter(f"{item!r}: expected RULE:PARAM=VALUE or TABLE:KEY=VALUE", param_hint="--set")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        table = override.setdefault("rules", {}).setdefault(name, {}) if "." in name else override.setdefault(name, {})
        table[param] = value
    return override


def _list_rules(config: Config) -> None:
    from cleaner.html import main_content

    html = config.section("html")  # for display
    state = "on " if html.get("main_content", True) else "off"
    keys = ("fast", "rescue_below_chars", "favor_precision", "favor_recall", "include_tables", "include_comments",
            "min_kept_share")
    extra = "  [" + ", ".join(f"{k}={html[k]}" for k in keys if k in html) + "]"
    click.echo(f"{main_content.STEP:<24} {state} step  {main_content.DESCRIPTION}{extra}")
    for r in all_rules(config.settings.rule_packages):
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
@click.option("--set", "settings", multiple=True, metavar="RULE:PARAM=VALUE",
              help="Set a rule threshold, or an engine setting as TABLE:KEY=VALUE. Repeatable.")
@click.option("--html", "stdin_html", is_flag=True, help="With '-': standard input is an HTML page.")
@click.option("--no-metadata", is_flag=True, help="Do not add page metadata to JSONL output.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--corpus-pass/--no-corpus-pass", default=True, show_default=True,
              help="Count lines per source over all inputs first, for the corpus.repeated_line rule "
                   "(runs of more than one document).")
@click.option("--resume", is_flag=True,
              help="Skip inputs whose output is already complete (exists, newer than the input), and take "
                   "an interrupted JSONL file up after its last checkpoint; the audit log is appended to.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a review page of the removals (one self-contained HTML file) at the end of the run.")
@click.option("--from-audit", "from_audit", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --report: build the page from this audit log (and the inputs it names) instead of cleaning.")
@click.option("--explain", "explain_path", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path),
              help="Clean one file ('-': standard input) and print it with every removal marked and its reason.")
@click.option("--list-rules", is_flag=True, help="List every rule with its description and exit.")
@click.option("--print-settings", is_flag=True,
              help="Print every setting and rule parameter with its value and meaning, as TOML, and exit.")
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
    report_path: Path | None,
    from_audit: Path | None,
    explain_path: Path | None,
    list_rules: bool,
    print_settings: bool,
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
    if print_settings:
        click.echo(settings_toml(config), nl=False)
        return
    if explain_path is not None:
        if inputs or report_path or from_audit:
            raise click.UsageError("--explain takes one FILE and no INPUT, --report or --from-audit")
        sys.exit(_explain(explain_path, config, stdin_html))
    collector = _report_collector(config, report_path, from_audit, inputs)
    if from_audit is not None:
        assert report_path is not None
        sys.exit(_report_from_audit(from_audit, report_path, config))
    if not inputs:
        raise click.UsageError("no INPUT given (a file, a folder, or '-' for standard input)")
    for p in inputs:
        if str(p) != "-" and not p.exists():
            raise click.UsageError(f"{p}: no such file or folder")
    observer = RunReport(collector, config) if collector is not None else None
    if str(inputs[0]) == "-" or "-" in map(str, inputs):
        if len(inputs) > 1:
            raise click.UsageError("'-' (standard input) cannot be mixed with other inputs")
        status = _run_stdin(config, audit_path, stdin_html, observer)
        sys.exit(_finish_report(report_path, collector, config, "standard input", status))
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
    _refuse_among_inputs(audit_path, inputs, outdir, "the audit log")
    if report_path is not None:
        _refuse_among_inputs(report_path, inputs, outdir, "the report")
        if str(audit_path) != "-" and report_path.resolve() == audit_path.resolve():
            raise click.UsageError(f"{report_path}: the report would overwrite the audit log")
    show = sys.stderr.isatty() if progress is None else progress
    n_jobs = cpu_count() if jobs == 0 else jobs
    audit_stream = _open_audit(audit_path, append=resume)
    try:
        runner = Runner(config, jobs=n_jobs, audit=audit_stream, progress=show, metadata=not no_metadata,
                        corpus_pass=corpus_pass, resume=resume, observer=observer)
        stats = runner.run(jobs_list)
    finally:
        if audit_stream is not sys.stdout:
            audit_stream.close()
    source = " ".join(str(p) for p in inputs)
    sys.exit(_finish_report(report_path, collector, config, source, 1 if stats.failed else 0))


def _refuse_among_inputs(path: Path, inputs: tuple[Path, ...], outdir: Path | None, what: str) -> None:
    """A file the run writes besides its outputs (``what``: the audit log, the report) must not overwrite an
    input, nor sit in an input folder where a later run would read it."""
    if str(path) == "-":
        return
    target = path.resolve()
    out = outdir.resolve() if outdir is not None else None
    for p in inputs:
        root = p.resolve()
        if target == root:
            raise click.UsageError(f"{path}: {what} would overwrite an input file")
        inside_output = out is not None and out in target.parents
        if root.is_dir() and root in target.parents and not inside_output:
            raise click.UsageError(f"{path}: {what} must not be written inside the input folder {p}")


def _report_collector(
    config: Config, report_path: Path | None, from_audit: Path | None, inputs: tuple[Path, ...]
) -> ReportCollector | None:
    """The report's collector when ``--report`` is given (None otherwise), after checking the options."""
    if from_audit is not None and report_path is None:
        raise click.UsageError("--from-audit needs --report FILE.html (the page to write)")
    if from_audit is not None and inputs:
        raise click.UsageError("--from-audit reads the inputs the audit log names: give no INPUT")
    if report_path is None:
        return None
    try:
        return new_collector(config)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


def _finish_report(
    path: Path | None, collector: ReportCollector | None, config: Config, source: str, status: int
) -> int:
    """Write the run's report (when asked for); the exit status, 1 when it cannot be written."""
    if path is None or collector is None:
        return status
    try:
        write_report(path, collector, config, source)
    except OSError as exc:
        click.echo(f"error: {path}: cannot write the report ({exc.strerror or exc})", err=True)
        return 1
    click.echo(f"report: {path}", err=True)
    return status


def _report_from_audit(audit: Path, path: Path, config: Config) -> int:
    """``--report FILE --from-audit AUDIT``: the page of an existing audit log; the exit status."""
    try:
        data = report_from_audit(audit, path, config)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        click.echo(f"error: {audit}: cannot read the audit log ({getattr(exc, 'strerror', None) or exc})", err=True)
        return 1
    s = data["sampling"]
    click.echo(
        f"report: {path} ({data['summary']['documents']} documents with records, {data['summary']['failed']} "
        f"failed; {s['documents_shown']} documents shown)",
        err=True,
    )
    return 0


def _explain(path: Path, config: Config, html: bool) -> int:
    """``--explain FILE``: the file's documents with their removals marked, on stdout; the exit status."""
    from cleaner.explain import explain_file, explain_many
    from cleaner.io import InputError

    stdin = str(path) == "-"
    many = not stdin and (kind_of(path) or "") == "jsonl"
    try:
        results = explain_file(None if stdin else path, config, html=html)
        for chunk in explain_many(results, colour=use_colour(sys.stdout), many=many):
            sys.stdout.write(chunk)
    except (InputError, ValueError, OSError) as exc:
        click.echo(f"error: {path}: {exc}", err=True)
        return 1
    return 0


def _open_audit(path: Path, append: bool = False) -> TextIO:
    if str(path) == "-":
        return sys.stdout
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a" if append else "w", encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"{path}: cannot write the audit log ({exc.strerror})") from exc


def _run_stdin(config: Config, audit_path: Path | None, html: bool, observer: RunReport | None = None) -> int:
    """Clean standard input to standard output; return the exit status."""
    from cleaner.io import Task, decode_text
    from cleaner.pipeline import Cleaner
    from cleaner.runner import clean_task

    limit = config.limits.max_document_bytes
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
    if observer is not None:
        observer.document(task, outcome)
    if audit_path is not None:
        stream = _open_audit(audit_path)
        stream.write(outcome.audit)
        if stream is not sys.stdout:
            stream.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    main()
