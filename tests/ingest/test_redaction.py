"""Redaction: a table of text -> redacted text (negatives included), invariants, and the real sample."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixfirst.ingest import fixfirst_jsonl
from fixfirst.ingest.redaction import REDACTION_VERSION, Redactor
from fixfirst.model import Conversation, Role, Survey, Turn

FIXTURES = Path(__file__).parents[1] / "fixtures"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
REDACTOR = Redactor(keep_handles=["AppleSupport"])

CASES = [
    ("mail me at jane.doe@example.com please", "mail me at <EMAIL> please"),
    ("my e-mail: zekidemir089@gmail.com", "my e-mail: <EMAIL>"),
    ("card 4111 1111 1111 1111 was charged", "card <CARD> was charged"),
    ("call me on (415) 555-2671 tonight", "call me on <PHONE> tonight"),
    ("ring +44 20 7946 0958", "ring <PHONE>"),
    ("IBAN DE89 3704 0044 0532 0130 00 please", "IBAN <IBAN> please"),
    ("my account number is 12345678", "my account number is <ACCOUNT>"),
    ("smart card no: 10052474284, thanks", "smart card no: <ACCOUNT>, thanks"),
    ("ship it to 42 Elm Street, Apt 5 today", "ship it to <ADDRESS> today"),
    ("@someone_else look at this", "<HANDLE> look at this"),
    ("@AppleSupport my phone is broken", "@AppleSupport my phone is broken"),
    # negatives and hard contrasts: nothing personal, nothing changed
    ("ref 4111 1111 1111 1112 fails Luhn", "ref 4111 1111 1111 1112 fails Luhn"),
    ("ref 4111 1111 1111 1111 passes Luhn", "ref <CARD> passes Luhn"),
    ("card 4111 1111 1111 1112 mistyped", "card <ACCOUNT> mistyped"),  # after "card": still private
    ("error code WS-37397-9 on login", "error code WS-37397-9 on login"),
    ("see https://support.google.com/youtube/answer/185111 for steps", None),
    ("https://web.archive.org/web/20200401224734/https://medium.com/@author/post", None),
    ("export 1920*1080@30fps in iOS 13.3.1", None),
    ("I waited 3 hours on the way home", None),
    ("order 88213 arrived on 2024-03-04", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redact_text_table(text: str, expected: str | None) -> None:
    assert REDACTOR.redact_text(text) == (text if expected is None else expected)


def test_email_inside_a_url_is_still_redacted_but_the_link_kept() -> None:
    text = "reset at https://example.com/reset?user=ann@example.org now"
    assert REDACTOR.redact_text(text) == "reset at https://example.com/reset?user=<EMAIL> now"


def test_no_network_is_attempted(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("redaction tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert Redactor().redact_text("write to a.b@fresh-domain.co.uk") == "write to <EMAIL>"


def test_no_email_from_the_twitter_care_sample_survives() -> None:
    conversations = [c for c in fixfirst_jsonl.read(FIXTURES / "ingest_twitter_care_sample.jsonl")]
    before = [m for c in conversations for t in c.turns for m in EMAIL.findall(t.text)]
    assert len(before) >= 10  # the sample was chosen to hold real addresses
    redactor = Redactor()
    redacted = [redactor.redact_conversation(c) for c in conversations]
    assert [m for c in redacted for t in c.turns for m in EMAIL.findall(t.text)] == []
    assert sum(t.text.count("<EMAIL>") for c in redacted for t in c.turns) >= len(before)
    # help-article links survive
    links = [t.text for c in conversations for t in c.turns if "support.google.com" in t.text]
    assert links and all(
        "support.google.com" in t.text
        for c in redacted
        for t in c.turns
        if t.role is Role.AGENT and c.company == "Google"
    )


def _conversation(*texts: tuple[Role, str, str]) -> Conversation:
    return Conversation(
        id="c1",
        channel="twitter",
        company="AppleSupport",
        customer_id="ann_x",
        agent_ids=("AppleSupport",),
        turns=tuple(Turn(index=i, role=r, author=a, text=t) for i, (r, a, t) in enumerate(texts)),
        metadata={"subject": "mail ann@example.com"},
    )


def test_redact_conversation_keeps_brand_handles_and_ids_by_default() -> None:
    conversation = _conversation(
        (Role.CUSTOMER, "ann_x", "@AppleSupport help, I'm ann@example.com"),
        (Role.AGENT, "AppleSupport", "@ann_x Sorry! DM @AppleSupport or see https://support.apple.com/HT201"),
    )
    redacted = Redactor().redact_conversation(conversation)
    assert [t.text for t in redacted.turns] == [
        "@AppleSupport help, I'm <EMAIL>",
        "<HANDLE> Sorry! DM @AppleSupport or see https://support.apple.com/HT201",
    ]
    assert redacted.customer_id == "ann_x"
    assert redacted.metadata == {"subject": "mail <EMAIL>", "redacted": REDACTION_VERSION}
    assert Redactor().redact_conversation(redacted) is redacted  # already done: passes through


def test_pseudonyms_are_stable_keyed_and_shared_with_surveys() -> None:
    conversation = _conversation((Role.CUSTOMER, "ann_x", "hi"), (Role.AGENT, "AppleSupport", "hello"))
    one = Redactor(pseudonym_key="s1").redact_conversation(conversation)
    again = Redactor(pseudonym_key="s1").redact_conversation(conversation)
    other = Redactor(pseudonym_key="s2").redact_conversation(conversation)
    assert one.customer_id == again.customer_id == one.turns[0].author
    assert one.customer_id != other.customer_id
    assert (
        one.customer_id is not None and one.customer_id.startswith("cust-") and "ann" not in one.customer_id
    )
    assert one.turns[1].author == "AppleSupport"
    survey = Survey(id="s", customer_id="ann_x", csat=4, comment="call 415-555-2671")
    redacted_survey = Redactor(pseudonym_key="s1").redact_survey(survey)
    assert redacted_survey.customer_id == one.customer_id
    assert redacted_survey.comment == "call <PHONE>"


def test_constructing_a_redactor_does_no_work() -> None:
    redactor = Redactor()
    assert "_recognizers" not in redactor.__dict__


_PLAIN = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCXYZ,.!?'\n-"), max_size=200)
_LOCAL = st.from_regex(r"[a-z][a-z0-9._]{0,10}[a-z0-9]", fullmatch=True)
_DOMAIN = st.from_regex(r"[a-z]{2,10}\.(com|org|net|co\.uk|de|io)", fullmatch=True)


@settings(max_examples=150, deadline=None)
@given(_PLAIN)
def test_text_without_pii_is_unchanged(text: str) -> None:
    assert REDACTOR.redact_text(text) == text


@settings(max_examples=150, deadline=None)
@given(_PLAIN, _LOCAL, _DOMAIN, _PLAIN)
def test_no_email_survives_and_redaction_is_idempotent(
    before: str, local: str, domain: str, after: str
) -> None:
    text = f"{before} {local}@{domain} {after}"
    redacted = REDACTOR.redact_text(text)
    assert f"{local}@{domain}" not in redacted
    assert EMAIL.search(redacted) is None
    assert "<EMAIL>" in redacted
    assert REDACTOR.redact_text(redacted) == redacted


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Speech recognition groups a card number read aloud like a large number or digit by digit.
        ("my card number is 4,111,111,111,111,111 thanks", "my card number is <CARD> thanks"),
        ("card 4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 ok", "card <CARD> ok"),
        ("it is 5500.0000.0000.0004 yes", "it is <CARD> yes"),
        # Not Luhn-valid, or plain amounts: kept.
        ("we sold 1,234,567,890,123 units", "we sold 1,234,567,890,123 units"),
        ("it costs 1,250.00 pounds", "it costs 1,250.00 pounds"),
    ],
)
def test_card_numbers_as_speech_recognition_writes_them(text: str, expected: str) -> None:
    assert Redactor().redact_text(text) == expected


def test_a_batch_redacts_exactly_as_one_item_at_a_time() -> None:
    """`redact_items` runs spaCy over the batch's survey comments and reject excerpts at once; every
    item must come out as `redact_item` makes it alone (names, links, repeats and other kinds mixed)."""
    from fixfirst.ingest.reject import Reject

    comments = [
        "Oliver Brennan on the phone was brilliant, thank Priya Raman too",
        "see https://example.com/Account/Jane-Smith for what Ms Tanaka said",
        "no names here, just slow",
        "Oliver Brennan on the phone was brilliant, thank Priya Raman too",  # the same text twice
        "",
        "Email me at dana.wright@example.org - Dana Wright",
    ]
    items: list = [
        Survey(id=f"s{i}", conversation_id=f"c{i}", csat=3, comment=text or None) for i, text in enumerate(comments)
    ]
    items.append(Reject(file="in.csv", line=7, reason="bad csat", raw="csat=9, note: ask for Marek Kowalczyk"))
    items.append(
        Conversation(
            id="c9", channel="chat", turns=(Turn(index=0, role=Role.CUSTOMER, text="I'm Ada Lovelace, a@b.io"),)
        )
    )
    redactor = Redactor(keep_handles=["AppleSupport"])
    alone = [redactor.redact_item(item) for item in items]
    assert redactor.redact_items(items) == alone
    assert "Priya Raman" not in str(alone[0]) and "Marek Kowalczyk" not in str(alone[-2])
