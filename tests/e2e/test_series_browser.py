"""One session of a series changed on its own in the member form, in a real browser
(Playwright driving Debian's chromium) against `shuxiang up`: a member moves one session
(time and venue) and cancels another; the library's feed shows both (RECURRENCE-ID blocks);
then the member moves the whole series to the afternoon and the cancelled session stays
cancelled (it moves with the series instead of coming back).  Screenshots go to test-artifacts/."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import icalendar
import recurring_ical_events
from playwright.sync_api import expect, sync_playwright

from tests.conftest import System, submission
from tests.e2e.test_intake_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_move_one_session_cancel_another_then_move_the_series(system: System) -> None:
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
        )
        page = context.new_page()
        page.set_default_timeout(20_000)

        page.goto(system.url + "/submit/login")
        page.fill("#username", "jn")
        page.fill("#password", account["password"])
        page.click("button:has-text('登录')")
        page.click("a.button:has-text('新建活动')")
        page.fill("#title", "快乐小板凳·周末绘本")
        page.select_option("#category", "children")
        page.fill(
            "#starts_at", "2026-10-10T10:00"
        )  # a Saturday, weeks ago: a session is reported once it has taken place
        page.fill("#ends_at", "2026-10-10T11:00")
        page.select_option("#repeat", "weekly")
        page.fill("#repeat_count", "6")
        page.fill("#venue_name", "少儿阅览室")
        page.click("button:has-text('提交')")
        expect(page.locator(".ok")).to_contain_text("已提交")
        activity_url = page.url.split("?")[0]

        # move the second session to Sunday afternoon, in the lecture hall
        page.click("tr[data-session='20261017T1000'] a:has-text('修改这一次')")
        page.fill("#starts_at", "2026-10-18T15:00")
        page.fill("#ends_at", "2026-10-18T16:30")
        page.fill("#venue_name", "报告厅")
        page.click("button:has-text('保存这一次的时间和地点')")
        expect(page.locator(".ok")).to_contain_text("这一次活动的修改已发布")
        moved_row = page.locator("tr[data-session='20261017T1000']")
        expect(moved_row).to_contain_text("2026-10-18 15:00")
        expect(moved_row).to_contain_text("报告厅")

        # cancel the third
        page.click("tr[data-session='20261024T1000'] a:has-text('修改这一次')")
        page.click("button:has-text('取消这一次')")
        expect(page.locator("tr[data-session='20261024T1000'] .badge.cancelled")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "series-sessions.png"), full_page=True)

        def feed(ready) -> icalendar.Calendar:
            for _ in range(150):
                response = page.request.get(system.url + "/feeds/libraries/jn.ics")
                assert response.ok
                calendar = icalendar.Calendar.from_ical(response.body())
                if ready(calendar):
                    return calendar
                page.wait_for_timeout(200)
            raise AssertionError(f"the feed never showed the change:\n{response.text()}")

        def overrides(calendar) -> dict:
            return {e["RECURRENCE-ID"].dt: e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" in e}

        calendar = feed(lambda c: len(overrides(c)) == 2)
        blocks = overrides(calendar)
        moved, cancelled = blocks[at("2026-10-17T10:00")], blocks[at("2026-10-24T10:00")]
        assert moved["DTSTART"].dt == at("2026-10-18T15:00") and moved["DTEND"].dt == at("2026-10-18T16:30")
        assert str(moved["LOCATION"]) == "报告厅" and str(moved["STATUS"]) == "CONFIRMED"
        assert str(cancelled["STATUS"]) == "CANCELLED" and str(cancelled["TRANSP"]) == "TRANSPARENT"
        uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
        assert len(uids) == 1  # one series, one UID: the sessions are not separate activities

        # the whole series moves to 16:00: its cancelled session moves with it and stays cancelled
        page.goto(activity_url)
        page.click("a.button:has-text('修改')")
        page.fill("#starts_at", "2026-10-10T16:00")
        page.fill("#ends_at", "2026-10-10T17:00")
        page.click("button:has-text('保存修改')")
        expect(page.locator(".ok")).to_contain_text("修改已发布")
        expect(page.locator("tr[data-session='20261024T1600'] .badge.cancelled")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "series-moved.png"), full_page=True)

        def series_at_four(calendar) -> bool:
            master = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" not in e]
            return bool(master) and master[0]["DTSTART"].dt == at("2026-10-10T16:00")

        calendar = feed(series_at_four)
        blocks = overrides(calendar)
        assert set(blocks) == {at("2026-10-17T16:00"), at("2026-10-24T16:00")}
        assert str(blocks[at("2026-10-24T16:00")]["STATUS"]) == "CANCELLED"
        assert blocks[at("2026-10-17T16:00")]["DTSTART"].dt == at("2026-10-18T15:00")  # moved: stays where it went
        shown = recurring_ical_events.of(calendar).between(at("2026-10-02T00:00"), at("2026-11-30T00:00"))
        sessions = sorted((e["DTSTART"].dt, str(e["STATUS"])) for e in shown)
        assert sessions == [
            (at("2026-10-10T16:00"), "CONFIRMED"),
            (at("2026-10-18T15:00"), "CONFIRMED"),
            (at("2026-10-24T16:00"), "CANCELLED"),
            (at("2026-10-31T16:00"), "CONFIRMED"),
            (at("2026-11-07T16:00"), "CONFIRMED"),
            (at("2026-11-14T16:00"), "CONFIRMED"),
        ]

        # attendance of one session
        page.goto(activity_url)
        page.click("a.button:has-text('报告参加情况')")
        expect(page.locator("#session option[value='20261024T1600']")).to_have_count(0)  # cancelled: not held
        page.select_option("#session", "20261010T1600")
        page.check("input[name=held][value=yes]")
        page.fill("#participants", "25")
        page.click("button:has-text('提交')")
        expect(page.locator(".ok")).to_contain_text("参加情况已报告")
        browser.close()


def test_the_json_api_takes_sessions_refuses_ones_that_match_none_and_reports_one(system: System) -> None:
    system.start()
    account = dict(part.split("=", 1) for part in system.cli("accounts", "add", "jn").stdout.split())
    headers = {"Authorization": f"Bearer {account['token']}"}
    url = system.url + "/api/v1/activities"
    body = submission(
        "jn", "api-series", title="经典导读（每周）", start=at("2026-12-05T19:00"), recurrence="FREQ=WEEKLY;COUNT=4"
    )
    wrong = httpx.post(
        url,
        headers=headers,
        json={**body, "overrides": [{"recurrence_id": "2026-12-13T19:00:00+08:00", "status": "cancelled"}]},
    )
    assert wrong.status_code == 422
    assert "overrides: 2026-12-13T19:00+08:00 is not a session of this series" in wrong.json()["detail"]
    off_rule = httpx.post(url, headers=headers, json={**body, "recurrence": "FREQ=WEEKLY;BYDAY=SU;COUNT=4"})
    assert off_rule.status_code == 422 and "not a session of its own recurrence" in off_rule.json()["detail"]

    created = httpx.post(
        url,
        headers=headers,
        json={
            **body,
            "overrides": [
                {"recurrence_id": "2026-12-12T11:00:00Z", "status": "cancelled"},  # the same instant, in UTC
                {
                    "recurrence_id": "2026-12-19T19:00:00+08:00",
                    "starts_at": "2026-12-20T10:00:00+08:00",
                    "ends_at": "2026-12-20T12:00:00+08:00",
                    "venue": {"name": "少儿阅览室"},
                },
            ],
        },
    )
    assert created.status_code == 201, created.text

    def blocks():
        response = httpx.get(system.url + "/feeds/libraries/jn.ics", timeout=10)
        events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        return {e["RECURRENCE-ID"].dt: e for e in events if "RECURRENCE-ID" in e}

    for _ in range(100):
        found = blocks()
        if len(found) == 2:
            break
        time.sleep(0.2)
    assert str(found[at("2026-12-12T19:00")]["STATUS"]) == "CANCELLED"
    assert found[at("2026-12-19T19:00")]["DTSTART"].dt == at("2026-12-20T10:00")
    assert str(found[at("2026-12-19T19:00")]["LOCATION"]) == "少儿阅览室"
    report = httpx.post(
        system.url + "/api/v1/attendance",
        headers=headers,
        json={
            "library_id": "jn",
            "source_ref": "api-series",
            "held": True,
            "participants": 18,
            "recurrence_id": "2026-12-05T19:00:00+08:00",
        },
    )
    assert report.status_code == 202
    not_a_session = httpx.post(
        system.url + "/api/v1/attendance",
        headers=headers,
        json={
            "library_id": "jn",
            "source_ref": "api-series",
            "held": True,
            "participants": 18,
            "recurrence_id": "2026-12-06T19:00:00+08:00",
        },
    )
    assert not_a_session.status_code == 422
    assert "2026-12-06T19:00+08:00 is not a session of this series" in not_a_session.json()["detail"]
