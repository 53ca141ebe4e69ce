"""Posters in the distributed deployment: the JetStream object store, shared by every web replica.

Two web fronts (runtimes as `shuxiang serve web` starts them, over HTTP, data dirs of their own)
on one real nats-server with the users `shuxiang accounts nats-config` writes: what one stores
the other serves, with the same cache headers; a refused or failed upload leaves nothing in the
bucket; a library's NATS user cannot touch the bucket.  And on a three-node cluster: replicated,
served with the bucket's leader killed."""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import re

import httpx
import pytest
from nats.errors import TimeoutError as NatsTimeout
from nats.js import api
from PIL import Image

from shuxiang.alliance import load_alliance
from shuxiang.events.nats_server import free_loopback_port
from shuxiang.posters import BUCKET, CACHE_FOREVER, ObjectPosterStore, PosterStore, posters_of
from shuxiang.runtime import Runtime
from shuxiang.services.intake.auth import Auth
from shuxiang.services.intake.nats_users import inbox_prefix
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE, submission

from .auth_support import create_all_tables
from .faults import cluster_nodes
from .test_intake_nats_users import connect_as, secured_nats  # noqa: F401 (a fixture)


def poster_bytes(size=(1200, 800)) -> bytes:
    """A noisy PNG: its JPEG is a few hundred kB, several object-store chunks (128 kB each)."""
    out = io.BytesIO()
    noise = random.Random(size[0]).randbytes(size[0] * size[1] * 3)  # the same size, the same image
    Image.frombytes("RGB", size, noise).save(out, "PNG")
    return out.getvalue()


async def web_replica(tmp_path, name: str, port: int, password: str) -> Runtime:
    """A `shuxiang serve web` as the CLI starts it: the web front on a port of its own, no consumers,
    its own data dir, the broker's runtime user."""
    settings = Settings(
        data_dir=tmp_path / name,
        nats_url=f"nats://shuxiang:{password}@127.0.0.1:{port}",
        port=free_loopback_port(),
        stream_replicas=1,
    )
    runtime = Runtime(settings=settings, alliance=load_alliance(TEST_ALLIANCE), services=[], web=True, announce=False)
    await runtime.start()
    create_all_tables(runtime.context)
    return runtime


def client(runtime: Runtime) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=runtime.settings.public_url, timeout=30)


def bearer(runtime: Runtime, library: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {Auth.from_context(runtime.context).accounts.add(library, 'library').token}"}


async def logged_in(runtime: Runtime, library: str) -> httpx.AsyncClient:
    """A member's browser signed in at ``/submit/login`` of this web replica (its account made before)."""
    password = Auth.from_context(runtime.context).accounts.reset(library).password
    browser = client(runtime)
    page = await browser.get("/submit/login")
    signed = await browser.post(
        "/submit/login",
        data={"csrf_token": csrf_of(page.text), "username": library, "password": password, "next": "/submit"},
    )
    assert signed.status_code == 303, signed.text
    return browser


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def cached(runtime: Runtime) -> list:
    root = runtime.settings.data_dir / "posters"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_a_poster_uploaded_through_one_web_replica_is_served_by_another(
    tmp_path,
    secured_nats,  # noqa: F811
) -> None:
    port, passwords = secured_nats
    one = await web_replica(tmp_path, "one", port, passwords["shuxiang"])
    two = await web_replica(tmp_path, "two", port, passwords["shuxiang"])
    try:
        assert isinstance(posters_of(one.context), ObjectPosterStore)  # distributed: not the data dir
        token, second_token = bearer(one, "jn"), bearer(two, "jn")
        async with client(one) as a, client(two) as b:
            uploaded = await a.post(
                "/api/v1/posters", content=poster_bytes(), headers={**token, "Content-Type": "image/png"}
            )
            assert uploaded.status_code == 201, uploaded.text
            name = uploaded.json()["poster"]
            assert cached(two) == []  # the second replica has never seen it

            served = await b.get(f"/posters/{name}")
            assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
            assert served.headers["cache-control"] == CACHE_FOREVER == "public, max-age=31536000, immutable"
            assert served.headers["x-content-type-options"] == "nosniff"
            assert served.content == (await a.get(f"/posters/{name}")).content
            assert Image.open(io.BytesIO(served.content)).size == (1200, 800)
            assert [p.name for p in cached(two)] == [name]  # kept for the next request
            again = await b.get(f"/posters/{name}", headers={"If-None-Match": served.headers["etag"]})
            assert again.status_code == 304 and again.headers["cache-control"] == CACHE_FOREVER

            # the second replica knows it: a submission naming it is accepted there, the same image is not new
            accepted = await b.post("/api/v1/activities", headers=second_token, json=submission(poster=name))
            assert accepted.status_code == 201, accepted.text
            same = await b.post(
                "/api/v1/posters", content=poster_bytes(), headers={**second_token, "Content-Type": "image/png"}
            )
            assert same.status_code == 200 and same.json()["poster"] == name

            missing = "0" * 64 + ".jpg"
            for path in (f"/posters/{missing}", "/posters/not-a-poster.jpg"):
                gone = await b.get(path)
                assert gone.status_code == 404 and "No such poster" in gone.text and "没有这张海报" in gone.text
            assert (await b.get("/posters/..%2Fnats%2Fpasswords.json")).status_code == 404
            unknown = await b.post(
                "/api/v1/activities", headers=second_token, json=submission(source_ref="a2", poster=missing)
            )
            assert unknown.status_code == 422 and "no such poster" in unknown.text

        # the member form on the second replica: its poster is served by the first
        async with contextlib.aclosing(await logged_in(two, "jn")) as browser, client(one) as a:
            token = csrf_of((await browser.get("/submit/new")).text)
            fields = {
                "csrf_token": token,
                "title": "快乐小板凳：绘本故事会",
                "category": "children",
                "starts_at": "2026-12-20T10:00",
                "ends_at": "2026-12-20T11:00",
                "venue_name": "少儿阅览室",
            }
            done = await browser.post(
                "/submit/new", data=fields, files={"poster_file": ("p.png", poster_bytes((640, 480)), "image/png")}
            )
            assert done.status_code == 303, done.text
            [form_poster] = [p.name for p in cached(two) if p.name != name]
            from_form = await a.get(f"/posters/{form_poster}")
            assert from_form.status_code == 200 and Image.open(io.BytesIO(from_form.content)).size == (640, 480)

        bucket = await one.js.object_store(BUCKET)
        assert (await bucket.get(name)).data == served.content
        assert sorted(info.name for info in await bucket.list()) == sorted([name, form_poster])  # each once
    finally:
        await two.stop()
        await one.stop()


async def test_a_refused_or_failed_upload_leaves_nothing_stored(tmp_path, secured_nats) -> None:  # noqa: F811
    port, passwords = secured_nats
    service, _ = await connect_as(port, "shuxiang", passwords["shuxiang"])
    # a bucket that takes one chunk of a poster and refuses the next: the upload fails half-way
    await service.jetstream().create_object_store(BUCKET, config=api.ObjectStoreConfig(max_bytes=200_000))
    one = await web_replica(tmp_path, "one", port, passwords["shuxiang"])
    two = await web_replica(tmp_path, "two", port, passwords["shuxiang"])
    try:
        token = bearer(one, "jn")
        async with client(one) as a:
            refusals = [
                (b"GIF89a not a poster", "image/gif", 415),
                (poster_bytes((300, 200)), "image/jpeg", 422),  # PNG content claiming to be a JPEG
                (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png", 422),  # damaged
            ]
            for body, content_type, status in refusals:
                refused = await a.post("/api/v1/posters", content=body, headers={**token, "Content-Type": content_type})
                assert refused.status_code == status, refused.text
            failed = await a.post(
                "/api/v1/posters", content=poster_bytes(), headers={**token, "Content-Type": "image/png"}
            )
            assert failed.status_code == 503 and "try again later" in failed.text
            # what nats-py published of it was purged: nothing to read, nothing cached, no 500 anywhere
            state = (await service.jetstream().stream_info(f"OBJ_{BUCKET}")).state
            assert state.messages == 0 and state.bytes == 0
            assert cached(one) == [] and cached(two) == []
            for replica in (one, two):
                store = posters_of(replica.context)
                assert await asyncio.to_thread(store.exists, "0" * 64 + ".jpg") is False
    finally:
        await two.stop()
        await one.stop()
        await service.close()


async def test_only_the_runtime_user_may_use_the_poster_bucket(tmp_path, secured_nats) -> None:  # noqa: F811
    port, passwords = secured_nats
    one = await web_replica(tmp_path, "one", port, passwords["shuxiang"])
    jn, errors = await connect_as(port, "jn", passwords["jn"], inbox_prefix=inbox_prefix("jn"))
    try:
        store = posters_of(one.context)
        poster = await asyncio.to_thread(store.add, poster_bytes((400, 300)), content_type="image/png")
        assert poster.created
        with pytest.raises(NatsTimeout):  # the bucket's stream info: a $JS.API call it may not make
            await jn.request(f"$JS.API.STREAM.INFO.OBJ_{BUCKET}", b"", timeout=1)
        with pytest.raises(NatsTimeout):  # reading the object's metadata directly
            await jn.request(f"$JS.API.DIRECT.GET.OBJ_{BUCKET}", b'{"last_by_subj": "$O.x"}', timeout=1)
        await jn.publish(f"$O.{BUCKET}.C.forged", b"not a poster chunk")
        await jn.flush()
        await asyncio.sleep(0.3)
        violations = " ".join(str(e).lower() for e in errors)
        assert f'permissions violation for publish to "$o.{BUCKET}.c.forged"' in violations
        assert f"$js.api.stream.info.obj_{BUCKET}" in violations
        stored = await (await one.js.object_store(BUCKET)).get_info(poster.name)
        state = (await one.js.stream_info(f"OBJ_{BUCKET}")).state
        assert state.messages == stored.chunks + 1  # the poster's chunks and its metadata, nothing forged
    finally:
        await jn.close()
        await one.stop()


def test_the_embedded_runtime_keeps_posters_in_the_data_dir(tmp_path) -> None:
    from shuxiang.db import Databases
    from shuxiang.services.plan import ServiceContext

    context = ServiceContext(
        settings=Settings(data_dir=tmp_path),
        alliance=load_alliance(TEST_ALLIANCE),
        databases=Databases(data_dir=tmp_path),
    )
    store = posters_of(context)
    assert isinstance(store, PosterStore) and store.root == tmp_path / "posters"


async def test_posters_are_replicated_with_the_cluster_and_survive_a_node(tmp_path) -> None:
    """SHUXIANG_STREAM_REPLICAS=3 on a three-node cluster: the bucket has three replicas, and a
    poster uploaded through one web replica is served through another after the node leading the
    bucket's stream was killed (the store waits for the new leader instead of answering 503)."""
    nodes = cluster_nodes(tmp_path)
    for node in nodes:
        node.start()
    replicas: list[Runtime] = []
    try:
        for i in range(2):
            settings = Settings(
                data_dir=tmp_path / f"web{i}",
                nats_url=",".join(node.url for node in nodes),
                port=free_loopback_port(),
                stream_replicas=3,
            )
            for _ in range(100):  # until the cluster has elected its JetStream meta leader
                runtime = Runtime(
                    settings=settings, alliance=load_alliance(TEST_ALLIANCE), services=[], web=True, announce=False
                )
                try:
                    await runtime.start()
                    break
                except Exception:
                    await runtime.stop()
                    await asyncio.sleep(0.3)
            create_all_tables(runtime.context)
            replicas.append(runtime)
        one, two = replicas
        info = await one.js.stream_info(f"OBJ_{BUCKET}")
        assert info.config.num_replicas == 3
        async with client(one) as a, client(two) as b:
            uploaded = await a.post(
                "/api/v1/posters", content=poster_bytes(), headers={**bearer(one, "jn"), "Content-Type": "image/png"}
            )
            assert uploaded.status_code == 201, uploaded.text
            leader = (await one.js.stream_info(f"OBJ_{BUCKET}")).cluster.leader
            await asyncio.to_thread(nodes[int(leader.removeprefix("n"))].kill)
            served = await b.get(f"/posters/{uploaded.json()['poster']}")
            assert served.status_code == 200 and served.headers["cache-control"] == CACHE_FOREVER
            assert Image.open(io.BytesIO(served.content)).size == (1200, 800)
    finally:
        for runtime in replicas:
            await runtime.stop()
        for node in nodes:
            node.stop()


async def test_with_the_broker_down_posters_seen_before_are_served_and_the_rest_is_503(
    tmp_path, nats_server, monkeypatch
) -> None:
    """No 500 while the broker is away: what this replica served or stored before comes from its copy,
    anything else is 503 with Retry-After; once the broker is back, the store answers again."""
    monkeypatch.setattr("shuxiang.posters.BROKER_TIMEOUT", 1.0)
    settings = Settings(data_dir=tmp_path / "web", nats_url=nats_server.url, port=free_loopback_port())
    web = Runtime(settings=settings, alliance=load_alliance(TEST_ALLIANCE), services=[], web=True, announce=False)
    await web.start()
    create_all_tables(web.context)
    token = bearer(web, "jn")
    try:
        async with client(web) as a:
            uploaded = await a.post(
                "/api/v1/posters", content=poster_bytes((500, 400)), headers={**token, "Content-Type": "image/png"}
            )
            assert uploaded.status_code == 201
            name = uploaded.json()["poster"]
            await asyncio.to_thread(nats_server.stop)

            assert (await a.get(f"/posters/{name}")).status_code == 200
            unknown = await a.get("/posters/" + "1" * 64 + ".jpg")
            assert unknown.status_code == 503 and unknown.headers["retry-after"] == "5"
            assert "try again later" in unknown.text
            refused = await a.post(
                "/api/v1/posters", content=poster_bytes((300, 300)), headers={**token, "Content-Type": "image/png"}
            )
            assert refused.status_code == 503 and "try again later" in refused.json()["detail"]
            later = await a.post("/api/v1/activities", headers=token, json=submission(poster="2" * 64 + ".jpg"))
            assert later.status_code == 503

            await asyncio.to_thread(nats_server.start)
            for _ in range(100):  # the connection comes back by itself
                if (await a.get("/posters/" + "1" * 64 + ".jpg")).status_code == 404:
                    break
                await asyncio.sleep(0.2)
            else:
                raise AssertionError("the poster store did not answer after the broker came back")
    finally:
        await web.stop()
