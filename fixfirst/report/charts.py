"""Charts as inline SVG strings, drawn in Python so the report needs no script library or network.

Every text and attribute value goes through `markupsafe.escape` (names and factors come from
data). Charts carry a <title> and role="img" with an aria-label, so screen readers get the
numbers too, and a `viewBox` so they scale with the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

from fixfirst.report.palette import outcome_colour, outcome_name, outcome_rank
from fixfirst.report.report_model import DriverRow, OutcomeCount, PerformerRow, WeekScore

_FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""
_INK = "#1f2430"
_MUTED = "#5c6370"
_GRID = "#d9dde3"


def _num(value: float) -> str:
    """Compact coordinates: two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _svg(width: float, height: float, label: str, body: Sequence[str], css_class: str) -> Markup:
    head = (
        f'<svg class="{escape(css_class)}" viewBox="0 0 {_num(width)} '
        f'{_num(height)}" width="{_num(width)}" height="{_num(height)}" role="img" '
        f'aria-label="{escape(label)}" {_FONT}><title>{escape(label)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 12,
    fill: str = _INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
        f'font-weight="{weight}" dominant-baseline="middle">{escape(content)}</text>'
    )


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def outcome_bars(counts: Sequence[OutcomeCount]) -> Markup:
    """Horizontal bars, one per outcome, best outcome first, with count and share."""
    rows = sorted((c for c in counts if c.count > 0), key=lambda c: outcome_rank(c.outcome))
    total = sum(c.count for c in rows)
    width, label_w, right_w, row_h = 640, 150, 110, 30
    bar_w = width - label_w - right_w
    height = max(row_h * len(rows), row_h) + 8
    top = max((c.count for c in rows), default=0)
    body: list[str] = []
    if not rows:
        body.append(_text(width / 2, height / 2, "No analysed conversations", anchor="middle", fill=_MUTED))
    for i, row in enumerate(rows):
        y = 4 + i * row_h
        length = bar_w * row.count / top if top else 0
        share = row.count / total if total else 0
        body.append(_text(label_w - 10, y + row_h / 2, outcome_name(row.outcome), anchor="end", size=13))
        body.append(
            f'<rect class="bar" data-outcome="{escape(row.outcome)}" x="{label_w}" y="{_num(y + 5)}" '
            f'width="{_num(max(length, 1.5))}" height="{row_h - 10}" rx="3" '
            f'fill="{outcome_colour(row.outcome)}">'
            f"<title>{escape(outcome_name(row.outcome))}: {row.count} ({share:.0%})</title></rect>"
        )
        body.append(
            _text(label_w + length + 8, y + row_h / 2, f"{row.count:,}  ({share:.0%})", size=12, fill=_MUTED)
        )
    label = "Outcome mix: " + ", ".join(f"{outcome_name(r.outcome)} {r.count}" for r in rows)
    return _svg(width, height, label, body, "chart chart-outcomes")


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def forest_plot(drivers: Sequence[DriverRow], unit: str = "points", digits: int = 2) -> Markup:
    """Effect and interval per factor around a zero line; too-thin evidence drawn hollow and grey.

    `digits` is the precision of the printed numbers: 2 for CSAT points, 0 for percentage points.
    """

    def signed(value: float) -> str:
        return f"{value:+.{digits}f}"

    width, label_w, right_w, row_h, axis_h = 820, 230, 190, 28, 34
    plot_w = width - label_w - right_w
    rows = list(drivers)
    values = [v for d in rows for v in (d.low, d.high, d.effect) if v is not None]
    low = min([*values, 0.0])
    high = max([*values, 0.0])
    pad = (high - low) * 0.08 or 0.5
    low, high = low - pad, high + pad
    height = axis_h + max(len(rows), 1) * row_h + 6

    def x_of(value: float) -> float:
        return label_w + (value - low) / (high - low) * plot_w

    body: list[str] = []
    for tick in _ticks(low, high):
        x = x_of(tick)
        body.append(
            f'<line x1="{_num(x)}" y1="{axis_h - 6}" x2="{_num(x)}" y2="{_num(height - 4)}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        body.append(
            _text(x, axis_h - 16, f"{tick:+g}" if tick else "0", anchor="middle", size=11, fill=_MUTED)
        )
    zero = x_of(0.0)
    body.append(
        f'<line class="zero" x1="{_num(zero)}" y1="{axis_h - 6}" x2="{_num(zero)}" '
        f'y2="{_num(height - 4)}" stroke="{_INK}" stroke-width="1.2"/>'
    )
    body.append(_text(label_w + plot_w, 8, f"effect on {unit} →", anchor="end", size=11, fill=_MUTED))
    body.append(_text(label_w, 8, "← lowers", anchor="start", size=11, fill=_MUTED))
    if not rows:
        body.append(
            _text(width / 2, axis_h + row_h / 2, "No driver could be estimated", anchor="middle", fill=_MUTED)
        )
    for i, d in enumerate(rows):
        y = axis_h + i * row_h + row_h / 2
        if i % 2 == 0:
            body.append(
                f'<rect x="0" y="{_num(y - row_h / 2)}" width="{width}" height="{row_h}" fill="#f4f6f9"/>'
            )
        body.append(_text(label_w - 10, y, _truncate(d.factor, 34), anchor="end", size=13))
        # Colour says reliability, not just sign: green/red only when the interval excludes zero
        # (and the data are enough); an interval that spans zero is drawn hollow and grey.
        clear = d.low is not None and d.high is not None and (d.low > 0 or d.high < 0)
        solid = d.enough_data and d.effect is not None and clear
        if d.effect is None:
            colour = _MUTED
        else:
            colour = "#17703a" if d.effect > 0 else "#b3261e" if d.effect < 0 else _INK
        colour = colour if solid else "#8a909a"
        if d.low is not None and d.high is not None:
            dash = "" if solid else ' stroke-dasharray="4 3"'
            body.append(
                f'<line class="ci" x1="{_num(x_of(d.low))}" y1="{_num(y)}" x2="{_num(x_of(d.high))}" '
                f'y2="{_num(y)}" stroke="{colour}" stroke-width="2.5"{dash}/>'
            )
        if d.effect is not None:
            fill = colour if solid else "#ffffff"
            tip = f"{d.factor}: {signed(d.effect)} {unit}"
            if d.low is not None and d.high is not None:
                tip += f" (interval {signed(d.low)} to {signed(d.high)})"
            tip += f", n={d.n}" + (
                " – not enough data" if not d.enough_data else "" if clear else " – interval spans zero"
            )
            body.append(
                f'<circle class="est" cx="{_num(x_of(d.effect))}" cy="{_num(y)}" r="5.5" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"><title>{escape(tip)}</title></circle>'
            )
        if d.effect is None:
            summary = "not estimated"
        elif d.low is not None and d.high is not None:
            summary = f"{signed(d.effect)}  [{signed(d.low)}, {signed(d.high)}]"
        else:
            summary = f"{signed(d.effect)}"
        summary += f"  n={d.n}"
        body.append(_text(label_w + plot_w + 10, y, summary, size=12, fill=_INK if solid else _MUTED))
    label = f"Drivers of {unit}: " + "; ".join(
        f"{d.factor} {'n/a' if d.effect is None else f'{signed(d.effect)}'}" for d in rows
    )
    return _svg(width, height, label, body, "chart chart-forest")


def sparkline(
    weekly: Sequence[WeekScore],
    domain: tuple[float, float] = (0.0, 100.0),
    *,
    width: int = 120,
    height: int = 30,
) -> Markup:
    """Weekly mean score on a shared `domain` (so sparklines of one table compare); gaps stay gaps."""
    points = [(i, w.score) for i, w in enumerate(weekly)]
    known = [(i, s) for i, s in points if s is not None]
    pad = 3
    n = max(len(points) - 1, 1)

    low, high = domain
    span = (high - low) or 1.0

    def xy(i: int, score: float) -> tuple[float, float]:
        share = max(0.0, min((score - low) / span, 1.0))
        return pad + i / n * (width - 2 * pad), height - pad - share * (height - 2 * pad)

    body: list[str] = []
    run: list[str] = []
    runs: list[list[str]] = []
    for i, score in points:
        if score is None:
            if run:
                runs.append(run)
            run = []
            continue
        x, y = xy(i, score)
        run.append(f"{_num(x)},{_num(y)}")
    if run:
        runs.append(run)
    for segment in runs:
        if len(segment) > 1:
            body.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="#3953a4" stroke-width="1.8" '
                f'stroke-linejoin="round" stroke-linecap="round"/>'
            )
    for i, score in known:
        x, y = xy(i, score)
        last = i == known[-1][0]
        tip = f"{weekly[i].week}: mean score {score:.0f}, n={weekly[i].contacts}"
        body.append(
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{2.6 if last else 1.6}" '
            f'fill="{"#1f2430" if last else "#3953a4"}"><title>{escape(tip)}</title></circle>'
        )
    if not known:
        body.append(_text(width / 2, height / 2, "no weekly data", anchor="middle", size=10, fill=_MUTED))
    # Says "mean" and each week's n: the table beside it shows a median (issue 12).
    label = "Weekly mean score (n contacts): " + ", ".join(
        f"{w.week} {'–' if w.score is None else f'{w.score:.0f}'} (n={w.contacts})" for w in weekly
    )
    return _svg(width, height, label, body, "chart spark")


def outcome_strip(outcomes: dict[str, int], *, width: int = 120, height: int = 12) -> Markup:
    """A one-line stacked bar of one row's outcome mix (same colours as the outcome chart)."""
    rows = sorted(((k, v) for k, v in outcomes.items() if v > 0), key=lambda kv: outcome_rank(kv[0]))
    total = sum(v for _, v in rows)
    body: list[str] = []
    x = 0.0
    for outcome, count in rows:
        w = width * count / total
        body.append(
            f'<rect x="{_num(x)}" y="0" width="{_num(w)}" height="{height}" '
            f'fill="{outcome_colour(outcome)}"><title>{escape(outcome_name(outcome))}: {count}</title></rect>'
        )
        x += w
    if not rows:
        body.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="{_GRID}"/>')
    label = "Outcomes: " + ", ".join(f"{outcome_name(k)} {v}" for k, v in rows)
    return _svg(width, height, label or "No outcomes", body, "chart mix")


def score_distribution(rows: Sequence[PerformerRow]) -> Markup:
    """Box (quartiles, median), range whisker and a histogram strip per row on a 0-100 axis.

    The strip is one bar per 5-point bin, its height by the bin's share of the row's busiest bin,
    so the chart has the same size for 50 contacts or 50,000.
    """
    width, label_w, right_w, row_h, axis_h = 820, 170, 120, 26, 26
    plot_w = width - label_w - right_w
    shown = [r for r in rows if r.score.median is not None or r.score.bins]
    height = axis_h + max(len(shown), 1) * row_h + 6

    def x_of(score: float) -> float:
        return label_w + max(0.0, min(score, 100.0)) / 100 * plot_w

    body: list[str] = []
    for tick in range(0, 101, 20):
        x = x_of(tick)
        body.append(
            f'<line x1="{_num(x)}" y1="{axis_h - 4}" x2="{_num(x)}" y2="{_num(height - 4)}" '
            f'stroke="{_GRID}"/>'
        )
        body.append(_text(x, axis_h - 14, str(tick), anchor="middle", size=11, fill=_MUTED))
    if not shown:
        body.append(_text(width / 2, axis_h + row_h / 2, "No scores", anchor="middle", fill=_MUTED))
    for i, row in enumerate(shown):
        y = axis_h + i * row_h + row_h / 2
        body.append(_text(label_w - 10, y, _truncate(row.name, 24), anchor="end", size=12))
        score = row.score
        if score.low is not None and score.high is not None:
            body.append(
                f'<line class="range" x1="{_num(x_of(score.low))}" y1="{_num(y)}" x2="{_num(x_of(score.high))}" '
                f'y2="{_num(y)}" stroke="#8a909a" stroke-width="1"/>'
            )
        busiest = max(score.bins, default=0)
        step = 100 / len(score.bins) if score.bins else 0
        for k, count in enumerate(score.bins):
            if count:
                bar = 10 * count / busiest
                body.append(
                    f'<rect class="bin" x="{_num(x_of(k * step))}" y="{_num(y + 10 - bar)}" '
                    f'width="{_num(x_of((k + 1) * step) - x_of(k * step) - 0.5)}" height="{_num(bar)}" '
                    f'fill="#1f2430" fill-opacity="0.3"><title>{k * step:.0f}-{(k + 1) * step:.0f}: '
                    f"{count}</title></rect>"
                )
        if score.q1 is not None and score.q3 is not None:
            body.append(
                f'<rect class="box" x="{_num(x_of(score.q1))}" y="{_num(y - 8)}" '
                f'width="{_num(max(x_of(score.q3) - x_of(score.q1), 1))}" height="16" rx="2" fill="#dfe6f6" '
                f'fill-opacity="0.7" stroke="#3953a4" stroke-width="1.2"/>'
            )
        if score.median is not None:
            body.append(
                f'<line class="median" x1="{_num(x_of(score.median))}" y1="{_num(y - 9)}" '
                f'x2="{_num(x_of(score.median))}" y2="{_num(y + 9)}" stroke="#1f2430" stroke-width="2.4"/>'
            )
        spread = f"{score.q1:.0f}–{score.q3:.0f}" if score.q1 is not None and score.q3 is not None else "–"
        middle = "–" if score.median is None else f"{score.median:.0f}"
        body.append(_text(label_w + plot_w + 10, y, f"{middle}  (IQR {spread})", size=12, fill=_MUTED))
    label = "Score distribution: " + ", ".join(
        f"{r.name} median {r.score.median:.0f}" for r in shown if r.score.median is not None
    )
    return _svg(width, height, label, body, "chart chart-scores")
