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


def test_compose_publishes_nothing_on_every_interface_and_hard_codes_no_secret() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    compose = yaml.safe_load(text)
    services = compose["services"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port.startswith("${") and ":-127.0.0.1}" in port, (name, port)  # loopback unless told
    assert "ports" not in services["mail"]  # the mail catcher's inbox holds every digest
    env = compose["x-shuxiang"]["environment"]
    assert env["SHUXIANG_SESSION_SECRET"].startswith("${SHUXIANG_SESSION_SECRET:?")
    assert env["SHUXIANG_BASE_URL"].startswith("${SHUXIANG_BASE_URL:?")
    assert env["SHUXIANG_NATS_URL"].count("nats://shuxiang:${SHUXIANG_NATS_PASSWORD") == 3
    assert "${POSTGRES_PASSWORD:?" in env["SHUXIANG_DATABASE_URL"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    routes = compose["x-nats"]["command"][compose["x-nats"]["command"].index("--routes") + 1]
    assert routes.count("nats://route:${NATS_CLUSTER_PASSWORD") == 3


def test_nats_nodes_take_only_logged_in_clients_and_routes() -> None:
    conf = (DEPLOY / "nats" / "cluster-node.conf").read_text()
    active = "\n".join(line.split("#", 1)[0] for line in conf.splitlines())
    assert "include ./users.conf" in active
    assert "authorization {" in active and "password: $NATS_CLUSTER_PASSWORD" in active
    users = (DEPLOY / "nats" / "users.conf").read_text()
    assert 'user: "shuxiang"' in users and "$2a$" in users
