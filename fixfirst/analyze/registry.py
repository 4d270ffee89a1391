"""One explicit registry of detectors under versioned names (``hollow_apology.v1``).

Why explicit: built-ins are registered in ``registrations.py`` with the same call a customer uses
for their own detector; nothing is discovered by scanning subclasses or import side effects, so
what runs is exactly what the registry lists (pinned by a golden test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fixfirst.analyze.detector import Detector
from fixfirst.errors import ConfigError
from fixfirst.model import Behaviour

DetectorFactory = Callable[[], Detector]


class Registry:
    """Maps ``name.vN`` to a detector factory, and holds the label vocabulary detectors may emit."""

    def __init__(self) -> None:
        self._factories: dict[str, DetectorFactory] = {}
        self._labels: set[str] = {b.value for b in Behaviour}

    def register(self, factory: DetectorFactory) -> DetectorFactory:
        """Register a detector class (or zero-argument factory) under its ``name.vN``.

        Returns the factory, so it also works as a class decorator.
        """
        probe = factory()
        if not isinstance(probe, Detector):
            raise ConfigError(f"{factory!r} does not build a fixfirst.analyze.Detector")
        key = probe.qualified_name
        if key in self._factories:
            raise ConfigError(
                f"detector {key!r} is registered twice; bump its `version` or pick another name"
            )
        self._factories[key] = factory
        return factory

    def add_label(self, label: str) -> None:
        """Declare a label of your own (e.g. ``refund_promise``) so detectors may emit it."""
        self._labels.add(label)

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(self._labels)

    def names(self) -> list[str]:
        return sorted(self._factories)

    def __contains__(self, key: object) -> bool:
        return key in self._factories

    def create(self, key: str) -> Detector:
        try:
            return self._factories[key]()
        except KeyError:
            raise ConfigError(f"no detector {key!r} registered; known: {', '.join(self.names())}") from None

    def create_all(self, keys: Iterable[str] | None = None) -> list[Detector]:
        return [self.create(k) for k in (self.names() if keys is None else keys)]
