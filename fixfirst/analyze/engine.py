"""Run a checked pipeline over a stream of conversations: artifacts -> learned reading -> outcome ->
detectors -> score.

Why a checked pipeline: requirements and labels are validated once, before any data runs, so a
misconfigured custom detector or a lexicon override that drops a category fails at start-up with a
message, not after an hour of batch work. The engine only analyses; reading and storing are other
stages' jobs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fixfirst.analyze.artifacts import (
    ARTIFACT_FEATURES,
    LEARNED_FEATURE,
    OUTCOME_FEATURE,
    ConversationArtifacts,
    build_artifacts,
)
from fixfirst.analyze.detector import Detector
from fixfirst.analyze.learned.reading import ShippedModels, load_models, read_batch
from fixfirst.analyze.lexicon import Lexicon, load_lexicon
from fixfirst.analyze.outcome import NAME as OUTCOME_NAME
from fixfirst.analyze.outcome import REQUIRES as OUTCOME_REQUIRES
from fixfirst.analyze.outcome import classify_outcome
from fixfirst.analyze.registrations import default_registry
from fixfirst.analyze.registry import Registry
from fixfirst.analyze.sentiment import customer_sentiment
from fixfirst.errors import ConfigError
from fixfirst.model import AnalysisResult, Conversation
from fixfirst.score.scorecard import Scorecard, load_scorecard
from fixfirst.score.scoring import score

#: Stored with every result together with the models' fingerprint, so re-analysis knows what is stale.
ENGINE_VERSION = "fixfirst-learned-1"


#: Conversations read together: hashing and scoring cost little per row and much per call.
BATCH_SIZE = 64


def read_documents(
    conversations: Sequence[Conversation], lexicon: Lexicon, models: ShippedModels | None = None
) -> list[ConversationArtifacts]:
    """Artifacts, the learned reading and the outcome of each conversation: what every detector reads."""
    models = models or load_models()
    docs = [build_artifacts(conversation, lexicon) for conversation in conversations]
    for doc, reading in zip(docs, read_batch(docs, models), strict=True):
        doc.reading = reading
        doc.outcome = classify_outcome(doc, models)
    return docs


def read_document(
    conversation: Conversation, lexicon: Lexicon, models: ShippedModels | None = None
) -> ConversationArtifacts:
    return read_documents([conversation], lexicon, models)[0]


def check_requirements(
    name: str, requires: Iterable[str], lexicon: Lexicon, provided: frozenset[str]
) -> list[str]:
    problems = []
    for requirement in sorted(requires):
        if requirement.startswith("lexicon:"):
            category = requirement.split(":", 1)[1]
            if category not in lexicon:
                problems.append(f"{name} needs lexicon category {category!r}, which no lexicon file defines")
        elif requirement not in provided:
            problems.append(f"{name} needs {requirement!r}; provided: {', '.join(sorted(provided))}")
    return problems


@dataclass(frozen=True, slots=True)
class Pipeline:
    """Detectors, lexicon and scorecard for one run; build with :func:`build_pipeline` (which checks it)."""

    detectors: tuple[Detector, ...]
    lexicon: Lexicon
    scorecard: Scorecard | None
    models: ShippedModels

    @property
    def version(self) -> str:
        return f"{ENGINE_VERSION}+{self.models.fingerprint}"

    def run(self, conversation: Conversation) -> AnalysisResult:
        return self.run_batch([conversation])[0]

    def stream(self, conversations: Iterable[Conversation], batch_size: int = BATCH_SIZE) -> Iterator[AnalysisResult]:
        """Analyse a stream lazily, ``batch_size`` conversations at a time (memory stays flat)."""
        chunk: list[Conversation] = []
        for conversation in conversations:
            chunk.append(conversation)
            if len(chunk) >= batch_size:
                yield from self.run_batch(chunk)
                chunk = []
        if chunk:
            yield from self.run_batch(chunk)

    def run_batch(self, conversations: Sequence[Conversation]) -> list[AnalysisResult]:
        """Analyse a chunk; each result is the same as running that conversation alone."""
        return [self._result(doc) for doc in read_documents(conversations, self.lexicon, self.models)]

    def _result(self, doc: ConversationArtifacts) -> AnalysisResult:
        conversation = doc.conversation
        assert doc.outcome is not None
        findings = []
        for detector in self.detectors:
            findings.extend(detector.detect(doc))
        findings.sort(key=lambda f: (f.turn, f.start, f.label))
        result = AnalysisResult(
            id=conversation.id,
            outcome=doc.outcome,
            findings=tuple(findings),
            customer_sentiment=customer_sentiment(doc),
            engine_version=self.version,
        )
        if self.scorecard is not None:
            result = result.model_copy(update={"score": score(result, self.scorecard)})
        return result


def build_pipeline(
    *,
    registry: Registry | None = None,
    detectors: Sequence[str] | None = None,
    lexicon_dirs: Iterable[str | Path] = (),
    scorecard: Scorecard | str | Path | None = "resolution-first",
) -> Pipeline:
    """Create and check a pipeline: every requirement provided, every label known, names unique."""
    registry = registry or default_registry()
    lexicon = load_lexicon(tuple(lexicon_dirs))
    chosen = registry.create_all(detectors)
    provided = ARTIFACT_FEATURES | {LEARNED_FEATURE, OUTCOME_FEATURE}
    problems = check_requirements(OUTCOME_NAME, OUTCOME_REQUIRES, lexicon, ARTIFACT_FEATURES | {LEARNED_FEATURE})
    for detector in chosen:
        problems += check_requirements(detector.qualified_name, detector.requires, lexicon, provided)
        unknown = set(detector.labels) - registry.labels
        if unknown:
            problems.append(
                f"{detector.qualified_name} emits unknown labels {sorted(unknown)} "
                "(fix: registry.add_label(...) for your own labels)"
            )
    if "generic_words" not in lexicon:
        problems.append("artifacts need lexicon category 'generic_words'")
    if problems:
        raise ConfigError("analysis pipeline is invalid: " + "; ".join(problems))
    card = scorecard if isinstance(scorecard, Scorecard) or scorecard is None else load_scorecard(scorecard)
    return Pipeline(detectors=tuple(chosen), lexicon=lexicon, scorecard=card, models=load_models())


def analyze(
    conversations: Iterable[Conversation],
    *,
    scorecard: Scorecard | str | Path | None = None,
    lexicon_dirs: Iterable[str | Path] = (),
    registry: Registry | None = None,
    detectors: Sequence[str] | None = None,
) -> Iterator[AnalysisResult]:
    """Analyse a stream of conversations lazily (memory stays flat however long the stream).

    ``scorecard=None`` scores with the default ``resolution-first``; pass a name, a YAML path or a
    :class:`Scorecard` to use another. The pipeline is checked before the first conversation is read.
    """
    pipeline = build_pipeline(
        registry=registry,
        detectors=detectors,
        lexicon_dirs=lexicon_dirs,
        scorecard="resolution-first" if scorecard is None else scorecard,
    )
    return pipeline.stream(conversations)
