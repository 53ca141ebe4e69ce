"""Running shuxiang: every service in one process (``up``) or one service (``serve``)."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import faulthandler
import gc
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from shuxiang.alliance import Alliance
from shuxiang.db import Databases
from shuxiang.events.broker import PullConsumer, cancel_and_wait, connect, stream_replicas, when_ready
from shuxiang.events.nats_server import EmbeddedNatsServer, NatsServerError
from shuxiang.events.outbox import OutboxRelay
from shuxiang.events.publish import WEB_PUBLISH_SECONDS, Publisher
from shuxiang.events.streams import ensure_streams
from shuxiang.i18n import both
from shuxiang.memos import forget_burst_memos
from shuxiang.posters import ObjectPosterStore, poster_store
from shuxiang.running import remove_runtime_info, write_runtime_info
from shuxiang.services import CONSUMING_SERVICES
from shuxiang.services.brands import service as brands_service
from shuxiang.services.calendar import service as calendar_service
from shuxiang.services.dedup import service as dedup_service
from shuxiang.services.digests import service as digests_service
from shuxiang.services.intake import service as intake_service
from shuxiang.services.plan import ServiceContext, ServicePlan
from shuxiang.services.quotas import service as quotas_service
from shuxiang.services.registrations import service as registrations_service
from shuxiang.services.scheduler import service as scheduler_service
from shuxiang.services.stats import service as stats_service
from shuxiang.settings import Settings

log = logging.getLogger("shuxiang")
T = TypeVar("T")

SERVICE_BUILDERS: dict[str, Callable[[ServiceContext], ServicePlan]] = {
    "dedup": dedup_service.build,
    "calendar": calendar_service.build,
    "quotas": quotas_service.build,
    "intake": intake_service.build,
    "brands": brands_service.build,
    "digests": digests_service.build,
    "scheduler": scheduler_service.build,
    "registrations": registrations_service.build,
    "stats": stats_service.build,
}
"""Every consuming service, in the order the embedded runtime starts them."""
assert tuple(SERVICE_BUILDERS) == CONSUMING_SERVICES, "services/__init__.py names the same services"

SERVICE_NAMES = (*SERVICE_BUILDERS, "web")

WORKER_LAYOUTS: dict[int, tuple[tuple[str, ...], ...]] = {
    1: (),
    2: (("calendar", "quotas", "brands", "digests", "stats"),),
    3: (("calendar", "brands", "digests", "stats"), ("quotas",)),
}
"""``up --processes N``: the services each worker process runs; the rest (and the web front, the
embedded nats-server) stay in the main process.  The busy stages — dedup, then the projections of
its canonical events — get processes of their own, so their Python runs on more than one core.
With 3, dedup stays in the main process and the projections are split over two workers (calendar,
brands, digests, stats | quotas), for more than two cores: on two, 3 processes were faster only while
random activity ids slowed the projections at scale; with ordered ids 2 are (200,000 submissions:
732/s against 658/s with 3 — bench/README.md)."""


def default_processes() -> int:
    """``up``'s processes when not told: one per core this process may run on (``taskset`` and
    container CPU sets count), at most the largest :data:`WORKER_LAYOUTS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, max(WORKER_LAYOUTS)))


BROKER_CHECK_SECONDS = 1.0
"""How often ``up`` looks whether its embedded nats-server and its worker processes are still running."""

WORKER_RECYCLED = 75
"""The exit code of a worker process that asks ``up`` for a fresh one (:attr:`Runtime.replace_when_grown_mb`)."""
WORKER_GROWTH_MB = 24.0
"""How far above its size at start a worker process may stay once a burst is over and its memory
given back before it hands over to a fresh one.  CPython keeps every 1 MB arena a live object
still sits in: after 100,000 submissions the worker kept 141 MB (103 MB at start) with its live
objects back within 45,000 blocks of a fresh one's — a fresh process is the only compaction (as
celery's ``worker_max_memory_per_child``).  Its consumers are durable: nothing is lost, and the
hand-over happens only when it has been quiet for :data:`QUIET_SECONDS`."""
RESTART_LONGEST = 30.0
"""Seconds ``up`` waits at most before trying again to start its embedded nats-server or a failing
worker process (the pause doubles from 1 s)."""

COUNTS_DIR = "worker-counts"
"""Where the worker processes write their consumers' counts (``<pid>.json``)."""
COUNTS_SECONDS = 2.0

WORKER_ALLIANCE_FILE = "worker-alliance.json"
"""The alliance as ``up --processes N`` hands it to its workers (removed when they stop)."""


@dataclass
class Runtime:
    """The services of one process, their broker connection and, optionally, the web front
    and an embedded nats-server."""

    settings: Settings
    alliance: Alliance
    services: list[str]
    web: bool = True
    processes: int = 1
    """How many processes run the services (:data:`WORKER_LAYOUTS`): 1 runs them all in this one."""
    announce: bool = True
    """Write ``runtime.json`` into the data dir (a worker process leaves it to its parent)."""
    replace_when_grown_mb: float | None = None
    """A worker process of ``up``: once quiet and its memory given back, exit with
    :data:`WORKER_RECYCLED` when it is still this many MB larger than when it had started
    (``up`` starts a fresh one: :data:`WORKER_GROWTH_MB`).  None: never."""
    replaced: bool = False
    """It stopped to be replaced by a fresh process (see :attr:`replace_when_grown_mb`)."""
    report_counts: bool = False
    """Write this process's consumer counts into the data dir every :data:`COUNTS_SECONDS`, for
    the parent's ``/metrics`` (a worker process of ``up --processes N``)."""
    nats_server: EmbeddedNatsServer | None = None
    connection: object | None = None
    consumers: dict[str, PullConsumer] = field(default_factory=dict)
    relays: list[OutboxRelay] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    _started_mb: float | None = None
    _worker_env: dict[str, str] = field(default_factory=dict)
    _tasks: list[asyncio.Task] = field(default_factory=list)
    _web_server: object | None = None

    def worker_groups(self) -> list[list[str]]:
        """The services of each worker process (empty groups left out)."""
        if self.processes not in WORKER_LAYOUTS:
            raise ValueError(f"processes: {self.processes} (1 to {max(WORKER_LAYOUTS)})")
        groups = [[name for name in group if name in self.services] for group in WORKER_LAYOUTS[self.processes]]
        return [group for group in groups if group]

    @property
    def nats_url(self) -> str:
        if self.settings.nats_url:
            return self.settings.nats_url
        assert self.nats_server is not None
        return self.nats_server.url

    async def start(self) -> None:
        settings = self.settings
        if self.web:  # before anything starts: a busy port was "web failed: 3" after the broker and workers
            require_free_port(settings.host, settings.port)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if settings.embedded:
            from shuxiang.services.intake.nats_users import embedded_broker

            self.nats_server = embedded_broker(settings.data_dir, self.alliance)  # nothing anonymous gets in
            await asyncio.to_thread(self.nats_server.start)
            self._tasks.append(asyncio.create_task(self._supervise_broker(), name="embedded nats-server"))
        self.databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
        # only a web front reads or writes posters (a worker of `up --processes N` is not "distributed")
        self.context = ServiceContext(
            settings=settings,
            alliance=self.alliance,
            databases=self.databases,
            posters=poster_store(settings) if self.web else None,
        )
        worker_groups = self.worker_groups()
        elsewhere = {name for group in worker_groups for name in group}
        plans = [SERVICE_BUILDERS[name](self.context) for name in self.services if name not in elsewhere]
        if settings.database_url is None:
            for plan in plans:
                self.databases.create_tables(plan.name, plan.tables)
        else:  # migrated by `shuxiang migrate`: said in one line when it was not, before waiting for the broker
            from shuxiang.db import metadata  # every service's tables: the web front reads them all

            self.databases.require_tables(
                [table for plan in plans for table in plan.tables]
                + (list(metadata.tables.values()) if self.web else [])
            )

        # a deployment starts its services with its broker nodes: wait for them (and their leader)
        self.connection = connection = await connect(self.nats_url, wait=settings.start_timeout)
        self.js = js = connection.jetstream()
        replicas = stream_replicas(connection, settings.stream_replicas)
        await when_ready(
            both("creating the streams"), lambda: ensure_streams(js, replicas), wait=settings.start_timeout
        )
        if isinstance(self.context.posters, ObjectPosterStore):  # `serve web`: shared by every web replica
            posters = self.context.posters
            await when_ready(
                both("creating the posters' bucket"),
                lambda: posters.attach(js, replicas=replicas),
                wait=settings.start_timeout,
            )
        self.publisher = publisher = Publisher(js)
        # the form's and the API's posts: a 503 within seconds while the broker is away, not a minute
        self.web_publisher = Publisher(js, within=WEB_PUBLISH_SECONDS)
        if worker_groups:
            # the workers start (a second or so of imports) while this process's consumers work
            self._start_workers(worker_groups)
        for plan in plans:
            relay = None
            if plan.publishes:
                relay = OutboxRelay(
                    plan.name,
                    self.databases.engine(plan.name),
                    publisher,
                    reader=self.databases.reader(plan.name),
                    consumers=[spec.name for spec in plan.consumers],
                )
                self.relays.append(relay)
                self._tasks.append(asyncio.create_task(relay.sweep_forever(), name=f"outbox:{plan.name}"))
            for spec in plan.consumers:
                consumer = PullConsumer(
                    js, spec, self.databases.engine(plan.name), relay, start_timeout=settings.start_timeout
                )
                await consumer.start()
                self.consumers[spec.name] = consumer
        for relay in self.relays:
            await relay.flush()  # whatever a previous run left behind
        if worker_groups:
            await self._wait_for_workers([SERVICE_BUILDERS[name](self.context) for name in elsewhere])
        for plan in plans:
            if plan.background is not None:
                self._tasks.append(asyncio.create_task(plan.background(js), name=f"background:{plan.name}"))
        if self.web:
            await self._start_web()
        if self.announce:
            self._write_runtime_file()
        if self.report_counts:
            self._tasks.append(asyncio.create_task(self._write_counts_forever(), name="consumer counts"))
        if self.workers:
            self._tasks.append(asyncio.create_task(self._supervise_workers(), name="worker supervisor"))
        if self.consumers:
            self._started_mb = resident_mb()
            self._tasks.append(asyncio.create_task(self._trim_when_quiet(), name="memory trim"))

    def consumer_counts(self) -> dict[str, tuple[int, int]]:
        """Messages processed and dead-lettered by each consumer: this process's, and its worker
        processes' as they last wrote them (at most :data:`COUNTS_SECONDS` old)."""
        counts = {
            name: (consumer.runner.processed, consumer.runner.dead_lettered)
            for name, consumer in self.consumers.items()
        }
        for worker in self.workers:
            if worker.poll() is not None:
                continue
            try:
                written = json.loads(self._counts_file(worker.pid).read_text())
            except (OSError, ValueError):
                continue  # not written yet
            counts.update((name, (int(processed), int(dead))) for name, (processed, dead) in written.items())
        return counts

    def _counts_file(self, pid: int) -> Path:
        """Where the worker process ``pid`` writes its consumers' counts."""
        return self.settings.data_dir / COUNTS_DIR / f"{pid}.json"

    async def _write_counts_forever(self) -> None:
        path = self._counts_file(os.getpid())
        path.parent.mkdir(exist_ok=True)
        written = None
        while True:
            counts = self.consumer_counts()
            if counts != written:
                partial = path.with_suffix(".partial")
                partial.write_text(json.dumps(counts))
                partial.replace(path)  # the parent never reads half a file
                written = counts
            await asyncio.sleep(COUNTS_SECONDS)

    async def _trim_when_quiet(self) -> None:
        """After a burst, once this process's consumers have had nothing to do for
        :data:`QUIET_SECONDS`, give back the memory the burst took: a full collection, then
        glibc's ``malloc_trim`` (freed heap pages stay with the process otherwise — the runtime's
        RSS stayed at ≈ 750 MB after ingesting 100,000 submissions, 105 MB after a restart).
        Once per burst."""
        last, quiet_since, trimmed = None, time.monotonic(), True
        while True:
            await asyncio.sleep(1.0)
            counts = {name: consumer.runner.processed for name, consumer in self.consumers.items()}
            if counts != last:
                last, quiet_since, trimmed = counts, time.monotonic(), False
            elif not trimmed and time.monotonic() - quiet_since >= QUIET_SECONDS:
                await asyncio.to_thread(give_back_memory, self.databases)
                trimmed = True
                if self._grown_too_much():
                    self.replaced = True
                    os.kill(os.getpid(), signal.SIGTERM)  # run_until_signalled stops it cleanly
                    return

    def _grown_too_much(self) -> bool:
        """Whether this process is still :attr:`replace_when_grown_mb` larger than at its start."""
        now = resident_mb()
        if self.replace_when_grown_mb is None or now is None or self._started_mb is None:
            return False
        if now - self._started_mb < self.replace_when_grown_mb:
            return False
        log.info(
            "%s",
            both(
                "{now} MB after the burst, {start} MB at start: handing over to a fresh worker process",
                now=round(now),
                start=round(self._started_mb),
            ),
        )
        return True

    async def _supervise_workers(self) -> None:
        """Start a worker process again when it exits while ``up`` runs: at once when it asked to be
        replaced (:data:`WORKER_RECYCLED`), else after a pause that doubles from 1 s to
        :data:`RESTART_LONGEST` while it keeps failing within a minute of its start (its
        consumers are durable: what it had fetched is redelivered to the new one)."""
        started = {worker.pid: time.monotonic() for worker in self.workers}
        pauses: dict[tuple[str, ...], float] = {}
        while True:
            await asyncio.sleep(BROKER_CHECK_SECONDS)
            for index, worker in enumerate(self.workers):
                code = worker.poll()
                if code is None:
                    continue
                services = worker_services(worker)
                self._counts_file(worker.pid).unlink(missing_ok=True)
                lived = time.monotonic() - started.pop(worker.pid, 0.0)
                if code == WORKER_RECYCLED:
                    log.info("%s", both("a fresh worker process for {services}", services=", ".join(services)))
                else:
                    pause = 0.0 if lived > 60 else pauses.get(services, 0.0)
                    pauses[services] = min(max(1.0, pause * 2), RESTART_LONGEST)
                    log.error(
                        "%s",
                        both(
                            "the worker process for {services} exited with {code}: starting it again in {s} s",
                            services=", ".join(services),
                            code=code,
                            s=round(pause),
                        ),
                    )
                    await asyncio.sleep(pause)
                fresh = self._start_worker(services)
                started[fresh.pid] = time.monotonic()
                self.workers[index] = fresh

    async def _supervise_broker(self) -> None:
        """Restart the embedded nats-server, on its port and store, when it exits under a running
        runtime (killed, out of memory): its streams and consumers are on disk, and the
        connections to it (this process's, the workers') reconnect by themselves.  A restart
        that fails is tried again, waiting longer each time (up to :data:`RESTART_LONGEST`)."""
        server = self.nats_server
        assert server is not None
        while True:
            await asyncio.sleep(BROKER_CHECK_SECONDS)
            process = server.process
            if process is None or process.poll() is None:
                continue
            log.error("%s", both("the embedded nats-server exited with {code}: restarting it", code=process.returncode))
            delay = 1.0
            while not await self._restart_broker(server):
                log.error("%s", both("the embedded nats-server did not restart; trying again in {s} s", s=round(delay)))
                await asyncio.sleep(delay)
                delay = min(delay * 2, RESTART_LONGEST)
            log.warning("%s", both("the embedded nats-server is back on {address}", address=server.address))

    @staticmethod
    async def _restart_broker(server: EmbeddedNatsServer) -> bool:
        starting = asyncio.ensure_future(asyncio.to_thread(server.start))
        try:
            await asyncio.shield(starting)
        except asyncio.CancelledError:  # stopping: let the start finish, so that stop() stops it
            await asyncio.gather(starting, return_exceptions=True)
            raise
        except NatsServerError as exc:
            log.error("%s", str(exc).splitlines()[0])
            return False
        return True

    def _start_workers(self, groups: list[list[str]]) -> None:
        """A ``shuxiang worker`` process for each group of services, on this runtime's broker, data
        dir and alliance (handed over as JSON in the data dir)."""
        env = {**os.environ, "SHUXIANG_NATS_URL": self.nats_url, "SHUXIANG_DATA_DIR": str(self.settings.data_dir)}
        env.pop("SHUXIANG_DATABASE_URL", None)
        if self.settings.database_url:
            env["SHUXIANG_DATABASE_URL"] = self.settings.database_url
        self._worker_env = env
        alliance_file = self.settings.data_dir / WORKER_ALLIANCE_FILE
        alliance_file.write_text(self.alliance.model_dump_json())
        for services in groups:
            self.workers.append(self._start_worker(tuple(services)))

    def _start_worker(self, services: tuple[str, ...]) -> subprocess.Popen:
        """One ``shuxiang worker`` process for ``services``."""
        command = [
            sys.executable,
            "-m",
            "shuxiang",
            "worker",
            "--parent",
            str(os.getpid()),
            "--alliance",
            str(self.settings.data_dir / WORKER_ALLIANCE_FILE),
            *services,
        ]
        log.info("worker process for %s", ", ".join(services))
        # its own session: a Ctrl-C on the terminal reaches it through stop(), in order
        return subprocess.Popen(command, env=self._worker_env, start_new_session=True)

    async def _wait_for_workers(self, plans: list[ServicePlan], timeout: float = 120.0) -> None:
        """Return once the workers' durable consumers are on the broker: a caller that then waits
        for the streams to drain (``up --demo``, the benchmark) must not find a stream without
        the consumer a worker is still starting.  (A consumer left by an earlier run counts: what
        it has pending is counted too.)"""
        expected = {(spec.stream.name, spec.name) for plan in plans for spec in plan.consumers}
        deadline = time.monotonic() + timeout
        while True:
            attached = set()
            for stream in {stream for stream, _ in expected}:
                attached |= {(stream, info.name) for info in await self.js.consumers_info(stream)}
            if expected <= attached:
                return
            for worker in self.workers:
                if worker.poll() is not None:
                    services = worker_services(worker)
                    raise RuntimeError(f"worker process for {', '.join(services)} exited with {worker.returncode}")
            if time.monotonic() > deadline:
                missing = ", ".join(sorted(name for _, name in expected - attached))
                raise TimeoutError(f"worker processes not consuming after {timeout:.0f}s: {missing}")
            await asyncio.sleep(0.1)

    def _stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in self.workers:
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        if self.workers:
            (self.settings.data_dir / WORKER_ALLIANCE_FILE).unlink(missing_ok=True)
        for worker in self.workers:
            self._counts_file(worker.pid).unlink(missing_ok=True)
        self.workers.clear()

    async def _start_web(self) -> None:
        import uvicorn

        from shuxiang.web import create_app

        app = create_app(self.context, runtime=self)

        class WebServer(uvicorn.Server):
            def capture_signals(self):  # the runtime owns SIGINT/SIGTERM and stops the web front itself
                return contextlib.nullcontext()

        trusted = self.settings.trusted_proxies
        config = uvicorn.Config(
            app,
            host=self.settings.host,
            port=self.settings.port,
            log_config=None,  # uvicorn's lines through our handler: JSON ones with SHUXIANG_LOG_FORMAT=json
            log_level="warning",
            lifespan="off",
            access_log=False,
            # X-Forwarded-For is believed only from a configured proxy: otherwise anyone on the host
            # (uvicorn trusts 127.0.0.1 by default) could pick the address the login limit counts
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or None,
        )
        server = WebServer(config)
        self._web_server = server
        self._tasks.append(asyncio.create_task(server.serve(), name="web"))
        for _ in range(200):
            if server.started:
                return
            if self._tasks[-1].done():  # uvicorn logged why (a port taken since the check) and exited
                self._tasks.pop().exception()
                raise StartProblem(
                    both(
                        "the web front could not start on {host}:{port}",
                        host=self.settings.host,
                        port=self.settings.port,
                    )
                )
            await asyncio.sleep(0.025)

    def _write_runtime_file(self) -> None:
        write_runtime_info(self.settings.data_dir, nats_url=self.nats_url, web_url=self.settings.public_url)

    def run_beside(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``work`` (publishing the demo) as a task of the runtime, like its relays and
        schedulers: cancelled when the runtime stops, before its connection closes."""
        self._tasks.append(asyncio.create_task(work, name=name))

    async def stop(self) -> None:
        if self._web_server is not None:
            self._web_server.should_exit = True
        await within(
            STOP_STEP_SECONDS,
            "the consumers",
            asyncio.gather(*(consumer.stop() for consumer in self.consumers.values())),
        )
        # Tasks beside the consumers end while the connection they use is still open.
        await within(
            STOP_STEP_SECONDS,
            "the tasks beside the consumers",
            asyncio.gather(*(cancel_and_wait(task) for task in self._tasks)),
        )
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                # it had failed before the stop: say so, and stop anyway
                log.error("%s failed: %s", task.get_name(), task.exception())
        if self.connection is not None:
            # Unacked messages are redelivered; nothing to drain that the inbox would not absorb.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.connection.close(), 5)
        await asyncio.to_thread(self._stop_workers)
        if self.nats_server is not None:
            await asyncio.to_thread(self.nats_server.stop)
        if hasattr(self, "databases"):
            self.databases.dispose()
        remove_runtime_info(self.settings.data_dir)


class StartProblem(RuntimeError):
    """Something the operator must change before the runtime can start (a port in use), said in
    one line without a traceback."""


def require_free_port(host: str, port: int) -> None:
    """:class:`StartProblem` when ``host:port`` cannot be listened on, tried as uvicorn binds it
    (``SO_REUSEADDR``: a port whose last connections are in TIME_WAIT is free)."""
    if not 1 <= port <= 65535:  # SHUXIANG_PORT (up's --port is checked by click)
        raise StartProblem(both("port {port} is out of range (1–65535): check SHUXIANG_PORT", port=port))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartProblem(both("port {port} is in use (another shuxiang or program?)", port=port)) from None
            raise StartProblem(
                both("cannot listen on {host}:{port}: {error}", host=host, port=port, error=exc.strerror or exc)
            ) from None


STOP_STEP_SECONDS = 8.0
"""How long stopping waits for the consumers (their batch in hand settled, the rest given back), and
then for the tasks beside them, before it goes on without them: a stop always ends — the messages not
acked are redelivered to a replica or the next start, and the inbox absorbs a repeat."""


async def within(seconds: float, what: str, awaitable: Awaitable[T]) -> T | None:
    """``awaitable``'s result, or None when it has not finished within ``seconds``: then it is
    cancelled, and the log says what did not stop, with every asyncio task's stack (a process
    that does not stop on SIGTERM was a bug to find, not a wait to sit out)."""
    task = asyncio.ensure_future(awaitable)
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if done:
        return task.result()
    log.error("%s did not stop within %.0f s; going on without them\n%s", what, seconds, task_stacks())
    task.cancel()
    return None


def task_stacks() -> str:
    """Every asyncio task of the running loop with the chain of awaits it is suspended in (the
    innermost last), down to the future it waits for."""
    lines = []
    for task in asyncio.all_tasks():
        chain, awaited = [], task.get_coro()
        while awaited is not None and hasattr(awaited, "cr_frame"):
            frame = awaited.cr_frame
            if frame is not None:
                chain.append(f"{frame.f_code.co_name} ({Path(frame.f_code.co_filename).name}:{frame.f_lineno})")
            awaited = awaited.cr_await
        if awaited is not None:
            chain.append(repr(awaited)[:200])
        lines.append(f"  task {task.get_name()}: {' -> '.join(chain) or 'not started'}")
    return "\n".join(lines)


def worker_services(worker: subprocess.Popen) -> tuple[str, ...]:
    """The services a worker process runs (the last arguments of its command)."""
    return tuple(worker.args[worker.args.index("--alliance") + 2 :])


def resident_mb() -> float | None:
    """This process's resident memory in MB (None where /proc does not say it)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


QUIET_SECONDS = 15.0
"""Seconds without a message after which a process gives back the memory of a burst."""


def give_back_memory(databases: Databases | None = None) -> None:
    """Drop what ``databases``' engines keep between bursts (:meth:`Databases.release_memory`) and
    the handlers' memos (:mod:`shuxiang.memos`), collect garbage and return the heap's free pages
    to the system (glibc; elsewhere a no-op)."""
    if databases is not None:
        databases.release_memory()
    forget_burst_memos()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


GC_THRESHOLD = 50_000
"""Allocations between two collections of the youngest generation (Python's default: 700).  10,000
until the fourteenth session: a replay of 60,000 realistic messages in one process then spent 5.2
of its 93.8 s of CPU in the collector (773 young collections, 70 of the middle generation); at
50,000, 2.3 of 92.0 s (52 and 5) — what a collection scans is mostly the batch's live objects,
so fewer collections cost less in all; two processes, 20,000 messages, alternated: 1,238 / 1,258 →
1,286 / 1,271 per second."""


def tune_gc() -> None:
    """For a process that runs services (``up``, its workers, ``serve``), before they start: what
    the imports made is frozen out of the cyclic garbage collector's passes, and its youngest
    generation is collected every :data:`GC_THRESHOLD` allocations instead of 700.  Handling a
    message allocates thousands of short-lived objects (pydantic models, SQLAlchemy rows): with
    the defaults, collections took ≈ 15 % of the handlers' CPU (bench/README.md, "Pipeline
    throughput").  Cycles are still collected, less often."""
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    limit_malloc_arenas()


MALLOC_ARENAS = 2
"""glibc malloc arenas of a process that runs services (glibc's default: 8 a core)."""

_M_ARENA_MAX = -8


def limit_malloc_arenas() -> None:
    """At most :data:`MALLOC_ARENAS` malloc arenas in this process (glibc; elsewhere a no-op): the
    threads a burst runs handlers and SQLite in each took an arena of their own, whose freed
    pages ``malloc_trim`` gives back less well than the main heap's.  Called before they start."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return  # the operator's say
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


async def run_until_signalled(runtime: Runtime, on_started: Callable[[Runtime], None] | None = None) -> None:
    """Start, wait for SIGINT/SIGTERM, stop cleanly (the nats-server child included).
    SIGUSR1 prints every thread's stack to stderr, for an operator asking what a process that
    does not stop is doing (``kill -USR1 <pid>``, docs/operations.md)."""
    tune_gc()
    with contextlib.suppress(AttributeError, ValueError, OSError):  # no SIGUSR1 on Windows
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    stopping = asyncio.ensure_future(stop.wait())
    starting = asyncio.ensure_future(runtime.start())
    try:
        # a signal while starting (still waiting for the broker) stops it too
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            return
        starting.result()
        if on_started:
            on_started(runtime)
        await stopping
    finally:
        stopping.cancel()
        await runtime.stop()
