"""The embed for members' websites: upcoming activities as HTML without JavaScript (a page for
an iframe, or the bare fragment) and as read-only JSON with CORS, both with the page's filters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.test_calendar_feeds import CalendarHarness, activity


@pytest.fixture
def harness(tmp_path: Path):
    running = CalendarHarness(tmp_path / "data")
    yield running
    running.close()


def sample(harness: CalendarHarness) -> None:
    harness.deliver(
        activity("soon", days=1, title="沽上讲堂：津沽方言漫谈"),
        activity("later", days=2, host="jn-b1", category="children", title="快乐小板凳：绘本故事会"),
        activity("tz", days=3, host="tz", title="经典导读：《论语》读书会"),
        activity("past", days=-3, title="已经结束的讲座"),
        activity("weekly", days=4, host="jn", recurrence="FREQ=WEEKLY;COUNT=3", title="周末读书会"),
    )


def test_the_html_embed_lists_a_librarys_upcoming_sessions_without_javascript(harness: CalendarHarness) -> None:
    sample(harness)
    response = harness.get("/embed/activities.html?library=jn&include=branches")
    assert response.status_code == 200
    html = response.text
    assert "<script" not in html and "x-frame-options" not in {k.lower() for k in response.headers}
    titles = re.findall(r'target="_blank" rel="noopener">([^<]+)</a>\s*<span', html)
    assert titles == ["沽上讲堂：津沽方言漫谈", "快乐小板凳：绘本故事会", "周末读书会", "周末读书会", "周末读书会"]
    assert 'href="https://lib.example.org/activities/soon?lang=zh-CN"' in html
    assert "津南区图书馆咸水沽分馆" in html  # the host of each
    assert response.headers["cache-control"] == "public, max-age=300"
    bare = harness.get("/embed/activities.html?library=jn&bare=1&limit=1").text
    assert bare.lstrip().startswith('<section class="shuxiang-embed"') and bare.count("<li") == 1


def test_the_json_embed_is_read_only_with_cors_and_filters(harness: CalendarHarness) -> None:
    sample(harness)
    response = harness.client.get(
        "/embed/activities.json?category=children", headers={"Origin": "https://jn.example.cn"}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.json()
    assert [a["id"] for a in body["activities"]] == ["later"]
    first = body["activities"][0]
    assert first["host"] == {"library_id": "jn-b1", "name": "津南区图书馆咸水沽分馆"}
    assert first["url"] == "https://lib.example.org/activities/later"
    assert first["starts_at"].endswith("+08:00")
    assert body["feed"] == "https://lib.example.org/feeds/categories/children.ics"
    everything = harness.get("/embed/activities.json?limit=2&lang=en").json()["activities"]
    assert [a["id"] for a in everything] == ["soon", "later"] and everything[0]["host"][
        "name"
    ] == "Jinnan District Library"
    assert harness.client.post("/embed/activities.json").status_code == 405
    bad = harness.get("/embed/activities.json?library=nowhere")
    assert bad.status_code == 400 and bad.json() == {"error": ["没有这个图书馆：nowhere"]}
