"""Serving a 600-activity library feed over HTTP under load.

    .venv/bin/python -m bench.feeds_http [--activities 600] [--duration 10] [--connections 16]

Stores 600 activities hosted by one library (plus 2,400 of other libraries) through
the calendar service's consumer, starts the web front the way ``shuxiang up`` does
(uvicorn, one process, the same settings) in a child process, and loads
``/feeds/libraries/<id>.ics`` with ``wrk`` (Debian's; a small asyncio load generator
when wrk is missing):

* conditional GETs (If-None-Match with the current ETag): answered 304 — target ≥ 3,000/s;
* full GETs: 200 with the whole feed;
* baseline, in the same run: the same feed and cache behind an ordinary FastAPI route
  (what the thin ASGI path at ``/feeds`` avoids), conditional GETs.

Figures go to stdout and to bench/README.md (section "Calendar feeds").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from fastapi import Request, Response

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.feeds_data import activities, store  # noqa: E402
from bench.readme import update_readme  # noqa: E402
from shuxiang.alliance import load_demo_alliance  # noqa: E402

LIBRARY = "jlp"
TARGET_304 = 3000


# --- the server (child process) -------------------------------------------------------


def serve(data_dir: Path, port: int) -> None:
    import uvicorn

    from shuxiang.db import Databases
    from shuxiang.services.calendar.catalog import FeedCatalog
    from shuxiang.services.calendar.service import feed_store
    from shuxiang.services.plan import ServiceContext
    from shuxiang.settings import Settings
    from shuxiang.web import create_app

    settings = Settings(data_dir=data_dir, port=port)
    context = ServiceContext(settings=settings, alliance=load_demo_alliance(), databases=Databases(data_dir=data_dir))
    app = create_app(context)
    catalog, baseline_store = FeedCatalog(context.alliance), feed_store(context)

    @app.get("/baseline/libraries/{library_id}.ics")
    def baseline(request: Request, library_id: str) -> Response:
        """The same feed and cache, answered through FastAPI routing and a Response object."""
        feed = baseline_store.feed(catalog.resolve(f"libraries/{library_id}.ics"))
        headers = {"ETag": feed.etag, "Last-Modified": feed.last_modified_http, "Cache-Control": "no-cache"}
        if request.headers.get("if-none-match") == feed.etag:
            return Response(status_code=304, headers=headers)
        return Response(feed.body, media_type="text/calendar; charset=utf-8", headers=headers)

    # as the runtime starts it: uvicorn.Server.serve() in the asyncio loop of `shuxiang up`
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False)
    asyncio.run(uvicorn.Server(config).serve())


# --- load generators -------------------------------------------------------------------


def wrk(url: str, duration: int, connections: int, headers: dict[str, str]) -> tuple[float, str, dict[int, int]]:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)  # the "Latency Distribution" table
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p99, {0: int(non_2xx.group(1))} if non_2xx else {}


async def _client(host: str, port: int, request: bytes, stop: float, counts: dict[int, int], latencies: list) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = re.search(rb"(?i)content-length: (\d+)", head)
            if length and status != 304:
                await reader.readexactly(int(length.group(1)))
            counts[status] = counts.get(status, 0) + 1
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


def python_load(
    url: str, duration: int, connections: int, headers: dict[str, str]
) -> tuple[float, str, dict[int, int]]:
    """Keep-alive HTTP/1.1 clients on asyncio (used when wrk is not installed)."""
    parsed = httpx.URL(url)
    lines = [f"GET {parsed.raw_path.decode()} HTTP/1.1", f"Host: {parsed.host}:{parsed.port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    counts: dict[int, int] = {}
    latencies: list[float] = []

    async def run() -> None:
        stop = time.perf_counter() + duration
        await asyncio.gather(
            *(_client(parsed.host, parsed.port, request, stop, counts, latencies) for _ in range(connections))
        )

    started = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = f"{latencies[int(len(latencies) * 0.99)] * 1000:.2f}ms" if latencies else "-"
    return sum(counts.values()) / elapsed, p99, counts


# --- the run ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=600)
    parser.add_argument("--others", type=int, default=2400, help="activities of other libraries in the database")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--python-load", action="store_true", help="use the asyncio load generator even if wrk is there"
    )
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--serve", nargs=2, metavar=("DATA_DIR", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return

    alliance = load_demo_alliance()
    now = datetime.now(UTC)
    items = activities(alliance, args.activities, host=LIBRARY, now=now)
    others = [
        a.model_copy(update={"id": f"other-{a.id}"})
        for a in activities(alliance, args.others + args.activities, now=now)
        if LIBRARY not in {o.library_id for o in a.organizers}
    ][: args.others]
    use_wrk = shutil.which("wrk") is not None and not args.python_load
    load = wrk if use_wrk else python_load
    with tempfile.TemporaryDirectory(prefix="shuxiang-bench-") as tmp:
        print(f"storing {len(items)} activities of {LIBRARY} and {len(others)} others …", flush=True)
        store(Path(tmp), alliance, items + others).databases.dispose()
        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", tmp, str(port)], env={**os.environ})
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    first = httpx.get(f"{base}/feeds/libraries/{LIBRARY}.ics", timeout=5)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise SystemExit("the server did not start")
            assert first.status_code == 200, first.text
            events = first.content.count(b"BEGIN:VEVENT")
            assert events == len(items), f"feed holds {events} events, expected {len(items)}"
            etag = first.headers["etag"]
            url = f"{base}/feeds/libraries/{LIBRARY}.ics"
            baseline_url = f"{base}/baseline/libraries/{LIBRARY}.ics"
            check = httpx.get(baseline_url, headers={"If-None-Match": etag})
            assert check.status_code == 304, (check.status_code, check.text[:300])
            runs = {}
            for label, target, headers in (
                ("conditional GET → 304, /feeds (thin ASGI path)", url, {"If-None-Match": etag}),
                ("full GET → 200, /feeds (thin ASGI path)", url, {}),
                ("conditional GET → 304, baseline: FastAPI route, same cache", baseline_url, {"If-None-Match": etag}),
            ):
                print(f"loading: {label} …", flush=True)
                runs[label] = load(target, args.duration, args.connections, headers)
        finally:
            server.terminate()
            server.wait(10)

    generator = "wrk -t1" if use_wrk else "asyncio load generator"
    lines = [
        f"`bench/feeds_http.py` ({now:%Y-%m-%d}): {events}-activity library feed ({len(first.content) / 1000:,.0f} kB), "
        f"uvicorn as `shuxiang up` runs it, {generator}, {args.connections} connections, {args.duration} s each, "
        f"2-core machine shared by server and load generator (load average {os.getloadavg()[0]:.1f}):",
        "",
        "| request | requests/s | p99 latency |",
        "|---|---:|---:|",
        *(f"| {label} | {rate:,.0f} | {p99} |" for label, (rate, p99, _) in runs.items()),
    ]
    rate_304 = runs["conditional GET → 304, /feeds (thin ASGI path)"][0]
    lines += ["", f"304s: **{rate_304:,.0f} requests/s** (target ≥ {TARGET_304:,})."]
    print("\n".join(lines))
    if not args.no_readme:
        update_readme("feeds_http", "\n".join(lines))
    if rate_304 < TARGET_304:
        sys.exit(f"FAILED: {rate_304:,.0f} 304s/s is below the {TARGET_304:,} target")


if __name__ == "__main__":
    main()
