"""The one place where built-in detectors are registered - with the same call a customer uses.

A golden test pins ``default_registry().names()``; adding a detector means a new module plus one
line here.
"""

from __future__ import annotations

from fixfirst.analyze.detectors.customer_effort import CustomerEffort
from fixfirst.analyze.detectors.deflective_transfer import DeflectiveTransfer
from fixfirst.analyze.detectors.hollow_apology import HollowApology
from fixfirst.analyze.detectors.ownership import Ownership
from fixfirst.analyze.detectors.policy_stonewall import PolicyStonewall
from fixfirst.analyze.detectors.proactive import Proactive
from fixfirst.analyze.detectors.scripted_empathy import ScriptedEmpathy
from fixfirst.analyze.detectors.scripted_troubleshooting import ScriptedTroubleshooting
from fixfirst.analyze.detectors.specific_acknowledgement import SpecificAcknowledgement
from fixfirst.analyze.detectors.system_gap import SystemGap
from fixfirst.analyze.registry import Registry


def register_builtins(registry: Registry) -> Registry:
    registry.register(ScriptedEmpathy)
    registry.register(HollowApology)
    registry.register(SpecificAcknowledgement)
    registry.register(PolicyStonewall)
    registry.register(ScriptedTroubleshooting)
    registry.register(DeflectiveTransfer)
    registry.register(Ownership)
    registry.register(Proactive)
    registry.register(CustomerEffort)
    registry.register(SystemGap)
    return registry


def default_registry() -> Registry:
    """A fresh registry holding the built-ins; add your own detectors to it with ``register``."""
    return register_builtins(Registry())
