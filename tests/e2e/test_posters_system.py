"""Posters through the running system (`shuxiang up`): uploaded with the API and the member form,
refused when too large, of the wrong type, not what they claim, or decompression bombs (nothing
stored), served by content with a year's cache, and shown on the activity's page and its
OpenGraph tags."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
from PIL import Image

from tests.conftest import System, submission
from tests.e2e.test_intake_web import canonical, credentials, csrf_of, log_in, wait_for
from tests.unit.test_posters import image_bytes, png_bomb, with_gps_exif


def stored(system: System) -> list[Path]:
    root = system.data_dir / "posters"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_posters_from_the_api_and_the_form_reach_the_activity_page(system: System) -> None:
    system.start()
    account = credentials(system, "jn")["jn"]
    bearer = {"Authorization": f"Bearer {account['token']}"}
    url = system.url + "/api/v1/posters"

    assert httpx.post(url, content=image_bytes("PNG"), headers={"Content-Type": "image/png"}).status_code == 401
    refusals = [
        (b"\xff\xd8" + b"\x00" * (8 * 1024 * 1024), "image/jpeg", 413, "海报文件太大"),
        (image_bytes("GIF"), "image/gif", 415, "海报只能是 JPEG、PNG 或 WebP 图片"),
        (image_bytes("PNG"), "image/jpeg", 422, "文件内容是 PNG，与声明的 JPEG 不符"),
        (png_bomb(), "image/png", 413, "海报像素太多"),
    ]
    for data, content_type, status, words in refusals:
        response = httpx.post(url, content=data, headers={**bearer, "Content-Type": content_type}, timeout=30)
        assert response.status_code == status, (content_type, response.text)
        assert words in response.json()["detail"]
    assert stored(system) == []  # nothing half-stored, nothing at all

    uploaded = httpx.post(url, content=with_gps_exif(), headers={**bearer, "Content-Type": "image/jpeg"})
    assert uploaded.status_code == 201, uploaded.text
    name = uploaded.json()["poster"]
    again = httpx.post(url, content=with_gps_exif(), headers={**bearer, "Content-Type": "image/jpeg"})
    assert again.status_code == 200 and again.json()["poster"] == name and len(stored(system)) == 1

    served = httpx.get(system.url + f"/posters/{name}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert b"PhoneMaker" not in served.content and not Image.open(io.BytesIO(served.content)).getexif()
    assert httpx.get(system.url + "/posters/" + "0" * 64 + ".jpg").status_code == 404

    unknown = submission("jn", "with-missing-poster", poster="1" * 64 + ".jpg")
    missing = httpx.post(system.url + "/api/v1/activities", json=unknown, headers=bearer)
    assert missing.status_code == 422 and "没有这张海报" in missing.json()["detail"]
    api = submission("jn", "with-poster", title="沽上讲堂：海报测试", poster=name)
    assert httpx.post(system.url + "/api/v1/activities", json=api, headers=bearer).status_code == 201

    # the member form: a refused file keeps everything typed, a good one is stored
    client = log_in(system.url, "jn", account["password"])
    token = csrf_of(client.get("/submit/new").text)
    fields = {
        "csrf_token": token,
        "title": "快乐小板凳：绘本故事会",
        "category": "children",
        "starts_at": "2026-12-20T10:00",
        "ends_at": "2026-12-20T11:00",
        "venue_name": "少儿阅览室",
    }
    refused = client.post(
        "/submit/new", data=fields, files={"poster_file": ("p.png", image_bytes("JPEG"), "image/png")}
    )
    assert refused.status_code == 422 and "与声明的 PNG 不符" in refused.text
    assert 'value="快乐小板凳：绘本故事会"' in refused.text
    done = client.post(
        "/submit/new",
        data=fields,
        files={"poster_file": ("poster.webp", image_bytes("WEBP", size=(3000, 2000)), "image/webp")},
    )
    assert done.status_code == 303, done.text
    assert len(stored(system)) == 2
    client.close()

    found = wait_for(
        lambda: (
            {a["title"]: a for a in canonical(system) if a.get("poster")}
            if len([a for a in canonical(system) if a.get("poster")]) == 2
            else None
        )
    )
    form_poster = found["快乐小板凳：绘本故事会"]["poster"]
    assert Image.open(io.BytesIO(httpx.get(system.url + f"/posters/{form_poster}").content)).size == (1600, 1067)
    page = wait_for(
        lambda: (
            (r := httpx.get(system.url + f"/activities/{found['沽上讲堂：海报测试']['id']}")).status_code == 200
            and r.text
            or None
        )
    )
    assert f'<img class="poster" src="/posters/{name}"' in page
    assert re.search(rf'<meta property="og:image" content="http://127\.0\.0\.1:\d+/posters/{name}">', page)
