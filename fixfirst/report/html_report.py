"""The static HTML report: one self-contained file that opens offline and loads nothing.

Why one file with everything inline: a QA lead mails it, opens it from a laptop on a train, or
archives it with a period's numbers; a report that fetches a font or script breaks in all three
and leaks that someone opened it. A Content-Security-Policy with `default-src 'none'` makes the
browser refuse any load the template might grow by mistake, and the inline style and script are
allowed by their sha256 hashes, so even an injected <script> could not run.

Transcript text, names and labels are untrusted: Jinja autoescape is on for the whole template,
and the few pieces of trusted markup (charts, highlights) are built with `markupsafe` escaping.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
import tempfile
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from fixfirst.insight.scorecards import AgentStyle
from fixfirst.report import charts
from fixfirst.report.highlight import excerpt_html, highlight, label_tone
from fixfirst.report.palette import css_class, outcome_name, outcome_rank
from fixfirst.report.report_model import Excerpt, PerformerRow, ReportModel

_TEMPLATES = files("fixfirst.report") / "templates"

#: Profiles (agent styles) shown green or red; anything else is neutral.
_GOOD_PROFILES = frozenset({AgentStyle.FIXER.value, AgentStyle.PROACTIVE_OWNER.value})
_BAD_PROFILES = frozenset(
    {AgentStyle.POLICY_STONEWALLER.value, AgentStyle.COLD_TRANSFERRER.value, AgentStyle.SYMPATHY_PERFORMER.value}
)


def _read(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(css: str, js: str) -> str:
    """Block every network load; allow only our own inline style and script, by hash."""
    return (
        "default-src 'none'; "
        f"style-src {_sha256(css)}; "
        f"script-src {_sha256(js)}; "
        "img-src data:; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
        "frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'"
    )


def anchor_id(conversation_id: str) -> str:
    """A safe, stable HTML id for a conversation (ids are untrusted and may hold any character)."""
    return "conv-" + hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:16]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _signed(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def _count(value: int | None) -> str:
    return "–" if value is None else f"{value:,}"


def _when(value: datetime | None) -> str:
    return "–" if value is None else value.strftime("%Y-%m-%d %H:%M")


def _label_name(label: str) -> str:
    return label.replace("_", " ")


def _heat(rate: float | None) -> str:
    if rate is None:
        return "h0"
    return (
        "h4" if rate >= 0.4 else "h3" if rate >= 0.2 else "h2" if rate >= 0.1 else "h1" if rate > 0 else "h0"
    )


def _profile_class(profile: str) -> str:
    if profile in _BAD_PROFILES:
        return "p-bad"
    if profile in _GOOD_PROFILES:
        return "p-good"
    return "p-neutral"


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion: honest at small n (3 of 3 kept is 44-100%, not 100%)."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _rate_range(successes: int, n: int) -> str:
    """ "3 of 3, 44-100%": the count and the 95% interval beside a rate."""
    interval = wilson_interval(successes, n)
    if interval is None:
        return ""
    return f"{successes} of {n}, 95% {interval[0] * 100:.0f}–{interval[1] * 100:.0f}%"


def _role_class(role: str) -> str:
    return role if role in ("customer", "agent", "bot", "system") else "other"


def _behaviour_columns(rows: tuple[PerformerRow, ...]) -> list[str]:
    """Behaviours any row reports, in first-seen order (the adapter decides the order)."""
    return list(dict.fromkeys(b for r in rows for b in r.behaviour_rates))


def _excerpt(x: Excerpt, label: str, tone: str | None = None) -> Markup:
    return excerpt_html(x.turn_text, x.start, x.end, label, tone=tone)


def _spark_domain(rows: tuple[PerformerRow, ...]) -> tuple[float, float]:
    """One score scale for every sparkline of a table: trends stay visible and rows stay comparable."""
    scores = [w.score for r in rows for w in r.weekly if w.score is not None]
    if not scores:
        return 0.0, 100.0
    low, high = max(0.0, min(scores) - 5), min(100.0, max(scores) + 5)
    if high - low < 20:  # a flat table should look flat, not like noise blown up
        middle = (high + low) / 2
        low, high = max(0.0, middle - 10), min(100.0, middle + 10)
    return low, high


@cache
def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(
        pct=_pct,
        num=_num,
        signed=_signed,
        count_fmt=_count,
        when=_when,
        label_name=_label_name,
        outcome_name=outcome_name,
        outcome_class=css_class,
        tone=label_tone,
        heat=_heat,
        profile_class=_profile_class,
        role_class=_role_class,
        anchor=anchor_id,
        highlight=highlight,
        excerpt=_excerpt,
        sparkline=charts.sparkline,
        outcome_strip=charts.outcome_strip,
        score_distribution=charts.score_distribution,
        spark_domain=_spark_domain,
        behaviour_columns=_behaviour_columns,
        rate_range=_rate_range,
    )
    return env


def render_html(model: ReportModel) -> str:
    """The whole report as one HTML document (UTF-8 text), with no external reference."""
    css = _read("report.css")
    js = _read("report.js")
    template = _environment().from_string(_read("report.html"))
    outcomes = sorted({c.outcome for c in model.conversations}, key=outcome_rank)
    return template.render(
        m=model,
        csp=content_security_policy(css, js),
        css=Markup(css),
        js=Markup(js),
        charts={
            "outcomes": charts.outcome_bars(model.outcome_mix),
            "forest": charts.forest_plot(model.drivers, model.drivers_unit),
            "forest_fixed": charts.forest_plot(model.drivers_fixed, model.drivers_fixed_unit, digits=0),
        },
        drill={c.id for c in model.conversations},
        options={
            "outcomes": outcomes,
            "agents": sorted({c.agent for c in model.conversations if c.agent}),
            "labels": sorted({label for c in model.conversations for label in c.labels}),
        },
    )


def write_html(model: ReportModel, path: str | os.PathLike[str]) -> Path:
    """Render and write the report atomically (a reader never sees half a file); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(model)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(html)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
