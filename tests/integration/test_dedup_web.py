"""The review queue over HTTP: listing, deciding through the API and the page (real SQLite, real
nats-server); the published decision, applied by the consumer, merges the pair."""

from __future__ import annotations

import json

import httpx
import nats

from shuxiang.db import Databases
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import REVIEW_DECIDED, ensure_streams
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from shuxiang.web import create_app

from .auth_support import add_account, signed_in
from .dedup_support import DedupRig, announcement, decision_delivery


async def test_a_coordinator_decides_a_review_through_the_api_and_the_page(tmp_path, nats_server) -> None:
    (tmp_path / "db").mkdir()
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3")
    rig.submit(
        announcement("jn", "j1", title="公益讲座：宋词里的四季"), announcement("tz", "t1", title="讲座：宋词与节气")
    )
    settings = Settings(data_dir=tmp_path)
    context = ServiceContext(settings=settings, alliance=rig.alliance, databases=Databases(data_dir=tmp_path))
    app = create_app(context)
    connection = await nats.connect(nats_server.url)
    js = connection.jetstream()
    await ensure_streams(js)
    app.state.publisher = Publisher(js)
    office = add_account(app, context, "office", "coordinator")
    cookies, csrf = signed_in(app, "office")
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://test", cookies=cookies
        ) as client:
            [review] = (await client.get("/api/v1/dedup/reviews")).json()
            assert {review["source"]["source_ref"], review["other"]["source_ref"]} == {"j1", "t1"}
            page = await client.get("/dedup/reviews")
            assert page.status_code == 200 and "公益讲座：宋词里的四季" in page.text and "合并为同一活动" in page.text
            assert f'value="{csrf}"' in page.text and 'name="coordinator_id"' not in page.text  # who: the login
            assert "标题只部分相似" in page.text  # why a person would hesitate, in the page's language
            english = await client.get("/dedup/reviews?lang=en")
            assert "Merge: one activity" in english.text and "titles are only partly alike" in english.text

            token = {"Authorization": f"Bearer {office.token}"}
            impostor = await client.post(
                f"/api/v1/dedup/reviews/{review['id']}/decision",
                headers=token,
                json={"decision": "merge", "coordinator_id": "nobody"},
            )
            assert impostor.status_code == 403 and "nobody" in impostor.json()["detail"]
            missing = await client.post(
                "/api/v1/dedup/reviews/nope/decision", headers=token, json={"decision": "merge"}
            )
            assert missing.status_code == 404
            form = await client.post(f"/dedup/reviews/{review['id']}", data={"decision": "", "csrf_token": csrf})
            assert form.status_code == 303 and "error=" in form.headers["location"]
            no_csrf = await client.post(f"/dedup/reviews/{review['id']}", data={"decision": "merge"})
            assert no_csrf.status_code == 403

            sent = await client.post(
                f"/dedup/reviews/{review['id']}", data={"decision": "merge", "note": "同一场", "csrf_token": csrf}
            )
            assert sent.status_code == 303 and "done=" in sent.headers["location"]

        subscription = await js.pull_subscribe(f"{REVIEW_DECIDED}.*", durable="check", stream="SUBMISSIONS")
        [message] = await subscription.fetch(1, timeout=5)
        assert message.subject == f"{REVIEW_DECIDED}.office"
        decision = json.loads(message.data)
        assert decision["decision"] == "merge" and decision["note"] == "同一场"
    finally:
        await connection.close()
        context.databases.dispose()

    # a member library that follows the header's link to the queue gets a page saying why, not JSON
    add_account(app, context, "jn", "library")
    member, _ = signed_in(app, "jn")
    html = {"accept": "text/html,application/xhtml+xml"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        refused = await client.get("/dedup/reviews", headers=html, cookies=member)
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
        assert (
            "此账号无权访问" in refused.text
            and "只有联盟协调人" in refused.text
            and "/submit/login?next=" in refused.text
        )
        english = await client.get("/dedup/reviews?lang=en", headers=html, cookies=member)
        assert "Not for this account" in english.text and "coordinators" in english.text
        script = await client.get("/dedup/reviews", cookies=member)  # no browser: the JSON as before
        assert script.status_code == 403 and script.headers["content-type"] == "application/json"
        api = await client.get("/api/v1/dedup/reviews", headers=html, cookies=member)
        assert api.status_code == 403 and api.headers["content-type"] == "application/json"
    context.databases.dispose()

    rig.seq += 1
    rig.deliver(decision_delivery(decision, rig.seq))
    [activity] = rig.activities()
    assert activity["id"] == rig.own_id("jn", "j1") and len(activity["sources"]) == 2
    rig.close()
