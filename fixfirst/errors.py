"""Exception types whose messages say what went wrong and how to fix it."""

from __future__ import annotations


class FixFirstError(Exception):
    """Base class: anything FixFirst raises on purpose."""


class InputError(FixFirstError):
    """A source file cannot be read at all (missing, unknown format, not text)."""


class ConfigError(FixFirstError):
    """A YAML lexicon, scorecard or mapping file is invalid; the message names file, key and fix."""


class StoreError(FixFirstError):
    """The database cannot be opened or migrated."""
