"""Analysis: read conversations and decide, with evidence, outcome, agent behaviours and sentiment."""

from fixfirst.analyze.artifacts import (
    ARTIFACT_FEATURES,
    ConversationArtifacts,
    TurnArtifacts,
    build_artifacts,
)
from fixfirst.analyze.detector import Detector
from fixfirst.analyze.engine import ENGINE_VERSION, Pipeline, analyze, build_pipeline, read_document
from fixfirst.analyze.jsonline import result_to_json
from fixfirst.analyze.lexicon import Lexicon, load_lexicon
from fixfirst.analyze.registrations import default_registry, register_builtins
from fixfirst.analyze.registry import Registry

__all__ = [
    "ARTIFACT_FEATURES",
    "ENGINE_VERSION",
    "ConversationArtifacts",
    "Detector",
    "Lexicon",
    "Pipeline",
    "Registry",
    "TurnArtifacts",
    "analyze",
    "build_artifacts",
    "build_pipeline",
    "default_registry",
    "load_lexicon",
    "read_document",
    "register_builtins",
    "result_to_json",
]
