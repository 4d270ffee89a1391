"""The one place where built-in detectors are registered - with the same call a customer uses.

A golden test pins ``default_registry().names()``; adding a detector means a new module plus one
line here.
"""

from __future__ import annotations

from fixfirst.analyze.detectors.learned import BUILTIN_BEHAVIOUR_DETECTORS
from fixfirst.analyze.registry import Registry


def register_builtins(registry: Registry) -> Registry:
    for detector in BUILTIN_BEHAVIOUR_DETECTORS:
        registry.register(detector)
    return registry


def default_registry() -> Registry:
    """A fresh registry holding the built-ins; add your own detectors to it with ``register``."""
    return register_builtins(Registry())
