"""twcs adapter: threads rebuilt from reply links, one conversation per customer-started thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixfirst.ingest import twcs_csv
from fixfirst.ingest.reject import Reject
from fixfirst.model import Conversation, Role

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLE = FIXTURES / "ingest_twcs_sample.csv"
HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


def _by_id(path: Path) -> dict[str, Conversation]:
    return {c.id: c for c in twcs_csv.read(path) if isinstance(c, Conversation)}


def test_threads_follow_reply_links_and_time_order() -> None:
    conversations = _by_id(SAMPLE)
    assert set(conversations) == {"twcs-8", "twcs-15", "twcs-17", "twcs-20"}
    thread = conversations["twcs-8"]
    # root 8, its three replies (9, 10, 6), then the chain 5 -> 4 -> 3 -> 1 -> 2, sorted by time
    assert len(thread.turns) == 9
    assert thread.turns[0].text == "@sprintcare is the worst customer service"
    assert thread.turns[-1].text == "@sprintcare and how do you propose we do that"
    times = [t.ts for t in thread.turns]
    assert times == sorted(times)
    assert thread.customer_id == "115712"
    assert thread.agent_ids == ("sprintcare",)
    assert thread.company == "sprintcare"
    assert {t.role for t in thread.turns if t.author == "sprintcare"} == {Role.AGENT}
    assert thread.started_at is not None and thread.started_at.isoformat() == "2017-10-31T21:45:10+00:00"


def test_brand_started_thread_is_rejected_with_its_line() -> None:
    rejects = [r for r in twcs_csv.read(SAMPLE) if isinstance(r, Reject)]
    assert [r.line for r in rejects] == [18]  # tweet 18 (VirginTrains) is the 17th data row
    assert "starts with a brand" in rejects[0].reason
    assert rejects[0].raw.startswith("18,VirginTrains,False")


def test_reply_to_a_missing_tweet_starts_a_partial_thread() -> None:
    thread = _by_id(SAMPLE)["twcs-20"]
    assert thread.metadata["partial_thread"] is True
    assert [t.role for t in thread.turns] == [Role.CUSTOMER, Role.AGENT]
    assert "partial_thread" not in _by_id(SAMPLE)["twcs-17"].metadata


def test_ids_are_stable_across_reads() -> None:
    assert list(_by_id(SAMPLE)) == list(_by_id(SAMPLE))


def test_sniff() -> None:
    assert twcs_csv.sniff(SAMPLE)
    assert not twcs_csv.sniff(FIXTURES / "ingest_surveys.csv")


def test_parse_twitter_time() -> None:
    parsed = twcs_csv.parse_twitter_time("Tue Oct 31 22:10:47 +0000 2017")
    assert parsed is not None and (
        parsed.year,
        parsed.month,
        parsed.hour,
        parsed.utcoffset().total_seconds(),
    ) == (
        2017,
        10,
        22,
        0.0,
    )
    assert twcs_csv.parse_twitter_time("") is None


BAD_ROWS = [
    pytest.param(
        "abc,115,True,Tue Oct 31 22:10:47 +0000 2017,hi,,\n", "tweet_id: 'abc' is not a tweet id", id="bad-id"
    ),
    pytest.param("7,115,maybe,Tue Oct 31 22:10:47 +0000 2017,hi,,\n", "inbound: 'maybe'", id="bad-inbound"),
    pytest.param("7,115,True,Tue Oct 31 22:10:47 +0000 2017,,,\n", "missing text", id="no-text"),
    pytest.param("7,115,True,Tue Oct 31 22:10:47 +0000 2017,hi\n", "row has 5 fields", id="short-row"),
    pytest.param(
        "7,115,True,31/10/2017 at noon,hi,,\n", "created_at is not a Twitter or ISO time", id="bad-date"
    ),
    pytest.param("1,115,True,Tue Oct 31 22:10:47 +0000 2017,dup,,\n", "duplicate tweet_id 1", id="duplicate"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_bad_row_is_a_reject_and_good_threads_still_load(tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "twcs.csv"
    good = (
        "1,200,True,Tue Oct 31 20:00:00 +0000 2017,@Brand my bill is wrong,2,\n"
        "2,Brand,False,Tue Oct 31 20:05:00 +0000 2017,@200 fixed it: refunded $10,,1\n"
    )
    path.write_text(HEADER + good + row)
    items = list(twcs_csv.read(path))
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [r.line for r in rejects] == [4]
    assert reason in rejects[0].reason
    conversations = [i for i in items if isinstance(i, Conversation)]
    assert "twcs-1" in [c.id for c in conversations]
    assert len(next(c for c in conversations if c.id == "twcs-1").turns) == 2


def test_reply_cycle_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "cycle.csv"
    path.write_text(
        HEADER
        + "1,200,True,Tue Oct 31 20:00:00 +0000 2017,a,2,2\n"
        + "2,Brand,False,Tue Oct 31 20:05:00 +0000 2017,b,1,1\n"
    )
    items = list(twcs_csv.read(path))
    assert all(isinstance(i, Reject) and "cycle" in i.reason for i in items)
    assert [i.line for i in items] == [2, 3]
