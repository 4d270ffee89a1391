"""Accuracy of the default analysis engine against labelled conversations.

One command:
    python benchmarks/accuracy.py [--labels PATH] [--conversations PATH] [--uss DIR] [--out accuracy.json]

Reports, on twitter_care dev labels: outcome accuracy, macro-F1 and confusion matrix; precision,
recall and F1 per behaviour; sentiment start/end accuracy - for the whole dev set and for two
fixed halves (split by a hash of the id: rules were developed looking at half A, half B is the
check of generalisation). On USS (MWOZ, SGD): Spearman correlation between the engine's score and
the mean human dialogue rating, and the AUC for separating ratings <= 2 from >= 4.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from scipy.stats import mannwhitneyu, spearmanr

from fixfirst.analyze import analyze
from fixfirst.analyze.outcome_training import DEFAULT_L2, cross_validate, design
from fixfirst.model import AnalysisResult, Behaviour, Conversation, Outcome, Role, Turn

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"


def read_twitter_care(path: Path) -> Iterator[Conversation]:
    """Minimal reader of the twitter_care JSONL (kept here so the benchmark does not depend on ingest)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            turns = tuple(
                Turn(index=i, role=Role(t["role"]), author=t.get("author"), text=t["text"])
                for i, t in enumerate(record["turns"])
            )
            yield Conversation(
                id=record["id"], channel=record.get("channel", "twitter"), company=record.get("company"), turns=turns
            )


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
            turns.append(
                Turn(index=len(turns), role=Role.AGENT if role == "SYSTEM" else Role.CUSTOMER, text=text)
            )
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


def half_of(conversation_id: str) -> str:
    return "A" if int(hashlib.sha256(conversation_id.encode()).hexdigest(), 16) % 2 == 0 else "B"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(pairs: list[tuple[dict, AnalysisResult]]) -> dict:
    outcomes = [o.value for o in Outcome]
    confusion = {gold: Counter() for gold in outcomes}
    for gold, result in pairs:
        confusion[gold["outcome"]][result.outcome.label.value] += 1
    correct = sum(confusion[o][o] for o in outcomes)
    per_outcome = {}
    f1s = []
    for o in outcomes:
        tp = confusion[o][o]
        fp = sum(confusion[g][o] for g in outcomes if g != o)
        fn = sum(confusion[o].values()) - tp
        p, r, f = prf(tp, fp, fn)
        support = sum(confusion[o].values())
        per_outcome[o] = {"precision": p, "recall": r, "f1": f, "support": support}
        if support:
            f1s.append(f)
    behaviours = {}
    for b in Behaviour:
        tp = fp = fn = 0
        for gold, result in pairs:
            truth, predicted = b.value in gold["behaviours"], result.has(b.value)
            tp += truth and predicted
            fp += predicted and not truth
            fn += truth and not predicted
        p, r, f = prf(tp, fp, fn)
        behaviours[b.value] = {
            "precision": p,
            "recall": r,
            "f1": f,
            "positives": tp + fn,
            "predicted": tp + fp,
        }
    n = len(pairs)
    return {
        "n": n,
        "outcome_accuracy": correct / n if n else 0.0,
        "outcome_macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "outcomes": per_outcome,
        "confusion": {g: dict(c) for g, c in confusion.items()},
        "behaviours": behaviours,
        "sentiment_start_accuracy": sum(
            g["customer_sentiment_start"] == r.customer_sentiment.start.value for g, r in pairs
        )
        / n,
        "sentiment_end_accuracy": sum(
            g["customer_sentiment_end"] == r.customer_sentiment.end.value for g, r in pairs
        )
        / n,
    }


def auc_low_high(scores: np.ndarray, ratings: np.ndarray) -> float:
    """AUC of "score separates mean rating >= 4 from <= 2", via the Mann-Whitney U statistic."""
    high, low = scores[ratings >= 4], scores[ratings <= 2]
    if not len(high) or not len(low):
        return float("nan")
    u = mannwhitneyu(high, low, alternative="two-sided").statistic
    return float(u / (len(high) * len(low)))


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
        rho = spearmanr(scores, ratings)
        out[name] = {
            "n": len(items),
            "spearman": float(rho.statistic),
            "spearman_p": float(rho.pvalue),
            "auc_low_vs_high": auc_low_high(scores, ratings),
            "n_low": int((ratings <= 2).sum()),
            "n_high": int((ratings >= 4).sum()),
            "outcomes": dict(Counter(r.outcome.label.value for r in results)),
        }
    return out


def outcome_cross_validation(conversations: list[Conversation], gold: dict[str, dict]) -> dict:
    """Cross-validated outcome numbers of cascade + learned weighting (5-fold x10, as outcome_training).

    Why: the shipped weights (``models/outcome_lr.json``) are fitted on these same dev labels, so the
    in-sample table above flatters the outcome. These numbers refit the weights without each held-out
    fold and are the honest estimate for unseen threads.
    """
    items = [(c, gold[c.id]["outcome"]) for c in conversations]
    # design() skips contacts without an agent turn; keep the id order aligned with its rows
    kept = [c.id for c, _ in items if any(t.role is Role.AGENT for t in c.turns)]
    x, y, cascades, decisive, masks = design(items)
    out = {"l2": DEFAULT_L2, "folds": 5, "repeats": 10}
    subsets = {
        "all": None,
        "half_A (developed on)": np.array([half_of(i) == "A" for i in kept]),
        "half_B (held out)": np.array([half_of(i) == "B" for i in kept]),
    }
    for key, subset in subsets.items():
        base, learned, spread = cross_validate(x, y, cascades, decisive, masks, subset=subset)
        out[key] = {
            "n": int(len(kept) if subset is None else subset.sum()),
            "cascade_accuracy": float(base[0]),
            "cascade_macro_f1": float(base[1]),
            "cv_accuracy": float(learned[0]),
            "cv_macro_f1": float(learned[1]),
            "cv_accuracy_sd": float(spread[0]),
            "cv_macro_f1_sd": float(spread[1]),
        }
    return out


def render(report: dict, console: Console) -> None:
    sets = report["twitter_care"]
    table = Table(title="Outcome and sentiment (twitter_care dev)")
    table.add_column("metric")
    for key in sets:
        table.add_column(f"{key} (n={sets[key]['n']})", justify="right")
    for metric in (
        "outcome_accuracy",
        "outcome_macro_f1",
        "sentiment_start_accuracy",
        "sentiment_end_accuracy",
    ):
        table.add_row(metric, *(f"{sets[k][metric]:.3f}" for k in sets))
    cv = report.get("outcome_cv")
    if cv:
        for metric, label in (("cv_accuracy", "outcome_accuracy CV"), ("cv_macro_f1", "outcome_macro_f1 CV")):
            table.add_row(label, *(f"{cv[k][metric]:.3f}" for k in sets))
    console.print(table)
    if cv:
        console.print(
            "outcome rows above are in-sample (the learned weighting was fitted on these labels); "
            f"'CV' rows: {cv['folds']}-fold x{cv['repeats']} cross-validation of the weighting "
            f"(l2={cv['l2']}), the honest estimate"
        )
    table = Table(title="Behaviours (P / R / F1, positives)")
    table.add_column("behaviour")
    for key in sets:
        table.add_column(key, justify="right")
    for b in Behaviour:
        table.add_row(
            b.value,
            *(
                "{precision:.2f} / {recall:.2f} / {f1:.2f} ({positives})".format(
                    **sets[k]["behaviours"][b.value]
                )
                for k in sets
            ),
        )
    console.print(table)
    table = Table(title="Outcome confusion (rows gold, columns predicted; all dev)")
    outcomes = [o.value for o in Outcome]
    table.add_column("gold")
    for o in outcomes:
        table.add_column(o[:10], justify="right")
    for gold in outcomes:
        table.add_row(gold, *(str(sets["all"]["confusion"][gold].get(o, 0)) for o in outcomes))
    console.print(table)
    if report.get("uss"):
        table = Table(title="USS: engine score vs human dialogue rating")
        for column in ("set", "n", "spearman", "AUC (<=2 vs >=4)", "n low / high"):
            table.add_column(column)
        for name, r in report["uss"].items():
            table.add_row(
                name,
                str(r["n"]),
                f"{r['spearman']:.3f}",
                f"{r['auc_low_vs_high']:.3f}",
                f"{r['n_low']} / {r['n_high']}",
            )
        console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DATA / "twitter_care" / "dev_labels.jsonl")
    parser.add_argument("--conversations", type=Path, default=DATA / "twitter_care" / "conversations.jsonl")
    parser.add_argument("--uss", type=Path, default=DATA / "uss")
    parser.add_argument("--out", type=Path, default=Path("accuracy.json"))
    parser.add_argument(
        "--no-uss", action="store_true", help="skip the USS correlation (faster while iterating)"
    )
    parser.add_argument(
        "--errors", action="store_true", help="print ids of outcome errors (no transcript text)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    gold = {g["id"]: g for g in map(json.loads, args.labels.read_text(encoding="utf-8").splitlines())}
    conversations = [c for c in read_twitter_care(args.conversations) if c.id in gold]
    pairs = [(gold[r.id], r) for r in analyze(conversations)]
    report = {
        "twitter_care": {
            "all": evaluate(pairs),
            "half_A (developed on)": evaluate([p for p in pairs if half_of(p[0]["id"]) == "A"]),
            "half_B (held out)": evaluate([p for p in pairs if half_of(p[0]["id"]) == "B"]),
        },
        "outcome_cv": outcome_cross_validation(conversations, gold),
        "uss": {} if args.no_uss else evaluate_uss(args.uss),
    }
    report["seconds"] = round(time.perf_counter() - started, 2)
    console = Console()
    render(report, console)
    if args.errors:
        for g, r in pairs:
            if g["outcome"] != r.outcome.label.value:
                console.print(
                    f"{half_of(g['id'])} {g['id']}: gold={g['outcome']} predicted={r.outcome.label.value}"
                )
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    console.print(f"wrote {args.out} in {report['seconds']}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
