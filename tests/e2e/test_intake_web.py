"""Member intake through the running system (`shuxiang up`): accounts from the CLI, the form and the
API over HTTP, CSV/ICS imports with `shuxiang publish --as`, and the API fuzzed with schemathesis."""

from __future__ import annotations

import http.server
import re
import subprocess
import threading
import time
import warnings
from functools import partial
from pathlib import Path

import httpx
import icalendar
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from tests.conftest import DATA, System, submission

INTAKE_DATA = DATA / "intake"


def credentials(system: System, *names: str) -> dict[str, dict[str, str]]:
    """Open accounts with the CLI; what it prints once, by account."""
    out = system.cli("accounts", "add", *names).stdout
    accounts = [dict(part.split("=", 1) for part in line.split()) for line in out.splitlines() if line.strip()]
    return {account["name"]: account for account in accounts}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def log_in(base: str, name: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=10)
    page = client.get("/submit/login")
    response = client.post(
        "/submit/login",
        data={"csrf_token": csrf_of(page.text), "username": name, "password": password, "next": "/submit"},
    )
    assert response.status_code == 303, response.text
    return client


def feed(system: System, path: str) -> list[icalendar.Event]:
    response = httpx.get(system.url + path, timeout=10)
    assert response.status_code == 200
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


def canonical(system: System) -> list[dict]:
    """The canonical activities, from the public API (what `shuxiang export activities` prints)."""
    return httpx.get(system.url + "/api/v1/activities", params={"limit": 1000}, timeout=10).json()


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.fixture(scope="module")
def calendar_server() -> str:
    """A member's own calendar, served over HTTP like any web server would."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(INTAKE_DATA))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def alliance_with_intake(path: Path, calendar_url: str) -> Path:
    """The test alliance, with a district coordinator (scope jn) and a member whose ICS calendar is pulled."""
    text = (DATA / "alliance.toml").read_text(encoding="utf-8")
    text = text.replace(
        'tier = "branch"\nparent = "jn"\n\n[[members]]\nid = "jn-sp1"',
        'tier = "branch"\nparent = "jn"\nics_url = "' + calendar_url + '/pulled.ics"\n\n[[members]]\nid = "jn-sp1"',
        1,
    )
    assert "ics_url" in text
    text += (
        '\n[[coordinators]]\nid = "jn-office"\nname = "津南区图书馆办公室"\nemail = "jn@example.org"\nscope = "jn"\n'
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def running(tmp_path_factory, calendar_server) -> System:
    base = tmp_path_factory.mktemp("intake")
    system = System(base / "data", config=alliance_with_intake(base / "alliance.toml", calendar_server))
    system.start()
    system.accounts = credentials(system, "jn", "tz", "office", "jn-office")
    yield system
    process = system.process
    try:
        system.stop()
    except subprocess.TimeoutExpired:  # never leave a running system behind (Ctrl-C is tested in test_pipeline)
        process.kill()
        process.wait()
        warnings.warn("shuxiang up did not stop within 30 s of SIGINT; killed", stacklevel=1)


@pytest.fixture(scope="module")
def jn(running: System) -> httpx.Client:
    client = log_in(running.url, "jn", running.accounts["jn"]["password"])
    yield client
    client.close()


def bearer(running: System, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {running.accounts[name]['token']}"}


# ---------------------------------------------------------------------------- authorisation


def test_a_library_cannot_edit_or_cancel_another_librarys_activity_through_the_api(running: System) -> None:
    tz_activity = submission("tz", "tz-own-1", title="空中文化大讲堂：经典导读")
    created = httpx.post(running.url + "/api/v1/activities", json=tz_activity, headers=bearer(running, "tz"))
    assert created.status_code == 201, created.text

    as_jn = bearer(running, "jn")
    for response in (
        httpx.post(running.url + "/api/v1/activities", json={**tz_activity, "title": "改"}, headers=as_jn),
        httpx.put(running.url + "/api/v1/activities/tz-own-1", json={**tz_activity, "title": "改"}, headers=as_jn),
        httpx.put(
            running.url + "/api/v1/libraries/tz/activities/tz-own-1", json={**tz_activity, "title": "改"}, headers=as_jn
        ),
        httpx.delete(running.url + "/api/v1/libraries/tz/activities/tz-own-1", headers=as_jn),
        httpx.post(
            running.url + "/api/v1/attendance",
            headers=as_jn,
            json={"library_id": "tz", "source_ref": "tz-own-1", "held": True, "participants": 3},
        ),
    ):
        assert response.status_code == 403, response.text
        assert "只能" in response.json()["detail"] and "only its own" in response.json()["detail"]
    # nobody without a token gets in
    missing = httpx.post(running.url + "/api/v1/activities", json=tz_activity)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = httpx.delete(running.url + "/api/v1/activities/tz-own-1", headers={"Authorization": "Bearer shx_tz_guess"})
    assert wrong.status_code == 401
    held = httpx.get(running.url + "/api/v1/libraries/tz/activities/tz-own-1", headers=bearer(running, "tz")).json()
    assert held["title"] == "空中文化大讲堂：经典导读" and held["status"] == "scheduled"


def test_a_library_cannot_edit_or_cancel_another_librarys_activity_through_the_form(running: System, jn) -> None:
    tz_activity = submission("tz", "tz-own-2", title="残障人士读书文化日")
    assert (
        httpx.post(running.url + "/api/v1/activities", json=tz_activity, headers=bearer(running, "tz")).status_code
        == 201
    )
    page = jn.get("/submit/new")
    token = csrf_of(page.text)
    path = "/submit/activities/tz/tz-own-2"
    assert jn.get(path + "/edit").status_code == 403
    edit = jn.post(
        path + "/edit",
        data={
            "csrf_token": token,
            "title": "改",
            "category": "lecture",
            "starts_at": "2026-12-01T10:00",
            "ends_at": "2026-12-01T11:00",
            "venue_name": "x",
        },
    )
    assert edit.status_code == 403 and "只能发布、修改和取消本馆自己的活动" in edit.text
    cancel = jn.post(path + "/cancel", data={"csrf_token": token})
    assert cancel.status_code == 403
    assert jn.get(path).status_code == 403  # not even visible to another library
    held = httpx.get(running.url + "/api/v1/libraries/tz/activities/tz-own-2", headers=bearer(running, "tz")).json()
    assert held["status"] == "scheduled" and held["revision"] == 1


def test_a_coordinator_sees_only_its_scope_and_cannot_publish(running: System) -> None:
    headers = bearer(running, "jn")
    assert (
        httpx.post(
            running.url + "/api/v1/activities",
            json=submission("jn", "jn-scope-1", title="津南区读书会"),
            headers=headers,
        ).status_code
        == 201
    )
    assert (
        httpx.post(
            running.url + "/api/v1/activities",
            json=submission("tz", "tz-scope-1", title="滕州经典导读"),
            headers=bearer(running, "tz"),
        ).status_code
        == 201
    )
    district = log_in(running.url, "jn-office", running.accounts["jn-office"]["password"])
    assert district.get("/submit/new").status_code == 403
    listing = district.get("/submit").text
    assert "津南区读书会" in listing and "滕州经典导读" not in listing
    assert district.get("/submit/activities/jn/jn-scope-1").status_code == 200
    assert district.get("/submit/activities/tz/tz-scope-1").status_code == 403
    assert district.get("/submit/activities/jn/jn-scope-1/edit").status_code == 403
    office = log_in(running.url, "office", running.accounts["office"]["password"])
    everything = office.get("/submit").text
    office.close()
    district.close()
    assert "津南区读书会" in everything and "滕州经典导读" in everything


def test_a_form_post_without_the_csrf_token_is_refused(running: System, jn) -> None:
    fields = {
        "title": "无令牌",
        "category": "lecture",
        "starts_at": "2026-12-01T10:00",
        "ends_at": "2026-12-01T11:00",
        "venue_name": "报告厅",
    }
    missing = jn.post("/submit/new", data=fields)
    assert missing.status_code == 403 and "表单已过期或来源不明" in missing.text
    forged = jn.post("/submit/new", data={**fields, "csrf_token": "forged"})
    assert forged.status_code == 403
    login_without = httpx.post(running.url + "/submit/login", data={"username": "jn", "password": "x"})
    assert login_without.status_code == 403
    titles = [a["title"] for a in canonical(running)]
    assert "无令牌" not in titles


def test_login_is_rate_limited_per_ip_and_account(running: System) -> None:
    client = httpx.Client(base_url=running.url, timeout=10, headers={"Connection": "close"})
    token = csrf_of(client.get("/submit/login").text)
    codes = [
        client.post("/submit/login", data={"csrf_token": token, "username": "jn-b2", "password": "wrong"}).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429
    last = client.post("/submit/login", data={"csrf_token": token, "username": "jn-b2", "password": "wrong"})
    assert last.status_code == 429 and "操作太频繁" in last.text and int(last.headers["retry-after"]) > 0
    # another account from the same address is not blocked by it
    other = client.post("/submit/login", data={"csrf_token": token, "username": "tz", "password": "wrong"})
    assert other.status_code == 401


def test_script_and_ical_injection_in_titles_come_out_escaped(running: System, jn) -> None:
    evil = "<script>alert('书香')</script>\r\nBEGIN:VEVENT\r\nSUMMARY:injected"
    body = submission("jn", "evil-1", title=evil)
    response = httpx.post(running.url + "/api/v1/activities", json=body, headers=bearer(running, "jn"))
    assert response.status_code == 201, response.text
    page = jn.get("/submit/activities/jn/evil-1")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(" in page.text
    listing = jn.get("/submit")
    assert "<script>alert" not in listing.text
    raw = wait_for(lambda: (r := httpx.get(running.url + "/feeds/libraries/jn.ics").content) and b"injected" in r and r)
    assert raw, "the activity never reached the feed"
    events = list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))
    assert raw.count(b"\r\nBEGIN:VEVENT\r\n") == len(events)  # no event smuggled in through the title
    assert b"\r\nSUMMARY:injected" not in raw and b"\r\nBEGIN:VEVENT\r\nSUMMARY:injected" not in raw
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "<script>alert('书香')</script>\nBEGIN:VEVENT\nSUMMARY:injected" in [
        s.replace("\r\n", "\n") for s in summaries
    ]


# ---------------------------------------------------------------------------- API behaviour


def test_api_validates_like_the_schema_and_revises_instead_of_duplicating(running: System) -> None:
    headers = bearer(running, "jn")
    url = running.url + "/api/v1/activities"
    no_offset = httpx.post(url, json=submission("jn", "api-x", starts_at="2026-12-01T10:00:00"), headers=headers)
    assert no_offset.status_code == 422
    assert no_offset.json()["detail"].startswith("starts_at:") and "UTC offset" in no_offset.json()["detail"]
    not_json = httpx.post(url, content=b"{title", headers=headers)
    assert not_json.status_code == 422 and "JSON" in not_json.json()["detail"]
    a_number = httpx.post(url, json=submission("jn", "api-x", starts_at=12345), headers=headers)
    assert a_number.status_code == 422 and "written as text" in a_number.json()["detail"]
    slash = httpx.post(url, json=submission("jn", "a/b"), headers=headers)
    assert slash.status_code == 422 and 'may not contain "/"' in slash.json()["detail"]
    outsider = httpx.post(
        url,
        json=submission("jn", "api-x", organizers=[{"library_id": "nope", "role": "co_organiser"}]),
        headers=headers,
    )
    assert outsider.status_code == 422 and "nope" in outsider.json()["detail"]
    assert "organizers" in outsider.json()["detail"] and "not members of the alliance" in outsider.json()["detail"]

    first = httpx.post(url, json=submission("jn", "api-1", title="沽上讲堂：第一讲"), headers=headers).json()
    again = httpx.post(url, json=submission("jn", "api-1", title="沽上讲堂：第一讲"), headers=headers).json()
    changed = httpx.put(
        url + "/api-1", json=submission("jn", "api-1", title="沽上讲堂：第一讲（改期）"), headers=headers
    ).json()
    assert (first["revision"], again["revision"], changed["revision"]) == (1, 1, 2)
    assert again["changed"] is False and changed["changed"] is True
    gone = httpx.delete(url + "/api-1", headers=headers).json()
    assert gone["status"] == "cancelled" and gone["revision"] == 3
    mismatch = httpx.put(url + "/other", json=submission("jn", "api-1"), headers=headers)
    assert mismatch.status_code == 422

    def exported():
        for activity in canonical(running):
            if {"library_id": "jn", "source_ref": "api-1"} in [
                {k: s[k] for k in ("library_id", "source_ref")} for s in activity["sources"]
            ]:
                return activity if activity["status"] == "cancelled" else None
        return None

    activity = wait_for(exported)
    assert activity and activity["title"] == "沽上讲堂：第一讲（改期）"
    report = httpx.post(
        running.url + "/api/v1/attendance",
        headers=headers,
        json={"library_id": "jn", "source_ref": "api-1", "held": False, "participants": 0},
    )
    assert report.status_code == 202


def test_openapi_documents_the_api_at_docs(running: System) -> None:
    assert httpx.get(running.url + "/docs").status_code == 200
    spec = httpx.get(running.url + "/openapi.json").json()
    body = spec["paths"]["/api/v1/activities"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["required"]) >= {"library_id", "source_ref", "title", "category", "starts_at", "ends_at", "venue"}
    assert "$ref" not in str(body)
    assert spec["paths"]["/api/v1/attendance"]["post"]["security"] == [{"bearer": []}]


# ---------------------------------------------------------------------------- imports


def test_csv_and_ics_imports_publish_as_the_library_and_a_second_import_updates(running: System, tmp_path) -> None:
    result = running.cli("publish", str(INTAKE_DATA / "plan.csv"), "--as", "jn", "--wait", check=False)
    assert result.returncode == 1  # one bad row
    assert "line 4" in result.stderr and "开始时间" in result.stderr
    assert "published 2" in result.stderr
    result = running.cli("publish", str(INTAKE_DATA / "member.ics"), "--as", "tz", "--wait")
    assert "published 3" in result.stderr

    def sources():
        return {
            (s["library_id"], s["source_ref"]): (a["title"], a["starts_at"], s["revision"])
            for a in canonical(running)
            for s in a["sources"]
        }

    found = sources()
    assert found[("jn", "csv-gs-1")][:2] == ("沽上讲堂：津沽方言漫谈", "2026-04-23T14:00:00+08:00")
    assert found[("tz", "tz-2026-001@tzlib.example")][0] == "空中文化大讲堂：《论语》导读"
    count = len(found)

    changed = (
        (INTAKE_DATA / "member.ics")
        .read_text(encoding="utf-8")
        .replace("LAST-MODIFIED:20260301T080000Z", "LAST-MODIFIED:20260302T080000Z")
        .replace("空中文化大讲堂：《论语》导读", "空中文化大讲堂：《论语》导读（第二讲）")
    )
    (tmp_path / "again.ics").write_text(changed, encoding="utf-8")
    running.cli("publish", str(tmp_path / "again.ics"), "--as", "tz", "--wait")
    found = sources()
    assert len(found) == count  # updated, not duplicated
    assert found[("tz", "tz-2026-001@tzlib.example")][0] == "空中文化大讲堂：《论语》导读（第二讲）"

    refused = running.cli("publish", str(INTAKE_DATA / "plan.csv"), check=False)
    assert refused.returncode == 1 and "--as" in refused.stderr

    # the librarian corrects the sheet (no 修订 column: nobody numbers rows) and imports it again
    # — as it is first, then the template's way (a title above, marks in the header, an ignored
    # column, an afternoon written in words): the corrected row replaces what it said
    sheet = (
        (INTAKE_DATA / "plan.csv")
        .read_text(encoding="utf-8")
        .replace("csv-bad,坏的一行,2026-13-01 10:00,11:00,报告厅,讲座,,,,\n", "")
    )
    (tmp_path / "plan.csv").write_text(sheet, encoding="utf-8")
    again = running.cli("publish", str(tmp_path / "plan.csv"), "--as", "jn", "--wait")
    assert "published 2, refused 0" in again.stderr
    assert sources()[("jn", "csv-gs-1")] == ("沽上讲堂：津沽方言漫谈", "2026-04-23T14:00:00+08:00", 1)
    corrected = sheet.replace(
        "编号,标题,开始时间", "2026年津南区图书馆活动计划,,\n编号,标题*,开始时间（必填）"
    ).replace("类别,重复", "类别,备注,重复")
    corrected = corrected.replace("2026-04-23 14:00,16:00,报告厅,讲座,", "2026/4/23 下午3点,17:00,报告厅,讲座,改期,")
    corrected = corrected.replace("少儿阅览区,亲子阅读,", "少儿阅览区,亲子阅读,,")
    (tmp_path / "corrected.csv").write_text(corrected, encoding="utf-8")
    result = running.cli("publish", str(tmp_path / "corrected.csv"), "--as", "jn", "--wait")
    assert result.returncode == 0 and "published 2, refused 0" in result.stderr  # 备注 ignored, said
    assert "line 2" in result.stderr and "备注" in result.stderr
    found = sources()
    assert found[("jn", "csv-gs-1")] == ("沽上讲堂：津沽方言漫谈", "2026-04-23T15:00:00+08:00", 2)
    assert found[("jn", "csv-pc-1")][2] == 1  # unchanged: the same revision, nothing published anew
    assert len(found) == count

    # a line whose revision is not above the published one but says something else would be lost:
    # refused at once; so is a line of a library the alliance does not know (not a dead letter later)
    lines = [
        '{"library_id": "jn", "source_ref": "csv-gs-1", "revision": 2, "title": "沽上讲堂：改了标题", '
        '"category": "lecture", "starts_at": "2026-04-23T15:00:00+08:00", "ends_at": "2026-04-23T17:00:00+08:00", '
        '"venue": {"name": "报告厅"}}',
        '{"library_id": "nope", "source_ref": "x-1", "title": "外来的活动", "category": "lecture", '
        '"starts_at": "2026-04-24T15:00:00+08:00", "ends_at": "2026-04-24T17:00:00+08:00", "venue": {"name": "报告厅"}}',
    ]
    (tmp_path / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = running.cli("publish", str(tmp_path / "lines.jsonl"), "--wait", check=False)
    assert result.returncode == 1 and "published 0, refused 2" in result.stderr
    assert "give it revision 3" in result.stderr and '"nope" is not a member of the alliance' in result.stderr
    assert sources()[("jn", "csv-gs-1")][0] == "沽上讲堂：津沽方言漫谈"


# ---------------------------------------------------------------------------- fuzzing


def test_the_api_never_answers_with_a_server_error(running: System) -> None:
    """schemathesis generates requests from the OpenAPI document, bounded: a few dozen per operation."""
    schema = schemathesis.openapi.from_url(running.url + "/openapi.json").include(
        path_regex=r"^/api/v1/(activities|libraries|attendance)"
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7  # the intake API and the public list
    seen: dict[int, int] = {}
    headers = bearer(running, "tz")

    for operation in operations:

        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case) -> None:
            response = case.call(base_url=running.url, headers=headers, timeout=20)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            assert response.status_code < 500, (
                f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
            )

        call()
    assert sum(seen.values()) >= len(operations) * 10
    assert set(seen) <= {200, 201, 202, 401, 403, 404, 405, 422, 429}, seen


def test_a_members_ics_url_is_pulled_on_schedule(running: System) -> None:
    """jn-b2's calendar (pulled.ics on a local web server) is pulled when the system starts."""

    def pulled():
        return {
            s["source_ref"]: a["title"] for a in canonical(running) for s in a["sources"] if s["library_id"] == "jn-b2"
        }

    found = wait_for(pulled)
    assert found == {"jn-b2-2026-01@example.org": "八里台分馆 4·23 读书月：绘本故事会"}


def test_the_activity_page_warns_when_another_library_already_posted_it(running: System, jn) -> None:
    start = "2026-11-28T15:00:00+08:00"
    theirs = submission(
        "tz",
        "tz-salon-1",
        title="4·23 读书月：《红楼梦》读书沙龙",
        category="salon",
        starts_at=start,
        ends_at="2026-11-28T17:00:00+08:00",
        venue={"name": "滕州市图书馆报告厅"},
    )
    assert httpx.post(running.url + "/api/v1/activities", json=theirs, headers=bearer(running, "tz")).status_code == 201
    wait_for(lambda: any(a["title"] == theirs["title"] for a in canonical(running)))
    ours = submission(
        "jn",
        "jn-salon-1",
        title="读书月：红楼梦读书沙龙",
        category="salon",
        starts_at=start,
        ends_at="2026-11-28T17:00:00+08:00",
        venue={"name": "报告厅"},
    )
    answer = httpx.post(running.url + "/api/v1/activities", json=ours, headers=bearer(running, "jn")).json()
    assert [(a["title"], a["libraries"]) for a in answer["lookalikes"]] == [(theirs["title"], ["tz"])]
    page = jn.get("/submit/activities/jn/jn-salon-1").text
    assert "看起来其他馆已发布了相同的活动" in page and "4·23 读书月：《红楼梦》读书沙龙" in page
    later = {
        **ours,
        "source_ref": "jn-salon-2",
        "starts_at": "2026-11-28T19:00:00+08:00",
        "ends_at": "2026-11-28T21:00:00+08:00",
    }
    assert (
        httpx.post(running.url + "/api/v1/activities", json=later, headers=bearer(running, "jn")).json()["lookalikes"]
        == []
    )
    unrelated = jn.get("/submit/activities/jn/jn-salon-2").text
    assert "看起来其他馆已发布了相同的活动" not in unrelated


def _story_hour(jn, title: str, day: str):
    """A children's story hour posted through the form, 10:00–11:00 on ``day``."""
    page = jn.get("/submit/new")
    return jn.post(
        "/submit/new",
        data={
            "csrf_token": csrf_of(page.text),
            "title": title,
            "category": "children",
            "starts_at": f"{day}T10:00",
            "ends_at": f"{day}T11:00",
            "venue_name": "少儿阅览室",
        },
    )


def test_attendance_is_reported_through_the_form_and_published(running: System, jn) -> None:
    created = _story_hour(jn, "快乐小板凳绘本故事会", "2026-11-21")
    assert created.status_code == 303
    path = created.headers["location"].split("?")[0]
    form = jn.get(path + "/report")
    wrong = jn.post(path + "/report", data={"csrf_token": csrf_of(form.text), "held": "yes", "participants": "many"})
    assert wrong.status_code == 422 and "参加人数应为 0 或正整数" in wrong.text
    done = jn.post(
        path + "/report",
        data={"csrf_token": csrf_of(form.text), "held": "yes", "participants": "35", "notes": "家长和孩子一起来"},
    )
    assert done.status_code == 303
    assert "已举办 · 35 人" in jn.get(path + "?done=report").text
    # held, 35 people — for a session next year: it has not taken place, and would count in the figures
    coming = _story_hour(jn, "快乐小板凳绘本故事会（下期）", "2027-11-20")
    ahead = coming.headers["location"].split("?")[0]
    early = jn.post(ahead + "/report", data={"csrf_token": csrf_of(form.text), "held": "yes", "participants": "35"})
    assert early.status_code == 422 and "2027-11-20 10:00 才开始，请在活动举办后再上报" in early.text
    api = httpx.post(
        running.url + "/api/v1/attendance",
        headers=bearer(running, "jn"),
        json={"library_id": "jn", "source_ref": ahead.rsplit("/", 1)[-1], "held": True, "participants": 35},
    )
    assert api.status_code == 422 and "once it has taken place" in api.text
    source_ref = path.rsplit("/", 1)[-1]
    with httpx.Client(base_url=running.url) as client:  # the report reached the log: the API sees it too
        held = client.get(f"/api/v1/libraries/jn/activities/{source_ref}", headers=bearer(running, "jn"))
    assert held.status_code == 200 and held.json()["title"] == "快乐小板凳绘本故事会"
