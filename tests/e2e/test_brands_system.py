"""一馆一品 through the running system: years of brand sessions and attendance reports published
over NATS, figures read back from the API, the CLI and the page (headless Chromium)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import date
from importlib.resources import files
from pathlib import Path

import httpx
import nats
import pytest
from playwright.sync_api import sync_playwright

from shuxiang.alliance import load_demo_alliance
from shuxiang.demo.activities import generate_attendance_reports, generate_brand_history
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import reported_subject, submitted_subject
from tests.conftest import System
from tests.e2e.test_intake_web import credentials, csrf_of, log_in
from tests.unit.test_brands_figures import recount

DEMO_CONFIG = Path(str(files("shuxiang.demo").joinpath("alliance.toml")))
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TODAY = date(2026, 6, 15)
AS_OF = f"today={TODAY.isoformat()}"


@pytest.fixture(scope="module")
def brands_system(tmp_path_factory):
    """The demo alliance running, with five years of brand sessions and their attendance published."""
    running = System(tmp_path_factory.mktemp("brands") / "data", config=DEMO_CONFIG)
    running.start()
    alliance = load_demo_alliance()
    history = generate_brand_history(alliance, range(2022, 2027), seed=3)
    reports = generate_attendance_reports(history, TODAY, seed=3)

    async def publish() -> None:
        connection = await nats.connect(running.nats_url())
        try:
            js = connection.jetstream()
            await Publisher(js).publish_many(
                [(submitted_subject(s.library_id), s.message_id(), s.model_dump_json().encode()) for s in history]
                + [(reported_subject(r.library_id), r.message_id(), r.model_dump_json().encode()) for r in reports]
            )
            await wait_until_processed(js, timeout=240)
        finally:
            await connection.close()

    asyncio.run(publish())
    yield running, alliance, history, reports
    if running.process is not None:
        running.kill()


def test_figures_from_the_api_and_the_cli_equal_a_recount(brands_system) -> None:
    system, alliance, history, reports = brands_system
    api = httpx.get(f"{system.url}/api/v1/brands?{AS_OF}", timeout=30).json()
    assert api["today"] == TODAY.isoformat()
    by_id = {b["id"]: b["figures"] for b in api["brands"]}
    for brand in alliance.brands:
        expected = recount(brand, history, reports, TODAY)
        figures = by_id[brand.id]
        assert (figures["sessions_total"], figures["editions_total"], figures["participants_total"]) == (
            expected.sessions,
            expected.editions,
            expected.participants,
        ), brand.id
        assert figures["sessions_this_year"] == expected.sessions_year, brand.id
    assert api["coverage"]["heads_without_brand"] == ["gzl", "ak"]

    cli = json.loads(system.cli("brands", "report", "--format", "json", "--today", TODAY.isoformat()).stdout)
    assert {
        row["brand_id"]: (row["sessions_total"], row["participants_total"], row["status"]) for row in cli["brands"]
    } == {b: (f["sessions_total"], f["participants_total"], f["status"]) for b, f in by_id.items()}
    rows = list(
        csv.DictReader(
            io.StringIO(system.cli("brands", "report", "--format", "csv", "--today", TODAY.isoformat()).stdout)
        )
    )
    assert {r["brand_id"]: int(r["sessions_total"]) for r in rows} == {b: f["sessions_total"] for b, f in by_id.items()}
    # times in the alliance's zone, as every other export says them (the report said 06:00+00:00 for 14:00)
    held = [r["last_held"] for r in rows if r["last_held"]] + [f["last_held"] for f in by_id.values() if f["last_held"]]
    assert held and all(value.endswith("+08:00") for value in held), held
    table = system.cli("brands", "report", "--today", TODAY.isoformat()).stdout
    assert "沽上讲堂" in table and "公主岭市图书馆" in table


def test_registry_writes_refuse_bad_input_clearly(brands_system) -> None:
    system, *_ = brands_system
    url = f"{system.url}/api/v1/brands"
    accounts = credentials(system, "lmb", "jn", "tz", "ak", "jlp")
    tokens = {name: {"Authorization": f"Bearer {account['token']}"} for name, account in accounts.items()}
    lmb = tokens["lmb"]
    anonymous = httpx.post(
        url,
        json={"id": "ak-x", "name": "讲", "library_id": "ak", "category": "lecture", "keywords": ["讲"]},
        timeout=10,
    )
    assert anonymous.status_code == 401
    missing = httpx.post(
        url, json={"id": "ak-hanshui", "library_id": "ak", "category": "lecture"}, headers=lmb, timeout=10
    )
    assert missing.status_code == 422
    assert "name" in missing.json()["detail"] and "Traceback" not in missing.text
    wrong = httpx.post(
        url, json={"id": "Bad Id", "name": "汉水讲坛", "library_id": "ak", "category": "talks"}, headers=lmb, timeout=10
    )
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.json()["errors"]} == {"id", "category"}
    assert (
        httpx.post(
            url, content=b"{not json", headers={"content-type": "application/json", **lmb}, timeout=10
        ).status_code
        == 422
    )
    body = {
        "id": "ak-hanshui",
        "name": "汉水讲坛",
        "library_id": "ak",
        "category": "lecture",
        "since": 2017,
        "keywords": ["汉水讲坛"],
    }
    assert (
        httpx.post(url, json=body, headers=tokens["ak"], timeout=10).status_code == 403
    )  # a library is no coordinator
    assert httpx.post(url, json={**body, "registered_by": "ak"}, headers=lmb, timeout=10).status_code == 403
    created = httpx.post(url, json=body, headers=lmb, timeout=10)
    assert created.status_code == 201, created.text
    assert httpx.post(url, json=body, headers=lmb, timeout=10).status_code == 409
    assert httpx.get(f"{url}/ak-hanshui", timeout=10).json()["origin"] == "registered"
    assert httpx.get(f"{url}/nope", timeout=10).status_code == 404
    correction = httpx.put(f"{url}/links/no-such-activity", json={"brand_id": None}, headers=lmb, timeout=10)
    assert correction.status_code == 404

    inferred = httpx.get(f"{url}/links?link=inferred&brand_id=jn-gushang&limit=1", timeout=10).json()
    assert inferred and inferred[0]["link"] == "inferred"
    activity_id = inferred[0]["activity_id"]
    assert httpx.put(f"{url}/links/{activity_id}", json={"brand_id": None}, timeout=10).status_code == 401
    refused = httpx.put(f"{url}/links/{activity_id}", json={"brand_id": None}, headers=tokens["tz"], timeout=10)
    assert refused.status_code == 403
    # a library may not add another library's activity to its own brand (its figures with it)
    theirs = httpx.get(f"{url}/links?brand_id=jlp-kuaile&limit=1", timeout=10).json()[0]["activity_id"]
    unlinked = httpx.put(f"{url}/links/{theirs}", json={"brand_id": None}, headers=tokens["jlp"], timeout=10)
    assert unlinked.status_code == 200  # its owner takes it out of its brand: now it is nobody's
    claimed = httpx.put(f"{url}/links/{theirs}", json={"brand_id": "jn-gushang"}, headers=tokens["jn"], timeout=10)
    assert claimed.status_code == 403 and "not one of your library's" in claimed.text
    fixed = httpx.put(
        f"{url}/links/{activity_id}", json={"brand_id": None, "note": "普通讲座"}, headers=tokens["jn"], timeout=10
    )
    assert fixed.status_code == 200 and fixed.json()["previous_brand_id"] == "jn-gushang"
    still = httpx.get(f"{url}/links?brand_id=jn-gushang&limit=2000", timeout=10).json()
    assert activity_id not in {r["activity_id"] for r in still}
    corrected = httpx.get(f"{url}/links?link=corrected", timeout=10).json()
    assert sorted((r["activity_id"], r["brand_id"]) for r in corrected) == sorted([(activity_id, None), (theirs, None)])

    client = log_in(system.url, "lmb", accounts["lmb"]["password"])
    try:
        page = client.get("/brands/new")
        form = client.post(
            "/brands/new",
            data={"id": "x1", "library_id": "jn", "category": "lecture", "csrf_token": csrf_of(page.text)},
        )
        assert form.status_code == 422 and "name" in form.text and "请修改以下内容" in form.text
    finally:
        client.close()
    anonymous_form = httpx.post(
        f"{system.url}/brands/new",
        content="id=x1&name=x&library_id=jn&category=lecture",
        headers={"content-type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert anonymous_form.status_code == 401
    assert httpx.get(f"{system.url}/brands/nope", timeout=10).status_code == 404


def test_the_brands_page_in_headless_chromium(brands_system) -> None:
    system, alliance, *_ = brands_system
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
            page = context.new_page()
            assert page.goto(f"{system.url}/brands?{AS_OF}").status == 200
            assert page.locator("h1").inner_text().startswith("一馆一品")
            assert page.locator("svg.heatmap rect").count() >= 15 * 12 * 5  # 15 brands × 12 months × 5 years
            assert page.locator("svg.heatmap rect[fill='#9a3412'], svg.heatmap rect[fill='#fb923c']").count() > 0
            assert page.locator("table.brands tbody tr").count() >= len(alliance.brands)
            for brand in alliance.brands:
                assert page.get_by_role("link", name=brand.name, exact=True).count() >= 1
            assert page.get_by_text("安康市图书馆").count() >= 1  # a head library without a brand
            page.screenshot(path=str(ARTIFACTS / "brands.png"), full_page=True)

            page.get_by_role("link", name="沽上讲堂", exact=True).first.click()
            assert page.locator("h1").inner_text().startswith("沽上讲堂")
            assert page.locator("a[href='/feeds/brands/jn-gushang.ics']").count() >= 1
            assert page.locator("svg.bars rect").count() > 20
            page.screenshot(path=str(ARTIFACTS / "brand-jn-gushang.png"), full_page=True)

            page.goto(f"{system.url}/brands?{AS_OF}&lang=en")
            assert page.locator("h1").inner_text() == "One library, one brand"
            context.close()
        finally:
            browser.close()
