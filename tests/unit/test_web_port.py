"""The web front's port is checked before anything starts (shuxiang.runtime.require_free_port)."""

from __future__ import annotations

import socket

import pytest

from shuxiang.runtime import StartProblem, require_free_port


def test_a_port_out_of_range_or_in_use_is_said_before_anything_starts() -> None:
    with pytest.raises(StartProblem, match="out of range"):
        require_free_port("127.0.0.1", 99999)  # SHUXIANG_PORT=99999 was an OverflowError's traceback
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StartProblem, match=f"port {port} is in use"):
            require_free_port("127.0.0.1", port)
    require_free_port("127.0.0.1", port)  # free again
