"""JSON Lines on top of `source_lines`: one parsed value per non-blank line, or a Reject saying why not.

Why shared: every JSONL format (FixFirst conversations, Zendesk tickets) must treat an unreadable
line, a blank line and malformed JSON the same way, with the same reasons in the rejects file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fixfirst.ingest.reject import Reject
from fixfirst.ingest.source_lines import DEFAULT_MAX_LINE_BYTES, SourceLine, iter_source_lines


def iter_json_lines(
    path: str | Path, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> Iterator[tuple[SourceLine, Any] | Reject]:
    """Yield (line, parsed value) per non-blank line, or a Reject for an unreadable or malformed one."""
    for line in iter_source_lines(path, max_line_bytes):
        if line.text is None:
            yield Reject.of(path, line.number, line.note or "unreadable line")
            continue
        if not line.text.strip():
            continue
        try:
            yield line, json.loads(line.text)
        except ValueError as error:
            yield Reject.of(path, line.number, f"malformed JSON: {error}", line.text)
