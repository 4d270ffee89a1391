"""The `fixfirst` commands end to end on real files and a real SQLite store: summaries, exit codes, rejects."""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixfirst.cli import exit_codes
from fixfirst.cli.main import app

FIXTURES = Path(__file__).parent.parent / "fixtures"
SAMPLE = FIXTURES / "ingest_twitter_care_sample.jsonl"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")

runner = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def stored_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from conversations").fetchone()[0]


def test_ingest_twice_stores_once(tmp_path: Path) -> None:
    db = tmp_path / "ff.db"
    expected = sum(1 for line in SAMPLE.read_text().splitlines() if line.strip())
    code, output = run("ingest", SAMPLE, "--db", f"sqlite:///{db}", "--rejects", tmp_path / "r.jsonl")
    assert code == exit_codes.OK, output
    assert stored_count(db) == expected
    code, output = run("ingest", SAMPLE, "--db", f"sqlite:///{db}", "--rejects", tmp_path / "r.jsonl")
    assert code == exit_codes.OK
    assert stored_count(db) == expected
    assert re.search(rf"total\s*│\s*{expected}\s*│\s*0\s*│\s*0\s*│\s*{expected}\s*│\s*0", output), output


def test_bad_lines_are_rejected_with_line_and_reason_and_good_ones_load(tmp_path: Path) -> None:
    good = SAMPLE.read_text().splitlines()[:3]
    source = tmp_path / "mixed.jsonl"
    source.write_text(
        "\n".join([good[0], "{not json", good[1], json.dumps({"id": "x", "turns": []}), good[2]]) + "\n"
    )
    db, rejects = tmp_path / "ff.db", tmp_path / "rejects.jsonl"
    code, output = run("ingest", source, "--db", f"sqlite:///{db}", "--rejects", rejects)
    assert code == exit_codes.SOME_REJECTED
    assert stored_count(db) == 3
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(r["line"], Path(r["file"]).name) for r in lines] == [(2, "mixed.jsonl"), (4, "mixed.jsonl")]
    assert all(r["reason"] for r in lines)
    assert "mixed.jsonl:2" in output.replace("\n", "")
    assert "Traceback" not in output


def test_a_file_starting_with_a_truncated_line_does_not_stop_the_run(tmp_path: Path) -> None:
    lines = SAMPLE.read_text().splitlines()
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text("\n".join(lines[:5]) + "\n")
    bad.write_text(lines[5][: len(lines[5]) // 2] + "\n" + "\n".join(lines[6:8]) + "\n")  # line 1 cut off
    only_broken = tmp_path / "cut.jsonl"
    only_broken.write_text(lines[9][:40] + "\n")
    db, rejects = tmp_path / "ff.db", tmp_path / "rejects.jsonl"
    code, output = run("ingest", good, bad, only_broken, "--db", f"sqlite:///{db}", "--rejects", rejects)
    assert code == exit_codes.SOME_REJECTED, output
    assert stored_count(db) == 7
    found = [(Path(r["file"]).name, r["line"]) for r in map(json.loads, rejects.read_text().splitlines())]
    assert found == [("bad.jsonl", 1), ("cut.jsonl", 1)]


def test_nothing_readable_exits_with_its_own_code(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jsonl"
    junk.write_text("{nope\n[1, 2\n")
    code, output = run("ingest", junk, "--db", f"sqlite:///{tmp_path / 'a.db'}", "--rejects", tmp_path / "r.jsonl")
    assert code == exit_codes.NOTHING_READ, output
    code, output = run("ingest", tmp_path / "missing.jsonl", "--db", f"sqlite:///{tmp_path / 'b.db'}")
    assert code == exit_codes.NOTHING_READ
    assert "missing.jsonl" in output and "Traceback" not in output


def test_analyze_writes_the_contract_without_a_database(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    code, output = run("analyze", SAMPLE, "--out", out, "--rejects", tmp_path / "r.jsonl")
    assert code == exit_codes.OK, output
    conversations = {json.loads(line)["id"]: json.loads(line) for line in SAMPLE.read_text().splitlines()}
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert {r["id"] for r in results} == set(conversations)
    outcomes = {"resolved", "clear_no", "owned_followup", "moved_private", "deflected", "unresolved"}
    for result in results:
        assert set(result) >= {"id", "outcome", "findings", "customer_sentiment", "score"}
        assert result["outcome"]["label"] in outcomes
        assert 0 <= result["score"]["points"] <= 100
        assert result["score"]["scorecard"] == "resolution-first"
        for finding in result["findings"]:
            assert finding["end"] > finding["start"]
            assert finding["text"] and not EMAIL.search(finding["text"])
    assert any(r["findings"] for r in results)


def test_demo_builds_store_results_and_report_without_email_addresses(tmp_path: Path) -> None:
    code, output = run("demo", "--out", tmp_path)
    assert code == exit_codes.OK, output
    report = (tmp_path / "report.html").read_text()
    assert "<svg" in report and "Brightwave Broadband" in report
    results = (tmp_path / "results.jsonl").read_text().splitlines()
    db = tmp_path / "fixfirst.db"
    assert len(results) == stored_count(db) > 800
    with sqlite3.connect(db) as conn:
        texts = [row[0] for row in conn.execute("select text from turns")]
        surveys = conn.execute("select count(*) from surveys").fetchone()[0]
    leaked = [m.group() for t in texts for m in EMAIL.finditer(t)]
    assert leaked == []
    assert surveys > 200
    if importlib.util.find_spec("faster_whisper"):  # the calls extra: the two recorded calls are in the demo
        with sqlite3.connect(db) as conn:
            calls = dict(conn.execute("select id, metadata from conversations where channel = 'call' and "
                                      "id like 'BW-CALL-%'").fetchall())
        assert sorted(calls) == ["BW-CALL-0001", "BW-CALL-0002"]
        assert all('"hold_s"' in meta for meta in calls.values())
    # report exports of the same store
    code, output = run("report", "--db", f"sqlite:///{db}", "--format", "csv", "--out", tmp_path / "tables")
    assert code == exit_codes.OK, output
    assert (tmp_path / "tables" / "agents.csv").read_text().count("\n") > 10


@pytest.mark.parametrize("command", ["ingest", "analyze", "report", "demo"])
def test_every_command_and_option_is_documented(command: str) -> None:
    readme = (Path(__file__).parent.parent.parent / "README.md").read_text()
    assert f"fixfirst {command}" in readme
    help_text = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output
    for option in set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help"}:
        assert option in readme, f"{command} {option} is not in the README"
