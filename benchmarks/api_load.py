"""API load check on loopback: sustained ingest of conversations over HTTP into a real server.

Starts ``uvicorn`` on the FixFirst app in a child process (SQLite file in a temp folder), then
several client threads POST batches of twitter_care conversations (the bundled demo data, made
unique by id) to ``/api/conversations`` for a fixed time. Every conversation is validated,
redacted, stored and analysed on arrival. Prints requests/s, conversations/s, p50/p95/max
latency and the server's peak resident memory, then checks that every accepted conversation
is stored exactly once (rows in the database == conversations the API answered "stored"), and
that re-posting a batch stores nothing new.

    .venv/bin/python benchmarks/api_load.py [--threads 4] [--seconds 20] [--batch 10] [--no-redact]

Why a benchmark and not a test: it measures the machine as much as the code.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "fixfirst" / "demo_data" / "twitter_care" / "conversations.jsonl"
SERVER = """
import sys, uvicorn
from fixfirst.web.app import create_app
uvicorn.run(create_app(sys.argv[1], redact=sys.argv[3] == "1"), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False)
"""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    sent: int = 0
    stored: int = 0
    other: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_admin_token(db_url: str) -> str:
    from fixfirst.store import Store
    from fixfirst.store.web_records import create_api_token
    from fixfirst.web.auth import create_user

    with Store.open(db_url) as store:
        who = create_user(store, "loadtest", "load-test-password", "admin")
        return create_api_token(store, who.user_id, "api_load")


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            httpx.get(f"{base}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("server did not start")


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM (peak resident set) of the server process, from /proc; None where there is no /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def client_loop(
    base: str, token: str, records: list[dict[str, Any]], ids: itertools.count, batch: int, until: float, tally: Tally
) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        while time.monotonic() < until:
            with tally.lock:
                numbers = [next(ids) for _ in range(batch)]
            body = []
            for n in numbers:
                record = dict(records[n % len(records)])
                record["id"] = f"{record['id']}-load-{n}"
                body.append(record)
            started = time.perf_counter()
            try:
                response = client.post("/api/conversations", json=body)
            except httpx.HTTPError as exc:
                with tally.lock:
                    tally.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with tally.lock:
                tally.requests += 1
                tally.sent += len(body)
                tally.latencies.append(elapsed)
                if response.status_code >= 500:
                    tally.errors.append(f"HTTP {response.status_code}")
                    continue
                for status in response.json().get("records", []):
                    if status["status"] == "stored":
                        tally.stored += 1
                    else:
                        tally.other[status["status"]] = tally.other.get(status["status"], 0) + 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--batch", type=int, default=10, help="conversations per request")
    parser.add_argument("--no-redact", action="store_true", help="skip redaction on the server")
    args = parser.parse_args()

    records = [json.loads(line) for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="fixfirst-api-load-") as folder:
        db_path = Path(folder) / "load.db"
        db_url = f"sqlite:///{db_path}"
        token = make_admin_token(db_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, db_url, str(port), "0" if args.no_redact else "1"], env=env
        )
        try:
            wait_until_up(base, server)
            tally = Tally()
            ids = itertools.count()
            started = time.monotonic()
            until = started + args.seconds
            threads = [
                threading.Thread(target=client_loop, args=(base, token, records, ids, args.batch, until, tally))
                for _ in range(args.threads)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - started
            peak = peak_rss_mib(server.pid)
            # Idempotency under load: re-post the first batch; nothing new may be stored.
            repeat = [
                dict(records[n % len(records)], id=f"{records[n % len(records)]['id']}-load-{n}")
                for n in range(args.batch)
            ]
            again = httpx.post(
                f"{base}/api/conversations", json=repeat, headers={"Authorization": f"Bearer {token}"}, timeout=120
            ).json()
        finally:
            server.terminate()
            server.wait(timeout=30)
        with sqlite3.connect(db_path) as conn:
            stored_rows = conn.execute("select count(*) from conversations").fetchone()[0]
            distinct = conn.execute("select count(distinct id) from conversations").fetchone()[0]
            results = conn.execute("select count(*) from analysis_results").fetchone()[0]

    lat = tally.latencies
    print(
        f"server: uvicorn, 1 worker, SQLite; clients: {args.threads} threads x batches of {args.batch} "
        f"({'no redaction' if args.no_redact else 'redaction on'}), {wall:.1f} s"
    )
    print(f"requests:       {tally.requests} ({tally.requests / wall:.1f} requests/s)")
    print(
        f"conversations:  {tally.sent} sent, {tally.stored} stored ({tally.stored / wall:.1f} conversations/s), "
        f"other statuses {tally.other or '{}'}"
    )
    if lat:
        print(
            f"latency/request: p50 {statistics.median(lat) * 1000:.0f} ms, p95 {percentile(lat, 0.95) * 1000:.0f} ms,"
            f" max {max(lat) * 1000:.0f} ms"
        )
    print(f"server peak RSS: {f'{peak:.0f} MiB' if peak is not None else 'not measurable here'}")
    print(f"errors (5xx or transport): {len(tally.errors)}")
    print(
        f"stored once: rows {stored_rows}, distinct ids {distinct}, accepted {tally.stored}, analysis results "
        f"{results}; re-posted batch: {again['accepted']} accepted, statuses "
        f"{sorted({r['status'] for r in again['records']})}"
    )
    ok = (
        stored_rows == distinct == tally.stored == results
        and not tally.errors
        and {r["status"] for r in again["records"]} == {"duplicate"}
    )
    print("CHECK:", "every accepted conversation stored exactly once" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
