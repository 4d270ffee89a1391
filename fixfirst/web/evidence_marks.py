"""Evidence highlighting for the conversation page, with one anchor per finding.

Why not just ``fixfirst.report.highlight``: the dashboard lists each finding beside the
transcript and each list entry links to *its* words. So the turn text is cut at every span
boundary (``report.highlight.segments``, which escapes nothing itself), each segment is escaped
on its own, and the mark where a finding starts is wrapped in a ``<span id="f-N">`` per finding
starting there: ``#f-N`` scrolls to the words and ``.anchor:target mark`` styles them.
Transcript text only reaches HTML through ``markupsafe.escape``.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from fixfirst.report.highlight import label_tone, segments
from fixfirst.report.report_model import FindingRow


def finding_anchor(number: int) -> str:
    """The element id of the n-th finding (0-based, in the result's finding order)."""
    return f"f-{number}"


def highlight_with_anchors(text: str, findings: Sequence[tuple[int, FindingRow]]) -> Markup:
    """The turn as HTML: each finding's words in ``<mark>``, an anchor where each finding starts.

    ``findings`` pairs each finding of this turn with its number in the conversation. A finding
    whose span is empty or outside the text gets its anchor at the end of the turn, so its link
    still lands on the right turn.
    """
    rows = [row for _, row in findings]
    pieces = segments(text, rows)
    number_of = {id(row): number for number, row in findings}
    placed: set[int] = set()
    out: list[Markup] = []
    for piece in pieces:
        starting = [
            finding_anchor(number_of[id(row)])
            for row in piece.findings
            if id(row) not in placed and min(row.start, len(text)) == piece.start
        ]
        placed.update(id(row) for row in piece.findings if min(row.start, len(text)) == piece.start)
        body = escape(piece.text)
        if not piece.findings:
            out.append(body)
            continue
        labels = " ".join(dict.fromkeys(f.label for f in piece.findings))
        numbers = " ".join(finding_anchor(number_of[id(f)]) for f in piece.findings)
        overlap = " overlap" if len({f.label for f in piece.findings}) > 1 else ""
        html = Markup('<mark class="ev tone-{}{}" data-label="{}" data-findings="{}" title="{}">{}</mark>').format(
            label_tone(piece.findings[0].label), overlap, labels, numbers, labels.replace("_", " "), body
        )
        for anchor in reversed(starting):  # one wrapper per finding starting here: ids must be unique
            html = Markup('<span class="anchor" id="{}">{}</span>').format(anchor, html)
        out.append(html)
    for number, row in findings:
        if id(row) not in placed:
            out.append(Markup('<span class="anchor" id="{}"></span>').format(finding_anchor(number)))
    return Markup("").join(out)
