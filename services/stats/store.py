"""The statistics report's figures from the service's own rows: an aggregate per view.

Each view is one ``GROUP BY`` over the rows of the years asked for (the period and the one
before, grouped by year and folded into the two periods here), read through the year indexes;
a scope (a member's subtree, or the member alone) is a filter on the credit rows.  The figures
are those :func:`.figures.figures_of_periods` computes from the activities themselves (the
reference, which the tests compare with): an activity counts once for the scope, and once per
credited library of the scope by role and by library.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Select, bindparam, case, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from . import figures as f
from .handlers import KEPT
from .tables import stats_activity, stats_audience, stats_credit, stats_partner

A, C = stats_activity.c, stats_credit.c
YEARS = bindparam("years", expanding=True)
SCOPE = bindparam("scope", expanding=True)
IDS = bindparam("ids", expanding=True)
COUNTED = A.outcome.in_(f.COUNTED)
PEOPLE = func.sum(A.participants)
RATED_PER_STATEMENT = 500


def _in_scope(scoped: bool):
    """The activity credits a library of the scope (a semi-join on the credit rows of the years),
    or, for the whole alliance, any library."""
    if not scoped:
        return A.libraries > 0
    return A.activity_id.in_(select(C.activity_id).where(C.library_id.in_(SCOPE), C.year.in_(YEARS)))


def _statements(scoped: bool) -> dict[str, Select]:
    in_scope = _in_scope(scoped)
    mine = (A.year.in_(YEARS), in_scope)
    counted = (*mine, COUNTED)

    def per(key, *measures, where=counted) -> Select:
        return select(A.year, key, *measures).where(*where).group_by(A.year, key)

    def child(table) -> Select:
        key = table.c[table.c.keys()[1]]
        return (
            select(table.c.year, key, func.count(), PEOPLE)
            .join(stats_activity, A.activity_id == table.c.activity_id)
            .where(table.c.year.in_(YEARS), A.year.in_(YEARS), COUNTED, in_scope)
            .group_by(table.c.year, key)
        )

    credits = (
        select(C.year, C.library_id, C.role, func.count(), PEOPLE)
        .join(stats_activity, A.activity_id == C.activity_id)
        .where(C.year.in_(YEARS), A.year.in_(YEARS), COUNTED, *([C.library_id.in_(SCOPE)] if scoped else []))
        .group_by(C.year, C.library_id, C.role)
    )
    return {
        "outcome": per(A.outcome, func.count(), where=mine),
        "month": per(A.month, func.count(), PEOPLE, func.sum(case((A.libraries > 1, 1), else_=0))),
        "category": per(A.category, func.count(), PEOPLE),
        "campaign": per(A.campaign_id, func.count(), PEOPLE),
        "brand": per(A.brand_id, func.sum(A.sessions), PEOPLE, where=(*counted, A.brand_id.is_not(None))),
        "audience": child(stats_audience),
        "partner": child(stats_partner),
        "credit": credits,
        "rated": select(A.activity_id, A.year, A.brand_id).where(A.activity_id.in_(IDS), *counted),
        "rated_credit": select(C.activity_id, C.library_id).where(
            C.activity_id.in_(IDS), *([C.library_id.in_(SCOPE)] if scoped else [])
        ),
    }


STATEMENTS = {scoped: _statements(scoped) for scoped in (False, True)}


def figures_if_derived(
    engine: Engine,
    basis: str,
    scope: Collection[str] | None,
    periods: Sequence[Sequence[int]],
    ratings: Mapping[str, tuple[int, int]] | None = None,
) -> list[f.Figures] | None:
    """:func:`stored_figures` when the rows are derived under ``basis`` (the alliance's); None when
    they are not: derived under another time zone or vocabulary, not yet (an upgraded data dir whose
    consumer has not begun), or no tables at all (a data dir of a release without them)."""
    try:
        connection = engine.connect()
        derived = KEPT.stored(connection)
    except (OperationalError, ProgrammingError):
        return None
    with connection:
        return stored_figures(connection, scope, periods, ratings) if derived == basis else None


def stored_figures(
    connection: Connection,
    scope: Collection[str] | None,
    periods: Sequence[Sequence[int]],
    ratings: Mapping[str, tuple[int, int]] | None = None,
) -> list[f.Figures]:
    """:func:`.figures.figures_of_periods` of every stored activity, from the stored rows."""
    outs = [f.Figures(years=tuple(years)) for years in periods]
    period_of: dict[int, list[f.Figures]] = {}
    for out, years in zip(outs, periods, strict=True):
        for year in dict.fromkeys(years):
            period_of.setdefault(year, []).append(out)
    statements = STATEMENTS[scope is not None]
    parameters: dict[str, Any] = {"years": sorted(period_of)}
    if scope is not None:
        parameters["scope"] = sorted(scope)

    def rows(view: str) -> Iterable[tuple[list[f.Figures], Any]]:
        for row in connection.execute(statements[view], parameters):
            for out in period_of[row[0]]:
                yield out, row

    def into(table: Callable[[f.Figures], dict], view: str) -> None:
        for out, (_, key, *values) in rows(view):
            f.add(table(out), key, *values)

    for out, (_, outcome, n) in rows("outcome"):
        out.outcomes[outcome] += n
    for out, (year, month, n, people, co_hosted) in rows("month"):
        f.add(out.by_month, month, n, people)
        f.add(out.by_year, year, n, people)
        out.participants += people
        out.co_hosted += co_hosted
    into(lambda out: out.by_category, "category")
    into(lambda out: out.by_campaign, "campaign")
    into(lambda out: out.by_audience, "audience")
    into(lambda out: out.by_partner, "partner")
    for out, (_, brand_id, sessions, people) in rows("brand"):
        out.brand_sessions += sessions
        f.add(out.by_brand, brand_id, sessions, people)
    for out, (_, library_id, role, n, people) in rows("credit"):
        f.add(out.by_role, role, n, people)
        f.add(out.by_library, library_id, n, n if role == "host" else 0, people)
    _rated(connection, statements, parameters, period_of, ratings or {})
    return outs


def _rated(
    connection: Connection,
    statements: dict[str, Select],
    parameters: dict[str, Any],
    period_of: dict[int, list[f.Figures]],
    ratings: Mapping[str, tuple[int, int]],
) -> None:
    """The readers' ratings of the counted activities of the scope (the registrations service's
    few rows): for the scope, each credited library of it and the brand."""
    rated = sorted(activity_id for activity_id, (n, _) in ratings.items() if n)
    for first in range(0, len(rated), RATED_PER_STATEMENT):
        chunk = {**parameters, "ids": rated[first : first + RATED_PER_STATEMENT]}
        found = {row.activity_id: row for row in connection.execute(statements["rated"], chunk)}
        if not found:
            continue
        libraries: dict[str, list[str]] = {}
        for activity_id, library_id in connection.execute(statements["rated_credit"], {**chunk, "ids": sorted(found)}):
            libraries.setdefault(activity_id, []).append(library_id)
        for activity_id, row in found.items():
            n, satisfied = ratings[activity_id]
            for out in period_of[row.year]:
                out.rated += n
                out.satisfied += satisfied
                for library_id in libraries.get(activity_id, ()):
                    f.add(out.rated_by_library, library_id, n, satisfied)
                if row.brand_id:
                    f.add(out.rated_by_brand, row.brand_id, n, satisfied)
