"""The dedup tables as the handlers need them: a few indexed queries per message."""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    insert,
    literal_column,
    or_,
    select,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.engine import Dialect

from shuxiang.db import execute_many, json_rows, keys_in, where_once
from shuxiang.memos import burst_dict, burst_memo
from shuxiang.schemas import ActivitySubmission, CanonicalActivity, Status
from shuxiang.schemas.submission import LOGGED

from .matching import (
    DAY,
    HABIT_MINUTES,
    MOVED_BACK,
    MOVED_LEAST,
    WINDOW_MINUTES,
    MatchFields,
    candidate_keys,
    moved_day,
    own_site_keys,
)
from .normalize import VenueResolver
from .tables import dedup_activity, dedup_credit, dedup_review, dedup_source

SourceKey = tuple[str, str]
REVIEW_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:shuxiang:dedup-review")
WINDOW = timedelta(minutes=WINDOW_MINUTES)
NEAR = timedelta(minutes=HABIT_MINUTES)
"""How far from its start an announcement's candidates lie at other sites than its own (starts
further apart are one activity only at the same site: :func:`~.matching.compare`)."""


def _windows(fields: MatchFields, keys: list[str]) -> list[tuple[str, datetime, datetime]]:
    own, start = own_site_keys(fields), _utc(fields.starts_at)
    later = DAY if fields.spans_day else WINDOW  # a day's entry: its twins give an hour of that day
    own_low, own_high, near_low, near_high = start - WINDOW, start + later, start - NEAR, start + NEAR
    windows = [(key, own_low, own_high) if key in own else (key, near_low, near_high) for key in keys]
    if fields.moved_unknown:  # moved from it does not say when: the same place's posts of the weeks before
        windows += [(key, start - MOVED_BACK, start - MOVED_LEAST) for key in own]
    elif fields.put_off:  # put off to it does not say when: the same place's posts of the weeks after
        windows += [(key, start + MOVED_LEAST, start + MOVED_BACK) for key in own]
    elif fields.moved_from is not None:  # a postponement: the posts still giving its original date
        moved = _utc(fields.moved_from)
        windows += [(key, moved - NEAR, moved + (DAY if fields.moved_day else NEAR)) for key in keys]
    return windows


def _moved_window(fields: MatchFields) -> tuple[datetime, datetime]:
    """Where the original starts of postponements an announcement may still give lie: up to
    :data:`NEAR` from its start, or its day's midnight (read through the partial index of those rows only, any site: they
    are few, and a re-announcement may name the place another way)."""
    start = _utc(fields.starts_at)
    return start - DAY, start + NEAR  # an original date without an hour is kept as its midnight


def _day_windows(fields: MatchFields) -> list[tuple[str, datetime, datetime]]:
    """Where the day-spanning entries an announcement may give an hour of lie (at its own site,
    starting up to a day before it, or after it: it may be the day's entry): read through the
    partial index of day-spanning and moved rows."""
    start = _utc(fields.starts_at)
    return [(key, start - DAY, start + DAY) for key in own_site_keys(fields)]


def _postponement_windows(fields: MatchFields) -> list[tuple[str, datetime, datetime]]:
    """Where the postponements it may be one with lie at its own site, up to
    :data:`~.matching.MOVED_BACK` either way: re-announcements that do not say from when (it may be
    their original) and originals put off without saying to when (it may be their new date); read
    through the partial index of moved rows by site (``ix_dedup_source_moved_at``, migration 0012)."""
    start = _utc(fields.starts_at)
    return [(key, start - MOVED_BACK, start + MOVED_BACK) for key in own_site_keys(fields)]


def _credit_windows(fields: MatchFields) -> list[tuple[str, datetime, datetime]]:
    """Where the announcements crediting one of its libraries may lie: up to :data:`NEAR` from its
    start, wherever they are held (:data:`~.tables.dedup_credit`)."""
    start = _utc(fields.starts_at)
    return [(library_id, start - NEAR, start + NEAR) for library_id in sorted(fields.libraries)]


def _credited(fields: MatchFields) -> frozenset[str]:
    """The libraries an announcement credits besides its writer (whose own posts are found at its
    sites: a credit row for it would only be read again)."""
    return fields.libraries - {fields.library_id}


def _credit_rows(source: SourceRow) -> list[dict]:
    f = source.fields
    return [
        {"library_id": library_id, "starts_at": f.starts_at, "source_library": f.key[0], "source_ref": f.key[1]}
        for library_id in sorted(_credited(f))
    ]


def review_id(a: SourceKey, b: SourceKey) -> str:
    """The review of a pair of announcements, whichever way round it is named."""
    first, second = sorted((a, b))
    return _review_id(first, second)


# 4,096, not 65,536: a batch's neighbourhoods fit, and a full cache of 65,536 held ≈ 25 MB
# (canonical_id) and ≈ 38 MB (_review_id) of the runtime for good after a 100k ingest (issue 23)
@burst_memo(maxsize=4_096)
def _review_id(first: SourceKey, second: SourceKey) -> str:
    return str(uuid.uuid5(REVIEW_NAMESPACE, "\x1f".join((*first, *second))))


def _reviews_touching(keys: list[SourceKey]) -> tuple:
    """Reviews one of whose two announcements is among ``keys``: the clause and its parameters."""
    source, source_parameters = keys_in((dedup_review.c.source_library, dedup_review.c.source_ref), keys, name="s")
    other, other_parameters = keys_in((dedup_review.c.other_library, dedup_review.c.other_ref), keys, name="o")
    return _either(source, other), source_parameters | other_parameters


@burst_memo(maxsize=64)
def _either(first, second):
    """``first OR second``, made once for these two clauses (:func:`shuxiang.db.where_once`)."""
    return or_(first, second)


def pair_ids(keys: Iterable[SourceKey]) -> set[str]:
    """The review ids of every pair of these announcements."""
    keys = sorted(keys)
    return {review_id(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]}


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One member announcement in its latest revision, with its matching keys."""

    fields: MatchFields
    activity_id: str
    revision: int
    status: Status
    first_seq: int
    stream_seq: int
    received_at: datetime
    title: str
    submission_json: str
    parsed: ActivitySubmission | None = field(default=None, compare=False, repr=False)
    """The submission itself when the handler has it at hand (saves parsing the JSON again)."""
    key: SourceKey = field(init=False, compare=False, repr=False)
    """Its fields' key (asked for very often: kept as an attribute)."""
    live: bool = field(init=False, compare=False, repr=False)
    """Scheduled (not cancelled)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.fields.key)
        object.__setattr__(self, "live", self.status is _SCHEDULED)

    def submission(self) -> ActivitySubmission:
        return self.parsed or ActivitySubmission.model_validate_json(self.submission_json, context=LOGGED)

    def moved_to(self, activity_id: str) -> SourceRow:
        if activity_id == self.activity_id:
            return self
        return SourceRow(  # dataclasses.replace, without its per-call look-ups of the fields
            self.fields,
            activity_id,
            self.revision,
            self.status,
            self.first_seq,
            self.stream_seq,
            self.received_at,
            self.title,
            self.submission_json,
            self.parsed,
        )


_SCHEDULED = Status.scheduled
_SOURCE_COLUMNS = (
    dedup_source.c.library_id,
    dedup_source.c.source_ref,
    dedup_source.c.activity_id,
    dedup_source.c.revision,
    dedup_source.c.status,
    dedup_source.c.submission,
    dedup_source.c.stream_seq,
    dedup_source.c.received_at,
    dedup_source.c.first_seq,
    dedup_source.c.venue_key,
    dedup_source.c.starts_at,
    dedup_source.c.ends_at,
    dedup_source.c.title,
    dedup_source.c.title_key,
    dedup_source.c.books,
    dedup_source.c.episode,
    dedup_source.c.category,
    dedup_source.c.credits,
    dedup_source.c.recurrence,
    dedup_source.c.spans_day,
    dedup_source.c.moved_from,
)
_SOURCES = select(*_SOURCE_COLUMNS)
_ALL_REVIEWS = select(dedup_review)
_PENDING_REVIEW_IDS = select(dedup_review.c.id).where(dedup_review.c.status == "pending")


def encode_credits(credits: Iterable[tuple[str, str]]) -> str:
    return ",".join(f"{lib}:{role}" for lib, role in credits)


@burst_memo(maxsize=4_096)
def decode_credits(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(item.split(":", 1)) for item in text.split(",") if item)  # type: ignore[misc]


@burst_memo(maxsize=4_096)
def _decode_books(text: str) -> frozenset[str]:
    return frozenset(b for b in text.split("|") if b)


_STATUSES = {status.value: status for status in Status}
_EMPTY: frozenset[str] = frozenset()


def _row_to_source(row, venues: VenueResolver | None = None) -> SourceRow:
    fields = MatchFields(
        library_id=row.library_id,
        source_ref=row.source_ref,
        venue_key=row.venue_key,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        title_key=row.title_key,
        books=_decode_books(row.books) if row.books else _EMPTY,
        episode=row.episode,
        category=row.category,
        credits=decode_credits(row.credits),
        recurrence=row.recurrence,
        spans_day=bool(row.spans_day),
        moved_from=row.moved_from,
        moved_day=moved_day(row.moved_from, venues.alliance.tz) if venues is not None else False,
        raw=row.submission,
        called_off=row.status == Status.cancelled.value,
        family=venues.family(row.library_id) if venues is not None else _EMPTY,
        kinds=venues.kinds(row.library_id) if venues is not None else _EMPTY,
        at_mobile=venues.mobile(row.venue_key[2:]) if venues is not None else False,
    )
    return SourceRow(
        fields=fields,
        activity_id=row.activity_id,
        revision=row.revision,
        status=_STATUSES.get(row.status) or Status(row.status),
        first_seq=row.first_seq,
        stream_seq=row.stream_seq,
        received_at=row.received_at,
        title=row.title,
        submission_json=row.submission,
    )


def _source_values(source: SourceRow) -> dict:
    f = source.fields
    return {
        "activity_id": source.activity_id,
        "revision": source.revision,
        "status": source.status.value,
        "submission": source.submission_json,
        "stream_seq": source.stream_seq,
        "received_at": source.received_at,
        "first_seq": source.first_seq,
        "venue_key": f.venue_key,
        "starts_at": f.starts_at,
        "ends_at": f.ends_at,
        "title": source.title[:200],
        "title_key": f.title_key[:400],
        "books": "|".join(sorted(f.books)),
        "episode": f.episode[:16] if f.episode else None,
        "category": f.category,
        "credits": encode_credits(f.credits),
        "recurrence": f.recurrence,
        "spans_day": f.spans_day,
        "moved_from": f.moved_from,
    }


def _activity_values(activity: CanonicalActivity, snapshot: str | None = None) -> dict:
    return {
        "version": activity.version,
        "status": activity.status.value,
        "starts_at": activity.starts_at,
        "snapshot": activity.model_dump_json() if snapshot is None else snapshot,
        "created_at": activity.created_at,
        "updated_at": activity.updated_at,
    }


_KEY = (dedup_source.c.library_id == bindparam("k_library"), dedup_source.c.source_ref == bindparam("k_ref"))
_SOURCE = select(*_SOURCE_COLUMNS).where(*_KEY)
_SOURCES_OF = select(*_SOURCE_COLUMNS).where(dedup_source.c.activity_id.in_(bindparam("ids", expanding=True)))
_INSERT_SOURCE = insert(dedup_source)
_UPDATE_SOURCE = update(dedup_source).where(*_KEY)
_SNAPSHOT = select(dedup_activity.c.snapshot).where(dedup_activity.c.id == bindparam("k_id"))
_INSERT_ACTIVITY = insert(dedup_activity)
_UPDATE_ACTIVITY = update(dedup_activity).where(dedup_activity.c.id == bindparam("k_id"))
_INSERT_CREDIT = insert(dedup_credit)
_DELETE_CREDITS = delete(dedup_credit).where(
    dedup_credit.c.source_library == bindparam("k_library"), dedup_credit.c.source_ref == bindparam("k_ref")
)
_CREDITED_JOIN = dedup_source.join(
    dedup_credit,
    and_(
        dedup_credit.c.source_library == dedup_source.c.library_id,
        dedup_credit.c.source_ref == dedup_source.c.source_ref,
    ),
)


def _moved_query(low: str, high: str):
    """Postponements whose original start lies in a range, with parameters named ``low`` and
    ``high`` (in their partial index)."""
    return select(*_SOURCE_COLUMNS).where(
        dedup_source.c.moved_from.is_not(None),
        dedup_source.c.moved_from >= bindparam(low),
        dedup_source.c.moved_from <= bindparam(high),
    )


_MOVED = _moved_query("low", "high")
_REVIEWS = select(dedup_review).where(dedup_review.c.id.in_(bindparam("ids", expanding=True)))
"""Statements built once: per message only parameters change (SQLAlchemy caches their compilation)."""


class DedupRepository:
    def __init__(self, connection: Connection, venues: VenueResolver | None = None) -> None:
        self.connection = connection
        self.venues = venues
        """Knows which sites' announcements may be an announcement's twins (without it: its own site's)."""

    def candidate_keys(self, fields: MatchFields) -> list[str]:
        return candidate_keys(fields, self.venues) if self.venues is not None else [fields.venue_key]

    def _query_windows(
        self,
        windows: list[tuple[str, datetime, datetime]],
        days: Sequence[tuple[str, datetime, datetime]] = (),
        moving: Sequence[tuple[str, datetime, datetime]] = (),
    ):
        """Announcements in any of these (site key, start range) windows, the day-spanning ones in
        any of ``days`` and the moved ones in any of ``moving``: an index range scan each, in one
        statement."""
        return self._execute_windows({"w": windows, "s": list(days), "m": list(moving)})

    def _query_day_windows(self, days: list[tuple[str, datetime, datetime]], *, moved_only: bool = False):
        """The day-spanning (or only the moved) announcements in any of these windows."""
        return self._execute_windows({"m" if moved_only else "s": days})

    def _execute_windows(self, windows: dict[str, list]):
        """One statement of :func:`_windows_query` over the windows of each kind (:data:`WINDOW_KINDS`)
        given; none when none are."""
        given = _given(windows)
        if not given:
            return []
        return self.connection.execute(_windows_query(self.connection.dialect, tuple(given)), given)

    # -- sources ---------------------------------------------------------------------

    def source(self, key: SourceKey) -> SourceRow | None:
        row = self.connection.execute(_SOURCE, {"k_library": key[0], "k_ref": key[1]}).first()
        return _row_to_source(row, self.venues) if row else None

    def candidates(self, fields: MatchFields) -> list[SourceRow]:
        """Announcements at its sites starting within the window, the day-spanning ones it may give an
        hour of, the postponements moved from its hour and the announcements crediting its libraries:
        an index range scan each, in one statement (in a few when there are many sites)."""
        windows, days, moving, credits = (
            _windows(fields, self.candidate_keys(fields)),
            _day_windows(fields),
            _postponement_windows(fields),
            _credit_windows(fields),
        )
        rows = self._execute_candidates(windows, days, credits, _moved_window(fields), moving)
        found: dict[SourceKey, SourceRow] = {}
        for row in rows:
            if (row.library_id, row.source_ref) not in found:  # found at its site and as crediting
                source = _row_to_source(row, self.venues)
                found[source.key] = source
        return sorted(found.values(), key=lambda row: (row.fields.starts_at, row.key))

    def _execute_candidates(
        self, windows: list, days: list, credits: list, moved: tuple[datetime, datetime], moving: list
    ):
        """:func:`_candidates_query` over these windows."""
        given = _given({"w": windows, "s": days, "m": moving})
        parameters = {**given, "ml": moved[0], "mh": moved[1]}
        if credits:
            parameters["c"] = credits
        query = _candidates_query(self.connection.dialect, tuple(given), bool(credits))
        return self.connection.execute(query, parameters)

    def _query_credits(self, windows: list[tuple[str, datetime, datetime]]):
        """Announcements crediting a library in any of these (library, start range) windows."""
        if not windows:
            return []
        return self.connection.execute(_credits_query(self.connection.dialect), {"c": windows})

    def _moved_between(self, low: datetime, high: datetime) -> list[SourceRow]:
        """Stored postponements whose original start lies in [low, high]."""
        return [_row_to_source(row, self.venues) for row in self.connection.execute(_MOVED, {"low": low, "high": high})]

    def sources_of(self, activity_ids: Iterable[str]) -> list[SourceRow]:
        ids = sorted(set(activity_ids))
        if not ids:
            return []
        return [_row_to_source(row, self.venues) for row in self.connection.execute(_SOURCES_OF, {"ids": ids})]

    def insert_source(self, source: SourceRow) -> None:
        self.connection.execute(
            _INSERT_SOURCE, {"library_id": source.key[0], "source_ref": source.key[1], **_source_values(source)}
        )
        self._insert_credits(source)

    def update_source(self, source: SourceRow) -> None:
        self.connection.execute(
            _UPDATE_SOURCE, {"k_library": source.key[0], "k_ref": source.key[1], **_source_values(source)}
        )
        self.connection.execute(_DELETE_CREDITS, {"k_library": source.key[0], "k_ref": source.key[1]})
        self._insert_credits(source)

    def _insert_credits(self, source: SourceRow) -> None:
        rows = _credit_rows(source)
        if rows:
            self.connection.execute(_INSERT_CREDIT, rows)

    def move_source(self, key: SourceKey, activity_id: str) -> None:
        self.connection.execute(_UPDATE_SOURCE, {"k_library": key[0], "k_ref": key[1], "activity_id": activity_id})

    # -- activities ------------------------------------------------------------------

    def activity(self, activity_id: str) -> CanonicalActivity | None:
        snapshot = self.connection.execute(_SNAPSHOT, {"k_id": activity_id}).scalar()
        return CanonicalActivity.model_validate_json(snapshot) if snapshot else None

    def save_activity(self, activity: CanonicalActivity, *, new: bool, snapshot: str | None = None) -> None:
        """``snapshot``: ``activity.model_dump_json()``, when the caller has it."""
        values = _activity_values(activity, snapshot)
        if new:
            self.connection.execute(_INSERT_ACTIVITY, {"id": activity.id, **values})
        else:
            self.connection.execute(_UPDATE_ACTIVITY, {"k_id": activity.id, **values})

    # -- reviews ---------------------------------------------------------------------

    def reviews_among(self, keys: Iterable[SourceKey]) -> dict[str, dict]:
        """The stored reviews of any two of these announcements, by id."""
        return self.reviews_by_id(pair_ids(keys))

    def reviews_by_id(self, ids: Iterable[str]) -> dict[str, dict]:
        ids = sorted(set(ids))
        if not ids:
            return {}
        return {row["id"]: dict(row) for row in self.connection.execute(_REVIEWS, {"ids": ids}).mappings()}

    def pending_reviews_of(self, keys: Iterable[SourceKey]) -> list[str]:
        keys = sorted(set(keys))
        if not keys:
            return []
        touching, parameters = _reviews_touching(keys)
        rows = self.connection.execute(where_once(_PENDING_REVIEW_IDS, touching), parameters)
        return [row.id for row in rows]

    def add_review(self, review: dict) -> None:
        self.connection.execute(insert(dedup_review).values(**review))

    def delete_pending_reviews(self, ids: Iterable[str]) -> None:
        ids = sorted(set(ids))
        if ids:
            self.connection.execute(
                dedup_review.delete().where(and_(dedup_review.c.id.in_(ids), dedup_review.c.status == "pending"))
            )

    def record_decision(self, review: dict) -> None:
        """Store a coordinator's decision on a pair (inserting the pair if replay brings the
        decision before the review)."""
        existing = self.connection.scalar(select(dedup_review.c.id).where(dedup_review.c.id == review["id"]))
        decided = {k: review[k] for k in ("status", "decided_at", "decided_by", "note")}
        if existing is None:
            self.connection.execute(insert(dedup_review).values(**review))
        else:
            self.connection.execute(update(dedup_review).where(dedup_review.c.id == review["id"]).values(**decided))


ACTIVITIES_PER_QUERY = 500
"""Activities whose announcements :meth:`BatchRepository.prefetch_candidates` reads per query."""


_DAY_OR_MOVED = text("(dedup_source.spans_day OR dedup_source.moved_from IS NOT NULL)")
"""The partial index's WHERE (``ix_dedup_source_day_or_moved``), as the query must say it to use it."""
_MOVED_ONLY = dedup_source.c.moved_from.is_not(None)
WINDOW_KINDS = {"w": None, "s": _DAY_OR_MOVED, "m": _MOVED_ONLY}
"""The parameters a statement of windows takes (each a list of (site key, low, high)), and what
the rows of each must be besides: any announcement (``w``), day-spanning or moved ones (``s``, in
the partial index ``ix_dedup_source_day_or_moved``), moved ones (``m``, in ``ix_dedup_source_moved_at``)
— each condition as its index's WHERE says it, so that the index is used."""
_WINDOW_QUERIES: dict[tuple, object] = burst_dict()


def _given(windows: dict[str, list]) -> dict[str, list]:
    """The kinds of windows (:data:`WINDOW_KINDS`) that have any: the statement names only those."""
    return {name: rows for name, rows in windows.items() if rows}


def _in_ranges(dialect: Dialect, name: str, key, start):
    """The windows of the list parameter ``name`` (rows of key, low, high) read as a table
    (:func:`shuxiang.db.json_rows`), and the condition that ``key`` is a window's and ``start`` lies
    in its range."""
    windows, (value, low, high) = json_rows(dialect, name, (key, start, start))
    return windows, and_(key == value, start >= low, start <= high)


def _window_part(dialect: Dialect, name: str):
    """Announcements in any window of the list parameter ``name`` (:data:`WINDOW_KINDS`): the
    windows read as a table (:func:`shuxiang.db.json_rows`) joined to ``dedup_source`` by site and
    start, a range scan of an index a window, in one statement text for any number of windows."""
    windows, on = _in_ranges(dialect, name, dedup_source.c.venue_key, dedup_source.c.starts_at)
    kind = WINDOW_KINDS[name]
    return _joined(dialect, windows, dedup_source, on if kind is None else and_(on, kind))


def _joined(dialect: Dialect, windows, table, on, *columns):
    """``_SOURCE_COLUMNS`` (and ``columns``) of ``table`` rows matching each of the ``windows``
    rows by ``on``, looked up window by window.  On PostgreSQL a LATERAL subquery: a plain join
    was planned as a hash join over the whole table (the planner takes a JSON list for 100 rows
    and cannot tell how narrow a window is), a sequential scan of it for every batch; ``OFFSET 0``
    keeps the planner from flattening the subquery back into that join."""
    if dialect.name != "postgresql":
        return select(*_SOURCE_COLUMNS, *columns).select_from(windows.join(table, on))
    found = (
        select(*_SOURCE_COLUMNS, *columns)
        .select_from(table)
        .where(on)
        .offset(literal_column("0"))
        .lateral(f"{windows.name}_found")
    )
    return select(*found.c).select_from(windows.join(found, true()))


def _windows_query(dialect: Dialect, names: tuple[str, ...]):
    """The announcements in the windows of each of ``names`` (:data:`WINDOW_KINDS`), one statement."""
    key = ("windows", dialect.name, names)
    query = _WINDOW_QUERIES.get(key)
    if query is None:
        parts = [_window_part(dialect, name) for name in names]
        query = _WINDOW_QUERIES[key] = parts[0] if len(parts) == 1 else union_all(*parts)
    return query


def _credited_part(dialect: Dialect, *columns):
    """Announcements crediting a library in any window of the list parameter ``c`` (library,
    low, high): a range of the credits' key a window, then the announcement by its key."""
    windows, on = _in_ranges(dialect, "c", dedup_credit.c.library_id, dedup_credit.c.starts_at)
    return _joined(dialect, windows, _CREDITED_JOIN, on, *columns)


def _candidates_query(dialect: Dialect, names: tuple[str, ...], credited: bool):
    """:func:`_windows_query`, the postponements moved from a range (``ml``..``mh``) and, when
    ``credited``, the announcements crediting the libraries of the windows ``c``, in one statement
    (UNION ALL: each part read from its own index)."""
    key = ("candidates", dialect.name, names, credited)
    query = _WINDOW_QUERIES.get(key)
    if query is None:
        parts = [*(_window_part(dialect, name) for name in names), _moved_query("ml", "mh")]
        if credited:
            parts.append(_credited_part(dialect))
        query = _WINDOW_QUERIES[key] = union_all(*parts)
    return query


def _credits_query(dialect: Dialect):
    """:func:`_credited_part` with the library each row was found crediting (``credited``)."""
    key = ("credits", dialect.name)
    query = _WINDOW_QUERIES.get(key)
    if query is None:
        query = _WINDOW_QUERIES[key] = _credited_part(dialect, dedup_credit.c.library_id.label("credited"))
    return query


def _day_or_moved(row: SourceRow) -> bool:
    return row.fields.spans_day or row.fields.moved_from is not None


def _covered(ranges: list[tuple[datetime, datetime]] | None, low: datetime, high: datetime) -> bool:
    """Whether one of these sorted, disjoint ranges holds [low, high] (a binary search)."""
    if not ranges:
        return False
    at = bisect.bisect_right(ranges, (low, _LATEST)) - 1
    return at >= 0 and ranges[at][0] <= low and high <= ranges[at][1]


_LATEST = datetime.max.replace(tzinfo=UTC)


def _utc(instant: datetime) -> datetime:
    """The same instant with ``datetime.UTC`` as its zone, as stored rows have it.  Comparing two
    datetimes whose zones are different objects (pydantic gives each parsed value its own)
    asks both for their offsets: sorting a batch's windows cost ≈ 30× more so."""
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)  # a stored row's: as it is


def _merged(windows: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Overlapping ranges joined."""
    out: list[tuple[datetime, datetime]] = []
    for low, high in sorted(windows):
        if out and low <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out


class BatchRepository(DedupRepository):
    """The dedup tables for a batch of announcements: what the batch writes is kept here and
    stored at :meth:`flush` (a statement per table for the whole batch), and every read sees
    it, so each message is handled exactly as if the ones before it had been stored.

    The stored candidates of the whole batch, and the other announcements of their activities,
    are read up front (:meth:`prefetch_candidates`); a look-up outside what was read then goes
    to the database."""

    def __init__(self, connection: Connection, venues: VenueResolver | None = None) -> None:
        super().__init__(connection, venues)
        self._stored: dict[SourceKey, SourceRow | None] = {}
        """Stored announcements by key (None: not stored), kept across :meth:`flush`."""
        self._windows_of: dict[SourceKey, tuple[MatchFields, list, list, list]] = {}
        """The batch's announcements' candidate windows and day windows, as :meth:`prefetch_candidates`
        worked them out (with the fields they are of: :meth:`candidates` asks again for the same)."""
        self._start_batch()

    def _start_batch(self) -> None:
        """Nothing written, nothing read up front (at the start and after each :meth:`flush`)."""
        self._sources: dict[SourceKey, SourceRow] = {}
        self._new_sources: set[SourceKey] = set()
        self._activities: dict[str, CanonicalActivity] = {}
        self._snapshots: dict[str, str | None] = {}
        """The activities' JSON, when :meth:`save_activity` was given it."""
        self._new_activities: set[str] = set()
        self._written_at: dict[str, dict[SourceKey, SourceRow]] = {}
        """The batch's written announcements by venue key."""
        self._written_moved: dict[SourceKey, SourceRow] = {}
        """The batch's written postponements (:attr:`MatchFields.moved_from`)."""
        self._written_starts: dict[SourceKey, datetime] = {}
        """Their starts in UTC (:func:`_utc`)."""
        self._read_windows: dict[str, list[tuple[datetime, datetime]]] = {}
        self._read_day_windows: dict[str, list[tuple[datetime, datetime]]] = {}
        """Windows whose day-spanning rows were read up front (they are in :attr:`_stored_at` too)."""
        self._read_moving_windows: dict[str, list[tuple[datetime, datetime]]] = {}
        """Windows whose moved rows were read up front (:func:`_postponement_windows`)."""
        self._stored_at: dict[str, dict[SourceKey, SourceRow]] = {}
        """Stored announcements in the windows read up front, by venue key."""
        self._stored_sorted: dict[str, tuple[list[datetime], list[SourceRow]]] = {}
        self._read_credits: dict[str, list[tuple[datetime, datetime]]] = {}
        """Windows (by library) whose crediting announcements were read up front."""
        self._credited: dict[str, dict[SourceKey, SourceRow]] = {}
        """Those announcements, by the library they credit."""
        self._credited_sorted: dict[str, tuple[list[datetime], list[SourceRow]]] = {}
        self._written_credits: dict[str, dict[SourceKey, SourceRow]] = {}
        """The batch's written announcements by the libraries they credit."""
        self._credits_changed: set[SourceKey] = set()
        """Written announcements whose credits (or start) are not stored yet."""
        self._read_moved: list[tuple[datetime, datetime]] = []
        """Ranges of original starts whose postponements were read up front (in :attr:`_moved`)."""
        self._moved: tuple[list[datetime], list[SourceRow]] = ([], [])
        """Those postponements, by original start."""
        self._stored_of: dict[str, list[SourceRow]] = {}
        """Stored announcements of the activities read up front (every one of them), by activity id."""
        self._written_of: dict[str, dict[SourceKey, SourceRow]] = {}
        """The batch's written announcements by activity id."""
        self._reviews: dict[str, dict] = {}
        """Every stored review of the announcements in :attr:`_review_keys` (kept as the batch
        writes reviews: those go to the database at once)."""
        self._review_keys: set[SourceKey] = set()

    def prefetch(self, keys: Iterable[SourceKey]) -> None:
        """Read the stored announcements of these keys in one query (None for those not stored)."""
        wanted = sorted(set(keys) - self._stored.keys())
        if not wanted:
            return
        self._stored.update(dict.fromkeys(wanted))
        stored, parameters = keys_in((dedup_source.c.library_id, dedup_source.c.source_ref), wanted)
        rows = self.connection.execute(where_once(_SOURCES, stored), parameters)
        for row in rows:
            source = _row_to_source(row, self.venues)
            self._stored[source.key] = source

    def source(self, key: SourceKey) -> SourceRow | None:
        if key in self._sources:
            return self._sources[key]
        if key not in self._stored:
            self._stored[key] = super().source(key)
        return self._stored[key]

    def prefetch_candidates(self, fields: Iterable[MatchFields]) -> None:
        """Read the stored candidates of these announcements, and of their candidates, in a few
        queries: each venue key's windows (twice the matching window either side: a candidate's
        own candidates lie within it), overlapping ones joined, in one statement of each kind."""
        fields = list(fields)
        wanted: dict[str, list[tuple[datetime, datetime]]] = {}
        spanning: dict[str, list[tuple[datetime, datetime]]] = {}
        moving: dict[str, list[tuple[datetime, datetime]]] = {}
        self._windows_of = {}
        for f in fields:
            own_windows, own_days, own_moving = self._windows_and_days(f)
            self._windows_of[f.key] = (f, own_windows, own_days, own_moving)
            for key, low, high in own_windows:
                wanted.setdefault(key, []).append((low - WINDOW, high + WINDOW))
            for key, low, high in own_days:
                spanning.setdefault(key, []).append((low - WINDOW, high + WINDOW))
            for key, low, high in own_moving:
                moving.setdefault(key, []).append((low - WINDOW, high + WINDOW))
        windows = [(venue, low, high) for venue, ranges in wanted.items() for low, high in _merged(ranges)]
        day_windows = [(venue, low, high) for venue, ranges in spanning.items() for low, high in _merged(ranges)]
        moving_windows = [(venue, low, high) for venue, ranges in moving.items() for low, high in _merged(ranges)]
        self._stored_sorted = {}
        for row in [
            *self._query_windows(windows),
            *self._query_day_windows(day_windows),
            *self._query_day_windows(moving_windows, moved_only=True),
        ]:
            source = _row_to_source(row, self.venues)
            self._stored_at.setdefault(source.fields.venue_key, {})[source.key] = source
        crediting: dict[str, list[tuple[datetime, datetime]]] = {}
        for f in fields:
            for library_id, low, high in _credit_windows(f):
                crediting.setdefault(library_id, []).append((low - WINDOW, high + WINDOW))
        credit_windows = [(lib, low, high) for lib, ranges in crediting.items() for low, high in _merged(ranges)]
        self._credited_sorted = {}
        for row in self._query_credits(credit_windows):
            source = _row_to_source(row, self.venues)
            self._credited.setdefault(row.credited, {})[source.key] = source
            self._stored_at.setdefault(source.fields.venue_key, {}).setdefault(source.key, source)
        for library_id, ranges in crediting.items():
            self._read_credits[library_id] = _merged(self._read_credits.get(library_id, []) + ranges)
        moved = {row.key: row for row in self._moved[1]}
        for low, high in _merged([_moved_window(f) for f in fields]):
            if not _covered(self._read_moved, low, high):
                moved.update((row.key, row) for row in super()._moved_between(low - WINDOW, high + WINDOW))
                self._read_moved = _merged([*self._read_moved, (low - WINDOW, high + WINDOW)])
        rows = sorted(moved.values(), key=lambda row: row.fields.moved_from)  # type: ignore[arg-type, return-value]
        self._moved = ([row.fields.moved_from for row in rows], rows)  # type: ignore[misc]
        for row in rows:
            self._stored_at.setdefault(row.fields.venue_key, {}).setdefault(row.key, row)
        for venue, ranges in wanted.items():
            self._read_windows[venue] = _merged(self._read_windows.get(venue, []) + ranges)
        for venue, ranges in spanning.items():
            self._read_day_windows[venue] = _merged(self._read_day_windows.get(venue, []) + ranges)
        for venue, ranges in moving.items():
            self._read_moving_windows[venue] = _merged(self._read_moving_windows.get(venue, []) + ranges)
        read = {row.key: row for rows in self._stored_at.values() for row in rows.values()}
        activities = sorted({row.activity_id for row in read.values()} - self._stored_of.keys())
        for first in range(0, len(activities), ACTIVITIES_PER_QUERY):
            chunk = activities[first : first + ACTIVITIES_PER_QUERY]
            self._stored_of.update((activity_id, []) for activity_id in chunk)
            for row in self.connection.execute(_SOURCES_OF, {"ids": chunk}):
                source = read.get((row.library_id, row.source_ref)) or _row_to_source(row, self.venues)
                self._stored_of[source.activity_id].append(source)
        keys = read.keys() | {f.key for f in fields} | {row.key for rows in self._stored_of.values() for row in rows}
        self._prefetch_reviews(keys)

    def _prefetch_reviews(self, keys: Iterable[SourceKey]) -> None:
        wanted = sorted(set(keys) - self._review_keys)
        if wanted:  # one statement for any number of keys (keys_in)
            touching, parameters = _reviews_touching(wanted)
            rows = self.connection.execute(where_once(_ALL_REVIEWS, touching), parameters)
            self._reviews.update((row["id"], dict(row)) for row in rows.mappings())
        self._review_keys.update(wanted)

    def reviews_among(self, keys: Iterable[SourceKey]) -> dict[str, dict]:
        keys = set(keys)
        if not keys <= self._review_keys:
            return super().reviews_among(keys)
        return {rid: self._reviews[rid] for rid in pair_ids(keys) if rid in self._reviews}

    def pending_reviews_of(self, keys: Iterable[SourceKey]) -> list[str]:
        """As stored, from the batch's reviews when it has read those of every one of ``keys``
        (a revision asked this with a statement of its own)."""
        keys = set(keys)
        if not keys <= self._review_keys:
            return super().pending_reviews_of(keys)
        return sorted(
            rid
            for rid, review in self._reviews.items()
            if review["status"] == "pending"
            and (
                (review["source_library"], review["source_ref"]) in keys
                or (review["other_library"], review["other_ref"]) in keys
            )
        )

    def add_review(self, review: dict) -> None:
        super().add_review(review)
        self._reviews[review["id"]] = dict.fromkeys(dedup_review.c.keys()) | review

    def delete_pending_reviews(self, ids: Iterable[str]) -> None:
        ids = set(ids)
        super().delete_pending_reviews(ids)
        for rid in ids:
            if self._reviews.get(rid, {}).get("status") == "pending":
                del self._reviews[rid]

    def record_decision(self, review: dict) -> None:
        super().record_decision(review)
        self._reviews, self._review_keys = {}, set()  # read again: decisions are rare

    def _windows_and_days(self, fields: MatchFields) -> tuple[list, list, list]:
        known = self._windows_of.get(fields.key)
        if known is not None and known[0] is fields:
            return known[1], known[2], known[3]
        return _windows(fields, self.candidate_keys(fields)), _day_windows(fields), _postponement_windows(fields)

    def candidates(self, fields: MatchFields) -> list[SourceRow]:
        windows, day_windows, moving_windows = self._windows_and_days(fields)
        if (
            all(_covered(self._read_windows.get(key), low, high) for key, low, high in windows)
            and all(_covered(self._read_day_windows.get(key), low, high) for key, low, high in day_windows)
            and all(_covered(self._read_moving_windows.get(key), low, high) for key, low, high in moving_windows)
        ):
            found = {
                row.key: row
                for key, low, high in windows
                for row in self._stored_between(key, low, high)
                if row.key not in self._sources
            }
            for key, low, high in day_windows:
                found.update(
                    (row.key, row)
                    for row in self._stored_between(key, low, high)
                    if _day_or_moved(row) and row.key not in self._sources
                )
            for key, low, high in moving_windows:
                found.update(
                    (row.key, row)
                    for row in self._stored_between(key, low, high)
                    if row.fields.moved_from is not None and row.key not in self._sources
                )
            stored = sorted(found.values(), key=lambda row: (row.fields.starts_at, row.key))
        else:
            stored = [row for row in super().candidates(fields) if row.key not in self._sources]
        moved_low, moved_high = _moved_window(fields)
        if _covered(self._read_moved, moved_low, moved_high):
            starts, rows = self._moved
            moved = rows[bisect.bisect_left(starts, moved_low) : bisect.bisect_right(starts, moved_high)]
        else:
            moved = super()._moved_between(moved_low, moved_high)
        credit_windows = _credit_windows(fields)
        if all(_covered(self._read_credits.get(lib), low, high) for lib, low, high in credit_windows):
            credited = [row for lib, low, high in credit_windows for row in self._credited_between(lib, low, high)]
        else:
            credited = [_row_to_source(row, self.venues) for row in self._query_credits(credit_windows)]
        known = {row.key for row in stored}
        for row in [*moved, *credited]:
            if row.key not in self._sources and row.key not in known:
                known.add(row.key)
                stored.append(row)
        written = {
            row.key: row
            for key, low, high in windows
            for row in self._written_at.get(key, {}).values()
            if low <= self._written_starts[row.key] <= high
        }
        for key, low, high in day_windows:
            written.update(
                (row.key, row)
                for row in self._written_at.get(key, {}).values()
                if _day_or_moved(row) and low <= self._written_starts[row.key] <= high
            )
        for key, low, high in moving_windows:
            written.update(
                (row.key, row)
                for row in self._written_at.get(key, {}).values()
                if row.fields.moved_from is not None and low <= self._written_starts[row.key] <= high
            )
        for library_id, low, high in credit_windows:
            written.update(
                (row.key, row)
                for row in self._written_credits.get(library_id, {}).values()
                if low <= self._written_starts[row.key] <= high
            )
        written.update(
            (key, row)
            for key, row in self._written_moved.items()
            if moved_low <= row.fields.moved_from <= moved_high  # type: ignore[operator]
        )
        return stored + list(written.values())

    def _credited_between(self, library_id: str, low: datetime, high: datetime) -> list[SourceRow]:
        """The stored announcements read up front crediting ``library_id``, starting in [low, high]."""
        by_start = self._credited_sorted.get(library_id)
        if by_start is None:
            rows = sorted(self._credited.get(library_id, {}).values(), key=lambda row: _utc(row.fields.starts_at))
            by_start = self._credited_sorted[library_id] = ([_utc(row.fields.starts_at) for row in rows], rows)
        starts, rows = by_start
        return rows[bisect.bisect_left(starts, low) : bisect.bisect_right(starts, high)]

    def _stored_between(self, key: str, low: datetime, high: datetime) -> list[SourceRow]:
        """The stored announcements read up front at ``key`` starting in [low, high] (a binary
        search in the key's rows by start, sorted once per batch)."""
        by_start = self._stored_sorted.get(key)
        if by_start is None:
            rows = sorted(self._stored_at.get(key, {}).values(), key=lambda row: row.fields.starts_at)
            by_start = self._stored_sorted[key] = ([row.fields.starts_at for row in rows], rows)
        starts, rows = by_start
        return rows[bisect.bisect_left(starts, low) : bisect.bisect_right(starts, high)]

    def sources_of(self, activity_ids: Iterable[str]) -> list[SourceRow]:
        ids = set(activity_ids)
        unread = ids - self._stored_of.keys() - self._new_activities  # an activity new in this batch has none stored
        stored = [row for activity_id in ids & self._stored_of.keys() for row in self._stored_of[activity_id]]
        stored += super().sources_of(unread)
        stored = [row for row in stored if row.key not in self._sources]
        return stored + [row for activity_id in ids for row in self._written_of.get(activity_id, {}).values()]

    def _write(self, source: SourceRow) -> None:
        earlier = self._sources.get(source.key)
        if earlier is not None:
            del self._written_at[earlier.fields.venue_key][source.key]
            del self._written_of[earlier.activity_id][source.key]
            for library_id in earlier.fields.libraries:
                del self._written_credits[library_id][source.key]
        for library_id in source.fields.libraries:
            self._written_credits.setdefault(library_id, {})[source.key] = source
        self._sources[source.key] = source
        self._written_at.setdefault(source.fields.venue_key, {})[source.key] = source
        self._written_starts[source.key] = _utc(source.fields.starts_at)
        if source.fields.moved_from is not None:
            self._written_moved[source.key] = source
        else:
            self._written_moved.pop(source.key, None)
        self._written_of.setdefault(source.activity_id, {})[source.key] = source

    def insert_source(self, source: SourceRow) -> None:
        self._write(source)
        self._new_sources.add(source.key)
        self._credits_changed.add(source.key)

    def update_source(self, source: SourceRow) -> None:
        earlier = self._sources.get(source.key) or self._stored.get(source.key)
        if earlier is None or (earlier.fields.starts_at, _credited(earlier.fields)) != (
            source.fields.starts_at,
            _credited(source.fields),
        ):
            self._credits_changed.add(source.key)
        self._write(source)

    def move_source(self, key: SourceKey, activity_id: str) -> None:
        source = self._sources.get(key) or self.source(key)
        if source is not None:  # as the UPDATE of the unbatched repository: no such row, nothing to move
            self._write(source.moved_to(activity_id))

    def activity(self, activity_id: str) -> CanonicalActivity | None:
        if activity_id in self._activities:
            return self._activities[activity_id]
        return super().activity(activity_id)

    def save_activity(self, activity: CanonicalActivity, *, new: bool, snapshot: str | None = None) -> None:
        self._activities[activity.id] = activity
        self._snapshots[activity.id] = snapshot
        if new:
            self._new_activities.add(activity.id)

    def flush(self) -> None:
        """Store what the batch wrote."""
        inserts = [
            {"library_id": k[0], "source_ref": k[1], **_source_values(s)}
            for k, s in self._sources.items()
            if k in self._new_sources
        ]
        updates = [
            {"k_library": k[0], "k_ref": k[1], **_source_values(s)}
            for k, s in self._sources.items()
            if k not in self._new_sources
        ]
        execute_many(self.connection, _INSERT_SOURCE, inserts)
        execute_many(self.connection, _UPDATE_SOURCE, updates)
        recredited = sorted(self._credits_changed - self._new_sources)
        execute_many(self.connection, _DELETE_CREDITS, [{"k_library": k[0], "k_ref": k[1]} for k in recredited])
        credits = [row for key in sorted(self._credits_changed) for row in _credit_rows(self._sources[key])]
        execute_many(self.connection, _INSERT_CREDIT, credits)
        activities = [(a, a.id in self._new_activities) for a in self._activities.values()]
        snapshots = self._snapshots
        new = [{"id": a.id, **_activity_values(a, snapshots.get(a.id))} for a, is_new in activities if is_new]
        changed = [{"k_id": a.id, **_activity_values(a, snapshots.get(a.id))} for a, is_new in activities if not is_new]
        execute_many(self.connection, _INSERT_ACTIVITY, new)
        execute_many(self.connection, _UPDATE_ACTIVITY, changed)
        self._stored.update(self._sources)
        self._start_batch()
