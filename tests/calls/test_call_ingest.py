"""Issue 13: a recording in, a scored conversation out - rendered calls with known timings (espeak-ng),
transcribed offline (faster-whisper, tiny.en from an installed package), checked for words, speakers
and every call metric, then through `fixfirst ingest` into the store with its sidecar metadata."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from fixfirst.ingest.call_audio import read_calls
from fixfirst.ingest.calls.recording import CallOptions, Recording, read_recording
from fixfirst.ingest.calls.scripted_call import (
    SCRIPTS,
    Line,
    ScriptedCall,
    build_call,
    espeak_available,
    speaker_accuracy,
    word_error_rate,
)
from fixfirst.store import Store
from fixfirst.store.kept_audio import purge_expired
from fixfirst.store.web_records import create_api_token, get_user_by_name
from fixfirst.web.app import create_app
from fixfirst.web.auth import create_user
from fixfirst.web.template_filters import clock

pytestmark = pytest.mark.skipif(not espeak_available(), reason="needs espeak-ng (scripts/install_browser.sh)")
pytest.importorskip("faster_whisper", reason="needs the calls extra: pip install -e '.[calls]'")


@pytest.fixture(scope="module")
def stereo(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScriptedCall, Recording]:
    call = build_call(tmp_path_factory.mktemp("calls") / "stereo.wav")
    return call, read_recording(call.path)


def test_stereo_words_speakers_and_timings(stereo: tuple[ScriptedCall, Recording]) -> None:
    call, recording = stereo
    # One turn per scripted line, each with the right speaker (one party per channel).
    assert [t.party for t in recording.turns] == [line.party for line in call.lines]
    for line, turn, (start, end) in zip(call.lines, recording.turns, call.spans, strict=True):
        assert word_error_rate(line.text, turn.text) < 0.35, (line.text, turn.text)
        assert abs(turn.start - start) < 0.5 and abs(turn.end - end) < 0.5
    transcript = " ".join(t.text for t in recording.turns)
    assert word_error_rate(" ".join(line.text for line in call.lines), transcript) < 0.15
    m = recording.metrics
    assert m.first_answer_s == pytest.approx(call.spans[0][0], abs=0.5)
    assert m.hold_s == pytest.approx(call.spans[3][0] - call.spans[2][1], abs=0.5)  # the announced 9 s hold
    assert m.longest_silence_s == pytest.approx(9.0, abs=0.5) and m.dead_air_s == 0
    assert m.overtalk_s == pytest.approx(0.8, abs=0.5)
    agent_talk = sum(end - start for start, end in call.intervals("agent"))
    assert m.agent_talk_s == pytest.approx(agent_talk, abs=1.0)


@pytest.mark.parametrize("script", ["support", "billing"])
def test_mono_split_keeps_most_words_with_their_speaker(tmp_path: Path, script: str) -> None:
    # billing: the customer talks over the agent, so two voices share one utterance
    call = build_call(tmp_path / "mono.wav", SCRIPTS[script], stereo=False)
    recording = read_recording(call.path)
    assert recording.channels == 1
    assert speaker_accuracy(call, recording.turns) >= 0.9  # the target, per scripted word
    assert recording.metrics.first_answer_s == pytest.approx(call.spans[0][0], abs=0.5)
    if script == "support":
        assert recording.metrics.hold_s == pytest.approx(9.0, abs=0.5)


def test_fixfirst_ingest_stores_a_scored_call_with_metadata(tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    build_call(folder / "c1.wav", agent_left=False)  # agent on the right channel
    (folder / "c1.wav.json").write_text(json.dumps({
        "call_id": "CALL-1", "agent_id": "sam.ortiz", "team": "Broadband", "customer_id": "cust-77",
        "started_at": "2025-03-04T09:00:00+00:00", "queue": "faults",
    }))
    (folder / "broken.wav").write_bytes(b"RIFF not audio at all")
    db = f"sqlite:///{tmp_path / 'calls.db'}"
    run = subprocess.run(
        [sys.executable, "-m", "fixfirst.cli.main", "ingest", str(folder), "--db", db, "--agent-channel", "right",
         "--rejects", str(tmp_path / "rejects.jsonl")],
        capture_output=True, text=True,
    )
    assert run.returncode == 3, run.stderr  # one recording rejected, the good one stored
    reject = json.loads((tmp_path / "rejects.jsonl").read_text().splitlines()[0])
    assert reject["file"].endswith("broken.wav") and "not a readable recording" in reject["reason"]
    subprocess.run([sys.executable, "-m", "fixfirst.cli.main", "analyze", "--db", db], check=True,
                   capture_output=True)
    with Store.open(db) as store:
        conversation = store.get_conversation("CALL-1")
        result = store.get_result("CALL-1")
    assert conversation is not None and result is not None
    assert conversation.channel == "call" and conversation.agent_ids == ("sam.ortiz",)
    assert conversation.team == "Broadband" and conversation.turns[0].role.value == "agent"
    first = conversation.turns[0].ts
    assert first is not None and first.isoformat().startswith("2025-03-04T09:00:01")  # start + 1.5 s
    call = conversation.metadata["call"]
    assert call["metrics"]["hold_s"] == pytest.approx(9.0, abs=0.5)
    assert len(call["turn_times"]) == len(conversation.turns)
    assert result.outcome.label.value in {"owned_followup", "resolved", "clear_no", "unresolved", "deflected",
                                          "moved_private"}
    assert all(f.turn < len(conversation.turns) for f in result.findings)

    # The dashboard shows the call: metrics, each turn's time, each finding's time (API too).
    with Store.open(db) as store:
        create_user(store, "lead", "a long enough password", "admin")
        token = create_api_token(store, get_user_by_name(store, "lead").id, "t")
    with TestClient(create_app(db)) as client:
        form = client.get("/login").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"username": "lead", "password": "a long enough password", "csrf_token": csrf})
        page = client.get("/conversations/CALL-1").text
        agent_page = client.get("/agents/sam.ortiz").text
        team_page = client.get("/teams/Broadband").text
        api = client.get("/api/conversations/CALL-1", headers={"Authorization": f"Bearer {token}"}).json()
    assert 'class="card call-metrics"' in page and "Hold (announced)" in page
    start, end = call["turn_times"][0]
    assert f'<span class="turn-time">{clock(start)}–{clock(end)}</span>' in page
    for summary in (agent_page, team_page):  # one call: the medians are its own metrics
        box = summary[summary.index('class="card calls-summary"') :]
        assert "Calls <span class=\"muted\">(1)</span>" in box and "1 call with an announced hold" in box
    for finding in api["result"]["findings"]:
        assert finding["seconds"] == call["turn_times"][finding["turn"]]


def test_options_choose_the_agents_channel(stereo: tuple[ScriptedCall, Recording], tmp_path: Path) -> None:
    call, _ = stereo
    swapped = read_recording(call.path, CallOptions(agent_channel="right"))
    assert [t.party for t in swapped.turns] == ["customer" if line.party == "agent" else "agent" for line in call.lines]


def test_two_workers_transcribe_in_parallel_with_the_same_output(tmp_path: Path) -> None:
    paths = [build_call(tmp_path / f"c{i}.wav", SCRIPTS["billing"]).path for i in range(2)]
    one = [[item.model_dump() for item in items] for items in read_calls(paths, None, workers=1)]
    two = [[item.model_dump() for item in items] for items in read_calls(paths, None, workers=2)]
    assert one == two and len(one) == 2 and all(items and "turns" in items[0] for items in one)


def test_kept_audio_silences_personal_data_plays_for_who_may_see_it_and_expires(tmp_path: Path) -> None:
    lines = [
        Line("agent", "Thank you for calling, how can I help?", 1.0),
        Line("customer", "Please take the payment, my card number is 4111 1111 1111 1111."),
        Line("agent", "Thank you, the payment went through and I have emailed your receipt."),
    ]
    folder, kept = tmp_path / "in", tmp_path / "kept"
    folder.mkdir()
    build_call(folder / "pay.wav", lines)
    (folder / "pay.json").write_text(json.dumps({"call_id": "PAY-1", "agent_id": "ann.lee", "team": "Billing"}))
    db = f"sqlite:///{tmp_path / 'kept.db'}"
    subprocess.run([sys.executable, "-m", "fixfirst.cli.main", "ingest", str(folder), "--db", db, "--keep-audio",
                    str(kept), "--audio-retention-days", "30", "--rejects", str(tmp_path / "r.jsonl")], check=True,
                   capture_output=True)
    with Store.open(db) as store:
        conversation = store.get_conversation("PAY-1")
        create_user(store, "lead", "a long enough password", "admin")
        create_user(store, "other", "a long enough password", "agent", agent_id="someone.else")
    assert conversation is not None
    call = conversation.metadata["call"]
    assert "4111" not in " ".join(t.text for t in conversation.turns)  # the transcript is redacted
    assert call["silenced_turns"] == [1] and call["keep_until"] == (date.today() + timedelta(days=30)).isoformat()
    with wave.open(str(kept / call["audio"])) as copy:
        rate, audio = copy.getframerate(), np.frombuffer(copy.readframes(copy.getnframes()), dtype=np.int16)
    audio = audio.reshape(-1, 2)
    start, end = call["turn_times"][1]
    assert not audio[int(start * rate) : int(end * rate)].any()  # the card number is gone from the audio
    s0, e0 = call["turn_times"][0]
    assert np.abs(audio[int(s0 * rate) : int(e0 * rate)]).max() > 1000  # the rest is still there

    def client(user: str, app: Any) -> TestClient:
        c = TestClient(app)
        form = c.get("/login").text
        csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        c.post("/login", data={"username": user, "password": "a long enough password", "csrf_token": csrf})
        return c

    app = create_app(db, audio_dir=kept)
    with client("lead", app) as lead:
        page = lead.get("/conversations/PAY-1").text
        played = lead.get("/conversations/PAY-1/audio")
    assert 'id="call-audio"' in page and "kept until" in page and "1 turn silenced" in page
    assert played.status_code == 200 and played.headers["content-type"] == "audio/wav"
    with client("other", app) as other:
        assert other.get("/conversations/PAY-1/audio").status_code == 404  # not their call
    with TestClient(create_app(db)) as no_folder:  # a server without --audio-dir plays nothing
        assert no_folder.get("/conversations/PAY-1/audio", follow_redirects=False).status_code in (303, 404)

    with Store.open(db) as store:
        assert purge_expired(store, kept, today=date.today()) == []  # still within retention
        assert purge_expired(store, kept, today=date.today() + timedelta(days=31)) == ["PAY-1"]
    assert not (kept / call["audio"]).exists()
