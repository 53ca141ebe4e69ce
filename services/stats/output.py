"""The report's outputs: a terminal table, JSON, CSV (one row per view and row) and an XLSX workbook
(one sheet per view, with openpyxl).  All render the same views (:class:`.report.View`)."""

from __future__ import annotations

import json
from typing import IO

from shuxiang.console import box_table
from shuxiang.i18n import both
from shuxiang.spreadsheet import SafeWriter

from .report import StatsReport

COMPUTED_TEXT = frozenset({"change"})
"""Text columns the report computes (a change: "+741.9%", "+2.5 个百分点"): no reader wrote them,
so the formula guard's ``'`` is not put before their sign."""


def write_json(report: StatsReport, output: IO[str]) -> None:
    output.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")


def write_csv(report: StatsReport, output: IO[str]) -> None:
    """Long form: ``view, key, name, column, value`` — one line per figure, for spreadsheets and scripts."""
    writer = SafeWriter(output)  # a name may start like a formula; a file starts with the BOM
    writer.writerow(["years", "scope", "view", "key", "name", "column", "value"])
    years, scope = report.label, report.scope or "alliance"
    for view in report.views:
        key_column, *rest = view.columns
        for row in view.rows:
            values = dict(zip((c.key for c in view.columns), row, strict=True))
            name = values.get("name", values.get("label", ""))
            for column in rest:
                if column.key in ("name", "label"):
                    continue
                writer.writerow(
                    [years, scope, view.id, values[key_column.key], name, column.key, values[column.key]],
                    computed=[6] if column.key in COMPUTED_TEXT else [],
                )


def write_table(report: StatsReport, output: IO[str], lang: str = "zh-CN") -> None:
    """The views as box-drawn tables (:func:`shuxiang.console.box_table`: rich's Table took ≈ 0.5 s
    of CPU to lay out an alliance's 700 rows, longer than computing the report)."""
    statistics, previous = both("Statistics"), both("previous period", sep=" ")
    output.write(
        f"{report.scope_name} · {report.label} {statistics} "
        f"({previous}: {report.previous_years[0]}–{report.previous_years[-1]}; {report.timezone})\n"
    )
    for view in report.views:
        if view.rows:
            output.write(view_table(f"{view.zh} / {view.en}", view))


def view_table(title: str, view) -> str:
    """One view: its title, a two-line heading (中文 / English), its rows; numbers right-aligned."""
    return box_table(
        title,
        [[column.zh for column in view.columns], [column.en for column in view.columns]],
        [[view.cell(row, index) for index in range(len(row))] for row in view.rows],
        numeric=[column.numeric for column in view.columns],
    )


def sheet_title(title: str) -> str:
    """A view's title as a sheet's name (Excel: at most 31 characters, none of []:*?/\\): a Chinese
    workbook's sheets were named summary, category, … in English."""
    return "".join(" " if c in "[]:*?/\\" else c for c in title).strip()[:31]


def workbook(report: StatsReport, lang: str = "zh-CN"):
    """The report as an openpyxl Workbook: a sheet per view, headers in both languages, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E5E7EB")
    for view in report.views:
        sheet = book.create_sheet(title=sheet_title(view.title(lang)))
        sheet.append([f"{report.scope_name} · {report.label} · {view.title(lang)}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([column.zh if lang != "en" else column.en for column in view.columns])
        for cell in sheet[2]:
            cell.font, cell.fill = bold, fill
        for number, row in enumerate(view.rows, start=3):
            sheet.append(row)
            for index in range(len(row)):
                if view.is_percent(row, index):
                    sheet.cell(row=number, column=index + 1).number_format = "0.0%"
        for index, column in enumerate(view.columns, start=1):
            width = max(
                [
                    len(str(column.zh)) * 2,
                    *(len(str(r[index - 1])) * (2 if not column.numeric else 1) + 2 for r in view.rows),
                ],
                default=8,
            )
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), 40)
            if column.numeric:
                for cells in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                    cells[0].alignment = Alignment(horizontal="right")
        sheet.freeze_panes = "A3"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToHeight = 0
    return book


def write_xlsx(report: StatsReport, output, lang: str = "zh-CN") -> None:
    workbook(report, lang).save(output)
