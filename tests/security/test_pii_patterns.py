"""Hardening #7 (part): US SSNs, IP addresses and dates of birth are redacted by default, without
eating order numbers, phone numbers or ordinary dates."""

from __future__ import annotations

import pytest

from fixfirst.ingest import Redactor

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
    ],
)
def test_lookalikes_are_kept(text: str) -> None:
    assert REDACTOR.redact_text(text) == text
