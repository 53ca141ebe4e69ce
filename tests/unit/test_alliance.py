"""The alliance configuration: the demo loads, the tree helpers, and every check's message."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from shuxiang.alliance import (
    AUDIENCES_MEMO,
    LARGE_SERIES_TAG,
    Alliance,
    AllianceConfigError,
    Tier,
    load_alliance,
    load_demo_alliance,
    parse_alliance,
)
from shuxiang.schemas.submission import Category, Role

HEADER = """\
[alliance]
id = "test"
name = "测试联盟"
"""

MEMBERS = """\
[[members]]
id = "c"
name = "市图书馆"
tier = "central"

[[members]]
id = "jn"
name = "津南区图书馆"
tier = "district"
parent = "c"

[[members]]
id = "jn-b1"
name = "咸水沽镇分馆"
tier = "branch"
parent = "jn"

[[members]]
id = "jn-sp1"
name = "小站镇农家书屋"
tier = "service_point"
parent = "jn-b1"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alliance.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(AllianceConfigError) as caught:
        load_alliance(write(tmp_path, text))
    error = caught.value
    assert str(error) == "\n".join(error.problems)
    assert all(p.startswith(str(tmp_path / "alliance.toml") + ": ") for p in error.problems)
    return error.problems


def one_problem(tmp_path: Path, text: str) -> str:
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1, problems
    return problems[0]


# -- the demo ---------------------------------------------------------------------------


def test_demo_alliance_loads() -> None:
    alliance = load_demo_alliance()
    assert alliance.name == "书香联盟（示例）"
    assert alliance.central.id == "ccl"
    assert 25 <= len(alliance.members) <= 40
    assert {"ccl", "jlp", "jn", "tz", "ak"} <= alliance.member_ids()
    assert {b.name for b in alliance.brands} >= {"好书伴我成长", "沽上讲堂", "快乐小板凳", "空中文化大讲堂", "U书到家"}
    assert {c.id for c in alliance.campaigns} == {
        "reading-month",
        "service-week",
        "spring-festival",
        "summer-reading",
        "reading-festival",
    }
    assert str(alliance.tz) == "Asia/Shanghai"


def test_demo_leaves_gaps_in_one_library_one_brand() -> None:
    alliance = load_demo_alliance()
    heads = [m.id for m in alliance.members if m.tier in (Tier.district, Tier.county)]
    without = [h for h in heads if not alliance.brands_of(h)]
    assert len(without) >= 2


def test_subtree_and_ancestors() -> None:
    alliance = load_demo_alliance()
    assert alliance.subtree("jn") == ["jn", "jn-b01", "jn-b02", "jn-sp01", "jn-b03", "jn-sp02", "jn-sp03"]
    assert alliance.subtree("jn-sp01") == ["jn-sp01"]
    assert alliance.subtree("ccl")[0] == "ccl"
    assert sorted(alliance.subtree("ccl")) == sorted(alliance.member_ids())
    assert alliance.ancestors("jlp-sp01") == ["jlp-b04", "jlp", "ccl"]
    assert alliance.ancestors("ccl") == []
    assert alliance.children("tz") == ["tz-b01", "tz-b02", "tz-sp01", "tz-bus"]
    with pytest.raises(KeyError):
        alliance.subtree("nowhere")


def test_member_lookup() -> None:
    alliance = load_demo_alliance()
    member = alliance.member("jn")
    assert member is not None and member.name == "津南区图书馆" and member.tier == Tier.district
    assert alliance.member("nowhere") is None


def test_venue_by_alias_normalises_width_and_spaces() -> None:
    alliance = load_demo_alliance()
    hall = alliance.venue_by_alias("报告厅(一楼)")
    assert hall is not None and hall.id == "ccl-hall"
    assert alliance.venue_by_alias(" 报告厅（一楼） ") == hall
    assert alliance.venue_by_alias("一楼 报告厅") == hall
    assert alliance.venue_by_alias("津南区图书馆报告厅").id == "jn-hall"  # a unique name
    assert alliance.venue_by_alias("不存在的厅") is None
    assert alliance.venue_by_alias("一楼报告厅", library_id="jn") is None


def test_quota_rules_scope_and_overrides() -> None:
    alliance = load_demo_alliance()
    joined = alliance.quota_rule("campaign-joined")
    assert joined is not None
    assert set(joined.roles) == {Role.host, Role.organiser, Role.co_organiser, Role.participant}
    assert joined.minimum_for("gzl") == 6 and joined.minimum_for("jn") == 10
    assert joined.applies(alliance.member("jn")) and not joined.applies(alliance.member("jn-b01"))
    featured = alliance.quota_rule("featured-monthly")
    assert featured.per == "month" and featured.minimum == 1
    assert {r.id for r in alliance.rules_for("jn-b01")} == {"branch-sessions"}


def test_quota_filter_matches() -> None:
    alliance = load_demo_alliance()
    activity = SimpleNamespace(category=Category.reading_club, featured=False, campaign_id="reading-month", tags=[])
    assert alliance.quota_rule("campaign-hosted").counts.matches(activity)
    assert not alliance.quota_rule("featured-monthly").counts.matches(activity)
    assert not alliance.quota_rule("large-series").counts.matches(activity)
    activity.tags = [LARGE_SERIES_TAG]
    assert alliance.quota_rule("large-series").counts.matches(activity)


def test_campaign_window_recurs_yearly() -> None:
    campaign = load_demo_alliance().campaign("reading-month")
    assert campaign.window(2030) == (date(2030, 4, 1), date(2030, 4, 30))
    assert campaign.covers(date(2031, 4, 23)) and not campaign.covers(date(2031, 5, 1))


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    alliance = load_alliance(write(tmp_path, HEADER + MEMBERS))
    assert isinstance(alliance, Alliance)
    assert alliance.timezone == "Asia/Shanghai" and alliance.quiet_after_days == 60
    assert alliance.subtree("jn") == ["jn", "jn-b1", "jn-sp1"]


# -- every mistake names the file, the entry and what is wrong ----------------------------


def test_unknown_parent(tmp_path: Path) -> None:
    text = HEADER + MEMBERS.replace('parent = "jn-b1"', 'parent = "jn-b9"')
    problem = one_problem(tmp_path, text)
    assert 'members[3] (id "jn-sp1").parent' in problem
    assert '"jn-b9" is not a member' in problem
    assert 'did you mean "jn-b1"' in problem


def test_two_central_libraries(tmp_path: Path) -> None:
    text = HEADER + MEMBERS + '\n[[members]]\nid = "c2"\nname = "另一个中心馆"\ntier = "central"\n'
    problem = one_problem(tmp_path, text)
    assert 'members[4] (id "c2").tier' in problem
    assert 'already has a central library, members[0] (id "c")' in problem


def test_no_central_library(tmp_path: Path) -> None:
    text = HEADER + '[[members]]\nid = "jn"\nname = "区馆"\ntier = "district"\nparent = "jn"\n'
    problems = problems_of(tmp_path, text)
    assert any('no member has tier "central"' in p for p in problems)


def test_cycle(tmp_path: Path) -> None:
    text = (
        HEADER
        + MEMBERS
        + (
            '\n[[members]]\nid = "p"\nname = "P"\ntier = "branch"\nparent = "q"\n'
            '\n[[members]]\nid = "q"\nname = "Q"\ntier = "branch"\nparent = "p"\n'
        )
    )
    problems = problems_of(tmp_path, text)
    assert any('members[4] (id "p").parent: the parents form a cycle: p → q → p' in p for p in problems)


def test_child_tier_must_be_lower(tmp_path: Path) -> None:
    text = HEADER + MEMBERS + '\n[[members]]\nid = "tz"\nname = "滕州市图书馆"\ntier = "county"\nparent = "jn"\n'
    problem = one_problem(tmp_path, text)
    assert 'members[4] (id "tz").tier' in problem
    assert 'a county cannot be under "jn", which is a district' in problem


def test_missing_parent(tmp_path: Path) -> None:
    text = HEADER + MEMBERS + '\n[[members]]\nid = "b"\nname = "分馆"\ntier = "branch"\n'
    problem = one_problem(tmp_path, text)
    assert 'members[4] (id "b").parent' in problem and "needs a parent" in problem


def test_duplicate_id(tmp_path: Path) -> None:
    text = HEADER + MEMBERS + '\n[[members]]\nid = "jn-b1"\nname = "重复"\ntier = "branch"\nparent = "jn"\n'
    problem = one_problem(tmp_path, text)
    assert 'members[4] (id "jn-b1").id: "jn-b1" is already used by members[2]' in problem


def test_unknown_category(tmp_path: Path) -> None:
    text = HEADER + MEMBERS + '\n[[brands]]\nid = "gs"\nname = "沽上讲堂"\nlibrary_id = "jn"\ncategory = "lectur"\n'
    problem = one_problem(tmp_path, text)
    assert 'brands[0] (id "gs").category: "lectur" is not one of lecture, reading_club, salon' in problem


def test_typo_in_a_key(tmp_path: Path) -> None:
    text = HEADER + MEMBERS.replace('parent = "jn"', 'parnet = "jn"', 1)
    problems = problems_of(tmp_path, text)
    assert any('members[2] (id "jn-b1").parnet: unknown key "parnet" (did you mean "parent"?)' in p for p in problems)


def test_unknown_table(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, HEADER + MEMBERS + '\n[[brand]]\nid = "x"\n')
    assert '"brand": unknown table (did you mean "brands"?)' in problem


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = HEADER + MEMBERS + '\n[[venues]]\nid = "hall"\nname = 报告厅\n'
    problem = one_problem(tmp_path, text)
    line = (HEADER + MEMBERS).count("\n") + 4  # the blank line, [[venues]], id, name
    assert f"line {line}, column 8: TOML syntax error" in problem


def test_bad_time_zone(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, HEADER + 'timezone = "Asia/Shanghia"\n' + MEMBERS)
    assert 'alliance.timezone: "Asia/Shanghia" is not a known time zone' in problem


def test_quota_override_for_a_non_member(tmp_path: Path) -> None:
    text = (
        HEADER
        + MEMBERS
        + (
            '\n[[quota_rules]]\nid = "training"\nname = "培训"\nminimum = 1\n'
            'counts = { category = ["training"] }\noverrides = { "jn-b7" = 2 }\n'
        )
    )
    problem = one_problem(tmp_path, text)
    assert 'quota_rules[0] (id "training").overrides: "jn-b7" is not a member' in problem


def test_quota_override_outside_its_scope(tmp_path: Path) -> None:
    text = (
        HEADER
        + MEMBERS
        + (
            '\n[[quota_rules]]\nid = "r"\nname = "规则"\nminimum = 1\n'
            'applies_to = { tiers = ["district"] }\noverrides = { "jn-b1" = 2 }\n'
        )
    )
    assert '"jn-b1" is not covered by applies_to' in one_problem(tmp_path, text)


def test_unresolved_references(tmp_path: Path) -> None:
    text = (
        HEADER
        + MEMBERS
        + """
[[venues]]
id = "hall"
library_id = "tz"
name = "报告厅"

[[brands]]
id = "gs"
name = "沽上讲堂"
library_id = "jn"
category = "lecture"
partners = ["jn-b1", "xq"]

[[coordinators]]
id = "office"
name = "联盟办"
email = "office@example.org"
scope = "nobody"
"""
    )
    problems = problems_of(tmp_path, text)
    assert len(problems) == 3
    assert 'venues[0] (id "hall").library_id: "tz" is not a member' in problems[0]
    assert 'brands[0] (id "gs").partners: "xq" is not a member' in problems[1]
    assert 'coordinators[0] (id "office").scope: "nobody" is not a member' in problems[2]


def test_campaign_dates_and_email_and_bounds(tmp_path: Path) -> None:
    text = (
        HEADER
        + MEMBERS
        + """
[[campaigns]]
id = "month"
name = "读书月"
starts_on = 2026-04-30
ends_on = 2026-04-01

[[coordinators]]
id = "office"
name = "联盟办"
email = "office-at-example.org"
schedule = { every = "week", weekday = 7 }
"""
    )
    problems = problems_of(tmp_path, text)
    assert any('campaigns[0] (id "month"): ends_on 2026-04-01 is before starts_on 2026-04-30' in p for p in problems)
    assert any(
        'coordinators[0] (id "office").email: "office-at-example.org" is not an email address' in p for p in problems
    )
    assert any('coordinators[0] (id "office").schedule.weekday: must be at most 6' in p for p in problems)


def test_bad_member_id(tmp_path: Path) -> None:
    problem = one_problem(tmp_path, HEADER + MEMBERS.replace('id = "jn-sp1"', 'id = "JN SP1"'))
    assert 'members[3] (id "JN SP1").id: "JN SP1" is not a valid id' in problem


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = (
        HEADER.replace('name = "测试联盟"\n', "")
        + 'timezone = "Mars/Base"\n'
        + MEMBERS.replace('tier = "branch"', 'tier = "twig"')
    )
    problems = problems_of(tmp_path, text)
    assert len(problems) == 3
    assert any('alliance.name: required key "name" is missing' in p for p in problems)
    assert any("alliance.timezone" in p for p in problems)
    assert any('members[2] (id "jn-b1").tier: "twig" is not one of central, district, county' in p for p in problems)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(AllianceConfigError, match="cannot read the file"):
        load_alliance(tmp_path / "absent.toml")


PLANS = ("九龙坡", "津南", "安康", "滕州", "长春")


def test_every_demo_target_cites_its_plan_and_the_plans_roles() -> None:
    """The demo alliance encodes the seeds' targets: each rule's source quotes one of the five plans;
    "将5个以上活动延伸为承办形式" counts 承办 (and 主办), never 协办 or 参与."""
    alliance = load_demo_alliance()
    for rule in alliance.quota_rules:
        assert rule.source and any(plan in rule.source for plan in PLANS), rule.id
    assert alliance.quota_rule("campaign-hosted").roles == [Role.host, Role.organiser]
    growth = alliance.quota_rule("visitors-growth")
    assert (growth.measure, growth.growth) == ("participants", 0.15) and "提升15%" in growth.source
    periods = {p.id: (p.first_year, p.last_year) for p in alliance.plan_periods}
    assert periods == {"13th-five-year": (2016, 2020), "14th-five-year": (2021, 2025)}


def test_audiences_are_a_vocabulary_named_in_free_text(tmp_path) -> None:
    alliance = load_demo_alliance()
    assert alliance.audiences_in("残障人士及视障读者") == ("disabled",)
    assert alliance.audiences_in("少年儿童及家长") == ("children", "parents")
    assert alliance.audiences_in("社会公众") == () and alliance.audiences_in(None) == ()
    # outreach targets (进机关、进企业、进社区、进学校、进军营) are named in the title or venue too
    assert alliance.audiences_in("社会公众", "阅读推广进社区：绘本共读", "新华社区活动室") == ("to-communities",)
    assert alliance.audiences_in(None, "好书进军营", None) == ("to-barracks",)
    assert alliance.audiences_in(None, "社区居民读书会：读《少年儿童》", None) == (
        "to-communities",
    )  # readers: audience only
    # remembered (the quotas and statistics projections ask the same events), the oldest forgotten
    assert alliance.audiences_in("残障人士及视障读者") is alliance.audiences_in("残障人士及视障读者")
    for n in range(AUDIENCES_MEMO + 10):
        alliance.audiences_in(f"读者{n}")
    assert len(alliance._audiences_memo) <= AUDIENCES_MEMO
    assert f"读者{AUDIENCES_MEMO + 9}" in str(list(alliance._audiences_memo)[-1])  # the newest stays
    assert alliance.audiences_in("少年儿童及家长") == ("children", "parents")
    text = (Path(__file__).parents[1] / "data" / "alliance.toml").read_text(encoding="utf-8")
    bad = text + '\n[[quota_rules]]\nid = "r"\nname = "规则"\nminimum = 1\ncounts = { audience = ["blind"] }\n'
    with pytest.raises(AllianceConfigError) as error:
        parse_alliance(bad)
    assert 'quota_rules[0] (id "r").counts.audience: "blind" is not an audience' in str(error.value)
