"""The review queue over HTTP: listing, deciding through the API and the page (real SQLite, real
nats-server); the published decision, applied by the consumer, merges the pair."""

from __future__ import annotations

import json

import httpx
import nats
from shuxiang.events.publish import Publisher
from shuxiang.events.streams import REVIEW_DECIDED, ensure_streams
from shuxiang.services.plan import ServiceContext

from shuxiang.db import Databases
from shuxiang.settings import Settings
from shuxiang.web import create_app

from .dedup_support import DedupRig, announcement, decision_delivery


async def test_a_coordinator_decides_a_review_through_the_api_and_the_page(tmp_path, nats_server) -> None:
    (tmp_path / "db").mkdir()
    rig = DedupRig(tmp_path / "db" / "dedup.sqlite3")
    rig.submit(announcement("jn", "j1", title="公益讲座：宋词里的四季"),
               announcement("tz", "t1", title="讲座：宋词与节气"))
    settings = Settings(data_dir=tmp_path)
    context = ServiceContext(settings=settings, alliance=rig.alliance, databases=Databases(data_dir=tmp_path))
    app = create_app(context)
    connection = await nats.connect(nats_server.url)
    js = connection.jetstream()
    await ensure_streams(js)
    app.state.publisher = Publisher(js)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            [review] = (await client.get("/api/v1/dedup/reviews")).json()
            assert {review["source"]["source_ref"], review["other"]["source_ref"]} == {"j1", "t1"}
            page = await client.get("/dedup/reviews")
            assert page.status_code == 200 and "公益讲座：宋词里的四季" in page.text and "合并为同一活动" in page.text
            assert "标题只部分相似" in page.text  # why a person would hesitate, in the page's language
            english = await client.get("/dedup/reviews?lang=en")
            assert "Merge: one activity" in english.text and "titles are only partly alike" in english.text

            bad = await client.post(f"/api/v1/dedup/reviews/{review['id']}/decision",
                                    json={"decision": "merge", "coordinator_id": "nobody"})
            assert bad.status_code == 422 and "nobody" in bad.json()["detail"]
            missing = await client.post("/api/v1/dedup/reviews/nope/decision",
                                        json={"decision": "merge", "coordinator_id": "office"})
            assert missing.status_code == 404
            form = await client.post(f"/dedup/reviews/{review['id']}", data={"decision": "merge"})
            assert form.status_code == 303 and "error=" in form.headers["location"]

            sent = await client.post(f"/dedup/reviews/{review['id']}",
                                     data={"decision": "merge", "coordinator_id": "office", "note": "同一场"})
            assert sent.status_code == 303 and "done=" in sent.headers["location"]

        subscription = await js.pull_subscribe(f"{REVIEW_DECIDED}.*", durable="check", stream="SUBMISSIONS")
        [message] = await subscription.fetch(1, timeout=5)
        assert message.subject == f"{REVIEW_DECIDED}.office"
        decision = json.loads(message.data)
        assert decision["decision"] == "merge" and decision["note"] == "同一场"
    finally:
        await connection.close()
        context.databases.dispose()

    rig.seq += 1
    rig.deliver(decision_delivery(decision, rig.seq))
    [activity] = rig.activities()
    assert activity["id"] == rig.own_id("jn", "j1") and len(activity["sources"]) == 2
    rig.close()
