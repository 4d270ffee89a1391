"""The detector contract: what a detector declares and the one method it implements.

Why declarations: the engine checks a pipeline before any data runs (every requirement provided,
every label known), and ``fixfirst.testing.check_detector`` tests a detector against what it
claims - so a customer's own detector is held to exactly the same rules as the built-ins.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from fixfirst.analyze.artifacts import ConversationArtifacts, Span, TurnArtifacts
from fixfirst.model import Finding, Role


class Detector(ABC):
    """Base class for detectors. Subclasses set the class attributes and implement :meth:`detect`.

    Constructors take no arguments and do no work (models or lexicons are read from the artifacts).
    """

    #: Registry name without version, e.g. ``hollow_apology``.
    name: ClassVar[str]
    #: Bumped when behaviour changes, so stored findings say which rules made them.
    version: ClassVar[int] = 1
    #: Labels this detector may emit; the engine refuses labels it does not know.
    labels: ClassVar[frozenset[str]]
    #: Artifact features (see ``ARTIFACT_FEATURES``), ``outcome``, and ``lexicon:<category>`` entries.
    requires: ClassVar[frozenset[str]] = frozenset()
    #: Whose turns the findings may point at; ``None`` means any turn.
    speaker: ClassVar[Role | None] = Role.AGENT
    #: One sentence for docs and the registry listing.
    description: ClassVar[str] = ""

    @property
    def qualified_name(self) -> str:
        return f"{self.name}.v{self.version}"

    @abstractmethod
    def detect(self, doc: ConversationArtifacts) -> list[Finding]:
        """Return findings for one conversation; must be deterministic and never raise on odd text."""

    def finding(
        self,
        label: str,
        confidence: float,
        turn: TurnArtifacts,
        span: Span,
        explanation: str,
    ) -> Finding:
        """Build a finding whose ``text`` is exactly ``turn.text[start:end]``."""
        start, end = span
        return Finding(
            label=label,
            confidence=round(min(max(confidence, 0.0), 1.0), 3),
            turn=turn.index,
            start=start,
            end=end,
            text=turn.text[start:end],
            detector=self.qualified_name,
            explanation=explanation,
        )

    def speaker_turns(self, doc: ConversationArtifacts) -> tuple[TurnArtifacts, ...]:
        if self.speaker is None:
            return doc.turns
        return tuple(t for t in doc.turns if t.role is self.speaker)
