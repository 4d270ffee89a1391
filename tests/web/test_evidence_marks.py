"""Anchored evidence highlighting: escaping, one id per finding, anchors where findings start."""

from __future__ import annotations

import re

import pytest

from fixfirst.report.report_model import FindingRow
from fixfirst.web.evidence_marks import highlight_with_anchors


def row(label: str, start: int, end: int) -> FindingRow:
    return FindingRow(label=label, turn=0, start=start, end=end, confidence=0.9)


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize(
    ("text", "spans", "marked"),
    [
        ("sorry about that", [("hollow_apology", 0, 5)], ["sorry"]),
        ("a <b> & c", [("ownership", 2, 5)], ["&lt;b&gt;"]),
        ("I will call you back", [("ownership", 0, 11), ("proactive", 7, 20)], ["I will ", "call", " you back"]),
        ("short", [("ownership", 3, 99)], ["rt"]),
    ],
)
def test_marks_cover_exactly_the_spans_and_text_is_escaped(
    text: str, spans: list[tuple[str, int, int]], marked: list[str]
) -> None:
    html = str(highlight_with_anchors(text, [(n, row(*s)) for n, s in enumerate(spans)]))
    assert re.findall(r"<mark[^>]*>([^<]*)</mark>", html) == marked
    assert visible_text(html).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
    for number in range(len(spans)):
        assert html.count(f'id="f-{number}"') == 1


def test_overlapping_findings_starting_together_nest_their_anchors() -> None:
    html = str(
        highlight_with_anchors("so sorry", [(0, row("hollow_apology", 0, 8)), (1, row("scripted_empathy", 0, 8))])
    )
    assert html.startswith(
        '<span class="anchor" id="f-0"><span class="anchor" id="f-1"><mark class="ev tone-bad overlap"'
    )


def test_empty_or_outside_span_still_gets_an_anchor_at_the_end() -> None:
    html = str(highlight_with_anchors("hello", [(3, row("ownership", 9, 9))]))
    assert html == 'hello<span class="anchor" id="f-3"></span>'
