"""Sessions in signed cookies, CSRF tokens, and in-memory rate limits.

The signing secret is ``SHUXIANG_SESSION_SECRET`` when set (every web replica must
share it), else a random one kept in ``<data-dir>/intake/session-secret`` (mode 0600).
"""

from __future__ import annotations

import asyncio
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from itsdangerous import BadSignature, URLSafeTimedSerializer

T = TypeVar("T")

SESSION_COOKIE = "shuxiang_session"
SESSION_MAX_AGE = 12 * 3600
CSRF_FIELD = "csrf_token"


def session_secret(data_dir: Path) -> str:
    configured = os.environ.get("SHUXIANG_SESSION_SECRET")
    if configured:
        return configured
    path = Path(data_dir) / "intake" / "session-secret"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secret.encode())
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return secret


@dataclass(frozen=True)
class Session:
    """Who is logged in (None: nobody yet) and the session's CSRF token."""

    csrf: str
    account: str | None = None
    epoch: int = 0


class SessionCodec:
    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="shuxiang.intake.session")

    def dump(self, session: Session) -> str:
        return self._serializer.dumps({"c": session.csrf, "a": session.account, "e": session.epoch})

    def load(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        account = data.get("a")
        epoch = data.get("e")
        return Session(
            csrf=data["c"],
            account=account if isinstance(account, str) else None,
            epoch=epoch if isinstance(epoch, int) else 0,
        )


def new_session(account: str | None = None, epoch: int = 0) -> Session:
    """A fresh session (a new CSRF token too: logging in never keeps the anonymous one)."""
    return Session(csrf=secrets.token_urlsafe(32), account=account, epoch=epoch)


def csrf_ok(session: Session | None, submitted: str | None) -> bool:
    return bool(session and submitted) and hmac.compare_digest(session.csrf, submitted)


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key (peer address + account), in
    memory: the ``limits`` library's sliding-window counters, whose keys expire with their windows
    (an attacker cycling through names leaves nothing behind)."""

    def __init__(self, limit: int, window: float) -> None:
        from limits import RateLimitItemPerSecond
        from limits.storage import MemoryStorage
        from limits.strategies import SlidingWindowCounterRateLimiter

        self.limit = limit
        self.window = window
        self.storage = MemoryStorage()
        self._item = RateLimitItemPerSecond(limit, int(window))
        self._limiter = SlidingWindowCounterRateLimiter(self.storage)

    def hit(self, key: str) -> float | None:
        """Count one event; None if allowed, else the seconds until the next one is."""
        if self._limiter.hit(self._item, key):
            return None
        stats = self._limiter.get_window_stats(self._item, key)
        return max(1.0, stats.reset_time - time.time())

    def keys(self) -> int:
        """How many keys are kept (expired ones are dropped)."""
        return len(self.storage.storage)


class HashingSlots:
    """Password checks (argon2id: 64 MiB and ~0.1 s of a core each) run off the event loop, at
    most ``slots`` at a time; more than ``queue`` waiting are refused at once (503).  Without it
    40 parallel logins with unknown names took the process to 1.8 GB and /healthz to 12 s.  Known
    and unknown names cost the same (both wait for a slot and hash), so timing tells nothing."""

    def __init__(self, slots: int = 2, queue: int = 64) -> None:
        self.slots = slots
        self.queue = queue
        self.waiting = 0
        self._semaphore: asyncio.Semaphore | None = None

    async def run(self, check: Callable[[], T]) -> T:
        if self.waiting >= self.queue:
            raise Busy()
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.slots)
        self.waiting += 1
        try:
            async with self._semaphore:
                return await asyncio.to_thread(check)
        finally:
            self.waiting -= 1


class Busy(Exception):
    """Too many password checks waiting: try again shortly."""


@dataclass
class Limits:
    """The intake's rate limits: login attempts and submissions, per IP and account."""

    login: RateLimiter
    submit: RateLimiter
    hashing: HashingSlots = field(default_factory=HashingSlots)

    @classmethod
    def default(cls) -> Limits:
        return cls(login=RateLimiter(10, 600), submit=RateLimiter(120, 600))
