"""What the command line's help tells an operator: where to look, in words rather than source files."""

from __future__ import annotations

import re

from click.testing import CliRunner

from shuxiang.cli import main
from shuxiang.services.intake.imports import CSV_COLUMNS


def _help(*command: str) -> str:
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_publish_help_names_the_csv_columns_not_a_source_file() -> None:
    said = _help("publish")
    assert not re.search(r"\w+\.py\b", said), said  # it pointed to services/intake/imports.py
    columns = said.split("A CSV has a header row", 1)[1].split("The Chinese names", 1)[0]
    named = set(re.findall(r"\b[a-z]+(?:_[a-z]+)*\b", columns)) & {
        a for aliases in CSV_COLUMNS.values() for a in aliases
    }
    assert {"title", "starts_at", "ends_at", "venue", "category", "source_ref", "revision", "capacity"} <= named
    assert 'README, "The form, the API and imports"' in said


def test_serve_help_says_how_to_set_the_web_port() -> None:
    assert "SHUXIANG_PORT" in _help("serve") and "SHUXIANG_HOST" in _help("serve")
