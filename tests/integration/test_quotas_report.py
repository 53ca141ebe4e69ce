"""Where people look at quotas: `shuxiang quotas report` (table, json, csv), the page
`/quotas` with its drill-down, and `GET /api/v1/quotas` — over a real SQLite projection."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shuxiang.alliance import load_alliance
from shuxiang.cli import main
from shuxiang.db import Databases
from shuxiang.events.consumer import ConsumerSpec, Delivery, Outcome, process_batch
from shuxiang.events.streams import CANONICAL_STREAM, canonical_subject
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import CanonicalActivity, CanonicalEvent
from shuxiang.services.plan import ServiceContext
from shuxiang.services.quotas.handlers import QuotasContext, apply_canonicals
from shuxiang.services.quotas.tables import TABLES
from shuxiang.services.quotas.web import router as quotas_router
from shuxiang.settings import Settings

CONFIG = Path(__file__).parents[1] / "data" / "quotas" / "alliance.toml"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def event(
    activity_id: str, start: str, organizers: list[tuple[str, str]], *, version: int = 1, **fields
) -> CanonicalEvent:
    starts_at = datetime.fromisoformat(start)
    at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=version)
    activity = CanonicalActivity(
        id=activity_id,
        version=version,
        title=fields.pop("title", activity_id),
        category=fields.pop("category", "lecture"),
        status=fields.pop("status", "scheduled"),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue={"name": "报告厅"},
        organizers=[{"library_id": lib, "role": role} for lib, role in organizers],
        sources=[{"library_id": organizers[0][0], "source_ref": activity_id, "revision": version}],
        created_at=at,
        updated_at=at,
        **fields,
    )
    return CanonicalEvent(type="created" if version == 1 else "updated", activity=activity, occurred_at=at)


EVENTS = [
    event(
        "jn-jan",
        "2026-01-10T14:00:00+08:00",
        [("jn", "host"), ("tz", "co_host")],
        featured=True,
        title="沽上讲堂：津沽方言漫谈",
    ),
    event("jn-feb", "2026-02-10T14:00:00+08:00", [("jn", "host")], featured=True, title="沽上讲堂：小站练兵与近代天津"),
    event(
        "jn-mar", "2026-03-31T23:30:00+08:00", [("jn", "host")], featured=True, title="好书伴我成长·共读《城南旧事》"
    ),
    event(
        "jn-train",
        "2025-06-01T09:00:00+08:00",
        [("jn", "host")],
        category="training",
        tags=["业务培训"],
        title="农家书屋管理员业务培训",
    ),
    event(
        "b1-month",
        "2026-04-23T14:00:00+08:00",
        [("jn-b1", "host"), ("jn", "co_host")],
        campaign_id="reading-month",
        title="世界读书日主题活动：亲子共读",
    ),
    event(
        "b1-weekly",
        "2026-04-04T10:00:00+08:00",
        [("jn-b1", "host")],
        recurrence="FREQ=WEEKLY;COUNT=6",
        exdates=["2026-04-11T02:00:00Z"],
        category="parent_child",
        title="周六绘本时光",
    ),
    event(
        "c-gone", "2026-05-01T10:00:00+08:00", [("c", "host")], featured=True, title="已取消的讲座", status="cancelled"
    ),
    event("jn-new-year", "2026-12-31T16:30:00+00:00", [("jn", "host")], featured=True, title="新年第一讲"),  # 2027
    event(  # starts on the festival's last day, that session cancelled: its sessions are in December
        "tz-festival-late",
        "2026-11-30T10:00:00+08:00",
        [("tz", "host")],
        recurrence="FREQ=WEEKLY;COUNT=3",
        overrides=[{"recurrence_id": "2026-11-30T10:00:00+08:00", "status": "cancelled"}],
        campaign_id="reading-festival",
        title="读书节·周末共读",
    ),
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A data dir as `shuxiang up` leaves it: the alliance saved, the quotas SQLite filled."""
    directory = tmp_path_factory.mktemp("quotas-data")
    shutil.copyfile(CONFIG, directory / "alliance.toml")
    databases = Databases(data_dir=directory)
    databases.create_tables("quotas", TABLES + EVENT_TABLES)
    spec = ConsumerSpec(
        "quotas",
        CANONICAL_STREAM,
        "shuxiang.canonical.*",
        handle_batch=partial(apply_canonicals, QuotasContext(load_alliance(CONFIG))),
    )
    deliveries = [
        Delivery(
            canonical_subject(e.type.value),
            e.model_dump_json().encode(),
            {"Nats-Msg-Id": e.message_id()},
            seq,
            datetime(2026, 5, 1, tzinfo=UTC),
        )
        for seq, e in enumerate(EVENTS, start=1)
    ]
    assert set(process_batch(spec, databases.engine("quotas"), deliveries)) == {Outcome.ACK}
    databases.dispose()
    return directory


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["quotas", "report", *args])
    return result.exit_code, result.output


def rules_of(report: dict, library: str) -> dict[str, dict]:
    entry = next(lib for lib in report["libraries"] if lib["library_id"] == library)
    return {r["rule_id"]: r for r in entry["rules"]}


# -- the command line ---------------------------------------------------------------------


def test_report_json(data_dir: Path) -> None:
    code, out = cli("--year", "2026", "--format", "json", "--data-dir", str(data_dir))
    assert code == 0, out
    report = json.loads(out)
    assert report["year"] == 2026 and report["timezone"] == "Asia/Shanghai"
    assert [lib["library_id"] for lib in report["libraries"]] == ["c", "jn", "tz", "jn-b1"]
    jn = rules_of(report, "jn")
    featured = jn["featured-monthly"]
    assert featured["count"] == 3 and featured["target"] == 12 and featured["attained"] == 3
    assert featured["missing_periods"] == list(range(4, 13))  # 23:30 on 31 March is March in Shanghai
    assert jn["campaign-joined"]["attained"] == 1  # as co-host of jn-b1's reading-month activity
    assert jn["campaign-hosted"]["attained"] == 0  # co-hosting is not hosting
    assert jn["training"]["attained"] == 0  # the training was in 2025
    assert rules_of(report, "tz")["featured-monthly"]["count"] == 0  # co-hosts are not credited as hosts
    assert rules_of(report, "c")["featured-monthly"]["count"] == 0  # cancelled
    branch = rules_of(report, "jn-b1")
    assert branch["branch-sessions"]["periods"][1]["count"] == 1 + 5  # April: the campaign activity + 5 of 6 Saturdays
    assert branch["sessions"]["count"] == 6 and branch["campaign-hosted"]["attained"] == 1


def test_report_json_for_other_years(data_dir: Path) -> None:
    report = json.loads(cli("--year", "2025", "--format", "json", "--data-dir", str(data_dir))[1])
    assert rules_of(report, "jn")["training"]["state"] == "met"
    assert rules_of(report, "tz")["campaign-joined"]["state"] == "not_met"  # the year is over, nothing done: 未达标
    assert rules_of(report, "tz")["campaign-joined"]["target"] == 2  # its override
    _, table = cli("--year", "2025", "--library", "tz", "--data-dir", str(data_dir))
    assert "未达标 not met" in table and "进度落后 at risk 0" in table  # a closed year reads 达标 / 未达标
    report = json.loads(cli("--year", "2027", "--format", "json", "--data-dir", str(data_dir))[1])
    assert rules_of(report, "jn")["featured-monthly"]["periods"][0]["count"] == 1  # 2026-12-31T16:30Z


def test_report_json_for_one_library_has_the_credited_activities(data_dir: Path) -> None:
    code, out = cli("--year", "2026", "--format", "json", "--library", "jn", "--data-dir", str(data_dir))
    assert code == 0, out
    report = json.loads(out)
    assert [lib["library_id"] for lib in report["libraries"]] == ["jn"]
    credited = rules_of(report, "jn")["featured-monthly"]["credited"]
    assert [c["title"] for c in credited] == [
        "沽上讲堂：津沽方言漫谈",
        "沽上讲堂：小站练兵与近代天津",
        "好书伴我成长·共读《城南旧事》",
    ]
    assert credited[2]["starts_at"] == "2026-03-31T23:30:00+08:00"


def test_report_csv(data_dir: Path) -> None:
    code, out = cli("--year", "2026", "--format", "csv", "--data-dir", str(data_dir))
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 6 + 7 + 5 + 3  # c, jn, tz, jn-b1: each of their rules (c and jn: the visitors rule too)
    row = next(r for r in rows if r["library_id"] == "jn" and r["rule_id"] == "featured-monthly")
    assert (row["library_name"], row["attained"], row["target"], row["count"]) == ("津南区图书馆", "3", "12", "3")
    assert row["missing_periods"] == "4 5 6 7 8 9 10 11 12"


def test_report_table_with_bars(data_dir: Path) -> None:
    code, out = cli("--year", "2025", "--data-dir", str(data_dir), "--tier", "county")
    assert code == 0, out
    assert "年度指标 2025 / annual quotas 2025" in out
    assert "滕州市图书馆 (tz)" in out and "津南区图书馆" not in out
    assert "落后 at risk" in out and "░" in out
    code, out = cli("--year", "2025", "--data-dir", str(data_dir), "--library", "jn")
    assert "已达标 met" in out and "████████████" in out  # training 1/1 in 2025


def test_report_as_of_a_day(data_dir: Path) -> None:
    early = json.loads(
        cli("--year", "2026", "--as-of", "2026-02-15", "--format", "json", "--data-dir", str(data_dir))[1]
    )
    assert early["as_of"] == "2026-02-15T23:59:59+08:00"
    assert rules_of(early, "jn")["featured-monthly"]["state"] == "on_track"  # January and February done
    assert rules_of(early, "jn")["featured-monthly"]["expected"] == 1
    late = json.loads(
        cli("--year", "2026", "--as-of", "2026-05-01", "--format", "json", "--data-dir", str(data_dir))[1]
    )
    # No featured activity in April: 12 of 12 months is out of reach — 未达标, not "at risk".
    assert rules_of(late, "jn")["featured-monthly"]["state"] == "not_met"
    assert rules_of(late, "jn")["featured-monthly"]["missed_periods"] == [4]
    _, table = cli("--year", "2026", "--as-of", "2026-05-01", "--library", "jn", "--data-dir", str(data_dir))
    assert "未达标 not met" in table
    code, out = cli("--as-of", "30/04/2026", "--data-dir", str(data_dir))
    assert code == 2 and "'30/04/2026' does not match the format '%Y-%m-%d'" in out


def test_report_filters_by_region(data_dir: Path) -> None:
    report = json.loads(
        cli("--year", "2026", "--format", "json", "--region", "天津市津南区", "--data-dir", str(data_dir))[1]
    )
    assert [lib["library_id"] for lib in report["libraries"]] == ["jn", "jn-b1"]


def test_report_errors_are_clear(tmp_path: Path, data_dir: Path) -> None:
    code, out = cli("--year", "2026", "--data-dir", str(tmp_path / "empty"))
    assert code == 1 and "no alliance configuration" in out and "Traceback" not in out
    (tmp_path / "fresh").mkdir()
    shutil.copyfile(CONFIG, tmp_path / "fresh" / "alliance.toml")
    code, out = cli("--data-dir", str(tmp_path / "fresh"))
    assert code == 1 and "no quota data" in out
    code, out = cli("--library", "nobody", "--data-dir", str(data_dir))
    assert code == 1 and 'no member library "nobody"' in out
    code, out = cli("--year", "twenty", "--data-dir", str(data_dir))
    assert code == 2 and "'twenty' is not a valid integer" in out


# -- the web page and the API -------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(data_dir: Path) -> TestClient:
    databases = Databases(data_dir=data_dir)
    app = FastAPI()
    app.state.context = ServiceContext(
        settings=Settings(data_dir=data_dir), alliance=load_alliance(CONFIG), databases=databases
    )
    app.include_router(quotas_router)
    yield TestClient(app, raise_server_exceptions=False)
    databases.dispose()


def test_api(client: TestClient) -> None:
    response = client.get("/api/v1/quotas", params={"year": 2026})
    assert response.status_code == 200
    assert rules_of(response.json(), "jn")["featured-monthly"]["count"] == 3
    only = client.get("/api/v1/quotas", params={"year": 2026, "tier": "branch"}).json()
    assert [lib["library_id"] for lib in only["libraries"]] == ["jn-b1"]
    drill = client.get("/api/v1/quotas/jn-b1", params={"year": 2026}).json()
    sessions = next(r for r in drill["library"]["rules"] if r["rule_id"] == "sessions")
    assert [c["starts_at"][:10] for c in sessions["credited"]] == [
        "2026-04-04",
        "2026-04-18",
        "2026-04-23",
        "2026-04-25",
        "2026-05-02",
        "2026-05-09",
    ]


def test_api_as_of(client: TestClient) -> None:
    report = client.get("/api/v1/quotas", params={"year": 2026, "as_of": "2026-02-15", "library": "jn"}).json()
    assert rules_of(report, "jn")["featured-monthly"]["state"] == "on_track"
    response = client.get("/api/v1/quotas", params={"as_of": "15.02.2026"})
    assert response.status_code == 400 and 'as_of: "15.02.2026" is not a date' in response.json()["detail"]


def test_api_refuses_bad_filters_clearly(client: TestClient) -> None:
    response = client.get("/api/v1/quotas", params={"tier": "twig"})
    assert response.status_code == 400 and 'tier: "twig" is not one of central' in response.json()["detail"]
    assert client.get("/api/v1/quotas", params={"year": "abc"}).status_code == 422
    assert client.get("/api/v1/quotas", params={"library": "nobody"}).status_code == 404
    assert client.get("/api/v1/quotas/nobody").status_code == 404


def test_page_shows_bars_and_filters(client: TestClient) -> None:
    page = client.get("/quotas", params={"year": 2026})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "年度指标完成情况 · 2026" in html and "津南区图书馆" in html
    assert 'data-library="jn" data-rule="featured-monthly" data-state="not_met"' in html  # April is missed by now
    assert 'class="fill" style="width: 25%"' in html  # 3 of 12 months
    assert "<script" not in html
    county = client.get("/quotas", params={"year": 2026, "tier": "county"}).text
    assert 'data-library="tz"' in county and 'data-library="jn"' not in county
    region = client.get("/quotas", params={"year": 2026, "region": "山东省滕州市"}).text
    assert 'data-library="tz"' in region and 'data-library="jn-b1"' not in region
    english = client.get("/quotas", params={"year": 2026, "lang": "en"}).text
    assert "Annual quota progress" in english and "Jinnan District Library" in english


def test_drill_down_page_lists_the_credited_activities(client: TestClient) -> None:
    html = client.get("/quotas/jn", params={"year": 2026, "lang": "zh-CN"}).text
    assert "沽上讲堂：小站练兵与近代天津" in html and "2026-03-31 23:30" in html
    assert "协办" in html  # jn co-hosts jn-b1's reading-month activity
    credited, _, not_counted = client.get("/quotas/c", params={"year": 2026}).text.partition('id="not-counted"')
    assert "已取消的讲座" not in credited  # never credited, shown apart as cancelled
    assert "已取消的讲座</td>\n      <td>已取消</td>" in not_counted


def test_page_errors_are_pages_not_500s(client: TestClient) -> None:
    bad_year = client.get("/quotas", params={"year": "20x6"})
    assert bad_year.status_code == 400 and "is not a year between" in bad_year.text
    assert client.get("/quotas", params={"tier": "twig"}).status_code == 400
    assert client.get("/quotas/nobody").status_code == 404
    assert client.get("/quotas/jn", params={"year": "-1"}).status_code == 400
    assert client.get("/quotas", params={"as_of": "tomorrow"}).status_code == 400


def test_the_digest_lists_a_target_out_of_reach_apart_from_those_at_risk(data_dir: Path) -> None:
    """What the digests read of the quotas service: on 2026-05-01 jn's monthly target has April
    missed (out of reach, with the months missed), its reading-month target is at risk."""
    from shuxiang.services.digests.sources import quotas_at_risk

    databases = Databases(data_dir=data_dir)
    try:
        found = quotas_at_risk(databases, load_alliance(CONFIG), ["jn"], datetime(2026, 5, 1, 12, tzinfo=UTC), "zh-CN")
    finally:
        databases.dispose()
    by_rule = {q.rule: q for q in found}
    monthly = by_rule["每月一个特色活动"]
    assert (monthly.out_of_reach, monthly.missed, monthly.done, monthly.minimum) == (True, 1, 3, 12)
    assert not by_rule["承办读书月活动2个以上"].out_of_reach


def test_a_campaign_credits_only_the_sessions_inside_its_window(client: TestClient) -> None:
    """tz's weekly series for the reading festival (11-01 – 11-30) starts 11-30, and that session is
    cancelled: its sessions, 12-07 and 12-14, are outside the window, so it earns no campaign credit
    (it was credited under campaign-joined at 12-07) — but they are still tz's reader sessions."""
    report = client.get("/api/v1/quotas/tz", params={"year": 2026, "as_of": "2026-12-31"}).json()
    rules = {r["rule_id"]: r for r in report["library"]["rules"]}
    assert rules["campaign-joined"]["attained"] == 0 and rules["campaign-joined"]["credited"] == []
    sessions = [c["starts_at"][:10] for c in rules["sessions"]["credited"] if c["activity_id"] == "tz-festival-late"]
    assert sessions == ["2026-12-07", "2026-12-14"]
    tallied = client.get("/api/v1/quotas", params={"year": 2026, "library": "tz"}).json()  # the kept tallies
    assert rules_of(tallied, "tz")["campaign-joined"]["attained"] == 0
    assert rules_of(tallied, "tz")["sessions"]["count"] == rules["sessions"]["count"] == 3  # with jn-jan
