"""The whole system started as a user starts it: publish over NATS with the CLI,
read back from the iCal feed (parsed by icalendar) and from `export`."""

from __future__ import annotations

import signal
import time
from datetime import datetime, timedelta

import httpx
import icalendar

from tests.conftest import System, submission, write_jsonl


def feed_events(system: System, path: str = "/feeds/alliance.ics") -> dict[str, icalendar.Event]:
    response = httpx.get(system.url + path, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_publish_revise_cancel_resend_through_the_running_system(system: System, tmp_path) -> None:
    system.start()
    first = submission("jn", "gs-1", title="沽上讲堂：津沽方言漫谈")
    cohost = submission("tz", "tz-7", title="空中文化大讲堂：《论语》导读", category="lecture")
    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", [first, cohost])), "--wait")

    events = feed_events(system)
    assert set(events) == {"沽上讲堂：津沽方言漫谈", "空中文化大讲堂：《论语》导读"}
    lecture = events["沽上讲堂：津沽方言漫谈"]
    assert lecture["DTSTART"].dt.isoformat() == first["starts_at"]  # same instant, same zone: no 8-hour shift
    assert int(lecture["SEQUENCE"]) == 0

    revised = {**first, "revision": 2, "title": "沽上讲堂：津沽方言漫谈（改期）"}
    cancelled = {**cohost, "revision": 2, "status": "cancelled"}
    system.cli("publish", str(write_jsonl(tmp_path / "b.jsonl", [revised, cancelled])), "--wait")
    events = feed_events(system)
    assert "沽上讲堂：津沽方言漫谈" not in events
    assert int(events["沽上讲堂：津沽方言漫谈（改期）"]["SEQUENCE"]) == 1
    assert str(events["【已取消】空中文化大讲堂：《论语》导读"]["STATUS"]) == "CANCELLED"
    before = system.export()

    # re-sending the same messages (and an older revision) changes nothing
    system.cli("publish", str(write_jsonl(tmp_path / "c.jsonl", [first, revised, cancelled])), "--wait")
    after = system.export()
    assert after == before
    assert len(after) == 2
    by_title = {a["title"]: a for a in after}
    assert by_title["沽上讲堂：津沽方言漫谈（改期）"]["sources"] == [
        {"library_id": "jn", "source_ref": "gs-1", "revision": 2, "status": "scheduled"}
    ]
    assert by_title["空中文化大讲堂：《论语》导读"]["status"] == "cancelled"

    library_feed = feed_events(system, "/feeds/libraries/jn.ics")
    assert set(library_feed) == {"沽上讲堂：津沽方言漫谈（改期）"}


def test_ctrl_c_stops_everything_and_a_restart_keeps_state(system: System, tmp_path) -> None:
    system.start()
    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", [submission("jn", "keep-1")])), "--wait")
    nats_pid = system.nats_pid()
    assert nats_pid is not None
    assert system.stop(signal.SIGINT) == 0
    deadline = time.monotonic() + 10
    while system.nats_pid() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert system.nats_pid() is None, "nats-server outlived shuxiang up"

    system.start()
    assert [a["sources"][0]["source_ref"] for a in system.export()] == ["keep-1"]
    assert len(feed_events(system)) == 1


def wait_until(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def test_worker_processes_run_the_same_system_and_never_outlive_up(system: System, tmp_path) -> None:
    system.start("--processes", "3")
    assert wait_until(lambda: len(system.worker_pids()) == 2), "up --processes 3 starts two worker processes"
    cohosts = [{"library_id": "jn", "role": "host"}, {"library_id": "tz", "role": "co_host"}]
    bodies = [
        submission("jn", "w-1", title="少儿绘本共读", organizers=cohosts),
        submission("tz", "w-2", title="周末亲子阅读", venue={"name": "少儿阅览室"}),
        submission("tz", "w-1-co", title="少儿绘本共读", organizers=cohosts),
    ]
    system.cli("publish", str(write_jsonl(tmp_path / "w.jsonl", bodies)), "--wait")
    # dedup (in `up` itself) merged the co-host's announcement; the calendar (one worker) serves both activities
    assert sorted(len(a["sources"]) for a in system.export()) == [1, 2]
    assert set(feed_events(system)) == {"少儿绘本共读", "周末亲子阅读"}
    assert system.stop(signal.SIGINT) == 0
    assert wait_until(lambda: not system.worker_pids()), "Ctrl-C stops the workers too"
    assert not (system.data_dir / "worker-alliance.json").exists()

    system.start("--processes", "2")
    assert wait_until(lambda: len(system.worker_pids()) == 1)
    system.kill()  # SIGKILL: no chance to stop them
    assert wait_until(lambda: not system.worker_pids()), "a worker outlived a killed `up`"


def test_replay_rebuilds_the_same_activities_ids_and_feeds(system: System, tmp_path) -> None:
    system.start()
    items = [submission("jn", f"r-{n}", title=f"沽上讲堂 第{n}讲") for n in range(30)]
    items += [
        {**items[3], "revision": 2, "title": "沽上讲堂 第3讲（改期）"},
        {**items[5], "revision": 2, "status": "cancelled"},
    ]
    # a co-host's own post of an activity the host's already credits it in: a new version, nothing visible
    cohosts = [{"library_id": "jn", "role": "host"}, {"library_id": "tz", "role": "co_host"}]
    day_after = datetime.fromisoformat(items[0]["starts_at"]) + timedelta(days=1)
    joint = submission("jn", "joint", title="读书沙龙：津沽方言漫谈", organizers=cohosts, start=day_after)
    items += [joint, {**joint, "library_id": "tz", "source_ref": "tz-joint"}]
    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", items)), "--wait")
    before = system.export()
    [joined] = [a for a in before if a["title"] == "读书沙龙：津沽方言漫谈"]
    assert {s["source_ref"] for s in joined["sources"]} == {"joint", "tz-joint"} and joined["version"] == 2
    feed_before = httpx.get(system.url + "/feeds/alliance.ics", timeout=10).content
    assert system.stop(signal.SIGTERM) == 0

    replayed = system.cli("replay")
    assert "rebuilt from 34 messages" in replayed.stderr

    system.start()
    assert system.export() == before
    assert httpx.get(system.url + "/feeds/alliance.ics", timeout=10).content == feed_before
