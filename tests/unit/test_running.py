"""runtime.json: what a running `shuxiang up` says about itself (shuxiang/running.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from shuxiang.running import RUNTIME_FILE, remove_runtime_info, runtime_info, write_runtime_info


def test_written_info_is_read_back_and_only_its_owner_may_read_it(tmp_path) -> None:
    write_runtime_info(tmp_path, nats_url="nats://shuxiang:secret@127.0.0.1:4222", web_url="http://127.0.0.1:8000")
    info = runtime_info(tmp_path)
    assert info == {
        "pid": os.getpid(),
        "nats_url": "nats://shuxiang:secret@127.0.0.1:4222",
        "web_url": "http://127.0.0.1:8000",
    }
    assert oct((tmp_path / RUNTIME_FILE).stat().st_mode)[-3:] == "600"
    remove_runtime_info(tmp_path)
    assert not (tmp_path / RUNTIME_FILE).exists() and runtime_info(tmp_path) is None


def test_a_file_left_by_a_process_that_is_gone_says_nothing_runs(tmp_path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / RUNTIME_FILE).write_text(json.dumps({"pid": int(gone.stdout), "nats_url": "nats://x"}))
    assert runtime_info(tmp_path) is None
    for broken in ["", "{", "[]", '{"nats_url": "nats://x"}', '{"pid": "one"}']:
        (tmp_path / RUNTIME_FILE).write_text(broken)
        assert runtime_info(tmp_path) is None


def test_another_process_s_file_is_left_alone(tmp_path) -> None:
    # a second `up` that refused to start must not take away the running one's
    (tmp_path / RUNTIME_FILE).write_text(json.dumps({"pid": os.getppid(), "nats_url": "nats://x"}))
    remove_runtime_info(tmp_path)
    assert runtime_info(tmp_path) == {"pid": os.getppid(), "nats_url": "nats://x"}
