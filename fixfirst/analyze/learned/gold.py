"""Agreement gold from two independent annotators: ``python -m fixfirst.analyze.learned.gold A B --out GOLD``.

Why a module: every labelled set FixFirst learns from must be built the same way as the shared gold
(``../shared/data/*/labels``) - a value is kept only where both annotators gave it, ``null`` where they
differed - and the settled rules of LABELS.md are applied to the agreed labels, so a set added later
cannot drift from the rest. Each annotator file holds one JSON object per line:
``{"id", "outcome", "behaviours": {name: [turn indices]} (true ones only), "customer_sentiment_start",
"customer_sentiment_end", ...}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from fixfirst.model.labels import Behaviour, Outcome

BEHAVIOURS = tuple(b.value for b in Behaviour)
OUTCOMES = frozenset(o.value for o in Outcome)
SENTIMENTS = frozenset({"negative", "neutral", "positive"})
#: LABELS.md: ``hollow_apology`` goes only with these outcomes (with any other, help came with it).
HOLLOW_OUTCOMES = frozenset({"deflected", "unresolved"})


class AnnotationError(ValueError):
    """An annotator file that cannot be merged: names the file, line and reason."""


def read_annotations(path: Path) -> dict[str, dict]:
    labels: dict[str, dict] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise AnnotationError(f"{path}:{number}: not JSON ({error.msg})") from None
        problem = _problem(record)
        if problem:
            raise AnnotationError(f"{path}:{number}: {problem}")
        if record["id"] in labels:
            raise AnnotationError(f"{path}:{number}: id {record['id']!r} labelled twice")
        labels[record["id"]] = record
    return labels


def _problem(record: object) -> str | None:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return "expected an object with a string id"
    if record.get("outcome") not in OUTCOMES:
        return f"unknown outcome {record.get('outcome')!r}"
    behaviours = record.get("behaviours", {})
    if not isinstance(behaviours, dict):
        return f"behaviours: expected an object, got {behaviours!r}"
    if set(behaviours) - set(BEHAVIOURS):
        return f"unknown behaviours {sorted(set(behaviours) - set(BEHAVIOURS))}"
    for name, turns in behaviours.items():
        if not isinstance(turns, list) or not all(isinstance(t, int) and t >= 0 for t in turns):
            return f"{name}: expected a list of turn indices"
    for key in ("customer_sentiment_start", "customer_sentiment_end"):
        if record.get(key) not in SENTIMENTS:
            return f"{key}: unknown sentiment {record.get(key)!r}"
    return None


def agree(first: dict, second: dict) -> dict:
    """One gold record: agreed values, ``None`` where the annotators differ, settled rules applied."""
    outcome = first["outcome"] if first["outcome"] == second["outcome"] else None
    behaviours: dict[str, bool | None] = {}
    evidence: dict[str, list[int]] = {}
    for name in BEHAVIOURS:
        a, b = first["behaviours"].get(name), second["behaviours"].get(name)
        if bool(a) != bool(b):
            behaviours[name] = None
            continue
        behaviours[name] = bool(a)
        if a:
            evidence[name] = sorted(set(a) | set(b))  # as the shared gold: either annotator's turns
    if outcome is not None and outcome not in HOLLOW_OUTCOMES and behaviours["hollow_apology"] is not False:
        behaviours["hollow_apology"] = False
        evidence.pop("hollow_apology", None)
    record = {"id": first["id"], "outcome": outcome, "behaviours": behaviours, "evidence": evidence}
    for key in ("customer_sentiment_start", "customer_sentiment_end"):
        record[key] = first[key] if first[key] == second[key] else None
    record["annotators"] = 2
    return record


def merge(first: dict[str, dict], second: dict[str, dict], order: Iterable[str] | None = None) -> list[dict]:
    """Gold for the ids both annotators labelled, in ``order`` (default: the first file's order)."""
    ids = [i for i in (order if order is not None else first) if i in first and i in second]
    return [agree(first[i], second[i]) for i in ids]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path, help="one annotator's labels (JSON lines)")
    parser.add_argument("second", type=Path, help="the other annotator's labels")
    parser.add_argument("--out", type=Path, required=True, help="the agreement gold to write")
    args = parser.parse_args(argv)
    try:
        first, second = read_annotations(args.first), read_annotations(args.second)
    except AnnotationError as error:
        print(error, file=sys.stderr)
        return 2
    gold = merge(first, second)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold), encoding="utf-8")
    agreed = sum(r["outcome"] is not None for r in gold)
    print(f"{len(gold)} conversations, outcome agreed on {agreed} ({agreed / max(len(gold), 1):.2f}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
