"""Rejects: records that could not be ingested, kept with file, line and reason.

A bad record must never stop a run or hide the good records around it, so every adapter turns
what it cannot use into a `Reject` value and carries on. The CLI writes them with
`RejectsWriter`, one JSON object per line, so a data engineer can grep and fix the source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import TracebackType
from typing import IO

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: How much of a bad record is kept: enough to find it in the source, not a copy of the data.
RAW_EXCERPT_CHARS = 200


#: What a cut can split: the last word and any digit groups before it ("call 07700 900|123").
_CUT_TAIL = re.compile(r"[\d\s().+\-/]*[\w@.+\-]*$")
_CUT_DIGITS = re.compile(r"[\d@.+\-]*$")


def excerpt(raw: object, limit: int = RAW_EXCERPT_CHARS) -> str:
    """The first `limit` characters of a raw record, marked with an ellipsis when cut.

    A cut drops the word it falls in and the digit groups before it: half a phone number or
    e-mail address is no longer recognisable by redaction, which runs on the excerpt later.
    """
    text = raw if isinstance(raw, str) else repr(raw)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # One unbroken token (base64, a run of filler): keep it, less any digits the cut split.
    return (_CUT_TAIL.sub("", cut) or _CUT_DIGITS.sub("", cut)) + "…"


class Reject(BaseModel):
    """One record (or physical line) that did not become a Conversation or Survey."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    line: int = Field(ge=0, description="1-based line where the record starts; 0 when it has no line.")
    reason: str = Field(min_length=1)
    raw: str = Field(default="", max_length=RAW_EXCERPT_CHARS)

    @classmethod
    def of(cls, file: str | Path, line: int, reason: str, raw: object = "") -> Reject:
        return cls(file=str(file), line=line, reason=reason, raw=excerpt(raw))


def summarise_validation_error(error: ValidationError, limit: int = 3) -> str:
    """A one-line reason from pydantic's errors: `field.path: message` for the first few."""
    parts = []
    for item in error.errors()[:limit]:
        location = ".".join(str(p) for p in item["loc"]) or "record"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{location}: {message}")
    more = error.error_count() - limit
    if more > 0:
        parts.append(f"(+{more} more)")
    return "; ".join(parts)


class RejectsWriter:
    """Appends rejects to a JSONL file; opened lazily so a clean run leaves no empty file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.count = 0
        self._handle: IO[str] | None = None

    def write(self, reject: Reject) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a", encoding="utf-8")
        self._handle.write(json.dumps(reject.model_dump(), ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> RejectsWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
