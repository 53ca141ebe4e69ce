"""Brand figures and links, as pure functions: a generated multi-year history against a recount."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from shuxiang.alliance import Alliance, Brand, load_demo_alliance
from shuxiang.demo.activities import generate_attendance_reports, generate_brand_history
from shuxiang.schemas import (
    ActivitySubmission,
    AttendanceReport,
    CanonicalActivity,
    SourceRef,
    Status,
)
from shuxiang.services.brands.figures import (
    ACTIVE,
    LAPSED,
    QUIET,
    BrandActivity,
    brand_figures,
    coverage,
    running,
    status_of,
)
from shuxiang.services.brands.handlers import occurrences
from shuxiang.services.brands.linking import (
    CORRECTED,
    EXPLICIT,
    INFERRED,
    Correction,
    announcers_of,
    effective_link,
    infer_brand,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 15)
YEARS = range(2019, 2027)


# -- the generated history and an independent recount --------------------------------------


def latest_revisions(submissions: list[ActivitySubmission]) -> list[ActivitySubmission]:
    latest: dict[tuple[str, str], ActivitySubmission] = {}
    for s in submissions:
        key = (s.library_id, s.source_ref)
        if key not in latest or latest[key].revision < s.revision:
            latest[key] = s
    return list(latest.values())


def canonical_of(
    submission: ActivitySubmission, *, version: int = 1, extra_sources: tuple[tuple[str, str], ...] = ()
) -> CanonicalActivity:
    """What dedup publishes for an announcement (plus co-hosts' announcements merged into it)."""
    content = submission.model_dump(exclude={"library_id", "source_ref", "revision", "organizers", "status"})
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return CanonicalActivity(
        id=f"act-{submission.library_id}-{submission.source_ref}",
        version=version,
        status=submission.status,
        organizers=submission.credited(),
        sources=[
            SourceRef(
                library_id=submission.library_id,
                source_ref=submission.source_ref,
                revision=submission.revision,
                status=submission.status,
            ),
            *(SourceRef(library_id=lib, source_ref=ref, revision=1) for lib, ref in extra_sources),
        ],
        created_at=at,
        updated_at=at,
        **content,
    )


@dataclass
class Recount:
    sessions: int = 0
    sessions_year: int = 0
    editions: int = 0
    editions_year: int = 0
    participants: int = 0
    participants_year: int = 0
    last: datetime | None = None
    next: datetime | None = None
    years: set[int] = None  # type: ignore[assignment]
    libraries: set[str] = None  # type: ignore[assignment]


def recount(
    brand: Brand, submissions: list[ActivitySubmission], reports: list[AttendanceReport], today: date
) -> Recount:
    """Count a brand's sessions straight from the announcements: every generated session of a
    brand carries the brand's name as a tag (the ground truth, whatever its brand_id says)."""
    report_of = {(r.library_id, r.source_ref): r for r in reports}
    out = Recount(years=set(), libraries=set())
    for s in latest_revisions(submissions):
        if brand.name not in s.tags or s.status is Status.cancelled:
            continue
        report = report_of.get((s.library_id, s.source_ref))
        if report is not None and not report.held:
            continue
        starts = [s.starts_at]
        if s.recurrence:
            excluded = {d.astimezone(UTC) for d in s.exdates}
            starts = [d for d in rrulestr(s.recurrence, dtstart=s.starts_at) if d.astimezone(UTC) not in excluded]
        days = [d.astimezone(SHANGHAI).date() for d in starts]
        held = [d for d, day in zip(starts, days, strict=True) if day <= today]
        ahead = [d for d, day in zip(starts, days, strict=True) if day > today]
        out.sessions += len(held)
        out.sessions_year += sum(1 for d in held if d.astimezone(SHANGHAI).year == today.year)
        out.years |= {d.astimezone(SHANGHAI).year for d in held}
        if held:
            out.last = max([*held, *([out.last] if out.last else [])])
            out.libraries |= {o.library_id for o in s.credited()}
        if ahead:
            out.next = min([*ahead, *([out.next] if out.next else [])])
        if days[0] <= today:
            out.editions += 1
            came = report.participants if report else 0
            out.participants += came
            if days[0].year == today.year:
                out.editions_year += 1
                out.participants_year += came
    return out


def run_of_years(years: set[int], this_year: int) -> int:
    year = this_year if this_year in years else this_year - 1
    length = 0
    while year in years:
        length, year = length + 1, year - 1
    return length


@pytest.fixture(scope="module")
def alliance() -> Alliance:
    return load_demo_alliance()


@pytest.fixture(scope="module")
def history(alliance: Alliance) -> list[ActivitySubmission]:
    return generate_brand_history(alliance, YEARS, seed=7)


@pytest.fixture(scope="module")
def reports(history: list[ActivitySubmission]) -> list[AttendanceReport]:
    return generate_attendance_reports(history, TODAY, seed=7)


def facts_from(
    alliance: Alliance, submissions: list[ActivitySubmission], reports: list[AttendanceReport]
) -> dict[str, list[BrandActivity]]:
    """The pure pipeline: canonical activities, linked (declared or inferred), with sessions and reports."""
    report_of = {(r.library_id, r.source_ref): r for r in reports}
    known = {b.id: b for b in alliance.brands}
    grouped: dict[str, list[BrandActivity]] = defaultdict(list)
    for s in latest_revisions(submissions):
        activity = canonical_of(s)
        organizers = [o.library_id for o in activity.organizers]
        announcers = announcers_of(activity)  # whose word a link rests on
        inferred = infer_brand(activity.title, announcers, alliance.brands, alliance)
        brand_id, link = effective_link(
            declared=activity.brand_id, inferred=inferred, correction=None, known=known, libraries=announcers
        )
        if brand_id is None:
            continue
        report = report_of.get((s.library_id, s.source_ref))
        grouped[brand_id].append(
            BrandActivity(
                activity_id=activity.id,
                title=activity.title,
                status=activity.status.value,
                occurrences=tuple(occurrences(activity, SHANGHAI)),
                venue_key=activity.venue.name or "",
                venue_name=activity.venue.name,
                libraries=frozenset(organizers),
                link=link,
                held=report.held if report else None,
                participants=report.participants if report and report.held else None,
            )
        )
    return grouped


def test_the_history_exercises_what_must_be_counted(
    history: list[ActivitySubmission], reports: list[AttendanceReport]
) -> None:
    latest = latest_revisions(history)
    assert {s.starts_at.year for s in latest} == set(YEARS)
    assert sum(1 for s in latest if s.status is Status.cancelled) >= 5
    assert sum(1 for s in latest if len(s.credited()) > 1) >= 20, "co-hosted sessions"
    assert sum(1 for s in latest if s.brand_id is None) >= 30, "sessions that only name the brand"
    assert sum(1 for s in latest if s.recurrence) >= 5, "weekly series"
    assert any(not r.held for r in reports)


def test_figures_equal_a_recount_from_the_stored_activities(
    alliance: Alliance, history: list[ActivitySubmission], reports: list[AttendanceReport]
) -> None:
    facts = facts_from(alliance, history, reports)
    for brand in alliance.brands:
        figures = brand_figures(
            brand.id, facts.get(brand.id, []), today=TODAY, tz=SHANGHAI, quiet_after_days=60, lapsed_after_days=365
        )
        expected = recount(brand, history, reports, TODAY)
        assert (figures.sessions_total, figures.sessions_this_year) == (expected.sessions, expected.sessions_year), (
            brand.id
        )
        assert (figures.editions_total, figures.editions_this_year) == (expected.editions, expected.editions_year), (
            brand.id
        )
        assert (figures.participants_total, figures.participants_this_year) == (
            expected.participants,
            expected.participants_year,
        ), brand.id
        assert figures.last_held == expected.last, brand.id
        assert figures.next_scheduled == expected.next, brand.id
        assert figures.years_running == run_of_years(expected.years, TODAY.year), brand.id
        assert set(figures.libraries) == expected.libraries, brand.id
        assert sum(figures.held_per_month.values()) == expected.sessions
    assert sum(e.sessions for e in (recount(b, history, reports, TODAY) for b in alliance.brands)) > 300


def test_inferred_links_are_found_and_marked(
    alliance: Alliance, history: list[ActivitySubmission], reports: list[AttendanceReport]
) -> None:
    facts = facts_from(alliance, history, reports)
    inferred = [a for activities in facts.values() for a in activities if a.link == INFERRED]
    unnamed = [s for s in latest_revisions(history) if s.brand_id is None]
    assert len(inferred) == len(unnamed) > 0


# -- co-hosted once, cancelled and not-held never ------------------------------------------


def session(
    activity_id: str,
    day: date,
    *,
    status: str = "scheduled",
    libraries=("jn",),
    held=None,
    participants=None,
    hour: int = 14,
) -> BrandActivity:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).astimezone(UTC)
    return BrandActivity(
        activity_id=activity_id,
        title=f"沽上讲堂 {activity_id}",
        status=status,
        occurrences=(start,),
        venue_key="id:jn-hall",
        venue_name="津南区图书馆报告厅",
        libraries=frozenset(libraries),
        held=held,
        participants=participants,
    )


def figures_of(activities, today=TODAY):
    return brand_figures("jn-gushang", activities, today=today, tz=SHANGHAI, quiet_after_days=60, lapsed_after_days=365)


def test_co_hosted_counts_once_cancelled_and_not_held_do_not_count() -> None:
    activities = [
        session("a", date(2026, 3, 1), libraries=("jn", "jn-b01", "jn-sp03"), held=True, participants=120),
        session("b", date(2026, 4, 1), status="cancelled"),
        session("c", date(2026, 5, 1), held=False),
        session("d", date(2025, 5, 1), held=True, participants=80),
    ]
    f = figures_of(activities)
    assert (f.sessions_total, f.sessions_this_year, f.editions_total) == (2, 1, 2)
    assert (f.participants_total, f.participants_this_year) == (200, 120)
    assert f.libraries == ("jn", "jn-b01", "jn-sp03")
    assert f.last_held.astimezone(SHANGHAI).date() == date(2026, 3, 1)


def test_a_weekly_series_is_one_edition_of_many_sessions() -> None:
    starts = tuple(datetime(2026, 7, 4, 10, tzinfo=SHANGHAI).astimezone(UTC) + timedelta(weeks=k) for k in range(6))
    series = BrandActivity(
        activity_id="s",
        title="快乐小板凳·暑期",
        status="scheduled",
        occurrences=starts,
        venue_key="k",
        venue_name="k",
        libraries=frozenset({"jlp"}),
    )
    f = figures_of([series], today=date(2026, 7, 20))
    assert (f.sessions_total, f.editions_total, f.sessions_scheduled) == (3, 1, 3)
    assert f.next_scheduled == starts[3]


def test_a_session_at_2am_local_on_new_year_belongs_to_the_new_year() -> None:
    f = figures_of([session("n", date(2026, 1, 1), hour=2)], today=date(2026, 1, 5))
    assert (f.sessions_this_year, f.editions_this_year) == (1, 1)


# -- streaks and status --------------------------------------------------------------------


def test_running_streaks() -> None:
    assert running({2019, 2020, 2022, 2023, 2024, 2025}, 2026) == 4  # none yet this year: up to last year
    assert running({2024, 2025, 2026}, 2026) == 3
    assert running({2020, 2021}, 2026) == 0
    assert running(set(), 2026) == 0


def test_months_running_across_new_year() -> None:
    activities = [session(str(m), date(2025 + (m > 12), (m - 1) % 12 + 1, 10)) for m in range(10, 15)]
    f = figures_of(activities, today=date(2026, 2, 20))  # Oct, Nov, Dec 2025, Jan, Feb 2026
    assert f.months_running == 5
    f = figures_of(activities, today=date(2026, 3, 5))  # nothing yet in March: the run up to February
    assert f.months_running == 5


@pytest.mark.parametrize(("days", "expected"), [(0, ACTIVE), (60, ACTIVE), (61, QUIET), (365, QUIET), (366, LAPSED)])
def test_status_thresholds(days: int, expected: str) -> None:
    today = date(2026, 6, 15)
    assert status_of(today - timedelta(days=days), False, today, quiet_after=60, lapsed_after=365) == expected


def test_status_of_a_brand_never_held() -> None:
    assert status_of(None, True, TODAY, quiet_after=60, lapsed_after=365) == ACTIVE
    assert status_of(None, False, TODAY, quiet_after=60, lapsed_after=365) == QUIET


def test_coverage_names_members_without_a_brand(alliance: Alliance) -> None:
    figures = {b.id: figures_of([]) for b in alliance.brands}
    result = coverage(alliance, alliance.brands, figures)
    assert set(result.heads_without_brand) == {"gzl", "ak"}
    assert "jn" not in result.members_without_brand
    assert not any(alliance.member(m).tier == "service_point" for m in result.members_without_brand)
    assert set(result.quiet) == {b.id for b in alliance.brands}


# -- linking -------------------------------------------------------------------------------


def test_inference_needs_a_related_organiser_and_an_unambiguous_word(alliance: Alliance) -> None:
    brands = alliance.brands
    assert infer_brand("【沽上讲堂】津沽方言漫谈", ["jn"], brands, alliance) == "jn-gushang"
    assert infer_brand("“沽上 讲堂”走进军营", ["jn-sp03"], brands, alliance) == "jn-gushang"  # a partner, spaces
    assert infer_brand("沽上讲堂：津沽方言漫谈", ["tz"], brands, alliance) is None  # not Jinnan's
    assert infer_brand("小板凳绘本时光", ["jlp-b01"], brands, alliance) == "jlp-xiaobandeng"
    assert infer_brand("公益讲座：宋词里的四季", ["jn"], brands, alliance) is None
    both = [*brands, Brand(id="jn-other", name="另一个", library_id="jn", category="lecture", keywords=["沽上讲堂"])]
    assert infer_brand("沽上讲堂：方言", ["jn"], both, alliance) is None  # two brands claim it


def test_longest_word_wins(alliance: Alliance) -> None:
    short = Brand(id="jn-x", name="读书节", library_id="jn", category="festival")
    assert infer_brand("第12届津南区读书节", ["jn"], [*alliance.brands, short], alliance) == "jn-dushujie"


def test_effective_link_order(alliance: Alliance) -> None:
    known = {b.id: b for b in alliance.brands}
    jn = ["jn"]
    assert effective_link(declared="jn-gushang", inferred="jn-haoshu", correction=None, known=known, libraries=jn) == (
        "jn-gushang",
        EXPLICIT,
    )
    assert effective_link(declared="nope", inferred="jn-haoshu", correction=None, known=known, libraries=jn) == (
        "jn-haoshu",
        INFERRED,
    )
    correction = Correction(None, "office")
    assert effective_link(declared="jn-gushang", inferred=None, correction=correction, known=known, libraries=jn) == (
        None,
        CORRECTED,
    )
    assert effective_link(declared=None, inferred=None, correction=None, known=known, libraries=jn) == (None, None)


def test_a_declared_brand_counts_only_for_an_activity_its_library_holds(alliance: Alliance) -> None:
    """jlp announcing its own activity as a session of jn's 沽上讲堂 adds nothing to it; a co-host's
    announcement merged with jn's (jn among the organizers) does; so does a partner or a year's lead."""
    known = {b.id: b for b in alliance.brands}
    gushang = known["jn-gushang"]
    claim = {"declared": "jn-gushang", "inferred": None, "correction": None, "known": known}
    assert effective_link(**claim, libraries=["jlp"]) == (None, None)
    assert effective_link(**claim, libraries=["jlp", "jn"]) == ("jn-gushang", EXPLICIT)
    partnered = {**known, "jn-gushang": gushang.model_copy(update={"partners": ["jlp"], "leads": {}})}
    assert effective_link(**{**claim, "known": partnered}, libraries=["jlp"]) == ("jn-gushang", EXPLICIT)
    led = {**known, "jn-gushang": gushang.model_copy(update={"partners": [], "leads": {2027: "jlp"}})}
    assert effective_link(**{**claim, "known": led}, libraries=["jlp"]) == ("jn-gushang", EXPLICIT)


def test_yearly_editions_count_years_and_a_brand_led_in_rotation() -> None:
    """届 are years with a held session, 期 are activities ("48 期/届" was one number); 长春's 项目轮值牵头制."""
    from shuxiang.alliance import load_demo_alliance

    f = figures_of(
        [session("a", date(2024, 3, 1)), session("b", date(2024, 6, 1)), session("c", date(2026, 3, 1))],
        today=date(2026, 6, 1),
    )
    assert (f.editions_total, f.yearly_editions, f.first_recorded_year) == (3, 2, 2024)
    huidu = load_demo_alliance().brand("ccl-huidu")
    assert (huidu.lead_in(2025), huidu.lead_in(2026), huidu.lead_in(2027)) == ("gzl", "ccl-sf01", "ccl")
