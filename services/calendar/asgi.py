"""The feeds over HTTP: a thin ASGI app for ``/feeds/…``, ahead of FastAPI's routing.

Calendar clients poll; most polls ask "changed?" and should cost next to nothing.
A request for a current feed is answered from memory (headers prebuilt per feed
version), with no database access, no dependency injection and no response
objects; only a stale or missing cache entry goes to a worker thread to re-read
the state token or re-assemble the feed.

HTTP: ``text/calendar; charset=utf-8``, a strong ETag (a hash of the body),
Last-Modified, 304 for If-None-Match (which wins) or If-Modified-Since, HEAD with
the GET headers, never compressed (``no-transform``), any Accept header served,
and a plain-text 404/400 in Chinese and English for a feed that does not exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread

from shuxiang.i18n import both

from .catalog import FeedCatalog, FeedRefusal
from .feeds import MAX_CACHED_FEEDS, Feed, FeedSpec, FeedStore
from .filters import filtered_spec

Scope = MutableMapping[str, Any]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

CALENDAR_TYPE = b"text/calendar; charset=utf-8"
TEXT_TYPE = b"text/plain; charset=utf-8"
READ_METHODS = ("GET", "HEAD")
PREFIX = "/feeds/"
CACHED_QUERIES = (b"", b"include=branches")
EMPTY_BODY = {"type": "http.response.body", "body": b""}


class _RouteLabel:
    """What ``scope["route"]`` offers the request metrics: the path template."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path


ROUTE_LABELS = {
    "alliance.ics": _RouteLabel("/feeds/alliance.ics"),
    "filter.ics": _RouteLabel("/feeds/filter.ics"),
    **{kind: _RouteLabel(f"/feeds/{kind}/{{id}}.ics") for kind in ("libraries", "brands", "categories", "campaigns")},
}


class _Prepared:
    """A feed version with its response headers built once."""

    __slots__ = ("feed", "etag", "full_headers", "not_modified_headers")

    def __init__(self, feed: Feed, filename: str) -> None:
        self.feed = feed
        self.etag = feed.etag.encode()
        validators = [
            (b"etag", feed.etag.encode()),
            (b"last-modified", feed.last_modified_http.encode()),
            (b"cache-control", b"no-cache, no-transform"),
        ]
        self.not_modified_headers = validators
        self.full_headers = [
            (b"content-type", CALENDAR_TYPE),
            (b"content-length", str(len(feed.body)).encode()),
            (b"content-disposition", f'inline; filename="{filename}"'.encode()),
            (b"x-content-type-options", b"nosniff"),
            *validators,
        ]


def not_modified(feed: Feed, if_none_match: bytes | None, if_modified_since: bytes | None) -> bool:
    """RFC 9110 §13.1: If-None-Match (weak comparison) decides; else If-Modified-Since."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")}
        return b"*" in tags or feed.etag.encode() in tags
    if if_modified_since is not None:
        try:
            since = parsedate_to_datetime(if_modified_since.decode("latin-1"))
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date is ignored, as the RFC says
        if since.tzinfo is None:
            return False
        return feed.last_modified <= since
    return False


class FeedsApp:
    """``/feeds/...``: GET and HEAD of every feed the catalog names."""

    def __init__(self, catalog: FeedCatalog, store: FeedStore) -> None:
        self.catalog = catalog
        self.store = store
        self._prepared: dict[str, _Prepared] = {}
        self._resolved: dict[tuple[str, bytes], tuple[FeedSpec, _RouteLabel]] = {}

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        """Answer a request whose path starts with ``/feeds/``."""
        key = (scope["path"], scope["query_string"])
        resolved = self._resolved.get(key)
        if resolved is None:
            path = scope["path"].removeprefix(PREFIX)
            if path == "filter.ics":  # the calendar page's filters as a feed
                spec = filtered_spec(self.catalog, _query(scope["query_string"]))
            else:
                spec = self.catalog.resolve(path, _include(scope["query_string"]))
            if isinstance(spec, FeedRefusal):
                await _send_text(send, spec.status, spec.text())
                return
            resolved = (spec, ROUTE_LABELS[path.partition("/")[0]])
            if key[1] in CACHED_QUERIES:  # the query strings clients send; others are resolved each time
                self._resolved[key] = resolved
        spec, scope["route"] = resolved
        method = scope["method"]
        if method not in READ_METHODS:
            await _send_text(
                send, 405, both("Only GET and HEAD are allowed", sep="\n") + "\n", [(b"allow", b"GET, HEAD")]
            )
            return
        feed = self.store.cached(spec.key)
        if feed is None:
            feed = await anyio.to_thread.run_sync(self.store.feed, spec)
        prepared = self._prepared.get(spec.key)
        if prepared is None or prepared.feed is not feed:
            if len(self._prepared) >= MAX_CACHED_FEEDS:
                self._prepared.clear()
            prepared = self._prepared[spec.key] = _Prepared(feed, spec.key.partition("?")[0].rpartition("/")[2])
        if_none_match = if_modified_since = None
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value if if_none_match is None else if_none_match + b"," + value
            elif name == b"if-modified-since":
                if_modified_since = value
        if if_none_match == prepared.etag or not_modified(feed, if_none_match, if_modified_since):
            await send({"type": "http.response.start", "status": 304, "headers": prepared.not_modified_headers})
            await send(EMPTY_BODY)
            return
        await send({"type": "http.response.start", "status": 200, "headers": prepared.full_headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else feed.body})


def _query(query_string: bytes) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(query_string.decode("utf-8", "replace")).items()}


def _include(query_string: bytes) -> str | None:
    if not query_string:
        return None
    values = parse_qs(query_string.decode("latin-1")).get("include")
    return values[-1] if values else None


async def _send_text(send: Send, status: int, text: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    headers = [(b"content-type", TEXT_TYPE), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
