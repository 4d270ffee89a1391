"""The `fixfirst` command line: parses options, calls the library, prints a summary. No logic of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fixfirst.cli import exit_codes
from fixfirst.cli.web_commands import register_web_commands
from fixfirst.errors import ConfigError, FixFirstError, InputError, StoreError
from fixfirst.ingest import Reject
from fixfirst.ingest.calls.recording import CallOptions
from fixfirst.pipeline.workers import default_workers
from fixfirst.store import Store

if TYPE_CHECKING:
    from fixfirst.pipeline import AnalyzeSummary, IngestSummary

app = typer.Typer(
    name="fixfirst",
    help="FixFirst: was the customer's problem fixed? Support QA and analytics with evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out_console = Console()


class Format(StrEnum):
    AUTO = "auto"
    JSONL = "jsonl"
    CSV = "csv"
    TWCS = "twcs"
    ZENDESK = "zendesk"
    SURVEYS = "surveys"
    PARQUET = "parquet"
    CALL = "call"


class AgentChannel(StrEnum):
    LEFT = "left"
    RIGHT = "right"


#: CLI spellings -> ingest adapter names.
_ADAPTER_NAMES = {Format.JSONL: "fixfirst_jsonl"}


class Engine(StrEnum):
    LOCAL = "local"
    RAY = "ray"


class ExportFormat(StrEnum):
    HTML = "html"
    CSV = "csv"
    PARQUET = "parquet"
    JSON = "json"


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (sqlite:///file.db or postgresql+psycopg://...). Default: $FIXFIRST_DB "
                 "or sqlite:///fixfirst.db.", envvar="FIXFIRST_DB", show_envvar=False),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Input format; auto sniffs each file.")]
MappingOption = Annotated[
    Path | None, typer.Option("--mapping", help="YAML column mapping for the generic CSV format.")
]
RedactOption = Annotated[
    bool,
    typer.Option("--redact/--no-redact", help="Redact e-mails, phones, cards, accounts, addresses and handles "
                 "before storing (default on). --no-redact only for already de-identified data."),
]
RejectsOption = Annotated[Path, typer.Option("--rejects", help="Where rejected records are written (JSONL).")]
AgentChannelOption = Annotated[
    AgentChannel,
    typer.Option("--agent-channel", help="Call recordings: the stereo channel the agent speaks on."),
]
AsrModelOption = Annotated[
    Path | None,
    typer.Option("--asr-model", help="Call recordings: a CTranslate2 Whisper model folder (default: the bundled "
                 "tiny.en)."),
]
KeepAudioOption = Annotated[
    Path | None,
    typer.Option("--keep-audio", help="Call recordings: keep a 16 kHz copy in this folder (turns with personal "
                 "data silenced) so the dashboard can play calls (fixfirst serve --audio-dir). Default: not kept."),
]
RetentionOption = Annotated[
    int, typer.Option("--audio-retention-days", min=1, help="Call recordings: days a kept copy may be played "
                      "and kept (fixfirst calls purge deletes it after).")
]
WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=1, show_default="all cores",
                 help="Processes that redact and analyze; the output is the same for any number."),
]


@contextmanager
def _errors_as_exit_codes() -> Iterator[None]:
    """Turn FixFirst's own errors into a one-line message and a distinct exit code: never a traceback."""
    try:
        yield
    except InputError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(exit_codes.NOTHING_READ) from None
    except (ConfigError, StoreError) as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(exit_codes.CONFIG) from None
    except FixFirstError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: stored batches are complete; run the same command again "
                      "to finish (nothing is duplicated).")
        raise typer.Exit(exit_codes.INTERRUPTED) from None


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    )


def _print_reject(reject: Reject) -> None:
    console.print(f"[yellow]rejected[/yellow] {reject.file}:{reject.line}: {reject.reason}", markup=True,
                  highlight=False, soft_wrap=True)


def _ingest_table(summary: IngestSummary) -> Table:
    table = Table(title="Ingest summary", show_header=True)
    for column in ("", "read", "stored", "updated", "skipped (duplicates)", "rejected"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row("conversations", str(summary.conversations.seen), str(summary.conversations.stored),
                  str(summary.conversations.updated), str(summary.conversations.duplicates), "")
    table.add_row("surveys", str(summary.surveys.seen), str(summary.surveys.stored),
                  str(summary.surveys.updated), str(summary.surveys.duplicates), "")
    table.add_row("[bold]total[/bold]", str(summary.read), str(summary.stored), str(summary.updated),
                  str(summary.duplicates), str(summary.rejected))
    return table


def _analysis_table(summary: AnalyzeSummary) -> Table:
    table = Table(title=f"Analysis: {summary.analyzed} conversations")
    table.add_column("outcome")
    table.add_column("conversations", justify="right")
    for label, count in summary.outcomes.most_common():
        table.add_row(label, str(count))
    if summary.behaviours:
        table.add_section()
        for label, count in summary.behaviours.most_common():
            table.add_row(f"[dim]behaviour[/dim] {label}", str(count))
    return table


def _exit_for(read: int, rejected: int) -> int:
    if rejected and not read:
        return exit_codes.NOTHING_READ
    return exit_codes.SOME_REJECTED if rejected else exit_codes.OK


def _adapter(format: Format) -> str:  # noqa: A002
    return _ADAPTER_NAMES.get(format, format.value)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to load.", show_default=False)],
    format: FormatOption = Format.AUTO,  # noqa: A002
    db: DbOption = None,
    mapping: MappingOption = None,
    redact: RedactOption = True,
    rejects: RejectsOption = Path("rejects.jsonl"),
    batch_size: Annotated[int, typer.Option(min=1, help="Records per transaction.")] = 500,
    workers: WorkersOption = None,
    agent_channel: AgentChannelOption = AgentChannel.LEFT,
    asr_model: AsrModelOption = None,
    keep_audio: KeepAudioOption = None,
    audio_retention_days: RetentionOption = 90,
) -> None:
    """Load conversations, surveys and call recordings (WAV/MP3/FLAC/OGG, transcribed offline) into the
    store (idempotent: re-running never duplicates).

    Exit codes: 0 all loaded, 3 some records rejected (listed in --rejects), 4 nothing could be read.
    """
    from fixfirst.pipeline.ingest_job import ingest_files

    with _errors_as_exit_codes(), _progress() as progress, Store.open(db) as store:
        task = progress.add_task("ingesting", total=None)
        summary = ingest_files(
            paths, store, format=_adapter(format), csv_mapping=mapping, redact=redact, rejects_path=rejects,
            batch_size=batch_size, workers=workers or default_workers(),
            call_options=CallOptions(agent_channel=agent_channel.value, asr_model=asr_model, keep_audio=keep_audio,
                                     retention_days=audio_retention_days),
            on_item=lambda _item: progress.advance(task), on_reject=_print_reject,
        )
    out_console.print(_ingest_table(summary))
    if summary.rejects_path:
        console.print(f"{summary.rejected} rejected record(s) written to {summary.rejects_path}")
    raise typer.Exit(_exit_for(summary.read, summary.rejected))


@app.command("analyze")
def analyze_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files to analyze. Without paths: the conversations "
                                                       "stored in --db.", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write one result per conversation here: JSON "
                                             "lines, or Parquet for a .parquet path.")] = None,
    db: DbOption = None,
    format: FormatOption = Format.AUTO,  # noqa: A002
    mapping: MappingOption = None,
    redact: RedactOption = True,
    rejects: RejectsOption = Path("rejects.jsonl"),
    workers: WorkersOption = None,
    agent_channel: AgentChannelOption = AgentChannel.LEFT,
    asr_model: AsrModelOption = None,
    keep_audio: KeepAudioOption = None,
    audio_retention_days: RetentionOption = 90,
    scorecard: Annotated[str | None, typer.Option(help="Scorecard name or YAML file.")] = None,
    lexicon_dir: Annotated[list[Path] | None, typer.Option("--lexicon-dir", help="Folder of company YAML "
                                                           "phrase lists extending the built-in ones.")] = None,
    only_new: Annotated[
        bool, typer.Option("--only-new", help="With stored conversations: only those not analyzed yet.")
    ] = False,
    engine: Annotated[Engine, typer.Option(help="local: worker processes on this machine; ray: a Ray Data "
                                           "pipeline (needs fixfirst[ray]), output identical.")] = Engine.LOCAL,
    ray_address: Annotated[str | None, typer.Option("--ray-address", help="With --engine ray: join this cluster "
                                                    "(ray://head:10001 or auto). Default: a local Ray instance.")
                           ] = None,
) -> None:
    """Decide each conversation's outcome, agent behaviours (with evidence spans), sentiment and score.

    With PATHS and no --db, nothing is stored: results go to --out. With --db, conversations and
    results are stored too. Without PATHS, the stored conversations are (re-)analyzed.
    """
    from fixfirst.pipeline.analyze_job import analyze_files, analyze_stored
    from fixfirst.pipeline.ray_job import analyze_with_ray

    with _errors_as_exit_codes(), _progress() as progress:
        task = progress.add_task("analyzing", total=None)
        options = {"out": out, "scorecard": scorecard, "lexicon_dirs": lexicon_dir or (),
                   "on_result": lambda _r: progress.advance(task)}
        if engine is Engine.RAY:
            if not paths:
                raise ConfigError("--engine ray analyzes files (JSONL or Parquet shards); give their paths")
            store = Store.open(db) if db else None
            try:
                summary = analyze_with_ray(paths, store=store, address=ray_address, format=_adapter(format),
                                           csv_mapping=mapping, redact=redact, rejects_path=rejects,
                                           workers=workers or default_workers(), **options)
            finally:
                if store:
                    store.close()
        elif paths:
            store = Store.open(db) if db else None
            try:
                summary = analyze_files(paths, store=store, format=_adapter(format), csv_mapping=mapping,
                                        redact=redact, rejects_path=rejects, workers=workers or default_workers(),
                                        call_options=CallOptions(agent_channel=agent_channel.value,
                                                                 asr_model=asr_model, keep_audio=keep_audio,
                                                                 retention_days=audio_retention_days), **options)
            finally:
                if store:
                    store.close()
        else:
            with Store.open(db) as store:
                summary = analyze_stored(store, only_new=only_new, workers=workers or default_workers(), **options)
    out_console.print(_analysis_table(summary))
    if out:
        console.print(f"results written to {out}")
    if summary.rejects_path:
        console.print(f"{summary.rejected} rejected record(s) written to {summary.rejects_path}")
    raise typer.Exit(_exit_for(summary.analyzed, summary.rejected))


def _parse_day(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@app.command()
def report(
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file, or a folder for csv/parquet/json.")] = Path(
        "report.html"),
    format: Annotated[ExportFormat, typer.Option("--format", help="html report or table exports.")] = (  # noqa: A002
        ExportFormat.HTML),
    start: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD), inclusive.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD), exclusive.")] = None,
    team: Annotated[str | None, typer.Option(help="Only this team's contacts (and their cases).")] = None,
    company: Annotated[str | None, typer.Option(help="Only this company's / brand's contacts.")] = None,
    window_days: Annotated[float, typer.Option(help="Days within which repeat contacts join a case.")] = 7,
    channel: Annotated[str | None, typer.Option(help="Only this channel's contacts (chat, email, call, ...).")] = None,
) -> None:
    """Write the self-contained HTML report (opens offline) or CSV/Parquet/JSON exports of its tables."""
    from fixfirst.pipeline.report_job import ReportScope, build_report_model
    from fixfirst.report import export_tables, write_html

    with _errors_as_exit_codes():
        try:
            scope = ReportScope(_parse_day(start), _parse_day(end), team, company, window_days, channel)
        except ValueError as error:
            raise typer.BadParameter(f"--from/--to must be YYYY-MM-DD: {error}") from None
        with Store.open(db) as store:
            model = build_report_model(store, scope)
        if format is ExportFormat.HTML:
            path = write_html(model, out)
            out_console.print(f"report written to {path}")
        else:
            files = export_tables(model, out, format.value)
            out_console.print(f"{len(files)} tables written to {out}/ as {format.value}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for fixfirst.db, results.jsonl, report.html.")] = (
        Path("fixfirst-demo")),
) -> None:
    """Run the whole flow on the bundled demo data: ingest, analyze, store (SQLite), report. Offline."""
    from fixfirst.pipeline.demo_job import run_demo

    with _errors_as_exit_codes(), _progress() as progress:
        task = progress.add_task("analyzing demo conversations", total=None)
        summary = run_demo(out, on_result=lambda _r: progress.advance(task))
    out_console.print(_ingest_table(summary.ingest))
    out_console.print(_analysis_table(summary.analysis))
    out_console.print(f"database: {summary.db_url}")
    out_console.print(f"results:  {summary.results_path}")
    out_console.print(f"report:   {summary.report_path}  (open it in a browser; it works offline)")


register_web_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
