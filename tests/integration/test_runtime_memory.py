"""What a runtime keeps between bursts stays bounded (issue 23): the shapes of ``keys_in``'s
statements, the engines' caches and idle connections, the embedded nats-server's heap."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from shuxiang.db import Databases, _prefix_terms, keys_in
from shuxiang.events.nats_server import EmbeddedNatsServer, server_environment


@pytest.fixture(params=["sqlite", "postgres"])
def databases(request, tmp_path: Path) -> Iterator[Databases]:
    if request.param == "sqlite":
        dbs = Databases(data_dir=tmp_path)
    else:
        dbs = Databases(data_dir=tmp_path, database_url=request.getfixturevalue("postgres_url"))
    yield dbs
    dbs.dispose()


def test_prefix_terms_round_up_to_a_power_of_two() -> None:
    assert [_prefix_terms(n) for n in (1, 2, 3, 4, 5, 8, 9, 300)] == [1, 2, 4, 4, 8, 8, 16, 512]


def test_keys_in_pads_its_terms_and_still_selects_exactly_the_keys(databases: Databases) -> None:
    """Any number of prefixes from 5 to 8 gives the one clause of eight terms (one statement for
    SQLAlchemy's and the driver's caches), and the padded terms select no other rows."""
    meta = MetaData()
    table = Table(
        f"t_pad_{uuid.uuid4().hex[:8]}",
        meta,
        Column("library", String(20), primary_key=True),
        Column("ref", String(20), primary_key=True),
        Column("n", Integer),
    )
    engine = databases.engine("memory-test")
    meta.create_all(engine)
    everything = [(f"lib{i}", f"r{j}") for i in range(10) for j in range(6)]
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(table), [{"library": lib, "ref": ref, "n": k} for k, (lib, ref) in enumerate(everything)]
            )
        columns = (table.c.library, table.c.ref)
        clauses = set()
        with engine.connect() as connection:
            for libraries in range(1, 10):
                wanted = {(f"lib{i}", f"r{j}") for i in range(libraries) for j in range(i % 3 + 1)}
                clause, parameters = keys_in(columns, wanted)
                found = connection.execute(select(*columns).where(clause), parameters).all()
                assert sorted(found) == sorted(key for key in everything if key in wanted)
                if 5 <= libraries <= 8:
                    clauses.add(id(clause))
        assert len(clauses) == 1
    finally:
        meta.drop_all(engine)


def test_release_memory_empties_the_caches_and_the_engines_still_work(databases: Databases) -> None:
    engine = databases.engine("memory-test")
    with engine.connect() as connection:
        assert connection.execute(select(1)).scalar() == 1
    assert engine._compiled_cache is not None and len(engine._compiled_cache) > 0
    assert engine.pool.checkedin() == 1
    databases.release_memory()
    assert len(engine._compiled_cache) == 0
    assert engine.pool.checkedin() == 0
    with engine.connect() as connection:
        assert connection.execute(select(2)).scalar() == 2


def test_the_embedded_nats_server_runs_under_a_go_memory_limit(nats_server: EmbeddedNatsServer, monkeypatch) -> None:
    assert nats_server.process is not None
    environ = Path(f"/proc/{nats_server.process.pid}/environ").read_bytes().split(b"\0")
    assert b"GOMEMLIMIT=64MiB" in environ
    monkeypatch.setenv("GOMEMLIMIT", "1GiB")  # the operator's own limit wins
    assert server_environment()["GOMEMLIMIT"] == "1GiB"
