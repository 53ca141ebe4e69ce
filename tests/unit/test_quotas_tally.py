"""The pure quota tally: who is credited, when, how often, and where each library stands."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from shuxiang.alliance import Campaign, QuotaRule
from shuxiang.services.quotas.tally import ActivityFacts, QuotaState, progress, tally

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAMPAIGNS = {
    c.id: c
    for c in (
        Campaign(id="reading-month", name="读书月", starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30)),
        Campaign(id="summer-reading", name="暑期少儿阅读", starts_on=date(2026, 7, 1), ends_on=date(2026, 8, 31)),
    )
}


def rule(**fields) -> QuotaRule:
    return QuotaRule.model_validate({"id": "r", "name": "规则", "minimum": 1, **fields})


def fact(
    activity_id: str = "a", starts_at: str = "2026-04-23T14:00:00+08:00", organizers=(("jn", "host"),), **fields
) -> ActivityFacts:
    values = {
        "version": 1,
        "status": "scheduled",
        "title": f"活动{activity_id}",
        "category": "lecture",
        "featured": False,
        "campaign_id": None,
        "tags": (),
        **fields,
    }
    return ActivityFacts(
        activity_id=activity_id, starts_at=datetime.fromisoformat(starts_at), organizers=tuple(organizers), **values
    )


def count(facts, r: QuotaRule, library: str = "jn", year: int = 2026) -> int:
    return len(tally(facts, {library: [r]}, year, SHANGHAI, campaigns=CAMPAIGNS)[(library, r.id)])


@pytest.mark.parametrize(
    ("starts_at", "year"),
    [
        ("2026-12-31T23:30:00+08:00", 2026),  # late on New Year's Eve in Shanghai
        ("2026-12-31T16:30:00+00:00", 2027),  # 2027-01-01 00:30 in Shanghai
        ("2026-12-31T15:59:59+00:00", 2026),
        ("2026-01-01T00:00:00+08:00", 2026),
        ("2025-12-31T16:00:00+00:00", 2026),  # exactly midnight in Shanghai
        ("2026-01-01T07:59:00+00:00", 2026),
    ],
)
def test_the_year_is_the_alliance_time_zone_year(starts_at: str, year: int) -> None:
    facts = [fact(starts_at=starts_at)]
    assert count(facts, rule(), year=year) == 1
    assert count(facts, rule(), year=year - 1) == 0 and count(facts, rule(), year=year + 1) == 0


def test_the_time_zone_is_configurable() -> None:
    facts = [fact(starts_at="2026-12-31T16:30:00+00:00")]
    assert len(tally(facts, {"jn": [rule()]}, 2026, ZoneInfo("UTC"), campaigns=CAMPAIGNS)[("jn", "r")]) == 1


def test_a_co_hosted_activity_counts_once_per_library_in_its_role() -> None:
    hosts_only, any_role = rule(id="host"), rule(id="any", roles=["host", "co_organiser", "participant"])
    facts = [fact(organizers=(("jn", "host"), ("tz", "co_organiser"), ("ak", "participant")))]
    credits = tally(
        facts, {lib: [hosts_only, any_role] for lib in ("jn", "tz", "ak")}, 2026, SHANGHAI, campaigns=CAMPAIGNS
    )
    assert [len(credits[(lib, "host")]) for lib in ("jn", "tz", "ak")] == [1, 0, 0]
    assert [len(credits[(lib, "any")]) for lib in ("jn", "tz", "ak")] == [1, 1, 1]
    assert credits[("tz", "any")][0].role == "co_organiser"


def test_cheng_ban_is_counted_apart_from_xie_ban() -> None:
    """ "将5个以上活动延伸为承办形式" counts 承办 (organiser) only, not 协办 (co-organiser); a rule
    written with v1's co_host counts both."""
    organised = rule(id="organised", roles=["organiser"])
    v1 = rule(id="v1", roles=["co_host"])
    assert v1.roles == ["organiser", "co_organiser"]
    facts = [
        fact("a", organizers=(("c", "host"), ("tz", "organiser"), ("ak", "co_organiser"))),
        fact("b", organizers=(("c", "host"), ("ak", "organiser"))),
    ]
    credits = tally(facts, {lib: [organised, v1] for lib in ("c", "tz", "ak")}, 2026, SHANGHAI, campaigns=CAMPAIGNS)
    assert [len(credits[(lib, "organised")]) for lib in ("c", "tz", "ak")] == [0, 1, 1]
    assert [c.activity_id for c in credits[("ak", "organised")]] == ["b"]
    assert [len(credits[(lib, "v1")]) for lib in ("c", "tz", "ak")] == [0, 1, 2]


def test_cancelled_and_merged_away_activities_count_for_nobody() -> None:
    facts = [fact("a"), fact("b", status="cancelled"), fact("c", merged_away=True)]
    credits = tally(facts, {"jn": [rule()]}, 2026, SHANGHAI, campaigns=CAMPAIGNS)[("jn", "r")]
    assert [c.activity_id for c in credits] == ["a"]


def test_filters_select_what_counts() -> None:
    facts = [
        fact("featured", featured=True),
        fact("campaign", campaign_id="reading-month"),
        fact("festival", category="festival"),
        fact("series", tags=("大型系列",)),
        fact("training", category="training"),
    ]
    ids = lambda r: [c.activity_id for c in tally(facts, {"jn": [r]}, 2026, SHANGHAI, campaigns=CAMPAIGNS)[("jn", "r")]]  # noqa: E731
    assert ids(rule(counts={"featured": True})) == ["featured"]
    assert ids(rule(counts={"campaign": True})) == ["campaign"]
    assert ids(rule(counts={"campaign": "reading-month"})) == ["campaign"]
    assert sorted(ids(rule(counts={"large_series": True}))) == ["festival", "series"]
    assert ids(rule(counts={"category": ["training"]})) == ["training"]
    assert len(ids(rule(counts={"campaign": False}))) == 4


def test_a_series_counts_per_occurrence_or_once_as_the_rule_says() -> None:
    weekly = fact(
        "s",
        starts_at="2026-12-10T19:00:00+08:00",
        recurrence="FREQ=WEEKLY;COUNT=5",
        exdates=(datetime(2026, 12, 17, 11, 0, tzinfo=UTC),),  # 19:00 in Shanghai, written in UTC
    )
    per_session, per_activity = rule(unit="occurrence"), rule()
    sessions = tally([weekly], {"jn": [per_session]}, 2026, SHANGHAI, campaigns=CAMPAIGNS)[("jn", "r")]
    assert [c.at.day for c in sessions] == [10, 24, 31]  # the 17th is cancelled, 7 Jan is 2027
    assert count([weekly], per_session, year=2027) == 1
    assert count([weekly], per_activity, year=2026) == 1 and count([weekly], per_activity, year=2027) == 0


def test_a_series_whose_first_session_is_cancelled_counts_at_its_first_held_one() -> None:
    series = fact(
        "s",
        starts_at="2026-12-31T19:00:00+08:00",
        recurrence="FREQ=WEEKLY;COUNT=3",
        exdates=(datetime.fromisoformat("2026-12-31T19:00:00+08:00"),),
    )
    assert count([series], rule(), year=2026) == 0
    assert count([series], rule(), year=2027) == 1


def test_an_open_ended_series_counts_its_sessions_in_the_year_only() -> None:
    series = fact("s", starts_at="2025-06-07T10:00:00+08:00", recurrence="FREQ=MONTHLY")
    assert count([series], rule(unit="occurrence"), year=2026) == 12
    assert count([series], rule(unit="occurrence"), year=2025) == 7


def test_libraries_outside_the_rules_are_not_credited() -> None:
    credits = tally([fact(organizers=(("elsewhere", "host"),))], {"jn": [rule()]}, 2026, SHANGHAI, campaigns=CAMPAIGNS)
    assert credits == {("jn", "r"): []}


# -- progress ---------------------------------------------------------------------------------


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def credits_on(*days: str, r: QuotaRule | None = None):
    facts = [fact(str(i), starts_at=f"{day}T10:00:00+08:00") for i, day in enumerate(days)]
    return tally(facts, {"jn": [r or rule()]}, 2026, SHANGHAI, campaigns=CAMPAIGNS)[("jn", "r")]


def test_yearly_pace_on_track_at_risk_and_met() -> None:
    ten = rule(minimum=10)
    three = credits_on("2026-01-05", "2026-02-05", "2026-03-05")
    early = progress(three, ten, "jn", 2026, SHANGHAI, at("2026-04-01T00:00:00+08:00"))
    assert (early.attained, early.target, early.expected, early.state) == (3, 10, 2, QuotaState.on_track)
    late = progress(three, ten, "jn", 2026, SHANGHAI, at("2026-07-01T00:00:00+08:00"))
    assert (late.expected, late.state) == (5, QuotaState.at_risk)
    done = progress(three, rule(minimum=3), "jn", 2026, SHANGHAI, at("2026-02-01T00:00:00+08:00"))
    assert done.state is QuotaState.met and done.percent == 100
    ended = progress([], ten, "jn", 2026, SHANGHAI, at("2027-03-01T00:00:00+08:00"))
    assert (ended.expected, ended.state) == (10, QuotaState.not_met)
    ahead = progress([], ten, "jn", 2027, SHANGHAI, at("2026-11-01T00:00:00+08:00"))
    assert (ahead.expected, ahead.state) == (0, QuotaState.on_track)


def test_overrides_set_a_library_target() -> None:
    r = rule(minimum=10, overrides={"gzl": 6})
    assert progress([], r, "gzl", 2026, SHANGHAI, at("2026-01-01T00:00:00+08:00")).target == 6
    assert progress([], r, "jn", 2026, SHANGHAI, at("2026-01-01T00:00:00+08:00")).target == 10


def test_monthly_rule_lists_missing_months_and_cannot_be_met_once_a_month_is_missed() -> None:
    monthly = rule(per="month")
    found = credits_on("2026-01-10", "2026-02-10", "2026-02-20", "2026-04-10", r=monthly)
    march = progress(found, monthly, "jn", 2026, SHANGHAI, at("2026-03-15T00:00:00+08:00"))
    assert (march.attained, march.target, march.expected, march.count) == (3, 12, 2, 4)
    assert march.state is QuotaState.on_track  # March is not over yet
    assert march.missing == [3, 5, 6, 7, 8, 9, 10, 11, 12] and march.missed == []
    april = progress(found, monthly, "jn", 2026, SHANGHAI, at("2026-04-01T00:00:00+08:00"))
    assert april.state is QuotaState.not_met and april.missed == [3]  # 12 of 12 months is out of reach


def test_a_per_period_target_out_of_reach_is_not_met_not_at_risk() -> None:
    """/quotas/ak on 2026-12-07 read "进度落后 5/12个月 … （已错过 6）" and jn-b03 "3/4 进度落后" with Q3
    over short: neither can be met this year any more, so neither is "at risk" — they read 未达标."""
    monthly = rule(per="month")
    five = credits_on(*(f"2026-{m:02d}-10" for m in (2, 4, 6, 8, 10)), r=monthly)
    ak = progress(five, monthly, "jn", 2026, SHANGHAI, at("2026-12-07T10:00:00+08:00"))
    assert (ak.attained, ak.target, len(ak.missed), ak.state) == (5, 12, 6, QuotaState.not_met)
    quarterly = rule(per="quarter", minimum=5, unit="occurrence")
    three_quarters = credits_on(*(f"2026-{m:02d}-{d:02d}" for m in (1, 4, 11) for d in range(10, 15)), r=quarterly)
    b03 = progress(three_quarters, quarterly, "jn", 2026, SHANGHAI, at("2026-12-07T10:00:00+08:00"))
    assert (b03.attained, b03.target, b03.missed, b03.state) == (3, 4, [3], QuotaState.not_met)
    before = progress(three_quarters, quarterly, "jn", 2026, SHANGHAI, at("2026-09-30T23:59:59+08:00"))
    assert before.state is QuotaState.on_track  # Q3 not over yet: it can still be met


def test_quarterly_minimum_applies_per_quarter() -> None:
    quarterly = rule(per="quarter", minimum=2, unit="occurrence")
    found = credits_on("2026-01-10", "2026-03-31", "2026-04-10", r=quarterly)
    p = progress(found, quarterly, "jn", 2026, SHANGHAI, at("2026-05-01T00:00:00+08:00"))
    assert [q.count for q in p.periods] == [2, 1, 0, 0]
    assert (p.attained, p.target, p.expected, p.state) == (1, 4, 1, QuotaState.on_track)
    assert p.missing == [2, 3, 4]


def test_a_closed_year_reads_met_or_not_met_never_at_risk() -> None:
    """2025 seen in 2026: 45 of 46 targets used to read "进度落后"; a finished year ended 达标 or 未达标."""
    ten = rule(minimum=10)
    three = credits_on("2026-01-05", "2026-02-05", "2026-03-05")
    last_second = progress(three, ten, "jn", 2026, SHANGHAI, at("2026-12-31T23:59:59+08:00"))
    assert last_second.state is QuotaState.at_risk  # still open: behind the pace
    closed = progress(three, ten, "jn", 2026, SHANGHAI, at("2027-01-01T00:00:00+08:00"))  # midnight in Shanghai
    assert closed.state is QuotaState.not_met
    assert (
        progress(three, rule(minimum=3), "jn", 2026, SHANGHAI, at("2027-06-01T00:00:00+08:00")).state is QuotaState.met
    )
    monthly = rule(per="month")
    every_month = credits_on(*(f"2026-{m:02d}-10" for m in range(1, 13)), r=monthly)
    assert progress(every_month, monthly, "jn", 2026, SHANGHAI, at("2027-01-02T00:00:00+08:00")).state is QuotaState.met
    one_missed = [c for c in every_month if c.at.month != 7]
    p = progress(one_missed, monthly, "jn", 2026, SHANGHAI, at("2027-01-02T00:00:00+08:00"))
    assert p.state is QuotaState.not_met and p.missed == [7]


def test_a_rule_by_audience_counts_the_activities_for_those_readers() -> None:
    """Audiences are a vocabulary of the alliance file: "残障人士及视障读者" names disabled."""
    for_disabled = rule(id="disabled", counts={"audience": ["disabled"]})
    facts = [fact("a", audiences=("disabled",)), fact("b", audiences=("children", "parents")), fact("c")]
    assert [
        c.activity_id
        for c in tally(facts, {"jn": [for_disabled]}, 2026, SHANGHAI, campaigns=CAMPAIGNS)[("jn", "disabled")]
    ] == ["a"]


def test_a_campaign_rule_counts_only_the_sessions_inside_the_campaign_window() -> None:
    """A weekly series tagged summer-reading (07-01 – 08-31) starting 08-31 10:00, its first session
    cancelled: it starts inside the window (admission lets it in) but its sessions are 09-07 and
    09-14, so it earned no campaign credit — it used to be credited at 09-07.  It still counts as
    what it is under rules that are not about campaigns."""
    series = fact(
        "s",
        starts_at="2026-08-31T10:00:00+08:00",
        recurrence="FREQ=WEEKLY;COUNT=3",
        exdates=(datetime.fromisoformat("2026-08-31T10:00:00+08:00"),),
        campaign_id="summer-reading",
    )
    joined, per_session = (
        rule(counts={"campaign": True}),
        rule(counts={"campaign": "summer-reading"}, unit="occurrence"),
    )
    assert count([series], joined) == 0 and count([series], per_session) == 0
    assert count([series], rule()) == 1 and count([series], rule(unit="occurrence")) == 2
    early = fact(
        "e",
        starts_at="2026-08-24T10:00:00+08:00",
        recurrence="FREQ=WEEKLY;COUNT=3",
        exdates=(datetime.fromisoformat("2026-08-24T10:00:00+08:00"),),
        campaign_id="summer-reading",
    )
    assert [c.at.day for c in tally([early], {"jn": [joined]}, 2026, SHANGHAI, campaigns=CAMPAIGNS)[("jn", "r")]] == [
        31
    ]
    assert count([early], per_session) == 1  # 08-31 inside, 09-07 outside
    unknown = fact("u", campaign_id="no-such-campaign")
    assert count([unknown], joined) == 0 and count([unknown], rule()) == 1
