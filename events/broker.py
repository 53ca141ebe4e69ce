"""Connecting to NATS and running the services' durable pull consumers.

The consume loop is ours, on nats-py, not FastStream's batch subscriber: in
FastStream 0.7.8 that loop catches ``nats.errors.TimeoutError`` while nats-py
raises a plain ``asyncio.TimeoutError`` when a second fetch for a partly filled
batch times out, and the messages already fetched are dropped until their ack
wait expires (a minute of latency).  The AsyncAPI document (``schemas/asyncapi.json``)
describes the same consumers from the services' ConsumerSpecs.

Nor is it nats-py's ``fetch``: that waits for each message of a batch with a task and a
timer of its own, which cost three times what the rest of pulling and acking a message
costs (bench/README.md).  :class:`PullRequests` sends the same JetStream pull requests
and takes a batch as it lands in its inbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import nats
from nats.errors import (
    AuthorizationError,
    ConnectionClosedError,
    NoRespondersError,
    NoServersError,
    StaleConnectionError,
    UnexpectedEOF,
)
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import api
from nats.js.errors import APIError, NotFoundError, ServiceUnavailableError
from sqlalchemy import Engine

from shuxiang.i18n import both

from .consumer import ConsumerRunner, ConsumerSpec
from .streams import default_replicas

log = logging.getLogger(__name__)

T = TypeVar("T")

ACK_WAIT_SECONDS = 10.0
"""After a crash, what the dead process had fetched is redelivered this much later; a
live consumer working on a slow batch extends it with in-progress acks."""
FETCH_WAIT_SECONDS = 1.0
"""A fetch returns as soon as one message is there; this only bounds an idle wait."""
LINGER_SECONDS = 0.05
"""A fetch that found part of a batch waits this long for the rest: under load, a consumer that
keeps up with its producer then applies fewer, fuller batches (each costs a transaction and a
commit); idle, a message waits this much longer."""


class ConnectionReport:
    """What nats-py reports about a connection, one line each: a lost broker is said once and
    its return once, not with a traceback for every reconnect attempt (nats-py's default logs
    each failed attempt with one, every ``reconnect_time_wait``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.away = False
        self.client: nats.NATS | None = None
        self.last_error: Exception | None = None
        self.refused = asyncio.Event()
        """Set when the broker reports a permissions violation (``-ERR 'Permissions Violation for
        Publish to "$JS.API…"'``): the request it refused is dropped and would only time out."""
        self.asking = False
        """A caller is asking whether a permission is given (:func:`refused_permission`): it says
        what a refusal means; any other refusal is logged."""

    async def disconnected(self) -> None:
        if self.client is not None and self.client.is_closed:
            return  # closed by us (stopping): nothing was lost
        if not self.away:
            self.away = True
            log.warning("%s: %s", self.name, both("lost the broker, reconnecting"))

    async def reconnected(self) -> None:
        self.away = False
        log.warning("%s: %s", self.name, both("reconnected to the broker"))

    async def error(self, exc: Exception) -> None:
        self.last_error = exc
        if PERMISSIONS_VIOLATION in str(exc).lower():
            self.refused.set()
            log.log(logging.DEBUG if self.asking else logging.WARNING, "%s: %s", self.name, exc)
            return
        if self.away or login_refused(exc) or isinstance(exc, CONNECTION_LOST):
            # a reconnect attempt that failed (the broker is still away, as already said), a
            # refused login (said by whoever connects), the connection lost (said by disconnected)
            log.debug("%s: broker error: %r", self.name, exc)
            return
        log.warning("%s: broker error: %r", self.name, exc)


PERMISSIONS_VIOLATION = "permissions violation"
"""How nats-server refuses a publish or subscription its user's permissions do not allow (a
library's own user: deploy/nats/README.md)."""


async def refused_permission(
    report: ConnectionReport, step: Callable[[], Awaitable[object]], wait: float = 5.0
) -> bool:
    """Whether the broker refused ``step`` (a request or a subscription and a flush) for want of
    permission.  The refusal comes at once as an error of the connection, while the request itself
    is dropped and would only time out; an answer, or no word within ``wait`` seconds (a cluster
    electing leaders), is not a refusal."""
    report.refused.clear()
    report.asking = True
    asked = asyncio.ensure_future(step())
    refusal = asyncio.ensure_future(report.refused.wait())
    try:
        await asyncio.wait({asked, refusal}, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (asked, refusal):
            task.cancel()
        await asyncio.gather(asked, refusal, return_exceptions=True)
        report.asking = False
    return report.refused.is_set()


CONNECTION_LOST = (OSError, UnexpectedEOF, StaleConnectionError)
"""What nats-py reports when the connection breaks (a node killed, reset, gone quiet), just before
its disconnected callback: said by that callback, once."""


def login_refused(exc: BaseException | None) -> bool:
    """Whether the broker refused the credentials (``-ERR 'Authorization Violation'``): nats-py
    raises :class:`AuthorizationError` once connected, but a plain ``nats.errors.Error`` naming it
    while it connects."""
    return isinstance(exc, AuthorizationError) or "authorization violation" in str(exc or "").lower()


def users_of(servers: list[str]) -> str:
    """The users a list of broker URLs logs in as (``nats://jn:secret@host`` → ``jn``), for a message."""
    users = []
    for server in servers:
        credentials, at, _ = server.rpartition("://")[2].rpartition("@")
        user = credentials.split(":", 1)[0] if at else ""
        if user and user not in users:
            users.append(user)
    return ", ".join(users)


def nats_servers(url: str | list[str]) -> list[str]:
    """The servers a broker URL names: one, or a cluster's nodes separated by commas (as
    ``deploy/compose.yaml`` sets ``SHUXIANG_NATS_URL``).  Every client of shuxiang reads it so."""
    servers = url if isinstance(url, list) else url.split(",")
    return [server.strip() for server in servers if server.strip()]


def without_password(server: str) -> str:
    """``nats://user:secret@host:4222`` as ``nats://user@host:4222``, for a log line."""
    scheme, _, rest = server.rpartition("://")
    credentials, at, address = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':', 1)[0]}@{address}" if at else server


class BrokerNotReady(RuntimeError):
    """The broker (or its JetStream) did not answer within the start timeout."""


START_TIMEOUT_SECONDS = 300.0
"""How long a service starting waits for its broker and streams (``SHUXIANG_START_TIMEOUT``): the
services of a deployment start together with its broker nodes, which take a few seconds to
elect a JetStream leader; a container's restart policy is not the way to wait for that."""


async def connect(
    url: str | list[str],
    *,
    name: str = "shuxiang",
    wait: float | None = None,
    report: ConnectionReport | None = None,
    **options,
) -> nats.NATS:
    """A connection that reconnects for ever once made.  The first connection is tried again until
    one of the servers answers (``wait`` seconds at most, then :class:`BrokerNotReady`), said in
    one log line, not one per attempt.  Every client of shuxiang — the services, ``shuxiang
    publish`` — connects so: nats-py's own error callback logs each failed attempt with a traceback.
    ``report`` (else a new one) hears nats-py's callbacks; ``options`` go to ``nats.connect``."""
    servers = nats_servers(url)
    where = ", ".join(without_password(server) for server in servers)
    limit = wait or START_TIMEOUT_SECONDS
    deadline = time.monotonic() + limit
    said = False
    report = report or ConnectionReport(name)
    report.away = True  # until connected: a failed attempt is the broker not being up yet
    attempt = asyncio.ensure_future(
        nats.connect(
            servers=servers,
            name=name,
            **{"max_reconnect_attempts": -1, "reconnect_time_wait": 0.5, "connect_timeout": 5, **options},
            error_cb=report.error,
            disconnected_cb=report.disconnected,
            reconnected_cb=report.reconnected,
        )
    )
    while not attempt.done():
        await asyncio.wait({attempt}, timeout=0.5)
        refused = login_refused(report.last_error)  # a wrong password or user: no use waiting
        if attempt.done():
            break
        if refused or time.monotonic() > deadline:
            attempt.cancel()
            await asyncio.gather(attempt, return_exceptions=True)
            if refused:
                raise BrokerNotReady(refused_login(servers))
            raise BrokerNotReady(both("no broker answered at {servers} within {s} s", servers=where, s=round(limit)))
        if not said and time.monotonic() > deadline - limit + 1.0:
            log.warning("%s: %s", name, both("waiting for the broker at {servers}", servers=where))
            said = True
    report.client = attempt.result()
    report.away = False
    return report.client


def refused_login(servers: list[str]) -> str:
    """What to say when the broker refused the credentials of ``servers`` (their URLs)."""
    where = ", ".join(without_password(server) for server in servers)
    user = users_of(servers)
    if not user:
        return both(
            "the broker at {servers} takes no login without credentials: give SHUXIANG_NATS_URL a user and password",
            servers=where,
        )
    return both(
        "the broker at {servers} refused the credentials of user {user}: check the user and password in SHUXIANG_NATS_URL",
        servers=where,
        user=user,
    )


def stream_replicas(connection: nats.NATS, configured: int | None) -> int:
    """The replicas of the streams: as configured, else as the broker connected to suggests
    (:func:`~.streams.default_replicas`)."""
    return configured or default_replicas(connection._server_info or {})  # noqa: SLF001 - the server's INFO


NOT_READY = (NatsTimeoutError, TimeoutError, NoRespondersError, ServiceUnavailableError, APIError)
"""What JetStream answers while a cluster starting has no meta leader yet, or fewer nodes than a
replicated stream needs ("insufficient resources"): worth asking again while a service starts."""


async def when_ready(what: str, step: Callable[[], Awaitable[T]], *, wait: float = START_TIMEOUT_SECONDS) -> T:
    """``step()`` once JetStream takes it: asked again (backing off up to 2 s) while it answers
    :data:`NOT_READY`, for ``wait`` seconds at most, then :class:`BrokerNotReady` naming ``what`` and
    the broker's last answer.  Said once in the log while waiting, not for every try."""
    deadline = time.monotonic() + wait
    delay, said = 0.1, False
    while True:
        try:
            return await step()
        except NOT_READY as exc:
            answer = getattr(exc, "description", None) or repr(exc)
            if time.monotonic() + delay > deadline:
                raise BrokerNotReady(
                    both("{what}: the broker is not ready ({answer})", what=what, answer=answer)
                ) from None
            if not said:
                log.warning("%s: %s (%s)", what, both("waiting for the broker's JetStream"), answer)
                said = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)


def consumer_config(spec: ConsumerSpec) -> api.ConsumerConfig:
    return api.ConsumerConfig(
        durable_name=spec.name,
        filter_subject=spec.filter_subject,
        ack_policy=api.AckPolicy.EXPLICIT,
        ack_wait=ACK_WAIT_SECONDS,
        max_ack_pending=spec.max_ack_pending,
        deliver_policy=api.DeliverPolicy.ALL,
        description=spec.description or None,
    )


class PullRequests:
    """Batches of one durable pull consumer: JetStream pull requests
    (``$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>``) answered into an inbox of our own.

    :meth:`fetch` asks with ``no_wait`` and ``expires`` together, as nats-py's ``fetch`` first
    does: the broker answers with what is there (up to a batch) at once, or waits up to
    ``expires`` for the first message and then sends what is there — a message published
    into an idle consumer is handled at once."""

    def __init__(self, nc, stream: str, consumer: str, batch: int, linger: float = 0.0) -> None:
        self.nc = nc
        self.batch = batch
        self.linger = linger
        """Seconds to wait for the rest of a batch that came in part."""
        self.subject = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self.inbox = nc.new_inbox()
        self.buffer: list = []
        """Messages delivered and not yet taken by a fetch."""
        self._answer = asyncio.Event()
        self._remaining = 0
        """How many more messages the open request may bring (0: no request is open)."""
        self._refusal: str | None = None
        self._subscription = None

    async def start(self) -> None:
        self._subscription = await self.nc.subscribe(self.inbox, cb=self._receive)

    async def stop(self) -> list:
        """Stop receiving; returns the messages delivered and never taken."""
        if self._subscription is not None:
            try:
                await self._subscription.unsubscribe()
            except Exception:  # noqa: BLE001 - a closed connection: nothing more arrives anyway
                pass
            self._subscription = None
        left, self.buffer = self.buffer, []
        return left

    async def _receive(self, msg) -> None:
        if msg.reply:
            self.buffer.append(msg)
            self._remaining -= 1
            if self._remaining > 0:
                return
        else:
            status = (msg.headers or {}).get("Status", "")
            if status == "100":  # idle heartbeat
                return
            if status not in ("404", "408"):  # 409 (consumer deleted, leader changed, …), 503
                self._refusal = f"{status} {(msg.headers or {}).get('Description', '')}".strip()
        self._remaining = 0  # the request is over: batch complete, no messages (404), expired (408)
        self._answer.set()

    async def _ask(self, request: dict, wait: float) -> None:
        """Send a pull request and wait for its end (at most ``wait`` seconds): no request is open
        when this returns."""
        self._answer.clear()
        self._remaining = request["batch"]
        await self.nc.publish(self.subject, json.dumps(request).encode(), reply=self.inbox)
        try:
            async with asyncio.timeout(wait):  # not wait_for: see cancel_and_wait
                await self._answer.wait()
        except TimeoutError:
            self._remaining = 0  # lost with a connection, or a slow broker: ask again next time

    async def fetch(self, wait: float) -> list:
        """The next batch (at most ``batch`` messages); empty after ``wait`` seconds without any."""
        if not self.buffer:
            await self._ask({"batch": self.batch, "expires": int(wait * 1e9), "no_wait": True}, wait + 1.0)
            missing = self.batch - len(self.buffer)
            if self.buffer and missing and self.linger:  # a part of a batch: give the rest a moment
                await self._ask({"batch": missing, "expires": int(self.linger * 1e9)}, self.linger + 1.0)
        if self._refusal is not None:
            refusal, self._refusal = self._refusal, None
            raise APIError(description=f"pull request refused: {refusal}")
        taken, self.buffer = self.buffer[: self.batch], self.buffer[self.batch :]
        return taken


RETRY_SECONDS = 0.5
"""How long a consumer waits before fetching again after the broker refused or was away."""


class PullConsumer:
    """One durable pull consumer (shared by every replica of its service)."""

    def __init__(
        self, js, spec: ConsumerSpec, engine: Engine, relay=None, *, start_timeout: float = START_TIMEOUT_SECONDS
    ) -> None:
        self.js = js
        self.start_timeout = start_timeout
        self.spec = spec
        self.runner = ConsumerRunner(spec, engine, relay)
        self._task: asyncio.Task | None = None
        self._unavailable_since: float | None = None
        """When fetching began to fail (None: it works): an outage is said once, not every retry."""

    async def start(self) -> None:
        stream, name = self.spec.stream.name, self.spec.name

        async def attach() -> None:
            try:
                await self.js.consumer_info(stream, name)
            except NotFoundError:
                await self.js.add_consumer(stream, consumer_config(self.spec))

        creating = both("creating the consumer {name}", name=name)
        await when_ready(creating, attach, wait=self.start_timeout)
        pulls = PullRequests(self.js._nc, stream, name, self.spec.batch_size, linger=LINGER_SECONDS)  # noqa: SLF001 - the JetStream context's connection
        await pulls.start()
        self._task = asyncio.create_task(self._consume(pulls), name=f"consume:{name}")

    async def _fetch(self, pulls: PullRequests) -> list:
        """The next batch; empty after an idle wait or while the broker is away."""
        try:
            fetched = await pulls.fetch(FETCH_WAIT_SECONDS)
        except (ConnectionClosedError, NoServersError, ServiceUnavailableError, APIError) as exc:
            # a cluster electing leaders answers so for seconds: a line when it begins and one when
            # it ends (docs/operations.md), not one every retry (a service logged 83 in an election)
            if self._unavailable_since is None:
                self._unavailable_since = time.monotonic()
                log.info("%s: broker unavailable (%r), retrying", self.spec.name, exc)
            else:
                log.debug("%s: broker still unavailable (%r)", self.spec.name, exc)
            await asyncio.sleep(RETRY_SECONDS)
            return []
        if self._unavailable_since is not None:
            log.info("%s: consuming again after %.0f s", self.spec.name, time.monotonic() - self._unavailable_since)
            self._unavailable_since = None
        return fetched

    async def _consume(self, pulls: PullRequests) -> None:
        """Fetch, apply, settle — overlapped: while a batch is applied on the batch thread, the
        next one is fetched and the one before is settled (its outbox published, then its
        messages acked).  Batches are applied and settled in log order, each settled only
        after it is stored."""
        fetching = asyncio.ensure_future(self._fetch(pulls))
        settling: asyncio.Future | None = None
        try:
            while True:
                messages = await fetching
                fetching = asyncio.ensure_future(self._fetch(pulls))
                if not messages:
                    continue
                try:
                    outcomes = await self.runner.apply(messages, waiting=fetching)
                    if settling is not None:
                        await settling
                    settling = None
                    if outcomes is not None:
                        settling = asyncio.ensure_future(self.runner.settle(messages, outcomes))
                except Exception:  # never let one batch end the loop: unacked messages come back after ack_wait
                    log.exception("%s: batch failed, its messages will be redelivered", self.spec.name)
                    await asyncio.sleep(0.5)
        finally:
            fetching.cancel()
            fetched = await asyncio.gather(fetching, return_exceptions=True)
            unapplied = await pulls.stop()
            if isinstance(fetched[0], list):
                unapplied = fetched[0] + unapplied
            # fetched but never applied: back to the broker now
            await asyncio.gather(*(m.nak() for m in unapplied), return_exceptions=True)
            if settling is not None:
                await asyncio.gather(settling, return_exceptions=True)

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None


CANCEL_AGAIN_SECONDS = 0.5


async def cancel_and_wait(task: asyncio.Task, *, again_after: float = CANCEL_AGAIN_SECONDS) -> None:
    """Cancel ``task`` and wait until it has ended, cancelling it again every ``again_after``
    seconds while it runs on.

    One cancellation can be lost: Python 3.11's ``asyncio.wait_for`` (which nats-py's requests use)
    returns the awaited result when it came in the same turn of the loop as the cancellation, and
    the task goes on as if never cancelled (fixed in Python 3.12).  A consumer's loop or the demo's
    wait for the broker then ran on, and a stop waited for it without end (seen in CI: a quotas
    replica that did not exit on SIGTERM, and `serve --demo` stopping only when the runtime gave up
    after 8 s).  A task that catches the cancellation to clean up still ends its own way."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=again_after)
    if not task.cancelled():
        task.exception()  # retrieved: a task that failed before the stop is not reported as never retrieved
