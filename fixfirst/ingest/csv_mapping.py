"""The column mapping of the generic CSV adapter, as a pydantic model loadable from YAML.

Keys (all optional; defaults in brackets; a column key names a header, case-insensitive):

``layout``            ``turns`` (one row per turn) or ``conversations`` (one row per conversation) [turns]
``conversation_id``   column grouping rows into conversations [conversation_id]
``text``              turn text column, ``turns`` layout [text]
``role``              speaker role column; values mapped through ``role_values``, then the
                      built-in synonyms (customer/user/client, agent/rep/support, bot, system) [role]
``author``            author id column [author]
``ts``                turn timestamp column [ts]
``turn_order``        column to sort turns within a conversation (numbers) [file order]
``channel`` / ``company`` / ``team`` / ``customer_id`` / ``started_at``
                      conversation-level columns (first non-blank value wins)
``default_channel``   channel when there is no channel column [unknown]
``default_company``   company when there is no company column
``role_values``       ``{raw value: customer|agent|bot|system}`` for export-specific speaker names
``turn_columns``      ``conversations`` layout: list of ``{column, role, author?}``, one turn each,
                      in order (e.g. a question column and an answer column)
``transcript``        ``conversations`` layout: a column holding "Speaker: text" lines
``metadata_columns``  columns copied into ``Conversation.metadata``
``delimiter``         field separator [sniffed from the header: , ; tab |]
``rows_sorted``       true: rows of one conversation are contiguous, read streaming (a
                      conversation whose rows reappear later is rejected); false: rows are
                      grouped in memory, any order [true]

Example (``mapping.yaml``)::

    conversation_id: ticket
    text: message
    role: sender
    role_values: {Kunde: customer, Mitarbeiter: agent}
    ts: sent_at
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fixfirst.errors import ConfigError
from fixfirst.model import Role


class TurnColumn(BaseModel):
    """One column of a one-row-per-conversation file that holds one turn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str = Field(min_length=1)
    role: Role
    author: str | None = Field(default=None, description="A column holding the author id of this turn.")


class CsvMapping(BaseModel):
    """How the columns of a support-export CSV map onto the canonical Conversation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    layout: Literal["turns", "conversations"] = "turns"
    conversation_id: str = "conversation_id"
    text: str = "text"
    role: str = "role"
    author: str = "author"
    ts: str = "ts"
    turn_order: str | None = None
    channel: str = "channel"
    company: str = "company"
    team: str = "team"
    customer_id: str = "customer_id"
    started_at: str = "started_at"
    default_channel: str = Field(default="unknown", min_length=1, max_length=50)
    default_company: str | None = None
    role_values: dict[str, Role] = Field(default_factory=dict)
    turn_columns: tuple[TurnColumn, ...] = ()
    transcript: str | None = None
    metadata_columns: tuple[str, ...] = ()
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    rows_sorted: bool = True

    def normalised(self) -> CsvMapping:
        """Column names lower-cased and stripped (headers are compared that way)."""
        columns = {
            key: getattr(self, key).strip().lower()
            for key in (
                "conversation_id",
                "text",
                "role",
                "author",
                "ts",
                "channel",
                "company",
                "team",
                "customer_id",
                "started_at",
            )
        }
        return self.model_copy(
            update={
                **columns,
                "turn_order": self.turn_order.strip().lower() if self.turn_order else None,
                "transcript": self.transcript.strip().lower() if self.transcript else None,
                "metadata_columns": tuple(c.strip().lower() for c in self.metadata_columns),
                "turn_columns": tuple(
                    t.model_copy(
                        update={
                            "column": t.column.strip().lower(),
                            "author": t.author.strip().lower() if t.author else None,
                        }
                    )
                    for t in self.turn_columns
                ),
                "role_values": {k.strip().lower(): v for k, v in self.role_values.items()},
            }
        )


def load_csv_mapping(path: str | Path) -> CsvMapping:
    """Read and validate a YAML mapping file; ConfigError names the file, the key and the problem."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{file}: cannot read the CSV mapping ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{file}: not valid YAML ({error})") from error
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: a CSV mapping must be a YAML mapping of keys to column names")
    try:
        return CsvMapping.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"key '{'.'.join(str(p) for p in item['loc'])}': {item['msg']}" for item in error.errors()[:5]
        )
        raise ConfigError(
            f"{file}: invalid CSV mapping: {problems}. Keys are listed in fixfirst.ingest.csv_mapping"
        ) from error


def coerce_mapping(value: CsvMapping | dict | str | Path | None) -> CsvMapping | None:
    """Accept a mapping object, a dict of keys, or a path to a YAML file."""
    if value is None or isinstance(value, CsvMapping):
        return value
    if isinstance(value, dict):
        try:
            return CsvMapping.model_validate(value)
        except ValidationError as error:
            raise ConfigError(f"csv_mapping: {error}") from error
    return load_csv_mapping(value)
