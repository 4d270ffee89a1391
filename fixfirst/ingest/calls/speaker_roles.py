"""Who said it, from what was said: the agent / customer split of a mono recording.

Why: a mono call has one channel for both parties. Pauses cut it into utterances and the parties
mostly alternate, but when one talks over the other, voice-activity detection merges both into one
region and plain alternation stays out of step for the rest of the call (56% of the words right on
the billing test call). What a party says tells them apart - agents say "I can see both payments",
"I have refunded", customers "I was charged", "my internet". So:

- a logistic regression on word 1-2-grams of a turn's text gives P(agent | words). It is trained on
  every agent and customer turn of the labelled corpora (real Twitter threads without the held-out
  ones, written chats, e-mails and phone transcripts; only who spoke is used, no label), with a
  temperature fitted on out-of-fold scores grouped by company / written set, so its probabilities
  mean what they say on a company it never saw;
- a two-state Viterbi pass over the utterances' sentences combines those scores with a turn-taking
  prior: the agent answers the call, the speaker usually changes at a pause, rarely between two
  sentences of one utterance (which is how talking over shows up), and after a hold the same
  speaker usually goes on. One merged or misheard utterance then no longer shifts everything after it.

The prior's numbers are set from how calls run, not fitted to the test calls (`AGENT_FIRST`,
`SWITCH_AT_PAUSE`, `SWITCH_IN_UTTERANCE`, `SWITCH_AFTER_HOLD`). Rebuild the model with
``python -m fixfirst.ingest.calls.speaker_roles`` (reads ``../shared/data`` and ``data/written``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from fixfirst.analyze.learned.features import FeatureSpace, ViewSpec, normalise
from fixfirst.analyze.learned.linear import LinearModel, sigmoid

Interval = tuple[float, float]

ROLE_SPACE = FeatureSpace([ViewSpec("text", "word", (1, 2), bits=18)])
MODEL_DIR = Path(__file__).parent / "model"
MODEL_NAME = "speaker_role"
#: P(the first utterance is the agent's): the agent answers the call.
AGENT_FIRST = 0.8
#: P(the speaker changes) at a pause between two utterances, and after a hold-length silence.
SWITCH_AT_PAUSE = 0.8
SWITCH_AFTER_HOLD = 0.3
#: P(the speaker changes) between two sentences of one utterance: rare, but it is how a voice
#: talking over the other shows up (both merge into one utterance).
SWITCH_IN_UTTERANCE = 0.25
#: Probabilities are kept inside [FLOOR, 1 - FLOOR]: one confident word never overrules everything.
FLOOR = 0.02
SEED = 20261203
ROLE_C = 1.0
FOLDS = 5


@cache
def role_model() -> LinearModel:
    return LinearModel.load(MODEL_DIR, MODEL_NAME)


def agent_probability(texts: Sequence[str]) -> np.ndarray:
    """P(agent) for each text from its words alone; 0.5 for a text with no words."""
    if not texts:
        return np.zeros(0)
    scores = role_model().proba(ROLE_SPACE.transform([{"text": normalise(t)} for t in texts]))[:, 0]
    return np.where([bool(t.strip()) for t in texts], np.clip(scores, FLOOR, 1 - FLOOR), 0.5)


def decode_parties(units: Sequence[Interval], texts: Sequence[str], hold_s: float, pause_s: float) -> list[str]:
    """The most likely agent / customer sequence for time-ordered pieces of speech and their words.

    Two pieces `pause_s` or more apart are separate utterances (the speaker usually changes); closer
    ones are sentences of one utterance (usually the same speaker); `hold_s` or more is a hold.
    """
    if not units:
        return []
    agent = agent_probability(texts)
    emit = np.log(np.stack([agent, 1 - agent], axis=1))  # columns: agent, customer
    score = np.log([AGENT_FIRST, 1 - AGENT_FIRST]) + emit[0]
    back: list[tuple[int, int]] = []
    for i in range(1, len(units)):
        gap = units[i][0] - units[i - 1][1]
        switch = SWITCH_AFTER_HOLD if gap >= hold_s else SWITCH_AT_PAUSE if gap >= pause_s else SWITCH_IN_UTTERANCE
        stay, change = math.log(1 - switch), math.log(switch)
        from_agent = (score[0] + stay, score[1] + change)  # into agent: from agent, from customer
        from_customer = (score[0] + change, score[1] + stay)  # into customer
        best = (int(np.argmax(from_agent)), int(np.argmax(from_customer)))
        back.append(best)
        score = np.array([from_agent[best[0]], from_customer[best[1]]]) + emit[i]
    state = int(np.argmax(score))
    path = [state]
    for best in reversed(back):
        state = best[state]
        path.append(state)
    return ["agent" if s == 0 else "customer" for s in reversed(path)]


def _turns(data: Path, repo_data: Path) -> tuple[list[str], list[int], list[str], list[str]]:
    """Texts, labels (1 = agent), groups and corpus names of every agent and customer turn."""
    from fixfirst.analyze.learned.corpus import default_corpora, excluded_ids, group_of
    from fixfirst.ingest import fixfirst_jsonl
    from fixfirst.model import Conversation, Role

    texts: list[str] = []
    labels: list[int] = []
    groups: list[str] = []
    corpora: list[str] = []
    for spec in default_corpora(data, repo_data):
        excluded = excluded_ids(spec)
        for item in fixfirst_jsonl.read(spec.conversations):
            if not isinstance(item, Conversation) or item.id in excluded:
                continue
            for turn in item.turns:
                if turn.role in (Role.AGENT, Role.CUSTOMER) and turn.text.strip():
                    texts.append(turn.text)
                    labels.append(int(turn.role is Role.AGENT))
                    groups.append(group_of(spec, item))
                    corpora.append(spec.name)
    return texts, labels, groups, corpora


def train(data: Path, repo_data: Path) -> tuple[LinearModel, dict]:
    """Fit the role model; grouped out-of-fold scores give its temperature and its accuracy."""
    from scipy.optimize import minimize_scalar
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    texts, labels, groups, corpora = _turns(data, repo_data)
    x = ROLE_SPACE.transform([{"text": normalise(t)} for t in texts])
    y = np.array(labels)

    def fitted(rows: np.ndarray) -> LinearModel:
        model = LogisticRegression(C=ROLE_C, solver="liblinear", class_weight="balanced", random_state=SEED)
        model.fit(x[rows], y[rows])
        return LinearModel(classes=("agent",), coef=model.coef_.T, intercept=model.intercept_)

    decision = np.zeros(len(y))
    order = np.argsort(groups, kind="stable")  # folds by sorted group: the same split every run
    for train_rows, test_rows in GroupKFold(FOLDS).split(x[order], y[order], np.array(groups)[order]):
        model = fitted(order[train_rows])
        decision[order[test_rows]] = model.decision(x[order[test_rows]])[:, 0]

    def log_loss(temperature: float) -> float:
        p = np.clip(sigmoid(decision / temperature), 1e-9, 1 - 1e-9)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    temperature = float(minimize_scalar(log_loss, bounds=(0.2, 10.0), method="bounded").x)
    right = (decision > 0) == (y == 1)
    names = np.array(corpora)
    report = {
        "turns": len(y),
        "agent_share": round(float(y.mean()), 3),
        "grouped_cv_accuracy": {n: round(float(right[names == n].mean()), 3) for n in sorted(set(corpora))},
        "temperature": round(temperature, 3),
        "seed": SEED,
        "c": ROLE_C,
        "features": ROLE_SPACE.describe(),
    }
    final = fitted(np.arange(len(y)))
    final.temperature = temperature
    final.meta = report
    return final, report


def main(argv: list[str] | None = None) -> int:
    from fixfirst.analyze.learned.corpus import DEFAULT_DATA, REPO_DATA, missing_corpora_error

    parser = argparse.ArgumentParser(description="Rebuild the mono-call speaker-role model.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--allow-missing", action="store_true", help="learn from the corpora that are present")
    args = parser.parse_args(argv)
    if (error := missing_corpora_error(args.data, REPO_DATA)) and not args.allow_missing:
        print(f"error: {error}", file=sys.stderr)
        return 2
    model, report = train(args.data, REPO_DATA)
    model.save(args.out, MODEL_NAME)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
