"""Throughput and memory of the full default analysis, streamed, versus a plain VADER pass.

One command:
    python benchmarks/throughput.py [--repeat 100] [--conversations PATH] [--out throughput.json]

Reads twitter_care/conversations.jsonl line by line, ``--repeat`` times over (never holding the
corpus), runs ``fixfirst.analyze.analyze`` (outcome, all ten detectors, sentiment, score) and turns
each result into its JSON line. Prints conversations per second and peak RSS at 10% and 100% of
the stream (flat memory = streaming works). Then the same stream through VADER's
``polarity_scores`` on every turn, for the time ratio. Single process, so it measures one core.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from fixfirst.analyze import analyze, result_to_json
from fixfirst.model import Conversation, Role, Turn

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CONVERSATIONS = REPO.parent / "shared" / "data" / "twitter_care" / "conversations.jsonl"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def stream(path: Path, repeat: int) -> Iterator[Conversation]:
    """The corpus ``repeat`` times over, one line at a time (ids made unique per pass)."""
    for round_number in range(repeat):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                yield Conversation(
                    id=f"{record['id']}-{round_number}",
                    channel=record.get("channel", "twitter"),
                    turns=tuple(
                        Turn(index=i, role=Role(t["role"]), text=t["text"])
                        for i, t in enumerate(record["turns"])
                    ),
                )


def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--conversations", type=Path, default=DEFAULT_CONVERSATIONS)
    parser.add_argument("--out", type=Path, default=Path("throughput.json"))
    args = parser.parse_args(argv)
    total = count_lines(args.conversations) * args.repeat
    checkpoint = max(total // 10, 1)
    console = Console()

    # Warm-up outside the timing: lexicon compile and VADER lexicon load happen once per process.
    list(analyze(stream(args.conversations, 1).__next__() for _ in range(1)))
    rss_start = peak_rss_mb()
    started = time.perf_counter()
    done, turns, rss_10 = 0, 0, 0.0
    for result in analyze(stream(args.conversations, args.repeat)):
        result_to_json(result)
        done += 1
        if done == checkpoint:
            rss_10 = peak_rss_mb()
    engine_seconds = time.perf_counter() - started
    rss_100 = peak_rss_mb()

    vader = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    for conversation in stream(args.conversations, args.repeat):
        for turn in conversation.turns:
            vader.polarity_scores(turn.text)
            turns += 1
    vader_seconds = time.perf_counter() - started

    report = {
        "conversations": done,
        "turns": turns,
        "engine_seconds": round(engine_seconds, 2),
        "engine_conversations_per_second": round(done / engine_seconds, 1),
        "vader_seconds": round(vader_seconds, 2),
        "vader_conversations_per_second": round(done / vader_seconds, 1),
        "time_ratio_vs_vader": round(engine_seconds / vader_seconds, 2),
        "peak_rss_mb_before": round(rss_start, 1),
        "peak_rss_mb_at_10_percent": round(rss_10, 1),
        "peak_rss_mb_at_100_percent": round(rss_100, 1),
        "python": sys.version.split()[0],
    }
    table = Table(title=f"Throughput: {done:,} conversations ({turns:,} turns), one process")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in report.items():
        table.add_row(key, f"{value:,}" if isinstance(value, int | float) else str(value))
    console.print(table)
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
