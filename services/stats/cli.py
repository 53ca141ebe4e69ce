"""``shuxiang stats report --year Y [--library ID] [--period ID] --format table|json|csv|xlsx [-o FILE]``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from shuxiang.console import UserError, data_dir_option, make_settings, resolve_alliance
from shuxiang.i18n import both


@click.group()
def stats() -> None:
    """年度统计 / the annual statistics report."""


@stats.command("report")
@click.option("--year", type=click.IntRange(1949, 2100), default=None, help="The calendar year (default: this year).")
@click.option(
    "--period", default=None, help="A plan period of the alliance file ([[plan_periods]] id), e.g. 14th-five-year."
)
@click.option("--library", default=None, help="A member: it and every library under it (default: the whole alliance).")
@click.option("--no-subtree", "member_only", is_flag=True, help="With --library: that member alone, not its branches.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table", show_default=True
)
@click.option(
    "--lang",
    type=click.Choice(["zh-CN", "en"]),
    default="zh-CN",
    show_default=True,
    help="The language of names and sheet headers.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A file (default: standard output; XLSX too).",
)
@data_dir_option
def report_command(
    year: int | None,
    period: str | None,
    library: str | None,
    member_only: bool,
    fmt: str,
    lang: str,
    output: Path | None,
    data_dir: Path | None,
) -> None:
    """Activities held by category, audience, campaign, month, role and library; participants; co-hosted
    activities; brand sessions; not held and cancelled shown apart; quota outcomes; change against the
    period before — for the alliance, a member or a subtree, a year or a plan period."""
    from shuxiang.db import Databases
    from shuxiang.services.dedup.service import NAME as DEDUP
    from shuxiang.services.dedup.service import canonical_reader
    from shuxiang.services.quotas.service import tallies_reader
    from shuxiang.services.registrations.service import registrations_reader

    from . import output as out
    from .report import stats_report
    from .service import stats_reader

    if year is not None and period is not None:
        raise UserError(both("give --year or --period, not both"))
    settings = make_settings(data_dir)
    alliance = resolve_alliance(settings)
    databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
    if settings.database_url is None:
        if not (settings.data_dir / "db" / f"{DEDUP}.sqlite3").exists():
            raise UserError(
                both("no activity data in {path}: start it with `shuxiang up` first", path=settings.data_dir)
            )
    canonical_reader(databases)  # a data dir from an earlier release gets what this one reads
    tallies_reader(databases)
    registrations_reader(databases)
    stats_reader(databases)
    try:
        report = stats_report(
            databases,
            alliance,
            datetime.now(UTC),
            year=year,
            period=period,
            library=library,
            lang=lang,
            subtree=not member_only,
        )
    except LookupError as exc:
        raise UserError(str(exc)) from None
    finally:
        databases.dispose()
    if fmt == "xlsx":
        if output is None and sys.stdout.isatty():
            raise UserError(both("XLSX is binary: give -o FILE or redirect"))
        try:
            out.write_xlsx(report, output or sys.stdout.buffer, lang)
        except OSError as exc:
            raise UserError(both("cannot write {path}: {error}", path=output, error=exc.strerror or exc)) from None
        return
    try:
        stream = output.open("w", encoding="utf-8") if output else sys.stdout
    except OSError as exc:
        raise UserError(both("cannot write {path}: {error}", path=output, error=exc.strerror or exc)) from None
    try:
        {"json": out.write_json, "csv": out.write_csv}.get(fmt, lambda r, o: out.write_table(r, o, lang))(
            report, stream
        )
    finally:
        if output:
            stream.close()
