"""The alliance's public face in a real browser (Playwright driving Debian's chromium) against
`shuxiang up`: /docs with the network blocked, a reader's way from the home page through a
filter to an activity's page and into their calendar at 1280 px and 375 px, axe-core on every
public page, the QR code, OpenGraph tags, and the feed's URL opening the page.
Screenshots go to test-artifacts/ (kept by CI)."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import icalendar
import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from tests.conftest import SHANGHAI, TEST_ALLIANCE, System, submission, write_jsonl
from tests.e2e.test_intake_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def activities() -> list[dict]:
    start = datetime.now(SHANGHAI).replace(microsecond=0, second=0, minute=0) + timedelta(days=3)
    start = start.replace(hour=14)
    return [
        submission(
            "jn",
            "talk",
            title="沽上讲堂：津沽方言漫谈",
            start=start,
            brand_id="gushang",
            description="主讲：南开大学中文系教师。\n\n欢迎携带<strong>借书证</strong>入场；座位有限。",
            audience="成人读者",
            registration_url="https://reg.example.cn/e/1",
            venue={"name": "报告厅", "venue_id": "jn-hall", "address": "天津市津南区咸水沽镇津沽路 1 号"},
            organizers=[{"library_id": "jn", "role": "host"}, {"library_id": "tz", "role": "co_host"}],
        ),
        submission(
            "jn-sp1",
            "story",
            title="快乐小板凳：绘本故事会",
            category="children",
            start=start + timedelta(days=1),
            venue={"name": "农家书屋"},
            audience="3–6 岁儿童和家长",
        ),
        submission(
            "tz",
            "club",
            title="经典导读：《论语》读书会",
            category="reading_club",
            start=start + timedelta(days=2),
            venue={"name": "滕州市图书馆三楼"},
        ),
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    root = tmp_path_factory.mktemp("public")
    config = root / "alliance.toml"
    running = System(root / "data", config=config)
    # the public address, as a deployment sets it: every VEVENT's URL is its page there
    config.write_text(
        TEST_ALLIANCE.read_text(encoding="utf-8").replace(
            "[alliance]\n", f'[alliance]\nbase_url = "http://127.0.0.1:{running.port}"\n', 1
        ),
        encoding="utf-8",
    )
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
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900}, **options
    )
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


def activity_id(site: System, title: str) -> str:
    found = [a for a in httpx.get(site.url + "/api/v1/activities", timeout=10).json() if a["title"] == title]
    assert len(found) == 1, found
    return found[0]["id"]


@pytest.mark.parametrize("width", [1280, 375])
def test_home_filter_activity_page_and_add_to_calendar(site: System, browser: Browser, width: int) -> None:
    page, blocked = offline_page(browser, width, accept_downloads=True)
    shot = f"public-{width}"
    page.goto(site.url + "/?view=agenda")
    expect(page.locator("h1")).to_contain_text("阅读活动日历")
    for name in ("一馆一品", "年度指标", "活动提交", "查重复核"):
        expect(page.locator("header nav").get_by_role("link", name=name)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing sideways
    page.screenshot(path=str(ARTIFACTS / f"{shot}-1-home.png"), full_page=True)

    page.select_option("#library", "jn")
    page.check("#branches")
    page.fill("#q", "方言")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"(?=.*library=jn)(?=.*include=branches)(?=.*q=%E6%96%B9%E8%A8%80)"))
    links = page.locator(".agenda a[href^='/activities/']")
    expect(links).to_have_count(1)
    expect(links.first).to_have_text("沽上讲堂：津沽方言漫谈")
    expect(page.locator(".agenda .host").first).to_have_text("津南区图书馆")
    expect(page.locator("a.filtered-ics")).to_have_attribute("href", re.compile(r"^/feeds/filter\.ics\?"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"{shot}-2-filtered.png"), full_page=True)
    filtered = page.request.get(site.url + page.locator("a.filtered-ics").get_attribute("href"))
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(filtered.body()).walk("VEVENT")] == [
        "沽上讲堂：津沽方言漫谈"
    ]

    links.first.click()
    expect(page.locator("h1")).to_have_text("沽上讲堂：津沽方言漫谈")
    expect(page.locator(".address")).to_have_text("天津市津南区咸水沽镇津沽路 1 号")
    expect(page.locator(".organisers li")).to_have_count(2)
    expect(page.locator(".audience")).to_have_text("成人读者")
    expect(page.locator(".description strong")).to_have_text("借书证")
    expect(page.locator("a.registration")).to_have_attribute("href", "https://reg.example.cn/e/1")
    # nothing sideways at 375 px (WeChat's in-app browser)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"{shot}-3-activity.png"), full_page=True)

    with page.expect_download() as download_info:
        page.locator("a.add-to-calendar").click()
    calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "沽上讲堂：津沽方言漫谈"
    assert str(event["URL"]) == page.url.split("?")[0]
    expect(page.locator("a.webcal")).to_have_attribute("href", f"webcal://127.0.0.1:{site.port}/feeds/libraries/jn.ics")
    assert blocked == []


def test_the_qr_code_decodes_to_the_page_and_opengraph_tags_are_there(site: System, browser: Browser) -> None:
    import zxingcpp
    from PIL import Image

    page, _ = offline_page(browser, 375)
    url = f"{site.url}/activities/{activity_id(site, '沽上讲堂：津沽方言漫谈')}"
    page.goto(url + "?lang=en")
    png = page.locator(".qr svg").screenshot(path=str(ARTIFACTS / "public-qr.png"))
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.text == url
    og = {m.get_attribute("property"): m.get_attribute("content") for m in page.locator("meta[property^='og:']").all()}
    assert og["og:url"] == url and og["og:title"] == "沽上讲堂：津沽方言漫谈"
    assert og["og:type"] == "website" and og["og:locale"] == "en_US" and og["og:site_name"]
    assert "Jinnan District Library" in og["og:description"]
    expect(page.locator("a.add-to-calendar")).to_have_text("Add to my calendar (.ics)")


def test_the_feeds_url_opens_the_page(site: System, browser: Browser) -> None:
    page, _ = offline_page(browser, 1280)
    body = page.request.get(site.url + "/feeds/alliance.ics").body()
    events = {str(e["SUMMARY"]): str(e["URL"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert len(events) == 3
    for title, url in events.items():
        page.goto(url)
        expect(page.locator("h1")).to_have_text(title)


def public_pages(site: System) -> list[str]:
    talk = activity_id(site, "沽上讲堂：津沽方言漫谈")
    return [
        "/",
        "/?view=agenda",
        "/?view=agenda&library=jn&include=branches&q=方言",
        "/?lang=en",
        f"/activities/{talk}",
        f"/activities/{talk}?lang=en",
        "/activities/nope",
        "/embed/activities.html?library=jn&include=branches",
        "/brands",
        "/brands/gushang",
        "/quotas",
        "/quotas/jn",
        "/submit/login",
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_serious_or_critical_violations_on_public_pages(
    site: System, browser: Browser, width: int
) -> None:
    page, _ = offline_page(browser, width, bypass_csp=True)  # axe is injected as an inline script
    script = AXE.read_text(encoding="utf-8")
    found = {}
    for path in public_pages(site):
        page.goto(site.url + path)
        page.add_script_tag(content=script)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            found[path] = bad
    assert found == {}
