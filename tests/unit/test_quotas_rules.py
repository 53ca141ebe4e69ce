"""Quota rules in the alliance file: a wrong rule is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from shuxiang.alliance import AllianceConfigError, load_alliance, load_demo_alliance

BASE = """\
[alliance]
id = "test"
name = "测试联盟"

[[members]]
id = "c"
name = "市图书馆"
tier = "central"

[[members]]
id = "jn"
name = "津南区图书馆"
tier = "district"
parent = "c"

[[campaigns]]
id = "reading-month"
name = "读书月"
starts_on = 2026-04-01
ends_on = 2026-04-30
"""


def problem(tmp_path: Path, rule: str) -> str:
    path = tmp_path / "alliance.toml"
    path.write_text(BASE + "\n[[quota_rules]]\n" + rule, encoding="utf-8")
    with pytest.raises(AllianceConfigError) as caught:
        load_alliance(path)
    assert len(caught.value.problems) == 1, caught.value.problems
    return caught.value.problems[0]


def test_the_demo_rules_follow_the_seed_targets() -> None:
    alliance = load_demo_alliance()
    rules = {r.id: r for r in alliance.quota_rules}
    assert rules["featured-monthly"].per == "month" and rules["featured-monthly"].counts.featured is True
    assert rules["campaign-joined"].minimum == 10 and rules["campaign-hosted"].minimum == 5
    assert rules["large-series"].counts.large_series is True
    assert rules["training"].counts.category == ["training"]
    assert rules["branch-sessions"].unit == "occurrence" and rules["branch-sessions"].per == "quarter"


def test_unknown_unit(tmp_path: Path) -> None:
    text = problem(tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\nunit = "session"\n')
    assert 'quota_rules[0] (id "r").unit: "session" is not one of activity, occurrence' in text


def test_unknown_role(tmp_path: Path) -> None:
    text = problem(tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\nroles = ["organizer"]\n')
    assert (
        'quota_rules[0] (id "r").roles[0]: "organizer" is not one of host, organiser, co_organiser, participant, '
        "co_host"
    ) in text


def test_a_role_listed_twice(tmp_path: Path) -> None:
    text = problem(tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\nroles = ["host", "co_host", "host"]\n')
    assert 'quota_rules[0] (id "r").roles: roles lists "host" twice' in text


def test_a_zero_minimum(tmp_path: Path) -> None:
    text = problem(tmp_path, 'id = "r"\nname = "规则"\nminimum = 0\n')
    assert 'quota_rules[0] (id "r").minimum: must be at least 1 (got 0)' in text


def test_an_unknown_period(tmp_path: Path) -> None:
    text = problem(tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\nper = "week"\n')
    assert '.per: "week" is not one of month, quarter' in text


def test_an_unknown_campaign(tmp_path: Path) -> None:
    text = problem(tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\ncounts = { campaign = "reading-mnth" }\n')
    assert '.counts.campaign: "reading-mnth" is not a campaign (did you mean "reading-month"?)' in text


def test_a_filter_that_can_never_match(tmp_path: Path) -> None:
    text = problem(
        tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\ncounts = { category = ["festival"], large_series = false }\n'
    )
    assert 'quota_rules[0] (id "r").counts: a festival is always a large series' in text
    text = problem(
        tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\ncounts = { tags = ["大型系列"], large_series = false }\n'
    )
    assert 'the tag "大型系列" marks a large series' in text


def test_a_typo_in_the_filter(tmp_path: Path) -> None:
    text = problem(tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\ncounts = { featurd = true }\n')
    assert '.counts.featurd: unknown key "featurd" (did you mean "featured"?)' in text


def test_an_override_for_a_library_outside_the_scope(tmp_path: Path) -> None:
    text = problem(
        tmp_path, 'id = "r"\nname = "规则"\nminimum = 1\napplies_to = { tiers = ["central"] }\noverrides = { jn = 2 }\n'
    )
    assert '"jn" is not covered by applies_to, so its override has no effect' in text


def test_a_progress_bar_is_a_run_per_colour_with_the_pace_mark() -> None:
    """The terminal report's bar: filled cells in the state's colour, the rest grey, ┃ where the pace
    expects the library to be — a run of text per colour."""
    from types import SimpleNamespace

    from shuxiang.services.quotas.cli import BAR_WIDTH, text_bar

    at_risk = SimpleNamespace(percent=25.0, state=SimpleNamespace(value="at_risk"), expected=6, expected_percent=50.0)
    bar = text_bar(at_risk)  # type: ignore[arg-type]
    assert bar == [
        ("███", "red"),
        ("░░", "grey50"),
        ("┃", "bold"),
        ("░" * (BAR_WIDTH - 6), "grey50"),
    ]
