"""The member form in a real browser (Playwright driving Debian's chromium), against `shuxiang up`:
log in, submit with an error, correct it, see the activity in the library's feed.
Screenshots go to test-artifacts/ (kept by CI)."""

from __future__ import annotations

from pathlib import Path

import icalendar
from playwright.sync_api import expect, sync_playwright

from tests.conftest import System

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
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


def test_log_in_submit_with_an_error_correct_it_and_find_it_in_the_feed(system: System) -> None:
    system.start()
    account = dict(part.split("=", 1) for part in system.cli("accounts", "add", "jn").stdout.split())
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1100, "height": 900},
            java_script_enabled=False,
        )  # the form works without JavaScript
        page = context.new_page()
        page.set_default_timeout(20_000)

        page.goto(system.url + "/submit")
        expect(page).to_have_url(system.url + "/submit/login?next=/submit")
        page.fill("#username", "jn")
        page.fill("#password", "not the password")
        page.click("button:has-text('登录')")
        expect(page.locator(".error-summary")).to_have_text("账号或密码不对")
        page.fill("#password", account["password"])
        page.screenshot(path=str(ARTIFACTS / "intake-login.png"))
        page.click("button:has-text('登录')")
        expect(page.locator("h1")).to_contain_text("津南区图书馆")

        page.click("a.button:has-text('新建活动')")
        page.fill("#title", "")
        page.select_option("#category", "lecture")
        page.fill("#starts_at", "2026-12-05T14:00")
        page.fill("#ends_at", "2026-12-05T13:00")  # before the start
        page.select_option("#repeat", "weekly")
        page.fill("#repeat_count", "4")
        page.fill("#venue_name", "一楼报告厅")
        page.fill("#description", "津沽方言与地方文化，欢迎读者参加。")
        page.click("button:has-text('提交')")

        expect(page.locator("#title-error")).to_have_text("请填写活动标题（最多 200 字）")
        expect(page.locator("#ends_at-error")).to_have_text("结束时间不能早于开始时间")
        expect(page.locator(".error-summary")).to_contain_text("有 2 处需要修改")
        # everything typed is kept
        expect(page.locator("#venue_name")).to_have_value("一楼报告厅")
        expect(page.locator("#description")).to_have_value("津沽方言与地方文化，欢迎读者参加。")
        expect(page.locator("#repeat")).to_have_value("weekly")
        expect(page.locator("#repeat_count")).to_have_value("4")
        expect(page.locator("#starts_at")).to_have_value("2026-12-05T14:00")
        page.screenshot(path=str(ARTIFACTS / "intake-form-error.png"), full_page=True)

        page.fill("#title", "沽上讲堂：津沽方言漫谈")
        page.fill("#ends_at", "2026-12-05T16:00")
        page.click("button:has-text('提交')")
        expect(page.locator(".ok")).to_contain_text("已提交")
        expect(page.locator("h1")).to_contain_text("沽上讲堂：津沽方言漫谈")
        feed_link = page.locator("a[href='/feeds/libraries/jn.ics']")
        expect(feed_link).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "intake-activity.png"), full_page=True)

        def feed_events():
            response = page.request.get(system.url + "/feeds/libraries/jn.ics")
            assert response.ok
            return {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(response.body()).walk("VEVENT")}

        for _ in range(100):
            events = feed_events()
            if events:
                break
            page.wait_for_timeout(200)
        event = events["沽上讲堂：津沽方言漫谈"]
        assert event["DTSTART"].dt.isoformat() == "2026-12-05T14:00:00+08:00"
        assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=4"
        assert str(event["LOCATION"]) == "一楼报告厅"

        # edit, then cancel: the feed follows
        page.click("a.button:has-text('修改')")
        expect(page.locator("#title")).to_have_value("沽上讲堂：津沽方言漫谈")
        page.fill("#title", "沽上讲堂：津沽方言漫谈（改期）")
        page.fill("#starts_at", "2026-12-12T14:00")
        page.fill("#ends_at", "2026-12-12T16:00")
        page.click("button:has-text('保存修改')")
        expect(page.locator(".ok")).to_contain_text("修改已发布")
        page.click("button:has-text('取消此活动')")
        expect(page.locator(".badge.cancelled")).to_be_visible()
        for _ in range(100):
            events = feed_events()
            if any(str(e.get("STATUS")) == "CANCELLED" for e in events.values()):
                break
            page.wait_for_timeout(200)
        [(title, event)] = events.items()
        assert title.endswith("沽上讲堂：津沽方言漫谈（改期）") and str(event["STATUS"]) == "CANCELLED"
        assert event["DTSTART"].dt.isoformat() == "2026-12-12T14:00:00+08:00"

        page.goto(system.url + "/submit")
        page.screenshot(path=str(ARTIFACTS / "intake-dashboard.png"), full_page=True)
        page.goto(system.url + "/submit/new?lang=en")
        page.click("button:has-text('Submit')")
        expect(page.locator("#title-error")).to_have_text("Enter a title (at most 200 characters)")
        page.screenshot(path=str(ARTIFACTS / "intake-form-en.png"), full_page=True)
        browser.close()
