"""Adapter: Kaggle "Customer Support on Twitter" (twcs.csv) -> one Conversation per thread.

Columns: tweet_id, author_id, inbound, created_at ("Tue Oct 31 22:10:47 +0000 2017"), text,
response_tweet_id, in_response_to_tweet_id.

Threads are rebuilt from the reply links: a tweet whose `in_response_to_tweet_id` is empty, or
names a tweet missing from the file, is a root (the latter marked `partial_thread`), and
every other tweet belongs to its parent's thread. A thread rooted at a customer's inbound tweet
is one conversation (id ``twcs-<root tweet id>``, stable across re-reads); threads started by a
brand are rejected with that reason. Brand accounts (inbound False) are agents; handles are
authors; the company is the first brand that answers.

Two streaming passes: the first keeps a compact numpy index (ids, parents, inbound flags -
about 25 bytes a tweet); the second re-reads the file and yields each thread as soon as its
last tweet has been read, so only threads in progress are held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from fixfirst.ingest.conversation_builder import derive_participants
from fixfirst.ingest.csv_records import CsvRecord, iter_csv_records, read_header
from fixfirst.ingest.reject import Reject, summarise_validation_error
from fixfirst.model import MAX_TURNS, Conversation, Role, Turn

NAME = "twcs"
COLUMNS = (
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
)
TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_NO_PARENT = -1
_MAX_DEPTH_STEPS = 64


def sniff(path: str | Path) -> bool:
    """A CSV whose header has tweet_id, author_id, inbound and in_response_to_tweet_id."""
    return {"tweet_id", "author_id", "inbound", "in_response_to_tweet_id"} <= set(read_header(path))


@dataclass(frozen=True, slots=True)
class _Tweet:
    tweet_id: int
    parent: int
    inbound: bool
    record: CsvRecord


def _parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ValueError(f"inbound: {value[:20]!r} is not True or False")


def _parse_id(value: str, column: str, allow_empty: bool = False) -> int:
    text = value.strip()
    if not text and allow_empty:
        return _NO_PARENT
    if text.endswith(".0"):  # pandas writes ids of a column with blanks as floats
        text = text[:-2]
    if not text.isdigit():
        raise ValueError(f"{column}: {value[:30]!r} is not a tweet id")
    return int(text)


def parse_twitter_time(value: str) -> datetime | None:
    """Twitter's created_at ("Tue Oct 31 22:10:47 +0000 2017"), or ISO 8601; None when blank."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, TWITTER_TIME)
    except ValueError:
        return datetime.fromisoformat(value)


def _tweets(path: str | Path, delimiter: str | None) -> Iterator[_Tweet | Reject]:
    for record in iter_csv_records(path, delimiter):
        if isinstance(record, Reject):
            yield record
            continue
        values = record.values
        try:
            missing = [
                c for c in ("tweet_id", "author_id", "inbound", "text") if not values.get(c, "").strip()
            ]
            if missing:
                raise ValueError(f"missing {', '.join(missing)}")
            tweet = _Tweet(
                _parse_id(values["tweet_id"], "tweet_id"),
                _parse_id(
                    values.get("in_response_to_tweet_id", ""), "in_response_to_tweet_id", allow_empty=True
                ),
                _parse_bool(values["inbound"]),
                record,
            )
        except ValueError as error:
            yield Reject.of(path, record.line, str(error), record.raw)
            continue
        yield tweet


def _thread_roots(ids: np.ndarray, parents: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(root position per tweet, -1 for cycles; True where the root's parent is missing; dup mask)."""
    count = len(ids)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    duplicate = np.zeros(count, dtype=bool)
    if count:
        duplicate[order[1:][sorted_ids[1:] == sorted_ids[:-1]]] = True
    where = np.searchsorted(sorted_ids, parents)
    where = np.clip(where, 0, max(count - 1, 0))
    found = (parents != _NO_PARENT) & (sorted_ids[where] == parents) if count else np.zeros(0, dtype=bool)
    parent_pos = np.where(found, order[where], np.arange(count))
    partial = (parents != _NO_PARENT) & ~found
    root = parent_pos
    for _ in range(_MAX_DEPTH_STEPS):
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    # A true root has no parent; a tweet whose "root" still has one sits in (or under) a cycle.
    cyclic = parent_pos[root] != root
    root = np.where(cyclic, -1, root)
    return root, partial, duplicate


def _conversation(
    path: str | Path, root: _Tweet, tweets: list[_Tweet], partial: bool
) -> Conversation | Reject:
    if len(tweets) > MAX_TURNS:
        return Reject.of(
            path, root.record.line, f"thread has {len(tweets)} tweets, over {MAX_TURNS}", root.record.raw
        )
    try:
        timed = []
        for tweet in tweets:
            try:
                ts = parse_twitter_time(tweet.record.values.get("created_at", ""))
            except ValueError:
                raise ValueError(
                    f"line {tweet.record.line}: created_at is not a Twitter or ISO time"
                ) from None
            if ts is not None and ts.tzinfo is None:
                ts = ts.replace(tzinfo=UTC)
            timed.append((ts.timestamp() if ts else 0.0, tweet.tweet_id, ts, tweet))
        timed.sort(key=lambda row: (row[0], row[1]))
        ordered = [row[3] for row in timed]
        turns = tuple(
            Turn(
                index=i,
                role=Role.CUSTOMER if tweet.inbound else Role.AGENT,
                author=tweet.record.values["author_id"].strip(),
                text=tweet.record.values["text"],
                ts=ts,
            )
            for i, (_, _, ts, tweet) in enumerate(timed)
        )
        customer, agents = derive_participants(turns)
        notes = [n for t in ordered for n in t.record.notes]
        metadata: dict[str, object] = {"source": "twcs", "root_tweet_id": str(root.tweet_id)}
        if partial:
            metadata["partial_thread"] = True
        if notes:
            metadata["ingest_notes"] = notes
        return Conversation(
            id=f"twcs-{root.tweet_id}",
            channel="twitter",
            company=agents[0] if agents else None,
            started_at=turns[0].ts,
            customer_id=root.record.values["author_id"].strip() or customer,
            agent_ids=agents,
            turns=turns,
            metadata=metadata,
        )
    except ValidationError as error:
        return Reject.of(path, root.record.line, summarise_validation_error(error), root.record.raw)
    except ValueError as error:
        return Reject.of(path, root.record.line, str(error), root.record.raw)


def read(path: str | Path, *, delimiter: str | None = None) -> Iterator[Conversation | Reject]:
    """Yield one Conversation per customer-started thread, and Rejects for unusable tweets/threads."""
    ids_list: list[int] = []
    parents_list: list[int] = []
    inbound_list: list[bool] = []
    for item in _tweets(path, delimiter):
        if isinstance(item, Reject):
            yield item
            continue
        ids_list.append(item.tweet_id)
        parents_list.append(item.parent)
        inbound_list.append(item.inbound)
    ids = np.asarray(ids_list, dtype=np.int64)
    parents = np.asarray(parents_list, dtype=np.int64)
    inbound = np.asarray(inbound_list, dtype=bool)
    del ids_list, parents_list, inbound_list
    roots, partial, duplicate = _thread_roots(ids, parents)
    keep = ~duplicate & (roots >= 0)
    sizes = np.bincount(roots[keep], minlength=len(ids)) if len(ids) else np.zeros(0, dtype=np.int64)

    pending: dict[int, list[_Tweet]] = {}
    position = -1
    for item in _tweets(path, delimiter):
        if isinstance(item, Reject):
            continue  # already yielded by the first pass
        position += 1
        if duplicate[position]:
            yield Reject.of(path, item.record.line, f"duplicate tweet_id {item.tweet_id}", item.record.raw)
            continue
        root = int(roots[position])
        if root < 0:
            yield Reject.of(path, item.record.line, "reply links form a cycle", item.record.raw)
            continue
        thread = pending.setdefault(root, [])
        thread.append(item)
        if len(thread) < sizes[root]:
            continue
        del pending[root]
        root_tweet = next(t for t in thread if t.tweet_id == int(ids[root]))
        if not inbound[root]:
            yield Reject.of(
                path,
                root_tweet.record.line,
                f"thread of {len(thread)} tweets starts with a brand (outbound) tweet, not a customer's",
                root_tweet.record.raw,
            )
            continue
        yield _conversation(path, root_tweet, thread, bool(partial[root]))
