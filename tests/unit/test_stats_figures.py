"""The statistics report's pure figures: audiences by the alliance's vocabulary, outcomes apart."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shuxiang.alliance import load_demo_alliance
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.quotas.tally import ActivityFacts, first_occurrence, occurrences_between, year_bounds
from shuxiang.services.stats.figures import Item, figures, figures_of_periods, items_of, stream_items

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 1, 1, tzinfo=UTC)


def activity(activity_id: str, audience: str | None, status: str = "scheduled", partners=()) -> CanonicalActivity:
    return CanonicalActivity(
        partners=list(partners),
        id=activity_id,
        version=1,
        status=status,
        title=activity_id,
        category="accessibility",
        starts_at="2026-05-16T14:00:00+08:00",
        ends_at="2026-05-16T16:00:00+08:00",
        venue={"name": "阅览室"},
        organizers=[{"library_id": "tz", "role": "host"}, {"library_id": "jn", "role": "co_host"}],
        audience=audience,
        sources=[{"library_id": "tz", "source_ref": activity_id, "revision": 1}],
        created_at=AT,
        updated_at=AT,
    )


def test_audiences_count_by_the_vocabulary_and_not_held_ones_apart() -> None:
    alliance = load_demo_alliance()
    items = items_of(
        [
            activity("a", "残障人士及视障读者"),
            activity("b", "少年儿童及家长"),
            activity("c", "社会公众"),
            activity("d", "视障读者"),
            activity("e", "视障读者", status="cancelled"),
        ],
        {"a": (True, 30), "d": (False, 0)},
        SHANGHAI,
    )
    found = figures(items, None, [2026], alliance.audiences_in)
    assert found.by_audience == {"disabled": [1, 30], "children": [1, 0], "parents": [1, 0], "社会公众": [1, 0]}
    assert (found.activities, found.outcomes["not_held"], found.outcomes["cancelled"]) == (3, 1, 1)
    assert found.by_role == {"host": [3, 30], "co_organiser": [3, 30]}  # v1 co_host is read as 协办


def test_partners_outside_the_alliance_are_counted_by_name() -> None:
    items = items_of(
        [
            activity("a", None, partners=["津南区实验小学", "区社科联"]),
            activity("b", None, partners=["区社科联"]),
            activity("c", None, status="cancelled", partners=["区科协"]),
        ],
        {"b": (True, 40)},
        SHANGHAI,
    )
    assert figures(items, None, [2026]).by_partner == {"津南区实验小学": [1, 0], "区社科联": [2, 40]}


def _reference_item(activity: CanonicalActivity, attendance, tz: ZoneInfo) -> Item | None:
    """``item_of`` as it was before issue 23 (facts built for every activity): the reference."""
    facts = ActivityFacts.of(activity)
    start = first_occurrence(facts, tz)
    if start is None:
        return None
    held, participants = attendance or (None, None)
    if activity.status.value != "scheduled":
        outcome = "cancelled"
    else:
        outcome = {True: "held", False: "not_held", None: "unreported"}[held]
    first, end = year_bounds(start.year, tz)
    sessions = sum(1 for _ in occurrences_between(facts, tz, first, end)) if activity.recurrence else 1
    return Item(activity, start, outcome, participants or 0, sessions, activity.brand_id or None)


def _seeded(n: int, seed: int) -> tuple[list[CanonicalActivity], dict, dict]:
    """Activities of 2024–2027 around the years' edges in Shanghai (16:00Z on 31 December is the
    next year there): singles, weekly series with exdates and moved or cancelled sessions,
    cancelled ones, co-hosts, brands, campaigns, partners, audiences; attendance and ratings."""
    rng = random.Random(seed)
    libraries = ["jn", "tz", "gzl", "lmb", "jn-xq", "tz-dj"]
    roles = ["host", "organiser", "co_organiser", "participant"]
    audiences = [None, "少年儿童及家长", "视障读者", "社会公众", "老年读者 ", "残障人士及视障读者"]
    activities, attendance, ratings = [], {}, {}
    for i in range(n):
        year = rng.choice([2024, 2025, 2026, 2027])
        edge = rng.random() < 0.2
        start = (
            datetime(year, 12, 31, rng.choice([15, 16, 17]), 30, tzinfo=UTC)
            if edge
            else datetime(year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), tzinfo=UTC)
        )
        series = rng.random() < 0.25
        fields: dict = {}
        if series:
            fields["recurrence"] = rng.choice(["FREQ=WEEKLY;COUNT=6", "FREQ=WEEKLY;COUNT=3", "FREQ=DAILY;COUNT=2"])
            step = timedelta(days=1 if "DAILY" in fields["recurrence"] else 7)
            if rng.random() < 0.4:  # the first sessions cancelled: the series' year may be the next one
                fields["exdates"] = [start + step * k for k in range(rng.randint(1, 2))]
            if rng.random() < 0.3:  # a session moved (earlier or later) or cancelled on its own
                moved = rng.choice([-3, 2, 40])
                fields["overrides"] = [
                    {"recurrence_id": start + step * 2, "starts_at": start + step * 2 + timedelta(days=moved)}
                    if rng.random() < 0.7
                    else {"recurrence_id": start + step * 2, "status": "cancelled"}
                ]
        credited = rng.sample(libraries, rng.choice([1, 1, 1, 2, 3]))
        activity_id = f"a{i}"
        activities.append(
            CanonicalActivity(
                id=activity_id,
                version=1,
                status="cancelled" if rng.random() < 0.05 else "scheduled",
                title=rng.choice(["绘本故事会", "视障读者观影", "读书分享会"]),
                category=rng.choice(["reading_club", "lecture", "children", "accessibility"]),
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                venue={"name": rng.choice(["阅览室", "少儿馆"])},
                organizers=[
                    {"library_id": lib, "role": "host" if k == 0 else rng.choice(roles)}
                    for k, lib in enumerate(credited)
                ],
                brand_id=rng.choice([None, None, "jn-huiben", "tz-yuedu"]),
                campaign_id=rng.choice([None, "world-book-day", "summer"]),
                audience=rng.choice(audiences),
                partners=rng.sample(["区社科联", " 区科协", "实验小学", "区科协"], rng.randint(0, 2)),
                sources=[{"library_id": credited[0], "source_ref": activity_id, "revision": 1}],
                created_at=AT,
                updated_at=AT,
                **fields,
            )
        )
        if rng.random() < 0.6:
            attendance[activity_id] = rng.choice([(True, rng.randint(0, 300)), (False, 0), (None, None), (True, None)])
        if rng.random() < 0.2:
            rated = rng.randint(1, 9)
            ratings[activity_id] = (rated, rng.randint(0, rated))
    return activities, attendance, ratings


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_streamed_pass_gives_the_figures_of_the_reference(seed: int) -> None:
    """The report's path (items streamed, single activities without facts, both periods in one
    pass) against the computation it replaces (every item's facts, a list, one pass per period)."""
    alliance = load_demo_alliance()
    activities, attendance, ratings = _seeded(600, seed)
    reference = [item for a in activities if (item := _reference_item(a, attendance.get(a.id), SHANGHAI)) is not None]
    assert reference == items_of(activities, attendance, SHANGHAI)
    assert any(
        a.recurrence and item.start.year != a.starts_at.astimezone(SHANGHAI).year
        for a, item in ((i.activity, i) for i in reference)
    )  # a series whose year its exdates moved
    for scope, periods in [
        (None, [[2026], [2025]]),
        ({"jn", "jn-xq"}, [[2026], [2025]]),
        ({"tz"}, [[2025, 2026, 2027], [2022, 2023, 2024]]),
    ]:
        vocabulary = alliance.audiences_in
        expected = [figures(reference, scope, years, vocabulary, ratings) for years in periods]
        found = figures_of_periods(
            stream_items(iter(activities), attendance, SHANGHAI), scope, periods, vocabulary, ratings
        )
        assert found == expected
        assert expected[0].activities > 0 and expected[0].rated > 0 and expected[0].brand_sessions > 0
