"""Ingest throughput: read + redact + store `twitter_care/conversations.jsonl` copied N times (default 100).

Each copy gets its own ids (suffix `-cN`), so every conversation is really stored, as a
company's 100x larger export would be. Prints conversations/s and peak memory (RSS); run:

    .venv/bin/python benchmarks/ingest_throughput.py [--copies 100] [--no-redact] [--db URL]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from fixfirst.pipeline import ingest_files
from fixfirst.store import Store

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "twitter_care" / "conversations.jsonl"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_copies(source: Path, copies: int, target: Path) -> int:
    """Write `copies` of `source` with distinct ids; returns the number of conversations written."""
    lines = source.read_text(encoding="utf-8").splitlines()
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for line in lines:
                record = json.loads(line)
                record["id"] = f"{record['id']}-c{copy}"
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--no-redact", action="store_true")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        total = write_copies(args.source, args.copies, corpus)
        db = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        rss_before = peak_rss_mib()
        with Store.open(db) as store:
            started = time.perf_counter()
            summary = ingest_files([corpus], store, redact=not args.no_redact, rejects_path=Path(tmp) / "r.jsonl")
            elapsed = time.perf_counter() - started
            stored = store.counts()["conversations"]
    print(f"corpus: {args.source.name} x{args.copies} = {total} conversations")
    print(f"redaction: {'off' if args.no_redact else 'on'}; store: {'given URL' if args.db else 'SQLite file'}")
    print(f"stored {summary.conversations.stored}, duplicates {summary.duplicates}, rejected {summary.rejected}; "
          f"rows in store {stored}")
    print(f"time {elapsed:.1f} s -> {summary.read / elapsed:,.0f} conversations/s")
    print(f"peak RSS {peak_rss_mib():.0f} MiB (before ingest {rss_before:.0f} MiB)")


if __name__ == "__main__":
    main()
