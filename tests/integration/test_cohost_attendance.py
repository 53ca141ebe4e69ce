"""A co-host's own announcement of an activity the host's announcement already credits it in
changes nothing visible; its attendance report, which names the co-host's own source_ref, must
still reach the activity in the quotas and in the statistics (real SQLite: the dedup, quotas and
statistics consumers, the canonical events as dedup's outbox holds them)."""

from __future__ import annotations

from pathlib import Path

from shuxiang.alliance import parse_alliance
from shuxiang.db import Databases
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import AttendanceReport
from shuxiang.services.quotas.report import quota_report
from shuxiang.services.quotas.store import attendance_by_activity
from shuxiang.services.quotas.tables import TABLES as QUOTA_TABLES
from shuxiang.services.stats.report import stats_report
from tests.conftest import TEST_ALLIANCE

from .dedup_support import DedupRig, announcement
from .test_stats_report import NOW, reported, run

RULES = """
[[quota_rules]]
id = "lectures"
name = "讲座"
counts = { category = ["lecture"] }
roles = ["host", "organiser", "co_organiser", "participant"]
minimum = 1

[[quota_rules]]
id = "visitors"
name = "活动到馆人次"
measure = "participants"
minimum = 1
"""
COHOSTS = [("jn", "host"), ("tz", "co_host")]


def test_a_cohosts_report_for_its_own_announcement_is_counted_by_quotas_and_statistics(tmp_path: Path) -> None:
    alliance = parse_alliance(TEST_ALLIANCE.read_text(encoding="utf-8") + RULES)
    (tmp_path / "db").mkdir()
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3", alliance=alliance)
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
    bodies = [
        announcement("jn", "j1", organizers=COHOSTS),  # held: the co-host counted 80 people
        announcement("tz", "t1", organizers=COHOSTS),
        announcement("jn", "j2", title="讲座：书法与篆刻", day=12, organizers=COHOSTS),  # called off (未举办)
        announcement("tz", "t2", title="讲座：书法与篆刻", day=12, organizers=COHOSTS),
    ]
    # only the co-host reports, each time for its own announcement
    reports = [
        AttendanceReport(library_id="tz", source_ref="t1", held=True, participants=80),
        AttendanceReport(library_id="tz", source_ref="t2", held=False, participants=0),
    ]
    try:
        run(databases, rig, bodies, reports, alliance=alliance)
        activities = {a["title"]: a for a in rig.activities()}
        assert len(activities) == 2, "each pair of announcements is one activity"
        held, called_off = activities["沽上讲堂：津沽方言漫谈"], activities["讲座：书法与篆刻"]
        assert {s["source_ref"] for s in held["sources"]} == {"j1", "t1"}

        # quotas: the attendance it keeps, what counts under a rule, the people
        attendance = attendance_by_activity(databases.engine("quotas"))
        assert attendance[held["id"]] == (True, 80)
        assert attendance[called_off["id"]] == (False, 0)
        libraries = {
            lib.member.id: lib for lib in quota_report(databases.engine("quotas"), alliance, 2026, NOW).libraries
        }
        for library_id in ("jn", "tz"):
            rules = {p.rule.id: p for p in libraries[library_id].rules}
            assert rules["lectures"].count == 1, library_id  # the one reported 未举办 does not count
        assert {p.rule.id: p for p in libraries["jn"].rules}["visitors"].count == 80

        # statistics
        figures = reported(stats_report(databases, alliance, NOW, year=2026))
        assert figures["outcomes"] == {"held": 1, "not_held": 1}
        assert figures["participants"] == 80
    finally:
        rig.close()
        databases.dispose()
