"""Scale: ingest -> analyze -> report -> dashboard on N conversations, each stage in its own process.

The corpus is the bundled demo data (520 helpdesk conversations with 295 surveys, 351 real Twitter
threads) copied until N conversations exist. Every copy gets new conversation and customer ids (a
Twitter thread, which has no customer id, gets its customer's author renamed: ingest derives the id
from it) and is moved one week later, so repeat contacts link inside a copy and never across copies
(a bigger company, not the same customers again). Each stage runs as the real command (`fixfirst ingest`,
`fixfirst analyze`, `fixfirst report`, `fixfirst serve`) in a child process, so its wall time, CPU
time and peak RSS (from `wait4`) are its own. The dashboard is timed by HTTP: time until `serve`
answers, then the first view and p50/p95 of repeated requests per page. The one-pass route
(`fixfirst analyze FILE --db`: each worker redacts and analyzes) is timed too, into its own store,
which must store the same turns, outcomes and findings; "end to end" adds the stages of each route.

    .venv/bin/python benchmarks/scale.py --sizes 10000 100000 [--workers 2] [--keep DIR] [--json OUT]
    .venv/bin/python benchmarks/scale.py --sizes 100000 --copies 10 --long-turns   # the 1M run
    .venv/bin/python benchmarks/scale.py --sizes --copies 10 --copy-source DIR/n100000/scale.db \
        --scale-from 100k.json --long-turns

With `--copies K` the last size's analysed store is copied K times in SQL (new conversation,
customer and survey ids) and report and dashboard are timed on that store: the 1M run without an
hour of ingest and analyze, whose memory is flat and whose time was measured linear.

Between sizes it prints the ratio (time at 10x the data / time at 1x): linear is 10.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixfirst" / "demo_data"
SOURCES = (DEMO / "helpdesk" / "conversations.jsonl", DEMO / "twitter_care" / "conversations.jsonl")
SURVEYS = DEMO / "helpdesk" / "surveys.csv"
PAGES = (
    "/",
    "/agents",
    "/teams",
    "/conversations",
    "/review",
    "/drivers",
    "/root-causes",
    "/api/conversations",
    "/api/review-queue",
    "/api/agents",
    # The list with each kind of filter: a team, a broad outcome, a common label, a rare label.
    "/conversations?team=Technical%20Support",
    "/api/conversations?outcome=resolved",
    "/api/conversations?label=hollow_apology",
    "/conversations?label=policy_stonewall",
)
PASSWORD = "long-enough-load-run-secret"


@dataclass
class Stage:
    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    note: str = ""
    answers_s: float | None = None  # serve: until it answers
    ready_s: float | None = None  # serve: the aggregates, after the first view


@dataclass
class PageTiming:
    path: str
    first_ms: float
    p50_ms: float
    p95_ms: float
    status: int


@dataclass
class SizeResult:
    conversations: int
    stages: list[Stage] = field(default_factory=list)
    pages: list[PageTiming] = field(default_factory=list)


def _shift(stamp: str | None, days: int) -> str | None:
    if not stamp:
        return stamp
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")) + timedelta(days=days)
    return moment.isoformat().replace("+00:00", "Z")


def build_corpus(n: int, folder: Path) -> tuple[Path, Path]:
    """Write n conversations (and the surveys of the copied helpdesk ones); returns both paths."""
    base = [json.loads(line) for source in SOURCES for line in source.read_text(encoding="utf-8").splitlines()]
    with SURVEYS.open(encoding="utf-8", newline="") as handle:
        survey_rows = list(csv.DictReader(handle))
    conversations, surveys = folder / "conversations.jsonl", folder / "surveys.csv"
    written_ids: set[str] = set()
    with conversations.open("w", encoding="utf-8") as out:
        for i in range(n):
            copy, record = divmod(i, len(base))
            record = json.loads(json.dumps(base[record]))
            record["id"] = f"{record['id']}-x{copy}"
            written_ids.add(record["id"])
            if record.get("customer_id"):
                record["customer_id"] = f"{record['customer_id']}-x{copy}"
            else:
                # Twitter threads carry no customer id: ingest takes the customer turns' author,
                # so the author is renamed too, or every copy would be the same customer again.
                for turn in record["turns"]:
                    if turn["role"] == "customer" and turn.get("author"):
                        turn["author"] = f"{turn['author']}-x{copy}"
            record["started_at"] = _shift(record.get("started_at"), 7 * copy)
            for turn in record["turns"]:
                turn["ts"] = _shift(turn.get("ts"), 7 * copy)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    copies = (n + len(base) - 1) // len(base)
    with surveys.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(survey_rows[0]))
        writer.writeheader()
        for copy in range(copies):
            for row in survey_rows:
                moved = dict(row)
                if moved["conversation_id"]:
                    moved["conversation_id"] = f"{moved['conversation_id']}-x{copy}"
                    if moved["conversation_id"] not in written_ids:
                        continue
                moved["customer_id"] = f"{moved['customer_id']}-x{copy}" if moved["customer_id"] else ""
                moved["submitted_at"] = _shift(moved["submitted_at"], 7 * copy) or ""
                writer.writerow(moved)
    return conversations, surveys


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "fixfirst.cli.main", *args]


def run_stage(name: str, command: list[str], *, stdin: str | None = None, note: str = "") -> Stage:
    """Run one command to the end; wall time, CPU time and peak RSS of that process alone (`wait4`)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, text=True,
        )
        if stdin is not None and process.stdin is not None:
            process.stdin.write(stdin)
            process.stdin.close()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = code = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if code not in (0, 3):
            log.seek(0)
            raise SystemExit(f"{name} failed with exit code {code}:\n{log.read()[-3000:]}")
    return Stage(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, note)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _login(client: httpx.Client) -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "no CSRF token on /login"
    answer = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)})
    if answer.status_code not in (200, 303):
        raise SystemExit(f"login failed: {answer.status_code}")


def _peak_rss_mib(pid: int) -> float:
    """A live process's own peak RSS (VmHWM): `wait4` would report the largest of it and its children."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_dashboard(db: str, repeat: int, page_timeout: float, ready_timeout: float, *,
                   name: str = "serve", pages: tuple[str, ...] | None = None) -> tuple[Stage, list[PageTiming]]:
    """Start `fixfirst serve`, time readiness, then the first view and p50/p95 of each page
    (`pages`, default every page of PAGES)."""
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        _cli("serve", "--db", db, "--port", str(port)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    timings: list[PageTiming] = []
    try:
        while True:
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise SystemExit("serve exited before answering")
            time.sleep(0.05)
        ready = time.perf_counter() - started
        with httpx.Client(base_url=base, timeout=page_timeout, follow_redirects=False) as client:
            _login(client)
            # A big store's aggregates are computed in the background after start: the first view
            # answers 503 until they are ready. Time that, then time every page.
            waited = time.perf_counter()
            while (status := client.get("/").status_code) == 503 and time.perf_counter() - waited < ready_timeout:
                time.sleep(0.5)
            insights_ready = time.perf_counter() - waited
            for path in (PAGES if pages is None else pages) if status != 503 else ():  # not ready: no pages
                samples: list[float] = []
                status = 0
                for _ in range(repeat + 1):
                    begin = time.perf_counter()
                    try:
                        status = client.get(path).status_code
                    except httpx.TimeoutException:
                        samples.append(page_timeout)
                        status = 0
                        break
                    samples.append(time.perf_counter() - begin)
                first, rest = samples[0], samples[1:] or samples
                rest_ms = sorted(s * 1000 for s in rest)
                timings.append(
                    PageTiming(
                        path, first * 1000, statistics.median(rest_ms),
                        rest_ms[min(len(rest_ms) - 1, round(0.95 * (len(rest_ms) - 1)))], status,
                    )
                )
        server_peak = _peak_rss_mib(process.pid)
    finally:
        process.terminate()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    stage = Stage(name, time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                  answers_s=ready, ready_s=insights_ready if timings else None,
                  note=f"answers in {ready:.2f} s; insights ready {insights_ready:.1f} s after the first view; "
                  f"server process alone {server_peak:.0f} MiB (the peak column includes its insight child)"
                  if timings else f"answers in {ready:.2f} s; insights NOT ready after {ready_timeout:.0f} s")
    return stage, timings


def report_and_dashboard(result: SizeResult, db: str, folder: Path, repeat: int, page_timeout: float,
                         ready_timeout: float) -> SizeResult:
    """The stages every run ends with: the HTML report, a web user, then the dashboard timed."""
    result.stages.append(run_stage("report", _cli("report", "--db", db, "--out", str(folder / "report.html"))))
    result.stages.append(run_stage("user add", _cli("user", "add", "bench", "--role", "admin", "--password-stdin",
                                                    "--db", db), stdin=PASSWORD + "\n"))
    stage, pages = time_dashboard(db, repeat, page_timeout, ready_timeout)
    result.stages.append(stage)
    result.pages = pages
    # A restart on the same data reads the last build's snapshot instead of computing again.
    restart, _ = time_dashboard(db, repeat, page_timeout, ready_timeout, name="serve again (restart)", pages=("/",))
    result.stages.append(restart)
    return result


def measure(n: int, folder: Path, workers: int, repeat: int, page_timeout: float, ready_timeout: float) -> SizeResult:
    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{folder / 'scale.db'}"
    result = SizeResult(n)
    conversations, surveys = build_corpus(n, folder)
    rejects = str(folder / "rejects.jsonl")
    result.stages.append(run_stage("ingest", _cli("ingest", str(conversations), "--db", db, "--rejects", rejects,
                                                  "--workers", str(workers))))
    result.stages.append(run_stage("ingest surveys", _cli("ingest", str(surveys), "--format", "surveys", "--db", db,
                                                          "--rejects", rejects)))
    result.stages.append(run_stage("analyze", _cli("analyze", "--db", db, "--workers", str(workers))))
    result.stages.append(time_one_pass(conversations, folder, workers, rejects, compare_with=folder / "scale.db"))
    return report_and_dashboard(result, db, folder, repeat, page_timeout, ready_timeout)


#: What two stores must hold alike for the one-pass run to count: stored turns, outcomes, findings.
#: Authors are left out: customers' are pseudonyms keyed per store, so two stores name them apart.
STORED_CONTENT = (
    "SELECT conversation_id, idx, role, text FROM turns ORDER BY conversation_id, idx",
    "SELECT conversation_id, outcome, outcome_confidence, points FROM analysis_results ORDER BY conversation_id",
    'SELECT conversation_id, label, turn, start, "end", confidence FROM findings '
    'ORDER BY conversation_id, turn, start, label',
)


def stored_digest(path: Path) -> str:
    """One hash over a store's turns, outcomes and findings (row ids and times left out)."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as store:
        for query in STORED_CONTENT:
            for row in store.execute(query):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def time_one_pass(conversations: Path, folder: Path, workers: int, rejects: str, *, compare_with: Path) -> Stage:
    """`fixfirst analyze FILE --db`: read, redact, analyze and store in one pass (each worker redacts
    and analyzes its chunk), into its own store, which must then hold what ingest + analyze stored."""
    path = folder / "one_pass.db"
    path.unlink(missing_ok=True)
    stage = run_stage("ingest + analyze (one pass)", _cli("analyze", str(conversations), "--db", f"sqlite:///{path}",
                                                          "--rejects", rejects, "--workers", str(workers)))
    same = stored_digest(path) == stored_digest(compare_with)
    stage.note = "stores the same turns, outcomes and findings as ingest + analyze" if same else (
        "DIFFERS from ingest + analyze")
    for leftover in folder.glob("one_pass.db*"):
        leftover.unlink()
    return stage


#: Columns that name a conversation, customer or survey: each copy's get a suffix. `findings.id`
#: is left to SQLite (a new row id); search keys and the full-text index follow from the turns'
#: insert trigger. Web tables (users, reviews) are not copied.
COPIED_COLUMNS = {
    "conversations": {"id", "customer_id"},
    "turns": {"conversation_id"},
    "conversation_agents": {"conversation_id"},
    "analysis_results": {"conversation_id"},
    "findings": {"conversation_id"},
    "surveys": {"id", "conversation_id", "customer_id"},
}


def copy_store(source: Path, target: Path, copies: int) -> int:
    """A SQLite store holding `copies` copies of an analysed `source` store, made in SQL.

    Why: ingest and analyze stream with flat memory and were measured linear from 10k to 100k, so a
    1M-conversation store for timing the report and the dashboard does not need an hour of them.
    Copies get new conversation, customer and survey ids (suffix ``~k``) and keep their times, so
    repeat contacts link inside a copy only. Returns the conversations in the target.
    """
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as original:
        original.execute(f"VACUUM INTO '{target}'")
    with sqlite3.connect(target, isolation_level=None) as store:
        store.execute("PRAGMA journal_mode=OFF")
        store.execute("PRAGMA synchronous=OFF")
        for (table,) in store.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'web_%'"):
            store.execute(f"DELETE FROM {table}")  # users and reviews of the source are not copied
        store.execute("ATTACH DATABASE ? AS src", (str(source),))
        for k in range(1, copies):
            store.execute("BEGIN")
            for table, renamed in COPIED_COLUMNS.items():
                columns = [row[1] for row in store.execute(f"PRAGMA src.table_info({table})")]
                kept = [c for c in columns if not (table == "findings" and c == "id")]
                values = [f'"{c}" || \'~{k}\'' if c in renamed else f'"{c}"' for c in kept]
                names = ", ".join(f'"{c}"' for c in kept)
                store.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} FROM src.{table}")
            store.execute("COMMIT")
        (count,) = store.execute("SELECT count(*) FROM conversations").fetchone()
    return int(count)


def measure_copies(source: Path, copies: int, folder: Path, repeat: int, page_timeout: float,
                   ready_timeout: float) -> SizeResult:
    """Report and dashboard on `copies` copies of an analysed store (see `copy_store`)."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    n = copy_store(source, folder / "scale.db", copies)
    db = f"sqlite:///{folder / 'scale.db'}"
    result = SizeResult(n)
    result.stages.append(Stage("copy store (SQL)", time.perf_counter() - started, 0.0, 0.0,
                               note=f"{copies} copies of {source}; no ingest or analyze"))
    return report_and_dashboard(result, db, folder, repeat, page_timeout, ready_timeout)


LONG_CONVERSATION = """
import json, resource, sys, time
from fixfirst.analyze import analyze
from fixfirst.model import Conversation
turns, chars = int(sys.argv[1]), int(sys.argv[2])
lines = ("My router drops the connection every evening, I restarted it many times and it still fails. ",
         "Sorry to hear that. I have checked the line from here and booked an engineer for Tuesday. ")
conversation = Conversation.model_validate({"id": "long", "channel": "chat", "turns": [
    {"index": i, "role": ("customer", "agent")[i % 2], "text": (lines[i % 2] * (chars // 90 + 1))[:chars]}
    for i in range(turns)]})
list(analyze([Conversation.model_validate({"id": "warm", "turns": [{"index": 0, "role": "customer", "text": "hi"}]})]))
started = time.perf_counter()
(result,) = analyze([conversation])
print(json.dumps({"seconds": time.perf_counter() - started, "findings": len(result.findings),
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def time_long_conversations(turn_counts: list[int], chars: int) -> list[dict[str, float]]:
    """Analysis time of one conversation of each length (same turn text): linear means time ~ turns."""
    rows = []
    for turns in turn_counts:
        output = subprocess.run(
            [sys.executable, "-c", LONG_CONVERSATION, str(turns), str(chars)],
            capture_output=True, text=True, check=True,
        ).stdout
        rows.append({"turns": turns, "chars": turns * chars, **json.loads(output.splitlines()[-1])})
    return rows


def print_long(rows: list[dict[str, float]]) -> None:
    print("\n## One long conversation (analysis only, models already loaded)")
    print("| turns | characters | seconds | ms per turn | findings | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        per_turn = 1000 * row["seconds"] / row["turns"]
        print(f"| {row['turns']:,} | {row['chars']:,} | {row['seconds']:.1f} | {per_turn:.2f} "
              f"| {row['findings']:,} | {row['peak_rss_mib']:.0f} |")


def time_ray(n: int, folder: Path, worker_counts: list[int]) -> list[dict[str, object]]:
    """`fixfirst analyze FILE --engine ray` with 1, 2... actors vs the local engine on the same file."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus, _ = build_corpus(n, folder)
    runs = [("local", max(worker_counts))] + [("ray", w) for w in worker_counts]
    rows: list[dict[str, object]] = []
    reference: bytes | None = None
    for engine, workers in runs:
        out = folder / f"{engine}-{workers}.jsonl"
        stage = run_stage(engine, _cli("analyze", str(corpus), "--engine", engine, "--workers", str(workers),
                                        "--out", str(out), "--rejects", str(folder / "rejects.jsonl")))
        produced = out.read_bytes()
        reference = reference if reference is not None else produced
        rows.append({"engine": engine, "workers": workers, "wall_s": stage.wall_s, "conv_per_s": n / stage.wall_s,
                     "peak_rss_mib": stage.peak_rss_mib, "identical_to_local": produced == reference})
    return rows


def print_ray(n: int, rows: list[dict[str, object]]) -> None:
    print(f"\n## Ray engine vs local, {n:,} conversations from a file (wall time includes start-up)")
    print("| engine | workers | wall s | conv/s | peak RSS MiB (driver) | output identical to local |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['engine']} | {r['workers']} | {r['wall_s']:.1f} | {r['conv_per_s']:,.0f} | "
              f"{r['peak_rss_mib']:.0f} | {'yes' if r['identical_to_local'] else 'NO'} |")


def print_result(result: SizeResult, previous: SizeResult | None) -> None:
    print(f"\n## {result.conversations:,} conversations")
    print("| stage | wall s | CPU s | peak RSS MiB | conv/s | x previous size (wall) | note |")
    print("|---|---|---|---|---|---|---|")
    before = {s.name: s for s in previous.stages} if previous else {}
    growth = result.conversations / previous.conversations if previous else 1.0
    for stage in result.stages:
        ratio = ""
        if stage.name in before and before[stage.name].wall_s > 0:
            ratio = f"{stage.wall_s / before[stage.name].wall_s:.1f}x for {growth:.0f}x data"
        rate = f"{result.conversations / stage.wall_s:,.0f}" if stage.name in RATED_STAGES else ""
        print(
            f"| {stage.name} | {stage.wall_s:.1f} | {stage.cpu_s:.1f} | {stage.peak_rss_mib:.0f} | {rate} "
            f"| {ratio} | {stage.note} |"
        )
    print_end_to_end(result, previous)
    print("\n| page (after the insights are ready) | first view ms | p50 ms | p95 ms | status |")
    print("|---|---|---|---|---|")
    for page in result.pages:
        print(f"| `{page.path}` | {page.first_ms:.0f} | {page.p50_ms:.0f} | {page.p95_ms:.0f} | {page.status} |")


RATED_STAGES = ("ingest", "analyze", "ingest + analyze (one pass)")
#: The routes from files to a report: two passes (ingest, then analyze the store) or one.
ROUTES = (
    ("ingest, analyze", ("ingest", "ingest surveys", "analyze", "report")),
    ("one pass", ("ingest + analyze (one pass)", "ingest surveys", "report")),
)


def _end_to_end(result: SizeResult, previous: SizeResult | None) -> dict[str, float]:
    """Minutes from files to report per route. A copied store (`--copies`) has no ingest or analyze of
    its own: theirs are the previous size's scaled by the data (they were measured linear)."""
    own = {s.name: s.wall_s for s in result.stages}
    scaled = {}
    if previous is not None:
        growth = result.conversations / previous.conversations
        scaled = {s.name: s.wall_s * growth for s in previous.stages}
    totals = {}
    for route, stages in ROUTES:
        parts = [own.get(name, scaled.get(name)) for name in stages]
        if all(seconds is not None for seconds in parts):
            totals[route] = sum(seconds for seconds in parts if seconds is not None) / 60
    return totals


def print_end_to_end(result: SizeResult, previous: SizeResult | None) -> None:
    """Files to report, in minutes, by route, with each stage's share."""
    own = {s.name for s in result.stages}
    for route, minutes in _end_to_end(result, previous).items():
        stages = dict(ROUTES)[route]
        borrowed = [name for name in stages if name not in own]
        note = f" ({', '.join(borrowed)} scaled from {previous.conversations:,})" if borrowed and previous else ""
        print(f"\nEnd to end, {route}: **{minutes:.1f} min**{note}")


MILLION = 1_000_000
#: Stages whose time must grow linearly with the data (the others are constant or timed per page).
LINEAR_STAGES = (*RATED_STAGES, "ingest surveys", "report")
#: Why a target is not met, printed beside it (benchmarks/README.md, "Scale", has the measurements).
REASONS = {
    "memory": "the insight stage (report, dashboard build) holds its scope's contacts as columns (ids packed, "
              "turns in a temporary file), their surveys as columns and the cases, promises and links packed: "
              "about 0.4 KB a contact with a stage's working set (a 1M whole-store report measured 428 MiB); "
              "more room needs the remaining per-agent arrays smaller or aggregates in SQL",
    "end to end": "ingest (redaction) and analyze (the engine) keep both cores busy: a faster route needs "
                  "cheaper redaction or engine, or more cores (--engine ray)",
    "linear": "a stage grew faster than the data: see its row",
    "pages": "a page or its first view was slow: see the page table",
    "serve": "serve took long to answer: see its row",
}


def print_targets(results: list[SizeResult]) -> None:
    """Issue 10's targets against what this run measured: met, or the figure and the reason."""
    rows: list[tuple[str, str, bool, str]] = []
    ratios = []
    for before, after in itertools.pairwise(results):
        growth = after.conversations / before.conversations
        times = {s.name: s.wall_s for s in before.stages}
        for stage in after.stages:
            if stage.name in LINEAR_STAGES and times.get(stage.name):
                at_10x = stage.wall_s / times[stage.name] * 10 / growth
                ratios.append((at_10x, f"{stage.name} {before.conversations:,} -> {after.conversations:,}"))
    if ratios:
        worst = max(ratios)
        rows.append(("every stage linear: time at 10x the data <= 12x", f"worst {worst[0]:.1f}x ({worst[1]})",
                     worst[0] <= 12, "linear"))
    peaks = [(s.peak_rss_mib, f"{s.name} at {r.conversations:,}") for r in results for s in r.stages]
    if peaks:
        peak = max(peaks)
        rows.append(("peak RSS of every stage < 500 MiB", f"worst {peak[0]:,.0f} MiB ({peak[1]})",
                     peak[0] < 500, "memory"))
    big = max(results, key=lambda r: r.conversations) if results else None
    totals = _end_to_end(big, results[-2] if len(results) > 1 else None) if big else {}
    if big and totals and big.conversations >= MILLION // 10:  # smaller runs are mostly start-up time
        route, minutes = min(totals.items(), key=lambda item: item[1])
        factor = MILLION / big.conversations
        scaled_note = f", the {big.conversations:,} run x {factor:g}" if factor != 1 else ""
        rows.append(("1,000,000 conversations end to end < 60 min",
                     f"{minutes * factor:.1f} min ({route}{scaled_note})", minutes * factor < 60, "end to end"))
    if big and big.pages:
        worst_page = max(big.pages, key=lambda page: max(page.first_ms, page.p95_ms))
        slowest = max(worst_page.first_ms, worst_page.p95_ms)
        rows.append((f"pages p95 and first view < 300 ms at {big.conversations:,}",
                     f"worst {slowest:.0f} ms (`{worst_page.path}`)", slowest < 300, "pages"))
    answers = [(s.answers_s, f"{s.name} at {r.conversations:,}") for r in results for s in r.stages
               if s.answers_s is not None]
    if answers:
        slowest_start = max(answers)
        rows.append(("serve answers < 5 s at every size", f"worst {slowest_start[0]:.2f} s ({slowest_start[1]})",
                     slowest_start[0] < 5, "serve"))
    print("\n## Targets (issue 10)")
    print("| target | measured | verdict |")
    print("|---|---|---|")
    for target, measured, met, reason in rows:
        print(f"| {target} | {measured} | {'met' if met else '**not met**: ' + REASONS[reason]} |")


def _last_size(path: Path | None) -> SizeResult | None:
    """The last size of an earlier run's --json (None without one)."""
    if path is None:
        return None
    last = json.loads(path.read_text(encoding="utf-8"))[-1]
    return SizeResult(last["conversations"], [Stage(**stage) for stage in last["stages"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="none: skip the stages")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=20, help="requests per page after the first view")
    parser.add_argument("--page-timeout", type=float, default=120.0, help="seconds one page may take")
    parser.add_argument("--ready-timeout", type=float, default=1800.0,
                        help="seconds to wait for the dashboard's aggregates after start")
    parser.add_argument("--keep", type=Path, help="keep corpora and databases here (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--long-turns", type=int, nargs="*", default=[1250, 2500, 5000],
                        help="also time one conversation of each length (200 characters a turn); none to skip")
    parser.add_argument("--ray", type=int, default=0, metavar="N",
                        help="also compare --engine ray (1 and 2 actors) with the local engine on N conversations")
    parser.add_argument("--copies", type=int, default=0, metavar="K",
                        help="then time report and dashboard on K copies of the last size's analysed store "
                             "(made in SQL: 10 copies of 100k = the 1M run)")
    parser.add_argument("--copy-source", type=Path,
                        help="the analysed SQLite store to copy (default: the last size's, from this run)")
    parser.add_argument("--scale-from", type=Path, metavar="JSON",
                        help="with --copy-source: the --json of the run that made it, whose last size's "
                             "ingest and analyze are scaled for the copies' end to end")
    args = parser.parse_args()

    if args.long_turns:
        print_long(time_long_conversations(args.long_turns, 200))

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        results: list[SizeResult] = []
        for n in args.sizes:
            result = measure(n, root / f"n{n}", args.workers, args.repeat, args.page_timeout, args.ready_timeout)
            print_result(result, results[-1] if results else None)
            results.append(result)
        if args.copies and (results or args.copy_source):
            source = args.copy_source or root / f"n{results[-1].conversations}" / "scale.db"
            copied = measure_copies(source, args.copies, root / f"copies{args.copies}",
                                    args.repeat, args.page_timeout, args.ready_timeout)
            print_result(copied, results[-1] if results else _last_size(args.scale_from))
            results.append(copied)
        if args.ray:
            print_ray(args.ray, time_ray(args.ray, root / f"ray{args.ray}", [1, 2]))
        print_targets(([earlier] if (earlier := _last_size(args.scale_from)) and not args.sizes else []) + results)
        if args.json:
            args.json.write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
