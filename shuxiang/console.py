"""What every command shares: the console, errors a user can fix, settings, the alliance,
progress bars.  The service packages' command groups (``services/*/cli.py``) build on it
and ``shuxiang.cli`` assembles them; nothing here imports a command."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shuxiang.alliance import Alliance, AllianceConfigError, load_alliance, load_demo_alliance
from shuxiang.i18n import both
from shuxiang.settings import Settings

console = Console(stderr=True, highlight=False, soft_wrap=True)

ALLIANCE_FILE = "alliance.toml"


class UserError(click.ClickException):
    """An error the user can fix: printed without a traceback, exit code 1."""

    def show(self, file=None) -> None:
        label = both("error")
        console.print(f"[bold red]{label}:[/] {self.message}")


def make_settings(data_dir: Path | None, **overrides) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return Settings(**values)


def resolve_alliance(
    settings: Settings, *, config: Path | None = None, demo: bool = False, remember: bool = False
) -> Alliance:
    """The alliance: --config FILE, --demo, or the one saved in the data dir."""
    saved = settings.data_dir / ALLIANCE_FILE
    source: Path | None = config or settings.config
    try:
        if source is not None:
            alliance = load_alliance(source)
        elif demo:
            alliance = load_demo_alliance()
        elif saved.exists():
            return load_alliance(saved)
        else:
            raise UserError(
                both("no alliance configuration in {path}: pass --config FILE or --demo", path=settings.data_dir)
            )
    except AllianceConfigError as exc:
        raise UserError(str(exc)) from None
    if remember:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if source is not None:
            shutil.copyfile(source, saved)
        else:
            from importlib.resources import files

            saved.write_bytes(files("shuxiang.demo").joinpath("alliance.toml").read_bytes())
    return alliance


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    envvar="SHUXIANG_DATA_DIR",
    help="Where state lives (SQLite, the broker's store, the email outbox). Default: ./shuxiang-data",
)


def progress_bar() -> Progress:
    """A progress bar on standard error, shown only on a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    )
