"""The demo alliance as a user starts it (`shuxiang up --demo`): its quota report shows
libraries on track and libraries behind, and the page `/quotas` in a real browser."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import nats
import pytest
from playwright.sync_api import sync_playwright

from shuxiang.alliance import load_demo_alliance
from shuxiang.demo.activities import generate_demo_submissions
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.streams import SUBMISSIONS_STREAM
from tests.conftest import running_up_demo

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


def shuxiang(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shuxiang", *args], capture_output=True, text=True, timeout=timeout)


async def wait_for_demo(nats_url: str, expected: int, timeout: float = 240) -> None:
    """Until the demo's submissions are all in the log and every consumer has processed them."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        deadline = time.monotonic() + timeout
        while (await js.stream_info(SUBMISSIONS_STREAM.name)).state.messages < expected:
            assert time.monotonic() < deadline, "the demo submissions were not published"
            await asyncio.sleep(0.2)
        await wait_until_processed(js, timeout=timeout)
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[str, Path, Path]]:
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    with running_up_demo(data_dir) as (url, _, log):
        nats_url = json.loads((data_dir / "runtime.json").read_text())["nats_url"]
        expected = len(generate_demo_submissions(load_demo_alliance(), date.today().year, ahead_of=date.today()))
        asyncio.run(wait_for_demo(nats_url, expected))
        yield url, data_dir, log


def test_up_demo_says_where_everything_is_and_when_the_demo_is_ready(demo) -> None:
    url, _, log = demo
    deadline = time.monotonic() + 120
    ready = ("示例已就绪", "/ demo ready")  # 示例已就绪，用时 9 秒：URL / demo ready in 9 s: URL
    while not all(word in log.read_text(encoding="utf-8") for word in ready):
        assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
        time.sleep(0.2)
    printed = log.read_text(encoding="utf-8")
    for where in (f"{url}/", f"{url}/feeds/alliance.ics", f"{url}/submit", f"{url}/api/v1/activities", f"{url}/docs"):
        assert where in printed, where
    assert "published; processing" in printed  # the user hears that it is working, not only that it is done


def library_standing(report: dict) -> dict[str, set[str]]:
    return {lib["library_id"]: {r["state"] for r in lib["rules"]} for lib in report["libraries"]}


def test_demo_report_shows_libraries_on_track_and_behind(demo) -> None:
    _, data_dir, _ = demo
    year = str(date.today().year)
    end = f"{year}-12-31"  # the year as it ends, whatever today's date: the demo plans the whole year
    result = shuxiang(
        "quotas", "report", "--year", year, "--as-of", end, "--format", "json", "--data-dir", str(data_dir)
    )
    assert result.returncode == 0, result.stderr
    standing = library_standing(json.loads(result.stdout))
    behind = {lib for lib, states in standing.items() if "at_risk" in states}
    on_track = {lib for lib, states in standing.items() if states <= {"met", "on_track"}}
    # The libraries with brands are diligent; those without (公主岭, 安康) lag behind.
    assert {"gzl", "ak"} <= behind
    assert {"jn", "jlp"} <= on_track
    table = shuxiang("quotas", "report", "--year", year, "--as-of", end, "--data-dir", str(data_dir))
    assert table.returncode == 0, table.stderr
    assert "公主岭市图书馆 (gzl)" in table.stdout and "落后 at risk" in table.stdout and "已达标 met" in table.stdout
    assert "█" in table.stdout


def test_quotas_page_in_a_browser(demo) -> None:
    url, _, _ = demo
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{url}/quotas?as_of={date.today().year}-12-31")
            assert page.locator("h1").inner_text().startswith("年度指标完成情况")
            assert page.locator('tr[data-state="at_risk"]').count() > 0
            assert page.locator('tr[data-state="met"]').count() > 0
            bar = page.locator('tr[data-library="jn"][data-rule="featured-monthly"] .bar .fill')
            assert bar.bounding_box()["width"] > 0
            page.screenshot(path=str(ARTIFACTS / "quotas.png"), full_page=True)

            page.select_option("select[name=tier]", "county")  # the filter form works without scripts
            page.click("button[type=submit]")
            libraries = set(page.locator("tr[data-library]").evaluate_all("rows => rows.map(r => r.dataset.library)"))
            assert libraries == {"gzl", "tz"}

            page.goto(f"{url}/quotas/gzl?lang=en&as_of={date.today().year}-12-31")
            assert "Gongzhuling Library" in page.locator("h1").inner_text()
            assert page.locator('section[data-state="at_risk"]').count() > 0
            page.screenshot(path=str(ARTIFACTS / "quotas-gzl-en.png"), full_page=True)
        finally:
            browser.close()
