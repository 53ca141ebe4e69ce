"""Digests in the running system (`shuxiang up`): the outbox folder, `digest send-now`,
`digest preview`, a restart mid-period, and the HTML rendered in headless Chromium."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import SHANGHAI, System, submission, write_jsonl

CONFIG = Path(__file__).parents[1] / "data" / "digests" / "alliance.toml"
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
INJECTED = '<script>document.title="pwned"</script>\nBEGIN:VEVENT 咸水沽读书会'


@pytest.fixture
def digest_system(tmp_path: Path):
    running = System(tmp_path / "data", config=CONFIG)
    yield running
    if running.process is not None:
        running.kill()


def emls(system: System) -> list[Path]:
    return sorted((system.data_dir / "outbox").glob("*/*.eml"))


def wait_for(check, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def lease_renewed_at(system: System) -> str | None:
    try:
        with sqlite3.connect(system.data_dir / "db" / "scheduler.sqlite3") as connection:
            row = connection.execute("SELECT renewed_at FROM scheduler_lease").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def the_activities() -> list[dict]:
    soon = datetime.now(SHANGHAI).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    return [
        submission(
            "jn-b1", "xsg-1", title=INJECTED, category="reading_club", start=soon, venue={"name": "咸水沽分馆阅览室"}
        ),
        submission("jn", "gs-9", title="沽上讲堂：津沽方言漫谈", brand_id="gushang", start=soon + timedelta(days=1)),
        submission(
            "jn-b2",
            "blt-2",
            title="八里台亲子绘本共读",
            category="parent_child",
            start=soon + timedelta(days=2),
            venue={"name": "八里台分馆少儿区"},
        ),
        submission(
            "tz",
            "tz-3",
            title="空中文化大讲堂：《论语》导读",
            start=soon + timedelta(days=4),
            venue={"name": "滕州市图书馆报告厅"},
        ),
    ]


def html_part(path: Path) -> tuple[str, str, str]:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    return (message["Subject"], message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def test_digests_in_the_running_system(digest_system: System, tmp_path: Path) -> None:
    system = digest_system
    system.start()
    # the scheduler fires every coordinator's current period once, at start
    scheduled = wait_for(lambda: len(emls(system)) == 3 and emls(system), what="the scheduled digests")
    assert {p.parent.name for p in scheduled} == {"office", "jn-office", "liaison"}

    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", the_activities())), "--wait")
    result = system.cli("digest", "send-now", "--coordinator", "jn-office")
    assert "jn-office" in result.stderr
    (manual,) = [p for p in emls(system) if p.name.startswith("manual-")]
    subject, text, html = html_part(manual)
    assert subject.startswith("测试阅读推广联盟 · 即时摘要 20")
    assert "八里台亲子绘本共读" in text and "沽上讲堂：津沽方言漫谈" in text
    assert "滕州" not in text  # outside 津南's subtree
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "\nBEGIN:VEVENT" not in text

    preview = system.cli("digest", "preview", "--coordinator", "office")
    preview_path = Path(preview.stdout.strip())
    assert preview_path.exists() and preview_path.with_suffix(".txt").exists()
    assert "空中文化大讲堂：《论语》导读" in preview_path.read_text(encoding="utf-8")

    missing = system.cli("digest", "preview", "--coordinator", "nobody", check=False)
    assert missing.returncode == 1 and "no coordinator 'nobody'" in missing.stderr and "Traceback" not in missing.stderr

    # restarted mid-period: the check runs again and fires nothing
    assert system.stop() == 0
    stopped_at = lease_renewed_at(system)
    system.start()
    wait_for(lambda: (lease_renewed_at(system) or "") > (stopped_at or ""), what="the scheduler's check")
    time.sleep(1.5)  # an outbox sweep and a sender round
    assert len(emls(system)) == 4

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 760, "height": 1000})
            page.set_content(html)
            assert page.title().startswith("测试阅读推广联盟")  # the injected script did not run
            assert page.locator("script").count() == 0
            shown = page.get_by_text('<script>document.title="pwned"</script> BEGIN:VEVENT 咸水沽读书会')
            assert shown.count() == 2, text  # as text, in "new" and in "the next 14 days"
            bar_cells = page.locator("td[bgcolor]").count()
            assert bar_cells > 0
            page.screenshot(path=str(ARTIFACTS / "digest-jn-office.png"), full_page=True)
            page.goto(preview_path.as_uri())
            assert page.get_by_text("八里台亲子绘本共读").count() == 2  # new; next 14 days
            page.screenshot(path=str(ARTIFACTS / "digest-office-preview.png"), full_page=True)
        finally:
            browser.close()


DEMO_ALLIANCE = Path(__file__).parents[2] / "shuxiang" / "demo" / "alliance.toml"


def test_the_first_digest_after_up_demo_counts_the_demos_activities(tmp_path: Path) -> None:
    """Reported: at start the scheduler fired before the consumers had processed the demo, so the
    alliance office's first digest showed every annual target at 0 % and nothing coming."""
    system = System(tmp_path / "data", config=DEMO_ALLIANCE)
    try:
        system.start("--demo")
        office = system.data_dir / "outbox" / "lmb"
        (eml,) = wait_for(lambda: sorted(office.glob("*.eml")), timeout=90, what="the alliance office's digest")
        _, text, _ = html_part(eml)
        targets = [
            line
            for line in text.splitlines()
            if line.startswith("- ") and "] " in line and " / " in line and "馆已报" not in line
        ]
        done = [int(line.split(": ", 1)[1].split(" / ")[0]) for line in targets]
        report = json.loads(
            system.cli("quotas", "report", "--year", str(datetime.now(SHANGHAI).year), "--format", "json").stdout
        )
        assert sum(report["summary"].values()) > len(targets), "every target of the demo would be at risk"
        assert any(done), text  # not every target at 0 %
        upcoming = next(line for line in text.splitlines() if line.startswith("== 未来 14 天"))
        assert upcoming != "== 未来 14 天 (0) ==", text
        registered = [line for line in text.splitlines() if "馆已报" in line]
        assert registered and not all(" 0 / " in line for line in registered), text
        # one notion of a quiet brand: the digest names exactly those /brands does not call active
        brands = json.loads(system.cli("brands", "report", "--format", "json").stdout)["brands"]
        not_active = {b["name"] for b in brands if b["status"] != "active"}
        listed = {line.split("「", 1)[1].split("」", 1)[0] for line in text.splitlines() if line.startswith("- 「")}
        assert listed == not_active, text
    finally:
        if system.process is not None:
            system.kill()
