"""Scorecards as YAML data: outcome points, behaviour points, and the people-vs-process rule.

Why YAML: a QA lead tunes weights without a release. Validation names file, key and fix, because
a typo in a label would otherwise silently score nothing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fixfirst.errors import ConfigError
from fixfirst.model import Behaviour, Outcome

BUILTIN_SCORECARD_DIR = Path(__file__).with_name("scorecards")


class ProcessRule(BaseModel):
    """People vs process: when a ``when`` label is found, the ``waive`` penalties go to process."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: tuple[str, ...] = Field(min_length=1)
    waive: tuple[str, ...] = Field(min_length=1)

    @field_validator("when", "waive")
    @classmethod
    def _known_labels(cls, labels: tuple[str, ...]) -> tuple[str, ...]:
        known = {b.value for b in Behaviour}
        for label in labels:
            if label not in known:
                raise ValueError(f"unknown behaviour {label!r} (fix: use one of {', '.join(sorted(known))})")
        return labels


class Scorecard(BaseModel):
    """Points per outcome plus points per behaviour present (counted once per contact), clamped to 0..100."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    version: int = Field(default=1, ge=1)
    description: str = ""
    base: float = 0.0
    outcome_points: dict[Outcome, float]
    behaviour_points: dict[str, float] = Field(default_factory=dict)
    process_rules: tuple[ProcessRule, ...] = ()
    minimum: float = Field(default=0.0, ge=0.0, le=100.0)
    maximum: float = Field(default=100.0, ge=0.0, le=100.0)

    @field_validator("outcome_points")
    @classmethod
    def _every_outcome(cls, points: dict[Outcome, float]) -> dict[Outcome, float]:
        missing = [o.value for o in Outcome if o not in points]
        if missing:
            raise ValueError(f"missing outcomes {missing} (fix: give every outcome a number, 0 is fine)")
        return points

    @field_validator("behaviour_points")
    @classmethod
    def _known_behaviours(cls, points: dict[str, float]) -> dict[str, float]:
        known = {b.value for b in Behaviour}
        for label in points:
            if label not in known:
                raise ValueError(f"unknown behaviour {label!r} (fix: use one of {', '.join(sorted(known))})")
        return points

    @model_validator(mode="after")
    def _range(self) -> Scorecard:
        if self.minimum > self.maximum:
            raise ValueError(f"minimum {self.minimum} is above maximum {self.maximum}")
        return self


def _location(loc: tuple[object, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def load_scorecard(name_or_path: str | Path = "resolution-first") -> Scorecard:
    """A built-in scorecard by name (``resolution-first``) or a YAML file by path."""
    return _load(str(name_or_path))


@lru_cache(maxsize=16)
def _load(name_or_path: str) -> Scorecard:
    path = Path(name_or_path)
    if not path.suffix:
        path = BUILTIN_SCORECARD_DIR / f"{name_or_path}.yaml"
        if not path.exists():
            known = sorted(p.stem for p in BUILTIN_SCORECARD_DIR.glob("*.yaml"))
            raise ConfigError(
                f"no built-in scorecard {name_or_path!r} (fix: use one of {known} or a .yaml path)"
            )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}); fix the indentation or quoting") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: top level must be a mapping with name, outcome_points, behaviour_points")
    try:
        return Scorecard.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{path}: key '{_location(e['loc'])}': {e['msg']}" for e in exc.errors()]
        raise ConfigError("; ".join(problems)) from exc
