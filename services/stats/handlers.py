"""Statistics handlers: canonical activities and attendance reports in, one narrow row per activity out.

Each newer version of an activity is turned into its row by :func:`.figures.item_of` — the same
function the report's reference computation uses — once, here, instead of at every request
(parsing every snapshot took the report 2.6–4.0 s at 100,000 submissions).  A retired id (no
announcement left: merged into another activity) and a series without a session left keep their
row, with no year, so no report reads them and an older version cannot come back.  An attendance
report changes the outcome and participants of the activities that list its announcement.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from shuxiang.alliance import Alliance
from shuxiang.db import KeptBasis, RowsByKey
from shuxiang.events.consumer import Delivery, Rejected, UnitOfWork
from shuxiang.schemas import CanonicalActivity
from shuxiang.services.attendance import (
    Attendance,
    Reports,
    attendance,
    parse_report,
    series_attendance,
    session_attendance,
)
from shuxiang.services.projection import newer_canonicals

from . import figures as f
from .tables import (
    stats_activity,
    stats_audience,
    stats_basis,
    stats_credit,
    stats_partner,
    stats_report,
    stats_session_report,
    stats_source,
)

DERIVATION = "stats-3"
"""Raised when the rows are derived differently (then the report reads the reference until a replay;
2: a series' sessions reported on their own are each their own attendance; 3: a declared brand counts
only when one of its libraries announced the activity)."""

ACTIVITIES = RowsByKey(stats_activity, "activity_id")
CREDITS = RowsByKey(stats_credit, "activity_id")
AUDIENCES = RowsByKey(stats_audience, "activity_id")
PARTNERS = RowsByKey(stats_partner, "activity_id")
SOURCES = RowsByKey(stats_source, "activity_id")
REPORTS = Reports(stats_report, stats_source, stats_session_report)
KEPT = KeptBasis(stats_basis)


@dataclass(frozen=True)
class StatsContext:
    alliance: Alliance


def derivation_basis(alliance: Alliance) -> str:
    """A digest of what the rows depend on in the alliance file: the time zone (years, months,
    sessions) and the audience vocabulary."""
    vocabulary = [a.model_dump(mode="json", include={"id", "name", "aliases", "kind"}) for a in alliance.audiences]
    text = json.dumps([DERIVATION, alliance.timezone, vocabulary], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def rows_of(
    activity: CanonicalActivity, reported: Attendance, alliance: Alliance
) -> tuple[dict, list[dict], list[dict], list[dict]]:
    """The activity's row (without its key) and its credit, audience and partner rows."""
    try:
        item = f.item_of(activity, reported, alliance.tz, alliance) if activity.sources else None
    except (ValueError, TypeError) as exc:  # an RRULE dateutil cannot expand
        raise Rejected(f"recurrence {activity.recurrence!r}: {exc}") from None
    credited = f.credited_of(activity)
    held, participants = reported
    row = {
        "version": activity.version,
        "year": None,
        "month": None,
        "sessions": 0,
        "status": activity.status.value,
        "outcome": f.outcome_of(activity.status.value, held),
        "participants": participants or 0,
        "category": activity.category.value,
        "campaign_id": activity.campaign_id or f.NO_VALUE,
        "brand_id": f.counted_brand(activity, alliance),
        "libraries": len(credited),
    }
    if item is None:  # retired, or a series without a session left: counted nowhere
        return row, [], [], []
    row.update(year=item.start.year, month=item.start.month, sessions=item.sessions)
    if not credited:  # in no scope, not even the alliance's (libraries = 0)
        return row, [], [], []
    counted = {
        "activity_id": activity.id,
        "year": item.start.year,
        "outcome": row["outcome"],
        "participants": row["participants"],
    }
    vocabulary = alliance.audiences_in if alliance.audiences else None
    return (
        row,
        [{**counted, "library_id": lib, "role": role} for lib, role in credited.items()],
        [{**counted, "audience": a} for a in f.audiences_of(activity, vocabulary)],
        [{**counted, "partner": p} for p in f.partners_of(activity)],
    )


def apply_canonicals(context: StatsContext, deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """Keep the newest version of each canonical activity as the report counts it."""
    connection: Connection = uow.connection
    changed = newer_canonicals(deliveries, connection, ACTIVITIES)
    if not changed:
        return
    keep_basis(context, connection, max(n.delivery.timestamp for n in changed))
    reports = REPORTS.reports_of(connection, {key for n in changed for key in n.event.activity.source_keys})
    sessions = REPORTS.session_reports_of(
        connection, {key for n in changed if n.event.activity.recurrence for key in n.event.activity.source_keys}
    )
    rows: dict[str, dict] = {}
    credits: list[dict] = []
    audiences: list[dict] = []
    partners: list[dict] = []
    sources: list[dict] = []
    for newer in changed:
        activity = newer.event.activity
        keys = sorted(activity.source_keys)
        reported = attendance(keys, reports)
        if activity.recurrence:
            reported = series_attendance(reported, session_attendance(keys, sessions))
        row, credit_rows, audience_rows, partner_rows = rows_of(activity, reported, context.alliance)
        rows[activity.id] = row
        credits += credit_rows
        audiences += audience_rows
        partners += partner_rows
        sources += [{"activity_id": activity.id, "library_id": lib, "source_ref": ref} for lib, ref in keys]
    ACTIVITIES.store(
        connection,
        rows,
        new={n.activity_id for n in changed if n.new},
        children=[(CREDITS, credits), (AUDIENCES, audiences), (PARTNERS, partners), (SOURCES, sources)],
    )


def apply_reports(context: StatsContext, deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """Keep each announcement's latest report; the activities listing them take their outcome and
    participants again from all their announcements' reports.  A report that comes before its
    activity is kept and read when the activity's snapshot is stored."""
    reports = [(parse_report(context.alliance, delivery), delivery.stream_seq) for delivery in deliveries]
    connection: Connection = uow.connection
    keep_basis(context, connection, max(delivery.timestamp for delivery in deliveries))
    listing = REPORTS.activities_listing(connection, REPORTS.store_latest(connection, reports))
    statuses = ACTIVITIES.values(connection, listing, "status")
    reported = REPORTS.of_activities(connection, statuses)
    outcomes = {
        activity_id: {
            "outcome": f.outcome_of(status, reported[activity_id][0]),
            "participants": reported[activity_id][1] or 0,
        }
        for activity_id, status in statuses.items()
    }
    for table in (ACTIVITIES, CREDITS, AUDIENCES, PARTNERS):  # the children keep them too
        table.update_many(connection, outcomes)


def keep_basis(context: StatsContext, connection: Connection, at: datetime) -> None:
    """Record what the rows are derived under when nothing is yet.  Rows derived under another
    basis (the time zone or the vocabulary changed since) are not derived again: the report reads
    the reference computation until ``shuxiang replay`` rebuilds them."""
    if KEPT.stored(connection) is None:
        KEPT.store(connection, derivation_basis(context.alliance), at)
