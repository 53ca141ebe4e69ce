"""The statistics report's figures from the service's own rows: SQL aggregates over the years asked for.

The activity views (outcomes, months, years, categories, campaigns, brands, co-hosted) are one
``GROUP BY`` of the activity rows in the order of ``ix_stats_activity_year``, which holds every
column they read, folded into the views here; the audiences, partners and credits (by role and
by library) one ``GROUP BY`` each over their rows, which carry the activity's year, outcome and
participants.  Each covers the period and the one before at once (grouped by year, folded into
the two periods here); a scope (a member's subtree, or the member alone) is a filter on the
credit rows.  The figures
are those :func:`.figures.figures_of_periods` computes from the activities themselves (the
reference, which the tests compare with): an activity counts once for the scope, and once per
credited library of the scope by role and by library.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, bindparam, func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from . import figures as f
from .handlers import KEPT
from .tables import stats_activity, stats_audience, stats_credit, stats_partner

A, C = stats_activity.c, stats_credit.c
YEARS = bindparam("years", expanding=True)
SCOPE = bindparam("scope", expanding=True)
IDS = bindparam("ids", expanding=True)
RATED_PER_STATEMENT = 500


def _credits_scope(activity_id) -> ColumnElement[bool]:
    """The activity credits a library of the scope: a semi-join on the credit rows of the years."""
    return activity_id.in_(select(C.activity_id).where(C.library_id.in_(SCOPE), C.year.in_(YEARS)))


def _in_scope(scoped: bool) -> ColumnElement[bool]:
    """An activity row of the scope; of the whole alliance: one that credits any library."""
    return _credits_scope(A.activity_id) if scoped else A.libraries > 0


ACTIVITY_KEYS = (A.year, A.outcome, A.libraries, A.month, A.category, A.campaign_id, A.brand_id)
"""The activity views' keys, in the order of ``ix_stats_activity_year``: grouped in index order."""


def _statements(scoped: bool) -> dict[str, Select]:
    def child(table, *keys) -> Select:
        """A view of child rows, which carry the activity's year, outcome and participants (an
        activity that credits no library has none)."""
        t = table.c
        return (
            select(t.year, *keys, func.count(), func.sum(t.participants))
            .where(t.year.in_(YEARS), t.outcome.in_(f.COUNTED), *([_credits_scope(t.activity_id)] if scoped else []))
            .group_by(t.year, *keys)
        )

    credits = (
        select(C.year, C.library_id, C.role, func.count(), func.sum(C.participants))
        .where(C.year.in_(YEARS), C.outcome.in_(f.COUNTED), *([C.library_id.in_(SCOPE)] if scoped else []))
        .group_by(C.year, C.library_id, C.role)
    )
    return {
        # every activity view at once: one pass over the years' rows, folded into the views here
        "activity": select(*ACTIVITY_KEYS, func.count(), func.sum(A.participants), func.sum(A.sessions))
        .where(A.year.in_(YEARS), _in_scope(scoped))
        .group_by(*ACTIVITY_KEYS),
        "audience": child(stats_audience, stats_audience.c.audience),
        "partner": child(stats_partner, stats_partner.c.partner),
        "credit": credits,
        "rated": select(A.activity_id, A.year, A.brand_id).where(
            A.activity_id.in_(IDS), A.year.in_(YEARS), A.outcome.in_(f.COUNTED), _in_scope(scoped)
        ),
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

    for out, (year, outcome, libraries, month, category, campaign_id, brand_id, n, people, sessions) in rows(
        "activity"
    ):
        out.outcomes[outcome] += n
        if outcome not in f.COUNTED:
            continue
        f.add(out.by_month, month, n, people)
        f.add(out.by_year, year, n, people)
        f.add(out.by_category, category, n, people)
        f.add(out.by_campaign, campaign_id, n, people)
        out.participants += people
        out.sessions += sessions
        out.co_hosted += n if libraries > 1 else 0
        if brand_id:
            out.brand_sessions += sessions
            f.add(out.by_brand, brand_id, sessions, people)
    into(lambda out: out.by_audience, "audience")
    into(lambda out: out.by_partner, "partner")
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
