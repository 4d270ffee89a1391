"""Rebuild every learned model from the agreement gold: ``python -m fixfirst.train``.

Reads ``../shared/data`` (real Twitter threads and written multi-turn conversations; held-out ids are
never read) and the repository's ``data/written`` (FixFirst's own written sets, same labelling), fits
the outcome, behaviour and sentiment models with a fixed seed, and writes them with a ``meta.json``
(data hash, lexicon fingerprint, features, thresholds, library versions) into the package's model
folder. ``--cv`` also runs the grouped cross-validation and stores its scores there. It then rebuilds
the mono-call speaker-role model (`fixfirst.ingest.calls.speaker_roles`) beside the call code.
A few minutes on a laptop CPU.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import sklearn

from fixfirst.analyze.learned import training
from fixfirst.analyze.learned.corpus import (
    DEFAULT_DATA,
    REPO_DATA,
    data_fingerprint,
    default_corpora,
    load_corpus,
    missing_corpora_error,
)
from fixfirst.analyze.learned.features import OUTCOME_SPACE, SENTIMENT_SPACE, TURN_SPACE
from fixfirst.analyze.learned.reading import MODEL_DIR
from fixfirst.analyze.lexicon import BUILTIN_LEXICON_DIR
from fixfirst.ingest.calls import speaker_roles


def lexicon_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(BUILTIN_LEXICON_DIR.glob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=MODEL_DIR,
                        help="where the model files go (the speaker-role model too, unless it is the package's)")
    parser.add_argument("--cv", action="store_true", help="also run grouped cross-validation (slower)")
    parser.add_argument("--allow-missing", action="store_true",
                        help="train on the corpora that are present (never for the shipped models)")
    args = parser.parse_args(argv)
    if (error := missing_corpora_error(args.data)) and not args.allow_missing:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    specs = default_corpora(args.data)
    examples = load_corpus(specs)
    design = training.build_design(examples)
    print(f"read {len(examples)} labelled conversations, {design.turn_x.shape[0]} turns", flush=True)
    models = training.fit(design)
    meta = {
        "engine": "fixfirst-learned-1",
        "trained_on": {s.name: str(s.labels.name) for s in specs},
        "examples": {name: sum(e.corpus == name for e in examples) for name in {s.name for s in specs}},
        "data_sha256": data_fingerprint(specs),
        "lexicon_sha256": lexicon_fingerprint(),
        "commit": _commit(),
        "seed": training.SEED,
        "c": {
            "outcome": training.OUTCOME_C,
            "behaviour": training.BEHAVIOUR_C,
            "sentiment_start": training.SENTIMENT_START_C,
            "sentiment_end": training.SENTIMENT_END_C,
        },
        "features": {
            "outcome": OUTCOME_SPACE.describe(),
            "turn": TURN_SPACE.describe(),
            "sentiment": SENTIMENT_SPACE.describe(),
        },
        "scikit_learn": sklearn.__version__,
        "outcome_temperature": models.outcome.temperature,
    }
    if args.cv:
        from fixfirst.analyze.learned.evaluation import score_all

        scores = score_all(design, training.cross_validate(design))
        meta["grouped_cv"] = {
            name: {
                "outcome_accuracy": s["outcome"]["accuracy"],
                "outcome_macro_f1": s["outcome"]["macro_f1"],
                "outcome_brier": s["outcome"]["brier"],
                "behaviour_f1": {b: round(v["f1"], 3) for b, v in s["behaviours"].items()},
                "sentiment_start_accuracy": s["sentiment_start_accuracy"],
            }
            for name, s in scores.items()
        }
    models.save(args.out, meta)
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f}s (fingerprint {models.meta['fingerprint']})")
    roles, report = speaker_roles.train(args.data, REPO_DATA)  # who says what, for mono calls
    roles_dir = speaker_roles.MODEL_DIR if args.out == MODEL_DIR else args.out  # --out: leave the shipped one
    roles.save(roles_dir, speaker_roles.MODEL_NAME)
    print(f"wrote {roles_dir} (turn roles, grouped CV accuracy {report['grouped_cv_accuracy']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
