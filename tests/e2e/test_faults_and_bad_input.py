"""Crashes and bad input against the real embedded runtime."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from datetime import datetime, timedelta

import httpx
import nats

from shuxiang.events.publish import Publisher
from tests.conftest import SHANGHAI, System, submission, write_jsonl


def processed_count(system: System) -> int:
    path = system.data_dir / "db" / "dedup.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        try:
            return db.execute("select count(*) from dedup_source").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def thousand() -> list[dict]:
    start = datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)
    return [
        submission(
            "jn-b1",
            f"k-{n:04d}",
            title=f"快乐小板凳·绘本共读 第{n}期",
            start=start + timedelta(hours=n),
            category="children",
        )
        for n in range(1000)
    ]


async def publish_all(url: str, items: list[dict]) -> None:
    connection = await nats.connect(url)
    publisher = Publisher(connection.jetstream())
    await publisher.publish_many(
        [
            (
                f"shuxiang.activity.submitted.{i['library_id']}",
                f"sub:{i['library_id']}:{i['source_ref']}:1",
                json.dumps(i, ensure_ascii=False).encode(),
            )
            for i in items
        ]
    )
    await connection.close()


def test_sigkill_while_consuming_loses_nothing_and_counts_nothing_twice(system: System) -> None:
    system.start()
    items = thousand()
    asyncio.run(publish_all(system.nats_url(), items))
    deadline = time.monotonic() + 30
    while processed_count(system) == 0 and time.monotonic() < deadline:
        time.sleep(0.002)
    at_kill = processed_count(system)
    system.kill()
    assert 0 < at_kill < len(items), f"the kill should land mid-stream (processed {at_kill})"

    system.start()
    system.cli("publish", "/dev/null", "--wait")  # nothing to publish: just wait for the consumers
    exported = system.export()
    refs = [a["sources"][0]["source_ref"] for a in exported]
    assert len(refs) == len(items) == len(set(refs))
    assert set(refs) == {i["source_ref"] for i in items}
    feed = httpx.get(f"{system.url}/feeds/libraries/jn-b1.ics", timeout=10).content
    assert feed.count(b"BEGIN:VEVENT") == len(items)


def test_bad_messages_become_dead_letters_with_reasons_and_lose_nothing(system: System, tmp_path) -> None:
    system.start()
    good = submission("jn", "good-1")
    system.cli("publish", str(write_jsonl(tmp_path / "good.jsonl", [good])), "--wait")

    no_offset = submission("jn", "bad-offset", starts_at="2026-12-05T14:00:00")
    backwards = submission("jn", "bad-order")
    backwards["starts_at"], backwards["ends_at"] = backwards["ends_at"], backwards["starts_at"]
    wrong_library = submission("tz", "bad-subject")
    huge = submission("jn", "bad-huge", title="书" * (2 * 1024 * 1024 // 3))

    async def publish_raw() -> None:
        connection = await nats.connect(system.nats_url())
        js = connection.jetstream()
        await js.publish("shuxiang.activity.submitted.jn", json.dumps(no_offset).encode())
        await js.publish("shuxiang.activity.submitted.jn", json.dumps(backwards).encode())
        await js.publish("shuxiang.activity.submitted.jn", json.dumps(wrong_library).encode())
        await js.publish("shuxiang.activity.submitted.jn", b'{"library_id": "jn", "title": ')
        await js.publish("shuxiang.activity.submitted.jn", json.dumps(huge, ensure_ascii=False).encode())
        await connection.close()

    asyncio.run(publish_raw())
    system.cli("publish", "/dev/null", "--wait")

    letters = httpx.get(f"{system.url}/api/v1/dead-letters", timeout=10, headers=system.bearer()).json()
    reasons = sorted(letter["reason"] for letter in letters)
    assert len(letters) == 5
    assert any(r.startswith("starts_at: 需要带时区偏移") and "/ needs a UTC offset" in r for r in reasons)
    assert any("ends_at is before starts_at" in r for r in reasons)
    assert any(
        'library_id "tz" 与主题 shuxiang.activity.submitted.jn 不符' in r
        and 'library_id "tz" does not match the subject shuxiang.activity.submitted.jn' in r
        for r in reasons
    )
    assert any(r.startswith("不是有效的 JSON / not valid JSON") for r in reasons)
    assert any(r.startswith("title: 太长（最多 200 个字符）") for r in reasons)
    assert max(letter["payload_bytes"] for letter in letters) > 2 * 1024 * 1024 - 10  # kept whole, replayable
    assert all(len(r) < 400 for r in reasons)  # reasons never echo the payload

    assert [a["sources"][0]["source_ref"] for a in system.export()] == ["good-1"]


def test_cli_publish_names_each_bad_line_and_publishes_the_good_ones(system: System, tmp_path) -> None:
    system.start()
    lines = [
        submission("jn", "ok-1", title="沽上讲堂：津门诗词"),
        submission("jn", "x-1", starts_at="2026-12-05T14:00:00"),
        submission("jn", "x-2", title="书" * 300),
        submission("jn", "ok-2", title="好书伴我成长·亲子共读", venue={"name": "少儿阅览室"}),
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", lines)
    with path.open("a") as handle:
        handle.write("{not json\n")
    result = system.cli("publish", str(path), "--wait", check=False)
    assert result.returncode == 1
    assert (
        f"{path}:line 2: starts_at: 需要带时区偏移，例如 2026-04-23T14:00:00+08:00 / needs a UTC offset"
        in result.stderr
    )
    assert f"{path}:line 3: title: 太长（最多 200 个字符）" in result.stderr
    assert f"{path}:line 5: 不是有效的 JSON" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(a["sources"][0]["source_ref"] for a in system.export()) == ["ok-1", "ok-2"]

    wrong = system.cli(
        "publish", str(write_jsonl(tmp_path / "as.jsonl", [submission("tz", "t-1")])), "--as", "jn", check=False
    )
    assert wrong.returncode == 1 and 'library_id "tz" 不是 --as jn / library_id "tz" is not --as jn' in wrong.stderr
