"""The demo's pages as a user sees them (`shuxiang up --demo`): a zh-CN page holds no English word
other than names and codes, and the same page in English holds no Chinese other than names.

"Visible text" is what a browser shows or reads out: the text of the HTML outside <script> and
<style> (SVG chart labels and tooltips included) and the title, alt, placeholder, aria-label
and label attributes.  Links and paths written out as text (``/feeds/alliance.ics``) are
codes.  A word is allowed when it is a code of ``CODES`` or occurs in a name: any string of
the alliance's configuration (libraries, brands, campaigns, rules) or of the activities the
API serves (titles, venues, tags, members' text) — content the members wrote, not messages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from tests.conftest import running_up_demo

CODES = {
    # formats, protocols and product names, the same in Chinese text
    "API", "JSON", "CSV", "XLSX", "ICS", "iCal", "URL", "QR", "UTC", "ID", "shuxiang", "English",
    "Excel", "RFC", "HTTP", "HTTPS", "NATS", "RRULE", "SVG", "ISO", "JPEG", "PNG", "WebP", "MB",
    # calendar applications the page names
    "Apple", "Google", "Outlook", "Thunderbird",
}  # fmt: skip
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "label"}
PATHS = re.compile(r"\S*[/@]\S*|\S*\.(?:ics|json|csv|xlsx|html)\b|shuxiang(?: [a-z-]+){1,2}")
"""Links, paths, file suffixes and commands (shuxiang accounts add) written out as text: codes."""
ASCII_WORD = re.compile(r"[A-Za-z]+")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        self.parts += [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return PATHS.sub(" ", "\n".join(parser.parts))


def strings_of(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_of(item)


def english_words(html: str, names: set[str]) -> set[str]:
    """ASCII words of a page's visible text that are neither codes nor part of a name."""
    return {w for w in ASCII_WORD.findall(visible_text(html)) if w not in CODES and w not in names}


def chinese_runs(html: str, names: str) -> set[str]:
    """Runs of Chinese characters of a page's visible text that no name contains."""
    return {run for run in CJK_RUN.findall(visible_text(html)) if run not in names}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("language") / "data"
    with running_up_demo(data_dir, healthy_within=120) as (url, process, log):
        deadline = time.monotonic() + 240
        while "demo ready" not in log.read_text(encoding="utf-8"):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.5)
        yield url, data_dir


@pytest.fixture(scope="module")
def names(demo) -> tuple[set[str], str]:
    """Every word and Chinese text of a name: the alliance's configuration and the activities served."""
    url, data_dir = demo
    texts = list(strings_of(tomllib.loads((data_dir / "alliance.toml").read_text(encoding="utf-8"))))
    offset = 0
    while page := httpx.get(f"{url}/api/v1/activities", params={"limit": 1000, "offset": offset}, timeout=30).json():
        texts += strings_of(page)
        offset += len(page)
    texts += strings_of(httpx.get(f"{url}/api/v1/brands", timeout=30).json())
    return {w for t in texts for w in ASCII_WORD.findall(t)}, "\n".join(texts)


@pytest.fixture(scope="module")
def pages(demo) -> dict[str, str]:
    """Public pages, a member's pages (logged in as jn) and a coordinator's: path → the path asked."""
    url, data_dir = demo
    activities = httpx.get(f"{url}/api/v1/activities", params={"limit": 5}, timeout=30).json()
    activity_id = activities[0]["id"] if isinstance(activities, list) else activities["items"][0]["id"]
    brands = httpx.get(f"{url}/api/v1/brands", timeout=30).json()
    brand_id = strings_of_first_id(brands)
    return {
        "/": "/",
        "/brands": "/brands",
        "/brands/{id}": f"/brands/{brand_id}",
        "/quotas": "/quotas",
        "/quotas/{library}": "/quotas/jn",
        "/stats": "/stats",
        "/activities/{id}": f"/activities/{activity_id}",
        "/embed/activities.html": "/embed/activities.html",
        "/submit/login": "/submit/login",
    }


def strings_of_first_id(value) -> str:
    items = value if isinstance(value, list) else next(v for v in value.values() if isinstance(v, list))
    first = items[0]
    return first.get("id") or first["brand"]["id"]


def member(demo) -> httpx.Client:
    url, data_dir = demo
    out = subprocess.run(
        [sys.executable, "-m", "shuxiang", "accounts", "add", "jn", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    account = dict(part.split("=", 1) for part in out.split())
    client = httpx.Client(base_url=url, timeout=30)
    login = client.get("/submit/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)[1]
    answer = client.post(
        "/submit/login",
        data={"csrf_token": token, "username": "jn", "password": account["password"], "next": "/submit"},
    )
    assert answer.status_code == 303, answer.text
    return client


def test_zh_pages_hold_no_english_words_but_names_and_codes(demo, pages, names) -> None:
    url, _ = demo
    words, _ = names
    found = {}
    for label, path in pages.items():
        response = httpx.get(url + path, timeout=30)
        assert response.status_code == 200, (path, response.status_code)
        assert '<html lang="zh-CN">' in response.text
        if english := english_words(response.text, words):
            found[label] = sorted(english)
    client = member(demo)
    for path in ("/submit", "/submit/new"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        if english := english_words(response.text, words):
            found[path] = sorted(english)
    assert not found, found


def test_english_pages_hold_no_chinese_but_names(demo, pages, names) -> None:
    url, _ = demo
    _, texts = names
    found = {}
    for label, path in pages.items():
        response = httpx.get(url + path, params={"lang": "en"}, timeout=30)
        assert response.status_code == 200, (path, response.status_code)
        if chinese := chinese_runs(response.text, texts + "\n中文"):  # the language switch says 中文
            found[label] = sorted(chinese)
    assert not found, found


def test_every_page_names_the_alliance_in_its_language(demo, pages) -> None:
    """English brand, quota and statistics pages were titled "… · 书香联盟（示例）"."""
    url, data_dir = demo
    alliance = tomllib.loads((data_dir / "alliance.toml").read_text(encoding="utf-8"))["alliance"]
    for lang, name in (("en", alliance["name_en"]), ("zh-CN", alliance["name"])):
        titles = {
            label: re.search(r"<title>(.*?)</title>", httpx.get(url + path, params={"lang": lang}, timeout=30).text)
            for label, path in pages.items()
        }
        wrong = {label: found and found[1] for label, found in titles.items() if found and not found[1].endswith(name)}
        assert not wrong, (lang, wrong)


def test_the_checks_see_a_stray_word() -> None:
    page = '<html><body><p>订阅 Subscribe <a href="/feeds/x.ics">/feeds/x.ics</a></p><style>p{color:red}</style></body>'
    assert english_words(page, names=set()) == {"Subscribe"}
    assert english_words(page, names={"Subscribe"}) == set()
    assert english_words('<p title="Close">关闭 CSV</p>', names=set()) == {"Close"}
    assert chinese_runs("<p>Subscribe 订阅 长春市图书馆</p>", "长春市图书馆") == {"订阅"}
    assert json.dumps(sorted(CODES))  # the allow-list is plain data
