"""``shuxiang quotas report --year Y [--format table|json|csv]``."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console

from shuxiang.alliance import Tier
from shuxiang.console import Cell, Run, UserError, box_table, data_dir_option, make_settings, resolve_alliance
from shuxiang.i18n import N_, both, gettext
from shuxiang.spreadsheet import SafeWriter

from .report import QuotaReport, end_of_day, quota_report, report_dict
from .tally import Progress

BAR_WIDTH = 12
PER_UNIT = {"month": N_("months"), "quarter": N_("quarters")}
"""After the list of missed periods (zh: 月 / 季)."""
STATE_TEXT = {
    "met": (N_("met"), "green"),
    "on_track": (N_("on track"), "blue"),
    "at_risk": (N_("at risk"), "red"),
    "not_met": (N_("not met"), "red"),
}
"""A state's words (``both(…, sep=" ")``: 已达标 met) and colour."""
CSV_COLUMNS = (
    "year",
    "library_id",
    "library_name",
    "tier",
    "region",
    "rule_id",
    "rule_name",
    "unit",
    "per",
    "minimum",
    "attained",
    "target",
    "expected",
    "count",
    "state",
    "missing_periods",
)


@click.group()
def quotas() -> None:
    """年度指标 / annual activity quotas of the member libraries."""


@quotas.command("report")
@click.option("--year", type=click.IntRange(1949, 2100), default=None, help="The calendar year (default: this year).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--tier", type=click.Choice([t.value for t in Tier]), default=None, help="Only members of this tier.")
@click.option("--region", default=None, help="Only members whose region contains this text, e.g. 天津市.")
@click.option("--library", default=None, help="Only this member library (json: with the credited activities).")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge the pace as of the end of this day (YYYY-MM-DD, alliance time zone). Default: now.",
)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Default: standard output.")
@data_dir_option
def report_command(
    year: int | None,
    fmt: str,
    tier: str | None,
    region: str | None,
    library: str | None,
    as_of: datetime | None,
    output,
    data_dir: Path | None,
) -> None:
    """Progress of each library on each quota rule: attained/target, the pace, on track / at risk / met."""
    from shuxiang.db import Databases

    from .service import NAME
    from .tables import TABLES

    settings = make_settings(data_dir)
    alliance = resolve_alliance(settings)
    if library is not None and alliance.member(library) is None:
        raise UserError("--library: " + both('no member library "{library}"', library=library))
    databases = Databases(data_dir=settings.data_dir, database_url=settings.database_url)
    if settings.database_url is None:
        if not (settings.data_dir / "db" / f"{NAME}.sqlite3").exists():
            raise UserError(both("no quota data in {path}: start it with `shuxiang up` first", path=settings.data_dir))
        databases.create_tables(NAME, TABLES)
    now = end_of_day(as_of.date(), alliance) if as_of else datetime.now(UTC)
    year = year or now.astimezone(alliance.tz).year
    try:
        credits = library is not None and fmt == "json"  # the activities credited: its drill-down
        report = quota_report(
            databases.reader(NAME), alliance, year, now, tier=tier, region=region, library=library, credits=credits
        )
    finally:
        databases.dispose()
    if fmt == "json":
        output.write(json.dumps(report_dict(report, credits=credits), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        write_csv(report, output)
    else:
        print_table(report, output)


def write_csv(report: QuotaReport, output) -> None:
    writer = SafeWriter(output)
    writer.writerow(CSV_COLUMNS)
    for lib in report.libraries:
        for p in lib.rules:
            writer.writerow(
                [
                    report.year,
                    lib.member.id,
                    lib.member.name,
                    lib.member.tier.value,
                    lib.member.region or "",
                    p.rule.id,
                    p.rule.name,
                    p.rule.unit,
                    p.rule.per or "",
                    p.minimum,
                    p.attained,
                    p.target,
                    p.expected,
                    p.count,
                    p.state.value,
                    " ".join(str(i) for i in p.missing),
                ]
            )


def text_bar(p: Progress) -> list[Run]:
    """``██████░░░░░░`` with ``┃`` where the pace expects the library to be by now, a run per colour."""
    filled = round(p.percent * BAR_WIDTH / 100)
    colour = STATE_TEXT[p.state.value][1]
    cells = [("█", colour)] * filled + [("░", "grey50")] * (BAR_WIDTH - filled)
    if p.state.value != "met" and p.expected:
        cells[min(BAR_WIDTH - 1, round(p.expected_percent * BAR_WIDTH / 100) - 1)] = ("┃", "bold")
    return [
        ("".join(char for char, _ in run), style) for style, run in itertools.groupby(cells, key=lambda cell: cell[1])
    ]


def print_table(report: QuotaReport, output) -> None:
    """The members' progress, a row per rule, a rule between members: drawn by
    :func:`shuxiang.console.box_table`, coloured on a terminal."""
    console = Console(file=output, highlight=False, width=None if output.isatty() else 150)
    title = both("annual quotas {year}", year=report.year) + " · " + both("as of", sep=" ")
    heading = [
        both("member library", sep=" "),
        both("rule", sep=" "),
        both("progress", sep=" "),
        both("done/target", sep=" "),
        both("pace", sep=" "),
        both("state", sep=" "),
        both("missing", sep=" "),
    ]
    rows: list[list[Cell]] = []
    ends_section: set[int] = set()
    for lib in report.libraries:
        for index, p in enumerate(lib.rules):
            state, colour = STATE_TEXT[p.state.value]
            rows.append(
                [
                    f"{lib.member.name} ({lib.member.id})" if index == 0 else "",
                    p.rule.name,
                    text_bar(p),
                    f"{p.attained}/{p.target}",
                    str(p.expected),
                    [(both(state, sep=" "), colour)],
                    ",".join(str(i) for i in p.missing)
                    + (" " + gettext("zh-CN", PER_UNIT[p.rule.per]) if p.missing and p.rule.per in PER_UNIT else ""),
                ]
            )
        ends_section.add(len(rows) - 1)
    drawn = box_table(
        f"{title} {report.as_of_local:%Y-%m-%d %H:%M} ({report.timezone})",
        [heading],
        rows,
        numeric=[False, False, False, True, True, False, False],
        ends_section=ends_section,
        paint_for=console,
    )
    output.write(drawn)
    counts = report.counts()
    shown = [state for state in ("met", "on_track", "at_risk", "not_met") if state != "not_met" or counts[state]]
    console.print(" · ".join(f"{both(STATE_TEXT[state][0], sep=' ')} {counts[state]}" for state in shown))
