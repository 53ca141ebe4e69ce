"""``<data-dir>/runtime.json``: what a running ``shuxiang up`` says about itself (its pid, its broker's
and its web front's URLs), for the commands run beside it (``publish``, ``replay``, a second ``up``).

A module of its own, beside the settings, so that those commands learn the broker's URL without
importing the runtime and every service with it (``shuxiang publish`` of one line spent half of its
second of CPU importing them)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

RUNTIME_FILE = "runtime.json"


def runtime_info(data_dir: Path) -> dict | None:
    """What a running ``shuxiang up`` on this data dir published about itself; None when none runs."""
    path = Path(data_dir) / RUNTIME_FILE
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    try:
        os.kill(info["pid"], 0)
    except (OSError, KeyError, TypeError):
        return None  # left behind by a process that is gone
    return info


def write_runtime_info(data_dir: Path, *, nats_url: str, web_url: str) -> None:
    """Say that this process runs on ``data_dir`` (readable by its owner only: the broker's URL
    holds the runtime's password)."""
    info = {"pid": os.getpid(), "nats_url": nats_url, "web_url": web_url}
    fd = os.open(Path(data_dir) / RUNTIME_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(json.dumps(info))


def remove_runtime_info(data_dir: Path) -> None:
    """Take back what :func:`write_runtime_info` said, if this process said it (a second ``up`` that
    refused to start leaves the first one's)."""
    path = Path(data_dir) / RUNTIME_FILE
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
