"""Sign-up through `shuxiang up` as a reader with only a phone number (no browser): the
confirmation arrives as a text in the SMS outbox folder; the reader erases their data; after a real
`shuxiang replay` (which rebuilds the registrations' tables from the broker log) the erased reader's
name and phone are in no database file, the other reader's are back (the keys survived the replay),
and the states are the same."""

from __future__ import annotations

import json
import signal
import sqlite3
from datetime import datetime, timedelta

import httpx

from tests.conftest import SHANGHAI, System, submission, write_jsonl
from tests.e2e.test_registration_browser import wait_for

TITLE = "沽上讲堂：短信与删除"


def stored(system: System) -> str:
    out = []
    for path in sorted((system.data_dir / "db").glob("registrations*.sqlite3")):
        with sqlite3.connect(path) as db:
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                out += [" ".join(map(str, row)) for row in db.execute(f'SELECT * FROM "{table}"')]
    return "\n".join(out)


def test_a_phone_only_reader_gets_a_text_and_erasure_survives_a_replay(system: System, tmp_path) -> None:
    system.start()
    start = (datetime.now(SHANGHAI) + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    item = submission("jn", "sms-talk", title=TITLE, start=start, capacity=5)
    system.cli("publish", str(write_jsonl(tmp_path / "a.jsonl", [item])), "--wait")
    activity = next(a for a in httpx.get(system.url + "/api/v1/activities", timeout=10).json() if a["title"] == TITLE)
    api = f"{system.url}/api/v1/activities/{activity['id']}/registrations"

    def sign_up(body: dict) -> str:
        answer = wait_for(
            lambda: (r := httpx.post(api, json=body, timeout=10)).status_code == 202 and r,
            what="the sign-up accepted",
        )
        return answer.json()["token"]

    zhang = sign_up({"name": "张三", "phone": "13800000001"})
    li = sign_up({"name": "李四", "phone": "13800000002", "lang": "en"})
    outbox = system.data_dir / "sms-outbox"
    texts = wait_for(
        lambda: len(found := [json.loads(p.read_text(encoding="utf-8")) for p in outbox.glob("*.json")]) >= 2 and found,
        what="two texts in the SMS outbox",
    )
    by_phone = {t["to"]: t["text"] for t in texts}
    assert by_phone["13800000001"].startswith(f"张三，您已报名“{TITLE}”") and "签到码" in by_phone["13800000001"]
    assert by_phone["13800000002"].startswith(f'李四: your place at "{TITLE}"')
    assert f"/registrations/{zhang}" in by_phone["13800000001"]
    assert not list((system.data_dir / "outbox").glob("registrations/*.eml"))  # no e-mail: none was given

    assert httpx.post(f"{system.url}/registrations/{zhang}/erase", timeout=10).status_code == 200
    wait_for(
        lambda: httpx.get(f"{system.url}/api/v1/registrations/{zhang}", timeout=10).json()["state"] == "erased",
        what="the erasure applied",
    )
    assert "张三" not in stored(system) and "13800000001" not in stored(system)
    assert system.stop(signal.SIGTERM) == 0

    system.cli("replay")
    after = stored(system)
    assert "张三" not in after and "13800000001" not in after  # the log's copy no longer opens
    assert "李四" in after and "13800000002" in after  # not erased: opened again with its kept key
    system.start()
    states = {t: httpx.get(f"{system.url}/api/v1/registrations/{t}", timeout=10).json()["state"] for t in (zhang, li)}
    assert states == {zhang: "erased", li: "confirmed"}  # an erased link shows nothing (410)
