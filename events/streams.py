"""Streams and subjects: the shape of the event log (DESIGN.md "Event flow")."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from nats.js import api

SUBMITTED = "shuxiang.activity.submitted"
REPORTED = "shuxiang.activity.reported"
CANONICAL = "shuxiang.canonical"
DIGEST_DUE = "shuxiang.digest.due"
REVIEW_DECIDED = "shuxiang.review.decided"
"""A coordinator's dedup review decision (in SUBMISSIONS, so a replay reproduces it)."""
QUOTA = "shuxiang.quota"
BRAND_DECIDED = "shuxiang.brand"
"""A coordinator's or library's brand decision: ``shuxiang.brand.<registered|corrected>.<actor>``
(in SUBMISSIONS, so a replay reproduces the registry and the link corrections)."""
REGISTRATION = "shuxiang.registration"
"""Readers' sign-ups, cancellations and check-ins: ``shuxiang.registration.<kind>.<activity id>``
(in SUBMISSIONS, so a replay reproduces who got a place, in the same order)."""

DUPLICATE_WINDOW_SECONDS = 24 * 3600
"""Hours, not the 2-minute default: a member re-sending yesterday's batch is still deduplicated."""


def submitted_subject(library_id: str) -> str:
    return f"{SUBMITTED}.{library_id}"


def reported_subject(library_id: str) -> str:
    return f"{REPORTED}.{library_id}"


def decided_subject(coordinator_id: str) -> str:
    return f"{REVIEW_DECIDED}.{coordinator_id}"


def canonical_subject(event_type: str) -> str:
    return f"{CANONICAL}.{event_type}"


def quota_subject(event_type: str) -> str:
    return f"{QUOTA}.{event_type}"


def library_of(subject: str) -> str:
    """The library id a submission subject names (its last token)."""
    return subject.rsplit(".", 1)[-1]


def subject_matches(subject: str, pattern: str) -> bool:
    """Whether NATS delivers ``subject`` to a subscription on ``pattern`` (``*``: one token, ``>``:
    the rest).  As faststream's ``is_subject_match_wildcard``, which every process imported
    faststream for (≈ 0.15 s of CPU at each start: a worker's, a CLI command's)."""
    subject_parts, pattern_parts = subject.split("."), pattern.split(".")
    for subject_part, pattern_part in zip(subject_parts, pattern_parts, strict=False):
        if pattern_part == ">":
            return True
        if pattern_part == "*":
            if subject_part == ">":
                return False
        elif subject_part != pattern_part:
            return False
    return len(subject_parts) == len(pattern_parts)


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    description: str

    def config(self, replicas: int = 1) -> api.StreamConfig:
        return api.StreamConfig(
            name=self.name,
            subjects=list(self.subjects),
            description=self.description,
            retention=api.RetentionPolicy.LIMITS,
            storage=api.StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            num_replicas=replicas,
            max_msg_size=4 * 1024 * 1024,
            allow_atomic=True,
        )

    def holds(self, subject: str) -> bool:
        """Whether a message on ``subject`` is stored in this stream."""
        return any(subject_matches(subject, pattern) for pattern in self.subjects)


SUBMISSIONS_STREAM = StreamSpec(
    "SUBMISSIONS",
    (f"{SUBMITTED}.*", f"{REPORTED}.*", f"{REVIEW_DECIDED}.*", f"{BRAND_DECIDED}.*.*", f"{REGISTRATION}.*.*"),
    "The log: every member announcement and attendance report, as published. Source of truth.",
)
CANONICAL_STREAM = StreamSpec(
    "CANONICAL",
    (f"{CANONICAL}.*",),
    "Canonical activities as the dedup service decided them (snapshots).",
)
DIGESTS_STREAM = StreamSpec(
    "DIGESTS",
    (f"{DIGEST_DUE}",),
    "Digest-due ticks from the scheduler, one per coordinator and period.",
)
QUOTAS_STREAM = StreamSpec(
    "QUOTAS",
    (f"{QUOTA}.*",),
    "Quota transitions (at-risk, met) per library, rule and year, for the digests.",
)
ALL_STREAMS = (SUBMISSIONS_STREAM, CANONICAL_STREAM, DIGESTS_STREAM, QUOTAS_STREAM)


@functools.lru_cache(maxsize=4096)
def stream_of(subject: str) -> str | None:
    """The name of the stream that stores messages on ``subject`` (None: no stream does).
    Remembered: publishing asks it for every message, of a few hundred subjects at most."""
    return next((spec.name for spec in ALL_STREAMS if spec.holds(subject)), None)


CLUSTER_REPLICAS = 3
"""Copies of each stream on a cluster (``SHUXIANG_STREAM_REPLICAS`` not set): one node may be lost."""


def default_replicas(server_info: dict) -> int:
    """Stream replicas when the operator says nothing: :data:`CLUSTER_REPLICAS` on a clustered
    broker (its INFO names a cluster), one on a single server (the embedded broker)."""
    return CLUSTER_REPLICAS if server_info.get("cluster") else 1


async def ensure_streams(js, replicas: int = 1) -> None:
    """Create the streams, or update them to the current config."""
    from nats.js.errors import NotFoundError

    for spec in ALL_STREAMS:
        config = spec.config(replicas)
        try:
            await js.stream_info(spec.name)
        except NotFoundError:
            await js.add_stream(config)
        else:
            await js.update_stream(config)
