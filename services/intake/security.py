"""Sessions in signed cookies, CSRF tokens, and in-memory rate limits.

The signing secret is ``SHUXIANG_SESSION_SECRET`` when set (every web replica must
share it), else a random one kept in ``<data-dir>/intake/session-secret`` (mode 0600).
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

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
        return Session(csrf=data["c"], account=account if isinstance(account, str) else None,
                       epoch=epoch if isinstance(epoch, int) else 0)


def new_session(account: str | None = None, epoch: int = 0) -> Session:
    """A fresh session (a new CSRF token too: logging in never keeps the anonymous one)."""
    return Session(csrf=secrets.token_urlsafe(32), account=account, epoch=epoch)


def csrf_ok(session: Session | None, submitted: str | None) -> bool:
    return bool(session and submitted) and hmac.compare_digest(session.csrf, submitted)


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds for each key (IP + account), in memory."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Count one event; None if allowed, else the seconds until the next one is."""
        now = self.clock()
        with self._lock:
            events = self._events[key]
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return max(1.0, events[0] + self.window - now)
            events.append(now)
            if len(self._events) > 100_000:  # bound the memory an attacker can make us use
                self._events = defaultdict(deque, {k: v for k, v in self._events.items() if v})
            return None


@dataclass
class Limits:
    """The intake's rate limits: login attempts and submissions, per IP and account."""

    login: RateLimiter
    submit: RateLimiter

    @classmethod
    def default(cls) -> Limits:
        return cls(login=RateLimiter(10, 600), submit=RateLimiter(120, 600))
