"""The quotas projection: writing activity facts by version, reading them back for a year."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, and_, bindparam, delete, exists, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shuxiang.alliance import Campaign, QuotaRule
from shuxiang.db import KeptBasis, RowsByKey, execute_many, keys_in, where_once
from shuxiang.events.consumer import Rejected
from shuxiang.memos import burst_memo
from shuxiang.services.attendance import Reports, attendance, held_of, series_attendance, session_attendance
from shuxiang.services.projection import Newer

from .tables import (
    MONTH,
    month_sums,
    quotas_activity,
    quotas_basis,
    quotas_count,
    quotas_credit,
    quotas_month,
    quotas_report,
    quotas_session_report,
    quotas_source,
    quotas_uncounted,
)
from .tally import (
    ActivityFacts,
    first_occurrence,
    last_start,
    monthly_counts,
    sessions_not_held,
    tally,
    year_bounds,
)

V1_ROLES = {"co_host": "co_organiser"}
"""A credit stored before v1's co_host was renamed reads as 协办 (schemas.submission.Role)."""
ACTIVITIES = RowsByKey(quotas_activity, "activity_id")
CREDITS = RowsByKey(quotas_credit, "activity_id")
SOURCES = RowsByKey(quotas_source, "activity_id")
COUNTS = RowsByKey(quotas_count, "activity_id")
UNCOUNTED = RowsByKey(quotas_uncounted, "activity_id")
_INSERT_COUNT = insert(quotas_count)
_INSERT_UNCOUNTED = insert(quotas_uncounted)


def save_facts(
    connection: Connection,
    changed: list[Newer],
    *,
    tz: ZoneInfo,
    audiences_in: Callable[..., tuple[str, ...]] = lambda *texts: (),
) -> dict[str, tuple[ActivityFacts, datetime | None]]:
    """Upsert each activity's facts, credits and sources as its newer version states them (a
    statement per table for the whole batch); returns, by activity id, the facts and last start
    as stored (merged away when it lists no announcement)."""
    saved: dict[str, tuple[ActivityFacts, datetime | None]] = {}
    rows: dict[str, dict] = {}
    credits: list[dict] = []
    sources: list[dict] = []
    keys = {key for n in changed for key in n.event.activity.source_keys}
    reports = REPORTS.reports_of(connection, keys)
    session_reports = REPORTS.session_reports_of(
        connection, {k for n in changed if n.event.activity.recurrence for k in n.event.activity.source_keys}
    )
    for newer in changed:
        event, activity = newer.event, newer.event.activity
        held, participants = attendance(activity.source_keys, reports)
        facts = ActivityFacts.of(
            activity,
            merged_away=not activity.sources,
            tz=tz,
            held=held,
            participants=participants,
            audiences=audiences_in(activity.audience, activity.title, activity.venue.name),
            sessions_reported=session_attendance(activity.source_keys, session_reports) if activity.recurrence else (),
        )
        try:
            last = last_start(facts, tz)
        except (ValueError, TypeError) as exc:  # an RRULE dateutil cannot expand
            raise Rejected(f"recurrence {activity.recurrence!r}: {exc}") from None
        values = {
            "version": activity.version,
            "event_type": event.type.value,
            "status": activity.status.value,
            "title": activity.title,
            "category": activity.category.value,
            "featured": activity.featured,
            "campaign_id": activity.campaign_id,
            "tags": list(activity.tags),
            "audiences": list(facts.audiences),
            "starts_at": facts.earliest,  # what a year's query selects on; the rule's own start, if other, below
            "recurrence": activity.recurrence,
            "exdates": sessions_column(facts),
            "last_start": last,
            "updated_at": activity.updated_at,
            "canonical_seq": newer.delivery.stream_seq,
        }
        rows[activity.id] = values
        saved[activity.id] = (facts, last)
        by_library = {o.library_id: o.role.value for o in activity.organizers}  # once per library
        credits += [{"activity_id": activity.id, "library_id": lib, "role": role} for lib, role in by_library.items()]
        sources += [
            {"activity_id": activity.id, "library_id": lib, "source_ref": ref, "updated_at": activity.updated_at}
            for lib, ref in sorted(activity.source_keys)
        ]
    ACTIVITIES.store(
        connection,
        rows,
        new={n.activity_id for n in changed if n.new},
        children=[(CREDITS, credits), (SOURCES, sources)],
    )
    return saved


def sessions_column(facts: ActivityFacts) -> list:
    """The ``exdates`` column: the rule's sessions not held where it puts them (ISO strings), then
    the new starts of sessions moved on their own as ``{"moved_to": ISO}`` (one JSON list, so
    rows written before sessions could move read the same)."""
    values: list = [d.isoformat() for d in facts.exdates] + [
        {"moved_to": d.isoformat(), **({"from": original.isoformat()} if original is not None else {})}
        for d, original in zip(facts.moved, facts.moved_from or (None,) * len(facts.moved), strict=True)
    ]
    if facts.earliest != facts.starts_at:  # a session moved before the series' start: keep the rule's start
        values.append({"dtstart": facts.starts_at.isoformat()})
    return values


def sessions_from_column(values: list, starts_at: datetime) -> dict:
    """ActivityFacts fields from the column (and the row's ``starts_at``, the first session's start)."""
    rule_start = [datetime.fromisoformat(v["dtstart"]) for v in values if isinstance(v, dict) and "dtstart" in v]
    moved = [v for v in values if isinstance(v, dict) and "moved_to" in v]
    return {
        "starts_at": rule_start[0] if rule_start else starts_at,
        "exdates": tuple(datetime.fromisoformat(v) for v in values if isinstance(v, str)),
        "moved": tuple(datetime.fromisoformat(v["moved_to"]) for v in moved),
        "moved_from": tuple(datetime.fromisoformat(v["from"]) if "from" in v else None for v in moved),
    }


REPORTS = Reports(quotas_report, quotas_source, quotas_session_report)
"""The latest attendance report of each announcement (and of each session of a series reported on
its own), and the announcements each activity lists."""


def _attendance_columns():
    """Whether any announcement of the activity was reported held, whether any was reported at
    all, and the largest participants figure (correlated to quotas_activity)."""
    return REPORTS.columns(quotas_activity.c.activity_id)


def attendance_by_activity(engine) -> dict[str, tuple[bool | None, int | None]]:
    """Every activity's (held, participants) as its announcements' reports state them (None, None
    without a report): the quotas service's query for exports and reports of other services."""
    held_any, reported, participants = _attendance_columns()
    with engine.connect() as connection:
        rows = connection.execute(select(quotas_activity.c.activity_id, held_any, reported, participants))
        found = {r.activity_id: (held_of(r.held_any, r.reported), r.participants) for r in rows}
        series = connection.scalars(
            select(quotas_source.c.activity_id)
            .distinct()
            .join(
                quotas_session_report,
                and_(
                    quotas_session_report.c.library_id == quotas_source.c.library_id,
                    quotas_session_report.c.source_ref == quotas_source.c.source_ref,
                ),
            )
        )
        for activity_id, sessions in REPORTS.sessions_of_activities(connection, list(series)).items():
            if activity_id in found:
                found[activity_id] = series_attendance(found[activity_id], sessions)
        return found


def _owns_a_source():
    """True when the activity lists an announcement no newer snapshot of another activity lists.

    An activity whose every announcement was taken over by a newer snapshot of another
    activity (a merge), or that lists none, has been merged away.  Ties on ``updated_at``
    go to the larger id, so the answer does not depend on the order events arrived in.
    """
    mine, other = quotas_source.alias("mine"), quotas_source.alias("other")
    taken = exists().where(
        other.c.library_id == mine.c.library_id,
        other.c.source_ref == mine.c.source_ref,
        other.c.activity_id != mine.c.activity_id,
        or_(
            other.c.updated_at > mine.c.updated_at,
            and_(other.c.updated_at == mine.c.updated_at, other.c.activity_id > mine.c.activity_id),
        ),
    )
    return exists().where(mine.c.activity_id == quotas_activity.c.activity_id, ~taken)


FACTS = (
    select(
        quotas_activity.c.activity_id,
        quotas_activity.c.version,
        quotas_activity.c.status,
        quotas_activity.c.title,
        quotas_activity.c.category,
        quotas_activity.c.featured,
        quotas_activity.c.campaign_id,
        quotas_activity.c.tags,
        quotas_activity.c.audiences,
        quotas_activity.c.starts_at,
        quotas_activity.c.recurrence,
        quotas_activity.c.exdates,
        quotas_activity.c.last_start,
        _owns_a_source().label("live"),
        *_attendance_columns(),
        quotas_credit.c.library_id,
        quotas_credit.c.role,
    )
    .join_from(quotas_activity, quotas_credit, quotas_credit.c.activity_id == quotas_activity.c.activity_id)
    .order_by(quotas_activity.c.activity_id, quotas_credit.c.library_id)
)
"""Activities with their credits and whether they are still their own (built once: handlers run it per event)."""
IN_YEAR = and_(
    quotas_activity.c.starts_at < bindparam("end"),
    or_(quotas_activity.c.last_start.is_(None), quotas_activity.c.last_start >= bindparam("start")),
)
FACTS_OF_ALL = FACTS.where(IN_YEAR)
FACTS_OF_LIBRARIES = FACTS.where(IN_YEAR, quotas_credit.c.library_id.in_(bindparam("libraries", expanding=True)))
FACTS_OF_ACTIVITIES = FACTS.where(quotas_activity.c.activity_id.in_(bindparam("ids", expanding=True)))
OPEN_ENDED_OF_LIBRARIES = FACTS_OF_LIBRARIES.where(
    quotas_activity.c.recurrence.is_not(None), quotas_activity.c.last_start.is_(None)
)
MONTHS_OF_LIBRARIES = select(
    quotas_month.c.library_id, quotas_month.c.rule_id, quotas_month.c.month, quotas_month.c.n
).where(quotas_month.c.year == bindparam("year"), quotas_month.c.library_id.in_(bindparam("libraries", expanding=True)))
_COUNTS_OF_ACTIVITIES = select(*MONTH, quotas_count.c.n).where(
    quotas_count.c.activity_id.in_(bindparam("ids", expanding=True))
)


def _facts(connection: Connection, rows) -> list[tuple[ActivityFacts, datetime | None]]:
    """One ActivityFacts per activity (rows come one per credit), with its last start and its
    sessions reported on their own (read for the series among them)."""
    grouped: dict[str, tuple[Row[Any], list[tuple[str, str]]]] = {}
    for row in rows:
        entry = grouped.get(row.activity_id)
        if entry is None:
            grouped[row.activity_id] = entry = (row, [])
        entry[1].append((row.library_id, V1_ROLES.get(row.role, row.role)))
    sessions = REPORTS.sessions_of_activities(connection, [a for a, (row, _) in grouped.items() if row.recurrence])
    return [
        (
            ActivityFacts(
                activity_id=row.activity_id,
                version=row.version,
                status=row.status,
                title=row.title,
                category=row.category,
                featured=row.featured,
                campaign_id=row.campaign_id,
                tags=tuple(row.tags),
                recurrence=row.recurrence,
                **sessions_from_column(row.exdates, row.starts_at),
                organizers=tuple(organizers),
                merged_away=not row.live,
                held=held_of(row.held_any, row.reported),
                participants=row.participants,
                audiences=tuple(row.audiences or ()),
                sessions_reported=tuple(sessions.get(row.activity_id, ())),
            ),
            row.last_start,
        )
        for row, organizers in grouped.values()
    ]


def load_facts(
    connection: Connection, year: int, tz: ZoneInfo, *, libraries: Iterable[str] | None = None
) -> list[ActivityFacts]:
    """The facts of every activity with an occurrence that may fall in ``year``, with the
    credits of ``libraries`` (all when None)."""
    start, end = year_bounds(year, tz)
    if libraries is None:
        rows = connection.execute(FACTS_OF_ALL, {"start": start, "end": end})
    else:
        rows = connection.execute(FACTS_OF_LIBRARIES, {"start": start, "end": end, "libraries": list(libraries)})
    return [facts for facts, _ in _facts(connection, rows)]


def _partners_query():
    mine, other = quotas_source.alias("mine"), quotas_source.alias("other")
    return (
        select(mine.c.activity_id, other.c.activity_id.label("partner"))
        .distinct()
        .join(mine, and_(mine.c.library_id == other.c.library_id, mine.c.source_ref == other.c.source_ref))
        .where(mine.c.activity_id.in_(bindparam("ids", expanding=True)))
    )


PARTNERS = _partners_query()


def related_facts(
    connection: Connection,
    activity_ids: Iterable[str],
    *,
    saved: dict[str, tuple[ActivityFacts, datetime | None]] | None = None,
) -> list[tuple[ActivityFacts, datetime | None]]:
    """The facts (and last start) of the activities and of every activity listing one of their
    announcements: the ones whose counting a change of these activities can change.  ``saved``:
    facts just stored, used as they are for an activity no other activity shares an
    announcement with (the common case: it is not read back)."""
    ids = sorted(set(activity_ids))
    if not ids:
        return []
    partners: dict[str, set[str]] = {activity_id: {activity_id} for activity_id in ids}
    for row in connection.execute(PARTNERS, {"ids": ids}):
        partners[row.activity_id].add(row.partner)
    alone = {a for a, found in partners.items() if saved is not None and a in saved and found == {a}}
    load = set().union(*(found for a, found in partners.items() if a not in alone))
    stored = _facts(connection, connection.execute(FACTS_OF_ACTIVITIES, {"ids": sorted(load)})) if load else []
    kept = [saved[a] for a in sorted(alone)] if saved is not None else []  # nothing is alone without saved
    return kept + stored


def facts_of(connection: Connection, activity_ids: Iterable[str]) -> list[tuple[ActivityFacts, datetime | None]]:
    """The stored facts (and last start) of these activities."""
    ids = sorted(set(activity_ids))
    return _facts(connection, connection.execute(FACTS_OF_ACTIVITIES, {"ids": ids})) if ids else []


def store_monthly_counts(
    connection: Connection,
    facts: Iterable[tuple[ActivityFacts, datetime | None]],
    rules_for: Callable[[str], Sequence],
    tz: ZoneInfo,
    *,
    campaigns: Mapping[str, Campaign],
    cleared: Iterable[str] = (),
) -> None:
    """Replace what these activities (and ``cleared``) add to each library's rules by month: their
    :func:`~.tally.monthly_counts` for every year they span, and their rows of the libraries' not
    counted activities (:func:`uncounted_rows`).  Open-ended series add no counts here (they are
    tallied from their facts when a year is read)."""
    latest = {fact.activity_id: (fact, last) for fact, last in facts}  # a fact read back after saving wins
    activities = sorted(set(cleared) | latest.keys())
    change: Counter[tuple[str, str, int, int]] = Counter()
    if activities:
        for library_id, rule_id, year, month, n in connection.execute(_COUNTS_OF_ACTIVITIES, {"ids": activities}):
            change[(library_id, rule_id, year, month)] -= n
    COUNTS.delete_many(connection, activities)
    UNCOUNTED.delete_many(connection, activities)
    rows = count_rows(latest.values(), rules_for, tz, campaigns=campaigns)
    execute_many(connection, _INSERT_COUNT, rows)
    execute_many(
        connection, _INSERT_UNCOUNTED, [row for fact, _ in latest.values() for row in uncounted_rows(fact, tz)]
    )
    for row in rows:
        change[(row["library_id"], row["rule_id"], row["year"], row["month"])] += row["n"]
    add_to_months(connection, {cell: n for cell, n in change.items() if n})


def count_rows(
    facts: Iterable[tuple[ActivityFacts, datetime | None]],
    rules_for: Callable[[str], Sequence],
    tz: ZoneInfo,
    *,
    campaigns: Mapping[str, Campaign],
) -> list[dict]:
    """The quotas_count rows of these activities (none for an open-ended series)."""
    rows = []
    for fact, last in facts:
        if last is None:  # open-ended
            continue
        rules = {library_id: rules_for(library_id) for library_id, _ in fact.organizers}
        years = range(fact.earliest.astimezone(tz).year, last.astimezone(tz).year + 1)
        rows += [
            {
                "activity_id": fact.activity_id,
                "library_id": library_id,
                "rule_id": rule_id,
                "year": year,
                "month": month,
                "n": n,
            }
            for (library_id, rule_id, year, month), n in monthly_counts(
                fact, rules, tz, years, campaigns=campaigns
            ).items()
        ]
    return rows


def not_counted_starts(fact: ActivityFacts, tz: ZoneInfo) -> list[tuple[datetime, str]]:
    """(start in ``tz``, outcome) of what of one activity counts for nobody: the activity at its
    first session when it is reported not held (未举办) or cancelled and still its own, else each
    session of its series reported not held on its own."""
    if fact.merged_away:
        return []
    if fact.outcome in ("not_held", "cancelled"):
        first = first_occurrence(fact, tz)
        return [] if first is None else [(first, fact.outcome)]
    return [(at, "not_held") for at in sessions_not_held(fact, tz)]


def uncounted_rows(fact: ActivityFacts, tz: ZoneInfo) -> list[dict]:
    """The quotas_uncounted rows of one activity: one per credited library and :func:`not_counted_starts`,
    in the year of that start — what :func:`~.report.not_counted_of` finds among a year's facts."""
    return [
        {
            "activity_id": fact.activity_id,
            "library_id": library_id,
            "year": at.year,
            "starts_at": at,
            "role": V1_ROLES.get(role, role),
            "outcome": outcome,
            "title": fact.title,
        }
        for at, outcome in not_counted_starts(fact, tz)
        for library_id, role in dict(fact.organizers).items()
    ]


REBUILD_CHUNK = 2000
_ALL_IDS = select(quotas_activity.c.activity_id).order_by(quotas_activity.c.activity_id)


def rebuild_tallies(
    connection: Connection, rules_for: Callable[[str], Sequence], tz: ZoneInfo, *, campaigns: Mapping[str, Campaign]
) -> int:
    """Derive quotas_count, quotas_month and quotas_uncounted again from every stored activity's
    facts, under the rules ``rules_for`` gives (after the alliance's rules changed, or for a data dir
    from before quotas_uncounted): the recount, once, in chunks of activities.  Returns how many
    activities were read."""
    for table in (quotas_count, quotas_month, quotas_uncounted):
        connection.execute(delete(table))
    ids = list(connection.scalars(_ALL_IDS))
    for first in range(0, len(ids), REBUILD_CHUNK):
        facts = _facts(connection, connection.execute(FACTS_OF_ACTIVITIES, {"ids": ids[first : first + REBUILD_CHUNK]}))
        execute_many(connection, _INSERT_COUNT, count_rows(facts, rules_for, tz, campaigns=campaigns))
        execute_many(connection, _INSERT_UNCOUNTED, [row for fact, _ in facts for row in uncounted_rows(fact, tz)])
    connection.execute(month_sums())
    return len(ids)


_KEPT = KeptBasis(quotas_basis)


def stored_basis(connection: Connection) -> str | None:
    """The rules' basis the derived tallies were written under (None: never, or before it was kept)."""
    return _KEPT.stored(connection)


def store_basis(connection: Connection, basis: str, at: datetime) -> None:
    _KEPT.store(connection, basis, at)


UNCOUNTED_OF_LIBRARIES = (
    select(
        quotas_uncounted.c.library_id,
        quotas_uncounted.c.activity_id,
        quotas_uncounted.c.title,
        quotas_uncounted.c.starts_at,
        quotas_uncounted.c.role,
        quotas_uncounted.c.outcome,
    )
    .where(
        quotas_uncounted.c.year == bindparam("year"),
        quotas_uncounted.c.library_id.in_(bindparam("libraries", expanding=True)),
    )
    .order_by(quotas_uncounted.c.library_id, quotas_uncounted.c.starts_at, quotas_uncounted.c.activity_id)
)


def uncounted_of(connection: Connection, year: int, libraries: Sequence[str]) -> list[Row[Any]]:
    """The stored not-counted activities of these libraries whose first session is in ``year``."""
    return list(connection.execute(UNCOUNTED_OF_LIBRARIES, {"year": year, "libraries": list(libraries)}))


_EMPTIED_MONTHS = delete(quotas_month).where(quotas_month.c.n == 0)


def add_to_months(connection: Connection, changes: Mapping[tuple[str, str, int, int], int]) -> None:
    """Add to quotas_month what the counts of (library, rule, year, month) just changed by: the
    difference between an activity's rows of quotas_count before and after, read in the same
    transaction, so that each month stays the sum of its counts (:func:`rebuild_tallies` sums them
    all again).  A month whose sum falls to 0 goes, as it would in a recount.

    (Until 2026-12-06 the months touched were summed again from quotas_count: a DELETE and an
    INSERT … SELECT over an OR of hundreds of cells a batch, the largest part of the projection's
    statements — bench/README.md, "Pipeline throughput".)"""
    if not changes:
        return
    rows = [
        {"library_id": library_id, "rule_id": rule_id, "year": year, "month": month, "n": n}
        for (library_id, rule_id, year, month), n in sorted(changes.items())
    ]
    execute_many(connection, _add_month_statement(connection.dialect.name), rows)
    emptied = [cell for cell, n in changes.items() if n < 0]
    if emptied:
        cells, parameters = keys_in(
            (quotas_month.c.library_id, quotas_month.c.rule_id, quotas_month.c.year, quotas_month.c.month), emptied
        )
        connection.execute(where_once(_EMPTIED_MONTHS, cells), parameters)


@burst_memo(maxsize=4)
def _add_month_statement(dialect: str):
    """INSERT a month's change, or add it to the month's sum (SQLite and PostgreSQL alike spell it
    ``ON CONFLICT … DO UPDATE``)."""
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = upsert(quotas_month)
    return statement.on_conflict_do_update(
        index_elements=[quotas_month.c.library_id, quotas_month.c.rule_id, quotas_month.c.year, quotas_month.c.month],
        set_={"n": quotas_month.c.n + statement.excluded.n},
    )


def monthly_totals(
    connection: Connection,
    year: int,
    tz: ZoneInfo,
    rules: Mapping[str, Sequence[QuotaRule]],
    *,
    campaigns: Mapping[str, Campaign],
) -> dict[tuple[str, str], list[int]]:
    """Per (library_id, rule_id) of ``rules``: how many credits fall in each month of ``year`` —
    the stored monthly sums (:func:`add_to_months`), plus what the open-ended series tally."""
    months = {(library_id, rule.id): [0] * 12 for library_id, library_rules in rules.items() for rule in library_rules}
    libraries = list(rules)
    for library_id, rule_id, month, n in connection.execute(
        MONTHS_OF_LIBRARIES, {"year": year, "libraries": libraries}
    ):
        if (library_id, rule_id) in months:
            months[(library_id, rule_id)][month - 1] += n
    start, end = year_bounds(year, tz)
    series = _facts(
        connection, connection.execute(OPEN_ENDED_OF_LIBRARIES, {"start": start, "end": end, "libraries": libraries})
    )
    for key, credits in tally([fact for fact, _ in series], rules, year, tz, campaigns=campaigns).items():
        for credit in credits:
            months[key][credit.at.month - 1] += credit.weight
    return months
