"""Per-submission dedup decision latency with 1,000,000 stored activities (SQLite file).

    .venv/bin/python -m bench.dedup_decision [--rows 1000000] [--samples 3000] [--repeat 5] [--db FILE]

Bulk-loads the announcement table and, for the one in ten co-hosted, its credits (executemany, one
transaction), then times, for sample
submissions (half re-announce a stored activity in another library's wording, half are new):
normalising + site key + the candidate index queries (the sites of the library, its organisers,
parents and children; the announcements crediting them; postponements moved from its hour) + the neighbourhood + the grouping verdict — everything the handler
decides before it writes.  Baseline in the same run: the
primary-key lookup of one stored announcement (the floor of any per-message work).
Each sample is timed ``--repeat`` times and its minimum kept, for both measures alike (as
``timeit`` advises: on a shared machine the higher timings are other processes preempting
this one, not the code), so the tail still shows samples that are slow by themselves
(more candidates, bigger groups) but not the scheduler.  ``--db FILE`` keeps the
loaded database for the next run.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.progress import Progress, TimeElapsedColumn

from shuxiang.alliance import load_demo_alliance
from shuxiang.db import make_engine, metadata
from shuxiang.events.consumer import Delivery
from shuxiang.schemas import ActivitySubmission
from shuxiang.services.dedup.handlers import group_sources, neighbourhood, source_row
from shuxiang.services.dedup.matching import match_fields
from shuxiang.services.dedup.normalize import VenueResolver, title_key
from shuxiang.services.dedup.repository import DedupRepository
from shuxiang.services.dedup.tables import TABLES

TOPICS = [
    "宋词里的四季",
    "乡土中国导读",
    "津沽方言漫谈",
    "非遗里的中国",
    "苏东坡的人生智慧",
    "绘本共读",
    "红楼梦里的饮食",
    "数字阅读推广",
    "少儿科普阅读",
    "经典诵读",
    "家庭教育",
    "城市记忆",
    "老照片里的街巷",
    "唐诗里的山河",
]
KINDS = ["公益讲座", "读书会", "读书沙龙", "亲子阅读", "少儿故事会", "展览", "培训"]
SLOTS = [(9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (19, 0)]
EPOCH = datetime(2016, 1, 1, tzinfo=UTC)
MEMBERS = [m.id for m in load_demo_alliance().members]
NAMES = {m.id: m.name for m in load_demo_alliance().members}
DAYS = 3650
VENUES = 800


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def start_of(rng: random.Random) -> datetime:
    hour, minute = rng.choice(SLOTS)
    return EPOCH + timedelta(days=rng.randrange(DAYS), hours=hour - 8, minutes=minute)


def load(path: Path, rows: int, rng: random.Random) -> list[tuple]:
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine, tables=list(TABLES))
    engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    stored: list[tuple] = []
    source_sql = (
        "INSERT INTO dedup_source (library_id, source_ref, activity_id, revision, status, submission, "
        "stream_seq, received_at, first_seq, venue_key, starts_at, ends_at, title, title_key, books, "
        "episode, category, credits, recurrence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    credit_sql = "INSERT INTO dedup_credit (library_id, starts_at, source_library, source_ref) VALUES (?,?,?,?)"
    activity_sql = (
        "INSERT INTO dedup_activity (id, version, status, starts_at, snapshot, created_at, updated_at) "
        "VALUES (?,?,?,?,?,?,?)"
    )
    started = time.perf_counter()
    with connection, Progress(*Progress.get_default_columns(), TimeElapsedColumn(), transient=True) as progress:
        loading = progress.add_task(f"loading {rows:,} announcements", total=rows)
        batch_s, batch_a, batch_c = [], [], []
        for n in range(rows):
            library = MEMBERS[n % len(MEMBERS)]
            venue = f"{rng.choice('sw')}:{library}"  # the site key: its own building, named or assumed
            start = start_of(rng)
            title = f"{rng.choice(KINDS)}：{rng.choice(TOPICS)}（{n}）"
            activity_id = f"act-{n:07d}"
            received = stamp(EPOCH)
            batch_s.append(
                (
                    library,
                    f"ref{n}",
                    activity_id,
                    1,
                    "scheduled",
                    "{}",
                    n + 1,
                    received,
                    n + 1,
                    venue,
                    stamp(start),
                    stamp(start + timedelta(hours=2)),
                    title,
                    title_key(title),
                    "",
                    None,
                    "lecture",
                    f"{library}:host",
                    None,
                )
            )
            batch_a.append((activity_id, 1, "scheduled", stamp(start), "{}", received, received))
            if n % 10 == 0:  # one in ten co-hosted: credits another member (a row of dedup_credit)
                partner = MEMBERS[(n // 10) % len(MEMBERS)]
                if partner != library:
                    batch_s[-1] = (*batch_s[-1][:17], f"{library}:host,{partner}:co_host", None)
                    batch_c.append((partner, stamp(start), library, f"ref{n}"))
            if n % 1000 == 0:
                stored.append((library, f"ref{n}", venue, start, title))
            if len(batch_s) == 50_000:
                connection.executemany(source_sql, batch_s)
                connection.executemany(activity_sql, batch_a)
                connection.executemany(credit_sql, batch_c)
                batch_s, batch_a, batch_c = [], [], []
                progress.update(loading, completed=n + 1)
        connection.executemany(source_sql, batch_s)
        connection.executemany(activity_sql, batch_a)
        connection.executemany(credit_sql, batch_c)
    connection.close()
    print(f"loaded {rows:,} announcements and activities in {time.perf_counter() - started:.1f} s")
    return stored


def stored_sample(path: Path) -> list[tuple]:
    """Every 1000th stored announcement of an already loaded database."""
    connection = sqlite3.connect(path)
    rows = connection.execute(
        "SELECT library_id, source_ref, venue_key, starts_at, title FROM dedup_source WHERE rowid % 1000 = 1"
    ).fetchall()
    connection.close()
    return [
        (lib, ref, venue, datetime.fromisoformat(start).replace(tzinfo=UTC), title)
        for lib, ref, venue, start, title in rows
    ]


def samples(stored: list[tuple], count: int, rng: random.Random) -> list[ActivitySubmission]:
    out = []
    for n in range(count):
        library = MEMBERS[(n * 7) % len(MEMBERS)]
        if n % 2 == 0:  # another library re-announces a stored activity, in its own wording, naming its host's hall
            host, _, _, start, title = rng.choice(stored)
            name = {"name": f"{NAMES[host]}报告厅"}
            body_title = f"【转发】{title}（报名中）"
        else:
            start, name, body_title = (
                start_of(rng),
                {"name": rng.choice(["报告厅", "三楼多功能厅", "少儿阅览室"])},
                f"{rng.choice(KINDS)}：{rng.choice(TOPICS)}",
            )
        out.append(
            ActivitySubmission.model_validate(
                {
                    "library_id": library,
                    "source_ref": f"s{n}",
                    "title": body_title,
                    "category": "lecture",
                    "starts_at": start.isoformat(),
                    "ends_at": (start + timedelta(hours=2)).isoformat(),
                    "venue": name,
                }
            )
        )
    return out


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, default=None, help="keep (or reuse) the loaded database here")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="shuxiang-bench-") as tmp:
        path = args.db or Path(tmp) / "dedup.sqlite3"
        if path.exists():
            stored = stored_sample(path)
            print(f"reusing {path} ({len(stored) * 1000:,} announcements, about)")
        else:
            stored = load(path, args.rows, rng)
        venues = VenueResolver(load_demo_alliance())
        engine = make_engine(f"sqlite:///{path}", writer=False)
        subs = samples(stored, args.samples, rng)
        decide, baseline, merged = [], [], 0
        with engine.connect() as connection:
            repo = DedupRepository(connection, venues)
            for n, submission in enumerate(subs):
                library, ref, *_ = stored[n % len(stored)]
                delivery = Delivery(
                    subject="shuxiang.activity.submitted.bench",
                    data=b"",
                    headers={},
                    stream_seq=args.rows + n + 1,
                    timestamp=datetime.now(UTC),
                )
                lookups, decisions = [], []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    repo.source((library, ref))
                    t1 = time.perf_counter()
                    seed = source_row(submission, match_fields(submission, venues), delivery, None)
                    rows = neighbourhood(repo, [seed])
                    groups, _ = group_sources(list(rows.values()), {})
                    t2 = time.perf_counter()
                    lookups.append((t1 - t0) * 1000)
                    decisions.append((t2 - t1) * 1000)
                merged += any(seed in g.members and len(g.members) > 1 for g in groups)
                baseline.append(min(lookups))
                decide.append(min(decisions))
        engine.dispose()
    print(
        f"samples: {len(subs)}, {len(subs) // 2 + len(subs) % 2} re-announcing a stored activity; "
        f"decided to merge: {merged}; the least of {args.repeat} timings each"
    )
    print(f"{'':32}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'baseline: primary-key lookup':32}{percentile(baseline, 0.5):>10.3f}{percentile(baseline, 0.99):>10.3f}")
    print(f"{'dedup decision':32}{percentile(decide, 0.5):>10.3f}{percentile(decide, 0.99):>10.3f}")
    target = percentile(decide, 0.99) < 5.0
    print(f"target p99 < 5 ms: {'met' if target else 'NOT met'}")


if __name__ == "__main__":
    main()
