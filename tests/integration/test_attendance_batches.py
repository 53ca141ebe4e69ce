"""Attendance reports kept a batch at a time (services/attendance.py): the latest report of each
announcement wins by stream sequence, within a batch and against what is stored, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from shuxiang.db import Databases
from shuxiang.schemas import AttendanceReport
from shuxiang.services.quotas.store import REPORTS
from shuxiang.services.quotas.tables import TABLES, quotas_report, quotas_source

NOW = datetime(2026, 4, 23, tzinfo=UTC)


def report(ref: str, held: bool, participants: int, library_id: str = "jn") -> AttendanceReport:
    return AttendanceReport(library_id=library_id, source_ref=ref, held=held, participants=participants)


def test_the_latest_report_of_each_announcement_is_kept_and_what_changed_is_returned(databases: Databases) -> None:
    databases.create_tables("quotas", TABLES)
    engine = databases.engine("quotas")
    with engine.begin() as connection:
        connection.execute(quotas_source.delete())
        connection.execute(quotas_report.delete())
        connection.execute(
            quotas_source.insert(),
            [
                {"activity_id": "A", "library_id": "jn", "source_ref": "a", "updated_at": NOW},
                {"activity_id": "A", "library_id": "tz", "source_ref": "a-co", "updated_at": NOW},
                {"activity_id": "B", "library_id": "jn", "source_ref": "b", "updated_at": NOW},
            ],
        )

    def kept() -> dict:
        with engine.connect() as connection:
            rows = connection.execute(quotas_report.select()).mappings()
            return {(r["library_id"], r["source_ref"]): (r["held"], r["participants"], r["stream_seq"]) for r in rows}

    with engine.begin() as connection:  # one batch: two reports of "a" (the later wins) and one of "b"
        changed = REPORTS.store_latest(
            connection, [(report("a", True, 40), 5), (report("b", True, 9), 6), (report("a", False, 0), 7)]
        )
        assert sorted(changed) == [("jn", "a"), ("jn", "b")]
        assert REPORTS.activities_listing(connection, changed) == {"A", "B"}
    assert kept() == {("jn", "a"): (False, 0, 7), ("jn", "b"): (True, 9, 6)}

    with engine.begin() as connection:  # a redelivery, and a report older than the kept one
        assert REPORTS.store_latest(connection, [(report("a", False, 0), 7), (report("a", True, 55), 6)]) == set()
    assert kept()[("jn", "a")] == (False, 0, 7)

    with engine.begin() as connection:  # a newer report of "a" and a first one of the co-host's "a-co"
        changed = REPORTS.store_latest(
            connection, [(report("a", True, 60), 9), (report("a-co", True, 61, library_id="tz"), 8)]
        )
        assert sorted(changed) == [("jn", "a"), ("tz", "a-co")]
        assert REPORTS.activities_listing(connection, changed) == {"A"}
        assert REPORTS.of_activities(connection, ["A", "B"]) == {"A": (True, 61), "B": (True, 9)}
        assert REPORTS.store_latest(connection, []) == set()
        assert REPORTS.activities_listing(connection, []) == set()
    assert kept() == {("jn", "a"): (True, 60, 9), ("jn", "b"): (True, 9, 6), ("tz", "a-co"): (True, 61, 8)}
