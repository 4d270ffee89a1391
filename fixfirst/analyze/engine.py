"""Run a checked pipeline over a stream of conversations: artifacts -> outcome -> detectors -> score.

Why a checked pipeline: requirements and labels are validated once, before any data runs, so a
misconfigured custom detector or a lexicon override that drops a category fails at start-up with a
message, not after an hour of batch work. The engine only analyses; reading and storing are other
stages' jobs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fixfirst.analyze.artifacts import ARTIFACT_FEATURES, OUTCOME_FEATURE, build_artifacts
from fixfirst.analyze.detector import Detector
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

ENGINE_VERSION = "fixfirst-rules-1"


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

    def run(self, conversation: Conversation) -> AnalysisResult:
        doc = build_artifacts(conversation, self.lexicon)
        doc.outcome = classify_outcome(doc)
        findings = []
        for detector in self.detectors:
            findings.extend(detector.detect(doc))
        findings.sort(key=lambda f: (f.turn, f.start, f.label))
        result = AnalysisResult(
            id=conversation.id,
            outcome=doc.outcome,
            findings=tuple(findings),
            customer_sentiment=customer_sentiment(doc),
            engine_version=ENGINE_VERSION,
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
    provided = ARTIFACT_FEATURES | {OUTCOME_FEATURE}
    problems = check_requirements(OUTCOME_NAME, OUTCOME_REQUIRES, lexicon, ARTIFACT_FEATURES)
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
    return Pipeline(detectors=tuple(chosen), lexicon=lexicon, scorecard=card)


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
    return (pipeline.run(conversation) for conversation in conversations)
