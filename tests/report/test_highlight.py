"""Evidence highlighting: segments at span boundaries, overlaps, and escaping per segment."""

from __future__ import annotations

import pytest

from fixfirst.report.highlight import excerpt_html, highlight, segments
from fixfirst.report.report_model import FindingRow

from .html_probe import probe


def f(label: str, start: int, end: int, why: str = "") -> FindingRow:
    return FindingRow(label=label, turn=0, start=start, end=end, confidence=0.9, explanation=why)


APOLOGY = "Sorry for the inconvenience. Have you tried restarting your router? Please try again later."


@pytest.mark.parametrize(
    ("text", "findings", "expected"),
    [
        pytest.param("plain words", [], [("plain words", ())], id="no findings"),
        pytest.param("abcdef", [f("x", 0, 6)], [("abcdef", ("x",))], id="whole text"),
        pytest.param("abcdef", [f("x", 2, 4)], [("ab", ()), ("cd", ("x",)), ("ef", ())], id="middle"),
        pytest.param(
            "abcdef",
            [f("x", 1, 4), f("y", 3, 6)],
            [("a", ()), ("bc", ("x",)), ("d", ("x", "y")), ("ef", ("y",))],
            id="partial overlap",
        ),
        pytest.param(
            "abcdef",
            [f("x", 0, 6), f("y", 2, 3)],
            [("ab", ("x",)), ("c", ("x", "y")), ("def", ("x",))],
            id="nested",
        ),
        pytest.param(
            "abcdef", [f("x", 0, 3), f("y", 3, 6)], [("abc", ("x",)), ("def", ("y",))], id="adjacent"
        ),
        pytest.param("abcdef", [f("x", 2, 2)], [("abcdef", ())], id="empty span ignored"),
        pytest.param("abc", [f("x", 1, 9)], [("a", ()), ("bc", ("x",))], id="clipped to text"),
        pytest.param(
            APOLOGY,
            [f("scripted_empathy", 0, 28), f("hollow_apology", 0, 43), f("scripted_troubleshooting", 29, 67)],
            [
                ("Sorry for the inconvenience.", ("scripted_empathy", "hollow_apology")),
                (" ", ("hollow_apology",)),
                ("Have you tried", ("hollow_apology", "scripted_troubleshooting")),
                (" restarting your router?", ("scripted_troubleshooting",)),
                (" Please try again later.", ()),
            ],
            id="three overlapping findings",
        ),
    ],
)
def test_segments_split_at_every_boundary(
    text: str, findings: list[FindingRow], expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    pieces = segments(text, findings)
    assert [(p.text, tuple(x.label for x in p.findings)) for p in pieces] == expected
    assert "".join(p.text for p in pieces) == text


def test_highlight_escapes_each_segment_and_keeps_offsets() -> None:
    text = 'a & b <script>alert(1)</script> "c"'
    start = text.index("<script>")
    html = str(
        highlight(text, [f("customer_effort", start, start + len("<script>alert(1)</script>"), "x<y")])
    )
    assert "<script>" not in html
    assert html.startswith("a &amp; b ")
    parsed = probe(f"<p>{html}</p>")
    marks = parsed.find("mark")
    assert len(marks) == 1
    assert marks[0].text == "<script>alert(1)</script>"  # the exact span, not shifted by &amp;
    assert marks[0].attrs["data-label"] == "customer_effort"
    assert "x<y" in (marks[0].attrs["title"] or "")
    assert parsed.find("p")[0].text == text


def test_overlap_gets_one_mark_listing_both_labels() -> None:
    html = str(highlight("abcdef", [f("hollow_apology", 1, 4), f("ownership", 3, 6, "I did it")]))
    marks = probe(html).find("mark")
    assert [(m.text, m.attrs["data-label"]) for m in marks] == [
        ("bc", "hollow_apology"),
        ("d", "hollow_apology ownership"),
        ("ef", "ownership"),
    ]
    assert "overlap" in (marks[1].attrs["class"] or "")
    assert "overlap" not in (marks[0].attrs["class"] or "")
    assert "ownership (90%) – I did it" in (marks[1].attrs["title"] or "")


@pytest.mark.parametrize(
    ("label", "tone"),
    [("ownership", "tone-good"), ("hollow_apology", "tone-bad"), ("system_gap", "tone-context")],
)
def test_mark_colour_follows_label(label: str, tone: str) -> None:
    mark = probe(str(highlight("words", [f(label, 0, 5)]))).find("mark")[0]
    assert tone in (mark.attrs["class"] or "").split()


def test_excerpt_trims_long_turns_at_words_and_marks_the_span() -> None:
    text = "word " * 100 + "<b>THE LINE</b>" + " tail" * 100
    start = text.index("<b>")
    html = str(excerpt_html(text, start, start + len("<b>THE LINE</b>"), "hollow_apology", context=20))
    parsed = probe(f"<blockquote>{html}</blockquote>")
    shown = parsed.find("blockquote")[0].text
    assert shown.startswith("…word ") and shown.endswith("tail…")
    assert len(shown) < 80
    assert parsed.find("mark")[0].text == "<b>THE LINE</b>"
    assert "<b>" not in html


def test_excerpt_tone_override() -> None:
    html = str(excerpt_html("I refunded it", 0, 11, "hollow_apology", tone="good"))
    assert "tone-good" in (probe(html).find("mark")[0].attrs["class"] or "")
