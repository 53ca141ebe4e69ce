"""Attendance reports and the activities they belong to, for the projections that keep both.

A report names an announcement (library, source_ref), not a canonical activity: dedup may merge
the announcement into another activity later, and a report may come before the activity.  So a
projection keeps the latest report of each announcement and the announcements each activity's
newest version lists, and joins the two when it needs an activity's attendance.  The quotas and
the statistics services keep these two tables alike (each its own, with the columns below) and
share this code; :class:`Reports` is the pair.  A report on one session of a series
(``recurrence_id``) is kept apart, per session (the ``session`` table), and never replaces the
series' own report: each session's attendance is its own (:func:`session_attendance`).  The brands service keeps its reports (and a
series' sessions') in tables of its own through :class:`LatestReports`, as :class:`Reports` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Insert,
    Integer,
    Select,
    String,
    Table,
    Update,
    and_,
    bindparam,
    exists,
    func,
    insert,
    select,
    true,
    update,
)

from shuxiang.alliance import Alliance
from shuxiang.db import UTCDateTime, execute_many, keys_in, metadata, where_once
from shuxiang.events.consumer import Delivery, Rejected, check_subject, parse_payload
from shuxiang.i18n import both
from shuxiang.schemas import AttendanceReport


def session_report_table(name: str, comment: str) -> Table:
    """The ``session`` table of a :class:`Reports`: the latest report of each session of a series
    reported on its own, per announcement and session.  Each service declares its own (it owns its
    tables); the quotas and the statistics services' are alike."""
    return Table(
        name,
        metadata,
        Column("library_id", String(64), primary_key=True),
        Column("source_ref", String(200), primary_key=True),
        Column("recurrence_id", UTCDateTime, primary_key=True, comment="the session's original start (RECURRENCE-ID)"),
        Column("held", Boolean, nullable=False),
        Column("participants", Integer, nullable=False),
        Column("stream_seq", BigInteger, nullable=False, comment="the report's place in the log: the latest wins"),
        comment=comment,
    )


IDS_PER_STATEMENT = 2000
Announcement = tuple[str, str]
"""An announcement's (library_id, source_ref)."""

Attendance = tuple[bool | None, int | None]
"""(held, participants): held if any announcement was reported held, not held if every report says
so, None without a report; the largest participants figure (co-hosts report the same audience)."""


def parse_report(alliance: Alliance, delivery: Delivery) -> AttendanceReport:
    """Validate an attendance report against its subject and the alliance; :class:`Rejected` says why not."""
    report = parse_payload(AttendanceReport, delivery)
    check_subject("library_id", report.library_id, delivery)
    if alliance.member(report.library_id) is None:
        raise Rejected(both('library_id "{library_id}" is not a member of the alliance', library_id=report.library_id))
    if not report.held and report.participants > 0:
        raise Rejected(
            both("held=false but participants={n}: an activity not held has no participants", n=report.participants)
        )
    return report


def attendance(keys: Iterable[tuple[str, str]], reports: dict[tuple[str, str], tuple[bool, int]]) -> Attendance:
    """An activity's attendance from its announcements' (``keys``) reports."""
    found = [reports[key] for key in keys if key in reports]
    if not found:
        return None, None
    return any(held for held, _ in found), max(participants for _, participants in found)


SessionReports = dict[Announcement, list[tuple[datetime, bool, int]]]
"""Per announcement, its sessions' latest reports: (original start in UTC, held, participants)."""


def session_attendance(keys: Iterable[Announcement], reports: SessionReports) -> list[tuple[datetime, bool, int]]:
    """A series' sessions reported on their own, from its announcements' (``keys``) session reports:
    per session, held if any co-host reported it held, and the largest figure (as :func:`attendance`)."""
    by_session: dict[datetime, list[tuple[bool, int]]] = defaultdict(list)
    for key in keys:
        for when, held, participants in reports.get(key, ()):
            by_session[when].append((held, participants))
    folded = []
    for when, found in sorted(by_session.items()):
        held = any(h for h, _ in found)
        folded.append((when, held, max((p for h, p in found if h), default=0)))
    return folded


def series_attendance(whole: Attendance, sessions: Iterable[tuple[datetime, bool, int]]) -> Attendance:
    """An activity's attendance with its sessions reported on their own (:func:`session_attendance`):
    held when the series or any session was reported held (not held only as the series' own report
    says); participants the series' own figure when reported as a whole, else its held sessions' sum."""
    found = list(sessions)
    if not found:
        return whole
    held, participants = whole
    if any(h for _, h, _ in found):
        held = True
    if participants is None:
        participants = sum(p for _, h, p in found if h)
    return held, participants


@dataclass(frozen=True)
class LatestReports:
    """A table that keeps the latest report (by its ``stream_seq`` column, the report's place in the
    log) of each identity — its leading primary-key columns, named in ``identity`` — with the
    statements that read, insert and update it for a batch, built once."""

    table: Table
    identity: tuple[str, ...]

    def keep(self, connection: Connection, reports: Iterable[tuple[tuple, dict]]) -> set[tuple]:
        """Keep each identity's latest of these (identity, values with ``stream_seq``) reports,
        unless a later one is kept already: one read, one insert and one update for a batch.
        The identities whose kept report changed (none for a redelivery or an older report)."""
        newest: dict[tuple, dict] = {}
        for identity, values in reports:
            if identity not in newest or newest[identity]["stream_seq"] < values["stream_seq"]:
                newest[identity] = values
        clause, parameters = keys_in([self.table.c[name] for name in self.identity], newest)
        if not parameters:
            return set()
        stored = {tuple(row[:-1]): row[-1] for row in connection.execute(where_once(self._kept, clause), parameters)}
        inserts: list[dict] = []
        updates: list[dict] = []
        changed: set[tuple] = set()
        for identity, values in newest.items():
            kept = stored.get(identity)
            if kept is not None and kept >= values["stream_seq"]:
                continue
            named = dict(zip(self.identity, identity, strict=True))
            if kept is None:
                inserts.append({**named, **values})
            else:
                updates.append({**{f"_{name}": value for name, value in named.items()}, **values})
            changed.add(identity)
        execute_many(connection, self._insert, inserts)
        execute_many(connection, self._update, updates)
        return changed

    @cached_property
    def _insert(self) -> Insert:
        return insert(self.table)

    @cached_property
    def _kept(self) -> Select:
        return select(*(self.table.c[name] for name in self.identity), self.table.c.stream_seq)

    @cached_property
    def _update(self) -> Update:
        return update(self.table).where(*(self.table.c[name] == bindparam(f"_{name}") for name in self.identity))


@dataclass(frozen=True)
class Reports:
    """A service's ``report`` table (library_id, source_ref, held, participants, stream_seq: the
    latest report of each announcement) and ``source`` table (activity_id, library_id, source_ref:
    the announcements each activity's newest version lists)."""

    report: Table
    source: Table
    session: Table | None = None
    """The latest report of each session of a series (library_id, source_ref, recurrence_id, held,
    participants, stream_seq), when the service keeps them."""

    def reports_of(
        self, connection: Connection, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[bool, int]]:
        """The latest report (held, participants) of each of these announcements that has one."""
        r = self.report.c
        clause, parameters = keys_in((r.library_id, r.source_ref), keys)
        if not parameters:
            return {}
        rows = connection.execute(where_once(self._reports, clause), parameters)
        return {(row.library_id, row.source_ref): (row.held, row.participants) for row in rows}

    def store_latest(
        self, connection: Connection, reports: Iterable[tuple[AttendanceReport, int]]
    ) -> set[Announcement]:
        """Keep the latest report of each announcement, or of each session of a series (a report
        with ``recurrence_id``), among these (report, stream sequence) and the stored ones
        (:class:`LatestReports`); the announcements whose kept reports changed."""
        whole: list[tuple[tuple, dict]] = []
        sessions: list[tuple[tuple, dict]] = []
        for report, stream_seq in reports:
            values = {"held": report.held, "participants": report.participants, "stream_seq": stream_seq}
            if report.recurrence_id is None or self.session is None:
                whole.append(((report.library_id, report.source_ref), values))
            else:
                sessions.append(((report.library_id, report.source_ref, report.recurrence_id.astimezone(UTC)), values))
        changed = self._latest.keep(connection, whole)
        if sessions and self._sessions is not None:
            changed |= {key[:2] for key in self._sessions.keep(connection, sessions)}
        return changed

    def session_reports_of(self, connection: Connection, keys: Iterable[Announcement]) -> SessionReports:
        """The latest report of each reported session of these announcements."""
        if self.session is None:
            return {}
        t = self.session.c
        clause, parameters = keys_in((t.library_id, t.source_ref), keys)
        if not parameters:
            return {}
        found: SessionReports = defaultdict(list)
        for row in connection.execute(where_once(self._session_reports, clause), parameters):
            found[(row.library_id, row.source_ref)].append(
                (row.recurrence_id.astimezone(UTC), row.held, row.participants)
            )
        return found

    def sessions_of_activities(
        self, connection: Connection, activity_ids: Iterable[str]
    ) -> dict[str, list[tuple[datetime, bool, int]]]:
        """The sessions reported on their own of these activities (:func:`session_attendance`);
        an activity without one is left out."""
        ids = sorted(set(activity_ids))
        if self.session is None or not ids:
            return {}
        s, t = self.source.c, self.session.c
        joined = self.source.join(self.session, and_(t.library_id == s.library_id, t.source_ref == s.source_ref))
        found: dict[str, SessionReports] = defaultdict(lambda: defaultdict(list))
        for first in range(0, len(ids), IDS_PER_STATEMENT):
            statement = (
                select(s.activity_id, t.library_id, t.source_ref, t.recurrence_id, t.held, t.participants)
                .select_from(joined)
                .where(s.activity_id.in_(ids[first : first + IDS_PER_STATEMENT]))
            )
            for row in connection.execute(statement):
                found[row.activity_id][(row.library_id, row.source_ref)].append(
                    (row.recurrence_id.astimezone(UTC), row.held, row.participants)
                )
        return {activity_id: session_attendance(reports, reports) for activity_id, reports in found.items()}

    def activities_listing(self, connection: Connection, keys: Iterable[Announcement]) -> set[str]:
        """The activities whose newest version lists any of these announcements."""
        s = self.source.c
        clause, parameters = keys_in((s.library_id, s.source_ref), keys)
        if not parameters:
            return set()
        return set(connection.scalars(where_once(self._listing, clause), parameters))

    @cached_property
    def _reports(self) -> Select:
        r = self.report.c
        return select(r.library_id, r.source_ref, r.held, r.participants)

    @cached_property
    def _session_reports(self) -> Select:
        assert self.session is not None
        t = self.session.c
        return select(t.library_id, t.source_ref, t.recurrence_id, t.held, t.participants)

    @cached_property
    def _sessions(self) -> LatestReports | None:
        return (
            LatestReports(self.session, ("library_id", "source_ref", "recurrence_id"))
            if self.session is not None
            else None
        )

    @cached_property
    def _listing(self) -> Select:
        return select(self.source.c.activity_id)

    @cached_property
    def _latest(self) -> LatestReports:
        return LatestReports(self.report, ("library_id", "source_ref"))

    def columns(self, activity_id: ColumnElement) -> tuple[ColumnElement, ColumnElement, ColumnElement]:
        """Whether any announcement of the activity (``activity_id``: the column to correlate to) was
        reported held, whether any was reported at all, and the largest participants figure."""
        r = self.report
        source = self.source.alias("reported_source")
        joined = r.join(source, and_(source.c.library_id == r.c.library_id, source.c.source_ref == r.c.source_ref))
        mine = source.c.activity_id == activity_id
        return (
            exists(select(1).select_from(joined).where(mine, r.c.held == true())).label("held_any"),
            exists(select(1).select_from(joined).where(mine)).label("reported"),
            select(func.max(r.c.participants)).select_from(joined).where(mine).scalar_subquery().label("participants"),
        )

    def of_activities(self, connection: Connection, activity_ids: Iterable[str]) -> dict[str, Attendance]:
        """The attendance of these activities as their announcements' stored reports state it."""
        ids = sorted(set(activity_ids))
        if not ids:
            return {}
        s = self.source.c
        listed: dict[str, set[tuple[str, str]]] = {activity_id: set() for activity_id in ids}
        for row in connection.execute(select(s.activity_id, s.library_id, s.source_ref).where(s.activity_id.in_(ids))):
            listed[row.activity_id].add((row.library_id, row.source_ref))
        reports = self.reports_of(connection, {key for keys in listed.values() for key in keys})
        sessions = self.sessions_of_activities(connection, ids)
        return {
            activity_id: series_attendance(attendance(keys, reports), sessions.get(activity_id, ()))
            for activity_id, keys in listed.items()
        }


def held_of(held_any, reported) -> bool | None:
    """:data:`Attendance`'s held from :meth:`Reports.columns`' first two."""
    return bool(held_any) if reported else None
