"""Hardening: any byte string given to ``fixfirst ingest`` ends as stored records or rejects with a file,
line and reason - never a traceback - whatever the file's name says it is."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fixfirst.cli import exit_codes
from fixfirst.cli.main import app

VALID = json.dumps({"id": "ok-1", "turns": [{"role": "customer", "text": "my router is down"}]})
#: Fragments that make random bytes look like the formats the sniffer knows, so the readers get exercised.
SHAPES = [b"", VALID.encode() + b"\n", b"{", b"[", b"id,turns\n", b"conversation_id,csat\n", b"\xef\xbb\xbf", b"PAR1"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefix=st.sampled_from(SHAPES),
    body=st.binary(max_size=400) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
    suffix=st.sampled_from([".jsonl", ".json", ".csv", ".parquet", ".txt"]),
)
def test_any_bytes_become_records_or_rejects(tmp_path: Path, prefix: bytes, body: bytes, suffix: str) -> None:
    source = tmp_path / f"input{suffix}"
    source.write_bytes(prefix + body)
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(
        app, ["ingest", str(source), "--db", f"sqlite:///{tmp_path / 'any.db'}", "--rejects", str(rejects),
              "--workers", "1"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.exit_code in {exit_codes.OK, exit_codes.SOME_REJECTED, exit_codes.NOTHING_READ}, result.output
    if result.exit_code == exit_codes.SOME_REJECTED:
        for line in rejects.read_text(encoding="utf-8").splitlines():
            reject = json.loads(line)
            assert reject["file"] and reject["reason"] and reject["line"] >= 0
