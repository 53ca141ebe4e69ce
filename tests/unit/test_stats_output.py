"""The statistics report's terminal table: drawn without rich's layout, aligned in display cells."""

from __future__ import annotations

from rich.cells import cell_len

from shuxiang.services.stats.output import view_table
from shuxiang.services.stats.report import Column, View


def test_a_view_is_a_box_whose_lines_are_equally_wide_with_numbers_on_the_right() -> None:
    view = View(
        "library",
        "按馆",
        "By library",
        [Column("library", "馆", "Library", numeric=False), Column("activities", "活动场次", "Activities")],
        rows=[["jn", 1028], ["津南区图书馆咸水沽分馆", 7]],
    )
    text = view_table("按馆 / By library", view)
    title, *lines = text.splitlines()
    assert title == "按馆 / By library"
    assert len({cell_len(line) for line in lines}) == 1  # Chinese characters count two cells
    assert lines[0].startswith("┏") and lines[3].startswith("┡") and lines[-1].startswith("└")
    assert lines[1] == "┃ 馆                     ┃   活动场次 ┃" and lines[2].startswith("┃ Library ")
    assert lines[4] == "│ jn                     │       1028 │"
    assert lines[5] == "│ 津南区图书馆咸水沽分馆 │          7 │"


def test_the_csv_writes_the_computed_change_without_the_formula_guard() -> None:
    """The report's own "+741.9%" is not a formula a reader slipped in: no ``'`` before it; a name
    starting with "=" still gets one."""
    import csv
    import io
    from types import SimpleNamespace

    from shuxiang.services.stats.output import write_csv

    view = View("summary", "汇总", "Summary", [Column("metric", "指标", "Figure", numeric=False)])
    view.columns += [
        Column("label", "名称", "Name", numeric=False),
        Column("value", "本期", "This period"),
        Column("change", "变化", "Change", numeric=False),
    ]
    view.rows.append(["activities", "=HYPERLINK(1)", 261, "+741.9%"])
    report = SimpleNamespace(label="2026", scope=None, views=[view])
    output = io.StringIO()
    write_csv(report, output)
    rows = list(csv.reader(io.StringIO(output.getvalue())))
    assert rows[1][-2:] == ["value", "261"] and rows[1][4] == "'=HYPERLINK(1)"
    assert rows[2][-2:] == ["change", "+741.9%"]
