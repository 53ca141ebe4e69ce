"""The distributed deployment files agree with the code."""

from __future__ import annotations

from pathlib import Path

import yaml

from shuxiang.runtime import SERVICE_BUILDERS

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_compose_runs_every_service_after_migrations_on_a_three_node_cluster() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    served = {s["command"][1] for s in services.values() if s.get("command", [None])[0] == "serve"}
    assert served == set(SERVICE_BUILDERS) | {"web"}
    assert {"nats-1", "nats-2", "nats-3", "postgres", "mail", "migrate"} <= set(services)
    for name in SERVICE_BUILDERS:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        env = services[name]["environment"]
        assert env["SHUXIANG_STREAM_REPLICAS"] == "3"
        assert env["SHUXIANG_NATS_URL"].count("nats://") == 3


def test_nats_node_config_fsyncs_and_routes_to_all_three() -> None:
    conf = (DEPLOY / "nats" / "cluster-node.conf").read_text()
    assert "sync_interval: always" in conf
    assert all(f"nats://nats-{i}:6222" in conf for i in (1, 2, 3))
