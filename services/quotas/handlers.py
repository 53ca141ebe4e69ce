"""Quotas handlers: canonical snapshots in, activity facts stored, quota transitions out.

A batch of canonical events upserts the facts of each activity whose version is newer than
the stored one (the newest of the batch per activity; older or equal versions change
nothing) and rewrites what those activities, and the activities sharing an announcement with
them, add to each library's rules by month (``quotas_count``).  At the batch's end the rules
they can change (those under which one of them counts or counted for a library) are recounted
by summing those counts for the years they span, as of the latest broker time of the batch,
and a quota event goes out through the outbox when a library reaches ``at_risk`` or ``met``
on a rule.

The counts (and the list of activities that count for nobody) are derived under the alliance's
rules as they were: when the rules count differently (:func:`~.tally.tally_basis` changed — a rule
edited, a member added — or the data dir is from a release that did not keep them), the batch's
end derives them again from every stored activity, once, before recounting.  The reports read
them only while their basis is the alliance's (:func:`~.report.quota_report`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from shuxiang.alliance import Alliance, Campaign, QuotaRule
from shuxiang.db import execute_many
from shuxiang.events.consumer import Delivery, UnitOfWork
from shuxiang.services.attendance import parse_report
from shuxiang.services.projection import newer_canonicals

from .events import QuotaEvent, QuotaEventType
from .store import (
    ACTIVITIES,
    REPORTS,
    facts_of,
    monthly_totals,
    rebuild_tallies,
    related_facts,
    save_facts,
    store_basis,
    store_monthly_counts,
    stored_basis,
)
from .tables import quotas_state
from .tally import ActivityFacts, Progress, QuotaState, campaigns_of, progress_of_months, tally_basis

PUBLISHED_STATES: dict[QuotaState, QuotaEventType] = {QuotaState.at_risk: "at-risk", QuotaState.met: "met"}


@dataclass(frozen=True)
class QuotasContext:
    alliance: Alliance
    _rules: dict[str, tuple[QuotaRule, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Each library's rules, found once (every activity asks for those of its organizers)."""

    def rules_of(self, library_id: str) -> list[QuotaRule]:
        """The rules that apply to a library (none to one outside the alliance)."""
        if library_id not in self._rules:
            member = self.alliance.member(library_id)
            self._rules[library_id] = tuple(self.alliance.rules_for(library_id)) if member else ()
        return list(self._rules[library_id])

    @property
    def campaigns(self) -> dict[str, Campaign]:
        """The alliance's campaigns by id, whose windows bound a campaign rule's credits."""
        return campaigns_of(self.alliance)

    def rules_touched(self, facts: Iterable[ActivityFacts]) -> dict[str, list[QuotaRule]]:
        """Per library, the rules under which one of these activities counts or counted for it
        (whatever its status): only those can change when the activities change."""
        touched: dict[str, dict[str, QuotaRule]] = {}  # by the rule's id (comparing the models cost more)
        for fact in facts:
            for library_id, role in fact.organizers:
                found = touched.setdefault(library_id, {})
                for rule in self.rules_of(library_id):
                    if rule.id not in found and role in rule.roles and rule.counts.matches(fact):
                        found[rule.id] = rule
        return {lib: list(rules.values()) for lib, rules in sorted(touched.items()) if rules}


def apply_canonicals(context: QuotasContext, deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """Store the newest versions' facts; the batch's end recounts what they touch and publishes
    the quota transitions."""
    connection = uow.connection
    changed = newer_canonicals(deliveries, connection, ACTIVITIES)
    if not changed:
        return
    tz = context.alliance.tz
    before = related_facts(connection, [n.activity_id for n in changed if not n.new])  # a new one has no past
    saved = save_facts(connection, changed, tz=tz, audiences_in=context.alliance.audiences_in)
    after = related_facts(connection, saved, saved=saved)
    # an activity related before and not after (it lost a shared announcement) may count again
    regained = facts_of(connection, {f.activity_id for f, _ in before} - {f.activity_id for f, _ in after})
    store_monthly_counts(
        connection,
        after + regained,
        context.rules_of,
        tz,
        campaigns=context.campaigns,
        cleared=[f.activity_id for f, _ in before],
    )
    touched = before + after
    latest = max(n.delivery.timestamp for n in changed)
    open_until = latest.astimezone(tz).year + 1
    recount = uow.at_batch_end("quotas.recount", lambda: Recount(context))
    recount.add([f for f, _ in touched], years_of(touched, tz, open_until), latest)


def apply_reports(context: QuotasContext, deliveries: list[Delivery], uow: UnitOfWork) -> None:
    """Attendance reports: keep them (the latest per announcement wins) and recount what the
    activities listing their announcements add, since one reported as not held (未举办) no longer
    counts and one reported held counts again.  A report that comes before its activity is kept
    and read when the activity's snapshot is stored."""
    reports = [(parse_report(context.alliance, delivery), delivery.stream_seq) for delivery in deliveries]
    connection = uow.connection
    listing = REPORTS.activities_listing(connection, REPORTS.store_latest(connection, reports))
    if not listing:
        return
    tz = context.alliance.tz
    latest = max(delivery.timestamp for delivery in deliveries)
    touched = related_facts(connection, sorted(listing))
    store_monthly_counts(connection, touched, context.rules_of, tz, campaigns=context.campaigns)
    recount = uow.at_batch_end("quotas.recount", lambda: Recount(context))
    recount.add([f for f, _ in touched], years_of(touched, tz, latest.astimezone(tz).year + 1), latest)


@dataclass
class Recount:
    """The activities and years a batch touched, whose rules are re-counted once when the batch
    ends (as of the latest broker time in it): one tally per batch instead of one per event."""

    context: QuotasContext
    touched: list[ActivityFacts] = field(default_factory=list)
    years: set[int] = field(default_factory=set)
    at: datetime | None = None

    def add(self, facts: list[ActivityFacts], years: set[int], at: datetime) -> None:
        self.touched.extend(facts)
        self.years |= years
        self.at = at if self.at is None else max(self.at, at)

    def finish(self, uow: UnitOfWork) -> None:
        if self.at is not None:
            derive_under_current_rules(self.context, uow.connection, self.at)
            reevaluate(self.context, uow, self.context.rules_touched(self.touched), self.years, at=self.at)


def derive_under_current_rules(context: QuotasContext, connection: Connection, at: datetime) -> bool:
    """Derive the stored counts again from every activity's facts if they were derived under other
    rules (one primary-key read per batch otherwise); True when it did."""
    basis = tally_basis(context.alliance)
    if stored_basis(connection) == basis:
        return False
    rebuild_tallies(connection, context.rules_of, context.alliance.tz, campaigns=context.campaigns)
    store_basis(connection, basis, at)
    return True


def years_of(facts: list[tuple[ActivityFacts, datetime | None]], tz, open_until: int) -> set[int]:
    """The years the activities' occurrences span (an open-ended series: up to ``open_until``)."""
    years: set[int] = set()
    for fact, last in facts:
        first = fact.earliest.astimezone(tz).year
        years.update(range(first, (last.astimezone(tz).year if last is not None else max(open_until, first)) + 1))
    return years


STATES_OF = select(
    quotas_state.c.library_id,
    quotas_state.c.rule_id,
    quotas_state.c.state,
    quotas_state.c.attained,
    quotas_state.c.target,
).where(quotas_state.c.year == bindparam("year"), quotas_state.c.library_id.in_(bindparam("libraries", expanding=True)))


def reevaluate(
    context: QuotasContext, uow: UnitOfWork, rules: dict[str, list[QuotaRule]], years: set[int], *, at: datetime
) -> None:
    """Recount these libraries' rules in ``years`` from the stored facts and record what changed."""
    if not rules:
        return
    tz = context.alliance.tz
    connection = uow.connection
    growing = {lib: [r for r in library_rules if r.growth is not None] for lib, library_rules in rules.items()}
    growing = {lib: found for lib, found in growing.items() if found}
    if growing:  # a growth rule's target is set by the year before: a change of year Y moves Y+1's
        years = years | {year + 1 for year in years}
    inserts: list[dict] = []
    updates: list[dict] = []
    for year in sorted(years):
        campaigns = context.campaigns
        months = monthly_totals(connection, year, tz, rules, campaigns=campaigns)
        before = monthly_totals(connection, year - 1, tz, growing, campaigns=campaigns) if growing else {}
        stored = {
            (r.library_id, r.rule_id): r
            for r in connection.execute(STATES_OF, {"year": year, "libraries": list(rules)})
        }
        for library_id, library_rules in rules.items():
            for rule in library_rules:
                previous = sum(before[(library_id, rule.id)]) if rule.growth is not None else None
                result = progress_of_months(
                    months[(library_id, rule.id)], rule, library_id, year, tz, at, previous=previous
                )
                kept = stored.get((library_id, rule.id))
                values = state_values(context, uow, result, kept, at)
                if values is None:
                    continue
                cell = {"library_id": library_id, "rule_id": rule.id, "year": year}
                if kept is None:
                    inserts.append({**cell, **values})
                else:
                    updates.append({**{f"_{name}": value for name, value in cell.items()}, **values})
    execute_many(connection, _INSERT_STATE, inserts)
    execute_many(connection, _UPDATE_STATE, updates)


_INSERT_STATE = insert(quotas_state)
_UPDATE_STATE = update(quotas_state).where(
    quotas_state.c.library_id == bindparam("_library_id"),
    quotas_state.c.rule_id == bindparam("_rule_id"),
    quotas_state.c.year == bindparam("_year"),
)


def state_values(context: QuotasContext, uow: UnitOfWork, result: Progress, previous, at: datetime) -> dict | None:
    """What to store of ``result``'s state (None when ``previous``, the stored row, says the same);
    publishes when the state changed into at-risk or met."""
    values = {"state": result.state.value, "attained": result.attained, "target": result.target}
    if previous is not None and (previous.state, previous.attained, previous.target) == tuple(values.values()):
        return None
    if (previous is None or previous.state != result.state.value) and result.state in PUBLISHED_STATES:
        event = quota_event(context, result, at)
        uow.publish(event.subject(), event.message_id(), event.model_dump_json().encode(), at=at)
    return {"changed_at": at, **values}


def quota_event(context: QuotasContext, result: Progress, at: datetime) -> QuotaEvent:
    member = context.alliance.member(result.library_id)
    return QuotaEvent(
        type=PUBLISHED_STATES[result.state],
        library_id=result.library_id,
        library_name=member.name if member else result.library_id,
        rule_id=result.rule.id,
        rule_name=result.rule.name,
        rule_name_en=result.rule.name_en,
        year=result.year,
        attained=result.attained,
        target=result.target,
        expected=result.expected,
        per=result.rule.per,
        missing_periods=result.missing,
        occurred_at=at,
    )
