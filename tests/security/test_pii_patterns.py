"""Hardening #7: national ids (US SSN, UK NI, NHS/SIN with their word), IP addresses, dates of birth,
postcodes, person names and personal metadata are redacted by default, without eating order numbers,
phone numbers, ordinary dates or agents' names."""

from __future__ import annotations

import pytest

from fixfirst.ingest import Redactor
from fixfirst.ingest.redaction import REDACTED_VALUE
from fixfirst.model import Conversation, Role, Turn

REDACTOR = Redactor()


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("My SSN is 536-22-8812 thanks", "My SSN is <SSN> thanks"),
        ("SSN 536 22 8812", "SSN <SSN>"),
        ("social security number: 536228812", "social security number: <SSN>"),
        ("logged in from 192.168.10.24 yesterday", "logged in from <IP> yesterday"),
        ("from 2001:db8:85a3::8a2e:370:7334 today", "from <IP> today"),
        ("I was born on 12/04/1987 and moved", "I was born on <DOB> and moved"),
        ("DOB: 4 March 1990", "DOB: <DOB>"),
        ("my date of birth is March 4, 1990.", "my date of birth is <DOB>."),
        ("NI number AB 12 34 56 C please", "NI number <NINO> please"),
        ("nino: JG103759A", "nino: <NINO>"),
        ("my NHS number is 943 476 5919", "my NHS number is <NATIONAL_ID>"),
        ("my SIN is 130692544", "my SIN is <NATIONAL_ID>"),
        ("deliver to 14 Marlowe Court, Leeds LS6 3QW please", "deliver to <ADDRESS> please"),
        ("postcode is SW1A 1AA", "postcode is <POSTCODE>"),
        ("my name is Sarah Connor and I'm calling again", "my name is <NAME> and I'm calling again"),
        ("Dear Mr Okafor, your claim is approved.", "Dear <NAME>, your claim is approved."),
        ("Hi Dana, I've refunded it.", "Hi <NAME>, I've refunded it."),
        ("ok. thanks Aisha Khan!", "ok. thanks <NAME>!"),
    ],
)
def test_identifiers_are_replaced(text: str, redacted: str) -> None:
    assert REDACTOR.redact_text(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "order 536228812 is late",  # nine digits without the word SSN: an order number
        "your engineer comes on 12/04/2025",  # a date that is not a birth date
        "invalid area 000-12-3456 or 666-12-3456",
        "Hi there, can you help?",
        "Hello, Can I get a refund",
        "Thanks again for the quick fix",
        "Hi team, my router is down",
    ],
)
def test_lookalikes_are_kept(text: str) -> None:
    assert REDACTOR.redact_text(text) == text


def test_customer_names_from_the_author_field_are_redacted_everywhere_agents_names_kept() -> None:
    lines = [
        (Role.CUSTOMER, "Priya Nair", "hi its Priya again, Nair on the account"),
        (Role.AGENT, "Tom", "Thanks Priya - this is Tom. I've reset the line, Ms Nair."),
        (Role.CUSTOMER, "Priya Nair", "great thanks Tom"),
    ]
    conversation = Conversation(
        id="c1",
        company="Glasslane Fibre",
        agent_ids=("GLF-0447",),
        turns=tuple(Turn(index=i, role=r, author=a, text=t) for i, (r, a, t) in enumerate(lines)),
    )
    redacted = REDACTOR.redact_conversation(conversation)
    texts = [t.text for t in redacted.turns]
    assert texts == [
        "hi its <NAME> again, <NAME> on the account",
        "Thanks <NAME> - this is Tom. I've reset the line, Ms <NAME>.",
        "great thanks Tom",
    ]


def test_metadata_under_personal_keys_is_replaced_whole() -> None:
    conversation = Conversation(
        id="c2",
        turns=(Turn(index=0, role=Role.CUSTOMER, text="hello"),),
        metadata={"ssn": "536228812", "customerEmail": "x", "queue_name": "Billing", "nested": {"dob": 1990}},
    )
    metadata = REDACTOR.redact_conversation(conversation).metadata
    assert metadata["ssn"] == metadata["customerEmail"] == metadata["nested"]["dob"] == REDACTED_VALUE
    assert metadata["queue_name"] == "Billing"
