"""``shuxiang digest preview --coordinator ID`` and ``shuxiang digest send-now [--coordinator ID]``."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table
from sqlalchemy import func, select

from shuxiang.alliance import Alliance, Coordinator
from shuxiang.console import UserError, console, data_dir_option, make_settings, resolve_alliance
from shuxiang.db import Databases
from shuxiang.i18n import both
from shuxiang.services.plan import ServiceContext
from shuxiang.services.scheduler.messages import DigestDue
from shuxiang.services.scheduler.periods import period_at, previous_period

from .handlers import digest_for, find_coordinator, record_digest
from .render import PREVIEW_PERIOD, render_html, render_text
from .service import NAME, digest_config, make_sender
from .tables import TABLES, digests_sent

SEND_WAIT_SECONDS = 120


@click.group("digest")
def digest() -> None:
    """协调人摘要邮件 / coordinators' digest emails."""


def _context(data_dir: Path | None) -> ServiceContext:
    settings = make_settings(data_dir)
    alliance = resolve_alliance(settings)
    databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
    if settings.database_url is None:
        databases.create_tables(NAME, TABLES)
    return ServiceContext(settings=settings, alliance=alliance, databases=databases)


def _coordinators(alliance: Alliance, coordinator_id: str | None) -> list[Coordinator]:
    if not alliance.coordinators:
        raise UserError(both("the alliance configuration has no [[coordinators]]"))
    if coordinator_id is None:
        return list(alliance.coordinators)
    found = find_coordinator(alliance, coordinator_id)
    if found is None:
        known = ", ".join(c.id for c in alliance.coordinators)
        raise UserError(both("no coordinator {id} (known: {known})", id=repr(coordinator_id), known=known))
    return [found]


def _since(context: ServiceContext, coordinator: Coordinator, now: datetime) -> datetime:
    """The end of the last digest recorded for the coordinator, else one period back."""
    with context.databases.reader(NAME).connect() as connection:
        last = connection.scalar(
            select(func.max(digests_sent.c.due_at)).where(digests_sent.c.coordinator_id == coordinator.id)
        )
    if last is not None and last < now:
        return last
    tz = context.alliance.tz
    return previous_period(coordinator.schedule, tz, period_at(coordinator.schedule, tz, now)).due_at


@digest.command("preview")
@click.option("--coordinator", "coordinator_id", required=True, help="The coordinator's id (alliance.toml).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The HTML file to write (a .txt beside it). Default: <data-dir>/digest-preview/<id>.html",
)
@data_dir_option
def preview(coordinator_id: str, output: Path | None, data_dir: Path | None) -> None:
    """Render the digest the coordinator would get now; write HTML and text, print the HTML path."""
    context = _context(data_dir)
    (coordinator,) = _coordinators(context.alliance, coordinator_id)
    now = datetime.now(UTC)
    since = _since(context, coordinator, now)
    config = digest_config(context)
    try:
        with context.databases.reader(NAME).connect() as connection:
            digest_ = digest_for(connection, config, coordinator, period=PREVIEW_PERIOD, since=since, until=now)
    finally:
        context.databases.dispose()
    tz = context.alliance.tz
    output = output or context.settings.data_dir / "digest-preview" / f"{coordinator.id}.html"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(render_html(digest_, tz), encoding="utf-8")
        output.with_suffix(".txt").write_text(render_text(digest_, tz), encoding="utf-8")
    except OSError as exc:
        raise UserError(both("cannot write {path}: {error}", path=output, error=exc.strerror or exc)) from None
    text_part = output.with_suffix(".txt").name
    console.print(both("preview written: {path} (+ {text})", path=output, text=text_part), style="dim")
    click.echo(str(output))


@digest.command("send-now")
@click.option("--coordinator", "coordinator_id", default=None, help="Only this coordinator (default: every one).")
@data_dir_option
def send_now(coordinator_id: str | None, data_dir: Path | None) -> None:
    """Send a digest now, outside the schedule (SMTP, or the outbox folder when no SMTP URL is set).

    Each run is its own period (manual-<time>), covering everything since the coordinator's last digest.
    """
    context = _context(data_dir)
    try:
        coordinators = _coordinators(context.alliance, coordinator_id)
        try:
            sender = make_sender(context)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        now = datetime.now(UTC)  # not rounded: an activity created earlier in this second is in this digest
        period = f"manual-{now.astimezone(context.alliance.tz):%Y%m%dT%H%M%S}"
        config = digest_config(context)
        engine = context.databases.engine(NAME)
        with console.status(both("rendering digests")):
            for coordinator in coordinators:
                due = DigestDue(
                    coordinator_id=coordinator.id,
                    period=period,
                    due_at=now,
                    since=_since(context, coordinator, now),
                    reason="manual",
                )
                with engine.begin() as connection:
                    record_digest(connection, config, due, now)
        with console.status(both("sending")):
            sender.send_due(datetime.now(UTC), limit=len(coordinators))
            rows = _wait_for(context, period, len(coordinators))
        _report(rows, context)
    finally:
        context.databases.dispose()
    if any(row.status != "sent" for row in rows):
        raise UserError(both("some digests were not sent (see the table above)"))


def _wait_for(context: ServiceContext, period: str, count: int):
    """The period's rows once each is sent or settled (a running service may be sending them)."""
    deadline = time.monotonic() + SEND_WAIT_SECONDS
    while True:
        with context.databases.reader(NAME).connect() as connection:
            rows = connection.execute(
                select(
                    digests_sent.c.coordinator_id,
                    digests_sent.c.recipient,
                    digests_sent.c.status,
                    digests_sent.c.last_error,
                ).where(digests_sent.c.period == period)
            ).all()
        settled = [r for r in rows if r.status in ("sent", "failed", "uncertain")]
        if len(settled) >= count or time.monotonic() > deadline:
            return rows
        if any(r.status == "pending" for r in rows):
            return rows  # a retry is scheduled with backoff: report it rather than wait minutes
        time.sleep(0.2)


def _report(rows, context: ServiceContext) -> None:
    table = Table(title=both("digests"), show_lines=False)
    for column in (both("coordinator"), both("to"), both("status"), both("note")):
        table.add_column(column)
    words = {
        "sent": "[green]" + both("sent", sep=" ") + "[/]",
        "pending": "[yellow]" + both("retrying", sep=" ") + "[/]",
        "failed": "[red]" + both("failed", sep=" ") + "[/]",
        "uncertain": "[red]" + both("uncertain", sep=" ") + "[/]",
        "sending": both("sending", sep=" "),
    }
    for row in rows:
        table.add_row(row.coordinator_id, row.recipient, words.get(row.status, row.status), row.last_error or "")
    console.print(table)
    if context.settings.smtp_url is None:
        console.print(both("written to the outbox folder: {path}", path=context.settings.outbox_dir), style="dim")
