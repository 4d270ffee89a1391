"""The HTML document: self-contained, escaped, CSP-locked, with every section, chart and mark."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from fixfirst.report import ReportModel, render_html, write_html
from fixfirst.report.html_report import anchor_id
from fixfirst.report.report_model import ConversationRow, Excerpt, FindingRow, OverviewKpis, TurnRow

from .html_probe import Probe, probe
from .sample_report import HOSTILE_ID, IMG_AUTHOR, SCRIPT_TEXT, sample_report

SECTIONS = [
    "this-week",
    "overview",
    "outcomes",
    "voice",
    "drivers",
    "agents",
    "teams",
    "promises",
    "coaching",
    "root-causes",
    "conversations",
]
# Attributes through which a browser may fetch something.
LOADING_ATTRIBUTES = {
    "src",
    "href",
    "srcset",
    "action",
    "formaction",
    "poster",
    "data",
    "xlink:href",
    "background",
}


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(sample_report())


@pytest.fixture(scope="module")
def doc(html: str) -> Probe:
    return probe(html)


def test_document_has_title_and_every_section(doc: Probe) -> None:
    assert doc.find("title")[0].text == "FixFirst – support quality, March 2025"
    ids = {t.attrs.get("id") for t in doc.tags if t.name == "section"}
    assert ids == set(SECTIONS)
    nav = [t.attrs["href"] for t in doc.tags if t.name == "a" and (t.attrs.get("href") or "").startswith("#")]
    assert all(f"#{s}" in nav for s in SECTIONS)


def test_nothing_is_loaded_from_anywhere(html: str, doc: Probe) -> None:
    for tag in doc.tags:
        for name, value in tag.attrs.items():
            if name in LOADING_ATTRIBUTES and value is not None:
                assert value.startswith(("#", "data:")), f"<{tag.name} {name}={value!r}> would load something"
    assert not doc.find("link", rel="stylesheet")
    assert all("src" not in s.attrs for s in doc.find("script"))
    assert not doc.find("img") and not doc.find("iframe") and not doc.find("object")
    for style in doc.raw["style"]:
        assert "url(" not in style and "@import" not in style
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", html, re.IGNORECASE)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_csp_blocks_network_and_allows_only_our_inline_code_by_hash(doc: Probe) -> None:
    metas = [
        m for m in doc.find("meta") if (m.attrs.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert len(metas) == 1
    policy = {
        d.strip().split()[0]: d.strip().split()[1:]
        for d in (metas[0].attrs["content"] or "").split(";")
        if d.strip()
    }
    assert policy["default-src"] == ["'none'"]
    assert policy["connect-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    assert len(doc.raw["style"]) == 1 and len(doc.raw["script"]) == 1
    assert policy["style-src"] == [_hash(doc.raw["style"][0])]
    assert policy["script-src"] == [_hash(doc.raw["script"][0])]
    assert "'unsafe-inline'" not in str(policy) and "'unsafe-eval'" not in str(policy)
    # The policy must come before the first style or script, or the browser applies it too late.
    names = [t.name for t in doc.tags]
    assert names.index("meta") < names.index("style") < names.index("script")
    # No inline style attributes or event handlers: the policy would block them (and they'd be a hole).
    for tag in doc.tags:
        assert "style" not in tag.attrs, f"<{tag.name}> has a style attribute the CSP would block"
        assert not any(name.startswith("on") for name in tag.attrs), f"<{tag.name}> has an event handler"


def test_hostile_transcript_text_is_shown_as_text(html: str, doc: Probe) -> None:
    assert len(doc.find("script")) == 1  # only ours
    assert not doc.find("img") and not doc.find("b")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    texts = [t.text for t in doc.find("p", class_="text")]
    assert SCRIPT_TEXT in texts  # the words are there, as text
    assert any(IMG_AUTHOR in t.text for t in doc.find("div", class_="who"))
    hostile = doc.find("details", id=anchor_id(HOSTILE_ID))
    assert len(hostile) == 1 and HOSTILE_ID in hostile[0].text
    assert not doc.find("svg", **{"onload": "alert(3)"})
    assert all(not any(n.startswith("on") for n in t.attrs) for t in doc.tags)


def test_charts_are_inline_svg(doc: Probe) -> None:
    classes = [t.attrs.get("class") or "" for t in doc.find("svg")]
    assert sum("chart-outcomes" in c for c in classes) == 1
    assert sum("chart-forest" in c for c in classes) == 2  # CSAT and 'fixed' answers
    assert sum("chart-scores" in c for c in classes) == 2  # agents and teams
    assert sum(c.split()[-1] == "spark" for c in classes) == 7  # 5 agents + 2 teams
    assert all(t.attrs.get("role") == "img" and t.attrs.get("aria-label") for t in doc.find("svg"))


def test_drill_down_marks_each_finding_with_overlaps_split(doc: Probe) -> None:
    conv = sample_report().conversation("c-1002")
    assert conv is not None
    details = doc.find("details", id=anchor_id("c-1002"))
    assert details and details[0].attrs["data-outcome"] == "unresolved"
    turn = doc.find("div", id=f"{anchor_id('c-1002')}-t1")
    assert turn and turn[0].text.count(conv.turns[1].text) == 1
    marks = [m for m in doc.find("mark") if m.attrs.get("data-label")]
    labelled = {(m.text, m.attrs["data-label"]) for m in marks}
    assert ("Sorry for the inconvenience.", "scripted_empathy hollow_apology") in labelled
    assert ("Have you tried", "hollow_apology scripted_troubleshooting") in labelled
    assert (" restarting your router?", "scripted_troubleshooting") in labelled
    assert ("I just told you I restarted it", "customer_effort") in labelled


def test_coaching_and_root_cause_quotes_link_to_the_drill_down(doc: Probe) -> None:
    ids = {t.attrs.get("id") for t in doc.tags}
    links = [t.attrs["href"] or "" for t in doc.find("a") if (t.attrs.get("href") or "").startswith("#conv-")]
    # 3 coaching items x (worst, best) + 1 team-plan example + 1 promise x (promise, chase) + 3 root-cause examples
    assert len(links) == 12
    assert all(link[1:] in ids for link in links)
    quotes = doc.find("blockquote")
    assert any("Line to change" in q.text and "Sorry for the inconvenience." in q.text for q in quotes)


def test_quote_of_a_conversation_not_in_the_drill_down_has_no_dangling_link() -> None:
    base = sample_report(hostile=False)
    plan = base.coaching[0]
    item = plan.items[0].model_copy(
        update={"worst": Excerpt(conversation_id="elsewhere", turn=0, start=0, end=5, turn_text="Sorry, no.")}
    )
    model = base.model_copy(update={"coaching": (plan.model_copy(update={"items": (item,)}),)})
    doc = probe(render_html(model))
    assert any("elsewhere, turn 1" in q.text for q in doc.find("blockquote"))
    assert not [a for a in doc.find("a") if a.attrs.get("href") == f"#{anchor_id('elsewhere')}"]


def test_tables_show_agents_teams_and_root_causes(doc: Probe) -> None:
    agents = doc.find("table", id="table-agents")[0].text
    for name in ("amira", "chen", "bruno", "dana", "erin", "insufficient volume", "often apologises without a fix"):
        assert name in agents
    assert "82 (71–90)" in agents  # median with IQR
    assert "1 (1–2)" in agents  # rank with its plausible range
    teams = doc.find("table", id="table-teams")[0].text
    assert "Billing" in teams and "Repairs" in teams
    roots = doc.find("table", id="table-root-causes")[0].text
    assert "Field schedule not visible to agents" in roots and "system" in roots


def test_empty_model_renders_every_section_with_a_note() -> None:
    model = ReportModel(generated_at=datetime(2025, 1, 1), overview=OverviewKpis(conversations=0))
    doc = probe(render_html(model))
    assert {t.attrs.get("id") for t in doc.find("section")} == set(SECTIONS)
    assert len([t for t in doc.tags if (t.attrs.get("class") or "") == "empty"]) >= 5
    assert not doc.find("details")


def test_write_html_writes_the_rendered_document(tmp_path: Path) -> None:
    model = sample_report()
    path = write_html(model, tmp_path / "out" / "report.html")
    assert path.read_text(encoding="utf-8") == render_html(model)
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]  # no temporary left behind


@pytest.mark.parametrize(
    ("finding", "message"),
    [
        (FindingRow(label="x", turn=3, start=0, end=1, confidence=0.5), "points at turn 3"),
        (FindingRow(label="x", turn=0, start=2, end=99, confidence=0.5), "does not fit turn 0"),
    ],
)
def test_model_rejects_spans_outside_the_text(finding: FindingRow, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ConversationRow(
            id="c", outcome="resolved", turns=(TurnRow(role="agent", text="hello"),), findings=(finding,)
        )


def test_model_rejects_excerpt_outside_its_turn() -> None:
    with pytest.raises(ValidationError, match="does not fit a text of 5"):
        Excerpt(conversation_id="c", turn=0, start=3, end=9, turn_text="hello")


def test_customer_voice_promises_team_plans_and_fixed_drivers_are_shown(doc: Probe) -> None:
    voice = doc.find("table", id="table-voice-outcome")[0].text
    assert "resolved" in voice and "4.50" in voice and "90%" in voice
    behaviour = doc.find("table", id="table-voice-behaviour")[0].text
    assert "hollow apology" in behaviour and "2.10" in behaviour and "4.00" in behaviour
    tallies = doc.find("table", id="table-promises-agents")[0].text
    assert "dana" in tallies and "60%" in tallies
    promises = doc.find("section", id="promises")[0].text
    assert "I'll call you Wednesday by 5pm to confirm the slot" in promises
    assert "Third time I contact you." in promises and "The customer chasing it" in promises
    coaching = doc.find("section", id="coaching")[0].text
    assert "Team Repairs" in coaching and "bruno, dana" in coaching
    forests = [t for t in doc.find("svg") if "chart-forest" in (t.attrs.get("class") or "")]
    assert len(forests) == 2  # CSAT and 'fixed' answers
    drivers = doc.find("section", id="drivers")[0].text
    assert "+52" in drivers and "+38 to +66" in drivers  # percentage points print without decimals
    assert "+52  [+38, +66]" in forests[1].text


def test_a_line_to_change_is_never_marked_green() -> None:
    """Issue 12: a coaching item for a good habit (e.g. more ownership) quoted its line to change in the
    habit's green; a line to change is always marked as one, a line done well always as good."""
    html = render_html(sample_report(hostile=False))
    worst = re.findall(r'<blockquote class="quote worst">.*?</blockquote>', html, re.S)
    best = re.findall(r'<blockquote class="quote best">.*?</blockquote>', html, re.S)
    assert worst and best
    assert all("tone-good" not in q and "tone-bad" in q for q in worst)
    assert all("tone-bad" not in q and "tone-good" in q for q in best)


def test_wilson_interval_is_honest_at_small_n() -> None:
    """Issue 12: 'promise-kept rates on n=3 show 100% without a range'."""
    from fixfirst.report.html_report import wilson_interval

    low, high = wilson_interval(3, 3)
    assert round(low, 2) == 0.44 and high == 1.0
    low, high = wilson_interval(30, 60)
    assert 0.37 < low < 0.38 and 0.62 < high < 0.63
    assert wilson_interval(0, 0) is None


def test_promise_kept_rates_show_their_count_and_interval(doc: Probe) -> None:
    ranges = [t.text for t in doc.tags if "rate-range" in (t.attrs.get("class") or "")]
    assert ranges and all(re.search(r"\(\d+ of \d+, 95% \d+–\d+%\)", r) for r in ranges)


def test_this_week_lists_actions_and_week_over_week_changes(doc: Probe) -> None:
    """Issue 12: no Monday-morning answer - now three actions with evidence and effect, and changes."""
    actions = [t.text for t in doc.tags if t.attrs.get("class") == "action"]
    assert len(actions) == 2 and "Evidence: 9 unresolved" in actions[0] and "Expected effect:" in actions[0]
    changes = [t.text.strip() for t in doc.tags if (t.attrs.get("class") or "") == "num change"]
    assert changes == ["+3", "+7 pts", "–"]
