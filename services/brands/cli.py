"""``shuxiang brands report``: every brand's figures and the 一馆一品 coverage."""

from __future__ import annotations

import json
from datetime import date, tzinfo
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from shuxiang.console import UserError, data_dir_option, make_settings, resolve_alliance
from shuxiang.db import Databases
from shuxiang.i18n import N_, both
from shuxiang.spreadsheet import SafeWriter

from .service import NAME, local_today
from .store import BrandsReport, brands_report
from .tables import TABLES

COLUMNS = (
    "brand_id",
    "name",
    "library_id",
    "category",
    "status",
    "sessions_this_year",
    "sessions_total",
    "editions_this_year",
    "editions_total",
    "yearly_editions",
    "participants_this_year",
    "participants_total",
    "years_running",
    "months_running",
    "last_held",
    "next_scheduled",
    "libraries",
    "venues",
    "inferred_links",
)
STATUS_STYLE = {"active": "green", "quiet": "yellow", "lapsed": "red"}
STATUS_NAMES = {"active": N_("active"), "quiet": N_("quiet"), "lapsed": N_("lapsed")}


@click.group("brands")
def brands() -> None:
    """一馆一品: brand programmes and how they are held."""


@brands.command("report")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Compute the figures as of this day (YYYY-MM-DD; default: today in the alliance's zone).",
)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Default: standard output.")
@data_dir_option
def report_command(fmt: str, today, output, data_dir: Path | None) -> None:
    """Every brand: sessions and editions (this year, in total), participants, years running,
    last held and next scheduled, status; then members without a brand."""
    settings = make_settings(data_dir)
    alliance = resolve_alliance(settings)
    databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
    if settings.database_url is None:
        if not (settings.data_dir / "db" / f"{NAME}.sqlite3").exists():
            raise UserError(both("no brand data in {path}: start it once with `shuxiang up`", path=settings.data_dir))
        databases.create_tables(NAME, TABLES)
    day: date = today.date() if today else local_today(alliance)
    try:
        result = brands_report(databases.reader(NAME), alliance, day)
    finally:
        databases.dispose()
    if fmt == "json":
        output.write(json.dumps(report_json(result, alliance.tz), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        write_csv(result, output, alliance.tz)
    else:
        print_table(result, alliance, output)


def rows(result: BrandsReport, tz: tzinfo) -> list[dict]:
    out = []
    for entry in result.entries:
        summary = entry.figures.summary(tz)
        out.append(
            {
                "brand_id": entry.brand.id,
                "name": entry.brand.name,
                "library_id": entry.brand.library_id,
                "category": entry.brand.category.value,
                **{k: summary[k] for k in COLUMNS if k in summary},
            }
        )
    return out


def report_json(result: BrandsReport, tz: tzinfo) -> dict:
    cov = result.coverage
    return {
        "today": result.today.isoformat(),
        "brands": rows(result, tz),
        "coverage": {
            "members_without_brand": list(cov.members_without_brand),
            "heads_without_brand": list(cov.heads_without_brand),
            "active": list(cov.active),
            "quiet": list(cov.quiet),
            "lapsed": list(cov.lapsed),
        },
    }


def write_csv(result: BrandsReport, output, tz: tzinfo) -> None:
    writer = SafeWriter(output)
    writer.writerow(COLUMNS)
    for row in rows(result, tz):
        writer.writerow(
            ["|".join(v) if isinstance(v, list) else "" if v is None else v for v in (row[c] for c in COLUMNS)]
        )


def print_table(result: BrandsReport, alliance, output) -> None:
    console = Console(file=output, highlight=False, soft_wrap=False, width=160)
    title = both("One library, one brand")
    table = Table(title=f"{title} · {alliance.name} · {result.today.isoformat()}", title_justify="left")
    for header, justify in [
        (both("brand", sep=" "), "left"),
        (both("home library", sep=" "), "left"),
        (both("status", sep=" "), "left"),
        (both("sessions this year", sep=" "), "right"),
        (both("sessions in total", sep=" "), "right"),
        (both("issues", sep=" "), "right"),
        (both("yearly editions", sep=" "), "right"),
        (both("participants", sep=" "), "right"),
        (both("years running", sep=" "), "right"),
        (both("last held", sep=" "), "left"),
        (both("next", sep=" "), "left"),
    ]:
        table.add_column(header, justify=justify)
    tz = alliance.tz
    for entry in result.entries:
        f = entry.figures
        colour = STATUS_STYLE[f.status]
        status = both(STATUS_NAMES[f.status], sep=" ")
        member = alliance.member(entry.brand.library_id)
        table.add_row(
            entry.brand.name,
            member.name if member else entry.brand.library_id,
            f"[{colour}]{status}[/]",
            str(f.sessions_this_year),
            str(f.sessions_total),
            str(f.editions_total),
            str(f.yearly_editions),
            f"{f.participants_total:,}",
            str(f.years_running),
            f.last_held.astimezone(tz).date().isoformat() if f.last_held else "—",
            f.next_scheduled.astimezone(tz).date().isoformat() if f.next_scheduled else "—",
        )
    console.print(table)
    cov = result.coverage
    names = [(alliance.member(i).name if alliance.member(i) else i) for i in cov.members_without_brand]
    console.print(both("members without a brand") + f": {len(names)}" + (f" — {'、'.join(names)}" if names else ""))
    heads = [(alliance.member(i).name if alliance.member(i) else i) for i in cov.heads_without_brand]
    if heads:
        heading = both("head libraries")
        console.print(f"[bold red]{heading}: {'、'.join(heads)}[/]")
