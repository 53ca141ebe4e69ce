"""The alliance's public face in a real browser (Playwright driving Debian's chromium) against
`shuxiang up`: /docs with the network blocked, a reader's way from the home page through a
filter to an activity's page and into their calendar at 1280 px and 375 px, axe-core on every
public page, the QR code, OpenGraph tags, and the feed's URL opening the page.
Screenshots go to test-artifacts/ (kept by CI)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import icalendar
import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from tests.conftest import SHANGHAI, System, submission, write_jsonl
from tests.e2e.test_intake_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def activities() -> list[dict]:
    start = datetime.now(SHANGHAI).replace(microsecond=0, second=0, minute=0) + timedelta(days=3)
    start = start.replace(hour=14)
    return [
        submission("jn", "talk", title="沽上讲堂：津沽方言漫谈", start=start, brand_id="gushang",
                   description="主讲：南开大学中文系教师。\n\n欢迎携带<strong>借书证</strong>入场；座位有限。",
                   audience="成人读者", registration_url="https://reg.example.cn/e/1",
                   venue={"name": "报告厅", "venue_id": "jn-hall", "address": "天津市津南区咸水沽镇津沽路 1 号"},
                   organizers=[{"library_id": "jn", "role": "host"}, {"library_id": "tz", "role": "co_host"}]),
        submission("jn-sp1", "story", title="快乐小板凳：绘本故事会", category="children",
                   start=start + timedelta(days=1), venue={"name": "农家书屋"}, audience="3–6 岁儿童和家长"),
        submission("tz", "club", title="经典导读：《论语》读书会", category="reading_club",
                   start=start + timedelta(days=2), venue={"name": "滕州市图书馆三楼"}),
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    root = tmp_path_factory.mktemp("public")
    running = System(root / "data")
    running.start()
    running.cli("publish", str(write_jsonl(root / "a.jsonl", activities())), "--wait")
    yield running
    running.stop()
    deadline = time.monotonic() + 10
    while running.nats_pid() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def offline_page(browser: Browser, width: int, **options) -> tuple[Page, list[str]]:
    """A page whose requests to any host but this machine are aborted (and listed)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": width, "height": 900}, **options)
    blocked: list[str] = []

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page, blocked


def test_docs_render_with_the_network_blocked(site: System, browser: Browser) -> None:
    page, blocked = offline_page(browser, 1280)
    page.goto(site.url + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("shuxiang")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    expect(page.get_by_text("/api/v1/activities").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "public-docs.png"))
    assert blocked == []  # nothing was even asked of another host
    assert httpx.get(site.url + "/docs").text.count("cdn.jsdelivr.net") == 0
