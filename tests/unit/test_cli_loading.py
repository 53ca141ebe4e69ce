"""The command line loads a service's command group only when it is asked for (shuxiang/cli.py)."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from shuxiang.cli import SERVICE_COMMANDS, main


def test_every_service_group_loads_under_its_own_name_and_is_listed() -> None:
    context = click.Context(main)
    assert set(SERVICE_COMMANDS) <= set(main.list_commands(context))
    for name in SERVICE_COMMANDS:
        command = main.get_command(context, name)
        assert isinstance(command, click.Group) and command.name == name
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in [*SERVICE_COMMANDS, "publish", "up"]:
        assert f"  {name} " in result.output


def test_a_command_of_its_own_imports_no_service_group() -> None:
    # a fresh interpreter: this test process may have imported them already
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from shuxiang.cli import SERVICE_COMMANDS, main\n"
        "result = CliRunner().invoke(main, ['publish', '--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "loaded = [m for m in (p.partition(':')[0] for p in SERVICE_COMMANDS.values()) if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == ""


def test_publish_finds_the_broker_without_importing_the_runtime(tmp_path) -> None:
    # `shuxiang publish` reads runtime.json (shuxiang/running.py); importing the runtime brought every
    # service with it: half of a one-line publish's second of CPU
    lines = tmp_path / "one.jsonl"
    lines.write_text("{}\n")
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from shuxiang.cli import main\n"
        f"result = CliRunner().invoke(main, ['publish', {str(lines)!r}, '--wait', '--data-dir', {str(tmp_path)!r}])\n"
        "print(result.exit_code, 'shuxiang.runtime' in sys.modules, 'not running on' in result.output)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["1", "False", "True"]
