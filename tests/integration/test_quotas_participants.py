"""Targets on people: the sum of reported attendance (人次), growth against the previous year, and the
participants column of ``shuxiang export activities`` (real SQLite: the dedup and quotas consumers)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shuxiang.alliance import parse_alliance
from shuxiang.cli import main
from shuxiang.db import Databases
from shuxiang.events.consumer import ConsumerSpec, Delivery, Outcome, process_batch
from shuxiang.events.streams import CANONICAL_STREAM, SUBMISSIONS_STREAM
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import AttendanceReport
from shuxiang.services.plan import ServiceContext
from shuxiang.services.quotas.handlers import QuotasContext, apply_canonicals, apply_reports
from shuxiang.services.quotas.report import progress_dict, quota_report
from shuxiang.services.quotas.tables import TABLES
from shuxiang.services.quotas.web import router as quotas_router
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE

from .dedup_support import DedupRig, announcement

NOW = datetime(2027, 2, 1, tzinfo=UTC)
RULE = """
[[quota_rules]]
id = "visitors"
name = "活动到馆人次增长30%"
measure = "participants"
growth = 0.3
minimum = 100
source = "示例：活动到馆人次增长30%"

[[quota_rules]]
id = "for-disabled"
name = "残障人士读书活动"
counts = { audience = ["disabled"] }
minimum = 1

[[audiences]]
id = "disabled"
name = "残障人士"
aliases = ["视障", "盲人"]
"""


def test_participants_are_summed_raised_by_growth_and_exported(tmp_path: Path) -> None:
    alliance = parse_alliance(TEST_ALLIANCE.read_text(encoding="utf-8") + RULE)
    (tmp_path / "db").mkdir()
    (tmp_path / "alliance.toml").write_text(TEST_ALLIANCE.read_text(encoding="utf-8") + RULE, encoding="utf-8")
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3", alliance=alliance)
    last_year = announcement("jn", "old", title="讲座：去年", day=10)
    last_year.update(starts_at="2025-04-10T14:00:00+08:00", ends_at="2025-04-10T16:00:00+08:00")
    rig.submit(
        last_year,
        announcement("jn", "a", title="讲座：甲", day=10),
        announcement("jn", "b", title="展览：乙", day=12, hour=9),
        announcement("jn", "c", title="读书会：丙", day=14, hour=19, audience="视障读者及家属"),
    )
    databases = Databases(data_dir=tmp_path)
    databases.create_tables("quotas", TABLES + EVENT_TABLES)
    engine = databases.engine("quotas")
    context = QuotasContext(alliance)
    canonical = ConsumerSpec(
        name="quotas",
        stream=CANONICAL_STREAM,
        filter_subject="shuxiang.canonical.*",
        handle_batch=partial(apply_canonicals, context),
    )
    reports = ConsumerSpec(
        name="quotas_reports",
        stream=SUBMISSIONS_STREAM,
        filter_subject="shuxiang.activity.reported.*",
        handle_batch=partial(apply_reports, context),
    )
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
    assert set(process_batch(canonical, engine, events)) == {Outcome.ACK}
    for seq, (ref, held, people) in enumerate(
        [("old", True, 200), ("a", True, 120), ("b", True, 90), ("c", False, 0)], start=1
    ):
        report = AttendanceReport(library_id="jn", source_ref=ref, held=held, participants=people)
        assert process_batch(
            reports,
            engine,
            [
                Delivery(
                    "shuxiang.activity.reported.jn",
                    report.model_dump_json().encode(),
                    {"Nats-Msg-Id": report.message_id()},
                    seq,
                    NOW,
                )
            ],
        ) == [Outcome.ACK]

    [jn] = [lib for lib in quota_report(engine, alliance, 2026, NOW).libraries if lib.member.id == "jn"]
    visitors = next(p for p in jn.rules if p.rule.id == "visitors")
    assert visitors.count == 120 + 90  # 丙 was not held: its people do not count
    assert visitors.target == 260  # 200 last year, +30 %
    assert visitors.state.value == "not_met"  # 2026 is over
    assert progress_dict(visitors)["source"] == "示例：活动到馆人次增长30%"
    assert progress_dict(visitors)["previous"] == 200  # what the target grows on, in the API
    # The pages: people, not activities ("已达标 1198/1项"), and the target's basis.
    app = FastAPI()
    app.state.context = ServiceContext(settings=Settings(data_dir=tmp_path), alliance=alliance, databases=databases)
    app.include_router(quotas_router)
    client = TestClient(app)
    for path in ("/quotas", "/quotas/jn"):
        zh = client.get(path, params={"year": 2026, "as_of": "2026-12-31", "lang": "zh-CN"}).text
        assert "210/260人次" in zh and "2025年记录：200人次 +30% → 260" in zh, path
        en = client.get(path, params={"year": 2026, "as_of": "2026-12-31", "lang": "en"}).text
        assert "210/260 participants" in en and "2025 on record: 200 participants +30% → 260" in en, path
        assert "210/260项" not in zh and "210/260 activities" not in en
    first_year = client.get("/quotas/jn", params={"year": 2025, "lang": "zh-CN"}).text
    assert "200/100人次" in first_year and "2024年无记录，目标取下限 100" in first_year
    disabled = next(p for p in jn.rules if p.rule.id == "for-disabled")
    assert disabled.count == 0  # 丙 (视障读者) was not held
    with engine.connect() as connection:  # the audiences resolved when stored, read back
        from shuxiang.services.quotas.store import load_facts

        facts = {fact.title: fact for fact in load_facts(connection, 2026, alliance.tz)}
    assert facts["读书会：丙"].audiences == ("disabled",) and facts["讲座：甲"].audiences == ()
    [jn_2025] = [lib for lib in quota_report(engine, alliance, 2025, NOW).libraries if lib.member.id == "jn"]
    assert next(p for p in jn_2025.rules if p.rule.id == "visitors").target == 100  # no year before: the minimum

    result = CliRunner().invoke(main, ["export", "activities", "--format", "csv", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert (rows["讲座：甲"]["held"], rows["讲座：甲"]["participants"]) == ("True", "120")
    assert (rows["读书会：丙"]["held"], rows["读书会：丙"]["participants"]) == ("False", "0")
    rig.close()
    databases.dispose()
