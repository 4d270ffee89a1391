"""Jinja filters and globals the dashboard templates share: numbers, names, links and small charts.

Why filters: templates stay declarative and every value that comes from data (names, labels,
ids) is escaped by Jinja's autoescape; the only Markup produced here is SVG built by
``fixfirst.report.charts``, which escapes its own text.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from jinja2 import Environment
from markupsafe import Markup

from fixfirst.insight import WeekPoint
from fixfirst.report.charts import outcome_strip, sparkline
from fixfirst.report.highlight import label_tone
from fixfirst.report.palette import outcome_name
from fixfirst.report.report_model import WeekScore
from fixfirst.store import listing


def percent(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def kappa(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def interval(value: tuple[float, float] | None) -> str:
    """A 95% interval as "[low, high]"; empty when there is none (fewer than two reviews)."""
    return "" if value is None else f"[{value[0]:.2f}, {value[1]:.2f}]"


def label_name(label: str | None) -> str:
    return "" if not label else label.replace("_", " ")


def path_part(value: str) -> str:
    """One URL path segment (ids may contain '/', '#', '?')."""
    return quote(str(value), safe="")


def trend(weekly: Sequence[WeekPoint]) -> Markup:
    """A weekly mean-score sparkline on the fixed 0-100 score scale, so rows compare."""
    return sparkline([WeekScore(week=w.week, score=w.mean_score, contacts=w.contacts) for w in weekly])


def mix(outcomes: dict[str, int]) -> Markup:
    return outcome_strip(outcomes)


def count_label(total: int) -> str:
    """A list total; past the counting cap, "10,000+" (see `fixfirst.store.listing.COUNT_CAP`)."""
    return f"{listing.COUNT_CAP:,}+" if total > listing.COUNT_CAP else f"{total:,}"


def clock(seconds: float | None) -> str:
    """Seconds into a recording as m:ss (a call's turn and finding times)."""
    if seconds is None:
        return "–"
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def register_template_filters(env: Environment) -> None:
    env.filters.update(
        count_label=count_label,
        percent=percent,
        number=number,
        kappa=kappa,
        interval=interval,
        label_name=label_name,
        path_part=path_part,
        trend=trend,
        mix=mix,
        outcome_name=outcome_name,
        tone=label_tone,
        clock=clock,
    )
