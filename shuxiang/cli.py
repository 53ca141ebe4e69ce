"""The ``shuxiang`` command line (DESIGN.md "Command line": stable, scripts rely on it)."""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from shuxiang.alliance import Alliance
from shuxiang.console import (
    UserError,
    console,
    data_dir_option,
    make_settings,
    progress_bar,
    resolve_alliance,
)
from shuxiang.i18n import both
from shuxiang.logs import configure_logging
from shuxiang.services import CONSUMING_SERVICES
from shuxiang.settings import Settings
from shuxiang.spreadsheet import SafeWriter

SERVICE_COMMANDS = {
    "quotas": "shuxiang.services.quotas.cli:quotas",
    "digest": "shuxiang.services.digests.cli:digest",
    "brands": "shuxiang.services.brands.cli:brands",
    "dedup": "shuxiang.services.dedup.cli:dedup",
    "accounts": "shuxiang.services.intake.cli:accounts",
    "stats": "shuxiang.services.stats.cli:stats",
}
"""Each service's own command group (``services/<name>/cli.py``), imported when it is asked for:
importing them all made every command — ``shuxiang publish`` too — spend about a second starting."""


class ShuxiangCommands(click.Group):
    """The top-level commands: this module's, and the services' groups loaded on first use
    (click's "lazily loading subcommands")."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SERVICE_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SERVICE_COMMANDS and cmd_name not in self.commands:
            module, _, name = SERVICE_COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), name)
            assert command.name == cmd_name, f"{SERVICE_COMMANDS[cmd_name]} is named {command.name}"
            self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=ShuxiangCommands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="More log output (-vv: debug).  SHUXIANG_LOG_FORMAT=json logs one JSON object per line.",
)
def main(verbose: int) -> None:
    """书香 shuxiang — 阅读推广联盟的活动协调 / coordinator for reading-promotion alliances.

    Member libraries publish activities to the broker (form, API, CSV/ICS, their own systems);
    shuxiang deduplicates them, serves the shared calendar as iCal feeds, follows each library's
    brand programme (一馆一品) and annual quotas, and mails coordinators digests.
    Start with `shuxiang up --demo`.
    """
    configure_logging(verbose, Settings().log_format)


# ---------------------------------------------------------------------------- up / serve


@main.command()
@data_dir_option
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Web front port on 127.0.0.1 (default 8000).")
@click.option(
    "--demo", is_flag=True, help="Load the demo alliance (drawn from real library plans) with a year of activities."
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The alliance configuration (TOML). Saved into the data dir for later runs.",
)
@click.option(
    "--processes",
    type=click.IntRange(1, 3),
    default=None,
    envvar="SHUXIANG_PROCESSES",
    help="Processes to run the services in (default: one per core this process may use, at most 3): "
    "2 gives the calendar, quotas, brands, digests and statistics a worker process; 3 gives them two (quotas one "
    "of its own).  1 keeps everything in one process (least memory).",
)
def up(data_dir: Path | None, port: int | None, demo: bool, config: Path | None, processes: int | None) -> None:
    """Run everything on embedded defaults.

    A real nats-server (JetStream, stored in the data dir), SQLite in WAL mode, the web front,
    every service — in one process, or with --processes spread over worker processes it starts
    and stops.  Ctrl-C stops it all; starting again keeps all state.
    """
    from shuxiang.running import runtime_info
    from shuxiang.runtime import SERVICE_BUILDERS, Runtime, StartProblem, default_processes, run_until_signalled

    settings = make_settings(data_dir, port=port)
    if settings.nats_url or settings.database_url:
        raise UserError(
            "`up` runs on embedded defaults; unset SHUXIANG_NATS_URL / SHUXIANG_DATABASE_URL "
            "or use `shuxiang serve SERVICE`"
        )
    running = runtime_info(settings.data_dir)
    if running:
        raise UserError(
            both(
                "already running on {path} (pid {pid}, {url})",
                path=settings.data_dir,
                pid=running["pid"],
                url=running["web_url"],
            )
        )
    alliance = resolve_alliance(settings, config=config, demo=demo, remember=bool(config or demo))
    runtime = Runtime(
        settings=settings,
        alliance=alliance,
        services=list(SERVICE_BUILDERS),
        processes=processes or default_processes(),
    )

    def started(rt: Runtime) -> None:
        url = settings.public_url
        # the words first: the catalog extraction does not read calls inside f-strings
        running, accounts, docs = both("running"), both("accounts"), both("docs")
        publish, users = both("publish"), both("users")
        subject = "shuxiang.activity.submitted.<library_id>"
        rows = [
            (both("calendar"), f"{url}/"),
            (both("feed"), f"{url}/feeds/alliance.ics"),
            (both("library feeds"), f"{url}/feeds/libraries/<id>.ics"),
            (both("form"), f"{url}/submit   ({accounts}: shuxiang accounts add)"),
            ("API", f"{url}/api/v1/activities   ({docs}: {url}/docs)"),
            ("NATS", f"{rt.nats_server.address}   ({publish}: {subject}; {users}: nats/passwords.json)"),
            (both("data"), str(settings.data_dir.resolve())),
        ]
        console.print(f"[bold green]书香 shuxiang {running}[/] — {escape(alliance.name)}")
        width = max(cell_len(label) for label, _ in rows)  # Chinese characters are two columns wide
        for label, value in rows:
            console.print(f"  {label}{' ' * (width - cell_len(label))}  {value}")
        console.print(both("Ctrl-C to stop"), style="dim")
        if demo:
            rt.run_beside(_publish_demo(rt), "demo")

    try:
        asyncio.run(run_until_signalled(runtime, started))
    except StartProblem as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"could not start: {exc}") from None
    console.print(both("stopped"))


async def _publish_demo(runtime) -> None:
    """Publish the demo year once (message ids make a second start publish nothing new)."""
    from datetime import date

    from shuxiang.demo.activities import brand_history_messages, generate_demo_submissions
    from shuxiang.events.progress import wait_until_processed
    from shuxiang.events.streams import submitted_subject

    submissions = generate_demo_submissions(runtime.alliance, date.today().year, ahead_of=date.today())
    publisher = runtime.publisher
    await publisher.publish_many(
        [(submitted_subject(s.library_id), s.message_id(), s.model_dump_json().encode()) for s in submissions]
    )
    history = brand_history_messages(runtime.alliance, submissions, date.today())  # 一馆一品 history
    await publisher.publish_many(history)
    console.print(
        "  "
        + both(
            "demo: {activities} activities and {records} brand records published; processing…",
            activities=len(submissions),
            records=len(history),
        ),
        style="dim",
    )
    began = time.monotonic()
    with progress_bar() as progress:
        report = _pending_reporter(progress, both("processing the demo"))
        try:
            await wait_until_processed(runtime.js, timeout=900, on_progress=report)
        except TimeoutError as exc:
            console.print("  " + both("the demo is still being processed: {error}", error=exc), style="yellow")
            return
        except asyncio.CancelledError:
            console.print(
                "  " + both("stopped before the demo was processed: the next start goes on with it"),
                style="dim",
            )
            raise
    console.print(
        "  "
        + both(
            "demo ready in {seconds:.0f} s: {url}/", seconds=time.monotonic() - began, url=runtime.settings.public_url
        ),
        style="dim",
    )


@main.command(hidden=True)
@click.option(
    "--parent", type=int, required=True, help="The pid of the `up` that started it: it stops when that is gone."
)
@click.option(
    "--alliance",
    "alliance_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    required=True,
    help="The parent's alliance, as JSON.",
)
@click.argument("services", nargs=-1, required=True)
def worker(parent: int, alliance_file: Path, services: tuple[str, ...]) -> None:
    """Run some services for `shuxiang up --processes N`, which starts and stops it."""
    from shuxiang.runtime import WORKER_GROWTH_MB, WORKER_RECYCLED, Runtime, run_until_signalled

    settings = Settings()
    alliance = Alliance.model_validate_json(alliance_file.read_bytes())
    runtime = Runtime(
        settings=settings,
        alliance=alliance,
        services=list(services),
        web=False,
        announce=False,
        report_counts=True,
        replace_when_grown_mb=WORKER_GROWTH_MB,
    )

    async def stop_with_parent() -> None:
        while os.getppid() == parent:
            await asyncio.sleep(0.5)
        # `up` was killed: do not go on alone.  The deadline is a thread's, not this loop's: stopping
        # cancels this task, and with the broker gone with `up` a task of the broker's client may not
        # end when cancelled — the worker sat in asyncio.run's last cancellation for good (1 run in 3)
        deadline = threading.Timer(WORKER_ORPHAN_SECONDS, os._exit, args=(1,))
        deadline.daemon = True
        deadline.start()  # what it fetched and did not ack is redelivered
        os.kill(os.getpid(), signal.SIGTERM)

    async def run() -> None:
        watch = asyncio.create_task(stop_with_parent())
        try:
            await run_until_signalled(runtime)
        finally:
            watch.cancel()

    asyncio.run(run())
    if runtime.replaced:
        sys.exit(WORKER_RECYCLED)  # `up` starts a fresh one


@main.command()
@click.argument(
    "service",
    type=click.Choice(
        [
            "dedup",
            "calendar",
            "digests",
            "scheduler",
            "brands",
            "intake",
            "quotas",
            "registrations",
            "stats",
            "web",
            "all",
        ]
    ),
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    envvar="SHUXIANG_CONFIG",
    help="The alliance configuration (TOML).",
)
@click.option(
    "--demo",
    is_flag=True,
    envvar="SHUXIANG_DEMO",
    help="The demo alliance (when no --config); `serve web` or `serve all` also publishes its year of "
    "activities (once: message ids).  Give it to every service of the deployment, for a first look.",
)
def serve(service: str, config: Path | None, demo: bool) -> None:
    """Run one service against SHUXIANG_NATS_URL and SHUXIANG_DATABASE_URL (distributed runtime).

    SHUXIANG_NATS_URL may name a cluster's nodes separated by commas.  Every service of a
    deployment needs the same alliance configuration: --config FILE (or SHUXIANG_CONFIG), or
    --demo.  Replicas of a service share its durable consumer.  Run `shuxiang migrate` first on
    PostgreSQL.  A service started before its broker waits for it (SHUXIANG_START_TIMEOUT, 300 s).
    `serve web` (and `serve all`) listens on SHUXIANG_HOST:SHUXIANG_PORT (default 127.0.0.1:8000):
    give each web replica on one host its own SHUXIANG_PORT.
    """
    import logging

    from shuxiang.db import DatabaseProblem
    from shuxiang.events.broker import BrokerNotReady
    from shuxiang.runtime import SERVICE_BUILDERS, Runtime, StartProblem, run_until_signalled

    settings = Settings()
    if not settings.nats_url or not settings.database_url:
        raise UserError("serve needs SHUXIANG_NATS_URL and SHUXIANG_DATABASE_URL (use `shuxiang up` for embedded)")
    alliance = resolve_alliance(settings, config=config, demo=demo)
    services = list(SERVICE_BUILDERS) if service == "all" else [] if service == "web" else [service]
    web = service in ("web", "all")
    runtime = Runtime(settings=settings, alliance=alliance, services=services, web=web)

    def started(rt: Runtime) -> None:
        logging.getLogger("shuxiang").info("%s", both("serving {service}", service=service))
        if demo and web:
            rt.run_beside(_publish_demo(rt), "demo")

    try:
        asyncio.run(run_until_signalled(runtime, started))
    except (BrokerNotReady, DatabaseProblem, StartProblem) as exc:  # one line (a JSON one in JSON mode), no traceback
        logging.getLogger("shuxiang").error("%s: %s", service, exc)
        sys.exit(1)


@main.command()
@click.option(
    "--database-url", envvar="SHUXIANG_DATABASE_URL", required=True, help="PostgreSQL URL (SHUXIANG_DATABASE_URL)."
)
def migrate(database_url: str) -> None:
    """Bring a PostgreSQL database to the current schema (Alembic)."""
    from shuxiang.db import DatabaseProblem
    from shuxiang.deploy.migrations import upgrade

    try:
        before, after = upgrade(database_url)
    except DatabaseProblem as exc:
        raise UserError(str(exc)) from None
    if before is None:
        console.print(both("created the schema up to revision {revision}", revision=after))
    elif before != after:
        console.print(both("migrated the database from revision {before} to {after}", before=before, after=after))
    else:
        console.print(both("database is up to date"))


@main.command()
@data_dir_option
@click.option("--timeout", type=float, default=3600.0, show_default=True, help="Seconds to wait at most.")
def replay(data_dir: Path | None, timeout: float) -> None:
    """Rebuild every projection (activities, calendar, brands, quotas, statistics) from the SUBMISSIONS log.

    Run it with shuxiang stopped.  The same log gives the same state: the same canonical
    activities with the same ids, the same feeds, the same tallies.  Accounts and the record
    of digests already sent are kept.
    """
    from shuxiang.replay import ServicesRunning
    from shuxiang.replay import replay as run_replay
    from shuxiang.running import runtime_info

    settings = make_settings(data_dir)
    if settings.embedded and runtime_info(settings.data_dir):
        raise UserError(both("running on {path}: stop it (Ctrl-C) before replaying", path=settings.data_dir))
    alliance = resolve_alliance(settings)
    with progress_bar() as progress:
        report = _pending_reporter(progress, both("replaying"))
        try:
            messages = asyncio.run(run_replay(settings, alliance, timeout=timeout, on_progress=report))
        except ServicesRunning as running:
            raise UserError(
                both(
                    "services are still consuming ({consumers}): stop every `shuxiang serve` before replaying",
                    consumers=str(running),
                )
            ) from None
    console.print(both("rebuilt from {count} messages", count=messages))


# ---------------------------------------------------------------------------- publish


def _nats_url(settings: Settings) -> str:
    from shuxiang.running import runtime_info

    if settings.nats_url:
        return settings.nats_url
    info = runtime_info(settings.data_dir)
    if info is None:
        raise UserError(
            both("not running on {path}: start it with `shuxiang up` or set SHUXIANG_NATS_URL", path=settings.data_dir)
        )
    return info["nats_url"]


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, allow_dash=True, path_type=Path))
@click.option("--as", "as_library", default=None, help="Publish as this member library (checked against every line).")
@click.option("--wait", is_flag=True, help="Return once every consumer has processed what was published.")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds --wait waits at most.")
@click.option(
    "--pace/--no-pace",
    default=True,
    show_default=True,
    help="Publish at the consumers' pace, so that posts made meanwhile (the form, the API) are not held up "
    "behind the whole file: about 0.2 s of the import ahead of them while other members post, a wider "
    "window (full speed) once nobody else has posted for 10 s (at once if nobody had before it); --no-pace publishes it at once (a first "
    "load with nobody else posting).",
)
@data_dir_option
def publish(file: Path, as_library: str | None, wait: bool, timeout: float, pace: bool, data_dir: Path | None) -> None:
    """Publish activity submissions from FILE: JSON Lines (one ActivitySubmission a line), or with
    --as LIBRARY a CSV spreadsheet or an ICS calendar (its UIDs become source_refs).

    A CSV has a header row naming its columns in English or Chinese: title and starts_at, usually
    ends_at, venue and category, and as needed source_ref (importing the corrected sheet again then
    updates the rows that changed), revision, status, description, all_day, address, repeat, count,
    co_hosts, brand_id, campaign_id, featured, audience, tags, partners, capacity,
    registration_url, contact; times without an offset are read in the alliance's time zone.  The
    Chinese names of the columns: README, "The form, the API and imports".

    Every line is validated first; invalid lines are reported with their line number and reason
    and not published, valid ones are.  Exit status 1 if any line was refused.  A CSV row with
    参与人次 / 是否举办 also publishes its attendance (importing earlier history with participants).
    """
    from shuxiang.services.intake.cli import read_publish_file
    from shuxiang.services.intake.imports import Notice, in_line_order, refusals

    settings = make_settings(data_dir)
    data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    submissions, problems = read_publish_file(settings, file, data, as_library)
    reports, report_problems = _attendance_in(settings, file, data, as_library, submissions)
    problems = in_line_order([*problems, *report_problems])
    for problem in problems:  # markup off: a row's text may hold "[…]"
        console.print(f"{file}:{problem}", style="yellow" if isinstance(problem, Notice) else "red", markup=False)
    problems = refusals(problems)
    if submissions or wait:
        asyncio.run(
            _publish(
                _nats_url(settings),
                submissions,
                wait=wait,
                timeout=timeout,
                as_library=as_library,
                reports=reports,
                pace=pace,
            )
        )
    console.print(
        both("published {published}, refused {refused}", published=len(submissions), refused=len(problems))
        + (", " + both("attendance {count}", count=len(reports)) if reports else "")
    )
    if problems:
        sys.exit(1)


def _attendance_in(settings, file: Path, data: bytes, as_library: str | None, submissions) -> tuple[list, list[str]]:
    """The attendance a CSV states for the sessions being published (earlier history with participants)."""
    from shuxiang.services.intake.cli import read_publish_reports

    reports, problems = read_publish_reports(settings, file, data, as_library)
    published = {s.source_ref for s in submissions}
    return [r for r in reports if r.source_ref in published], problems


def _pending_reporter(progress: Progress, label: str) -> Callable[[str, int], None]:
    """A task on ``progress`` that shows what a stream still has pending (``wait_until_processed``'s callback)."""
    task = progress.add_task(label, total=None)

    def report(stream: str, pending: int) -> None:
        progress.update(task, description=f"{label} — {stream}: {max(pending, 0)} pending")

    return report


WORKER_ORPHAN_SECONDS = 10.0
"""How long a worker whose `up` was killed has to stop before it exits regardless."""

PUBLISH_CONNECT_SECONDS = 15.0
"""How long ``shuxiang publish`` tries to reach the broker before it says it could not."""

UNPACED_CHUNK = 500
"""Messages ``publish --no-pace`` hands the publisher at a time (its progress bar's step)."""


async def _publish(
    url: str, submissions, *, wait: bool, timeout: float, as_library: str | None = None, reports=(), pace: bool = True
) -> None:
    from shuxiang.events.broker import (
        BrokerNotReady,
        ConnectionReport,
        connect,
        nats_servers,
        refused_permission,
        users_of,
    )
    from shuxiang.events.progress import ImportPacer, wait_until_processed
    from shuxiang.events.publish import Publisher, PublishError
    from shuxiang.events.streams import SUBMISSIONS_STREAM, reported_subject, submitted_subject

    # a library's own NATS user may only read replies on its own inbox (services/intake/nats_users.py)
    inbox = {"inbox_prefix": f"_INBOX.{as_library}"} if as_library else {}
    broker = ConnectionReport("publish")  # a lost broker said in one line, and its return in one
    try:  # one server, or a cluster's nodes separated by commas
        connection = await connect(url, name="publish", wait=PUBLISH_CONNECT_SECONDS, report=broker, **inbox)
    except BrokerNotReady as exc:  # no node answered, or the login was refused: said in both languages
        raise UserError(str(exc)) from None
    try:
        js = connection.jetstream()
        user = users_of(nats_servers(url))
        inbox = connection.new_inbox()

        async def listen() -> None:
            await (await connection.subscribe(inbox)).unsubscribe()
            await connection.flush()

        # a library's own NATS user (deploy/nats/README.md) may publish on its subjects and hear the
        # acknowledgements on its own inbox, nothing else: asked once here, said at once
        if await refused_permission(broker, listen):
            raise UserError(
                both(
                    "the broker does not let the NATS user {user} receive its acknowledgements on {inbox}: "
                    "a library's own user publishes with --as {user}",
                    user=user,
                    inbox=inbox.rsplit(".", 1)[0],
                )
            )
        reads = not await refused_permission(broker, lambda: js.stream_info(SUBMISSIONS_STREAM.name))
        if wait and not reads:
            raise UserError(
                both(
                    "--wait: the NATS user {user} may publish but not read the consumers' progress; waiting "
                    "needs the runtime's or a coordinator's credentials in SHUXIANG_NATS_URL (nothing was "
                    "published; publish without --wait, then follow the library's feed)",
                    user=user,
                )
            )
        publisher = Publisher(js, reads_streams=reads)
        # as fast as the consumers go, and no faster: a post made meanwhile waits behind a moment of
        # the import, not behind all of it (a user that may not read the consumers publishes unpaced)
        pacer = ImportPacer(js) if pace and reads else None
        messages = [(submitted_subject(s.library_id), s.message_id(), s) for s in submissions]
        # the attendance stated in the file, after its sessions
        messages += [(reported_subject(r.library_id), r.message_id(), r) for r in reports]
        with progress_bar() as progress:
            task = progress.add_task(both("publishing"), total=len(messages))
            start = 0
            while start < len(messages):
                part = messages[start : start + (await pacer.room() if pacer else UNPACED_CHUNK)]
                try:
                    await publisher.publish_many([(s, i, m.model_dump_json().encode()) for s, i, m in part])
                except PublishError as exc:  # what was published before stays published
                    raise UserError(str(exc)) from None
                if pacer:
                    pacer.published(len(part))
                progress.advance(task, len(part))
                start += len(part)
            if wait:
                report = _pending_reporter(progress, both("processing"))
                try:
                    await wait_until_processed(connection.jetstream(), timeout=timeout, on_progress=report)
                except TimeoutError as exc:
                    raise UserError(f"--wait: {exc}") from None
    finally:
        await connection.close()


# ---------------------------------------------------------------------------- export


@main.group()
def export() -> None:
    """Export state for people and other systems."""


EXPORT_COLUMNS = (
    "id",
    "title",
    "starts_at",
    "ends_at",
    "status",
    "venue",
    "organizers",
    "brand_id",
    "campaign_id",
    "sources",
    "held",
    "participants",
)


def _attendance(databases) -> dict:
    """(held, participants) by activity, from the quotas service's query (empty without its data)."""
    from shuxiang.services.quotas.service import NAME as QUOTAS
    from shuxiang.services.quotas.service import tallies_reader
    from shuxiang.services.quotas.store import attendance_by_activity

    if databases.database_url is None and not (databases.data_dir / "db" / f"{QUOTAS}.sqlite3").exists():
        return {}
    return attendance_by_activity(tallies_reader(databases))


@export.command("activities")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Default: standard output.")
@data_dir_option
def export_activities(fmt: str, output, data_dir: Path | None) -> None:
    """Canonical activities, each with the member announcements (sources) merged into it."""
    from shuxiang.db import Databases
    from shuxiang.services.dedup.service import NAME, canonical_activities, canonical_reader

    settings = make_settings(data_dir)
    databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
    if settings.database_url is None and not (settings.data_dir / "db" / f"{NAME}.sqlite3").exists():
        raise UserError(both("no data in {path}", path=settings.data_dir))
    engine = canonical_reader(databases)
    writer = SafeWriter(output) if fmt == "csv" else None
    if writer:
        writer.writerow(EXPORT_COLUMNS)
    attendance = _attendance(databases)
    for activity in canonical_activities(engine):
        record = activity.model_dump(mode="json")
        record["held"], record["participants"] = attendance.get(activity.id, (None, None))
        if writer:
            row = []
            for column in EXPORT_COLUMNS:
                value = record[column]
                row.append(json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value)
            writer.writerow(row)
        else:
            output.write(json.dumps(record, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------- dead letters


@main.group()
def dlq() -> None:
    """Dead letters: messages a service could not process, kept with the reason."""


def _consumer_specs(settings: Settings, alliance: Alliance) -> dict:
    from shuxiang.db import Databases
    from shuxiang.runtime import SERVICE_BUILDERS
    from shuxiang.services.plan import ServiceContext

    databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
    context = ServiceContext(settings=settings, alliance=alliance, databases=databases)
    specs = {}
    for build in SERVICE_BUILDERS.values():
        plan = build(context)
        for spec in plan.consumers:
            specs[spec.name] = (plan, spec)
    return databases, specs


@dlq.command("list")
@click.option("--all", "include_replayed", is_flag=True, help="Also those already replayed.")
@data_dir_option
def dlq_list(include_replayed: bool, data_dir: Path | None) -> None:
    """List dead letters, newest first."""
    from rich.table import Table

    from shuxiang.events.dead_letters import list_dead_letters

    settings = make_settings(data_dir)
    databases, _ = _consumer_specs(settings, resolve_alliance(settings))
    letters = list_dead_letters(databases, CONSUMING_SERVICES, limit=1000, include_replayed=include_replayed)
    table = Table("#", "subject", "reason", "received (UTC)", "replayed")
    for letter in letters:
        table.add_row(
            letter.key,
            letter.subject,
            letter.reason[:200],
            letter.received_at.strftime("%Y-%m-%d %H:%M:%S"),
            "✓" if letter.replayed_at else "",
        )
    Console(highlight=False).print(table if letters else both("no dead letters"))


@dlq.command("replay")
@click.option(
    "--id",
    "ids",
    multiple=True,
    help="Only these dead letters (repeatable): the # of `dlq list`, consumer:number (a bare number if only one has it).",
)
@data_dir_option
def dlq_replay(ids: tuple[str, ...], data_dir: Path | None) -> None:
    """Process dead letters again after a fix (a configuration change, a new version).

    Each goes through its consumer's handler once more; one that still fails becomes a new
    dead letter with its new reason.  Derived events reach the broker through the outbox.
    """
    from shuxiang.events.consumer import Outcome
    from shuxiang.events.dead_letters import list_dead_letters, replay_dead_letter

    settings = make_settings(data_dir)
    databases, specs = _consumer_specs(settings, resolve_alliance(settings))
    letters = list_dead_letters(databases, CONSUMING_SERVICES, limit=100_000, include_replayed=False)
    if ids:
        letters = chosen_letters(letters, ids)
    fixed = 0
    for letter in letters:
        if letter.consumer not in specs:
            console.print(f"[yellow]#{letter.key}: unknown consumer, skipped[/]")
            continue
        plan, spec = specs[letter.consumer]
        outcome = replay_dead_letter(databases.engine(plan.name), spec, letter)
        fixed += outcome is Outcome.ACK
        verdict = both("processed") if outcome is Outcome.ACK else both("failed again")
        console.print(f"#{letter.key} {letter.subject}: {verdict}", markup=False)
    console.print(both("replayed {count}, processed {fixed}", count=len(letters), fixed=fixed))
    if fixed < len(letters):
        sys.exit(1)


def chosen_letters(letters: list, ids: tuple[str, ...]) -> list:
    """The dead letters ``--id`` names, each ``consumer:number`` or a bare number that only one
    consumer's letter has; an unknown or ambiguous one is refused before anything is replayed."""
    chosen = []
    for wanted in ids:
        found = [letter for letter in letters if wanted in (letter.key, str(letter.id))]
        if not found:
            raise UserError(f"--id {wanted}: " + both("no such dead letter waiting (see `shuxiang dlq list`)"))
        if len(found) > 1:
            keys = ", ".join(letter.key for letter in found)
            raise UserError(
                f"--id {wanted}: " + both("several dead letters have this number: give one of {keys}", keys=keys)
            )
        chosen += [letter for letter in found if letter not in chosen]
    return chosen


# ---------------------------------------------------------------------------- schemas


@main.command("schemas")
@click.option("--check", is_flag=True, help="Fail if the checked-in files are stale instead of writing them.")
def schemas_command(check: bool) -> None:
    """Write the JSON Schema files and the AsyncAPI document of the wire contract."""
    from shuxiang.contract import generated_files, write_files

    if check:
        stale = [
            path.name
            for path, content in generated_files().items()
            if not path.exists() or path.read_text(encoding="utf-8") != content
        ]
        if stale:
            raise UserError(f"stale schema files (run `shuxiang schemas`): {', '.join(stale)}")
        console.print("schemas up to date")
        return
    for path in write_files():
        console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
