"""The labelled corpora the models learn from, read through the production JSONL adapter.

Why a corpus object: training, cross-validation and the accuracy benchmark must read the same
conversations, the same gold (``null`` = annotators disagreed, left out) and the same groups (the
company for real threads, the written set for multi-turn conversations), so "a brand the model never
saw" means the same thing everywhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from fixfirst.analyze.artifacts import ConversationArtifacts, build_artifacts
from fixfirst.analyze.lexicon import Lexicon, load_lexicon
from fixfirst.ingest import fixfirst_jsonl
from fixfirst.model import Conversation

#: Where the shared labelled data lives, relative to the repository (``../shared/data``).
DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
#: Sets labelled for FixFirst itself (two blind annotators, agreement gold), kept in the repository.
REPO_DATA = Path(__file__).resolve().parents[3] / "data"


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    name: str
    conversations: Path
    labels: Path
    excluded_ids: Path | None = None
    #: Group by the id's set prefix (``mt03-017`` -> ``mt03``) instead of by company.
    grouped_by_set: bool = True
    #: Whether the outcome's confidence is calibrated on it. FixFirst's own written sets are clearer
    #: than life (99% annotator agreement against 94% on real threads): calibrating on them would make
    #: a 0.9 verdict on a real thread right less than nine times in ten.
    calibrates: bool = True


def all_corpora(data: Path = DEFAULT_DATA, repo_data: Path = REPO_DATA) -> tuple[CorpusSpec, ...]:
    """Every corpus the shipped models learn from, whether or not its files are here."""
    return (
        CorpusSpec(
            "twitter_care",
            data / "twitter_care" / "conversations.jsonl",
            data / "twitter_care" / "labels" / "train_gold.jsonl",
            data / "twitter_care" / "heldout_ids.txt",
            grouped_by_set=False,
        ),
        CorpusSpec("multiturn", data / "multiturn" / "conversations.jsonl", data / "multiturn" / "labels_gold.jsonl"),
        CorpusSpec("written", repo_data / "written" / "conversations.jsonl",
                   repo_data / "written" / "labels_gold.jsonl", calibrates=False),
    )


def default_corpora(data: Path = DEFAULT_DATA, repo_data: Path = REPO_DATA) -> tuple[CorpusSpec, ...]:
    """The corpora whose gold is present (the speaker-role model learns from whatever there is)."""
    return tuple(spec for spec in all_corpora(data, repo_data) if spec.labels.exists())


def missing_corpora(data: Path = DEFAULT_DATA, repo_data: Path = REPO_DATA) -> list[str]:
    """``name: path`` of each corpus whose files are absent. Training the shipped models or scoring
    them without one would silently give a weaker model or a table that leaves a corpus out."""
    return [
        f"{spec.name}: {path}"
        for spec in all_corpora(data, repo_data)
        for path in (spec.conversations, spec.labels)
        if not path.exists()
    ]


def missing_corpora_error(data: Path = DEFAULT_DATA, repo_data: Path = REPO_DATA) -> str | None:
    """What a trainer prints before refusing to overwrite a shipped model, or None when all is here."""
    missing = missing_corpora(data, repo_data)
    if not missing:
        return None
    return ("labelled data not found, models left as they are:\n  " + "\n  ".join(missing)
            + "\npoint --data at the shared data folder (or pass --allow-missing)")


@dataclass(slots=True)
class Example:
    corpus: str
    group: str
    doc: ConversationArtifacts
    gold: dict
    calibrates: bool = True

    @property
    def id(self) -> str:
        return self.doc.conversation.id


def group_of(spec: CorpusSpec, conversation: Conversation) -> str:
    """Company for real threads; the written set (``mt03``) for written data, whose companies
    inside one set share a writer and an industry - leaving the whole set out is the honest split."""
    if spec.grouped_by_set:
        return f"{spec.name}:{conversation.id.split('-', 1)[0]}"
    return f"{spec.name}:{conversation.company or 'unknown'}"


def excluded_ids(spec: CorpusSpec) -> set[str]:
    """The held-out ids of a corpus: never read for training, tuning or features."""
    if spec.excluded_ids and spec.excluded_ids.exists():
        return set(spec.excluded_ids.read_text(encoding="utf-8").split())
    return set()


def load_corpus(specs: tuple[CorpusSpec, ...], lexicon: Lexicon | None = None) -> list[Example]:
    lexicon = lexicon or load_lexicon()
    examples: list[Example] = []
    for spec in specs:
        excluded = excluded_ids(spec)
        gold = {}
        for line in spec.labels.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record["id"] not in excluded:
                    gold[record["id"]] = record
        for item in fixfirst_jsonl.read(spec.conversations):
            if not isinstance(item, Conversation) or item.id not in gold:
                continue
            examples.append(
                Example(
                    spec.name, group_of(spec, item), build_artifacts(item, lexicon), gold[item.id], spec.calibrates
                )
            )
    examples.sort(key=lambda e: (e.corpus, e.id))
    return examples


def data_fingerprint(specs: tuple[CorpusSpec, ...]) -> str:
    digest = hashlib.sha256()
    for spec in specs:
        for path in (spec.conversations, spec.labels, spec.excluded_ids):
            if path is not None and path.exists():
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
