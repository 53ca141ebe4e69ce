"""CSV that a spreadsheet opens as text, not as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel, LibreOffice and WPS (CSV injection: ``=HYPERLINK("https://evil.example", "点击")`` in an
activity title).  Such a cell is written with a leading ``'``, the spreadsheets' own mark for
"text" (OWASP's advice); numbers stay numbers.

A file (``-o FILE``, a download) starts with the byte order mark: Excel on a Chinese Windows reads
a CSV without one in the system's code page, and the Chinese turns to mojibake.  Standard output,
which a script reads, does not.
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


BOM = "\ufeff"


def is_named_file(output) -> bool:
    """Whether ``output`` is a file of its own (``-o FILE``), not standard output."""
    name = getattr(output, "name", None)
    return isinstance(name, str) and name not in ("-", "<stdout>", "<stderr>")


class SafeWriter:
    """``csv.writer`` whose every text cell is :func:`safe_cell`, starting a file with the byte order
    mark (``bom``: always, never, or — None — when ``output`` is a named file)."""

    def __init__(self, output, *, bom: bool | None = None, **options) -> None:
        if bom or (bom is None and is_named_file(output)):
            output.write(BOM)
        self._writer = csv.writer(output, **options)

    def writerow(self, row: Iterable[Any], *, computed: Iterable[int] = ()) -> Any:
        """``computed``: the indices of cells the system wrote itself (a change "+741.9%", never a
        reader's text), written as they are — the guard's ``'`` would show in the cell."""
        kept = set(computed)
        return self._writer.writerow([v if i in kept else safe_cell(v) for i, v in enumerate(row)])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
