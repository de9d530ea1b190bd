"""The ``clean`` command line (see ``clean --help``)."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import signal
import sys
import textwrap
from pathlib import Path
from typing import IO, Any, TextIO

import click

from cleaner.audit import AUDIT_LEVELS, open_audit
from cleaner.cli_plan import Plan, plan_run
from cleaner.config import Config, ConfigError, settings_toml
from cleaner.errors import EngineError
from cleaner.executor import ENGINES, Executor
from cleaner.explain import use_colour
from cleaner.io import INPUT_FORMATS, kind_of
from cleaner.names import shown
from cleaner.records import OUTPUT_FORMATS, Fields, Output
from cleaner.report import ReportCollector, RunReport, new_collector, report_from_audit, write_report
from cleaner.rules import all_rules
from cleaner.runner import Job, Runner, cpu_count
from cleaner.writer import Busy, Folder, inside, lock_folder, unlock_folder


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


def _load_config(
    path: Path | None, settings: tuple[str, ...], enable: tuple[str, ...], disable: tuple[str, ...]
) -> Config:
    """The run's settings: ``-c`` and the ``--set``, ``--enable`` and ``--disable`` options over the defaults; a
    usage error names what is wrong."""
    try:
        return Config.load(path, overrides=_parse_set(settings), enable=enable, disable=disable)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc


def _list_rules(config: Config) -> None:
    """Every step and rule as aligned plain text: name, state, kind, description, and its settings below."""
    from cleaner.html import main_content

    html = config.section("html")  # for display
    keys = ("decision", "model", "fast", "rescue_below_chars", "favor_precision", "favor_recall", "include_tables",
            "include_comments", "min_kept_share")
    rows = [(main_content.STEP, bool(html.get("main_content", True)), "step", main_content.DESCRIPTION,
             {k: html[k] for k in keys if k in html})]
    rules = all_rules(config.settings.rule_packages)
    rows += [(r.name, config.rule_enabled(r), r.kind, r.description + (f" Off by default: {r.why_off}" if r.why_off
              else ""), config.rule_params(r)) for r in rules]
    name_width = max(len(row[0]) for row in rows)
    kind_width = max(len(row[2]) for row in rows)
    indent = name_width + kind_width + 8  # name, state (3), kind and the spaces between
    width = max(shutil.get_terminal_size((100, 24)).columns, indent + 40)
    click.echo(f"{'RULE':<{name_width}}  {'ON':<3}  {'KIND':<{kind_width}} DESCRIPTION")
    for name, on, kind, description, params in rows:
        head = f"{name:<{name_width}}  {'on' if on else 'off':<3}  {kind:<{kind_width}} "
        text = " ".join(description.replace("``", "").split())
        click.echo(textwrap.fill(text, width, initial_indent=head, subsequent_indent=" " * indent))
        if params:
            settings = ", ".join(f"{k}={v}" for k, v in params.items())
            pad = " " * indent
            click.echo(textwrap.fill(settings, width, initial_indent=pad, subsequent_indent=pad))


def _read_files_from(source: str) -> list[Path]:
    """The input paths listed in ``--files-from`` (one a line; blank lines skipped; ``-``: standard input)."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise click.UsageError(f"{source}: cannot read the list of inputs ({exc.strerror or exc})") from exc
    return [Path(line.rstrip("\r")) for line in text.split("\n") if line.strip()]


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("inputs", nargs=-1, type=click.Path(allow_dash=True, path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False, allow_dash=True, path_type=Path),
              help="Output folder (mirrors the input tree), or '-' for standard output. "
                   "Default: a sibling FOLDER.clean/; standard output for standard input.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), default="auto", show_default=True,
              help="The kind of every input. auto: by file name (.txt .md / .html .htm / .jsonl .json .ndjson / "
                   ".parquet, each maybe .gz); on standard input '{' starts JSONL, '<' HTML, else text.")
@click.option("--html", "stdin_html", is_flag=True, help="Short for --input-format html.")
@click.option("--output-format", type=click.Choice(OUTPUT_FORMATS), default="text", show_default=True,
              help="text: the clean text; markdown: an HTML page's kept headings, lists, tables, code and quotes; "
                   "jsonl: one record per document (id, text, metadata). JSONL and Parquet inputs give records.")
@click.option("--text-key", default="text", show_default=True, metavar="KEY",
              help="Record field of the text (a dotted path such as content.text); the clean text goes there.")
@click.option("--html-key", default="html", show_default=True, metavar="KEY", help="Record field of the HTML.")
@click.option("--id-key", default="id", show_default=True, metavar="KEY", help="Record field of the id.")
@click.option("--source-key", default=None, metavar="KEY",
              help="Record field naming the document's source for the corpus pass (e.g. metadata.url: a URL "
                   "stands for its site). Default: source, site, or the site of url.")
@click.option("--audit", "audit_path", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Audit log (JSONL; gzip when it ends in .gz). Default: OUTDIR/audit.jsonl; none when the "
                   "output goes to standard output.")
@click.option("--audit-level", type=click.Choice(AUDIT_LEVELS), default="full", show_default=True,
              help="full: every removal; summary: one record per rule and document; errors: failures only.")
@click.option("--add-stats", is_flag=True, help="Add removed_chars and lang to each output record.")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write JSONL lines that failed here, unchanged.")
@click.option("--files-from", metavar="FILE", help="Read input paths from FILE, one a line ('-': standard input).")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=0),
              help="Worker processes; 0 means all cores.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="Where the documents are cleaned: local: this machine (-j worker processes); ray: a Ray "
                   "cluster (pip install 'article-cleaner[ray]'), this process reading and writing.")
@click.option("--address", metavar="ADDR",
              help="With --engine ray: the cluster (its head's host:port, auto, or ray://host:10001). Default: "
                   "RAY_ADDRESS, else a local Ray cluster of -j CPUs (all cores unless -j is given).")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="TOML configuration file.")
@click.option("--enable", multiple=True, metavar="RULE", help="Switch a rule (or family) on. Repeatable.")
@click.option("--disable", multiple=True, metavar="RULE", help="Switch a rule (or family) off. Repeatable.")
@click.option("--set", "settings", multiple=True, metavar="RULE:PARAM=VALUE",
              help="Set a rule threshold, or an engine setting as TABLE:KEY=VALUE. Repeatable.")
@click.option("--no-metadata", is_flag=True, help="Do not add page metadata to output records.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--corpus-pass/--no-corpus-pass", default=True, show_default=True,
              help="Count lines per source over all inputs first, for the corpus.repeated_line rule "
                   "(runs of more than one document; not on standard input, which cannot be read twice).")
@click.option("--resume", is_flag=True,
              help="Skip inputs whose output is already complete (exists, newer than the input), and take "
                   "an interrupted JSONL file up after its last checkpoint; the audit log is appended to.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a review page of the removals (one self-contained HTML file) at the end of the run.")
@click.option("--from-audit", "from_audit", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --report: build the page from this audit log (and the inputs it names) instead of cleaning.")
@click.option("--explain", "explain_path", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path),
              help="Clean one file ('-': standard input) and print it with every removal marked and its reason.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only (no summary, no progress bar).")
@click.option("-v", "--verbose", is_flag=True, help="Also name each finished file, and every rule in the summary.")
@click.option("--list-rules", is_flag=True, help="List every rule with its description and exit.")
@click.option("--print-settings", is_flag=True,
              help="Print every setting and rule parameter with its value and meaning, as TOML, and exit.")
@click.version_option(package_name="article-cleaner")
def main(
    inputs: tuple[Path, ...],
    outdir: Path | None,
    input_format: str,
    stdin_html: bool,
    output_format: str,
    text_key: str,
    html_key: str,
    id_key: str,
    source_key: str | None,
    audit_path: Path | None,
    audit_level: str,
    add_stats: bool,
    rejects_path: Path | None,
    files_from: str | None,
    jobs: int,
    engine: str,
    address: str | None,
    config_path: Path | None,
    enable: tuple[str, ...],
    disable: tuple[str, ...],
    settings: tuple[str, ...],
    no_metadata: bool,
    progress: bool | None,
    corpus_pass: bool,
    resume: bool,
    report_path: Path | None,
    from_audit: Path | None,
    explain_path: Path | None,
    quiet: bool,
    verbose: bool,
    list_rules: bool,
    print_settings: bool,
) -> None:
    """Strip boilerplate from article texts and HTML pages, with an audit log.

    INPUT is a file, a folder (walked recursively) or '-' for standard input
    (cleaned to standard output). .txt/.md files are text, .html/.htm pages
    are HTML, .jsonl/.json files hold one document per line ({"id", "text"
    or "html", ...}), .parquet one per row; each but Parquet may be gzipped
    (.gz). In a folder, files of no known kind are skipped and named.

    \b
    Examples:
      clean corpus/                              # -> corpus.clean/ + corpus.clean/audit.jsonl
      zcat docs.jsonl.gz | clean - | jq -r .text  # JSONL in, JSONL out
      clean pages/ --output-format markdown -o md/
      clean pages/ --output-format jsonl -o - > pages.jsonl

    Exit status: 0 all documents cleaned, 1 some failed (named on stderr and
    in the audit log), 2 usage error, 74 stopped because an output or the
    audit log cannot be written (disk full: --resume goes on), 75 another run
    is writing the output folder, 130 interrupted (Ctrl-C), 143 SIGTERM.
    """
    config = _load_config(config_path, settings, enable, disable)
    if list_rules or print_settings:
        _list_rules(config) if list_rules else click.echo(settings_toml(config), nl=False)
        return
    kind = _input_kind(input_format, stdin_html, quiet, verbose)
    if files_from is not None:
        inputs = (*inputs, *_read_files_from(files_from))
    collector = _explain_or_report(config, inputs, explain_path, stdin_html, report_path, from_audit, audit_level)
    plan = plan_run(inputs, outdir, kind, output_format, files_from, audit_path, report_path, rejects_path)
    output = Output(
        format=output_format, metadata=not no_metadata, add_stats=add_stats,
        fields=Fields(text=text_key, html=html_key, id=id_key, source=source_key),
    )
    n_jobs = cpu_count() if jobs == 0 else jobs
    runner = Runner(
        config, jobs=n_jobs, progress=(sys.stderr.isatty() and not quiet)
        if progress is None else progress, corpus_pass=corpus_pass, resume=resume, output=output,
        audit_level=audit_level, verbosity=0 if quiet else 2 if verbose else 1,
        observer=RunReport(collector, config) if collector is not None else None,
        executor=_executor(engine, address, n_jobs, config, quiet),
    )
    failed = _run(runner, plan, resume, rejects_path)
    source = "standard input" if plan.from_stdin else " ".join(str(p) for p in inputs)
    sys.exit(_finish_report(report_path, collector, config, source, 1 if failed else 0))


def _explain_or_report(
    config: Config,
    inputs: tuple[Path, ...],
    explain_path: Path | None,
    stdin_html: bool,
    report_path: Path | None,
    from_audit: Path | None,
    audit_level: str,
) -> ReportCollector | None:
    """``--explain`` and ``--from-audit`` run here and exit; else the collector of ``--report`` (or None)."""
    if explain_path is not None:
        if inputs or report_path or from_audit:
            raise click.UsageError("--explain takes one FILE and no INPUT, --report or --from-audit")
        sys.exit(_explain(explain_path, config, stdin_html))
    if report_path is not None and audit_level != "full":
        raise click.UsageError("--report needs every removal: it cannot be used with --audit-level " + audit_level)
    collector = _report_collector(config, report_path, from_audit, inputs)
    if from_audit is not None:
        assert report_path is not None
        sys.exit(_report_from_audit(from_audit, report_path, config))
    return collector


def _input_kind(input_format: str, stdin_html: bool, quiet: bool, verbose: bool) -> str | None:
    """The kind every input is read as (None: by its name), from ``--input-format`` and ``--html``."""
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot both be given")
    if stdin_html:
        if input_format not in ("auto", "html"):
            raise click.UsageError(f"--html contradicts --input-format {input_format}")
        input_format = "html"
    return None if input_format == "auto" else input_format


def _run(runner: Runner, plan: Plan, resume: bool, rejects_path: Path | None) -> int:
    """Run the plan with its output folders locked and its audit log and rejects file open; the number of failed
    documents. Exits 74 when the run stopped (a full disk), 75 when another run holds the output folder, 128 + the
    signal when one stopped it (130 for Ctrl-C)."""
    _stop_on_signals()
    locks = _lock_outputs(plan.jobs)
    audit_stream = rejects = None
    try:
        if plan.audit_path is not None:
            audit_stream = _open(plan.audit_path, "the audit log", append=resume, root=plan.out_root)
        rejects = _open_rejects(rejects_path, plan.out_root) if rejects_path is not None else None
        runner.log.audit, runner.log.rejects = audit_stream, rejects
        runner.stats.unknown_files = [str(p) for p in plan.skipped]
        stats = runner.run(plan.jobs)
    except BrokenPipeError:  # `clean ... -o - | head`: what was asked for was written; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except EngineError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
        again = "" if plan.to_stdout else "; run the same command with --resume to go on where it stopped"
        what = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
        click.echo(f"{what}: the outputs written so far are complete{again}", err=True)
        sys.exit(128 + signum)
    finally:
        for stream in (audit_stream, rejects):
            if stream is not None and stream is not sys.stdout:
                with contextlib.suppress(OSError):  # a full disk: the run already said so
                    stream.close()
        for fd in locks:
            unlock_folder(fd)
    if stats.stopped:
        sys.exit(EXIT_STOPPED)
    return stats.failed


def _executor(engine: str, address: str | None, jobs: int, config: Config, quiet: bool) -> Executor | None:
    """The executor of ``--engine`` (None: the runner's own for ``-j``), after checking its options; a Ray
    cluster is connected to (or started) here, before anything is written."""
    ctx = click.get_current_context()
    if engine != "ray":
        if address is not None:
            raise click.UsageError("--address is the Ray cluster of --engine ray")
        return None
    jobs_given = ctx.get_parameter_source("jobs") is not click.core.ParameterSource.DEFAULT
    if jobs_given and (address is not None or os.environ.get("RAY_ADDRESS")):
        raise click.UsageError("-j sets the CPUs of a local Ray cluster; a cluster at --address (or RAY_ADDRESS) "
                               "has its own")
    try:
        from cleaner.executor_ray import RayExecutor
    except ImportError as exc:
        raise click.UsageError(f"--engine ray needs Ray: pip install 'article-cleaner[ray]' ({exc})") from exc
    try:
        executor = RayExecutor(config, address=address, cpus=jobs if jobs_given else None, quiet=quiet)
        executor.connect()  # an unreachable cluster leaves no trace
    except ConfigError as exc:  # a phrase file gone since the settings were read
        raise click.UsageError(str(exc)) from exc
    except EngineError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    return executor


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
    """Write the run's report (when asked for); the exit status, 74 when it cannot be written (a full disk, as
    for the outputs and the audit log)."""
    if path is None or collector is None:
        return status
    try:
        write_report(path, collector, config, source)
    except OSError as exc:
        click.echo(f"error: {shown(str(path))}: cannot write the report ({exc.strerror or exc})", err=True)
        return EXIT_STOPPED
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


EXIT_STOPPED = 74  # the run stopped before its end: an output or the audit log cannot be written (EX_IOERR)
EXIT_BUSY = 75  # another run is writing the output folder or the audit log: try again later (EX_TEMPFAIL)


class Terminated(KeyboardInterrupt):
    """The run was stopped by a signal (SIGTERM, SIGHUP): it unwinds as Ctrl-C does, and exits 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP stop the run as Ctrl-C does: the open output is dropped (a checkpointed one kept for
    --resume), the workers are killed, temporary files removed, and the exit status says which signal."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)


def _lock_outputs(jobs: list[Job]) -> list[int]:
    """Lock the run's output folders: a second run writing the same folder is refused (exit 75) before it writes
    anything, instead of mixing its files with this one's."""
    fds: list[int] = []
    try:
        for root in dict.fromkeys(job.out_root for job in jobs if job.out_root is not None):
            try:
                fds.append(lock_folder(root))
            except Busy:
                _busy(root)
            except OSError as exc:
                raise click.UsageError(f"{root}: cannot write the output folder ({exc.strerror or exc})") from exc
    except BaseException:
        for fd in fds:
            unlock_folder(fd)
        raise
    return fds


def _busy(path: Path) -> None:
    click.echo(f"error: {path}: another clean run is writing it; wait for it to end, or choose another -o/--audit",
               err=True)
    sys.exit(EXIT_BUSY)


def _open(path: Path, what: str, append: bool = False, root: Path | None = None) -> TextIO:
    """An output stream of the run (the audit log), or a usage error naming the path."""
    try:
        return open_audit(path, append=append, root=root)  # type: ignore[return-value]
    except Busy:
        _busy(path)
        raise
    except OSError as exc:
        raise click.UsageError(f"{path}: cannot write {what} ({exc.strerror or exc})") from exc


def _open_rejects(path: Path, root: Path | None) -> IO[bytes]:
    """The ``--rejects`` file: the failed lines, byte for byte (gzip when it ends in ``.gz``). Inside the output
    folder ``root`` it is created new (a link in its place is replaced, not followed); elsewhere it is the user's
    own path, opened as any program would."""
    try:
        if inside(path, root):
            root, path = Path(os.path.abspath(root)), Path(os.path.abspath(path))  # type: ignore[arg-type]
            folder = Folder(root, path.parent.relative_to(root))
            try:
                raw = os.fdopen(folder.create(path.name), "wb")
            finally:
                folder.close()
        else:
            raw = path.open("wb")
        if path.name.lower().endswith(".gz"):
            gz = gzip.GzipFile(filename="", fileobj=raw, mode="wb")
            gz.myfileobj = raw  # closed with it (as when GzipFile opens the file itself)
            return gz  # type: ignore[return-value]
        return raw
    except OSError as exc:
        raise click.UsageError(f"{path}: cannot write the rejects file ({exc.strerror or exc})") from exc


if __name__ == "__main__":  # pragma: no cover
    main()
