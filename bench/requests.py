"""Every page, feed, API call and report at scale: the realistic alliance under ``shuxiang up`` (issue 23).

    python -m bench.requests [--n 100000] [--repeat 5] [--settle 60] [--seed 23] [--no-readme]

1. starts ``shuxiang up`` on its embedded defaults as a subprocess (``--config``: the realistic
   alliance of bench/workload.py, 321 members), so its memory can be read from /proc;
2. publishes N realistic messages (bench/workload.py: three years of announcements, co-hosts'
   own announcements, series, brand sessions, revisions, attendance reports) to its broker with
   the repo's Publisher, and waits until every consumer has processed them
   (``wait_until_processed``, as ``publish --wait``);
3. the runtime's RSS (``up`` and any worker processes it started; its nats-server apart) right
   after the burst and ``--settle`` seconds later, idle;
4. opens the accounts a user and a coordinator have (``shuxiang accounts add``: the member jn, its
   branch jn-b01, the alliance office lmb), posts one weekly series with sign-ups through the API
   and signs a reader up, so the routes behind a login or a token have something to show;
5. times every GET route of the web app (``create_app``'s routes, enumerated; a route this
   benchmark does not know how to fill is listed as not measured) and the feeds (``/feeds/…``:
   the alliance, a head library with and without its branches, the central library's whole tree,
   a brand, a category, a campaign): ``--repeat`` requests each, one after the other, the first
   one apart (caches cold) and the median; response size;
6. the reports people run — ``quotas report``, ``brands report``, ``stats report``,
   ``digest preview`` for the alliance office and for a district head — each in a child process
   that calls the command's own function (``shuxiang.cli.main``) ``--repeat`` times: median wall
   time of the call (imports excluded) and the child's peak RSS (imports included).

Each line is marked against issue 23's targets: every request and report ≤ 300 ms median, the
alliance digest ≤ 2 s and ≤ 200 MB, the runtime ≤ 300 MB a minute after the burst.  Figures go to
stdout and to bench/README.md (section "Requests and reports at scale").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.readme import update_readme
from bench.workload import DEFAULT_SEED, Message, describe, messages, realistic_alliance, summary, write_alliance
from shuxiang.events.nats_server import free_loopback_port

REQUEST_TARGET_MS = 300
DIGEST_TARGET_S, DIGEST_TARGET_MB = 2.0, 200
RSS_TARGET_MB = 300
console = Console(highlight=False, width=max(Console().width, 150))


# -- `shuxiang up` as a subprocess -------------------------------------------------------


class RunningUp:
    """``shuxiang up --config <the realistic alliance>`` in a data dir of its own, as a user starts it."""

    def __init__(self, workdir: Path, seed: int = DEFAULT_SEED, options: tuple[str, ...] = ()) -> None:
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.config = write_alliance(workdir / "alliance.toml", seed)
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "up.log"
        self.options = options
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120.0) -> None:
        args = ["up", "--data-dir", str(self.data_dir), "--port", str(self.port), "--config", str(self.config)]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "shuxiang", *args, *self.options],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"shuxiang up exited {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200 and self.runtime_file().exists():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"shuxiang up did not become healthy in {timeout:.0f} s:\n{self.log.read_text()}")

    def runtime_file(self) -> Path:
        return self.data_dir / "runtime.json"

    @property
    def nats_url(self) -> str:
        """The broker's URL with the runtime's own credentials (what ``shuxiang publish`` reads)."""
        return json.loads(self.runtime_file().read_text())["nats_url"]

    def cli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "shuxiang", *args, "--data-dir", str(self.data_dir)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise SystemExit(f"shuxiang {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def accounts(self, *names: str) -> dict[str, dict[str, str]]:
        """Open accounts (``shuxiang accounts add``): each one's password and API token."""
        out = self.cli("accounts", "add", *names).stdout
        found = [dict(p.split("=", 1) for p in line.split() if "=" in p) for line in out.splitlines()]
        return {fields["name"]: fields for fields in found if "name" in fields}

    def memory_mb(self) -> tuple[float, float]:
        """(RSS of ``up`` and the Python processes under it, RSS of its nats-server), in MB."""
        assert self.process is not None
        runtime = nats = 0.0
        for pid in [self.process.pid, *descendants(self.process.pid)]:
            rss = vm_rss_kb(pid) / 1024
            if "nats-server" in command_of(pid):
                nats += rss
            else:
                runtime += rss
        return runtime, nats

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def vm_rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(found[1]) if found else 0


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (from /proc/*/stat's parent ids)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in parents.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    )


async def publish_and_wait(url: str, log: list[Message], timeout: float = 7200) -> float:
    """Publish ``log`` in order (batches of 1,000) and wait until every consumer has processed it;
    the seconds from the first publish until then."""
    import nats

    from shuxiang.events.progress import wait_until_processed
    from shuxiang.events.publish import Publisher

    connection = await nats.connect(url, connect_timeout=10)
    try:
        publisher = Publisher(connection.jetstream())
        began = time.perf_counter()
        with progress_bar() as progress:
            task = progress.add_task("publishing", total=len(log))
            for start in range(0, len(log), 1000):
                chunk = log[start : start + 1000]
                await publisher.publish_many(chunk)
                progress.advance(task, len(chunk))
            drain = progress.add_task("processing", total=None)

            def report(stream: str, pending: int) -> None:
                progress.update(drain, description=f"processing — {stream}: {max(pending, 0):,} pending")

            await wait_until_processed(connection.jetstream(), timeout=timeout, on_progress=report)
        return time.perf_counter() - began
    finally:
        await connection.close()


def wait_processed(url: str, timeout: float = 120) -> None:
    async def run() -> None:
        import nats

        from shuxiang.events.progress import wait_until_processed

        connection = await nats.connect(url, connect_timeout=10)
        try:
            await wait_until_processed(connection.jetstream(), timeout=timeout)
        finally:
            await connection.close()

    asyncio.run(run())


# -- what to ask ---------------------------------------------------------------------------


@dataclass
class Target:
    """One request to time: its path (with query), who asks (None: anonymous), what it stands for."""

    path: str
    who: str | None = None
    route: str = ""


@dataclass
class Timed:
    label: str
    who: str | None
    first_ms: float
    median_ms: float
    size: int
    status: int
    extra: dict = field(default_factory=dict)
    limit_ms: float = REQUEST_TARGET_MS
    limit_mb: float | None = None
    """The peak RSS allowed (the alliance digest's); None: not judged."""

    @property
    def ok(self) -> bool:
        memory = self.limit_mb is None or self.extra.get("peak_mb", 0) <= self.limit_mb
        return self.median_ms <= self.limit_ms and 200 <= self.status < 400 and memory


def get_routes() -> list[str]:
    """Every GET route of the web app ``shuxiang up`` serves, as ``create_app`` assembles it."""
    from shuxiang.db import Databases
    from shuxiang.services.plan import ServiceContext
    from shuxiang.settings import Settings
    from shuxiang.web import create_app

    def walk(routes, prefix: str = ""):
        for route in routes:
            included = getattr(route, "original_router", None)  # FastAPI ≥ 0.165 keeps included routers whole
            if included is not None:
                yield from walk(included.routes, prefix + getattr(route.include_context, "prefix", ""))
            elif "GET" in (getattr(route, "methods", None) or ()):
                yield prefix + route.path

    with tempfile.TemporaryDirectory(prefix="shuxiang-routes-") as tmp:
        databases = Databases(data_dir=Path(tmp))
        context = ServiceContext(
            settings=Settings(data_dir=Path(tmp)), alliance=realistic_alliance(), databases=databases
        )
        paths = list(dict.fromkeys(walk(create_app(context).routes)))
        databases.dispose()
    return paths


def targets_for(routes: list[str], ids: dict[str, str], year: int) -> tuple[list[Target], list[tuple[str, str]]]:
    """The requests for each route (several for the busy ones) and the routes left out, with why."""
    member, branch, coordinator = "jn", "jn-b01", "lmb"
    activity, series, ref, brand = ids["activity"], ids["series_activity"], ids["source_ref"], ids["brand"]
    session_path = f"/submit/activities/{branch}/{ids['series_ref']}"
    known: dict[str, list[Target]] = {
        "/": [Target("/"), Target("/?view=agenda"), Target(f"/?month={year}-04"), Target("/?library=jn&view=agenda")],
        "/api/v1/activities": [
            Target("/api/v1/activities"),
            Target("/api/v1/activities?limit=1000"),
            Target(f"/api/v1/activities?offset={ids['deep_offset']}"),
            Target(f"/api/v1/activities?cursor={ids['deep_cursor']}"),
        ],
        "/activities/{activity_id}": [Target(f"/activities/{activity}")],
        "/activities/{activity_id}.ics": [Target(f"/activities/{activity}.ics")],
        "/activities/{activity_id}/registrations.csv": [Target(f"/activities/{series}/registrations.csv", branch)],
        "/activities/{activity_id}/check-in": [Target(f"/activities/{series}/check-in", branch)],
        "/embed/activities.html": [Target("/embed/activities.html"), Target("/embed/activities.html?library=jn")],
        "/embed/activities.json": [Target("/embed/activities.json"), Target("/embed/activities.json?library=jn")],
        "/quotas": [Target("/quotas"), Target(f"/quotas?year={year}")],
        "/quotas/{library_id}": [Target(f"/quotas/{member}"), Target(f"/quotas/{member}?year={year}")],
        "/api/v1/quotas": [Target(f"/api/v1/quotas?year={year}")],
        "/api/v1/quotas/{library_id}": [Target(f"/api/v1/quotas/{member}?year={year}")],
        "/brands": [Target("/brands")],
        "/brands/new": [Target("/brands/new", coordinator)],
        "/brands/{brand_id}": [Target(f"/brands/{brand}")],
        "/api/v1/brands": [Target("/api/v1/brands")],
        "/api/v1/brands/links": [Target("/api/v1/brands/links"), Target("/api/v1/brands/links?link=inferred")],
        "/api/v1/brands/{brand_id}": [Target(f"/api/v1/brands/{brand}")],
        "/stats": [Target("/stats"), Target(f"/stats?year={year}&library=jn")],
        "/api/v1/stats": [Target(f"/api/v1/stats?year={year}")],
        "/dedup/reviews": [Target("/dedup/reviews", coordinator)],
        "/api/v1/dedup/reviews": [Target("/api/v1/dedup/reviews", coordinator)],
        "/dead-letters": [Target("/dead-letters", coordinator)],
        "/api/v1/dead-letters": [Target("/api/v1/dead-letters", coordinator)],
        "/submit": [Target("/submit", member), Target("/submit", coordinator)],
        "/submit/login": [Target("/submit/login")],
        "/submit/new": [Target("/submit/new", member)],
        "/submit/activities/{library_id}/{source_ref}": [Target(f"/submit/activities/{member}/{ref}", member)],
        "/submit/activities/{library_id}/{source_ref}/edit": [
            Target(f"/submit/activities/{member}/{ref}/edit", member)
        ],
        "/submit/activities/{library_id}/{source_ref}/report": [
            Target(f"/submit/activities/{member}/{ref}/report", member)
        ],
        "/submit/activities/{library_id}/{source_ref}/sessions/{key}": [
            Target(f"{session_path}/sessions/{ids['series_key']}", branch)
        ],
        "/api/v1/libraries/{library_id}/activities/{source_ref}": [
            Target(f"/api/v1/libraries/{member}/activities/{ref}", member)
        ],
        "/registrations/{token}": [Target(f"/registrations/{ids['registration']}")],
        "/api/v1/registrations/{token}": [Target(f"/api/v1/registrations/{ids['registration']}")],
        "/healthz": [Target("/healthz")],
        "/metrics": [Target("/metrics")],
        "/docs": [Target("/docs")],
        "/redoc": [Target("/redoc")],
        "/openapi.json": [Target("/openapi.json")],
    }
    out: list[Target] = []
    skipped: list[tuple[str, str]] = []
    for route in routes:
        if route in known:
            out += [Target(t.path, t.who, route) for t in known[route]]
        elif "{" in route:
            skipped.append((route, "no value for its parameters in this benchmark"))
        else:
            out.append(Target(route, None, route))  # a new route: asked anonymously, as it is
    skipped += [(r, "not a route of this app any more") for r in known if r not in routes]
    feeds = [
        "/feeds/alliance.ics",
        f"/feeds/libraries/{member}.ics",
        f"/feeds/libraries/{member}.ics?include=branches",
        "/feeds/libraries/ccl.ics?include=branches",
        f"/feeds/libraries/{branch}.ics",
        f"/feeds/brands/{brand}.ics",
        "/feeds/categories/lecture.ics",
        "/feeds/campaigns/reading-month.ics",
    ]
    out += [Target(path, None, "/feeds/…") for path in feeds]
    return out, skipped


# -- asking ----------------------------------------------------------------------------------


def log_in(base: str, name: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=300)
    page = client.get("/submit/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    answer = client.post(
        "/submit/login", data={"csrf_token": token, "username": name, "password": password, "next": "/submit"}
    )
    if answer.status_code != 303:
        raise SystemExit(f"log in as {name}: {answer.status_code} {answer.text[:300]}")
    return client


def time_requests(base: str, targets: list[Target], accounts: dict[str, dict[str, str]], repeat: int) -> list[Timed]:
    anonymous = httpx.Client(base_url=base, timeout=300)
    sessions = {name: log_in(base, name, a["password"]) for name, a in accounts.items()}
    out = []
    with progress_bar() as progress:
        task = progress.add_task("requests", total=len(targets))
        for target in targets:
            progress.update(task, description=f"GET {target.path[:60]}")
            client, headers = anonymous, {"Accept": "text/html,application/json;q=0.9,*/*;q=0.8"}
            if target.who is not None:
                if target.path.startswith("/api/"):
                    headers["Authorization"] = f"Bearer {accounts[target.who]['token']}"
                else:
                    client = sessions[target.who]
            times, size, status = [], 0, 0
            for _ in range(repeat):
                began = time.perf_counter()
                response = client.get(target.path, headers=headers)
                times.append((time.perf_counter() - began) * 1000)
                size, status = len(response.content), response.status_code
            label = target.path + (f"  ({target.who})" if target.who else "")
            out.append(Timed(label, target.who, times[0], statistics.median(times), size, status))
            progress.advance(task)
    for client in (anonymous, *sessions.values()):
        client.close()
    return out


REPORTS = [  # (label, the command's arguments; {out} a file in the work dir, {year} this year)
    ("shuxiang quotas report", ["quotas", "report", "--year", "{year}", "-o", "{out}.txt"]),
    (
        "shuxiang quotas report --format json",
        ["quotas", "report", "--year", "{year}", "--format", "json", "-o", "{out}"],
    ),
    ("shuxiang brands report", ["brands", "report", "-o", "{out}.txt"]),
    ("shuxiang stats report", ["stats", "report", "--year", "{year}", "-o", "{out}.txt"]),
    (
        "shuxiang digest preview --coordinator lmb (alliance office)",
        ["digest", "preview", "--coordinator", "lmb", "-o", "{out}.html"],
    ),
    (
        "shuxiang digest preview --coordinator jn-tuiguang (district)",
        ["digest", "preview", "--coordinator", "jn-tuiguang", "-o", "{out}.html"],
    ),
]


def report_child(args: list[str], repeat: int) -> None:
    """In a child process: the CLI command's own function ``repeat`` times; prints its figures as JSON."""
    import contextlib
    import io

    from shuxiang.cli import main as cli

    before = vm_rss_kb(os.getpid())
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main(args=args, standalone_mode=False)
        times.append(time.perf_counter() - began)
    # VmHWM, this process's own high-water mark: getrusage's ru_maxrss survives exec on Linux, so a
    # child started by the (large) benchmark process reported the benchmark's peak as its own
    status = Path(f"/proc/{os.getpid()}/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    peak = int(found.group(1)) if found else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"times": times, "rss_before_kb": before, "peak_kb": peak}))


def time_reports(running: RunningUp, year: int, repeat: int) -> list[Timed]:
    out = []
    for index, (label, template) in enumerate(REPORTS):
        target = str(running.workdir / f"report-{index}")
        args = [a.format(year=year, out=target) for a in template] + ["--data-dir", str(running.data_dir)]
        console.print(f"  {label} …", style="dim")
        result = subprocess.run(
            [sys.executable, "-m", "bench.requests", "--report-child", json.dumps(args), "--repeat", str(repeat)],
            capture_output=True,
            text=True,
            timeout=3600,
            cwd=Path(__file__).resolve().parent.parent,
        )
        if result.returncode != 0:
            raise SystemExit(f"{label} failed:\n{result.stderr[-3000:]}")
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        written = [p for p in running.workdir.glob(f"report-{index}*") if p.is_file()]
        digest = "--coordinator lmb" in label  # the alliance digest: issue 23's own targets
        out.append(
            Timed(
                label,
                None,
                figures["times"][0] * 1000,
                statistics.median(figures["times"]) * 1000,
                sum(p.stat().st_size for p in written),
                200,
                {"peak_mb": figures["peak_kb"] / 1024, "rss_before_mb": figures["rss_before_kb"] / 1024},
                limit_ms=DIGEST_TARGET_S * 1000 if digest else REQUEST_TARGET_MS,
                limit_mb=DIGEST_TARGET_MB if digest else None,
            )
        )
    return out


# -- what the routes need ------------------------------------------------------------------


def prepare(running: RunningUp, log: list[Message]) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Accounts, and the ids the routes with parameters are asked with: a co-hosted activity, jn's
    own announcement, a weekly series with sign-ups posted by jn-b01 (and a reader signed up)."""
    accounts = running.accounts("jn", "jn-b01", "lmb")
    base = running.url
    tz = realistic_alliance().tz
    own = [json.loads(p) for s, _, p in log if s == "shuxiang.activity.submitted.jn"]
    own = [b for b in own if b["revision"] == 1 and not b.get("organizers")] or own
    ids: dict[str, str] = {"source_ref": own[-1]["source_ref"] if own else "none"}
    listed = httpx.get(f"{base}/api/v1/activities", params={"limit": 200}, timeout=300).json()
    shared = [a for a in listed if len(a["organizers"]) > 1] or listed
    ids["activity"] = shared[0]["id"]
    ids["deep_offset"] = "10000"  # the deepest offset the API takes; deeper pages go by cursor
    # a cursor near the end of the listing: walked to with the Link headers, a thousand at a time
    cursor, page = None, None
    for _ in range(max(summary(log).get("activities", 0) // 1000 - 1, 0)):
        page = httpx.get(
            f"{base}/api/v1/activities", params={"limit": 1000, **({"cursor": cursor} if cursor else {})}, timeout=300
        )
        if not page.headers.get("x-next-cursor"):
            break
        cursor = page.headers["x-next-cursor"]
    ids["deep_cursor"] = cursor or ""
    ids["brand"] = "jn-haoshu"  # 好书伴我成长: the demo's brand with partners, kept in the realistic alliance
    # a weekly series with sign-ups, posted as a member's system would
    first = (datetime.now(tz) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    title = f"周六绘本时光（基准 {first:%m%d%H%M%S}）"
    series = {
        "library_id": "jn-b01",
        "source_ref": f"bench-series-{int(time.time())}",
        "title": title,
        "category": "parent_child",
        "starts_at": first.isoformat(),
        "ends_at": (first + timedelta(hours=1)).isoformat(),
        "recurrence": "FREQ=WEEKLY;COUNT=6",
        "venue": {"name": "咸水沽镇分馆阅览室"},
        "capacity": 30,
    }
    bearer = {"Authorization": f"Bearer {accounts['jn-b01']['token']}"}
    answer = httpx.post(f"{base}/api/v1/activities", json=series, headers=bearer, timeout=300)
    if answer.status_code != 201:
        raise SystemExit(f"posting the series: {answer.status_code} {answer.text[:500]}")
    wait_processed(running.nats_url)
    feed = httpx.get(f"{base}/feeds/libraries/jn-b01.ics", timeout=300).text
    found = re.findall(r"BEGIN:VEVENT(.*?)END:VEVENT", feed, re.S)
    event = next((e for e in found if title in e.replace("\r\n ", "")), None)
    if event is None:
        raise SystemExit("the posted series is not in jn-b01's feed")
    ids["series_activity"] = re.search(r"UID:([^@\r\n]+)@", event)[1]
    ids["series_ref"], ids["series_key"] = series["source_ref"], first.strftime("%Y%m%dT%H%M")
    signup = {"name": "张三", "phone": "13800000001", "session": first.isoformat()}
    registration = f"{base}/api/v1/activities/{ids['series_activity']}/registrations"
    for _ in range(100):
        answer = httpx.post(registration, json=signup, timeout=300)
        if answer.status_code == 202:
            break
        time.sleep(0.2)
    else:
        raise SystemExit(f"signing up: {answer.status_code} {answer.text[:500]}")
    ids["registration"] = answer.json()["token"]
    wait_processed(running.nats_url)
    return accounts, ids


# -- the run -----------------------------------------------------------------------------------


def table(rows: list[Timed], title: str, reports: bool = False) -> Table:
    out = Table(title=title, title_justify="left")
    for column in ("request", "first ms", "median ms", "size", "status", "target"):
        out.add_column(column, justify="left" if column == "request" else "right")
    if reports:
        out.add_column("peak RSS MB", justify="right")
    for row in rows:
        cells = [
            row.label,
            f"{row.first_ms:,.0f}",
            f"{row.median_ms:,.1f}",
            f"{row.size:,}",
            str(row.status),
            "[green]OK[/]" if row.ok else "[red]over[/]",
        ]
        if reports:
            cells.append(f"{row.extra['peak_mb']:.0f}")
        out.add_row(*cells)
    return out


def readme_text(results: dict, rows: list[Timed], reports: list[Timed], skipped: list[tuple[str, str]]) -> str:
    lines = [
        f"`python -m bench.requests --n {results['n']}` ({results['date'][:10]}, load average {results['load']:.1f}; "
        f"`shuxiang up` on its embedded defaults, the realistic alliance of bench/workload.py, seed {results['seed']}: "
        f"{results['workload']}).  Ingested in {results['ingest_s']:.0f} s ({results['ingest_per_s']:,.0f} messages/s, "
        f"raw nats-py not measured here: bench/pipeline.py has it).",
        "",
        f"Runtime RSS (`up` and its worker processes; its nats-server apart): {results['rss_after_burst_mb']:.0f} MB "
        f"right after the burst, {results['rss_settled_mb']:.0f} MB {results['settle_s']} s later "
        f"({'OK' if results['rss_settled_mb'] <= RSS_TARGET_MB else 'over'}: target ≤ {RSS_TARGET_MB} MB), "
        f"{results['rss_after_requests_mb']:.0f} MB after the requests below; nats-server "
        f"{results['nats_rss_mb']:.0f} MB.  Data dir: {results['data_dir_mb']:,.0f} MB "
        f"({results['data_dir_mb'] * 1024 * 1024 / max(results['n'], 1):,.0f} B a message).",
        "",
        f"Each request {results['repeat']} times in a row (the first apart: caches cold); target ≤ "
        f"{REQUEST_TARGET_MS} ms median:",
        "",
        "| request | first ms | median ms | bytes | status | |",
        "|---|---:|---:|---:|---:|---|",
        *(
            f"| `{r.label}` | {r.first_ms:,.0f} | {r.median_ms:,.1f} | {r.size:,} | {r.status} | "
            f"{'OK' if r.ok else '**over**'} |"
            for r in rows
        ),
        "",
        "Reports (the command's own function in a child process, imports excluded from the time, included in "
        f"the RSS); the alliance digest's target ≤ {DIGEST_TARGET_S:.0f} s and ≤ {DIGEST_TARGET_MB} MB:",
        "",
        "| report | first ms | median ms | output bytes | peak RSS MB (once imported) | |",
        "|---|---:|---:|---:|---:|---|",
        *(
            f"| `{r.label}` | {r.first_ms:,.0f} | {r.median_ms:,.1f} | {r.size:,} | {r.extra['peak_mb']:.0f} "
            f"({r.extra['rss_before_mb']:.0f}) | {'OK' if r.ok else '**over**'} |"
            for r in reports
        ),
    ]
    if skipped:
        lines += ["", "Not measured: " + "; ".join(f"`{route}` ({why})" for route, why in skipped) + "."]
    over = [r.label for r in rows + reports if not r.ok]
    lines += ["", f"Over the target: {len(over)} of {len(rows) + len(reports)}."]
    return "\n".join(lines)


def directory_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--settle", type=int, default=60, help="seconds idle after the burst before the RSS is read")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (its path is printed)")
    parser.add_argument("--report-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.report_child:
        report_child(json.loads(args.report_child), args.repeat)
        return

    log = messages(args.n, seed=args.seed)
    results: dict = {"n": args.n, "seed": args.seed, "repeat": args.repeat, "settle_s": args.settle}
    results["workload"] = describe(log)
    results["date"] = datetime.now().isoformat(timespec="seconds")
    console.print(f"realistic workload: {results['workload']}")
    workdir = Path(tempfile.mkdtemp(prefix="shuxiang-requests-"))
    running = RunningUp(workdir, args.seed)
    try:
        began = time.monotonic()
        running.start()
        console.print(
            f"shuxiang up: {running.url} (pid {running.process.pid}), data in {running.data_dir}, "
            f"healthy after {time.monotonic() - began:.1f} s"
        )
        elapsed = asyncio.run(publish_and_wait(running.nats_url, log))
        results["ingest_s"], results["ingest_per_s"] = elapsed, len(log) / elapsed
        results["rss_after_burst_mb"], results["nats_rss_mb"] = running.memory_mb()
        console.print(
            f"ingested {len(log):,} messages in {elapsed:.1f} s ({len(log) / elapsed:,.0f}/s); "
            f"runtime RSS {results['rss_after_burst_mb']:.0f} MB; waiting {args.settle} s idle …"
        )
        time.sleep(args.settle)
        results["rss_settled_mb"] = running.memory_mb()[0]
        began = time.monotonic()
        accounts, ids = prepare(running, log)
        console.print(f"accounts, a series with a sign-up: {time.monotonic() - began:.1f} s")
        year = datetime.now().year
        targets, skipped = targets_for(get_routes(), ids, year)
        rows = time_requests(running.url, targets, accounts, args.repeat)
        results["rss_after_requests_mb"] = running.memory_mb()[0]
        console.print("reports:")
        reports = time_reports(running, year, args.repeat)
        results["data_dir_mb"] = directory_mb(running.data_dir)
        results["load"] = os.getloadavg()[0]
    finally:
        running.stop()
        if args.keep:
            console.print(f"work dir kept: {workdir}")
        else:
            subprocess.run(["rm", "-rf", str(workdir)], check=False)
    console.print(table(rows, f"{len(rows)} requests (median of {args.repeat})"))
    console.print(table(reports, "reports", reports=True))
    console.print(
        f"runtime RSS: {results['rss_after_burst_mb']:.0f} MB after the burst, {results['rss_settled_mb']:.0f} MB "
        f"{args.settle} s later, {results['rss_after_requests_mb']:.0f} MB after the requests"
    )
    if skipped:
        console.print("not measured: " + "; ".join(f"{r} ({why})" for r, why in skipped))
    text = readme_text(results, rows, reports, skipped)
    results_dir = Path(__file__).parent / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "requests.json").write_text(
        json.dumps(
            {**results, "requests": [r.__dict__ for r in rows], "reports": [r.__dict__ for r in reports]}, indent=2
        )
    )
    if not args.no_readme:
        update_readme("requests", text, "## Requests and reports at scale")


if __name__ == "__main__":
    main()
