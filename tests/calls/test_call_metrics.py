"""Call metrics and turns from known timings - no audio: the arithmetic every call relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixfirst.errors import ConfigError
from fixfirst.ingest.calls.metrics import DEAD_AIR_S, announced_holds, call_metrics, overlap, silences
from fixfirst.ingest.calls.recording import (
    PACK_GAP_S,
    PACK_S,
    CallOptions,
    packs,
    require_calls_extra,
    sentences,
    utterances,
)
from fixfirst.ingest.calls.speaker_roles import agent_probability, decode_parties
from fixfirst.ingest.calls.timeline import Segment, TimedTurn, turns_of


def test_turns_join_one_partys_segments_until_the_other_speaks_or_a_long_pause() -> None:
    turns = turns_of([
        Segment("agent", 0.0, 2.0, "Hello", 1), Segment("agent", 2.5, 4.0, "how can I help", 4),
        Segment("customer", 4.5, 6.0, "My bill", 2), Segment("agent", 6.5, 7.0, "Sure", 1),
        Segment("agent", 12.0, 13.0, "Back again", 2),
    ])
    assert [(t.party, t.start, t.end, t.text, t.words) for t in turns] == [
        ("agent", 0.0, 4.0, "Hello how can I help", 5), ("customer", 4.5, 6.0, "My bill", 2),
        ("agent", 6.5, 7.0, "Sure", 1), ("agent", 12.0, 13.0, "Back again", 2),
    ]


def test_overlap_silence_and_holds() -> None:
    assert overlap([(0, 5), (10, 12)], [(4, 11)]) == pytest.approx(2.0)
    assert [(s.start, s.end) for s in silences([(0, 2), (1, 3), (5, 6), (20, 21)])] == [(3, 5), (6, 20)]
    turns = [
        TimedTurn("agent", 0, 3, "Let me put you on hold for a moment", 8),
        TimedTurn("customer", 3, 4, "ok", 1),
        TimedTurn("agent", 30, 33, "Thanks for holding, it is fixed", 6),
    ]
    (hold,) = announced_holds(turns)
    assert (hold.start, hold.end, hold.start_turn, hold.end_turn) == (3, 30, 0, 2)


def test_a_long_silence_the_agent_thanks_the_customer_for_is_a_hold_even_when_the_start_was_misheard() -> None:
    misheard = [
        TimedTurn("agent", 0, 3, "Let me put you on fold for a moment", 8),
        TimedTurn("agent", 3 + DEAD_AIR_S, 14, "Thank you for holding, it is fixed", 7),
    ]
    (hold,) = announced_holds(misheard)
    assert (hold.start, hold.end, hold.start_turn, hold.end_turn) == (3, 3 + DEAD_AIR_S, 0, 1)
    short_pause = [misheard[0], TimedTurn("agent", 5, 8, "Thanks for waiting, it is fixed", 6)]
    assert announced_holds(short_pause) == []  # a two-second pause is not a hold


def test_call_metrics_from_intervals() -> None:
    agent = [(1.5, 6.0), (13.0, 19.0), (28.0, 34.0)]
    customer = [(7.0, 12.5), (33.5, 36.5)]
    turns = [
        TimedTurn("agent", 1.5, 6.0, "Hello, how can I help", 5),
        TimedTurn("customer", 7.0, 12.5, "My internet is down", 4),
        TimedTurn("agent", 13.0, 19.0, "I will put you on hold", 6),
        TimedTurn("agent", 28.0, 34.0, "Thank you for holding", 4),
        TimedTurn("customer", 33.5, 36.5, "Too late", 2),
    ]
    m = call_metrics(agent, customer, turns, duration_s=40.0)
    assert m.first_answer_s == 1.5 and m.overtalk_s == 0.5 and m.hold_s == 9.0
    assert m.longest_silence_s == 9.0 and m.dead_air_s == 0  # the long silence is the announced hold
    assert m.agent_talk_s == 16.5 and m.customer_talk_s == 8.5 and m.talk_listen_ratio == pytest.approx(1.94)
    unannounced = [TimedTurn(t.party, t.start, t.end, "words", 1) for t in turns]
    assert call_metrics(agent, customer, unannounced, 40.0).dead_air_s == 9.0 >= DEAD_AIR_S


def test_speech_regions_are_packed_into_whisper_windows_in_order() -> None:
    regions = [(0.0, 10.0), (12.0, 20.0), (25.0, 33.0), (40.0, 80.0), (81.0, 82.0)]
    groups = packs(regions)
    assert [i for group in groups for i in group] == list(range(len(regions)))  # every region once, in order
    assert groups == [[0, 1], [2], [3], [4]]
    for group in groups[:2]:
        assert sum(regions[i][1] - regions[i][0] + 0.2 for i in group) + PACK_GAP_S * (len(group) - 1) <= PACK_S


def test_mono_speakers_alternate_when_the_words_say_nothing_and_the_agent_comes_back_after_a_hold() -> None:
    speech = [(1.0, 3.0), (3.3, 4.0), (5.0, 8.0), (9.0, 10.0), (20.0, 22.0), (23.0, 24.0)]
    units = utterances(speech, 0.6)
    assert units == [(1.0, 4.0), (5.0, 8.0), (9.0, 10.0), (20.0, 22.0), (23.0, 24.0)]
    parties = decode_parties(units, [""] * len(units), hold_s=4.0, pause_s=0.6)
    assert parties == ["agent", "customer", "agent", "agent", "customer"]


def test_an_utterance_is_cut_after_each_sentence_and_keeps_its_edges() -> None:
    words = [(2.1, 2.4, " Good"), (2.4, 2.9, " morning."), (3.0, 3.2, " I"), (3.2, 3.5, " was"),
             (3.5, 3.9, " charged?"), (4.0, 4.2, " twice")]
    assert sentences((2.0, 4.5), words) == [
        ((2.0, 2.9), "Good morning."), ((3.0, 3.9), "I was charged?"), ((4.0, 4.5), "twice"),
    ]
    assert sentences((1.0, 2.0), []) == [((1.0, 2.0), "")]


def test_the_role_model_reads_who_is_speaking_from_the_words() -> None:
    agent_says = "Thank you for holding, I can see the second payment on your account and I have refunded it."
    customer_says = "I was charged twice for my bill this month and I want my money back."
    agent, customer, empty = agent_probability([agent_says, customer_says, "  "])
    assert agent > 0.8 and customer < 0.2 and empty == 0.5


def test_words_bring_a_mono_split_back_in_step_after_two_voices_merge() -> None:
    # The customer talked over the agent: both voices became one utterance (the 3rd), so plain
    # alternation would give every later utterance to the wrong party.
    units = [(0.0, 3.0), (3.8, 7.0), (7.8, 14.0), (14.8, 19.0), (19.8, 21.0)]
    said = [
        "Good morning, billing team, this is Priya speaking.",
        "I was charged twice for my March bill and I want the money back please.",
        "I can see both payments of forty two pounds. I have refunded the second one now. Great, when will I see it?",
        "It will be back on your card within five working days and I will send you an email confirmation today.",
        "Great, thanks, that sorts it.",
    ]
    by_words = decode_parties(units, said, hold_s=4.0, pause_s=0.6)
    assert by_words == ["agent", "customer", "agent", "agent", "customer"]
    by_turn_taking_alone = decode_parties(units, [""] * 5, hold_s=4.0, pause_s=0.6)
    assert by_turn_taking_alone == ["agent", "customer", "agent", "customer", "agent"]


def test_a_missing_model_folder_is_a_config_error_before_anything_is_read(tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper")
    with pytest.raises(ConfigError, match="not a CTranslate2 Whisper folder"):
        require_calls_extra(CallOptions(asr_model=tmp_path / "nowhere"))
