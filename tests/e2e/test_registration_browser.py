"""Sign-up to attendance in a real browser (Playwright driving Debian's chromium) against `shuxiang
up` with a real SMTP server (aiosmtpd): a reader signs up on the activity page (a phone that is no
phone first: refused in zh-CN and English), gets the confirmation mail with the check-in code, the
library's staff log in and check the code in, and the attendance reaches the brand page.
Screenshots go to test-artifacts/ (kept by CI)."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta

import httpx
from aiosmtpd.controller import Controller
from playwright.sync_api import expect, sync_playwright

from shuxiang.events.nats_server import free_loopback_port
from tests.conftest import SHANGHAI, System, submission, write_jsonl
from tests.e2e.test_intake_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.integration.test_digest_delivery import Mailbox

TITLE = "沽上讲堂：报名与签到"


def wait_for(check, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_sign_up_mail_check_in_and_the_brand_counts_the_people(system: System, tmp_path, monkeypatch) -> None:
    box = Mailbox()
    smtp_port = free_loopback_port()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    monkeypatch.setenv("SHUXIANG_SMTP_URL", f"smtp://127.0.0.1:{smtp_port}")
    try:
        run(system, box, tmp_path)
    finally:
        controller.stop()


def run(system: System, box: Mailbox, tmp_path) -> None:
    system.start()
    account = dict(part.split("=", 1) for part in system.cli("accounts", "add", "jn").stdout.split())
    start = (datetime.now(SHANGHAI) + timedelta(days=1)).replace(hour=14, minute=0, second=0, microsecond=0)
    system.cli(
        "publish",
        str(
            write_jsonl(
                tmp_path / "a.jsonl",
                [submission("jn", "signup-talk", title=TITLE, start=start, brand_id="gushang", capacity=20)],
            )
        ),
        "--wait",
    )
    activity = next(a for a in httpx.get(system.url + "/api/v1/activities", timeout=10).json() if a["title"] == TITLE)
    page_url = f"{system.url}/activities/{activity['id']}"
    wait_for(lambda: "signup-heading" in httpx.get(page_url, timeout=10).text, what="the sign-up form")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(20_000)

        page.goto(page_url)
        expect(page.locator("#signup-heading")).to_have_text("报名")
        expect(page.locator(".signup .purpose")).to_contain_text("个人信息保护法")
        expect(page.locator(".signup select[name=session] option").first).to_contain_text("余 20 个名额")
        page.screenshot(path=str(ARTIFACTS / "signup-1-form.png"), full_page=True)

        page.fill(".signup input[name=name]", "张三")
        page.fill(".signup input[name=contact]", "12345")
        page.check(".signup input[name=consent]")
        page.click(".signup button[type=submit]")
        expect(page.locator("ul.error").first).to_contain_text("不是有效的手机号")
        expect(page.locator("ul.error").first).not_to_contain_text("is not a mobile number")  # the page's language
        assert page.locator("ul.error").count() == 1  # said once, in the form shown again
        page.screenshot(path=str(ARTIFACTS / "signup-2-bad-phone.png"), full_page=True)

        page.fill(".signup input[name=contact]", "zhang@example.org")
        page.check(".signup input[name=consent]")
        page.click(".signup button[type=submit]")
        expect(page.locator(".state")).to_contain_text("报名成功")
        code = page.locator("strong.code").inner_text()
        assert re.fullmatch(r"[A-Z2-7]{8}", code)
        expect(page.locator(".qr svg")).to_be_visible()
        own_page = page.url
        page.screenshot(path=str(ARTIFACTS / "signup-3-confirmed.png"), full_page=True)

        mail = wait_for(
            lambda: next((m for m in box.messages if str(m["To"]) == "zhang@example.org"), None),
            what="the confirmation mail",
        )
        assert str(mail["Subject"]) == f"报名成功：{TITLE}"
        body = mail.get_content()
        assert code in body and own_page.split("?")[0].removeprefix(system.url) in body

        staff = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 900})
        desk = staff.new_page()
        desk.set_default_timeout(20_000)
        desk.goto(f"{page_url}/check-in")
        expect(desk).to_have_url(re.compile(r"/submit/login\?next="))
        desk.fill("#username", "jn")
        desk.fill("#password", account["password"])
        desk.click("button:has-text('登录')")
        expect(desk.locator("h1")).to_contain_text(TITLE)
        desk.fill("input[name=code]", code.lower())
        desk.click("button:has-text('签到')")
        expect(desk.locator(".message")).to_have_text("张三 签到成功")
        desk.screenshot(path=str(ARTIFACTS / "signup-4-checked-in.png"), full_page=True)

        # the check-in is the host's attendance report: the brand counts the people who came
        day = start.date().isoformat()
        brand_url = f"{system.url}/api/v1/brands/gushang?today={day}"
        figures = wait_for(
            lambda: (f := httpx.get(brand_url, timeout=10).json()["figures"]) and f["participants_total"] >= 1 and f,
            what="the attendance on the brand",
        )
        assert figures["participants_total"] == 1

        # and in the year's figures: the quotas service keeps the report, the statistics count it
        def participants() -> int:
            report = system.cli("stats", "report", "--year", str(start.year), "--library", "jn", "--format", "json")
            rows = json.loads(report.stdout)["views"]["summary"]["rows"]
            return next(row["value"] for row in rows if row["metric"] == "participants")

        wait_for(lambda: participants() >= 1, what="the attendance in the statistics report")
        assert participants() == 1
        page.goto(f"{system.url}/brands/gushang?today={day}")
        expect(page.locator(".fact b").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "signup-5-brand.png"), full_page=True)
        page.goto(own_page)
        expect(page.locator("p", has_text="已签到")).to_be_visible()
        browser.close()
