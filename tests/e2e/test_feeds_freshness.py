"""The running system (``shuxiang up``): a published change is in the feed, with a new
ETag, within one second; the feeds are served with the right HTTP by the real web
server; the calendar page renders in headless Chromium, in Chinese and English."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import icalendar

from tests.conftest import SHANGHAI, System, submission, write_jsonl

FRESHNESS_DEADLINE = 1.0
"""The issue's promise: a change is visible in the feed within one second."""


def summaries(body: bytes) -> set[str]:
    return {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_a_published_change_is_in_the_feed_with_a_new_etag_within_a_second(system: System, tmp_path: Path) -> None:
    system.start()
    lecture = submission("jn", "fresh-1", title="沽上讲堂：海河故事")
    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", [lecture])), "--wait")
    url = f"{system.url}/feeds/libraries/jn.ics"
    first = httpx.get(url, timeout=10)
    assert first.status_code == 200 and summaries(first.content) == {"沽上讲堂：海河故事"}
    etag = first.headers["etag"]
    assert httpx.get(url, headers={"If-None-Match": etag}, timeout=10).status_code == 304

    revised = {**lecture, "revision": 2, "title": "沽上讲堂：海河故事（改在三楼）"}
    system.cli("publish", str(write_jsonl(tmp_path / "b.jsonl", [revised])), "--wait")
    processed = time.monotonic()
    while True:
        response = httpx.get(url, headers={"If-None-Match": etag}, timeout=10)
        if response.status_code == 200 or time.monotonic() - processed > FRESHNESS_DEADLINE:
            break
        time.sleep(0.02)
    assert response.status_code == 200, "the change was not in the feed within one second"
    assert response.headers["etag"] != etag
    assert summaries(response.content) == {"沽上讲堂：海河故事（改在三楼）"}

    # the real web server: no compression whatever is offered, HEAD, any Accept
    offered = httpx.get(url, headers={"Accept-Encoding": "gzip, deflate, br", "Accept": "text/html"}, timeout=10)
    assert offered.status_code == 200 and "content-encoding" not in offered.headers
    assert offered.headers["content-type"] == "text/calendar; charset=utf-8"
    head = httpx.head(url, timeout=10)
    assert head.status_code == 200 and head.headers["content-length"] == str(len(offered.content))
    # the brand's feed follows the brands service's link (here inferred from the title)
    brand = httpx.get(f"{system.url}/feeds/brands/gushang.ics", timeout=10)
    assert summaries(brand.content) == {"沽上讲堂：海河故事（改在三楼）"}
    missing = httpx.get(f"{system.url}/feeds/brands/no-such-brand.ics", timeout=10)
    assert missing.status_code == 404 and "没有这个活动品牌" in missing.text and "No such brand" in missing.text


def test_the_calendar_page_in_a_browser(system: System, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    system.start()
    system.cli(
        "publish",
        str(
            write_jsonl(
                tmp_path / "a.jsonl",
                [
                    submission("jn-b1", "story-1", title="快乐小板凳：绘本《团圆》", category="children"),
                    submission("tz", "tz-9", title="经典导读：《论语》", status="cancelled"),
                ],
            )
        ),
        "--wait",
    )
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(f"{system.url}/?view=agenda")
            assert page.get_by_text("快乐小板凳：绘本《团圆》").count() == 1
            assert page.locator(".cancelled").filter(has_text="经典导读：《论语》").count() == 1
            page.screenshot(path=str(artifacts / "calendar-agenda-zh.png"), full_page=True)
            subscribe = page.locator('a[href^="webcal://"]').first
            assert subscribe.get_attribute("href") == f"webcal://127.0.0.1:{system.port}/feeds/alliance.ics"
            copy = page.locator("button.copy").first
            assert copy.is_visible()  # shown once scripts run

            month = (datetime.now(SHANGHAI) + timedelta(days=7)).strftime("%Y-%m")  # submission()'s default start
            page.goto(f"{system.url}/?lang=en&month={month}")
            assert page.get_by_role("heading", name="Subscribe to a calendar").count() == 1
            assert page.locator("table.month td").count() % 7 == 0
            assert page.get_by_text("快乐小板凳：绘本《团圆》").count() == 1
            page.screenshot(path=str(artifacts / "calendar-month-en.png"), full_page=True)
        finally:
            browser.close()
