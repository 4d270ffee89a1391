"""Reading a source file line by line, safely: bounded line length, tolerant decoding.

Why not `open(path, encoding="utf-8")`: one latin-1 byte would raise in the middle of a run,
and one 10 MB line (a pasted log, a binary blob) would be held in memory whole. Here each
physical line is read in binary with a cap, decoded on its own, and a problem with one line
becomes a reason attached to that line, never an exception.

Encoding decision: a line that is not valid UTF-8 is decoded as Windows-1252 (a superset of
latin-1 for printable text, and what spreadsheet exports usually are) and the line carries a
`note` saying so; adapters copy the note into `Conversation.metadata["ingest_notes"]`. Lines
with NUL bytes are binary junk and are rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fixfirst.errors import InputError

#: Longest physical line accepted. A conversation line longer than this is not a support contact.
DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024
_SKIP_CHUNK = 1024 * 1024
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One physical line: its 1-based number, byte offset, decoded text (None when unusable)."""

    number: int
    offset: int
    text: str | None
    note: str | None = None

    @property
    def usable(self) -> bool:
        return self.text is not None


def _decode(raw: bytes) -> tuple[str | None, str | None]:
    if b"\x00" in raw:
        return None, "binary data (NUL bytes), not text"
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.start + 1].hex()
        text = raw.decode("cp1252", errors="replace")
        return text, f"not valid UTF-8 (byte 0x{bad} at {error.start}); decoded as Windows-1252"


def open_binary(path: str | Path):  # noqa: ANN201 - a BufferedReader
    """Open a source for reading, turning OS errors into an InputError that names the file."""
    file = Path(path)
    if not file.exists():
        raise InputError(f"{file}: no such file; check the path")
    if file.is_dir():
        raise InputError(f"{file}: is a directory, not a data file")
    try:
        return file.open("rb")
    except OSError as error:
        raise InputError(f"{file}: cannot be opened ({error.strerror}); check permissions") from error


def read_head(path: str | Path, size: int = _SNIFF_BYTES) -> str:
    """The first bytes of a file as text, for format sniffing; InputError when not text."""
    with open_binary(path) as handle:
        try:
            head = handle.read(size)
        except OSError as error:
            raise InputError(f"{path}: cannot be read ({error.strerror})") from error
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: is UTF-16 encoded; re-save it as UTF-8")
    if head.count(b"\x00") > max(8, len(head) // 100):
        raise InputError(f"{path}: looks like a binary file, not JSON or CSV text")
    return head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")


def iter_source_lines(path: str | Path, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[SourceLine]:
    """Yield every physical line of `path`, without its line terminator, never raising on content."""
    with open_binary(path) as handle:
        number = 0
        offset = 0
        while True:
            try:
                raw = handle.readline(max_line_bytes + 1)
            except OSError as error:
                raise InputError(f"{path}: read failed at byte {offset} ({error.strerror})") from error
            if not raw:
                return
            number += 1
            start = offset
            offset += len(raw)
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                # Skip the rest of the over-long line without keeping it.
                while True:
                    chunk = handle.readline(_SKIP_CHUNK)
                    offset += len(chunk)
                    if not chunk or chunk.endswith(b"\n"):
                        break
                yield SourceLine(
                    number,
                    start,
                    None,
                    f"line is {offset - start:,} bytes, over the {max_line_bytes:,}-byte limit",
                )
                continue
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            raw = raw.rstrip(b"\r\n")
            text, note = _decode(raw)
            yield SourceLine(number, start, text, note)
