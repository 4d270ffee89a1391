"""Fine-tune all-MiniLM-L6-v2 on each training part of the shipped folds; write out-of-fold predictions.

    python benchmarks/transformer_probe_train.py PROBE_DIR OUT_DIR [--limit N] [--device cuda]

Reads what ``transformer_probe.py prepare`` wrote (token ids, labels, folds, the encoder's weights)
and needs torch and transformers, nothing of FixFirst, so it runs as-is on a GPU machine. For each
fold: one outcome classifier (mean-pooled encoder, class-balanced cross-entropy) and one turn
classifier with a head per behaviour (binary cross-entropy on the turns whose speaker can show it
and whose contact's gold is known). The settings below were fixed before any result was seen.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from transformers import BertConfig, BertModel

SEED = 20261202
OUTCOME = {"epochs": 6, "batch": 32, "lr": 5e-5}
TURNS = {"epochs": 4, "batch": 64, "lr": 5e-5}


class Classifier(torch.nn.Module):
    def __init__(self, config: BertConfig, weights: dict[str, np.ndarray], outputs: int) -> None:
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        state = {k: torch.from_numpy(v.astype(np.float32)) for k, v in weights.items()}
        missing, unexpected = self.encoder.load_state_dict(state, strict=False)
        if missing:
            raise SystemExit(f"weights missing: {missing}")
        self.head = torch.nn.Linear(config.hidden_size, outputs)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1)
        return self.head(pooled)


def batch_of(ids: np.ndarray, offsets: np.ndarray, rows: np.ndarray, device: str) -> tuple[torch.Tensor, ...]:
    length = int(max(offsets[r + 1] - offsets[r] for r in rows))
    x = np.zeros((len(rows), length), dtype=np.int64)
    m = np.zeros((len(rows), length), dtype=np.int64)
    for i, r in enumerate(rows):
        seq = ids[offsets[r] : offsets[r + 1]]
        x[i, : len(seq)], m[i, : len(seq)] = seq, 1
    return torch.from_numpy(x).to(device), torch.from_numpy(m).to(device)


def train_and_predict(model, ids, offsets, train_rows, test_rows, loss_of, settings, device, seed) -> np.ndarray:
    rng = np.random.default_rng(seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=settings["lr"], weight_decay=0.01)
    steps = settings["epochs"] * math.ceil(len(train_rows) / settings["batch"])
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup)))
    )
    model.train()
    for _ in range(settings["epochs"]):
        order = rng.permutation(train_rows)
        for start in range(0, len(order), settings["batch"]):
            rows = order[start : start + settings["batch"]]
            x, m = batch_of(ids, offsets, rows, device)
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == "cuda"):
                logits = model(x, m)
            loss = loss_of(logits.float(), rows)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
    model.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(test_rows), 256):
            x, m = batch_of(ids, offsets, test_rows[start : start + 256], device)
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == "cuda"):
                out.append(model(x, m).float().cpu().numpy())
    return np.concatenate(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("probe", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="train on this many rows per fold (a smoke test)")
    parser.add_argument("--folds", type=int, nargs="*", default=None)
    parser.add_argument("--seed", type=int, default=SEED, help="another seed gives another run to average")
    parser.add_argument("--outcome-only", action="store_true", help="skip the turn (behaviour) model")
    parser.add_argument("--epochs", type=int, default=OUTCOME["epochs"], help="outcome model's epochs")
    parser.add_argument("--lr", type=float, default=OUTCOME["lr"], help="outcome model's learning rate")
    parser.add_argument("--unbalanced", action="store_true", help="outcome loss without class weights")
    parser.add_argument("--tag", default="", help="added to the output file's name")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    data = np.load(args.probe / "data.npz")
    weights = dict(np.load(args.probe / "weights.npz"))
    config = BertConfig(**json.loads((args.probe / "config.json").read_text()))
    fold, outcome_y = data["fold"], data["outcome_y"]
    turn_owner, turn_y, turn_mask = data["turn_owner"], data["turn_y"], data["turn_mask"]
    n_out = int(data["outcome_classes"])
    outcome_logits = np.zeros((len(fold), n_out), dtype=np.float32)
    turn_proba = np.zeros(turn_y.shape, dtype=np.float32)
    args.out.mkdir(parents=True, exist_ok=True)
    labels = torch.from_numpy(outcome_y.astype(np.int64)).to(args.device)
    y = torch.from_numpy(turn_y.astype(np.float32)).to(args.device)
    w = torch.from_numpy(turn_mask.astype(np.float32)).to(args.device)

    def turn_loss(z: torch.Tensor, rows: np.ndarray) -> torch.Tensor:
        per = torch.nn.functional.binary_cross_entropy_with_logits(z, y[rows], reduction="none") * w[rows]
        return per.sum() / w[rows].sum().clamp(min=1)

    started = time.time()
    for k in args.folds if args.folds is not None else sorted(set(fold.tolist())):
        train = np.flatnonzero((fold != k) & (outcome_y >= 0))
        test = np.flatnonzero(fold == k)
        if args.limit:
            train = train[: args.limit]
        counts = np.bincount(outcome_y[train], minlength=n_out).astype(np.float32)
        balance = None if args.unbalanced else torch.tensor(
            len(train) / (n_out * np.maximum(counts, 1)), device=args.device
        )
        torch.manual_seed(args.seed + k)
        model = Classifier(config, weights, n_out).to(args.device)
        outcome_logits[test] = train_and_predict(
            model, data["outcome_ids"], data["outcome_offsets"], train, test,
            lambda z, rows, balance=balance: torch.nn.functional.cross_entropy(z, labels[rows], weight=balance),
            {**OUTCOME, "epochs": args.epochs, "lr": args.lr}, args.device, args.seed,
        )
        print(f"fold {k}: outcome done at {time.time() - started:.0f}s", flush=True)
        if args.outcome_only:
            continue
        in_train = fold[turn_owner] != k
        t_train = np.flatnonzero(in_train & (turn_mask.sum(1) > 0))
        t_test = np.flatnonzero(~in_train)
        if args.limit:
            t_train = t_train[: args.limit * 4]
        torch.manual_seed(args.seed + 100 + k)
        model = Classifier(config, weights, turn_y.shape[1]).to(args.device)
        logits = train_and_predict(
            model, data["turn_ids"], data["turn_offsets"], t_train, t_test,
            turn_loss,
            TURNS, args.device, args.seed,
        )
        turn_proba[t_test] = 1 / (1 + np.exp(-logits))
        print(f"fold {k}: turns done at {time.time() - started:.0f}s", flush=True)
    np.savez(args.out / f"oof{args.tag}-{args.seed}.npz", outcome_logits=outcome_logits, turn_proba=turn_proba)
    print(f"wrote {args.out / f'oof{args.tag}-{args.seed}.npz'} in {time.time() - started:.0f}s")


if __name__ == "__main__":
    main()
