"""The brands handlers through the real consumer machinery (inbox, savepoints, dead letters)
on a real SQLite unit of work: figures derived from what was stored equal a recount."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import func, select

from shuxiang.alliance import Alliance, load_demo_alliance
from shuxiang.db import Databases
from shuxiang.demo.activities import generate_attendance_reports, generate_brand_history
from shuxiang.events.consumer import ConsumerSpec, Delivery, process_batch
from shuxiang.events.tables import dead_letter
from shuxiang.schemas import (
    ActivitySubmission,
    AttendanceReport,
    CanonicalActivity,
    CanonicalEvent,
    Organizer,
    SourceRef,
    Status,
)
from shuxiang.services.brands.registry import (
    BrandCreate,
    LinkCorrected,
    LinkCorrection,
    RegistryError,
    check_correction,
    check_registration,
    load_registry,
)
from shuxiang.services.brands.service import NAME, build
from shuxiang.services.brands.store import brand_entry, brands_report, entries_from_facts, linked_activity_ids
from shuxiang.services.brands.tables import brands_activity, brands_day, brands_month
from shuxiang.services.brands.tallies import rebuild, stored_basis, tally_basis
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from tests.unit.test_brands_figures import TODAY, YEARS, canonical_of, recount, run_of_years

SEQ = count(1)


def delivery(subject: str, payload: bytes, msg_id: str) -> Delivery:
    return Delivery(
        subject=subject,
        data=payload,
        headers={"Nats-Msg-Id": msg_id},
        stream_seq=next(SEQ),
        timestamp=datetime(2026, 6, 15, 8, tzinfo=UTC),
    )


def canonical_delivery(activity: CanonicalActivity, event_type: str = "created") -> Delivery:
    event = CanonicalEvent(type=event_type, activity=activity, occurred_at=activity.updated_at)
    return delivery(f"shuxiang.canonical.{event_type}", event.model_dump_json().encode(), event.message_id())


def report_delivery(report: AttendanceReport, subject_library: str | None = None) -> Delivery:
    return delivery(
        f"shuxiang.activity.reported.{subject_library or report.library_id}",
        report.model_dump_json().encode(),
        report.message_id(),
    )


class Brands:
    """The brands service on a real SQLite file, fed through process_batch."""

    def __init__(self, tmp_path, alliance: Alliance, database_url: str | None = None) -> None:
        self.alliance = alliance
        self.databases = Databases(data_dir=tmp_path, database_url=database_url)
        plan = build(ServiceContext(settings=Settings(data_dir=tmp_path), alliance=alliance, databases=self.databases))
        self.databases.create_tables(NAME, plan.tables)
        self.engine = self.databases.engine(NAME)
        self.canonical, self.reports, self.decisions = plan.consumers

    def feed(self, spec: ConsumerSpec, deliveries: list[Delivery], batch: int = 64) -> list[str]:
        outcomes = []
        for start in range(0, len(deliveries), batch):
            outcomes += [o.value for o in process_batch(spec, self.engine, deliveries[start : start + batch])]
        return outcomes


def days_to_check(rng: random.Random) -> list[date]:
    """Days to compute the figures for: today and around it, its month's ends, the ends of the
    years, before and after every record, and days drawn across the years."""
    days = [TODAY, TODAY - timedelta(days=1), TODAY + timedelta(days=1), TODAY.replace(day=1), date(2026, 6, 30)]
    days += [date(YEARS[0] - 1, 12, 31), date(2031, 1, 1), date(2023, 12, 31), date(2024, 1, 1), date(2024, 2, 29)]
    days += [date(YEARS[0], 1, 1) + timedelta(days=rng.randrange(365 * len(YEARS))) for _ in range(8)]
    return days


def assert_tallies_are_the_facts(brands: Brands, alliance: Alliance, seed: int = 0) -> None:
    """The list's figures, read from the kept tallies, are those derived from every brand's
    activities (the computation the list ran before the tallies), as of many days; and the kept
    tallies are those a rebuild from the facts derives."""
    engine = brands.engine
    with engine.connect() as connection:
        assert stored_basis(connection) == tally_basis(alliance)  # the list reads the tallies
        registry = list(load_registry(connection, alliance).values())
    for day in days_to_check(random.Random(seed)):
        with engine.connect() as connection:
            expected = [e.figures for e in entries_from_facts(connection, alliance, registry, day)]
        assert [e.figures for e in brands_report(engine, alliance, day).entries] == expected, day
    with engine.begin() as connection:
        kept = [sorted(map(tuple, connection.execute(select(t)))) for t in (brands_day, brands_month)]
        rebuild(connection, alliance.tz)
        assert [sorted(map(tuple, connection.execute(select(t)))) for t in (brands_day, brands_month)] == kept


@pytest.fixture
def alliance() -> Alliance:
    return load_demo_alliance()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def brands(request, tmp_path, alliance: Alliance):
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    service = Brands(tmp_path, alliance, url)
    yield service
    service.databases.dispose()


def canonical_stream(
    history: list[ActivitySubmission], reports: list[AttendanceReport], rng: random.Random
) -> tuple[list[Delivery], list[AttendanceReport]]:
    """What dedup would publish for the history: v1 per announcement, v2 when it was cancelled, and
    for co-hosted sessions a v2 that merges the co-host's own announcement (and the co-host reports
    the same session, counting fewer: participants are the largest report, never the sum)."""
    held = {(r.library_id, r.source_ref) for r in reports if r.held}
    first = {(s.library_id, s.source_ref): s for s in history if s.revision == 1}
    revised = {(s.library_id, s.source_ref): s for s in history if s.revision == 2}
    events: list[Delivery] = []
    extra_reports: list[AttendanceReport] = []
    for key, submission in first.items():
        events.append(canonical_delivery(canonical_of(submission)))
        if key in revised:
            events.append(canonical_delivery(canonical_of(revised[key], version=2), "cancelled"))
        elif len(submission.credited()) > 1:
            partner = submission.credited()[1].library_id
            merged = canonical_of(submission, version=2, extra_sources=((partner, f"{submission.source_ref}-p"),))
            events.append(canonical_delivery(merged, "merged"))
            if key in held:
                extra_reports.append(
                    AttendanceReport(
                        library_id=partner, source_ref=f"{submission.source_ref}-p", held=True, participants=1
                    )
                )
    rng.shuffle(events)  # versions arrive in any order: an older one after a newer one changes nothing
    return events, extra_reports


def test_stored_figures_equal_a_recount_of_a_multi_year_history(brands: Brands, alliance: Alliance) -> None:
    rng = random.Random(5)
    history = generate_brand_history(alliance, YEARS, seed=11)
    reports = generate_attendance_reports(history, TODAY, seed=11)
    events, partner_reports = canonical_stream(history, reports, rng)
    assert len(partner_reports) >= 20  # co-hosted sessions merged from two announcements

    report_deliveries = [report_delivery(r) for r in [*reports, *partner_reports]]
    half = len(report_deliveries) // 2
    # half the reports arrive before the activities they belong to
    assert set(brands.feed(brands.reports, report_deliveries[:half])) == {"ack"}
    assert set(brands.feed(brands.canonical, events)) == {"ack"}
    assert set(brands.feed(brands.reports, report_deliveries[half:])) == {"ack"}
    # redelivering everything changes nothing
    before = brands_report(brands.engine, alliance, TODAY)
    brands.feed(brands.canonical, events[:200])
    brands.feed(brands.reports, report_deliveries[:200])
    after = brands_report(brands.engine, alliance, TODAY)
    assert [e.figures for e in after.entries] == [e.figures for e in before.entries]

    checked = 0
    for entry in after.entries:
        expected = recount(entry.brand, history, reports, TODAY)
        f = entry.figures
        assert (f.sessions_total, f.sessions_this_year) == (expected.sessions, expected.sessions_year), entry.brand.id
        assert (f.editions_total, f.editions_this_year) == (expected.editions, expected.editions_year), entry.brand.id
        assert (f.participants_total, f.participants_this_year) == (
            expected.participants,
            expected.participants_year,
        ), entry.brand.id
        assert (f.last_held, f.next_scheduled) == (expected.last, expected.next), entry.brand.id
        assert f.years_running == run_of_years(expected.years, TODAY.year)
        assert set(f.libraries) == expected.libraries
        checked += f.sessions_total
    assert checked > 300
    inferred = sum(e.figures.inferred_links for e in after.entries)
    assert inferred == sum(1 for s in history if s.revision == 1 and s.brand_id is None) > 30
    assert_tallies_are_the_facts(brands, alliance)


def test_invalid_reports_are_dead_lettered_with_the_reason(brands: Brands) -> None:
    good = AttendanceReport(library_id="jn", source_ref="x-1", held=True, participants=30)
    bad = [
        report_delivery(good, subject_library="tz"),
        report_delivery(AttendanceReport(library_id="jn", source_ref="x-2", held=False, participants=3)),
        report_delivery(AttendanceReport(library_id="nowhere", source_ref="x-3", held=True, participants=3)),
        delivery("shuxiang.activity.reported.jn", b'{"library_id": "jn", "held": "maybe"}', "rep:broken"),
        delivery("shuxiang.activity.reported.jn", b"not json", "rep:garbage"),
    ]
    assert brands.feed(brands.reports, [*bad, report_delivery(good)]) == ["term"] * 5 + ["ack"]
    with brands.engine.connect() as connection:
        reasons = list(connection.scalars(select(dead_letter.c.reason).order_by(dead_letter.c.id)))
    assert len(reasons) == 5
    assert 'names library "jn", not "tz"' in reasons[0]  # jn's id on tz's subject: refused before parsing
    assert "not held has no participants" in reasons[1]
    assert "not a member" in reasons[2]
    assert "source_ref" in reasons[3] and "held" in reasons[3]
    assert "not valid JSON" in reasons[4]


def lecture(library_id: str, ref: str, title: str, day: date, **extra) -> ActivitySubmission:
    start = datetime(day.year, day.month, day.day, 14, tzinfo=UTC) - timedelta(hours=8)
    return ActivitySubmission(
        library_id=library_id,
        source_ref=ref,
        title=title,
        category="lecture",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue={"name": "报告厅"},
        **extra,
    )


def linked(brands: Brands, activity_id: str) -> tuple[str | None, str | None]:
    with brands.engine.connect() as connection:
        row = connection.execute(
            select(brands_activity.c.brand_id, brands_activity.c.link).where(
                brands_activity.c.activity_id == activity_id
            )
        ).one()
    return row.brand_id, row.link


def decision(kind: str, actor: str, body, msg_id: str) -> Delivery:
    return delivery(f"shuxiang.brand.{kind}.{actor}", body.model_dump_json().encode(), msg_id)


def test_a_correction_survives_later_versions(brands: Brands, alliance: Alliance) -> None:
    talk = lecture("jn", "c-1", "沽上讲堂：海河下游的村落记忆", date(2026, 3, 3))
    brands.feed(brands.canonical, [canonical_delivery(canonical_of(talk))])
    activity_id = canonical_of(talk).id
    assert linked(brands, activity_id) == ("jn-gushang", "inferred")

    with brands.engine.connect() as connection:
        for who, status in [("tz", 403), ("nobody", 403)]:  # Tengzhou does not own 沽上讲堂
            with pytest.raises(RegistryError) as refused:
                check_correction(connection, alliance, activity_id, LinkCorrection(brand_id=None, corrected_by=who))
            assert refused.value.status == status
        with pytest.raises(RegistryError) as refused:
            check_correction(connection, alliance, "no-such", LinkCorrection(brand_id=None, corrected_by="lmb"))
        assert refused.value.status == 404
        check_correction(connection, alliance, activity_id, LinkCorrection(brand_id="jn-haoshu", corrected_by="jn"))

    corrected = LinkCorrected(
        brand_id="jn-haoshu", corrected_by="lmb", activity_id=activity_id, decided_at=datetime(2026, 6, 1, tzinfo=UTC)
    )
    assert brands.feed(brands.decisions, [decision("corrected", "lmb", corrected, corrected.message_id())]) == ["ack"]
    assert linked(brands, activity_id) == ("jn-haoshu", "corrected")

    renamed = canonical_of(talk.model_copy(update={"title": "沽上讲堂（第101期）：村落记忆"}), version=2)
    brands.feed(brands.canonical, [canonical_delivery(renamed, "updated")])
    assert linked(brands, activity_id) == ("jn-haoshu", "corrected")
    assert linked_activity_ids(brands.engine, "jn-haoshu") == [activity_id]
    assert linked_activity_ids(brands.engine, "jn-gushang") == []
    report = brands_report(brands.engine, alliance, date(2026, 6, 15))
    assert report.entry("jn-haoshu").figures.sessions_total == 1
    assert report.entry("jn-gushang").figures.sessions_total == 0
    assert_tallies_are_the_facts(brands, alliance)


def test_a_library_cannot_add_its_own_announcement_to_another_librarys_brand(
    brands: Brands, alliance: Alliance
) -> None:
    """Anqing announcing "x" as a session of Jinnan's 沽上讲堂: dedup credits the owner as host (to
    find Jinnan's own announcement of it), so the owner was among the activity's libraries and the
    claim counted — sessions +1, on /brands and in the report.  Only the libraries that announced
    an activity themselves may link it to their brand; once Jinnan's own announcement is merged in,
    it counts."""
    post = lecture("ak", "x", "x", date(2026, 5, 2), brand_id="jn-gushang")
    claimed = canonical_of(post).model_copy(
        update={"organizers": [Organizer(library_id="ak", role="host"), Organizer(library_id="jn", role="host")]}
    )
    brands.feed(brands.canonical, [canonical_delivery(claimed)])
    assert linked(brands, claimed.id) == (None, None)
    assert brands_report(brands.engine, alliance, date(2026, 6, 15)).entry("jn-gushang").figures.sessions_total == 0
    titled = claimed.model_copy(update={"version": 2, "title": "沽上讲堂：x"})  # the title names it: still ak's word
    brands.feed(brands.canonical, [canonical_delivery(titled, "updated")])
    assert linked(brands, claimed.id) == (None, None)

    merged = canonical_of(post, version=3, extra_sources=(("jn", "j-1"),)).model_copy(
        update={"organizers": claimed.organizers}
    )
    brands.feed(brands.canonical, [canonical_delivery(merged, "updated")])
    assert linked(brands, claimed.id) == ("jn-gushang", "explicit")
    assert brands_report(brands.engine, alliance, date(2026, 6, 15)).entry("jn-gushang").figures.sessions_total == 1
    assert_tallies_are_the_facts(brands, alliance)


def test_a_correction_logged_before_its_activity_is_applied_when_it_comes(brands: Brands, alliance: Alliance) -> None:
    """In a replay, a correction (SUBMISSIONS) may be applied before dedup re-derives the activity (CANONICAL)."""
    talk = lecture("jn", "c-2", "沽上讲堂：津沽方言", date(2026, 3, 3))
    activity_id = canonical_of(talk).id
    corrected = LinkCorrected(
        brand_id=None,
        corrected_by="jn",
        note="普通讲座",
        activity_id=activity_id,
        decided_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    wrong_actor = decision("corrected", "tz", corrected, "brand:corrected:x")
    unknown_brand = corrected.model_copy(update={"brand_id": "nope", "decided_at": datetime(2026, 6, 2, tzinfo=UTC)})
    assert brands.feed(
        brands.decisions,
        [
            decision("corrected", "jn", corrected, corrected.message_id()),
            wrong_actor,
            decision("corrected", "jn", unknown_brand, unknown_brand.message_id()),
            delivery("shuxiang.brand.renamed.jn", b"{}", "brand:renamed"),
        ],
    ) == ["ack", "term", "term", "term"]
    brands.feed(brands.canonical, [canonical_delivery(canonical_of(talk))])
    assert linked(brands, activity_id) == (None, "corrected")
    assert_tallies_are_the_facts(brands, alliance)


def test_registering_a_brand_links_the_sessions_already_stored(brands: Brands, alliance: Alliance) -> None:
    talks = [
        lecture("ak", f"hs-{i}", f"汉水讲坛：汉调二黄的前世今生（{i}）", date(2025 + i // 3, 1 + i % 12, 10))
        for i in range(5)
    ]
    brands.feed(brands.canonical, [canonical_delivery(canonical_of(t)) for t in talks])
    before = brands_report(brands.engine, alliance, date(2026, 6, 15))
    assert "ak" in before.coverage.heads_without_brand

    body = BrandCreate(
        id="ak-hanshui",
        name="汉水讲坛",
        library_id="ak",
        category="lecture",
        keywords=["汉水讲坛"],
        registered_by="lmb",
    )
    registered = decision("registered", "lmb", body, "brand:registered:ak-hanshui")
    again = decision("registered", "lmb", body, "brand:registered:ak-hanshui:again")
    assert brands.feed(brands.decisions, [registered, again]) == ["ack", "term"]  # the second: id taken
    after = brands_report(brands.engine, alliance, date(2026, 6, 15))
    entry = after.entry("ak-hanshui")
    assert entry.origin == "registered"
    assert (entry.figures.sessions_total, entry.figures.inferred_links) == (5, 5)
    assert "ak" not in after.coverage.heads_without_brand
    with brands.engine.connect() as connection:
        for refused_body, status in [
            (body, 409),
            (body.model_copy(update={"id": "ak-2"}), 409),
            (body.model_copy(update={"id": "ak-3", "name": "新", "registered_by": "ak"}), 403),
            (body.model_copy(update={"id": "ak-4", "name": "新", "partners": ["zz"]}), 422),
            (body.model_copy(update={"id": "new", "name": "新"}), 422),
        ]:
            with pytest.raises(RegistryError) as refused:
                check_registration(connection, alliance, refused_body)
            assert refused.value.status == status
        reasons = list(connection.scalars(select(dead_letter.c.reason)))
    assert len(reasons) == 1 and "is taken" in reasons[0]
    assert_tallies_are_the_facts(brands, alliance)


def test_a_split_moves_an_announcement_and_its_report(brands: Brands, alliance: Alliance) -> None:
    """A co-host's announcement merged into one activity, then split off into its own: its report follows it."""
    host = lecture("jn", "s-1", "沽上讲堂：津沽方言", date(2026, 3, 3))
    merged = canonical_of(host, extra_sources=(("jn-sp03", "sp-9"),))
    split_host = canonical_of(host, version=2)
    own = canonical_of(lecture("jn-sp03", "sp-9", "沽上讲堂走进军营", date(2026, 3, 4)))
    own = own.model_copy(
        update={
            "id": "act-split",
            "sources": [SourceRef(library_id="jn-sp03", source_ref="sp-9", revision=1, status=Status.scheduled)],
        }
    )
    brands.feed(
        brands.canonical,
        [canonical_delivery(merged), canonical_delivery(own), canonical_delivery(split_host, "updated")],
    )
    brands.feed(
        brands.reports,
        [report_delivery(AttendanceReport(library_id="jn-sp03", source_ref="sp-9", held=True, participants=77))],
    )
    activities = {
        a.activity_id: a
        for a in brand_entry(brands.engine, alliance, "jn-gushang", date(2026, 6, 1)).activities  # type: ignore[union-attr]
    }
    assert activities["act-split"].participants == 77
    assert activities[merged.id].participants is None
    with brands.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(brands_activity)) == 2
    assert_tallies_are_the_facts(brands, alliance)


def test_sessions_of_a_series_reported_one_by_one_add_up_and_cancelled_ones_are_not_sessions(
    brands: Brands, alliance: Alliance
) -> None:
    """Attendance per session (AttendanceReport.recurrence_id): kept per session, the series' figure
    their sum (the largest co-host figure per session); a session cancelled on its own is not one."""
    series = lecture(
        "jn",
        "s-weekly",
        "沽上讲堂：方言周周讲",
        date(2026, 3, 3),
        recurrence="FREQ=WEEKLY;COUNT=4",
        overrides=[{"recurrence_id": datetime(2026, 3, 10, 6, tzinfo=UTC), "status": "cancelled"}],
    )
    activity = canonical_of(series)
    brands.feed(brands.canonical, [canonical_delivery(activity)])
    first, third = datetime(2026, 3, 3, 6, tzinfo=UTC), datetime(2026, 3, 17, 6, tzinfo=UTC)
    reports = [
        AttendanceReport(library_id="jn", source_ref="s-weekly", held=True, participants=30, recurrence_id=first),
        AttendanceReport(library_id="jn", source_ref="s-weekly", held=True, participants=40, recurrence_id=third),
        AttendanceReport(library_id="jn", source_ref="s-weekly", held=True, participants=45, recurrence_id=third),
    ]
    assert brands.feed(brands.reports, [report_delivery(r) for r in reports]) == ["ack"] * 3
    (entry,) = [
        a
        for a in brand_entry(brands.engine, alliance, "jn-gushang", date(2026, 6, 1)).activities  # type: ignore[union-attr]
        if a.activity_id == activity.id
    ]
    assert entry.participants == 30 + 45  # the later report of the third session replaced its first
    assert len(entry.occurrences) == 3  # four weeks less the cancelled one
    assert_tallies_are_the_facts(brands, alliance)
    stale = AttendanceReport(library_id="jn", source_ref="s-weekly", held=True, participants=99, recurrence_id=first)
    late = report_delivery(stale)
    late = Delivery(late.subject, late.data, {"Nats-Msg-Id": "rep:stale"}, stream_seq=1, timestamp=late.timestamp)
    assert brands.feed(brands.reports, [late]) == ["ack"]  # older in the log than the kept report: changes nothing
    (entry,) = [
        a
        for a in brand_entry(brands.engine, alliance, "jn-gushang", date(2026, 6, 1)).activities  # type: ignore[union-attr]
        if a.activity_id == activity.id
    ]
    assert entry.participants == 30 + 45
