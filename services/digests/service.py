"""The digests service: CANONICAL and DIGESTS in, one email per coordinator and period out."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from functools import partial

from shuxiang.events.consumer import ConsumerSpec
from shuxiang.events.dead_letters import list_dead_letters
from shuxiang.events.streams import (
    CANONICAL,
    CANONICAL_STREAM,
    DIGEST_DUE,
    DIGESTS_STREAM,
    REVIEW_DECIDED,
    SUBMISSIONS_STREAM,
)
from shuxiang.events.tables import EVENT_TABLES
from shuxiang.schemas import CanonicalEvent
from shuxiang.services import CONSUMING_SERVICES
from shuxiang.services.dedup.reviews import ReviewDecision
from shuxiang.services.plan import ServiceContext, ServicePlan
from shuxiang.services.scheduler.messages import DigestDue

from .handlers import DigestConfig, handle_due, placeholder_sender
from .projection import apply_canonicals, apply_decision, fill_session_spans
from .sender import DigestSender
from .sources import quiet_brands, quotas_at_risk
from .tables import TABLES
from .transport import transport_for

NAME = "digests"
DEAD_LETTERS_SHOWN = 50

log = logging.getLogger(__name__)


def sender_address(context: ServiceContext) -> str:
    """``SHUXIANG_MAIL_FROM``, else the alliance's name at a placeholder address."""
    return context.settings.mail_from or placeholder_sender(context.alliance)


def digest_config(context: ServiceContext) -> DigestConfig:
    return DigestConfig(
        alliance=context.alliance,
        sender_address=context.settings.mail_from,
        dead_letters=partial(
            list_dead_letters, context.databases, CONSUMING_SERVICES, limit=DEAD_LETTERS_SHOWN, include_replayed=False
        ),
        quotas=partial(quotas_at_risk, context.databases, context.alliance),
        quiet_brands=partial(quiet_brands, context.databases, context.alliance),
    )


def make_sender(context: ServiceContext) -> DigestSender:
    return DigestSender(
        engine=context.databases.engine(NAME),
        transport=transport_for(context.settings.smtp_url, context.settings.outbox_dir),
        sender_address=sender_address(context),
        worker=f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
    )


async def run_sender(context: ServiceContext, js=None) -> None:
    """Fill the session spans an earlier release did not keep (once), then send digests for ever."""
    try:
        databases = context.databases
        await asyncio.to_thread(
            fill_session_spans, databases.engine(NAME), context.alliance.tz, reader=databases.reader(NAME)
        )
    except Exception as exc:  # database away: the digests read those rows whole meanwhile
        log.warning("digests: filling the session spans failed, digests read those activities whole: %r", exc)
    await make_sender(context).run_forever()


def build(context: ServiceContext) -> ServicePlan:
    transport_for(context.settings.smtp_url, context.settings.outbox_dir)  # a bad SMTP URL fails at start
    return ServicePlan(
        name=NAME,
        tables=TABLES + EVENT_TABLES,
        consumers=[
            ConsumerSpec(
                name=f"{NAME}-canonical",
                stream=CANONICAL_STREAM,
                filter_subject=f"{CANONICAL}.*",
                handle_batch=partial(apply_canonicals, tz=context.alliance.tz),
                description="Canonical activities: the digests' own projection (newest version per id).",
                payload_schema=CanonicalEvent,
            ),
            ConsumerSpec(
                name=f"{NAME}-reviews",
                stream=SUBMISSIONS_STREAM,
                filter_subject=f"{REVIEW_DECIDED}.*",
                handle=apply_decision,
                description="Coordinators' review decisions: a decided duplicate no longer waits in the digest.",
                payload_schema=ReviewDecision,
            ),
            ConsumerSpec(
                name=NAME,
                stream=DIGESTS_STREAM,
                filter_subject=DIGEST_DUE,
                handle=partial(handle_due, digest_config(context)),
                description="Digest-due ticks: each coordinator's digest rendered and recorded once per period.",
                payload_schema=DigestDue,
                batch_size=16,
            ),
        ],
        background=partial(run_sender, context),
        rebuildable=False,  # digests_sent holds facts (mails sent); the projection converges by version
    )
