"""Inline SVG charts: geometry that matches the numbers, gaps kept, labels escaped."""

from __future__ import annotations

import pytest

from fixfirst.report.charts import forest_plot, outcome_bars, outcome_strip, score_distribution, sparkline
from fixfirst.report.report_model import DriverRow, OutcomeCount, PerformerRow, ScoreSummary, WeekScore

from .html_probe import probe


def _driver(factor: str, effect: float | None, low: float | None, high: float | None, enough: bool = True):
    return DriverRow(factor=factor, effect=effect, low=low, high=high, n=40, enough_data=enough)


def test_outcome_bars_are_ordered_best_first_and_proportional() -> None:
    counts = [
        OutcomeCount(outcome="unresolved", count=10),
        OutcomeCount(outcome="resolved", count=40),
        OutcomeCount(outcome="deflected", count=0),
        OutcomeCount(outcome="clear_no", count=20),
    ]
    bars = probe(str(outcome_bars(counts))).find("rect", class_="bar")
    assert [b.attrs["data-outcome"] for b in bars] == ["resolved", "clear_no", "unresolved"]  # zero omitted
    widths = [float(b.attrs["width"] or 0) for b in bars]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)
    assert widths[1] == pytest.approx(2 * widths[2], rel=0.01)
    assert "57%" in bars[0].text  # 40 of 70


def test_forest_plot_puts_each_effect_on_its_side_of_zero() -> None:
    drivers = [
        _driver("resolved vs unresolved", 1.5, 1.1, 1.9),
        _driver("hollow apology", -0.7, -1.0, -0.4),
        _driver("scripted empathy", 0.0, -0.2, 0.2),
    ]
    doc = probe(str(forest_plot(drivers, "CSAT points")))
    zero = float(doc.find("line", class_="zero")[0].attrs["x1"] or 0)
    points = [float(c.attrs["cx"] or 0) for c in doc.find("circle", class_="est")]
    assert points[0] > zero and points[1] < zero and points[2] == pytest.approx(zero, abs=0.01)
    intervals = doc.find("line", class_="ci")
    assert all(
        float(i.attrs["x1"] or 0) < p < float(i.attrs["x2"] or 0)
        for i, p in zip(intervals, points, strict=True)
    )
    assert "+1.50  [+1.10, +1.90]  n=40" in doc.find("svg")[0].text


def test_forest_plot_draws_thin_evidence_hollow_and_dashed() -> None:
    doc = probe(
        str(forest_plot([_driver("solid", 0.5, 0.2, 0.8), _driver("thin", -0.4, -1.2, 0.4, enough=False)]))
    )
    solid, thin = doc.find("circle", class_="est")
    assert solid.attrs["fill"] != "#ffffff" and thin.attrs["fill"] == "#ffffff"
    solid_ci, thin_ci = doc.find("line", class_="ci")
    assert "stroke-dasharray" not in solid_ci.attrs and "stroke-dasharray" in thin_ci.attrs
    assert "not enough data" in thin.text


def test_forest_plot_without_estimate_or_rows() -> None:
    doc = probe(str(forest_plot([_driver("no estimate", None, None, None)])))
    assert not doc.find("circle", class_="est") and "not estimated" in doc.find("svg")[0].text
    assert "No driver could be estimated" in probe(str(forest_plot([]))).find("svg")[0].text


@pytest.mark.parametrize(
    ("scores", "lines", "dots"),
    [
        ([10, 20, 30, 40], 1, 4),
        ([10, 20, None, 30, 40], 2, 4),
        ([10, None, 20], 0, 2),
        ([None, None], 0, 0),
    ],
)
def test_sparkline_keeps_gaps(scores: list[float | None], lines: int, dots: int) -> None:
    weekly = [WeekScore(week=f"2025-W{i + 1:02d}", score=s) for i, s in enumerate(scores)]
    doc = probe(str(sparkline(weekly)))
    assert len(doc.find("polyline")) == lines
    assert len(doc.find("circle")) == dots


def test_sparkline_height_follows_the_score_on_a_shared_scale() -> None:
    weekly = [WeekScore(week="a", score=20), WeekScore(week="b", score=80)]
    low, high = (float(c.attrs["cy"] or 0) for c in probe(str(sparkline(weekly, (0, 100)))).find("circle"))
    assert low > high  # SVG y grows downwards: the higher score is drawn higher
    clipped = [float(c.attrs["cy"] or 0) for c in probe(str(sparkline(weekly, (40, 60)))).find("circle")]
    assert clipped[0] == pytest.approx(27) and clipped[1] == pytest.approx(3)  # clamped to the frame


def test_chart_text_is_escaped() -> None:
    hostile = '<script>alert(1)</script>"'
    for svg in (
        forest_plot([_driver(hostile, 0.1, 0.0, 0.2)]),
        outcome_bars([OutcomeCount(outcome=hostile, count=3)]),
        outcome_strip({hostile: 2}),
        score_distribution([PerformerRow(name=hostile, volume=1, score=ScoreSummary(n=1, median=50))]),
    ):
        doc = probe(str(svg))
        assert not doc.find("script")
        assert "<script>" not in str(svg)
        assert hostile.rstrip('"')[:8] in doc.find("svg")[0].text


def test_score_distribution_box_spans_the_quartiles() -> None:
    row = PerformerRow(
        name="amira", volume=5, score=ScoreSummary.of((10, 90, 91), n=5, median=50, q1=25, q3=75)
    )
    doc = probe(str(score_distribution([row])))
    box = doc.find("rect", class_="box")[0]
    median = float(doc.find("line", class_="median")[0].attrs["x1"] or 0)
    left, width = float(box.attrs["x"] or 0), float(box.attrs["width"] or 0)
    assert median == pytest.approx(left + width / 2)
    # 10 falls in the 10-15 bin, 90 and 91 in the 90-95 bin (twice as tall).
    bins = doc.find("rect", class_="bin")
    assert [b.text for b in bins] == ["10-15: 1", "90-95: 2"]
    assert float(bins[1].attrs["height"] or 0) == pytest.approx(2 * float(bins[0].attrs["height"] or 0))


def test_score_distribution_size_does_not_grow_with_contacts() -> None:
    few = PerformerRow(name="a", volume=50, score=ScoreSummary.of([2 * i for i in range(50)], n=50, median=50))
    many = PerformerRow(
        name="a", volume=50_000, score=ScoreSummary.of([i % 100 for i in range(50_000)], n=50_000, median=50)
    )
    assert len(str(score_distribution([many]))) < 1.2 * len(str(score_distribution([few])))
    assert sum(many.score.bins) == 50_000 and len(many.score.bins) == 20


def test_forest_plot_colours_by_reliability_not_by_sign() -> None:
    """Issue 12: an effect whose interval spans zero was a solid red dot; now only intervals that
    exclude zero are coloured, whatever the sign of the estimate."""
    doc = probe(
        str(
            forest_plot(
                [
                    _driver("clear harm", -0.5, -0.8, -0.2),
                    _driver("spans zero", -0.3, -0.7, 0.1),
                    _driver("clear help", 0.4, 0.1, 0.7),
                ]
            )
        )
    )
    harm, unclear, helps = doc.find("circle", class_="est")
    assert harm.attrs["fill"] == "#b3261e" and helps.attrs["fill"] == "#17703a"
    assert unclear.attrs["fill"] == "#ffffff" and unclear.attrs["stroke"] == "#8a909a"
    assert "interval spans zero" in unclear.text


def test_sparkline_says_mean_and_each_weeks_n() -> None:
    """Issue 12: a mean sparkline sat beside a median column with no n."""
    weekly = [WeekScore(week="2025-W01", score=40.0, contacts=12), WeekScore(week="2025-W02", score=55.0, contacts=3)]
    svg = str(sparkline(weekly))
    assert "Weekly mean score (n contacts): 2025-W01 40 (n=12), 2025-W02 55 (n=3)" in svg
    tips = [c.text for c in probe(svg).find("circle")]
    assert tips == ["2025-W01: mean score 40, n=12", "2025-W02: mean score 55, n=3"]
