"""Structured logs: SHUXIANG_LOG_FORMAT=json gives one JSON object per line."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

from shuxiang.logs import JsonFormatter


def test_a_record_is_one_json_object_with_chinese_kept() -> None:
    try:
        raise ValueError("坏了")
    except ValueError:
        record = logging.LogRecord(
            "shuxiang.events.consumer", logging.WARNING, __file__, 1, "%s: 批次 %d 未保存", ("dedup", 3), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line  # one line, even with a traceback
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "shuxiang.events.consumer"
    assert entry["message"] == "dedup: 批次 3 未保存"
    assert "ValueError: 坏了" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_the_cli_logs_json_when_asked(tmp_path) -> None:
    code = (
        "import logging, sys\n"
        "from shuxiang.cli import main\n"
        "main(['schemas', '--check'], standalone_mode=False)\n"
        "logging.getLogger('shuxiang.test').info('你好')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "SHUXIANG_LOG_FORMAT": "json"},
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "你好" and entry["logger"] == "shuxiang.test" and entry["level"] == "INFO"
