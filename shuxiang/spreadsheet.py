"""CSV that a spreadsheet opens as text, not as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel, LibreOffice and WPS (CSV injection: ``=HYPERLINK("https://evil.example", "点击")`` in an
activity title).  Such a cell is written with a leading ``'``, the spreadsheets' own mark for
"text" (OWASP's advice); numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose every text cell is :func:`safe_cell`."""

    def __init__(self, output, **options) -> None:
        self._writer = csv.writer(output, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
