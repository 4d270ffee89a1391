"""Long calls are read in blocks: the same samples, speech and transcript as reading the call whole,
whatever the block size (small blocks here stand in for an hour-long call)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fixfirst.ingest.calls.audio_blocks import SAMPLE_RATE, blocks, speech_intervals, streamed_speech
from fixfirst.ingest.calls.recording import CallOptions, read_recording
from fixfirst.ingest.calls.scripted_call import build_call, espeak_available, word_error_rate

pytestmark = pytest.mark.skipif(not espeak_available(), reason="needs espeak-ng (scripts/install_browser.sh)")
pytest.importorskip("faster_whisper", reason="needs the calls extra: pip install -e '.[calls]'")


@pytest.fixture(scope="module")
def call_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_call(tmp_path_factory.mktemp("blocks") / "call.wav").path


def test_blocks_give_exactly_the_samples_of_a_whole_decode(call_path: Path) -> None:
    from faster_whisper.audio import decode_audio

    left, right = decode_audio(str(call_path), sampling_rate=SAMPLE_RATE, split_stereo=True)
    read = list(blocks(call_path, block_s=7.0))
    assert len(read) == int(np.ceil(len(left) / (7 * SAMPLE_RATE)))
    assert [b.start for b in read] == [7.0 * i for i in range(len(read))]
    assert np.array_equal(np.concatenate([b.channels[0] for b in read]), left)
    assert np.array_equal(np.concatenate([b.channels[1] for b in read]), right)


def test_speech_found_block_by_block_matches_the_whole_recording(call_path: Path) -> None:
    whole = [b.channels for b in blocks(call_path, block_s=3600)][0]
    expected = [speech_intervals(channel) for channel in whole]
    found, duration = streamed_speech(call_path, block_s=7.0)
    assert duration == pytest.approx(len(whole[0]) / SAMPLE_RATE)
    for got, want in zip(found, expected, strict=True):
        assert len(got) == len(want)  # no region split at a block border, none lost or doubled
        for (s1, e1), (s2, e2) in zip(got, want, strict=True):
            assert abs(s1 - s2) < 0.1 and abs(e1 - e2) < 0.1


def test_a_call_read_in_small_blocks_gives_the_same_turns_and_metrics(call_path: Path, tmp_path: Path) -> None:
    whole = read_recording(call_path)
    small = read_recording(call_path, CallOptions(block_s=7.0), keep_as=tmp_path / "kept.wav")
    # The same turns at the same times; the words may differ a little, because a region is packed
    # with other regions into a Whisper window only within its block.
    assert [t.party for t in small.turns] == [t.party for t in whole.turns]
    for a, b in zip(small.turns, whole.turns, strict=True):
        assert abs(a.start - b.start) < 0.1 and abs(a.end - b.end) < 0.1
        assert word_error_rate(b.text, a.text) < 0.35, (a.text, b.text)
    assert small.metrics.hold_s == pytest.approx(whole.metrics.hold_s, abs=0.1)
    assert small.metrics.overtalk_s == pytest.approx(whole.metrics.overtalk_s, abs=0.1)
    assert small.duration_s == pytest.approx(whole.duration_s)
    kept = list(blocks(tmp_path / "kept.wav", block_s=3600))[0]
    assert len(kept.channels) == 2 and len(kept.channels[0]) == round(whole.duration_s * SAMPLE_RATE)
