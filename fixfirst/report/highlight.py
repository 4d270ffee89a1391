"""Evidence highlighting: wrap finding spans of a turn in <mark>, safely, overlaps included.

Transcript text is untrusted. The text is cut into segments at every span boundary first and
each segment is escaped on its own; marks are added around escaped segments. Escaping the
whole string after inserting marks (or inserting marks into escaped text) would either escape
the marks or shift offsets, because `&` becomes `&amp;`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from fixfirst.report.report_model import FindingRow


@dataclass(frozen=True)
class Segment:
    """A run of characters [start, end) covered by the same set of findings (possibly none)."""

    start: int
    end: int
    text: str
    findings: tuple[FindingRow, ...]


def segments(text: str, findings: Sequence[FindingRow]) -> list[Segment]:
    """Cut `text` at every finding boundary; each piece knows which findings cover it.

    Empty spans (start == end) cover nothing and are ignored; spans are clipped to the text.
    """
    spans = [f for f in findings if min(f.end, len(text)) > min(f.start, len(text))]
    cuts = {0, len(text)}
    for f in spans:
        cuts.add(min(f.start, len(text)))
        cuts.add(min(f.end, len(text)))
    ordered = sorted(cuts)
    pieces: list[Segment] = []
    for start, end in zip(ordered, ordered[1:], strict=False):
        covering = tuple(f for f in spans if f.start <= start and end <= f.end)
        if pieces and pieces[-1].findings == covering:
            last = pieces[-1]
            pieces[-1] = Segment(last.start, end, text[last.start : end], covering)
        else:
            pieces.append(Segment(start, end, text[start:end], covering))
    return pieces


def _title(findings: Sequence[FindingRow]) -> str:
    parts = []
    for f in findings:
        why = f" – {f.explanation}" if f.explanation else ""
        parts.append(f"{f.label.replace('_', ' ')} ({f.confidence:.0%}){why}")
    return "\n".join(parts)


def highlight(text: str, findings: Sequence[FindingRow]) -> Markup:
    """The turn text as HTML with each finding's words in <mark data-label="..." title="...">.

    Where spans overlap, the shared words get one <mark> listing every label (space-separated
    in data-label), so nothing is nested and every character is escaped exactly once.
    """
    out: list[str] = []
    for piece in segments(text, findings):
        body = escape(piece.text)
        if not piece.findings:
            out.append(body)
            continue
        labels = " ".join(dict.fromkeys(f.label for f in piece.findings))
        overlap = " overlap" if len({f.label for f in piece.findings}) > 1 else ""
        tone = label_tone(piece.findings[0].label)
        out.append(
            Markup(
                '<mark class="ev tone-{tone}{overlap}" data-label="{labels}" title="{title}">{body}</mark>'
            ).format(tone=tone, overlap=overlap, labels=labels, title=_title(piece.findings), body=body)
        )
    return Markup("").join(out)


# Which way a label points, for colour only: good habits green, harmful ones warm, context neutral.
_GOOD = frozenset({"ownership", "proactive", "specific_acknowledgement"})
_CONTEXT = frozenset({"system_gap", "customer_effort"})


def label_tone(label: str) -> str:
    """'good', 'context' or 'bad': the colour family of a behaviour label."""
    if label in _GOOD:
        return "good"
    if label in _CONTEXT:
        return "context"
    return "bad"


def excerpt_html(
    turn_text: str, start: int, end: int, label: str, *, tone: str | None = None, context: int = 180
) -> Markup:
    """A quoted span marked inside its turn, trimmed to `context` characters either side.

    Used for coaching and root-cause quotes, where the full turn of a long e-mail would bury
    the line that matters; the cut happens at a word boundary and is shown with an ellipsis.
    `tone` overrides the label's colour (a "done well" quote of a bad habit's fix is good).
    """
    left = max(0, start - context)
    right = min(len(turn_text), end + context)
    if left > 0:
        space = turn_text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(turn_text):
        space = turn_text.rfind(" ", end, right)
        right = space if space != -1 else right
    before, words, after = turn_text[left:start], turn_text[start:end], turn_text[end:right]
    mark = Markup('<mark class="ev tone-{tone}" data-label="{label}" title="{title}">{words}</mark>').format(
        tone=tone or label_tone(label), label=label, title=label.replace("_", " "), words=words
    )
    return Markup("{lead}{before}{mark}{after}{tail}").format(
        lead="…" if left > 0 else "",
        before=before,
        mark=mark,
        after=after,
        tail="…" if right < len(turn_text) else "",
    )
