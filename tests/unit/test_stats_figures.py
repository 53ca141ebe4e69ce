"""The statistics report's pure figures: audiences by the alliance's vocabulary, outcomes apart."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from shuxiang.alliance import load_demo_alliance
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.stats.figures import figures, items_of

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
