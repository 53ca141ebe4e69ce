"""What a runtime keeps between bursts stays bounded (issue 23): the shapes of ``keys_in``'s
statements, the engines' caches and idle connections, the embedded nats-server's heap."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from shuxiang import memos
from shuxiang import runtime as runtime_module
from shuxiang.alliance import load_alliance
from shuxiang.db import _MANY_PLANS, Databases, _keys_in_clause, execute_many, keys_in
from shuxiang.events.nats_server import GO_MEMORY_LIMIT, EmbeddedNatsServer, server_environment
from shuxiang.events.progress import wait_until_processed
from shuxiang.events.publish import Publisher
from shuxiang.runtime import WORKER_RECYCLED, Runtime, give_back_memory, run_until_signalled, worker_services
from shuxiang.services.calendar.tables import calendar_entry
from shuxiang.services.dedup import handlers as dedup_handlers
from shuxiang.services.dedup import repository as dedup_repository
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE, submission


def test_keys_in_is_one_statement_for_any_number_of_keys_and_selects_exactly_them(databases: Databases) -> None:
    """Any number of keys, over any number of libraries, gives the one clause (one statement for
    SQLAlchemy's and the driver's caches), and it selects exactly the keys asked for."""
    meta = MetaData()
    table = Table(
        f"t_keys_{uuid.uuid4().hex[:8]}",
        meta,
        Column("library", String(20), primary_key=True),
        Column("ref", String(20), primary_key=True),
        Column("n", Integer),
    )
    engine = databases.engine("memory-test")
    meta.create_all(engine)
    everything = [(f"lib{i}", f"r{j}") for i in range(10) for j in range(6)]
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(table), [{"library": lib, "ref": ref, "n": k} for k, (lib, ref) in enumerate(everything)]
            )
        columns = (table.c.library, table.c.ref)
        clauses = set()
        with engine.connect() as connection:
            for libraries in range(1, 10):
                wanted = {(f"lib{i}", f"r{j}") for i in range(libraries) for j in range(i % 3 + 1)}
                wanted.add(("lib1", "nothing"))
                clause, parameters = keys_in(columns, wanted)
                found = connection.execute(select(*columns).where(clause), parameters).all()
                assert sorted(found) == sorted(key for key in everything if key in wanted)
                clauses.add(id(clause))
        assert len(clauses) == 1
    finally:
        meta.drop_all(engine)


def test_release_memory_empties_the_caches_and_the_engines_still_work(databases: Databases) -> None:
    engine = databases.engine("memory-test")
    with engine.connect() as connection:
        assert connection.execute(select(1)).scalar() == 1
    assert engine._compiled_cache is not None and len(engine._compiled_cache) > 0
    assert engine.pool.checkedin() == 1
    databases.release_memory()
    assert len(engine._compiled_cache) == 0
    assert engine.pool.checkedin() == 0
    with engine.connect() as connection:
        assert connection.execute(select(2)).scalar() == 2


def test_burst_memos_are_forgotten_and_fill_again() -> None:
    calls: list[int] = []

    @memos.burst_memo(maxsize=8)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    memo = memos.burst_dict()
    memo["shape"] = "statement"
    owned = memos.burst_dict()  # an object's memo: registered while its object lives
    owned["site"] = "venue"
    registered = memos.forget_burst_memos()
    del owned
    assert memos.forget_burst_memos() == registered - 1
    memo["shape"] = "statement"
    assert square(3) == square(3) == 9 and calls == [3]
    memos.forget_burst_memos()
    assert memo == {}
    assert square(3) == 9 and calls == [3, 3]  # computed again after the forgetting


def test_a_bounded_burst_memo_lets_its_oldest_entries_go() -> None:
    memo = memos.burst_dict(limit=3)
    for n in range(5):
        assert memo.remember(n, n * n) == n * n
    assert memo == {2: 4, 3: 9, 4: 16}
    memo = memos.burst_dict(limit=10)  # at its limit the older half goes, the newest stay
    for n in range(11):
        memo.remember(n, n)
    assert list(memo) == [5, 6, 7, 8, 9, 10]
    for n in range(11, 10_000):
        memo.remember(n, n)
        assert len(memo) <= 10 and n in memo
    unbounded = memos.burst_dict()
    for n in range(5):
        unbounded.remember(n, n)
    assert len(unbounded) == 5


def test_giving_back_memory_forgets_the_handlers_memos(databases: Databases) -> None:
    """What a burst leaves in dedup's statement and id memos and the bulk-insert plans goes with
    the runtime's quiet-time trim (they held ≈ 60 MB of the two processes after 100,000 messages)."""
    meta = MetaData()
    table = Table(f"t_memo_{uuid.uuid4().hex[:8]}", meta, Column("k", String(20), primary_key=True))
    engine = databases.engine("memory-test")
    meta.create_all(engine)
    try:
        with engine.begin() as connection:
            execute_many(connection, insert(table), [{"k": "a"}, {"k": "b"}])
        keys_in((table.c.k,), [("a",)])
        dedup_repository._candidates_query(engine.dialect, ("w", "s"), True)
        dedup_handlers.canonical_id("jn", "ref-1", 7)
        assert dedup_repository._WINDOW_QUERIES
        assert dedup_handlers.canonical_id.cache_info().currsize > 0
        assert _keys_in_clause.cache_info().currsize > 0
        assert _MANY_PLANS or databases.database_url  # positional drivers only (SQLite's)
        give_back_memory(databases)
        assert not dedup_repository._WINDOW_QUERIES
        assert dedup_handlers.canonical_id.cache_info().currsize == 0
        assert _keys_in_clause.cache_info().currsize == 0
        assert not _MANY_PLANS
        assert dedup_handlers.canonical_id("jn", "ref-1", 7) == dedup_handlers.canonical_id("jn", "ref-1", 7)
        with engine.begin() as connection:
            execute_many(connection, insert(table), [{"k": "c"}])
            assert connection.execute(select(table.c.k).order_by(table.c.k)).scalars().all() == ["a", "b", "c"]
    finally:
        meta.drop_all(engine)


def test_the_embedded_nats_server_runs_under_a_go_memory_limit(nats_server: EmbeddedNatsServer, monkeypatch) -> None:
    assert nats_server.process is not None
    environ = Path(f"/proc/{nats_server.process.pid}/environ").read_bytes().split(b"\0")
    assert f"GOMEMLIMIT={GO_MEMORY_LIMIT}".encode() in environ
    monkeypatch.setenv("GOMEMLIMIT", "1GiB")  # the operator's own limit wins
    assert server_environment()["GOMEMLIMIT"] == "1GiB"


async def _until(predicate, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def _publish(js, item: dict) -> None:
    await Publisher(js).publish(
        f"shuxiang.activity.submitted.{item['library_id']}",
        f"sub:{item['library_id']}:{item['source_ref']}:1",
        json.dumps(item, ensure_ascii=False).encode(),
    )


async def test_a_quiet_process_still_grown_after_a_burst_stops_to_be_replaced(
    tmp_path: Path, nats_server: EmbeddedNatsServer, monkeypatch
) -> None:
    """A worker process of ``up`` that, once quiet and trimmed, is still ``replace_when_grown_mb``
    larger than at its start stops itself cleanly (``shuxiang worker`` then exits with
    WORKER_RECYCLED, and ``up`` starts a fresh one); below that size it goes on."""
    monkeypatch.setattr(runtime_module, "QUIET_SECONDS", 0.5)
    monkeypatch.setattr(runtime_module, "tune_gc", lambda: None)  # leave the test process's collector alone
    outcomes = {}
    for limit in (10_000.0, -1.0):  # never grown that much; always "grown"
        settings = Settings(data_dir=tmp_path / f"data-{limit}", nats_url=nats_server.url)
        runtime = Runtime(
            settings=settings,
            alliance=load_alliance(TEST_ALLIANCE),
            services=["dedup"],
            web=False,
            announce=False,
            replace_when_grown_mb=limit,
        )
        running = asyncio.ensure_future(run_until_signalled(runtime))
        await _until(lambda rt=runtime: "dedup" in rt.consumers)
        await _publish(runtime.js, submission("jn", f"burst-{limit}"))
        await _until(lambda rt=runtime: rt.consumers["dedup"].runner.processed == 1)
        # quiet for longer than QUIET_SECONDS (the trim looks once a second): trimmed, then stopped or not
        await asyncio.wait({running}, timeout=15.0 if limit < 0 else 4.0)
        outcomes[limit] = (running.done(), runtime.replaced)
        if not running.done():
            os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, 30)
    assert outcomes == {10_000.0: (False, False), -1.0: (True, True)}


async def test_up_starts_a_worker_process_again_when_it_exits(
    tmp_path: Path, nats_server: EmbeddedNatsServer, caplog
) -> None:
    """A worker process that dies (killed, out of memory) is started again, and its services go on
    from their durable consumers; one that asks to be replaced (WORKER_RECYCLED) is replaced at once."""
    settings = Settings(data_dir=tmp_path / "data", nats_url=nats_server.url)
    runtime = Runtime(
        settings=settings, alliance=load_alliance(TEST_ALLIANCE), services=["dedup", "calendar"], web=False, processes=2
    )
    try:
        await runtime.start()
        first = runtime.workers[0]
        os.kill(first.pid, signal.SIGKILL)
        await _until(lambda: runtime.workers[0].pid != first.pid and runtime.workers[0].poll() is None)
        assert worker_services(runtime.workers[0]) == ("calendar",)
        await _publish(runtime.js, submission("jn", "after-the-restart", title="重启后的读书会"))
        await wait_until_processed(runtime.js, timeout=60)
        with runtime.databases.reader("calendar").connect() as connection:
            vevents = connection.scalars(select(calendar_entry.c.vevent)).all()
        assert len(vevents) == 1 and "重启后的读书会" in vevents[0].decode()

        # a worker that asked to be replaced: its exit code, its command's services
        second = runtime.workers[0]
        second.terminate()
        second.wait()
        asking = subprocess.Popen(
            [sys.executable, "-c", f"import sys; sys.exit({WORKER_RECYCLED})", "--alliance", "-", "calendar"]
        )
        runtime.workers[0] = asking
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="shuxiang"):
            await _until(lambda: runtime.workers[0] is not asking and runtime.workers[0].poll() is None)
        assert "a fresh worker process for calendar" in caplog.text
        assert "exited with" not in caplog.text  # replaced at once, not restarted as a failure
    finally:
        await runtime.stop()
    assert not runtime.workers
