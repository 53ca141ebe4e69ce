"""The consumer machinery on real databases: SQLite (embedded) and PostgreSQL (distributed)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from shuxiang.alliance import load_alliance
from shuxiang.db import Databases, metadata
from shuxiang.events.consumer import Delivery, Outcome, process_batch
from shuxiang.events.tables import dead_letter, inbox, outbox
from shuxiang.services.dedup.service import build, canonical_activities
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings
from tests.conftest import TEST_ALLIANCE, submission


@pytest.fixture(params=["sqlite", "postgres"])
def databases(request, tmp_path: Path) -> Databases:
    """As tests/conftest.py's, but on PostgreSQL in a schema the migrations made, as a deployment's
    is (``shuxiang migrate``): the storage statements are checked against the migrated tables."""
    if request.param == "sqlite":
        dbs = Databases(data_dir=tmp_path)
    else:
        from shuxiang.deploy.migrations import upgrade

        url = request.getfixturevalue("postgres_url")
        upgrade(url)
        dbs = Databases(data_dir=tmp_path, database_url=url)
    yield dbs
    dbs.dispose()


def deliver(body: dict | bytes, seq: int, *, subject_library: str | None = None) -> Delivery:
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    library = subject_library or (body["library_id"] if isinstance(body, dict) else "jn")
    msg_id = (
        f"sub:{body['library_id']}:{body['source_ref']}:{body.get('revision', 1)}" if isinstance(body, dict) else None
    )
    return Delivery(
        subject=f"shuxiang.activity.submitted.{library}",
        data=data,
        headers={"Nats-Msg-Id": msg_id} if msg_id else {},
        stream_seq=seq,
        timestamp=datetime(2026, 11, 1, 8, 0, seq % 60, tzinfo=UTC),
    )


def test_batch_effects_inbox_outbox_and_dead_letters_commit_together(databases: Databases, tmp_path: Path) -> None:
    context = ServiceContext(
        settings=Settings(data_dir=tmp_path), alliance=load_alliance(TEST_ALLIANCE), databases=databases
    )
    plan = build(context)
    if databases.database_url is None:
        databases.create_tables(plan.name, plan.tables)
    spec, engine = plan.consumers[0], databases.engine(plan.name)

    first = submission("jn", "s-1", start=datetime(2026, 12, 31, 23, 30, tzinfo=UTC).astimezone())
    revised = {**first, "revision": 2, "title": "沽上讲堂（改期）"}
    batch = [
        deliver(first, 1),
        deliver(revised, 2),
        deliver(first, 3),  # an older revision, re-sent
        deliver(b"{broken", 4),
        deliver(submission("tz", "s-2"), 5, subject_library="jn"),
    ]
    outcomes = process_batch(spec, engine, batch)
    assert outcomes == [Outcome.ACK, Outcome.ACK, Outcome.ACK, Outcome.TERM, Outcome.TERM]

    # Redelivery of the whole batch changes nothing.
    assert process_batch(spec, engine, batch) == [Outcome.ACK] * 5

    activities = list(canonical_activities(engine))
    assert [(a.title, a.version, a.sources[0].revision) for a in activities] == [("沽上讲堂（改期）", 2, 2)]
    assert activities[0].starts_at == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # the instant survives storage
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(inbox)) == 4  # the re-sent one shares its id
        assert connection.scalar(select(func.count()).select_from(outbox)) == 2  # created + updated
        reasons = connection.scalars(select(dead_letter.c.reason).order_by(dead_letter.c.stream_seq)).all()
    assert reasons[0].startswith("不是有效的 JSON")
    assert 'names library "tz", not "jn"' in reasons[1]  # tz's id on jn's subject: refused before parsing


def test_postgres_schema_matches_the_models(postgres_url: str) -> None:
    from alembic import command

    from shuxiang.deploy.migrations import alembic_config, upgrade

    upgrade(postgres_url)
    command.check(alembic_config(postgres_url))  # raises if the models need a new migration


def test_execute_many_stores_what_sqlalchemy_stores(databases: Databases) -> None:
    """shuxiang.db.execute_many (the DBAPI's executemany on SQLite; on PostgreSQL positional
    executemany, and COPY for a plain INSERT) against SQLAlchemy's own executemany: the same rows,
    read back the same, for every column type the services use, with the characters COPY escapes."""
    from datetime import timedelta, timezone

    from sqlalchemy import (
        JSON,
        Boolean,
        Column,
        Integer,
        LargeBinary,
        MetaData,
        String,
        Table,
        Text,
        bindparam,
        insert,
        update,
    )

    from shuxiang.db import UTCDateTime, execute_many

    suffix = uuid.uuid4().hex[:8]
    meta = MetaData()
    tables = [
        Table(
            f"t_execute_many_{name}_{suffix}",
            meta,
            Column("id", String(20), primary_key=True),
            Column("at", UTCDateTime),
            Column("doc", JSON),
            Column("flag", Boolean),
            Column("n", Integer),
            Column("note", Text, default="默认"),
            Column("body", LargeBinary),
        )
        for name in ("sqlalchemy", "ours")
    ]
    engine = databases.engine("storage-test")
    meta.create_all(engine)
    east8 = timezone(timedelta(hours=8))
    rows = [
        {
            "id": f"k{i}",
            "at": datetime(2026, 1, 1, 9, i, tzinfo=east8) if i % 3 else None,
            "doc": None if i == 3 else {"书": [i, "香"]},
            "flag": i % 2 == 0,
            "n": i,
            "note": f"第{i}条" if i != 4 else "tab\there\nnew line \\N back\\slash \\. \r",
            "body": None if i == 5 else bytes(range(i * 40, i * 40 + 40)),
        }
        for i in range(6)
    ]
    shared = datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=east8)  # one instant for several rows, as a batch's
    rows += [
        {"id": f"s{i}", "at": at, "doc": {"q": '"\t\\'}, "flag": True, "n": i, "note": "", "body": b"\\\t\n"}
        for i, at in enumerate([shared, shared, shared.astimezone(UTC), shared + timedelta(microseconds=1)])
    ]
    changes = [{"_key": "k1", "n": 99, "at": datetime(2026, 5, 5, 23, 59, tzinfo=UTC)}]
    try:
        for table in tables:
            statements = (insert(table), update(table).where(table.c.id == bindparam("_key")))
            run = execute_many if table is tables[1] else (lambda c, statement, many: c.execute(statement, many))
            with engine.begin() as connection:
                run(connection, statements[0], rows)
                run(connection, statements[1], changes)
                run(connection, statements[0], [{"id": "defaulted", "n": 1}])  # a column default to fill in
        with engine.connect() as connection:
            theirs, ours = ([tuple(r) for r in connection.execute(select(t).order_by(t.c.id))] for t in tables)
            stored = [
                connection.exec_driver_sql(f"SELECT at, doc, flag FROM {t.name} ORDER BY id").all() for t in tables
            ]
        assert ours == theirs
        assert stored[1] == stored[0]  # byte for byte as SQLAlchemy stores them (SQLite keeps instants as text)
        if engine.dialect.name == "sqlite":  # SQLAlchemy's DATETIME text, in UTC
            assert stored[1][2][0] == "2026-05-05 23:59:00.000000" and stored[1][5][0] == "2026-01-01 01:04:00.000000"
        assert ours[0] == ("defaulted", None, None, None, 1, "默认", None)
        assert ours[5][5].startswith("tab\there\nnew line \\N") and ours[5][6] == bytes(range(160, 200))
        assert ours[2][1] == datetime(2026, 5, 5, 23, 59, tzinfo=UTC) and ours[2][4] == 99
        assert ours[3][1] == datetime(2026, 1, 1, 1, 2, tzinfo=UTC)  # +08:00 wall time kept as the instant
    finally:
        meta.drop_all(engine)


def test_keys_in_selects_exactly_the_keys_and_sqlite_answers_it_from_the_index(databases: Databases) -> None:
    """shuxiang.db.keys_in against a Python filter, for keys of one, two and four columns; on
    SQLite its query plan searches the primary key instead of scanning the table (a row-value
    IN list scans it, which made dedup's and the quota sums' look-ups grow with the tables);
    PostgreSQL's plan is checked with the request paths' (tests/integration/test_explain*)."""
    import random

    from sqlalchemy import Column, Integer, MetaData, String, Table, delete, insert

    from shuxiang.db import keys_in

    meta = MetaData()
    table = Table(
        f"t_keys_in_{uuid.uuid4().hex[:8]}",
        meta,
        Column("library", String(20), primary_key=True),
        Column("rule", String(20), primary_key=True),
        Column("year", Integer, primary_key=True),
        Column("month", Integer, primary_key=True),
        Column("n", Integer),
    )
    engine = databases.engine("storage-test")
    meta.create_all(engine)
    rng = random.Random(7)
    everything = [
        (lib, rule, year, month)
        for lib in ("jn", "tz", "书香")
        for rule in ("a", "b")
        for year in (2025, 2026)
        for month in range(1, 13)
    ]
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(table),
                [
                    dict(zip(("library", "rule", "year", "month"), key, strict=True), n=i)
                    for i, key in enumerate(everything)
                ],
            )
        columns = (table.c.library, table.c.rule, table.c.year, table.c.month)
        with engine.connect() as connection:
            for width in (1, 2, 4):
                for size in (1, 5, 40):
                    wanted = {key[:width] for key in rng.sample(everything, size)} | {("无", "x", 1, 1)[:width]}
                    clause, parameters = keys_in(columns[:width], wanted)
                    found = connection.execute(select(*columns).where(clause), parameters).all()
                    assert sorted(found) == sorted(key for key in everything if key[:width] in wanted)
            clause, parameters = keys_in(columns, [])
            assert connection.execute(select(table.c.n).where(clause), parameters).all() == []
            if engine.dialect.name == "sqlite":
                clause, parameters = keys_in(columns, rng.sample(everything, 30))
                compiled = select(table.c.n).where(clause).compile(engine)
                values = compiled.construct_params(parameters)
                bound = tuple(
                    compiled.binds[key].type.process_bind_param(values[key], engine.dialect)
                    for key in compiled.positiontup or ()
                )
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled.string}", bound).all()
                details = [row[3] for row in plan]
                # the keys' JSON is read as a table (json_each); the table itself is searched by key
                assert not any(detail.startswith("SCAN") and "VIRTUAL TABLE" not in detail for detail in details), (
                    details
                )
                assert any("(library=? AND rule=? AND year=? AND month=?)" in detail for detail in details), details
        with engine.begin() as connection:
            clause, parameters = keys_in(columns, everything[:30])
            connection.execute(delete(table).where(clause), parameters)
            assert connection.execute(select(func.count()).select_from(table)).scalar() == len(everything) - 30
    finally:
        meta.drop_all(engine)


def test_keys_in_on_postgresql_looks_each_key_up_in_the_index(postgres_url: str) -> None:
    """On a table of 60,000 rows, PostgreSQL answers keys_in with index scans (no sequential scan),
    and with exactly the rows asked for, strings longer than the column's length included."""
    import sqlalchemy as sa

    from shuxiang.db import keys_in, make_engine

    engine = make_engine(postgres_url)
    meta = MetaData()
    table = Table(
        "keys_in_plan",
        meta,
        Column("library", String(20), primary_key=True),
        Column("ref", String(20), primary_key=True),
        Column("n", Integer),
    )
    meta.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO keys_in_plan SELECT 'l' || mod(i, 300), 'r' || i, i FROM generate_series(1, 60000) i"
            )
            connection.exec_driver_sql("ANALYZE keys_in_plan")
            wanted = [(f"l{i % 300}", f"r{i}") for i in range(1, 60000, 119)] + [("l1", "r1" + "1" * 30)]
            clause, parameters = keys_in((table.c.library, table.c.ref), wanted)
            statement = sa.select(table.c.n).where(clause)
            found = connection.execute(statement, parameters).scalars().all()
            assert sorted(found) == list(range(1, 60000, 119))
            compiled = statement.compile(engine)
            processed = compiled.construct_params(parameters)
            bound = {
                key: compiled.binds[key].type.process_bind_param(value, engine.dialect)
                for key, value in processed.items()
            }
            with connection.connection.driver_connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {compiled.string}", bound)
                plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Index Scan" in plan and "Seq Scan" not in plan, plan
    finally:
        meta.drop_all(engine)
        engine.dispose()


def test_postgresql_plans_each_execution_for_its_parameters(postgres_url: str) -> None:
    """A statement run again and again (psycopg prepares it after five runs) is planned for each
    execution's own parameters: PostgreSQL never falls back to its generic plan, which on a table
    grown since it was planned scanned it whole (shuxiang.db, ``_postgresql_custom_plans``)."""
    import sqlalchemy as sa

    from shuxiang.db import make_engine

    engine = make_engine(postgres_url)
    meta = MetaData()
    table = Table("custom_plans", meta, Column("k", String(20), primary_key=True), Column("n", Integer))
    meta.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(table), [{"k": f"k{i}", "n": i} for i in range(100)])
            statement = sa.select(table.c.n).where(table.c.k == sa.bindparam("k"))
            for i in range(20):
                assert connection.execute(statement, {"k": f"k{i}"}).scalar() == i
            plans = connection.exec_driver_sql(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE strpos(statement, 'custom_plans') > 0"
            ).all()
        assert plans, "psycopg prepared the statement"
        assert all(generic == 0 and custom >= 10 for generic, custom in plans), plans
    finally:
        meta.drop_all(engine)
        engine.dispose()


def test_migration_0003_sums_the_stored_monthly_counts(postgres_url: str) -> None:
    """A deployment upgraded from 0002 keeps its quota counts: 0003 fills quotas_month from them."""
    import sqlalchemy as sa

    from shuxiang.deploy.migrations import upgrade

    upgrade(postgres_url, "0002")
    engine = sa.create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    counts = [
        ("a1", "jn", "r1", 2026, 4, 2),
        ("a2", "jn", "r1", 2026, 4, 1),
        ("a2", "jn", "r1", 2026, 5, 1),
        ("a3", "tz", "r1", 2026, 4, 3),
        ("a3", "tz", "r2", 2027, 1, 1),
    ]
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO quotas_count (activity_id, library_id, rule_id, year, month, n) "
                "VALUES (:a, :l, :r, :y, :m, :n)"
            ),
            [dict(zip("alrymn", row, strict=True)) for row in counts],
        )
    upgrade(postgres_url)
    with engine.connect() as connection:
        sums = connection.execute(
            sa.text(
                "SELECT library_id, rule_id, year, month, n FROM quotas_month ORDER BY library_id, rule_id, year, month"
            )
        ).all()
    engine.dispose()
    assert [tuple(row) for row in sums] == [
        ("jn", "r1", 2026, 4, 3),
        ("jn", "r1", 2026, 5, 1),
        ("tz", "r1", 2026, 4, 3),
        ("tz", "r2", 2027, 1, 1),
    ]


def test_an_embedded_data_dir_from_before_quotas_month_gets_it_filled_and_the_new_indexes(tmp_path: Path) -> None:
    """Embedded data dirs have no migrations: creating the tables of a newer release adds the
    missing table and indexes, and fills quotas_month from the counts already stored."""
    import sqlalchemy as sa

    from shuxiang.services.quotas.tables import TABLES, quotas_count, quotas_month

    databases = Databases(data_dir=tmp_path)
    engine = databases.engine("quotas")
    older = [t for t in TABLES if t is not quotas_month]
    metadata.create_all(engine, tables=older)
    with engine.begin() as connection:  # as the release before left it: no quotas_month, the old index
        connection.exec_driver_sql("DROP INDEX ix_quotas_count_month")
        connection.exec_driver_sql("CREATE INDEX ix_quotas_count_library_year ON quotas_count (library_id, year)")
        connection.execute(
            sa.insert(quotas_count),
            [
                {"activity_id": a, "library_id": lib, "rule_id": "r1", "year": 2026, "month": m, "n": n}
                for a, lib, m, n in [("a1", "jn", 4, 2), ("a2", "jn", 4, 1), ("a3", "tz", 5, 1)]
            ],
        )
    databases.create_tables("quotas", TABLES)
    with engine.connect() as connection:
        sums = connection.execute(sa.select(quotas_month).order_by(quotas_month.c.library_id)).all()
    assert [tuple(row) for row in sums] == [("jn", "r1", 2026, 4, 3), ("tz", "r1", 2026, 5, 1)]
    assert "ix_quotas_count_month" in {i["name"] for i in sa.inspect(engine).get_indexes("quotas_count")}
    databases.create_tables("quotas", TABLES)  # again: nothing new, nothing filled twice
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.sum(quotas_month.c.n))) == 4
    databases.dispose()


def test_an_embedded_data_dir_from_before_audiences_gets_the_column(tmp_path: Path) -> None:
    """quotas_activity.audiences (migration 0004 on PostgreSQL) is added to an older SQLite data dir on
    start, and the facts read back with no audiences until a replay resolves them."""
    import sqlalchemy as sa

    from shuxiang.services.quotas.tables import TABLES, quotas_activity

    databases = Databases(data_dir=tmp_path)
    engine = databases.engine("quotas")
    metadata.create_all(engine, tables=list(TABLES))
    with engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE quotas_activity DROP COLUMN audiences")
    assert "audiences" not in {c["name"] for c in sa.inspect(engine).get_columns("quotas_activity")}
    databases.create_tables("quotas", TABLES)
    databases.create_tables("quotas", TABLES)  # again: nothing to add
    assert "audiences" in {c["name"] for c in sa.inspect(engine).get_columns("quotas_activity")}
    with engine.connect() as connection:
        assert connection.execute(sa.select(quotas_activity.c.audiences)).all() == []
    databases.dispose()


def test_in_lists_select_the_same_rows_and_postgresql_sends_one_statement_for_every_length(
    databases: Databases,
) -> None:
    """``IN`` and ``NOT IN`` over lists (of strings, numbers and instants; empty; with a NULL; as a
    named expanding parameter) select what a Python filter selects, on both databases.  On
    PostgreSQL (shuxiang.db.ArrayInCompiler) each is sent as one statement with an array, the same
    text for every length of list: psycopg parses it once and prepares it, where one IN list a
    length was parsed and planned again each time."""
    import random

    from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, event, insert, tuple_

    from shuxiang.db import UTCDateTime

    meta = MetaData()
    table = Table(
        f"t_in_{uuid.uuid4().hex[:8]}",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(20)),
        Column("at", UTCDateTime),
    )
    engine = databases.engine("storage-test")
    meta.create_all(engine)
    rows = [
        {"id": i, "name": None if i % 7 == 0 else f"名{i}", "at": datetime(2026, 1 + i % 12, 1 + i % 28, tzinfo=UTC)}
        for i in range(60)
    ]
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_: sent.append(statement))
    rng = random.Random(5)
    try:
        with engine.begin() as connection:
            connection.execute(insert(table), rows)
        with engine.connect() as connection:
            for size in (0, 1, 3, 17, 60):
                picked = rng.sample(rows, size)
                names = [row["name"] for row in picked] + ["无此名"]
                ids = [row["id"] for row in picked]
                instants = [row["at"] for row in picked]
                cases = [
                    (table.c.name.in_(names), lambda r, names=names: r["name"] is not None and r["name"] in names),
                    (
                        table.c.name.not_in(names),
                        lambda r, names=names: r["name"] is not None and r["name"] not in names and None not in names,
                    ),
                    (table.c.id.in_(ids), lambda r, ids=ids: r["id"] in ids),
                    (table.c.id.not_in(ids), lambda r, ids=ids: r["id"] not in ids),
                    (table.c.at.in_(instants), lambda r, instants=instants: r["at"] in instants),
                    (
                        tuple_(table.c.id, table.c.name).in_([(r["id"], r["name"]) for r in picked if r["name"]]),
                        lambda r, picked=picked: r in picked and r["name"] is not None,
                    ),
                ]
                for clause, wanted in cases:
                    found = connection.execute(select(table.c.id).where(clause)).scalars().all()
                    assert sorted(found) == sorted(r["id"] for r in rows if wanted(r)), (size, str(clause))
                named = select(table.c.id).where(table.c.id.in_(bindparam("ids", expanding=True)))
                assert sorted(connection.execute(named, {"ids": ids}).scalars()) == sorted(ids)
        if engine.dialect.name == "postgresql":
            selects = {statement for statement in sent if statement.startswith("SELECT")}
            # five lengths of list, one text a comparison; only the row value keeps IN, one a length
            assert len([s for s in selects if "name = ANY" in s]) == 1, selects
            assert len([s for s in selects if "name <> ALL" in s]) == 1, selects
            assert len([s for s in selects if "id = ANY" in s]) == 2, selects  # the list, the named one
            assert {" IN " in s for s in selects if "ANY" in s or "ALL" in s} == {False}
            assert len([s for s in selects if " IN " in s]) == 5, selects
    finally:
        meta.drop_all(engine)
