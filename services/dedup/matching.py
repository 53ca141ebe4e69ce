"""Is this announcement the same activity as that one?  Merge, ask a coordinator, or keep apart.

Two announcements are compared only when they share a venue key and start within
:data:`WINDOW_MINUTES` of each other (the candidate index).  Then:

* different books in 《》 or different session numbers (第3期 / 第4期): apart;
* the same library twice (a clerk typing it again): merged only when the title key,
  start, end and recurrence are identical; a near copy goes to review;
* libraries that name each other as organisers (联办): merged from a moderate title
  similarity, since co-hosts word titles their own way;
* libraries that do not (a branch reposting the central library's lecture): merged only
  on a high similarity, reviewed in between;
* a series and a single announcement, or two different series, are never merged
  without a coordinator.

Title similarity is rapidfuzz's character-level ratio (with ``partial_ratio`` for a title
that extends the other, e.g. "（主讲：王教授）"), which suits Chinese: no whitespace tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from rapidfuzz import fuzz
from shuxiang.schemas import ActivitySubmission, Role

from .normalize import VenueResolver, books, episode, title_key

WINDOW_MINUTES = 30
"""Announcements starting further apart than this are different activities."""
LINKED_MERGE, LINKED_REVIEW = 0.6, 0.3
UNLINKED_MERGE, UNLINKED_REVIEW = 0.85, 0.6
SAME_LIBRARY_REVIEW = 0.8
CLOSE_START_MINUTES = 15


class Outcome(IntEnum):
    APART = 0
    REVIEW = 1
    MERGE = 2


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: Outcome
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class MatchFields:
    """What matching needs of an announcement (stored in columns: no JSON parsing per comparison)."""

    library_id: str
    source_ref: str
    venue_key: str
    starts_at: datetime
    ends_at: datetime
    title_key: str
    books: frozenset[str]
    episode: str | None
    category: str
    credits: tuple[tuple[str, str], ...]
    recurrence: str | None
    hosts: frozenset[str] = field(init=False, compare=False, repr=False)
    """The credited hosts (grouping asks for them for every member of every group it builds)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "hosts", frozenset(lib for lib, role in self.credits if role == Role.host.value))

    @property
    def key(self) -> tuple[str, str]:
        return (self.library_id, self.source_ref)

    @property
    def libraries(self) -> frozenset[str]:
        return frozenset(lib for lib, _ in self.credits) | {self.library_id}


def host_of(submission: ActivitySubmission) -> str:
    return next((o.library_id for o in submission.credited() if o.role is Role.host), submission.library_id)


def match_fields(submission: ActivitySubmission, venues: VenueResolver) -> MatchFields:
    credits = tuple((o.library_id, o.role.value) for o in submission.credited())
    host = host_of(submission)
    libraries = tuple(dict.fromkeys([submission.library_id, host, *(lib for lib, _ in credits)]))
    return MatchFields(
        library_id=submission.library_id,
        source_ref=submission.source_ref,
        venue_key=venues.key(submission.venue, host=host, libraries=libraries),
        starts_at=submission.starts_at,
        ends_at=submission.ends_at,
        title_key=title_key(submission.title),
        books=books(submission.title),
        episode=episode(submission.title),
        category=submission.category.value,
        credits=credits,
        recurrence=submission.recurrence,
    )


def title_similarity(a: str, b: str) -> float:
    """0..1, character level; a title that contains the other scores by ``partial_ratio``."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    score = fuzz.ratio(a, b)
    short, long = sorted((a, b), key=len)
    if len(short) >= 6 and len(short) * 2 >= len(long):
        score = max(score, 0.95 * fuzz.partial_ratio(a, b))
    return score / 100.0


def minutes_apart(x: MatchFields, y: MatchFields) -> float:
    return abs((x.starts_at - y.starts_at).total_seconds()) / 60.0


def compare(x: MatchFields, y: MatchFields) -> Verdict:
    """The verdict on two announcements (symmetric)."""
    if x.venue_key != y.venue_key:
        return Verdict(Outcome.APART, 0.0, "different venues")
    apart_minutes = minutes_apart(x, y)
    if apart_minutes > WINDOW_MINUTES:
        return Verdict(Outcome.APART, 0.0, "different start times")
    if x.books and y.books and not (x.books & y.books):
        return Verdict(Outcome.APART, 0.0, "different books")
    if x.episode and y.episode and x.episode != y.episode:
        return Verdict(Outcome.APART, 0.0, "different sessions")
    similarity = title_similarity(x.title_key, y.title_key)
    score = similarity - (0.05 if x.category != y.category else 0.0) - 0.1 * apart_minutes / WINDOW_MINUTES
    if x.library_id == y.library_id:
        return _same_library(x, y, similarity, apart_minutes, score)
    linked = x.library_id in y.libraries or y.library_id in x.libraries
    merge_at, review_at = (LINKED_MERGE, LINKED_REVIEW) if linked else (UNLINKED_MERGE, UNLINKED_REVIEW)
    kind = "co-hosts" if linked else "unlinked libraries"
    if score >= merge_at and (linked or apart_minutes <= CLOSE_START_MINUTES):
        outcome = Outcome.MERGE
    elif score >= review_at:
        outcome = Outcome.REVIEW
    else:
        return Verdict(Outcome.APART, score, f"{kind}: titles differ")
    if outcome is Outcome.MERGE and (x.recurrence or None) != (y.recurrence or None):
        return Verdict(Outcome.REVIEW, score, f"{kind}: similar, but series and single dates differ")
    return Verdict(outcome, score, f"{kind}: similar titles" if outcome is Outcome.REVIEW else kind)


def _same_library(x: MatchFields, y: MatchFields, similarity: float, apart_minutes: float, score: float) -> Verdict:
    identical = (
        x.title_key == y.title_key and apart_minutes == 0 and x.ends_at == y.ends_at
        and (x.recurrence or None) == (y.recurrence or None)
    )
    if identical:
        return Verdict(Outcome.MERGE, 1.0, "same library: entered twice")
    if similarity >= SAME_LIBRARY_REVIEW and apart_minutes <= CLOSE_START_MINUTES:
        return Verdict(Outcome.REVIEW, score, "same library: near copy")
    return Verdict(Outcome.APART, score, "same library: another activity")


def against_group(x: MatchFields, members: list[MatchFields], decisions: dict[frozenset, str]) -> tuple[Verdict, MatchFields]:
    """The verdict on ``x`` joining a group of announcements, and the member it was judged against.

    The best member verdict counts, except that any non-merge verdict against an announcement
    of ``x``'s own library caps it at review (two entries of one library are one activity only
    when they are plainly the same), and a coordinator's decision on a pair overrides a review.
    """
    best: tuple[Verdict, MatchFields] | None = None
    cap = Outcome.MERGE
    for y in members:
        verdict = decided(compare(x, y), decisions.get(frozenset((x.key, y.key))))
        if verdict.reason == DECIDED_APART:
            return verdict, y
        if y.library_id == x.library_id and verdict.outcome is not Outcome.MERGE:
            cap = Outcome.REVIEW
        if best is None or (verdict.outcome, verdict.score) > (best[0].outcome, best[0].score):
            best = (verdict, y)
    assert best is not None
    verdict, y = best
    if verdict.outcome > cap:
        verdict = Verdict(cap, verdict.score, "same library twice: " + verdict.reason)
    return verdict, y


DECIDED_MERGE = "a coordinator merged them"
DECIDED_APART = "a coordinator kept them apart"


def decided(verdict: Verdict, decision: str | None) -> Verdict:
    """A coordinator's decision settles a pair that would otherwise need review; a clear
    verdict (a revision that moved it away, or made it plainly the same) stands."""
    if decision is None or verdict.outcome is not Outcome.REVIEW:
        return verdict
    if decision == "merge":
        return Verdict(Outcome.MERGE, verdict.score, DECIDED_MERGE)
    return Verdict(Outcome.APART, verdict.score, DECIDED_APART)
