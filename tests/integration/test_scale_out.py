"""Scale-out: two replicas of every consumer, sharing their durable consumers on PostgreSQL, with
one replica of dedup and of quotas SIGKILLed mid-stream and started again, reach the same final
state as one replica of each: the same activities with the same credits (dedup), the same feed
(calendar), the same tallies (quotas) and the same brand figures (brands).

Each run has its own nats-server and its own PostgreSQL schema; every service is a
``shuxiang serve`` process, as the distributed deployment runs them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import icalendar
import pytest

from shuxiang.events.nats_server import EmbeddedNatsServer, free_loopback_port
from tests.conftest import SHANGHAI, TEST_ALLIANCE, stop_processes, submission, wait_healthy, write_jsonl

pytestmark = pytest.mark.slow

SERVICES = ("dedup", "calendar", "brands", "quotas")
SHUXIANG = [sys.executable, "-m", "shuxiang"]
QUOTA_RULE = """
[[quota_rules]]
id = "sessions"
name = "全年读者活动 60 场"
name_en = "60 sessions a year"
roles = ["host", "co_host"]
minimum = 60
"""


def workload() -> list[dict]:
    """Announcements, co-host re-announcements, revisions and cancellations, in that order."""
    libraries = ["jn", "tz", "jn-b1", "jn-b2", "central"]
    base = datetime.now(SHANGHAI).replace(month=1, day=5, hour=9, minute=0, second=0, microsecond=0)
    originals = []
    for n in range(400):
        library = libraries[n % len(libraries)]
        start = base + timedelta(days=n % 300, hours=n % 5)
        if library == "jn":
            body = submission("jn", f"s-{n}", title=f"沽上讲堂 第{n}讲", start=start, brand_id="gushang")
        else:
            body = submission(
                library,
                f"s-{n}",
                title=f"读书分享会 第{n}期",
                start=start,
                category="reading_club",
                venue={"name": f"{library} 读者活动室"},
            )
        originals.append(body)
    cohosts = [
        {
            **body,
            "library_id": "jn-b1",
            "source_ref": f"co-{n}",
            "title": f"【联办】{body['title']}",
            "organizers": [{"library_id": "jn", "role": "host"}, {"library_id": "jn-b1", "role": "co_host"}],
        }
        for n, body in enumerate(originals)
        if body["library_id"] == "jn" and n % 10 == 0
    ]
    revisions = [
        {
            **body,
            "revision": 2,
            "title": body["title"] + "（改期）",
            "starts_at": (datetime.fromisoformat(body["starts_at"]) + timedelta(hours=1)).isoformat(),
            "ends_at": (datetime.fromisoformat(body["ends_at"]) + timedelta(hours=1)).isoformat(),
        }
        for n, body in enumerate(originals)
        if n % 7 == 3
    ]
    cancellations = [{**body, "revision": 3, "status": "cancelled"} for n, body in enumerate(originals) if n % 13 == 5]
    return originals + cohosts + revisions + cancellations


def without_ids(value, names: dict):
    """``value`` with every activity id replaced by the activity's (title, start), and lists of such
    entries sorted, so two runs that numbered the same activities differently compare equal."""
    if isinstance(value, dict):
        return {
            k: (list(names.get(v, (v,))) if k == "activity_id" else without_ids(v, names)) for k, v in value.items()
        }
    if isinstance(value, list):
        items = [without_ids(v, names) for v in value]
        if items and all(isinstance(v, dict) and "activity_id" in v for v in items):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        return items
    return value


class Deployment:
    """A nats-server, a PostgreSQL schema and ``shuxiang serve`` processes."""

    def __init__(self, root: Path, database_url: str, config: Path) -> None:
        self.root = root
        self.nats = EmbeddedNatsServer(root / "nats")
        self.port = free_loopback_port()
        self.env = {
            **os.environ,
            "SHUXIANG_DATABASE_URL": database_url,
            "SHUXIANG_CONFIG": str(config),
            "SHUXIANG_PORT": str(self.port),
            "SHUXIANG_DATA_DIR": str(root),
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, replicas: int) -> None:
        self.nats.start()
        self.env["SHUXIANG_NATS_URL"] = self.nats.url
        self.cli("migrate")
        for service in (*SERVICES, "web"):
            for replica in range(replicas if service != "web" else 1):
                self.spawn(f"{service}-{replica}")
        wait_healthy(f"http://127.0.0.1:{self.port}", self.processes["web-0"], self.root / "web-0.log")

    def spawn(self, name: str) -> None:
        log = (self.root / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [*SHUXIANG, "serve", name.rsplit("-", 1)[0]], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def kill(self, name: str) -> None:
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait(timeout=30)

    def cli(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run([*SHUXIANG, *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"shuxiang {' '.join(args)}: {result.stderr[-2000:]}"
        return result.stdout

    def state(self) -> dict:
        """What each service ends with, without the ids and times a concurrent run may choose differently."""
        activities = [json.loads(line) for line in self.cli("export", "activities").splitlines()]
        live = Counter(
            (
                a["title"],
                a["status"],
                a["starts_at"],
                tuple(sorted((o["library_id"], o["role"]) for o in a["organizers"])),
                tuple(sorted((s["library_id"], s["source_ref"]) for s in a["sources"])),
            )
            for a in activities
            if a["sources"]
        )
        feed = icalendar.Calendar.from_ical(
            httpx.get(f"http://127.0.0.1:{self.port}/feeds/alliance.ics", timeout=30).content
        )
        events = Counter(
            (str(e["SUMMARY"]), e["DTSTART"].dt.isoformat(), str(e.get("STATUS"))) for e in feed.walk("VEVENT")
        )
        year = str(datetime.now(SHANGHAI).year)
        quotas = json.loads(
            self.cli("quotas", "report", "--format", "json", "--year", year, "--as-of", f"{year}-12-31")
        )
        # the report names activities by id (those not counted); ids follow stream sequences
        names = {a["id"]: (a["title"], a["starts_at"]) for a in activities}
        quotas = without_ids(quotas, names)
        brands = json.loads(self.cli("brands", "report", "--format", "json", "--today", f"{year}-12-31"))
        return {"activities": live, "feed": events, "quotas": quotas, "brands": brands}

    def stop(self) -> None:
        try:
            stop_processes(self.processes, {name: self.root / f"{name}.log" for name in self.processes})
        finally:
            self.nats.stop()


def test_two_replicas_of_every_consumer_with_kills_reach_the_state_of_one(
    tmp_path, postgres_url, another_postgres_url
) -> None:
    config = tmp_path / "alliance.toml"
    config.write_text(TEST_ALLIANCE.read_text(encoding="utf-8") + QUOTA_RULE, encoding="utf-8")
    items = workload()
    data = write_jsonl(tmp_path / "workload.jsonl", items)

    one = Deployment(tmp_path / "one", postgres_url, config)
    try:
        one.start(replicas=1)
        one.cli("publish", str(data), "--wait", "--timeout", "600", timeout=660)
        reference = one.state()
    finally:
        one.stop()

    two = Deployment(tmp_path / "two", another_postgres_url, config)
    try:
        two.start(replicas=2)
        publishing = subprocess.Popen(
            [*SHUXIANG, "publish", str(data)], env=two.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(1.0)  # mid-stream
        two.kill("dedup-0")
        two.kill("quotas-1")
        assert publishing.wait(timeout=300) == 0, publishing.stderr.read()
        two.spawn("dedup-0")
        two.spawn("quotas-1")
        two.cli("publish", "/dev/null", "--wait", "--timeout", "600", timeout=660)
        scaled = two.state()
    finally:
        two.stop()

    assert sum(reference["activities"].values()) > 300  # the workload really merged and kept activities
    assert any(len(key[3]) == 2 for key in reference["activities"])  # co-hosted ones, credited twice
    assert sum(reference["feed"].values()) > 20  # the feed's window: the last 90 days and ahead
    assert '"gushang"' in json.dumps(reference["brands"]) and reference["quotas"]
    for part in ("activities", "feed", "quotas", "brands"):
        assert scaled[part] == reference[part], part
