"""Dedup handlers: member announcements in, canonical activities and events out.

The canonical state is a function of the announcements (each in its latest revision),
the order in which each first arrived, and coordinators' decisions:

* announcements are grouped in arrival order: each joins the group it matches
  (:func:`~.matching.against_group`), connects the groups it matches into one, or starts its
  own (:func:`group_sources`);
* a group's id is that of its first announcement (its anchor, :func:`own_activity_id`): a new
  announcement can never change an existing id, and an id, once published, is never
  given to anything else — an activity whose anchor joins an earlier group is retired
  (published as cancelled, without sources, ``merged_into`` the group it joined);
* a group is derived from all its announcements (:func:`build_canonical`): the host's
  live announcement gives the content, every live one adds its credit; the host
  cancelling cancels it, a co-host cancelling removes only its credit.

A message re-groups only its neighbourhood: the announcements it touches, their
candidates (a related site, start within the window) and the groups those belong to.
So a revision that no longer matches splits off again, one that now matches joins,
and a replay of the log gives the same activities and ids.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from shuxiang.admission import admission_problem
from shuxiang.events.consumer import Delivery, Rejected, UnitOfWork, check_subject, parse_shared
from shuxiang.events.streams import canonical_subject
from shuxiang.i18n import both
from shuxiang.memos import burst_memo
from shuxiang.schemas import (
    ActivitySubmission,
    CanonicalActivity,
    CanonicalEvent,
    CanonicalEventType,
    Organizer,
    Role,
    SourceRef,
    Status,
)
from shuxiang.schemas.submission import current_role

from .matching import (
    POSTPONED,
    MatchFields,
    Outcome,
    Verdict,
    against_group,
    compare,
    conflict,
    match_fields,
    unsure_postponements,
)
from .normalize import VenueResolver
from .repository import BatchRepository, DedupRepository, SourceKey, SourceRow, review_id

ACTIVITY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:shuxiang:activity")
ROLE_STRENGTH = {Role.host: 4, Role.organiser: 3, Role.co_organiser: 2, Role.participant: 1}
"""主办 > 承办 > 协办 > 参与: a library announced in two roles is credited in the stronger."""
VISIBLE_FIELDS = set(CanonicalActivity.model_fields) - {
    "version",
    "sequence",
    "sources",
    "created_at",
    "updated_at",
}  # a set: model_dump's include
CONTENT_FIELDS = tuple(
    name
    for name in CanonicalActivity.model_fields
    if name
    not in {"id", "version", "sequence", "status", "organizers", "sources", "merged_into", "created_at", "updated_at"}
)
"""What a canonical activity takes from its primary announcement as it is."""
MAX_NEIGHBOURHOOD = 400
"""A guard against a pathological pile-up (thousands of announcements in one room and hour)."""


_SEQ_BITS = 48
_HASH_MASK = (1 << 76) - 1
_VERSION_8 = 0x8 << 76


# 4,096, not 65,536: a batch's neighbourhoods fit, and a full cache of 65,536 held ≈ 25 MB
# (canonical_id) and ≈ 38 MB (_review_id) of the runtime for good after a 100k ingest (issue 23)
@burst_memo(maxsize=4_096)
def canonical_id(library_id: str, source_ref: str, first_seq: int) -> str:
    """The id of the activity first announced as (library_id, source_ref) in the SUBMISSIONS
    stream's message ``first_seq``: deterministic, so a replay of the log gives the same ids (and
    calendar UIDs), and ordered as the activities were first announced.

    A UUID (RFC 9562 version 8, the layout of version 7 with a sequence for the time): 48 bits
    of ``first_seq``, then the version and 74 bits of the announcement's uuid5.  Its text sorts
    by ``first_seq``, so every table keyed by activity id — in every service, and the inboxes of
    the canonical events' ``canon:<id>:<version>`` — takes new activities at its end instead of
    at random pages: a year's two million activities cost no more to add than the first ones."""
    # _legacy_id(library_id, source_ref).int & _HASH_MASK, its variant bits set as uuid5 sets them,
    # and the text str(uuid.UUID(int=…)) gives, without building either UUID
    name = f"{library_id}\x1f{source_ref}".encode()
    digest = int.from_bytes(hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).digest()[:16])
    digest = (digest & _HASH_MASK & ~_VARIANT_MASK) | _VARIANT_RFC
    text = f"{(first_seq % (1 << _SEQ_BITS)) << 80 | _VERSION_8 | digest:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_NAMESPACE_BYTES = ACTIVITY_NAMESPACE.bytes
_VARIANT_MASK = 0xC000 << 48
_VARIANT_RFC = 0x8000 << 48


@burst_memo(maxsize=4_096)
def _legacy_id(library_id: str, source_ref: str) -> uuid.UUID:
    return uuid.uuid5(ACTIVITY_NAMESPACE, f"{library_id}\x1f{source_ref}")


def own_activity_id(source: SourceRow) -> str:
    """The id of the activity ``source`` is the first announcement of (the anchor of its group).

    An activity created before ids were ordered (uuid5 of the announcement alone) keeps that id:
    its calendar UID must not change.  Such a source is recognised by holding that id (a UUID of
    version 5: the version digit is looked at first)."""
    held = source.activity_id
    if held[14:15] == "5" and held == str(_legacy_id(*source.key)):
        return held
    return canonical_id(*source.key, source.first_seq)


def parse_submission(delivery: Delivery) -> ActivitySubmission:
    """Validate a submission message and its subject; :class:`Rejected` says what is wrong."""
    submission = parse_shared(ActivitySubmission, delivery)  # intake reads the same announcements
    check_subject("library_id", submission.library_id, delivery)
    return submission


# -- deriving a canonical activity from its announcements ----------------------------------


def _constructor(cls):
    """``cls.model_construct`` for keyword values naming fields by name: the same instance (its
    fields in their order, defaults for those not given, the given ones as its fields set), built
    without pydantic's per-field alias look-ups (a canonical activity is built per message).  A
    model with aliases, extra values or post-init hooks gets ``model_construct`` itself."""
    fields = cls.__pydantic_fields__
    if (
        cls.__pydantic_post_init__
        or cls.__pydantic_root_model__
        or cls.model_config.get("extra") == "allow"
        or any(f.alias is not None or f.validation_alias is not None for f in fields.values())
    ):
        return cls.model_construct
    names = tuple(fields)
    defaults = {name: f for name, f in fields.items() if not f.is_required()}
    new, set_attribute = cls.__new__, object.__setattr__

    def construct(**values):
        model = new(cls)
        data: dict = {}
        for name in names:
            if name in values:
                data[name] = values[name]
            elif name in defaults:
                data[name] = defaults[name].get_default(call_default_factory=True, validated_data=data)
        set_attribute(model, "__dict__", data)
        set_attribute(model, "__pydantic_fields_set__", {name for name in names if name in values})
        set_attribute(model, "__pydantic_extra__", None)
        set_attribute(model, "__pydantic_private__", None)
        return model

    return construct


_canonical_activity = _constructor(CanonicalActivity)
_source_ref = _constructor(SourceRef)


def merge_organizers(sources: Iterable[SourceRow]) -> list[Organizer]:
    """Every library credited once, in the strongest role any live announcement gives it.

    A library whose own announcements are all cancelled has withdrawn: no one else's
    announcement keeps crediting it."""
    sources = list(sources)
    withdrawn = {s.fields.library_id for s in sources} - {s.fields.library_id for s in sources if s.live}
    roles: dict[str, Role] = {}
    for source in sources:
        if not source.live:
            continue
        for library_id, role_text in source.fields.credits:
            role = _current_role(role_text)  # rows stored before v1's co_host was renamed
            current = roles.get(library_id)
            if library_id not in withdrawn and (current is None or ROLE_STRENGTH[role] > ROLE_STRENGTH[current]):
                roles[library_id] = role
    return [Organizer(library_id=lib, role=role) for lib, role in roles.items()]


@functools.lru_cache(maxsize=64)
def _current_role(role_text: str) -> Role:
    """The role a credit's stored text names, in its current name (a dict look-up per credit)."""
    return current_role(Role(role_text))


def group_status(sources: list[SourceRow]) -> Status:
    """Cancelled when no announcement is live, or when the host announced it and withdrew."""
    if not any(s.live for s in sources):
        return Status.cancelled
    hosts = frozenset().union(*(s.fields.hosts for s in sources))
    hosts_announcing = [s for s in sources if s.fields.library_id in hosts]
    if hosts_announcing and not any(s.live for s in hosts_announcing):
        return Status.cancelled
    return Status.scheduled


def primary_source(sources: list[SourceRow]) -> SourceRow:
    """Whose announcement gives the content: the host's live one, else the first live one."""
    hosts = frozenset().union(*(s.fields.hosts for s in sources))
    live = [s for s in sources if s.live] or sources
    return min(live, key=lambda s: (s.fields.library_id not in hosts, s.first_seq))


def build_canonical(
    activity_id: str, sources: list[SourceRow], previous: CanonicalActivity | None, at: datetime
) -> CanonicalActivity:
    """The canonical activity its announcements describe (``sources`` in arrival order)."""
    primary = primary_source(sources)
    submission = primary.submission()
    organizers = merge_organizers(sources) or submission.credited()
    # Built from validated parts (the submission's fields, broker times), so not validated again:
    # tests/unit/test_dedup_canonical.py checks the result equals the validated model.
    content = {name: getattr(submission, name) for name in CONTENT_FIELDS}
    content["exdates"], content["tags"] = list(submission.exdates), list(submission.tags)
    content["overrides"] = list(submission.overrides)
    content["partners"] = list(submission.partners)
    candidate = _canonical_activity(
        id=activity_id,
        version=1,
        sequence=0,
        status=group_status(sources),
        organizers=organizers,
        sources=[
            _source_ref(
                library_id=s.fields.library_id, source_ref=s.fields.source_ref, revision=s.revision, status=s.status
            )
            for s in sources
        ],
        created_at=previous.created_at if previous else at,
        updated_at=at,
        **content,
    )
    return next_version(candidate, previous)


def retired(previous: CanonicalActivity, at: datetime, merged_into: str | None = None) -> CanonicalActivity:
    """A published activity whose announcements all joined other activities: cancelled, no sources,
    and, when they joined one activity, a pointer to it (its id and calendar UID stay; feeds keep
    it as cancelled, with a note saying where it went)."""
    update: dict = {"status": Status.cancelled, "sources": [], "updated_at": at, "merged_into": merged_into}
    if merged_into and merged_into != previous.merged_into:
        note = both("merged into another activity") + f": {merged_into}"
        update["description"] = f"{note}\n\n{previous.description}" if previous.description else note
    candidate = previous.model_copy(update=update)
    return next_version(candidate, previous)


def next_version(candidate: CanonicalActivity, previous: CanonicalActivity | None) -> CanonicalActivity:
    """``candidate`` numbered after ``previous``: a new version when something visible changed or
    when the set of announcements did (an announcement joining or leaving says which member's
    attendance report and credit belong to the activity: every projection must learn it), the
    same version otherwise (a revision number or a source's status is bookkeeping).

    ``sequence`` (the VEVENT's SEQUENCE) and ``updated_at`` (its DTSTAMP and LAST-MODIFIED) move
    on a visible change only: a co-host's announcement joining changes nothing a calendar shows,
    so the feed's bytes and ETag stay as they were (RFC 5545 §3.8.7.4: SEQUENCE counts the
    organiser's significant revisions)."""
    if previous is None:
        return candidate
    if visible(candidate) != visible(previous):
        return candidate.model_copy(update={"version": previous.version + 1, "sequence": previous.ical_sequence + 1})
    if candidate.source_keys == previous.source_keys:
        update = {"version": previous.version, "sequence": previous.sequence}  # as stored: nothing to publish
    else:  # a snapshot from before ``sequence`` gets it, or its SEQUENCE (version - 1) would move
        update = {"version": previous.version + 1, "sequence": previous.ical_sequence}
    return candidate.model_copy(update={**update, "updated_at": previous.updated_at})


def visible(activity: CanonicalActivity) -> dict:
    return activity.model_dump(include=VISIBLE_FIELDS, mode="json")


def event_type(activity: CanonicalActivity, previous: CanonicalActivity | None) -> CanonicalEventType | None:
    """The canonical event a change is, or None when the version did not move (nothing visible
    changed and no announcement joined or left).  ``merged``: the set of announcements changed (one
    joined, or one left for another activity), whether or not anything visible did."""
    if previous is None:
        return CanonicalEventType.cancelled if activity.status is Status.cancelled else CanonicalEventType.created
    if activity.version == previous.version:
        return None
    if activity.status is Status.cancelled and previous.status is not Status.cancelled:
        return CanonicalEventType.cancelled
    if previous.sources and activity.source_keys != previous.source_keys:
        return CanonicalEventType.merged
    return CanonicalEventType.updated


# -- grouping ------------------------------------------------------------------------------


@dataclass
class Group:
    members: list[SourceRow] = field(default_factory=list)

    @property
    def anchor(self) -> SourceRow:
        return self.members[0]

    @functools.cached_property
    def activity_id(self) -> str:
        """Its anchor's own id (the anchor, its first member, never changes)."""
        return own_activity_id(self.anchor)


@dataclass(frozen=True)
class ReviewNeed:
    source: SourceRow
    other: SourceRow
    verdict: Verdict


def group_sources(sources: list[SourceRow], decisions: dict[frozenset, str]) -> tuple[list[Group], list[ReviewNeed]]:
    """Grouping in arrival order: each announcement joins the group it matches; when it matches
    several, it connects them and they become one (the oldest, whose anchor came first, takes
    the others in) — unless a coordinator kept two of their announcements apart.  So the groups
    are those of the merge links, whichever announcement arrived last.  Also the reviews it could
    not settle."""
    groups: list[Group] = []
    reviews: list[ReviewNeed] = []
    if any(s.fields.moves_unsaid for s in sources):
        decisions = {**unsure_postponements([s.fields for s in sources]), **decisions}
    for source in sorted(sources, key=lambda s: (s.first_seq, s.key)):
        best: tuple[Verdict, Group, SourceRow] | None = None
        merging: list[Group] = []
        for group in groups:
            verdict, other = against_group(source.fields, [m.fields for m in group.members], decisions)
            if verdict.outcome is Outcome.APART:
                continue
            if verdict.outcome is Outcome.MERGE:
                merging.append(group)
            if best is None or (verdict.outcome, verdict.score) > (best[0].outcome, best[0].score):
                best = (verdict, group, next(m for m in group.members if m.fields is other))
        if merging:
            target = merging[0]  # groups are kept in their anchors' arrival order
            target.members.append(source)
            for group in merging[1:]:
                if conflict([m.fields for m in target.members], [m.fields for m in group.members], decisions):
                    continue
                if source.fields.spans_day and _timed_apart(
                    [m.fields for m in target.members], [m.fields for m in group.members]
                ):
                    continue  # a day-long entry does not make one library's 09:30 and 15:00 sessions one
                target.members.extend(group.members)
                target.members.sort(key=lambda s: (s.first_seq, s.key))
                groups.remove(group)
            continue
        groups.append(Group([source]))
        if best is not None:
            reviews.append(ReviewNeed(source, best[2], best[0]))
    return groups, reviews


def _timed_apart(a: list[MatchFields], b: list[MatchFields]) -> bool:
    """Whether one library has an entry in each group at two different times of a day (元宵灯会 at 09:30
    and at 15:00): two sessions, which a day-long entry of the same title would otherwise chain into
    one activity (the later session shown as merged away)."""
    return any(
        x.library_id == y.library_id
        and not x.spans_day
        and not y.spans_day
        and x.starts_at != y.starts_at
        and compare(x, y).outcome is Outcome.APART
        for x in a
        for y in b
    )


# -- the neighbourhood of a change ---------------------------------------------------------


def neighbourhood(
    repo: DedupRepository, seeds: list[SourceRow], *, extra_activities: Iterable[str] = ()
) -> dict[SourceKey, SourceRow]:
    """The seeds, their candidates, and every member of the activities those belong to, closed
    under the same step for the announcements a seed could be grouped with (bounded by
    :data:`MAX_NEIGHBOURHOOD`).  A candidate plainly apart from every seed is kept (its group may
    need rebuilding) but its own candidates are not looked up: nothing the seeds do reaches them."""
    rows: dict[SourceKey, SourceRow] = {s.key: s for s in seeds}
    queried: set[SourceKey] = set()
    loaded: set[str] = set()
    pending_activities = {s.activity_id for s in seeds if s.activity_id} | set(extra_activities)
    seed_fields = [s.fields for s in seeds]
    reached: set[SourceKey] = {s.key for s in seeds}
    moved = [s.fields for s in seeds if s.fields.moves_unsaid]
    """Reached announcements of a move that does not say from or to when: every post they could be
    one with is in the neighbourhood, so which it is is decided on all of them
    (:func:`unsure_postponements`)."""

    def reaches(row: SourceRow) -> bool:
        if row.key in reached:
            return True
        if (
            any(compare(f, row.fields).outcome is not Outcome.APART for f in seed_fields)
            or any(m.activity_id == row.activity_id for m in rows.values() if m.key in reached and m.activity_id)
            or any(compare(f, row.fields).reason == POSTPONED for f in moved)
        ):
            reached.add(row.key)
            if row.fields.moves_unsaid:
                moved.append(row.fields)
            return True
        return False

    while len(rows) <= MAX_NEIGHBOURHOOD:
        for key in [k for k in rows if k not in queried]:
            queried.add(key)
            if not reaches(rows[key]):
                continue
            for candidate in repo.candidates(rows[key].fields):
                rows.setdefault(candidate.key, candidate)
                pending_activities.add(candidate.activity_id)
        pending_activities -= loaded
        if not pending_activities:
            break
        for member in repo.sources_of(pending_activities):
            rows.setdefault(member.key, member)
        loaded |= pending_activities
        pending_activities = set()
        if all(k in queried for k in rows):
            break
    # a candidate that reaches no seed, in an activity none of them reaches, stays as it is stored:
    # grouping it again could only give what it has
    activities = {rows[k].activity_id for k in reached if rows[k].activity_id}
    return {k: r for k, r in rows.items() if k in reached or r.activity_id in activities}


def decisions_of(reviews: dict[str, dict]) -> dict[frozenset, str]:
    """Coordinators' decisions among the stored reviews, by pair of announcements."""
    return {
        frozenset(((r["source_library"], r["source_ref"]), (r["other_library"], r["other_ref"]))): r["status"]
        for r in reviews.values()
        if r["status"] in ("merge", "apart")
    }


def unchanged(group: Group, seed_keys: set[SourceKey], stored_members: Counter) -> bool:
    """True when ``group`` is its stored activity as it was: none of its announcements changed
    (no seed), each already belongs to it, and none of that activity's left it.  Its canonical
    activity, a function of those announcements, is then the stored one: no need to build it
    again (a new announcement's neighbours, ahead of it in the same room, are mostly such)."""
    activity_id = group.activity_id
    return stored_members[activity_id] == len(group.members) and all(
        m.activity_id == activity_id and m.key not in seed_keys for m in group.members
    )


def reconcile(
    repo: DedupRepository,
    uow: UnitOfWork,
    seeds: list[SourceRow],
    *,
    new_keys: frozenset[SourceKey],
    at: datetime,
    extra_activities: Iterable[str] = (),
) -> None:
    """Re-group the neighbourhood of ``seeds`` and store and publish what changed."""
    rows = neighbourhood(repo, seeds, extra_activities=extra_activities)
    reviews = repo.reviews_among(rows) if len(rows) > 1 else {}
    groups, needs = group_sources(list(rows.values()), decisions_of(reviews))
    before = {r.activity_id for r in rows.values() if r.activity_id}
    after = {g.activity_id for g in groups}

    seed_keys = {s.key for s in seeds}
    stored_members = Counter(r.activity_id for r in rows.values())
    for group in groups:
        activity_id = group.activity_id
        if unchanged(group, seed_keys, stored_members):
            continue
        members = [m.moved_to(activity_id) for m in group.members]
        for old, new in zip(group.members, members, strict=True):
            if old.key in new_keys:
                repo.insert_source(new)
            elif old.key in seed_keys:
                repo.update_source(new)
            elif old.activity_id != activity_id:
                repo.move_source(old.key, activity_id)
        # a new announcement's own id cannot exist yet: no need to look
        previous = None if group.anchor.key in new_keys else repo.activity(activity_id)
        activity = build_canonical(activity_id, members, previous, at)
        store_and_publish(repo, uow, activity, previous, at)

    holder = {m.key: g.activity_id for g in groups for m in g.members}
    for activity_id in sorted(before - after):
        previous = repo.activity(activity_id)
        if previous is not None and previous.sources:
            into = {holder.get(key) for key in previous.source_keys} - {None}
            merged_into = holder.get((previous.sources[0].library_id, previous.sources[0].source_ref))
            store_and_publish(repo, uow, retired(previous, at, merged_into if len(into) == 1 else None), previous, at)

    record_reviews(repo, uow, reviews, seeds, new_keys, needs, at)


def store_and_publish(
    repo: DedupRepository,
    uow: UnitOfWork,
    activity: CanonicalActivity,
    previous: CanonicalActivity | None,
    at: datetime,
) -> None:
    if previous is not None and activity == previous:
        return
    snapshot = activity.model_dump_json()  # stored, and the event's activity: serialised once
    repo.save_activity(activity, new=previous is None, snapshot=snapshot)
    kind = event_type(activity, previous)
    if kind is None:
        return  # only bookkeeping changed (a revision number, a source's status): same version, no event
    publish(uow, CanonicalEvent(type=kind, activity=activity, occurred_at=at), activity_json=snapshot)


def publish(
    uow: UnitOfWork, event: CanonicalEvent, msg_id: str | None = None, *, activity_json: str | None = None
) -> None:
    """``activity_json``: ``event.activity.model_dump_json()`` when the caller has it (the event's
    JSON is then that, within the rest of the event's, as ``event.model_dump_json()`` gives it)."""
    uow.publish(
        canonical_subject(event.type.value),
        msg_id or event.message_id(),
        (event_json(event, activity_json) if activity_json is not None else event.model_dump_json()).encode(),
        at=event.occurred_at,
    )


_ACTIVITY_ONLY: set[str] = {"activity"}  # model_dump_json's exclude: a set (pydantic's IncEx)
_AFTER_ACTIVITY = ',"occurred_at":'


def event_json(event: CanonicalEvent, activity_json: str) -> str:
    """``event.model_dump_json()`` given its activity's JSON: the event's other fields (type, then
    occurred_at) serialised alone, the activity's put between them as the model orders them."""
    rest = event.model_dump_json(exclude=_ACTIVITY_ONLY)
    head, after, tail = rest.partition(_AFTER_ACTIVITY)
    if not after:  # not the shape expected: no shortcut
        return event.model_dump_json()
    return f'{head},"activity":{activity_json}{after}{tail}'


def record_reviews(
    repo: DedupRepository,
    uow: UnitOfWork,
    existing: dict[str, dict],
    seeds: list[SourceRow],
    new_keys: frozenset[SourceKey],
    needs: list[ReviewNeed],
    at: datetime,
) -> None:
    """Open a review for each new undecided pair; drop pending ones the change made moot."""
    wanted = {review_id(n.source.key, n.other.key): n for n in needs}
    moot = {rid for rid, review in existing.items() if review["status"] == "pending" and rid not in wanted}
    revised = (s.key for s in seeds if s.key not in new_keys)
    stale = {rid for rid in repo.pending_reviews_of(revised) if rid not in wanted}
    repo.delete_pending_reviews(moot | stale)
    for rid, need in sorted(wanted.items()):
        if rid in existing:
            continue
        repo.add_review(
            {
                "id": rid,
                "source_library": need.source.key[0],
                "source_ref": need.source.key[1],
                "other_library": need.other.key[0],
                "other_ref": need.other.key[1],
                "score": round(need.verdict.score, 4),
                "reason": need.verdict.reason[:200],
                "status": "pending",
                "created_at": at,
            }
        )
        activity = repo.activity(own_activity_id(need.source)) or repo.activity(need.source.activity_id)
        if activity is not None:
            event = CanonicalEvent(type=CanonicalEventType.review_needed, activity=activity, occurred_at=at)
            publish(uow, event, msg_id=f"review:{rid}")


# -- handlers ------------------------------------------------------------------------------


def source_row(
    submission: ActivitySubmission, fields: MatchFields, delivery: Delivery, known: SourceRow | None
) -> SourceRow:
    return SourceRow(
        fields=fields,
        activity_id=known.activity_id if known else "",
        revision=submission.revision,
        status=submission.status,
        first_seq=known.first_seq if known else delivery.stream_seq,
        stream_seq=delivery.stream_seq,
        received_at=delivery.timestamp,
        title=submission.title,
        submission_json=delivery.data.decode(),  # the announcement as the member sent it
        parsed=submission,
    )


def member_submission(delivery: Delivery, venues: VenueResolver) -> ActivitySubmission:
    """The submission, if the alliance admits it (:func:`~shuxiang.admission.admission_problem`: a
    member's, naming members as organizers, its campaign credit honest); :class:`Rejected` says
    what is wrong, and that the dead letter can be replayed once the alliance file admits it."""
    submission = parse_submission(delivery)
    refusal = admission_problem(venues.alliance, submission)
    if refusal is not None:
        raise Rejected(f"{refusal} — " + both("replay the dead letter once the alliance configuration admits it"))
    return submission


def handle_submissions(deliveries: list[Delivery], uow: UnitOfWork, *, venues: VenueResolver) -> None:
    """Members announced (or revised, or cancelled) activities: each handled in log order as if
    alone, its reads and writes going through one :class:`BatchRepository` for the batch."""
    submissions = [member_submission(delivery, venues) for delivery in deliveries]
    fields = [match_fields(submission, venues) for submission in submissions]
    repo = BatchRepository(uow.connection, venues)
    repo.prefetch((s.library_id, s.source_ref) for s in submissions)
    repo.prefetch_candidates(fields)
    for delivery, submission, matching in zip(deliveries, submissions, fields, strict=True):
        apply_submission(repo, uow, delivery, submission, matching)
    repo.flush()


def apply_submission(
    repo: DedupRepository, uow: UnitOfWork, delivery: Delivery, submission: ActivitySubmission, fields: MatchFields
) -> None:
    known = repo.source((submission.library_id, submission.source_ref))
    if known is not None and submission.revision <= known.revision:
        return  # the same or an older revision: nothing changes
    seed = source_row(submission, fields, delivery, known)
    reconcile(repo, uow, [seed], new_keys=frozenset() if known else frozenset({seed.key}), at=delivery.timestamp)
