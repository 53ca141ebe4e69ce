"""The terminal tables the reports draw (``shuxiang.console.box_table``): aligned in display cells,
sections ruled off, styled runs painted only on a colour terminal."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from shuxiang.console import box_table

ROWS = [
    ["津南区图书馆 (jn)", [("███", "red"), ("░░░", "grey50")], "3/12"],
    ["", [("██████", "green")], "12/12"],
    ["和平区图书馆 (hp)", [("█", "red"), ("░░░░░", "grey50")], "1/12"],
]


def draw(console: Console | None = None) -> str:
    return box_table(
        "年度指标 annual quotas",
        [["馆 member", "进度 progress", "完成 done"]],
        ROWS,
        numeric=[False, False, True],
        ends_section={1, 2},
        paint_for=console,
    )


def test_plain_lines_are_equally_wide_with_a_rule_between_sections_and_numbers_on_the_right() -> None:
    title, *lines = draw().splitlines()
    assert title == "年度指标 annual quotas"
    assert len({cell_len(line) for line in lines}) == 1
    assert [line[0] for line in lines] == ["┏", "┃", "┡", "│", "│", "├", "│", "└"]  # no rule after the last row
    assert lines[3] == "│ 津南区图书馆 (jn) │ ███░░░        │      3/12 │"
    assert lines[4] == "│                   │ ██████        │     12/12 │"
    assert "\x1b[" not in "".join(lines)


def test_runs_are_painted_on_a_colour_terminal_and_not_for_no_color() -> None:
    colour = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    painted = draw(colour)
    assert "\x1b[31m███\x1b[0m" in painted  # red
    assert painted.count("\x1b[32m") == 1  # the one green run
    same_width = [line for line in painted.splitlines() if "12/12" in line][0]
    assert same_width.replace("\x1b[32m", "").replace("\x1b[0m", "") == draw().splitlines()[5]
    no_color = Console(file=io.StringIO(), force_terminal=True, color_system="standard", no_color=True)
    assert draw(no_color) == draw()
