"""Measuring the matcher on a labelled set: pairwise precision, recall and F1.

Each line of the set is an ActivitySubmission with one more field, ``label``: the key of
the real activity it announces.  The lines are run, in order, through the real consumer
path (:func:`~shuxiang.events.consumer.process_batch`: inbox, savepoints, the dedup
handler) against a SQLite unit of work — no broker needed.  Two announcements are a
predicted pair when they end in the same canonical activity, a true pair when they carry
the same label.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, func, select

from shuxiang.alliance import Alliance
from shuxiang.db import make_engine, metadata
from shuxiang.events.consumer import ConsumerSpec, Delivery, process_batch
from shuxiang.events.streams import SUBMISSIONS_STREAM, SUBMITTED, submitted_subject
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import ActivitySubmission
from shuxiang.schemas.errors import InvalidPayload, parse_json_model

from .handlers import handle_submissions
from .normalize import VenueResolver
from .tables import TABLES, dedup_review, dedup_source

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
"""Broker time of the first line; each further line is one second later (deterministic)."""
BATCH = 256


class EvaluationError(ValueError):
    """The labelled file is not usable; the message says which line and why."""


@dataclass(frozen=True)
class Labelled:
    submission: ActivitySubmission
    label: str


@dataclass(frozen=True)
class Metrics:
    submissions: int
    announcements: int
    activities_true: int
    activities_predicted: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pending_reviews: int = 0
    """Pairs left for a coordinator (counted as kept apart above)."""
    refused: int = 0
    """Announcements the consumer refused (dead-lettered, e.g. a campaign outside its window): each
    counted as an activity of its own, so the pairs it belongs to count as missed."""

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_labelled(path: Path) -> list[Labelled]:
    items: list[Labelled] = []
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise EvaluationError(f"{path}:{number}: not JSON ({exc})") from None
            if not isinstance(record, dict) or not isinstance(record.get("label"), str):
                raise EvaluationError(f'{path}:{number}: needs a string field "label" (the true activity key)')
            label = record.pop("label")
            try:
                submission = parse_json_model(ActivitySubmission, json.dumps(record))
            except InvalidPayload as exc:
                raise EvaluationError(f"{path}:{number}: {exc}") from None
            items.append(Labelled(submission, label))
    if not items:
        raise EvaluationError(f"{path}: no submissions")
    return items


def deliveries(submissions: Iterable[ActivitySubmission]) -> list[Delivery]:
    return [
        Delivery(
            subject=submitted_subject(s.library_id),
            data=s.model_dump_json().encode(),
            headers={"Nats-Msg-Id": s.message_id()},
            stream_seq=seq,
            timestamp=EPOCH + timedelta(seconds=seq),
        )
        for seq, s in enumerate(submissions, start=1)
    ]


def sqlite_engine(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    metadata.create_all(engine, tables=[*TABLES, *EVENT_TABLES])
    return engine


def run_matching(
    alliance: Alliance,
    engine: Engine,
    submissions: list[ActivitySubmission],
    on_batch: Callable[[int], None] | None = None,
) -> dict[tuple[str, str], str]:
    """Process the submissions in order through the dedup consumer; each announcement's activity."""
    spec = ConsumerSpec(
        name="dedup",
        stream=SUBMISSIONS_STREAM,
        filter_subject=f"{SUBMITTED}.*",
        handle_batch=partial(handle_submissions, venues=VenueResolver(alliance)),
    )
    queue = deliveries(submissions)
    for start in range(0, len(queue), BATCH):
        batch = queue[start : start + BATCH]
        process_batch(spec, engine, batch)
        if on_batch:
            on_batch(len(batch))
    with engine.connect() as connection:
        rows = connection.execute(
            select(dedup_source.c.library_id, dedup_source.c.source_ref, dedup_source.c.activity_id)
        )
        return {(row.library_id, row.source_ref): row.activity_id for row in rows}


def pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pending_reviews(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count()).select_from(dedup_review).where(dedup_review.c.status == "pending")
        )


REFUSED = "refused:"
"""The prefix of the activity an announcement the consumer refused is counted as (its own)."""


def with_refused(items: list[Labelled], predicted: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """Each announcement's activity, an announcement the consumer refused (dead-lettered) being one
    of its own (:data:`REFUSED`): no set is thrown away for one bad line, and recall pays for it."""
    keys = {(item.submission.library_id, item.submission.source_ref) for item in items}
    return predicted | {key: REFUSED + "\x1f".join(key) for key in keys - predicted.keys()}


def pairwise_metrics(items: list[Labelled], predicted: dict[tuple[str, str], str], *, reviews: int = 0) -> Metrics:
    truth: dict[tuple[str, str], str] = {}
    for item in items:  # the last line of an announcement carries its label
        truth[(item.submission.library_id, item.submission.source_ref)] = item.label
    predicted = with_refused(items, predicted)
    cells = Counter((truth[key], predicted[key]) for key in truth)
    return Metrics(
        submissions=len(items),
        announcements=len(truth),
        activities_true=len(set(truth.values())),
        activities_predicted=len({predicted[key] for key in truth}),
        true_pairs=pairs(Counter(truth.values()).values()),
        predicted_pairs=pairs(Counter(predicted[key] for key in truth).values()),
        correct_pairs=pairs(cells.values()),
        pending_reviews=reviews,
        refused=sum(predicted[key].startswith(REFUSED) for key in truth),
    )


@dataclass(frozen=True)
class PairError:
    """A pair the matcher got wrong: ``kind`` "merged" (a false merge: two activities made one) or
    "missed" (one activity left as two), with the matcher's verdict on the two announcements alone."""

    kind: str
    first: Labelled
    second: Labelled
    outcome: str
    reason: str
    score: float


def pair_errors(items: list[Labelled], predicted: dict[tuple[str, str], str], venues: VenueResolver) -> list[PairError]:
    """Every wrongly merged and every missed pair, each with the direct verdict on the two
    announcements (a missed pair whose verdict is "merge" was lost to grouping, not to matching)."""
    from .matching import compare, match_fields

    latest: dict[tuple[str, str], Labelled] = {}
    for item in items:
        latest[(item.submission.library_id, item.submission.source_ref)] = item
    predicted = with_refused(items, predicted)
    keys = list(latest)
    fields = {key: match_fields(latest[key].submission, venues) for key in keys}
    by_label: dict[str, list[tuple[str, str]]] = {}
    by_activity: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        by_label.setdefault(latest[key].label, []).append(key)
        by_activity.setdefault(predicted[key], []).append(key)
    wrong: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for group in (by_activity, by_label):
        for members in group.values():
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    same_label = latest[a].label == latest[b].label
                    same_activity = predicted[a] == predicted[b]
                    if same_label != same_activity:
                        wrong.add((a, b))
    errors = []
    for a, b in sorted(wrong):
        verdict = compare(fields[a], fields[b])
        kind = "missed" if latest[a].label == latest[b].label else "merged"
        errors.append(
            PairError(kind, latest[a], latest[b], verdict.outcome.name.lower(), verdict.reason, verdict.score)
        )
    return errors
