"""The annual statistics report on real databases: every figure equals a recount from the canonical
activities (hypothesis, SQLite and PostgreSQL) — year boundaries in China Standard Time, roles (v1
co_host read as 协办), activities reported not held and cancelled ones, weekly series across New Year,
brand sessions; and the CLI in every format, the XLSX read back with openpyxl."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuxiang.alliance import Alliance, load_alliance, parse_alliance
from shuxiang.cli import main
from shuxiang.db import Databases, make_engine, metadata
from shuxiang.events.consumer import ConsumerSpec, Delivery, Outcome, UnitOfWork, process_batch
from shuxiang.events.streams import CANONICAL_STREAM, SUBMISSIONS_STREAM
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.i18n import gettext
from shuxiang.schemas import AttendanceReport
from shuxiang.services.dedup.tables import TABLES as DEDUP_TABLES
from shuxiang.services.plan import ServiceContext
from shuxiang.services.quotas.handlers import QuotasContext, apply_canonicals, apply_reports
from shuxiang.services.quotas.tables import TABLES as QUOTA_TABLES
from shuxiang.services.stats.output import sheet_title
from shuxiang.services.stats.report import stats_report
from shuxiang.services.stats.service import NAME as STATS
from shuxiang.services.stats.service import REPORTS_CONSUMER as STATS_REPORTS
from shuxiang.services.stats.service import build as build_stats
from shuxiang.services.stats.tables import TABLES as STATS_TABLES
from shuxiang.services.stats.tables import stats_basis
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE

from .dedup_support import DedupRig

ALLIANCE = load_alliance(TEST_ALLIANCE)
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 3, 1, tzinfo=UTC)
LIBRARIES = ["central", "jn", "jn-b1", "jn-b2", "jn-sp1", "tz"]
ROLES = ["organiser", "co_organiser", "co_host", "participant"]
INSTANTS = [
    "2025-12-31T23:30:00+08:00",  # 2025 in Shanghai
    "2025-12-31T16:30:00+00:00",  # 2026-01-01 00:30 in Shanghai
    "2026-04-23T14:00:00+08:00",
    "2026-06-30T16:30:00+00:00",  # 1 July in Shanghai
    "2026-12-24T19:00:00+08:00",  # a weekly series from here runs into 2027
    "2026-12-31T16:30:00+00:00",  # 2027 in Shanghai
]
CATEGORIES = ["lecture", "children", "training", "outreach"]
AUDIENCES = [None, "少年儿童", "老年读者", "农民工"]


@st.composite
def logs(draw) -> tuple[list[dict], list[AttendanceReport]]:
    """Announcements (some cancelled by a second revision) and attendance reports."""
    bodies, reports = [], []
    for index in range(draw(st.integers(1, 10))):
        library = draw(st.sampled_from(LIBRARIES))
        start = datetime.fromisoformat(draw(st.sampled_from(INSTANTS)))
        others = draw(st.lists(st.sampled_from([lib for lib in LIBRARIES if lib != library]), max_size=2, unique=True))
        body = {
            "library_id": library,
            "source_ref": f"r{index}",
            "revision": 1,
            "title": f"第{index}号活动：{'甲乙丙丁戊己庚辛壬癸'[index]}",
            "category": draw(st.sampled_from(CATEGORIES)),
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "venue": {"name": f"{index}号厅"},
            "organizers": [{"library_id": lib, "role": draw(st.sampled_from(ROLES))} for lib in others],
        }
        if draw(st.booleans()):
            body["recurrence"] = "FREQ=WEEKLY;COUNT=3"
        if draw(st.booleans()):
            body["brand_id"] = "gushang"
        audience = draw(st.sampled_from(AUDIENCES))
        if audience:
            body["audience"] = audience
        bodies.append(body)
        if draw(st.integers(0, 4)) == 0:
            bodies.append({**body, "revision": 2, "status": "cancelled"})
        for _ in range(draw(st.integers(0, 2))):
            held = draw(st.booleans())
            reports.append(
                AttendanceReport(
                    library_id=library,
                    source_ref=f"r{index}",
                    held=held,
                    participants=draw(st.integers(1, 500)) if held else 0,
                )
            )
    return bodies, reports


# -- the recount, from the canonical activities and the reports, written from the rules' meaning ----------


def recount(activities: list[dict], reports: list[AttendanceReport], scope: set[str] | None, years: list[int]):
    latest = {(r.library_id, r.source_ref): r for r in reports}
    found = {
        "outcomes": Counter(),
        "participants": 0,
        "sessions": 0,
        "co_hosted": 0,
        "brand_sessions": 0,
        "role": Counter(),
        "month": Counter(),
        "category": Counter(),
        "library": Counter(),
        "audience": Counter(),
    }
    for a in activities:
        start = datetime.fromisoformat(a["starts_at"]).astimezone(SHANGHAI)
        if start.year not in years:
            continue
        credited = {o["library_id"]: o["role"] for o in a["organizers"]}
        mine = {lib: role for lib, role in credited.items() if scope is None or lib in scope}
        if not mine:
            continue
        said = [
            latest[(s["library_id"], s["source_ref"])]
            for s in a["sources"]
            if (s["library_id"], s["source_ref"]) in latest
        ]
        if a["status"] == "cancelled":
            outcome = "cancelled"
        elif not said:
            outcome = "unreported"
        else:
            outcome = "held" if any(r.held for r in said) else "not_held"
        found["outcomes"][outcome] += 1
        if outcome not in ("held", "unreported"):
            continue
        people = max((r.participants for r in said), default=0)
        found["participants"] += people
        found["co_hosted"] += len(credited) > 1
        found["month"][start.month] += 1
        found["category"][a["category"]] += 1
        found["audience"][a.get("audience") or ""] += 1
        for library, role in mine.items():
            found["role"][role] += 1
            found["library"][library] += 1
        sessions = [start + timedelta(weeks=k) for k in range(3 if a.get("recurrence") else 1)]
        in_year = sum(1 for s in sessions if s.year == start.year)
        found["sessions"] += in_year  # 场次: a weekly series' sessions, not the series once
        if a.get("brand_id") == "gushang" and "jn" in {s["library_id"] for s in a["sources"]}:
            found["brand_sessions"] += in_year  # 沽上讲堂 is Jinnan's: only its own announcement adds to it
    return found


def reported(report) -> dict:
    def column(view_id: str, key: str, value: str) -> Counter:
        return Counter({row[key]: row[value] for row in report.view(view_id).as_dicts() if row[value]})

    summary = {row["metric"]: row["value"] for row in report.view("summary").as_dicts()}
    return {
        "outcomes": Counter({k: summary[k] for k in ("held", "unreported", "not_held", "cancelled") if summary[k]}),
        "participants": summary["participants"],
        "sessions": summary["sessions"],
        "co_hosted": summary["co_hosted"],
        "brand_sessions": summary["brand_sessions"],
        "role": column("role", "role", "credits"),
        "month": column("month", "month", "activities"),
        "category": column("category", "category", "activities"),
        "library": column("library", "library", "activities"),
        "audience": column("audience", "audience", "activities"),
    }


# -- running it through the services ---------------------------------------------------------------


def run(
    databases: Databases,
    rig: DedupRig,
    bodies: list[dict],
    reports: list[AttendanceReport],
    *,
    alliance: Alliance = ALLIANCE,
) -> None:
    rig.submit(*bodies)
    context = QuotasContext(alliance)
    canonical = ConsumerSpec(
        name="quotas",
        stream=CANONICAL_STREAM,
        filter_subject="shuxiang.canonical.*",
        handle_batch=partial(apply_canonicals, context),
    )
    reporting = ConsumerSpec(
        name="quotas_reports",
        stream=SUBMISSIONS_STREAM,
        filter_subject="shuxiang.activity.reported.*",
        handle_batch=partial(apply_reports, context),
    )
    engine = databases.engine("quotas")
    events = [
        Delivery(
            f"shuxiang.canonical.{kind}",
            json.dumps(event).encode(),
            {"Nats-Msg-Id": f"canon:{event['activity']['id']}:{event['activity']['version']}"},
            seq,
            NOW,
        )
        for seq, (kind, event) in enumerate(rig.events(), start=1)
    ]
    deliveries = [
        Delivery(
            f"shuxiang.activity.reported.{r.library_id}",
            r.model_dump_json().encode(),
            {"Nats-Msg-Id": f"{r.message_id()}:{seq}"},
            seq,
            NOW,
        )
        for seq, r in enumerate(reports, start=1)
    ]
    assert set(process_batch(canonical, engine, events)) <= {Outcome.ACK}
    for delivery in deliveries:
        assert process_batch(reporting, engine, [delivery]) == [Outcome.ACK]
    # the statistics service's own projection of the same events
    databases.create_tables(STATS, STATS_TABLES + EVENT_TABLES)
    stats = {
        spec.name: spec
        for spec in build_stats(ServiceContext(Settings(data_dir=databases.data_dir), alliance, databases)).consumers
    }
    engine = databases.engine(STATS)
    assert set(process_batch(stats[STATS], engine, events)) <= {Outcome.ACK}
    for delivery in deliveries:
        assert process_batch(stats[STATS_REPORTS], engine, [delivery]) == [Outcome.ACK]


def check(databases: Databases, rig: DedupRig, reports: list[AttendanceReport]) -> None:
    activities = rig.activities()
    for scope_id in (None, "jn", "jn-b1"):
        scope = None if scope_id is None else set(ALLIANCE.subtree(scope_id))
        for year in (2025, 2026, 2027):
            report = stats_report(databases, ALLIANCE, NOW, year=year, library=scope_id)
            assert reported(report) == recount(activities, reports, scope, [year]), (scope_id, year)
            before = {row["metric"]: row["previous"] for row in report.view("summary").as_dicts()}
            assert before["activities"] == sum(
                recount(activities, reports, scope, [year - 1])["outcomes"][o] for o in ("held", "unreported")
            )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(log=logs())
def test_sqlite_every_figure_equals_a_recount(log) -> None:
    bodies, reports = log
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "db").mkdir()
        rig = DedupRig(Path(directory) / "db" / "dedup.sqlite3", alliance=ALLIANCE)
        databases = Databases(data_dir=Path(directory))
        databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
        try:
            run(databases, rig, bodies, reports)
            check(databases, rig, reports)
        finally:
            rig.close()
            databases.dispose()


@pytest.mark.postgres
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(log=logs())
def test_postgresql_every_figure_equals_a_recount(postgres_url: str, log) -> None:
    bodies, reports = log
    tables = list(DEDUP_TABLES + QUOTA_TABLES + STATS_TABLES + EVENT_TABLES)
    engine = make_engine(postgres_url)
    metadata.drop_all(engine, tables=tables)
    engine.dispose()
    rig = DedupRig(None, alliance=ALLIANCE, database_url=postgres_url)
    with tempfile.TemporaryDirectory() as directory:
        databases = Databases(data_dir=Path(directory), database_url=postgres_url)
        databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
        try:
            run(databases, rig, bodies, reports)
            check(databases, rig, reports)
        finally:
            rig.close()
            databases.dispose()


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 0, 1), (0, 2, 1)])
def test_a_session_reported_on_its_own_is_its_own_attendance(tmp_path: Path, order: tuple[int, ...]) -> None:
    """A branch's weekly story hour reported session by session (10-03 held, 10 people; 10-10 not
    held; 10-17 held, 12): the series was held and 22 came, whatever the order of the reports (the
    last report used to stand for the whole series: 12 people, or the series not held), in the
    stored rows and in the reference computation alike."""
    (tmp_path / "db").mkdir()
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3", alliance=ALLIANCE)
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
    start = datetime(2026, 10, 3, 15, tzinfo=SHANGHAI)
    body = {
        "library_id": "jn-b1",
        "source_ref": "story",
        "title": "周末故事会",
        "category": "children",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "recurrence": "FREQ=WEEKLY;COUNT=3",
        "venue": {"name": "少儿阅览室"},
    }
    said = [(start, True, 10), (start + timedelta(weeks=1), False, 0), (start + timedelta(weeks=2), True, 12)]
    reports = [
        AttendanceReport(library_id="jn-b1", source_ref="story", recurrence_id=when, held=held, participants=people)
        for when, held, people in (said[i] for i in order)
    ]
    run(databases, rig, [body], reports)
    for reference in (False, True):
        if reference:  # as the report computes while the rows are not derived under the alliance
            with databases.engine(STATS).begin() as connection:
                connection.execute(stats_basis.update().values(basis="other"))
        summary = {
            row["metric"]: row["value"]
            for row in stats_report(databases, ALLIANCE, NOW, year=2026).view("summary").as_dicts()
        }
        assert (summary["held"], summary["not_held"], summary["participants"]) == (1, 0, 22), reference
    rig.close()
    databases.dispose()


def test_the_cli_in_every_format_and_the_xlsx_read_back(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "alliance.toml").write_bytes(TEST_ALLIANCE.read_bytes())
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3", alliance=ALLIANCE)
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
    bodies = [
        {
            "library_id": "jn",
            "source_ref": "a",
            "title": "沽上讲堂：津沽方言",
            "category": "lecture",
            "brand_id": "gushang",
            "starts_at": "2026-04-23T14:00:00+08:00",
            "ends_at": "2026-04-23T16:00:00+08:00",
            "venue": {"name": "报告厅"},
            "organizers": [{"library_id": "jn-b1", "role": "organiser"}, {"library_id": "tz", "role": "co_organiser"}],
        },
        {
            "library_id": "jn",
            "source_ref": "b",
            "title": "启动仪式",
            "category": "festival",
            "starts_at": "2026-04-01T09:00:00+08:00",
            "ends_at": "2026-04-01T10:00:00+08:00",
            "venue": {"name": "广场"},
        },
    ]
    reports = [
        AttendanceReport(library_id="jn", source_ref="a", held=True, participants=120),
        AttendanceReport(library_id="jn", source_ref="b", held=False, participants=0, notes="因天气原因未能举办"),
    ]
    run(databases, rig, bodies, reports)
    rig.close()
    databases.dispose()

    def cli(*args):
        result = CliRunner().invoke(main, ["stats", "report", "--data-dir", str(tmp_path), *args])
        assert result.exit_code == 0, result.output
        return result

    data = json.loads(cli("--year", "2026", "--format", "json").output)
    summary = {row["metric"]: row for row in data["views"]["summary"]["rows"]}
    assert (summary["activities"]["value"], summary["not_held"]["value"], summary["participants"]["value"]) == (
        1,
        1,
        120,
    )
    roles = {row["role"]: row["credits"] for row in data["views"]["role"]["rows"]}
    assert roles == {"host": 1, "organiser": 1, "co_organiser": 1, "participant": 0}  # 承办 apart from 协办
    table = cli("--year", "2026").output
    assert "未举办（不计入）" in table and "承办" in table and "协办" in table
    csv_text = cli("--year", "2026", "--format", "csv", "--library", "jn-b1").output
    assert "2026,jn-b1,role,organiser,承办,credits,1" in csv_text and not csv_text.startswith("\ufeff")
    # a file for Excel on a Chinese Windows starts with the byte order mark (else mojibake); a
    # directory that is not there is said, not a traceback
    cli("--year", "2026", "--format", "csv", "-o", str(tmp_path / "report.csv"))
    assert (tmp_path / "report.csv").read_bytes().startswith(b"\xef\xbb\xbfyears,scope,view")
    for fmt in ("csv", "xlsx"):
        missing = CliRunner().invoke(
            main, ["stats", "report", "--data-dir", str(tmp_path), "--format", fmt, "-o", str(tmp_path / "no" / "x")]
        )
        assert missing.exit_code == 1 and "cannot write" in missing.output
        assert isinstance(missing.exception, SystemExit)  # said, not raised
    subtree = json.loads(cli("--year", "2026", "--format", "json", "--library", "jn").output)
    alone = json.loads(cli("--year", "2026", "--format", "json", "--library", "jn", "--no-subtree").output)
    assert {r["role"]: r["credits"] for r in subtree["views"]["role"]["rows"]}["organiser"] == 1  # jn-b1 is under jn
    assert {r["role"]: r["credits"] for r in alone["views"]["role"]["rows"]}["organiser"] == 0
    assert alone["scope_name"] == "津南区图书馆（本馆）"
    out = tmp_path / "report.xlsx"
    cli("--year", "2026", "--format", "xlsx", "-o", str(out))
    book = openpyxl.load_workbook(out)
    # the sheets are named as the views are titled, in the report's language (they were summary, category, …)
    assert book.sheetnames[:3] == ["总览", "按类别", "按服务对象"] and "年度指标完成情况" in book.sheetnames
    rows = list(
        book[sheet_title(gettext("zh-CN", "By role (once per library and activity)"))].iter_rows(
            min_row=3, values_only=True
        )
    )
    assert ("organiser", "承办", 1, 120) in rows and ("co_organiser", "协办", 1, 120) in rows
    assert book["总览"]["A1"].value.startswith("测试阅读推广联盟 · 2026")
    english = tmp_path / "report-en.xlsx"
    cli("--year", "2026", "--format", "xlsx", "--lang", "en", "-o", str(english))
    assert openpyxl.load_workbook(english).sheetnames[:3] == ["Summary", "By category", "By audience"]

    bad = CliRunner().invoke(main, ["stats", "report", "--data-dir", str(tmp_path), "--period", "nope"])
    assert bad.exit_code == 1 and 'no plan period "nope"' in bad.output and "Traceback" not in bad.output


QUOTA_RULES = """
[[quota_rules]]
id = "featured-monthly"
name = "每月一个特色活动"
counts = { featured = true }
per = "month"
minimum = 1
applies_to = { libraries = ["jn", "tz"] }

[[quota_rules]]
id = "lectures"
name = "讲座4场以上"
counts = { category = ["lecture"] }
minimum = 4
applies_to = { libraries = ["jn", "tz"] }

[[plan_periods]]
id = "two-years"
name = "两年"
first_year = 2025
last_year = 2026
"""


def test_each_quota_row_of_the_csv_has_its_own_key(tmp_path: Path) -> None:
    """`stats report --format csv` wrote the quotas view keyed by the year, named by the library:
    `2026,alliance,quotas,2026,长春市图书馆,rule,每月一个特色活动` then `…,attained,11`, so all of a
    library's rules shared (key, name, column) and no pivot could tell them apart.  The key is now
    library/rule (year/library/rule over several years); the JSON and the XLSX carry it too."""
    text = TEST_ALLIANCE.read_text(encoding="utf-8") + QUOTA_RULES
    (tmp_path / "db").mkdir()
    (tmp_path / "alliance.toml").write_text(text, encoding="utf-8")
    alliance = parse_alliance(text)
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3", alliance=alliance)
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
    body = {
        "library_id": "jn",
        "source_ref": "a",
        "title": "沽上讲堂：津沽方言",
        "category": "lecture",
        "featured": True,
        "starts_at": "2026-04-23T14:00:00+08:00",
        "ends_at": "2026-04-23T16:00:00+08:00",
        "venue": {"name": "报告厅"},
    }
    run(databases, rig, [body], [], alliance=alliance)
    rig.close()
    databases.dispose()

    def cli(*args):
        result = CliRunner().invoke(main, ["stats", "report", "--data-dir", str(tmp_path), *args])
        assert result.exit_code == 0, result.output
        return result.output

    rows = [r for r in csv.DictReader(io.StringIO(cli("--year", "2026", "--format", "csv"))) if r["view"] == "quotas"]
    cells = Counter((r["key"], r["column"]) for r in rows)
    assert cells and max(cells.values()) == 1, [cell for cell, n in cells.items() if n > 1]
    by_key = {(r["key"], r["column"]): r["value"] for r in rows}
    assert by_key[("jn/lectures", "attained")] == "1" and by_key[("jn/lectures", "target")] == "4"
    assert by_key[("jn/featured-monthly", "rule")] == "每月一个特色活动"
    assert by_key[("tz/lectures", "library")] == "tz" and by_key[("jn/lectures", "year")] == "2026"
    assert {r["name"] for r in rows if r["key"].startswith("jn/")} == {"津南区图书馆"}
    period = [r for r in csv.DictReader(io.StringIO(cli("--period", "two-years", "--format", "csv")))]
    keys = Counter((r["key"], r["column"]) for r in period if r["view"] == "quotas")
    assert ("2025/jn/lectures", "attained") in keys and ("2026/jn/lectures", "attained") in keys
    assert max(keys.values()) == 1
    data = json.loads(cli("--year", "2026", "--format", "json"))
    quota_rows = {row["id"]: row for row in data["views"]["quotas"]["rows"]}
    assert quota_rows["jn/lectures"]["attained"] == 1 and quota_rows["jn/lectures"]["name"] == "津南区图书馆"
    out = tmp_path / "report.xlsx"
    cli("--year", "2026", "--format", "xlsx", "-o", str(out))
    sheet = openpyxl.load_workbook(out)[sheet_title(gettext("zh-CN", "Quota outcomes"))]
    assert [c.value for c in sheet[2]][:5] == ["编号", "名称", "年度", "馆", "指标"]
    assert ("jn/lectures", "津南区图书馆", 2026, "jn", "讲座4场以上", 1, 4) in [
        row[:7] for row in sheet.iter_rows(min_row=3, values_only=True)
    ]


def test_readers_ratings_reach_the_report_as_a_satisfaction_rate_per_library_and_brand(tmp_path: Path) -> None:
    """满意度 in the report: four registered readers rate a brand lecture (5, 4, 2, 4 → 3 of 4
    satisfied, 75.0 %), through the registrations service's own handlers (sign-up before the
    session, rating after it); the report shows the rate and the 4 ratings it rests on for the
    alliance, each credited library (host jn, co-organiser tz) and the brand — in JSON, the
    terminal table, the XLSX (a percentage cell) and the page; a library without ratings has no
    rate (not 0 %)."""
    from httpx import ASGITransport, AsyncClient

    from shuxiang.schemas import CanonicalEvent
    from shuxiang.schemas.registration import Rating, RegistrationRequest
    from shuxiang.services.registrations.handlers import (
        RegistrationsContext,
        handle_canonicals,
        handle_rated,
        handle_requested,
    )
    from shuxiang.services.registrations.tables import TABLES as REGISTRATION_TABLES
    from shuxiang.services.stats.web import router as stats_router

    (tmp_path / "db").mkdir()
    (tmp_path / "alliance.toml").write_bytes(TEST_ALLIANCE.read_bytes())
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3", alliance=ALLIANCE)
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("quotas", QUOTA_TABLES + EVENT_TABLES)
    databases.create_tables("registrations", REGISTRATION_TABLES + EVENT_TABLES)
    body = {
        "library_id": "jn",
        "source_ref": "talk",
        "title": "沽上讲堂：津沽方言",
        "category": "lecture",
        "brand_id": "gushang",
        "capacity": 30,
        "starts_at": "2026-04-23T14:00:00+08:00",
        "ends_at": "2026-04-23T16:00:00+08:00",
        "venue": {"name": "报告厅"},
        "organizers": [{"library_id": "tz", "role": "co_organiser"}],
    }
    run(databases, rig, [body], [AttendanceReport(library_id="jn", source_ref="talk", held=True, participants=40)])
    here = RegistrationsContext(tz=ALLIANCE.tz)
    engine = databases.engine("registrations")
    seq = 0

    def deliver(handler, subject: str, payload: bytes, at: datetime, batch: bool = False) -> None:
        nonlocal seq
        seq += 1
        delivery = Delivery(subject, payload, {"Nats-Msg-Id": f"m{seq}"}, seq, at)
        with engine.begin() as connection:
            uow = UnitOfWork(connection, "registrations")
            handler(here, [delivery] if batch else delivery, uow)

    for kind, event in rig.events():
        event_at = datetime(2026, 3, 1, tzinfo=UTC)
        payload = CanonicalEvent.model_validate(event).model_dump_json().encode()
        deliver(handle_canonicals, f"shuxiang.canonical.{kind}", payload, event_at, batch=True)
    activity_id = rig.activities()[0]["id"]
    before, after = datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 4, 24, tzinfo=UTC)
    for n, score in enumerate((5, 4, 2, 4)):
        request = RegistrationRequest(
            activity_id=activity_id, name=f"读者{n}", phone=f"1390000000{n}", token=f"{'t' * 40}{n}"
        )
        deliver(handle_requested, "shuxiang.registration.requested.x", request.model_dump_json().encode(), before)
        rating = Rating(activity_id=activity_id, token=request.token, score=score)
        deliver(handle_rated, "shuxiang.registration.rated.x", rating.model_dump_json().encode(), after)
    rig.close()

    report = stats_report(databases, ALLIANCE, NOW, year=2026)
    summary = {row["metric"]: row for row in report.view("summary").as_dicts()}
    assert (summary["rated"]["value"], summary["satisfaction"]["value"]) == (4, 0.75)
    assert summary["satisfaction"]["previous"] is None and summary["satisfaction"]["change"] == "—"
    libraries = {row["library"]: (row["rated"], row["satisfaction"]) for row in report.view("library").as_dicts()}
    assert libraries == {"jn": (4, 0.75), "tz": (4, 0.75)}
    brands = {row["brand"]: (row["rated"], row["satisfaction"]) for row in report.view("brand").as_dicts()}
    assert brands == {"gushang": (4, 0.75)}
    alone = stats_report(databases, ALLIANCE, NOW, year=2026, library="jn-b1")
    assert {row["metric"]: row["value"] for row in alone.view("summary").as_dicts()}["satisfaction"] is None
    assert stats_report(databases, ALLIANCE, NOW, year=2025).figures.rated == 0  # another year: not counted

    def cli(*args):
        result = CliRunner().invoke(main, ["stats", "report", "--data-dir", str(tmp_path), "--year", "2026", *args])
        assert result.exit_code == 0, result.output
        return result.output

    data = json.loads(cli("--format", "json", "--library", "tz"))
    tz_row = next(r for r in data["views"]["library"]["rows"] if r["library"] == "tz")
    assert (tz_row["rated"], tz_row["satisfaction"]) == (4, 0.75)
    table = cli()
    assert "读者满意度" in table and "75.0%" in table
    out = tmp_path / "report.xlsx"
    cli("--format", "xlsx", "-o", str(out))
    sheet = openpyxl.load_workbook(out)[sheet_title(gettext("zh-CN", "Brand activities (one library, one brand)"))]
    header = [cell.value for cell in sheet[2]]
    cell = sheet.cell(row=3, column=header.index("满意度") + 1)
    assert cell.value == 0.75 and cell.number_format == "0.0%"

    from fastapi import FastAPI

    app = FastAPI()
    app.state.context = ServiceContext(settings=Settings(data_dir=tmp_path), alliance=ALLIANCE, databases=databases)
    app.include_router(stats_router)

    async def fetch() -> tuple[dict, str]:
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
            api = (await http.get("/api/v1/stats?year=2026")).json()
            page = (await http.get("/stats?year=2026")).text
        return api, page

    import asyncio

    api, page = asyncio.run(fetch())
    assert {r["metric"]: r["value"] for r in api["views"]["summary"]["rows"]}["satisfaction"] == 0.75
    assert "读者满意度" in page and "75.0%" in page
    databases.dispose()
