"""``shuxiang accounts …``: logins and API tokens for members and coordinators, and NATS users."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from shuxiang.console import UserError, console, data_dir_option, make_settings, resolve_alliance
from shuxiang.i18n import both


def _store(data_dir: Path | None, config: Path | None = None):
    from shuxiang.db import Databases

    from .accounts import AccountStore
    from .service import NAME
    from .tables import TABLES

    settings = make_settings(data_dir)
    resolve_alliance(settings, config=config)  # a mistyped --data-dir is said, not made a new empty one
    databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
    if settings.database_url is None:
        databases.create_tables(NAME, TABLES)
    return settings, AccountStore(databases.engine(NAME))


def _show(credentials) -> None:
    kind = both("member library") if credentials.kind == "library" else both("coordinator")
    console.print(f"[bold]{credentials.name}[/] ({kind})")
    if credentials.password:
        password = both("password")
        console.print(f"  {password}   [bold yellow]{credentials.password}[/]")
    if credentials.token:
        token = both("API token")
        console.print(f"  {token}  [bold yellow]{credentials.token}[/]")
    console.print("  " + both("shown only this once: keep it safe"), style="dim")
    # the secrets also go to standard output, one account a line, for scripts
    click.echo(
        " ".join(
            f"{key}={value}"
            for key, value in (
                ("name", credentials.name),
                ("password", credentials.password),
                ("token", credentials.token),
            )
            if value
        )
    )


@click.group("accounts")
def accounts() -> None:
    """登录账号与 API 令牌 / logins and API tokens of member libraries and coordinators."""


@accounts.command("add")
@click.argument("names", nargs=-1, required=True)
@click.option("--coordinator", is_flag=True, help="NAME is a coordinator (when a member has the same id).")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The alliance configuration (default: the one saved in the data dir).",
)
@data_dir_option
def add(names: tuple[str, ...], coordinator: bool, config: Path | None, data_dir: Path | None) -> None:
    """Open an account for each member library or coordinator NAME; prints its password (and API token) once."""
    from .accounts import AccountError, kind_of

    settings, store = _store(data_dir, config)
    alliance = resolve_alliance(settings, config=config)
    try:
        kinds = {name: kind_of(alliance, name, coordinator=coordinator) for name in names}
        for name, kind in kinds.items():
            _show(store.add(name, kind))
    except AccountError as exc:
        raise UserError(str(exc)) from None


@accounts.command("reset")
@click.argument("name")
@click.option("--token", "token_only", is_flag=True, help="A new API token only (the old token stops working).")
@click.option("--both", "both_secrets", is_flag=True, help="A new password and a new API token.")
@data_dir_option
def reset(name: str, token_only: bool, both_secrets: bool, data_dir: Path | None) -> None:
    """A new password for NAME (its sessions end), or with --token a new API token; printed once."""
    from .accounts import AccountError

    if token_only and both_secrets:
        raise click.UsageError(both("--token and --both: choose one"))
    _, store = _store(data_dir)
    try:
        credentials = store.reset(name, password=not token_only, token=token_only or both_secrets)
    except AccountError as exc:
        raise UserError(str(exc)) from None
    _show(credentials)


@accounts.command("list")
@data_dir_option
def list_accounts(data_dir: Path | None) -> None:
    """The accounts (never their secrets)."""
    _, store = _store(data_dir)
    table = Table(both("account"), both("kind"))
    for account in store.all():
        table.add_row(account.name, account.kind)
    Console(highlight=False).print(table)


@accounts.command("nats-config")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The alliance configuration (default: the one saved in the data dir).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("deploy/nats/users.conf"),
    show_default=True,
    help="The users file nats-server.conf includes.",
)
@click.option("--reset", "reset_users", multiple=True, help="Make a new password for this user (repeatable).")
@data_dir_option
def nats_config(config: Path | None, output: Path, reset_users: tuple[str, ...], data_dir: Path | None) -> None:
    """Write per-library NATS users: each library may publish only on its own subjects.

    Existing users keep their passwords; new users (and --reset ones) get one, printed once."""
    from .nats_users import write_users_config

    settings = make_settings(data_dir)
    alliance = resolve_alliance(settings, config=config)
    try:
        passwords = write_users_config(alliance, output, set(reset_users))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    console.print(both("wrote {path}: {count} users", path=output, count=len(alliance.members) + 1))
    if passwords:
        table = Table("NATS " + both("user"), both("NATS password (shown once)"))
        for user, password in passwords.items():
            table.add_row(user, password)
        console.print(table)
        click.echo("\n".join(f"{user}={password}" for user, password in passwords.items()))


def read_publish_file(settings, file: Path, data: bytes, as_library: str | None):
    """``shuxiang publish``: the submissions in a JSONL, CSV or ICS file (CSV/ICS need ``--as``).

    CSV times without an offset are read in the alliance's time zone (the saved alliance's,
    else Asia/Shanghai)."""
    from zoneinfo import ZoneInfo

    from shuxiang.admission import admitted
    from shuxiang.alliance import AllianceConfigError, load_alliance

    from .imports import not_newer, read_submissions

    tz, venue, alliance = ZoneInfo("Asia/Shanghai"), None, None
    saved = settings.config or settings.data_dir / "alliance.toml"
    if Path(saved).exists():
        try:
            alliance = load_alliance(saved)
        except AllianceConfigError as exc:
            raise UserError(str(exc)) from None
        tz = alliance.tz
        member = alliance.member(as_library) if as_library else None
        if as_library and member is None:
            raise UserError(f"--as {as_library}: " + both("not a member of {alliance}", alliance=alliance.id))
        venue = member.name if member else None
    held = _held_lookup(settings)
    try:
        fmt, submissions, problems = read_submissions(
            data, str(file), as_library=as_library, tz=tz, default_venue=venue, held=held, alliance=alliance
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if alliance is not None:  # members only; campaign credit inside the campaigns (shuxiang.admission)
        submissions, refused = admitted(alliance, submissions)
        problems = [*problems, *refused]
    submissions, stale = not_newer(submissions, held((s.library_id, s.source_ref) for s in submissions))
    problems = [*problems, *stale]
    if fmt in ("csv", "ics"):
        console.print(
            f"{fmt.upper()}: "
            + both("{count} activities; times without an offset read in {tz}", count=len(submissions), tz=tz.key),
            style="dim",
        )
    return submissions, problems


def _held_lookup(settings):
    """What each activity a file names last published, read from intake's tables (``up`` may be
    running: a reader beside it); nothing when they cannot be read, said once."""
    from sqlalchemy.exc import SQLAlchemyError

    from shuxiang.db import Databases, sqlite_file

    from .service import NAME
    from .store import held_submissions

    warned = []
    read: dict = {}  # what was read already: numbering a sheet's rows, then checking every line, reads each once
    asked: set = set()

    def held(keys):
        wanted = set(keys)
        missing = wanted - asked
        if not missing or (settings.database_url is None and not sqlite_file(settings.data_dir, NAME).exists()):
            return {key: read[key] for key in wanted if key in read}  # nothing (more) to read here
        try:
            databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
            try:
                with databases.engine(NAME, writer=False).connect() as connection:
                    read.update(held_submissions(connection, missing))
                asked.update(missing)
            finally:
                databases.dispose()
            return {key: read[key] for key in wanted if key in read}
        except SQLAlchemyError as exc:
            if not warned:
                warned.append(exc)
                console.print(
                    both(
                        "could not read what was published before ({reason}): revisions are not checked",
                        reason=exc.__class__.__name__,
                    ),
                    style="yellow",
                    markup=False,
                )
            return {}

    return held


def read_publish_reports(settings, file: Path, data: bytes, as_library: str | None) -> tuple[list, list[str]]:
    """``shuxiang publish``: the attendance a CSV file states (参与人次, 是否举办) — earlier history
    imported with its participants; nothing for other formats."""
    from zoneinfo import ZoneInfo

    from .imports import RowError, decode_text, detect_format, read_csv_reports

    try:
        text = decode_text(data)
    except RowError:
        return [], []  # read_publish_file said so already
    if as_library is None or detect_format(str(file), text) != "csv":
        return [], []
    tz = ZoneInfo("Asia/Shanghai")
    saved = settings.config or settings.data_dir / "alliance.toml"
    if Path(saved).exists():
        from shuxiang.alliance import load_alliance

        tz = load_alliance(saved).tz
    return read_csv_reports(text, as_library, tz)
