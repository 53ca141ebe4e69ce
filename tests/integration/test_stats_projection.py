"""The statistics service's projection: the figures its aggregates give (services/stats/store.py)
equal those :mod:`services.stats.figures` computes from the canonical activities themselves, on a
varied generated log run through the real dedup, quotas and statistics handlers — series across
New Year (one whose first sessions are excluded), co-hosts (v1 co_host too), cancellations, reports
of not held, reports that come before their activity, revisions that move an activity to another
year, a merge that retires an id, audiences by the alliance's vocabulary, partners, brands,
campaigns and readers' ratings; for the alliance, subtrees, a member alone, a year and a plan
period, on SQLite and PostgreSQL.  And the report reads the reference computation until the rows
are derived under the alliance's time zone and vocabulary."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

from shuxiang.alliance import Alliance, parse_alliance
from shuxiang.db import Databases
from shuxiang.events.consumer import ConsumerSpec, Delivery, Outcome, process_batch
from shuxiang.events.streams import CANONICAL_STREAM, SUBMISSIONS_STREAM
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import AttendanceReport
from shuxiang.services.plan import ServiceContext
from shuxiang.services.quotas.handlers import QuotasContext
from shuxiang.services.quotas.handlers import apply_canonicals as quotas_canonicals
from shuxiang.services.quotas.handlers import apply_reports as quotas_reports
from shuxiang.services.quotas.tables import TABLES as QUOTA_TABLES
from shuxiang.services.stats import report as stats_report_module
from shuxiang.services.stats.handlers import KEPT, derivation_basis
from shuxiang.services.stats.report import reference_figures, stats_report
from shuxiang.services.stats.service import NAME as STATS
from shuxiang.services.stats.service import REPORTS_CONSUMER, build
from shuxiang.services.stats.store import stored_figures
from shuxiang.services.stats.tables import TABLES as STATS_TABLES
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE

from .dedup_support import DedupRig, announcement

EXTRA = """
[[audiences]]
id = "children"
name = "少年儿童"
aliases = ["少儿", "亲子"]

[[audiences]]
id = "elderly"
name = "老年读者"
aliases = ["老年人"]

[[audiences]]
id = "school"
name = "进学校"
kind = "outreach"
aliases = ["实验小学"]

[[plan_periods]]
id = "p"
name = "测试规划"
first_year = 2025
last_year = 2026
"""
NOW = datetime(2027, 3, 1, tzinfo=UTC)
LIBRARIES = ["central", "jn", "jn-b1", "jn-b2", "jn-sp1", "tz"]
ROLES = ["organiser", "co_organiser", "co_host", "participant"]
STARTS = [
    "2024-12-31T23:30:00+08:00",
    "2025-06-01T10:00:00+08:00",
    "2025-12-31T16:30:00+00:00",  # 2026 in Shanghai
    "2026-03-14T14:00:00+08:00",
    "2026-04-23T09:00:00+08:00",
    "2026-12-24T19:00:00+08:00",  # a weekly series from here runs into 2027
    "2026-12-31T16:30:00+00:00",  # 2027 in Shanghai
    "2027-02-01T10:00:00+08:00",
]
AUDIENCES = [None, "少年儿童", "亲子家庭", "老年读者及少儿", "社会公众", " 社会公众 "]
SCOPES = [None, "jn", "jn-b1", "tz"]
PERIODS = [[[2026], [2025]], [[2027], [2026]], [[2025, 2026], [2023, 2024]], [[2024], [2023]]]


def generated_log(seed: int) -> tuple[list[dict], list[AttendanceReport]]:
    """Announcements in log order (with their revisions) and attendance reports."""
    rng = random.Random(seed)
    bodies: list[dict] = []
    reports: list[AttendanceReport] = []
    for index in range(40):
        library = rng.choice(LIBRARIES)
        start = datetime.fromisoformat(rng.choice(STARTS)) + timedelta(minutes=7 * index)
        body = {
            "library_id": library,
            "source_ref": f"r{index}",
            "revision": 1,
            "title": f"第{index}号活动：{'甲乙丙丁戊己庚辛壬癸'[index % 10]}",
            "category": rng.choice(["lecture", "children", "training", "outreach", "exhibition"]),
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "venue": {"name": f"{index}号厅"},
        }
        others = rng.sample([lib for lib in LIBRARIES if lib != library], rng.choice([0, 0, 1, 2]))
        if others:
            body["organizers"] = [{"library_id": lib, "role": rng.choice(ROLES)} for lib in others]
        if rng.random() < 0.3:
            body["recurrence"] = f"FREQ=WEEKLY;COUNT={rng.randint(2, 6)}"
            if rng.random() < 0.4:  # the first sessions excluded: its year is its first session's
                body["exdates"] = [(start + timedelta(weeks=k)).isoformat() for k in range(rng.randint(1, 2))]
        if rng.random() < 0.3:
            body["brand_id"] = "gushang"
        if start.year == 2026 and start.month == 4 and rng.random() < 0.5:
            body["campaign_id"] = "reading-month"
        if (audience := rng.choice(AUDIENCES)) is not None:
            body["audience"] = audience
        if rng.random() < 0.3:
            body["partners"] = rng.sample(["实验小学", "社科联", "科协", "第一中学"], rng.randint(1, 2))
        bodies.append(body)
        change = rng.random()
        if change < 0.15:
            bodies.append({**body, "revision": 2, "status": "cancelled"})
        elif change < 0.35:  # moved to another year
            moved = start + timedelta(days=rng.choice([-400, -200, 200, 370]))
            bodies.append(
                {
                    **body,
                    "revision": 2,
                    "starts_at": moved.isoformat(),
                    "ends_at": (moved + timedelta(hours=1)).isoformat(),
                    "exdates": [],
                }
            )
        for _ in range(rng.choice([0, 0, 1, 2])):
            held = rng.random() < 0.7
            reporter, ref = library, f"r{index}"
            reports.append(
                AttendanceReport(
                    library_id=reporter,
                    source_ref=ref,
                    held=held,
                    participants=rng.randint(1, 300) if held else 0,
                )
            )
    # three announcements of one activity: the third connects the first two, and the younger id retires
    bodies += [
        announcement("jn", "j1", hour=14, minute=0, brand_id="gushang", audience="少儿"),
        announcement(
            "tz",
            "t1",
            title="【联盟活动】沽上讲堂：津沽方言漫谈",
            hour=15,
            minute=40,
            venue={"name": "津南区图书馆报告厅"},
        ),
        announcement("jn-b1", "b1", title="津沽方言漫谈（报名中）", hour=14, minute=50, venue={"name": "区馆报告厅"}),
    ]
    reports += [
        AttendanceReport(library_id="tz", source_ref="t1", held=True, participants=80),
        AttendanceReport(library_id="jn", source_ref="j1", held=True, participants=120),
    ]
    return bodies, reports


def canonical_deliveries(rig: DedupRig) -> list[Delivery]:
    return [
        Delivery(
            f"shuxiang.canonical.{kind}",
            json.dumps(event).encode(),
            {"Nats-Msg-Id": f"canon:{event['activity']['id']}:{event['activity']['version']}"},
            seq,
            datetime(2026, 3, 1, tzinfo=UTC) + timedelta(seconds=seq),
        )
        for seq, (kind, event) in enumerate(rig.events(), start=1)
    ]


def report_deliveries(reports: list[AttendanceReport]) -> list[Delivery]:
    return [
        Delivery(
            f"shuxiang.activity.reported.{r.library_id}",
            r.model_dump_json().encode(),
            {"Nats-Msg-Id": f"{r.message_id()}:{seq}"},
            seq,
            datetime(2027, 1, 1, tzinfo=UTC) + timedelta(seconds=seq),
        )
        for seq, r in enumerate(reports, start=1)
    ]


def project(databases: Databases, alliance: Alliance, rig: DedupRig, reports: list[AttendanceReport], seed: int):
    """The quotas service (the reference's attendance) and the statistics service, fed the same
    canonical events in batches of varied sizes, with some reports before the activities they
    name and the rest after, a batch delivered twice."""
    rng = random.Random(seed)
    events, reported = canonical_deliveries(rig), report_deliveries(reports)
    early = [d for d in reported if rng.random() < 0.4]
    late = [d for d in reported if d not in early]
    quotas = QuotasContext(alliance)
    specs = {
        "quotas": (
            ConsumerSpec(
                "quotas", CANONICAL_STREAM, "shuxiang.canonical.*", handle_batch=partial(quotas_canonicals, quotas)
            ),
            ConsumerSpec(
                "quotas_reports",
                SUBMISSIONS_STREAM,
                "shuxiang.activity.reported.*",
                handle_batch=partial(quotas_reports, quotas),
            ),
        )
    }
    plan = build(ServiceContext(Settings(data_dir=databases.data_dir), alliance, databases))
    consumers = {spec.name: spec for spec in plan.consumers}
    specs[STATS] = (consumers[STATS], consumers[REPORTS_CONSUMER])
    databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
    databases.create_tables(STATS, STATS_TABLES + EVENT_TABLES)
    for service, (canonical, reporting) in specs.items():
        engine = databases.engine(service)
        for delivery in early:
            assert process_batch(reporting, engine, [delivery]) == [Outcome.ACK]
        first = 0
        while first < len(events):
            size = rng.randint(1, 12)
            batch = events[first : first + size]
            assert set(process_batch(canonical, engine, batch)) <= {Outcome.ACK}
            if rng.random() < 0.2:
                assert set(process_batch(canonical, engine, batch)) <= {Outcome.ACK}  # a redelivery
            first += size
        for delivery in late:
            assert process_batch(reporting, engine, [delivery]) == [Outcome.ACK]


def compare(databases: Databases, alliance: Alliance, rig: DedupRig, seed: int) -> int:
    """Every scope and period: the stored figures equal the reference's; returns the comparisons."""
    rng = random.Random(seed)
    ids = [a["id"] for a in rig.activities()]
    ratings = {i: (n, rng.randint(0, n)) for i in rng.sample(ids, len(ids) // 3) if (n := rng.randint(0, 5))}
    compared = 0
    with databases.reader(STATS).connect() as connection:
        assert KEPT.stored(connection) == derivation_basis(alliance)
        for scope_id in SCOPES:
            for scope in (None,) if scope_id is None else (set(alliance.subtree(scope_id)), {scope_id}):
                for periods in PERIODS:
                    stored = stored_figures(connection, scope, periods, ratings)
                    reference = reference_figures(databases, alliance, scope, periods, ratings)
                    assert stored == reference, (scope_id, scope, periods)
                    compared += 1
    return compared


def check_the_log_is_varied(rig: DedupRig, databases: Databases, alliance: Alliance) -> None:
    """What the test claims to cover is in the log."""
    events = [e["activity"] for _, e in rig.events()]
    assert any(a.get("merged_into") and not a["sources"] for a in events), "a merge that retires an id"
    figures = reference_figures(databases, alliance, None, [[2024, 2025, 2026, 2027], [2020]], {})[0]
    assert figures.outcomes["cancelled"] and figures.outcomes["not_held"] and figures.outcomes["held"]
    assert figures.co_hosted and figures.brand_sessions and figures.by_partner
    assert {"children", "elderly"} <= set(figures.by_audience)
    assert any(a.get("recurrence") and a.get("exdates") for a in events)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sqlite_the_stored_figures_equal_the_reference(tmp_path: Path, seed: int) -> None:
    alliance = parse_alliance(TEST_ALLIANCE.read_text(encoding="utf-8") + EXTRA)
    (tmp_path / "db").mkdir()
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3", alliance=alliance)
    databases = Databases(data_dir=tmp_path)
    try:
        bodies, reports = generated_log(seed)
        rig.submit(*bodies)
        project(databases, alliance, rig, reports, seed)
        check_the_log_is_varied(rig, databases, alliance)
        assert compare(databases, alliance, rig, seed) == len(PERIODS) * 7
    finally:
        rig.close()
        databases.dispose()


@pytest.mark.postgres
def test_postgresql_the_stored_figures_equal_the_reference(postgres_url: str, tmp_path: Path) -> None:
    alliance = parse_alliance(TEST_ALLIANCE.read_text(encoding="utf-8") + EXTRA)
    rig = DedupRig(None, alliance=alliance, database_url=postgres_url)
    databases = Databases(data_dir=tmp_path, database_url=postgres_url)
    try:
        bodies, reports = generated_log(4)
        rig.submit(*bodies)
        project(databases, alliance, rig, reports, 4)
        check_the_log_is_varied(rig, databases, alliance)
        compare(databases, alliance, rig, 4)
    finally:
        rig.close()
        databases.dispose()


def test_the_report_reads_the_reference_until_the_rows_are_derived_under_the_alliance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No rows derived yet (an upgraded data dir), or derived under another vocabulary: the figures
    come from the activities; once derived under the alliance's, from the rows."""
    alliance = parse_alliance(TEST_ALLIANCE.read_text(encoding="utf-8") + EXTRA)
    (tmp_path / "db").mkdir()
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3", alliance=alliance)
    databases = Databases(data_dir=tmp_path)
    calls: list[str] = []
    reference = stats_report_module.reference_figures

    def counting(*args, **kwargs):
        calls.append("reference")
        return reference(*args, **kwargs)

    monkeypatch.setattr(stats_report_module, "reference_figures", counting)
    try:
        bodies, reports = generated_log(5)
        rig.submit(*bodies)
        databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
        before = stats_report(databases, alliance, NOW, year=2026)  # no stats database at all yet
        assert calls == ["reference"]
        project(databases, alliance, rig, reports, 5)
        derived = stats_report(databases, alliance, NOW, year=2026)
        assert calls == ["reference"] and derived.figures.outcomes["unreported"] + derived.figures.outcomes["held"]
        assert before.figures.activities and before.figures.outcomes["held"] == 0  # no report stored yet
        other = parse_alliance(TEST_ALLIANCE.read_text(encoding="utf-8") + EXTRA.replace("老年人", "长者"))
        again = stats_report(databases, other, NOW, year=2026)  # another vocabulary: not what the rows hold
        assert calls == ["reference", "reference"]
        assert again.as_dict()["views"] == stats_report(databases, alliance, NOW, year=2026).as_dict()["views"]
    finally:
        rig.close()
        databases.dispose()
