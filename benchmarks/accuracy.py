"""Accuracy of the learned engine, measured on brands and written sets it never saw.

One command:
    python benchmarks/accuracy.py [--data ../shared/data] [--folds 5] [--learning-curve] [--without VIEW ...]
                                  [--no-train GROUP ...] [--always-train GROUP ...] [--no-uss] [--out accuracy.json]

Grouped cross-validation: the real Twitter threads (``twitter_care/labels/train_gold.jsonl``, held-out
ids never read) are grouped by company and the written multi-turn conversations (``multiturn``, and
FixFirst's own ``data/written``) by set, and each fold
leaves whole groups out - a new FixFirst customer is a brand the models never saw. Every model
(outcome, behaviours, sentiment), its calibration temperature and its behaviour thresholds are refitted
inside each training part (thresholds by an inner grouped CV); nothing is chosen on a test fold.
Reports per corpus: outcome accuracy, macro-F1, confusion, calibration (reliability table, Brier
score), per-behaviour P/R/F1, sentiment accuracy; with ``--learning-curve`` the same at 25/50/100% of
the training data; with ``--without`` the same with views removed (ablation: ``--without cues`` is the
plain word + character n-gram model). ``--no-train`` keeps corpora or sets out of every training
part (``--no-train written``, ``--no-train written:w01``) while still scoring them: the same folds
with and without a set say whether it helps; ``--always-train written`` trains every fold on those
and tests none of them, so the other corpora keep the folds they had before the set existed. On
USS (MWOZ, SGD): Spearman correlation between the shipped engine's score and the mean human
rating, and the AUC for ratings <= 2 vs >= 4.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from rich.console import Console
from rich.table import Table
from scipy.stats import mannwhitneyu, spearmanr

from fixfirst.analyze import analyze
from fixfirst.analyze.learned import training
from fixfirst.analyze.learned.corpus import DEFAULT_DATA, default_corpora, load_corpus, missing_corpora
from fixfirst.analyze.learned.evaluation import score_all
from fixfirst.analyze.learned.features import FeatureSpace
from fixfirst.model import Behaviour, Conversation, Outcome, Role, Turn


def read_uss(path: Path) -> Iterator[tuple[Conversation, float]]:
    """USS dialogues (SYSTEM = agent, USER = customer) with the mean OVERALL rating."""
    block: list[list[str]] = []
    number = 0

    def emit(lines: list[list[str]]) -> tuple[Conversation, float] | None:
        turns, rating = [], None
        for parts in lines:
            role, text = parts[0], parts[1] if len(parts) > 1 else ""
            if role == "USER" and text.strip() == "OVERALL":
                ratings = [float(x) for x in parts[3].split(",") if x.strip()] if len(parts) > 3 else []
                rating = sum(ratings) / len(ratings) if ratings else None
                continue
            if not text.strip():
                continue
            turns.append(Turn(index=len(turns), role=Role.AGENT if role == "SYSTEM" else Role.CUSTOMER, text=text))
        if not turns or rating is None:
            return None
        return Conversation(id=f"{path.stem}-{number}", channel="chat", turns=tuple(turns)), rating

    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip():
                if block and (item := emit(block)):
                    yield item
                    number += 1
                block = []
                continue
            block.append(line.split("\t"))
    if block and (item := emit(block)):
        yield item


def evaluate_uss(uss_dir: Path) -> dict:
    out = {}
    for name in ("MWOZ", "SGD"):
        path = uss_dir / f"{name}.txt"
        if not path.exists():
            continue
        items = list(read_uss(path))
        results = list(analyze(c for c, _ in items))
        scores = np.array([r.score.points if r.score else 0.0 for r in results])
        ratings = np.array([rating for _, rating in items])
        high, low = scores[ratings >= 4], scores[ratings <= 2]
        auc = (
            float(mannwhitneyu(high, low, alternative="two-sided").statistic / (len(high) * len(low)))
            if len(high) and len(low)
            else float("nan")
        )
        rho = spearmanr(scores, ratings)
        out[name] = {
            "n": len(items),
            "spearman": float(rho.statistic),
            "spearman_p": float(rho.pvalue),
            "auc_low_vs_high": auc,
            "n_low": int((ratings <= 2).sum()),
            "n_high": int((ratings >= 4).sum()),
            "outcomes": dict(Counter(r.outcome.label.value for r in results)),
        }
    return out


def drop_views(matrix: sp.csr_matrix, space: FeatureSpace, views: set[str]) -> sp.csr_matrix:
    """Zero the columns of the named views (an ablation: the model never sees them)."""
    keep = np.ones(space.width)
    offset = 0
    for spec in space.specs:
        if spec.name in views:
            keep[offset : offset + spec.width] = 0.0
        offset += spec.width
    return sp.csr_matrix(matrix @ sp.diags(keep))


def render(name: str, scores: dict, console: Console) -> None:
    table = Table(title=f"Grouped cross-validation: {name}")
    table.add_column("metric")
    for corpus in scores:
        table.add_column(f"{corpus} (n={scores[corpus]['outcome']['n']})", justify="right")
    for key, label in (("accuracy", "outcome accuracy"), ("macro_f1", "outcome macro-F1"), ("brier", "outcome Brier")):
        table.add_row(label, *(f"{s['outcome'][key]:.3f}" for s in scores.values()))
    for key in ("sentiment_start_accuracy", "sentiment_end_accuracy"):
        table.add_row(key.replace("_", " "), *(f"{s[key]:.3f}" for s in scores.values()))
    for b in Behaviour:
        table.add_row(
            b.value,
            *(
                "{precision:.2f} / {recall:.2f} / {f1:.2f} ({positives})".format(**s["behaviours"][b.value])
                for s in scores.values()
            ),
        )
    console.print(table)
    for corpus, s in scores.items():
        confusion = Table(title=f"Outcome confusion, {corpus} (rows gold, columns predicted)")
        confusion.add_column("gold")
        for o in Outcome:
            confusion.add_column(o.value[:10], justify="right")
        for gold in Outcome:
            confusion.add_row(gold.value, *(str(s["outcome"]["confusion"][gold.value][p.value]) for p in Outcome))
        console.print(confusion)
        reliability = Table(title=f"Outcome calibration, {corpus}")
        for column in ("confidence", "n", "mean confidence", "accuracy"):
            reliability.add_column(column, justify="right")
        for row in s["outcome"]["reliability"]:
            reliability.add_row(row["bin"], str(row["n"]), f"{row['mean_confidence']:.2f}", f"{row['accuracy']:.2f}")
        console.print(reliability)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=training.OUTER_FOLDS)
    parser.add_argument("--learning-curve", action="store_true", help="also train on 25%% and 50%% of each fold")
    parser.add_argument("--without", nargs="*", default=[], help="views to remove (ablation), e.g. cues")
    parser.add_argument("--no-train", nargs="*", default=[], metavar="GROUP",
                        help="corpora (written) or sets (written:w01) scored but never trained on")
    parser.add_argument("--always-train", nargs="*", default=[], metavar="GROUP",
                        help="corpora or sets in every training part and no test part")
    parser.add_argument("--no-uss", action="store_true", help="skip the USS correlation")
    parser.add_argument("--out", type=Path, default=Path("accuracy.json"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    console = Console()
    for missing in missing_corpora(args.data):  # scored without it, the tables leave that corpus out
        console.print(f"[yellow]not found, left out: {missing}[/yellow]")
    design = training.build_design(load_corpus(default_corpora(args.data)))
    if args.without:
        views = set(args.without)
        design.outcome_x = drop_views(design.outcome_x, training.OUTCOME_SPACE, views)
        design.turn_x = drop_views(design.turn_x, training.TURN_SPACE, views)
        design.start_x = drop_views(design.start_x, training.SENTIMENT_SPACE, views)
        design.end_x = drop_views(design.end_x, training.SENTIMENT_SPACE, views)
    excluded = set(args.no_train)
    trainable = np.array([e.corpus not in excluded and e.group not in excluded for e in design.examples])
    pinned = set(args.always_train)
    always = np.array([e.corpus in pinned or e.group in pinned for e in design.examples])
    report: dict = {
        "without": args.without, "no_train": args.no_train, "always_train": args.always_train,
        "folds": args.folds, "groups": len(set(design.groups)),
    }
    fractions = (0.25, 0.5, 1.0) if args.learning_curve else (1.0,)
    report["learning_curve"] = {}
    for fraction in fractions:
        cv = training.cross_validate(
            design, args.folds, fraction, trainable=trainable, always_train=always if always.any() else None
        )
        scores = score_all(design, cv)
        report["learning_curve"][f"{fraction:.2f}"] = {
            corpus: {"accuracy": s["outcome"]["accuracy"], "macro_f1": s["outcome"]["macro_f1"]}
            for corpus, s in scores.items()
        }
        if fraction == 1.0:
            report["grouped_cv"] = scores
            render("all training data" + (f", without {args.without}" if args.without else ""), scores, console)
        console.print(
            f"[{time.perf_counter() - started:.0f}s] {fraction:.0%}: "
            + json.dumps(report["learning_curve"][f"{fraction:.2f}"])
        )
    if not args.no_uss:
        report["uss"] = evaluate_uss(args.data / "uss")
        for name, r in report["uss"].items():
            console.print(f"USS {name}: n={r['n']} spearman={r['spearman']:.3f} AUC={r['auc_low_vs_high']:.3f}")
    report["seconds"] = round(time.perf_counter() - started, 1)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    console.print(f"wrote {args.out} in {report['seconds']}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
