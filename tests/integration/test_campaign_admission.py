"""Campaign credit only for a campaign of the alliance file with the activity's start inside its window:
refused with the reason on every way in — the API and the form (over HTTP, real nats-server), CSV
files (``shuxiang publish``), and the broker (the dedup consumer → a dead letter with the reason)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import nats
from sqlalchemy import select

from shuxiang.admission import admission_problem, campaign_problem, membership_problem
from shuxiang.alliance import load_alliance
from shuxiang.db import Databases
from shuxiang.events.consumer import Outcome
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import ensure_streams
from shuxiang.events.tables import dead_letter
from shuxiang.schemas import ActivitySubmission
from shuxiang.services.intake.accounts import LIBRARY, AccountStore
from shuxiang.services.intake.service import NAME as INTAKE
from shuxiang.services.intake.tables import TABLES as INTAKE_TABLES
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from shuxiang.web import create_app
from tests.conftest import TEST_ALLIANCE, submission

from .dedup_support import DedupRig, announcement

SHANGHAI = ZoneInfo("Asia/Shanghai")
APRIL = datetime(2026, 4, 23, 14, tzinfo=SHANGHAI)
JULY = datetime(2026, 7, 10, 14, tzinfo=SHANGHAI)


def test_the_rule_unknown_out_of_window_year_boundary_and_cancelled() -> None:
    alliance = load_alliance(TEST_ALLIANCE)

    def problem(campaign_id: str | None, start: str, **extra):
        body = submission(campaign_id=campaign_id, starts_at=start, ends_at=start, **extra)
        return campaign_problem(alliance, ActivitySubmission.model_validate(body))

    assert problem("reading-month", "2026-04-23T14:00:00+08:00") is None
    assert problem(None, "2026-07-10T14:00:00+08:00") is None
    unknown = problem("reading-mnth", "2026-04-23T14:00:00+08:00")
    assert unknown.field == "campaign_id" and "不是本联盟的联盟活动" in unknown.zh
    assert 'did you mean "reading-month"' in unknown.en
    late = problem("reading-month", "2026-07-10T14:00:00+08:00")
    assert "2026-07-10" in late.zh and "2026-04-01 至 2026-04-30" in late.zh and "outside the window" in late.en
    # the window's days are the alliance's (CST): 16:30 UTC on 30 April is 00:30 on 1 May in Shanghai
    assert problem("reading-month", "2026-04-30T15:30:00+00:00") is None
    assert problem("reading-month", "2026-04-30T16:30:00+00:00") is not None
    assert problem("reading-month", "2027-04-02T10:00:00+08:00") is None  # the window recurs every year
    assert problem("no-such-campaign", "2026-07-10T14:00:00+08:00", status="cancelled") is None  # withdrawing is free


def test_the_broker_path_dead_letters_with_the_reason(tmp_path: Path) -> None:
    rig = DedupRig(tmp_path / "dedup.sqlite3")
    try:
        good = announcement("jn", "ok", day=23, campaign_id="reading-month")
        unknown = announcement("jn", "unknown", day=24, title="讲座：另一场", campaign_id="no-such-campaign")
        july = announcement("jn", "july", day=25, title="讲座：第三场", campaign_id="reading-month")
        july.update(starts_at="2026-07-10T14:00:00+08:00", ends_at="2026-07-10T16:00:00+08:00")
        assert rig.submit(good, unknown, july) == [Outcome.ACK, Outcome.TERM, Outcome.TERM]
        assert [a["campaign_id"] for a in rig.activities()] == ["reading-month"]
        with rig.engine.connect() as connection:
            reasons = [r.reason for r in connection.execute(select(dead_letter).order_by(dead_letter.c.id))]
        assert '"no-such-campaign" is not a campaign of the alliance' in reasons[0]
        assert "2026-07-10" in reasons[1] and "outside the window" in reasons[1] and "不在联盟活动" in reasons[1]
    finally:
        rig.close()


def test_libraries_that_are_not_members_are_refused_by_the_same_rule_on_the_broker_path(tmp_path: Path) -> None:
    alliance = load_alliance(TEST_ALLIANCE)
    outsider = ActivitySubmission.model_validate(submission(library_id="nope", source_ref="o-1"))
    assert membership_problem(alliance, outsider).field == "library_id"
    named = submission(source_ref="o-2", organizers=[{"library_id": "nope", "role": "co_organiser"}])
    refusal = admission_problem(alliance, ActivitySubmission.model_validate(named))
    assert refusal.field == "organizers" and "nope 不是联盟成员馆" in refusal.zh
    assert admission_problem(alliance, ActivitySubmission.model_validate(submission(source_ref="o-3"))) is None
    rig = DedupRig(tmp_path / "dedup.sqlite3")
    try:
        stranger = announcement("jn", "stranger", day=23)
        stranger["library_id"] = "nope"
        assert rig.submit(stranger) == [Outcome.TERM]
        with rig.engine.connect() as connection:
            (reason,) = [r.reason for r in connection.execute(select(dead_letter))]
        assert '"nope" is not a member of the alliance' in reason and "replay the dead letter" in reason
    finally:
        rig.close()


def test_a_csv_row_with_a_campaign_outside_its_window_is_refused_and_the_others_published(tmp_path: Path) -> None:
    from shuxiang.cli import main  # noqa: F401 - the CLI package first (services.intake.cli plugs into it)
    from shuxiang.services.intake.cli import read_publish_file

    (tmp_path / "alliance.toml").write_bytes(TEST_ALLIANCE.read_bytes())
    csv = (
        "标题,开始时间,结束时间,地点,联盟活动\n"
        "读书月讲座,2026-04-23 14:00,2026-04-23 16:00,报告厅,reading-month\n"
        "暑期讲座,2026-07-10 14:00,2026-07-10 16:00,报告厅,reading-month\n"
        "无名活动,2026-04-24 14:00,2026-04-24 16:00,报告厅,no-such-campaign\n"
    )
    submissions, problems = read_publish_file(Settings(data_dir=tmp_path), Path("x.csv"), csv.encode(), "jn")
    assert [s.title for s in submissions] == ["读书月讲座"]
    assert len(problems) == 2
    assert "outside the window" in problems[0] and "not a campaign of the alliance" in problems[1]


async def test_the_api_and_the_form_refuse_with_the_reason(tmp_path: Path, nats_server) -> None:
    settings = Settings(data_dir=tmp_path)
    databases = Databases(data_dir=tmp_path)
    databases.create_tables(INTAKE, INTAKE_TABLES)
    context = ServiceContext(settings=settings, alliance=load_alliance(TEST_ALLIANCE), databases=databases)
    credentials = AccountStore(databases.engine(INTAKE), databases.reader(INTAKE)).add("jn", LIBRARY)
    app = create_app(context)
    connection = await nats.connect(nats_server.url)
    js = connection.jetstream()
    await ensure_streams(js)
    app.state.publisher = Publisher(js)
    headers = {"Authorization": f"Bearer {credentials.token}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            ok = await client.post(
                "/api/v1/activities",
                headers=headers,
                json=submission(source_ref="a1", start=APRIL, campaign_id="reading-month"),
            )
            assert ok.status_code == 201, ok.text
            late = await client.post(
                "/api/v1/activities",
                headers=headers,
                json=submission(source_ref="a2", start=JULY, campaign_id="reading-month"),
            )
            assert late.status_code == 422 and "outside the window" in late.json()["detail"]
            unknown = await client.post(
                "/api/v1/activities",
                headers=headers,
                json=submission(source_ref="a3", start=APRIL, campaign_id="no-such-campaign"),
            )
            assert unknown.status_code == 422 and "不是本联盟的联盟活动" in unknown.json()["detail"]

            page = await client.get("/submit/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
            login = await client.post(
                "/submit/login",
                data={"csrf_token": token, "username": "jn", "password": credentials.password, "next": "/submit"},
            )
            assert login.status_code == 303, login.text
            form = await client.get("/submit/new")
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]
            refused = await client.post(
                "/submit/new",
                data={
                    "csrf_token": token,
                    "title": "暑期讲座",
                    "category": "lecture",
                    "starts_at": "2026-07-10T14:00",
                    "ends_at": "2026-07-10T16:00",
                    "venue_name": "报告厅",
                    "campaign_id": "reading-month",
                },
            )
            assert refused.status_code == 422
            assert "不在联盟活动“4·23 世界读书日暨读书月”的时间范围（2026-04-01 至 2026-04-30）内" in refused.text
    finally:
        await connection.close()
        databases.dispose()
