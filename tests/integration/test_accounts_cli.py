"""`shuxiang accounts …` on a data dir that is not shuxiang's, and options that contradict each other."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from shuxiang.cli import main
from tests.conftest import TEST_ALLIANCE


def test_a_mistyped_data_dir_is_said_and_not_made_a_new_empty_one(tmp_path) -> None:
    typo = tmp_path / "shuxiang-dta"
    for command in (["accounts", "list"], ["accounts", "reset", "jn"]):
        result = CliRunner().invoke(main, [*command, "--data-dir", str(typo)])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        assert "no alliance configuration" in result.output and "SHUXIANG_DATA_DIR" in result.output
        assert "--demo" in result.output and not typo.exists()


def test_token_and_both_are_one_or_the_other(tmp_path) -> None:
    shutil.copyfile(TEST_ALLIANCE, tmp_path / "alliance.toml")
    added = CliRunner().invoke(main, ["accounts", "add", "jn", "--data-dir", str(tmp_path)])
    assert added.exit_code == 0, added.output
    result = CliRunner().invoke(main, ["accounts", "reset", "jn", "--token", "--both", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "--token 与 --both 只能选一个" in result.output
    both = CliRunner().invoke(main, ["accounts", "reset", "jn", "--both", "--data-dir", str(tmp_path)])
    assert both.exit_code == 0 and "password=" in both.output and "token=" in both.output
