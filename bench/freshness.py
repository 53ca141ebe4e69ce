"""Freshness of interactive posts while a big import drains (issue 23).

    python -m bench.freshness [--n 100000] [--interval 0.5] [--poll 0.025] [--idle-posts 20] [--seed 23] [--no-alone] [--no-readme]

One library's import must not hold everyone up: in the 4·23 rush a central library importing its
spreadsheet froze every other member's posts (an API post took 53 s to reach its feed during a
20,000-line import, 0.45 s idle).  This measures it on `shuxiang up` with its default settings:

1. baseline, in the same run: raw nats-py pull-and-ack of the same N messages (the import's
   lines, published first) on an embedded nats-server of its own (``bench.pipeline.baseline``);
2. ``shuxiang up --config <the realistic alliance>`` (bench/workload.py: 321 members) as a subprocess;
3. idle: ``--idle-posts`` activities POSTed through the JSON API (``/api/v1/activities``, each
   with its member's API token), one every ``--interval`` seconds, by a rotation of members
   (heads and branches; each has its own rate limit of 120 posts in 10 minutes), and for each
   the time until it is in that member's feed ``/feeds/libraries/<id>.ics`` (polled every
   ``--poll`` seconds with the last ETag, matched on the post's unique title);
4. the import: the realistic workload's first N announcements (all members', in the order they
   published them, as the central library would import the alliance's spreadsheet) written as
   JSON Lines and run as ``shuxiang publish FILE --wait`` in a subprocess; while it runs the
   posts go on as in 3.  A post counts as "during the import" when it was sent while the import's
   lines were going into the log (some were in SUBMISSIONS, not all; ``publish`` paces an import by
   the consumers' lag, so the lines go in as fast as they are processed); every post made while
   the command ran (its validation and the last drain too) is reported as well.
   The import's own throughput: N lines over the command's wall time (validation, publishing and
   processing, as ``publish --wait`` reports it);
5. what the fairness costs the import (unless ``--no-alone``): the same file through
   ``shuxiang publish --wait`` on a fresh ``up`` with nobody posting (the pacer widens after
   10 s quiet, or at once when nobody posted in the 10 s before), and again with ``--no-pace``.

Figures go to stdout and to bench/README.md (section "Freshness under an import"); the target is
≤ 1 s p99 during the import.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from rich.console import Console

from bench.pipeline import baseline
from bench.readme import update_readme
from bench.requests import RunningUp
from bench.workload import DEFAULT_SEED, Message, describe, messages, realistic_alliance
from shuxiang.alliance import Alliance, Tier
from shuxiang.demo.activities import TOPICS
from shuxiang.events.streams import SUBMISSIONS_STREAM

TARGET_P99_S = 1.0
console = Console(highlight=False, width=max(Console().width, 150))


def import_lines(n: int, seed: int) -> list[Message]:
    """The first ``n`` announcements of the realistic workload (its attendance reports, which
    ``shuxiang publish`` takes from CSV files only, left out), in log order."""
    size = int(n * 1.15) + 100
    while True:
        log = [m for m in messages(size, seed=seed) if m[0].startswith("shuxiang.activity.submitted.")]
        if len(log) >= n:
            return log[:n]
        size = int(size * 1.2)


def posting_members(alliance: Alliance, count: int) -> list[str]:
    """Heads and branches in turn (not the central library, which is the importer's)."""
    heads = [m.id for m in alliance.members if m.tier in (Tier.district, Tier.county)]
    branches = [m.id for m in alliance.members if m.tier == Tier.branch]
    mixed = [member for pair in zip(heads, branches, strict=False) for member in pair]
    return mixed[:count]


@dataclass
class Post:
    member: str
    title: str
    phase: str
    backlog: int | None
    imported: int
    """Lines of the import in the log when the post was sent (0 before it began)."""
    sent: float
    seen: float | None = None
    status: int = 0

    @property
    def freshness(self) -> float | None:
        return None if self.seen is None else self.seen - self.sent


@dataclass
class Poster:
    """Posts activities through the API and watches the members' feeds for them."""

    base: str
    tokens: dict[str, str]
    js: object
    interval: float
    poll: float
    run: str
    tz: ZoneInfo
    posts: list[Post] = field(default_factory=list)
    phase: str = "idle"
    import_base: int | None = None
    """SUBMISSIONS' last sequence before the import: what is above it, less the posts, is the import's."""
    _etags: dict[str, str] = field(default_factory=dict)
    _last_poll: dict[str, float] = field(default_factory=dict)

    async def post(self, client: httpx.AsyncClient, index: int) -> None:
        from shuxiang.events.progress import backlog

        members = list(self.tokens)
        member = members[index % len(members)]
        mark = f"{self.run}-{index:05d}"  # what the feed is searched for (ASCII: no escaping, no folding inside)
        # a distinct talk a distinct hour: nothing dedup could take for another member's announcement
        begins = (datetime.now(self.tz) + timedelta(days=2, hours=index)).replace(minute=0, second=0, microsecond=0)
        body = {
            "library_id": member,
            "source_ref": f"fresh-{mark}",
            "title": f"公益讲座：{TOPICS[index % len(TOPICS)]}（{mark}）",
            "category": "lecture",
            "starts_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=1)).isoformat(),
            "venue": {"name": f"{member}报告厅"},
        }
        pending = await backlog(self.js)
        imported = 0
        if self.import_base is not None:
            last = (await self.js.stream_info(SUBMISSIONS_STREAM.name)).state.last_seq
            imported = last - self.import_base - sum(p.phase == "import" for p in self.posts)
        post = Post(member, mark, self.phase, pending, imported, time.perf_counter())
        answer = await client.post(
            "/api/v1/activities", json=body, headers={"Authorization": f"Bearer {self.tokens[member]}"}
        )
        post.status = answer.status_code
        self.posts.append(post)

    async def watch(self, client: httpx.AsyncClient, stop: asyncio.Event) -> None:
        """Poll the feeds of the members with posts not seen yet, each every ``poll`` seconds."""
        while not stop.is_set() or self.unseen():
            waiting = {p.member for p in self.unseen()}
            now = time.perf_counter()
            for member in waiting:
                if now - self._last_poll.get(member, 0) < self.poll:
                    continue
                self._last_poll[member] = now
                headers = {"If-None-Match": self._etags[member]} if member in self._etags else {}
                answer = await client.get(f"/feeds/libraries/{member}.ics", headers=headers)
                if answer.status_code != 200:
                    continue
                self._etags[member] = answer.headers.get("etag", "")
                at = time.perf_counter()
                text = answer.text.replace("\r\n ", "")  # unfolded (RFC 5545 folds long lines)
                for post in self.unseen():
                    if post.member == member and post.title in text:
                        post.seen = at
            await asyncio.sleep(min(self.poll / 2, 0.01))

    def unseen(self) -> list[Post]:
        return [p for p in self.posts if p.seen is None and p.status in (200, 201)]

    async def posting(self, client: httpx.AsyncClient, count: int | None, stop: asyncio.Event, start: int) -> int:
        """Post every ``interval`` seconds, ``count`` times or until ``stop``; returns the next index."""
        index = start
        next_at = time.perf_counter()
        while (count is None or index < start + count) and not stop.is_set():
            await self.post(client, index)
            index += 1
            next_at += self.interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        return index


def figures(posts: list[Post]) -> dict:
    seen = sorted(p.freshness for p in posts if p.freshness is not None)
    refused = sum(p.status not in (200, 201) for p in posts)
    if not seen:
        return {"count": 0, "refused": refused, "unseen": len(posts) - refused}
    return {
        "count": len(seen),
        "p50": statistics.median(seen),
        "p99": seen[min(len(seen) - 1, int(len(seen) * 0.99))],
        "max": seen[-1],
        "refused": refused,
        "unseen": len(posts) - refused - len(seen),
    }


async def measure(running: RunningUp, tokens: dict[str, str], lines: Path, args) -> dict:
    import nats

    connection = await nats.connect(running.nats_url, connect_timeout=10)
    poster = Poster(
        running.url,
        tokens,
        connection.jetstream(),
        args.interval,
        args.poll,
        run=f"{int(time.time()) % 100000:05d}",
        tz=realistic_alliance(args.seed).tz,
    )
    results: dict = {}
    async with httpx.AsyncClient(base_url=running.url, timeout=600) as client:
        stop_watching = asyncio.Event()
        watcher = asyncio.create_task(poster.watch(client, stop_watching))
        console.print(f"idle: {args.idle_posts} posts, one every {args.interval} s …")
        index = await poster.posting(client, args.idle_posts, asyncio.Event(), 0)
        deadline = time.perf_counter() + 120
        while poster.unseen() and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        console.print(f"import: shuxiang publish {lines.name} --wait ({args.n:,} lines) …")
        poster.import_base = (await connection.jetstream().stream_info(SUBMISSIONS_STREAM.name)).state.last_seq
        poster.phase = "import"
        began = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "shuxiang",
            "publish",
            str(lines),
            "--wait",
            "--timeout",
            "7200",
            "--data-dir",
            str(running.data_dir),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        imported = asyncio.Event()
        posting = asyncio.create_task(poster.posting(client, None, imported, index))
        reporter = asyncio.create_task(report_progress(poster, imported))
        _, stderr = await process.communicate()
        results["import_s"] = time.perf_counter() - began
        imported.set()
        await posting
        await reporter
        if process.returncode != 0:
            raise SystemExit(f"shuxiang publish failed ({process.returncode}):\n{stderr.decode()[-3000:]}")
        deadline = time.perf_counter() + 600
        while poster.unseen() and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        stop_watching.set()
        watcher.cancel()
    await connection.close()
    posts = poster.posts
    results["idle"] = figures([p for p in posts if p.phase == "idle"])
    during = [p for p in posts if p.phase == "import"]
    # sent while the import's lines were going into the log: it had begun, and had more to publish
    results["during_import"] = figures([p for p in during if 0 < p.imported < args.n])
    results["while_command_ran"] = figures(during)
    return results


async def report_progress(poster: Poster, done: asyncio.Event) -> None:
    while not done.is_set():
        await asyncio.sleep(5)
        recent = [p for p in poster.posts if p.phase == "import"]
        seen = [p.freshness for p in recent if p.freshness is not None]
        last = recent[-1] if recent else None
        console.print(
            f"  {len(recent)} posts during the import, {len(seen)} seen"
            + (f", last seen {seen[-1]:.2f} s" if seen else "")
            + (f"; backlog {last.backlog:,}" if last and last.backlog is not None else ""),
            style="dim",
        )


def import_alone(workdir: Path, seed: int, lines: Path, options: tuple[str, ...]) -> float:
    """Seconds ``shuxiang publish FILE --wait`` takes on a fresh ``up`` that nobody else posts to."""
    workdir.mkdir()
    running = RunningUp(workdir, seed)
    running.start()
    try:
        began = time.perf_counter()
        command = [sys.executable, "-m", "shuxiang", "publish", str(lines), "--wait", "--timeout", "7200"]
        subprocess.run(
            [*command, "--data-dir", str(running.data_dir), *options],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - began
    finally:
        running.stop()


def line(label: str, f: dict) -> str:
    if not f.get("count"):
        return f"| {label} | 0 | – | – | – | {f.get('refused', 0)} refused, {f.get('unseen', 0)} never seen |"
    extra = []
    if f["refused"]:
        extra.append(f"{f['refused']} refused")
    if f["unseen"]:
        extra.append(f"{f['unseen']} never seen")
    return f"| {label} | {f['count']} | {f['p50']:.2f} | {f['p99']:.2f} | {f['max']:.2f} | {', '.join(extra) or '–'} |"


def readme_text(results: dict) -> str:
    raw, rate = results["raw_nats_py_per_s"], results["import_per_s"]
    during = results["during_import"]
    verdict = (
        f"{'OK' if during['p99'] <= TARGET_P99_S else '**over**'}: p99 {during['p99']:.2f} s"
        if during.get("count")
        else "no post was made while the import drained"
    )
    return "\n".join(
        [
            f"`python -m bench.freshness --n {results['n']}` ({results['date'][:10]}, load average "
            f"{results['load']:.1f}; `shuxiang up` on its embedded defaults, the realistic alliance of "
            f"bench/workload.py, seed {results['seed']}).  The import: {results['workload']}, as JSON Lines through "
            f"`shuxiang publish FILE --wait`.  API posts by {results['posters']} members in turn, one every "
            f"{results['interval']} s; each member's feed polled every {results['poll'] * 1000:.0f} ms:",
            "",
            "| API post → its member's feed | posts | p50 s | p99 s | max s | |",
            "|---|---:|---:|---:|---:|---|",
            line("idle, before the import", results["idle"]),
            line("during the import (sent while its lines went into the log)", during),
            line("while `shuxiang publish` ran (its validation included)", results["while_command_ran"]),
            "",
            "| the import | messages/s | of raw |",
            "|---|---:|---:|",
            f"| raw nats-py pull + ack (baseline, the same {results['n']:,} messages) | {raw:,.0f} | 1 |",
            f"| `shuxiang publish --wait`: validation, publishing and processing, members posting | {rate:,.0f} | {rate / raw:.3f} |",
            *(
                [
                    f"| the same import on a fresh `up` with nobody else posting (the pacer's wide window "
                    f"from the start: nobody had posted) | {alone:,.0f} | {alone / raw:.3f} |",
                    f"| the same, `--no-pace` (published at once) | {unpaced:,.0f} | {unpaced / raw:.3f} |",
                ]
                if (alone := results.get("alone_per_s")) and (unpaced := results.get("unpaced_per_s"))
                else []
            ),
            "",
            f"Target: ≤ {TARGET_P99_S:.0f} s p99 during the import ({verdict}).",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="lines in the import")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between two API posts")
    parser.add_argument("--poll", type=float, default=0.025, help="seconds between two polls of a feed")
    parser.add_argument("--idle-posts", type=int, default=20)
    parser.add_argument("--posters", type=int, default=8, help="members posting in turn")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--no-alone",
        dest="alone",
        action="store_false",
        help="skip the same import on fresh `up`s with nobody posting (paced, then --no-pace)",
    )
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()

    lines = import_lines(args.n, args.seed)
    results: dict = {
        "n": args.n,
        "seed": args.seed,
        "interval": args.interval,
        "poll": args.poll,
        "posters": args.posters,
        "workload": describe(lines),
        "date": datetime.now().isoformat(timespec="seconds"),
    }
    console.print(f"the import: {results['workload']}")
    workdir = Path(tempfile.mkdtemp(prefix="shuxiang-freshness-"))
    running = RunningUp(workdir, args.seed)
    try:
        console.print("baseline: raw nats-py pull + ack of the same messages …")
        results["raw_nats_py_per_s"] = asyncio.run(baseline(workdir / "raw", lines))
        console.print(f"  {results['raw_nats_py_per_s']:,.0f} messages/s")
        path = workdir / "import.jsonl"
        path.write_text("".join(payload.decode() + "\n" for _, _, payload in lines), encoding="utf-8")
        began = time.monotonic()
        running.start()
        console.print(f"shuxiang up: {running.url}, healthy after {time.monotonic() - began:.0f} s")
        members = posting_members(realistic_alliance(args.seed), args.posters)
        accounts = running.accounts(*members)
        tokens = {name: accounts[name]["token"] for name in members}
        results.update(asyncio.run(measure(running, tokens, path, args)))
        results["import_per_s"] = args.n / results["import_s"]
        results["load"] = os.getloadavg()[0]
        running.stop()
        if args.alone:  # what fairness costs: the same import with nobody posting, paced and not
            for key, options in (("alone_per_s", ()), ("unpaced_per_s", ("--no-pace",))):
                console.print(f"the same import on a fresh `up`, nobody posting {' '.join(options)} …")
                results[key] = args.n / import_alone(workdir / key, args.seed, path, options)
                console.print(f"  {results[key]:,.0f} lines/s")
    finally:
        running.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    text = readme_text(results)
    print(text)
    results_dir = Path(__file__).parent / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "freshness.json").write_text(json.dumps(results, indent=2))
    if not args.no_readme:
        update_readme("freshness", text, "## Freshness under an import")


if __name__ == "__main__":
    main()
