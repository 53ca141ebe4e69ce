"""Databases: SQLite files under the data dir (embedded) or one PostgreSQL.

Each service owns its tables.  In the embedded runtime each service also gets
its own SQLite file (``<data-dir>/db/<service>.sqlite3``, WAL mode), so services
never wait on each other's write lock; with ``SHUXIANG_DATABASE_URL`` every
service uses that database, its tables named with the service's prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Delete,
    Engine,
    Insert,
    MetaData,
    Select,
    Table,
    TypeDecorator,
    Update,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    false,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.psycopg import PGCompiler_psycopg
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import SQLModel

from shuxiang.memos import burst_dict, burst_memo

metadata = MetaData()
"""Every table of every service: what Alembic migrates on PostgreSQL."""


class TableModel(SQLModel, registry=registry(metadata=metadata)):
    """The base of the tables declared as SQLModel classes (``class X(Fields, TableModel, table=True)``):
    they land in :data:`metadata` beside the Core ones, each in its service's ``tables.py``.

    SQLModel where a row is also an API body — the class of the table shares its fields, their
    validation and their columns with the body's class (accounts, the brand registry, review
    decisions, digests sent); SQLAlchemy Core tables where batches are written by the thousand
    (docs/architecture.md, "Storage").  Columns are given as ``sa_column`` so that their types,
    comments and defaults are exactly those of the migrations."""


def table_of(model: type[TableModel]) -> Table:
    """The Core :class:`Table` of a SQLModel table class (``select(table_of(X)).where(…)``)."""
    table = model.__table__  # type: ignore[attr-defined]  # set by SQLAlchemy's declarative mapping
    assert isinstance(table, Table)
    return table


K = TypeVar("K")
"""The type of a :class:`RowsByKey` table's key column's values."""


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(connection) -> None:
    # Take the write lock up front: no deadlocked read-to-write upgrades.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, writer: bool = True) -> Engine:
    """An engine; on SQLite a writer engine takes the write lock when a transaction
    begins, a reader engine (``writer=False``) reads a WAL snapshot without blocking."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        if writer:
            event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        engine.dialect.statement_compiler = ArrayInCompiler
    return engine


class ArrayInCompiler(PGCompiler_psycopg):
    """PostgreSQL's statements with ``column IN (list)`` written ``column = ANY (%(list)s::TYPE[])``
    (and NOT IN as ``<> ALL``): one array parameter instead of one a value.

    SQLAlchemy renders an IN list anew for each execution, one placeholder a value, so every
    length of list was another statement: its SQL spelled out again per execution, parsed again by
    psycopg (whose cache is by the statement's text) and planned again by PostgreSQL, never
    prepared.  The batches look rows up by lists of every length; with an array each look-up is
    one statement, whose text is made once.  The same rows either way (NULLs too: ``x IN (…)``
    and ``x = ANY (…)`` are the same test); row values (``tuple_(…).in_``), sub-selects and
    literal rendering keep IN."""

    def visit_in_op_binary(self, binary, operator, **kw) -> str:
        return self._as_array(binary, operator, "= ANY", **kw)

    def visit_not_in_op_binary(self, binary, operator, **kw) -> str:
        return self._as_array(binary, operator, "<> ALL", **kw)

    def _as_array(self, binary, operator, comparison: str, **kw) -> str:
        values = binary.right
        if (
            not isinstance(values, BindParameter)
            or not values.expanding
            or values.type._is_tuple_type  # noqa: SLF001 - SQLAlchemy's own test for a row value
            or kw.get("literal_binds")
            or kw.get("render_postcompile")
        ):
            if operator is operators.not_in_op:
                return super().visit_not_in_op_binary(binary, operator, **kw)
            return self._generate_generic_binary(binary, " IN ", **kw)
        array = values._clone()  # noqa: SLF001 - a clone is matched to the statement's cached values
        array.expanding = False
        array.type = ARRAY(values.type)
        return f"{self.process(binary.left, **kw)} {comparison} ({self.process(array, **kw)})"


def sqlite_url(data_dir: Path, service: str) -> str:
    path = Path(data_dir) / "db" / f"{service}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class Databases:
    """One engine per service (embedded) or one shared engine (PostgreSQL)."""

    def __init__(self, *, data_dir: Path, database_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.database_url = database_url
        self._engines: dict[str, Engine] = {}

    def engine(self, service: str, *, writer: bool = True) -> Engine:
        """The engine a service writes with (``writer=False``: reads with)."""
        if self.database_url:
            key = "shared"
        else:
            key = f"{service}:{'w' if writer else 'r'}"
        if key not in self._engines:
            url = self.database_url or sqlite_url(self.data_dir, service)
            self._engines[key] = make_engine(url, writer=writer)
        return self._engines[key]

    def reader(self, service: str) -> Engine:
        return self.engine(service, writer=False)

    def current_reader(self, service: str, tables) -> Engine:
        """A reader for a command run beside (or instead of) the runtime: an embedded data dir from
        an earlier release first gets the tables and columns this release added (PostgreSQL has
        Alembic for that).  The owning service passes its own tables."""
        if self.database_url is None:
            self.create_tables(service, tables)
        return self.reader(service)

    def create_tables(self, service: str, tables) -> None:
        """Embedded runtime: create the service's tables and indexes that are missing (PostgreSQL
        uses Alembic).  A table new to a database that held tables already — a data dir from an
        earlier release — is filled by its ``info["fill"](connection)``, when it has one: what
        its migration does on PostgreSQL."""
        engine = self.engine(service)
        tables = list(tables)
        existing = set(inspect(engine).get_table_names())
        metadata.create_all(engine, tables=tables)  # a new table comes with its indexes
        for table in tables:
            if table.name in existing:
                _add_missing_columns(engine, table)
                for index in table.indexes:
                    index.create(engine, checkfirst=True)
        if existing:
            with engine.begin() as connection:
                for table in tables:
                    if table.name not in existing and "fill" in table.info:
                        table.info["fill"](connection)

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()

    def release_memory(self) -> None:
        """Give back what the engines keep between bursts: their idle connections (each holds
        SQLite's page cache and its prepared statements, a few MB after a burst) and the
        statements SQLAlchemy compiled.  Both come back on the next use; a connection in use is
        left alone (it is closed when returned)."""
        for engine in self._engines.values():
            engine.dispose(close=True)
            if engine._compiled_cache is not None:
                engine._compiled_cache.clear()


def _add_missing_columns(engine: Engine, table) -> None:
    """A nullable column a release adds to a table of an earlier data dir (what its migration does on
    PostgreSQL, e.g. 0006's quotas_activity.audiences): ALTER TABLE … ADD COLUMN."""
    from sqlalchemy.schema import CreateColumn

    present = {column["name"] for column in inspect(engine).get_columns(table.name)}
    missing = [column for column in table.columns if column.name not in present and column.nullable]
    if missing:
        with engine.begin() as connection:
            for column in missing:
                connection.execute(
                    text(f'ALTER TABLE "{table.name}" ADD COLUMN {CreateColumn(column).compile(engine)}')
                )


class UTCDateTime(TypeDecorator):
    """An instant, stored in UTC on every database and read back as an aware UTC datetime.

    (SQLite keeps no offsets: without this, +08:00 wall times would be stored as if UTC.)
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: instants must carry an offset")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        texts = burst_dict(limit=2048)

        def to_sqlite_text(value: datetime | None) -> str | None:
            # process_bind_param, then the text SQLAlchemy's SQLite DATETIME writes, without its
            # generic formatter; remembered by instant (equal instants in any zone give one text):
            # a batch's rows share their processing time, and dedup's candidate windows repeat the
            # same days — formatting them anew was 3 % of dedup's samples
            if value is None:
                return None
            text = texts.get(value)  # a naive datetime equals no aware one: never found here
            if text is None:
                utc = value
                if utc.tzinfo is not UTC:
                    if utc.tzinfo is None:
                        self.process_bind_param(value, dialect)  # says what is wrong
                    utc = utc.astimezone(UTC)
                text = texts.remember(value, utc.isoformat(" ", "microseconds")[:-6])  # without "+00:00"
            return text

        return to_sqlite_text

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class _ManyPlan:
    """How :func:`execute_many` runs a statement for rows with given keys on a DBAPI."""

    sql: str
    names: tuple[str, ...]
    """The rows' keys, in the order of the statement's positional parameters."""
    processors: tuple[tuple[int, Callable], ...]
    """(position, the type's bind processor) for the parameters that have one."""
    copy: str | None = None
    """For a plain INSERT on PostgreSQL: the ``COPY … FROM STDIN`` that stores the rows instead,
    in one round trip and without a statement per row."""

    def parameters(self, rows: Sequence[dict]) -> list[tuple]:
        take = itemgetter(*self.names)
        if len(self.names) == 1:
            values = [(take(row),) for row in rows]
        else:
            values = [take(row) for row in rows]
        if not self.processors:
            return values
        processed = []
        for given in values:
            row = list(given)
            for position, process in self.processors:
                row[position] = process(row[position])
            processed.append(tuple(row))  # SQLAlchemy hands the DBAPI tuples only
        return processed


_MANY_PLANS: dict[tuple, _ManyPlan | None] = burst_dict()
_MANY_PLANS_LIMIT = 512
_UNPLANNED: Any = object()


def _positional(dialect: Dialect) -> Dialect:
    """``dialect``, or for PostgreSQL (whose driver takes named parameters) the same dialect with
    positional ones (``%s``), which psycopg takes as well: the rows go as tuples."""
    if dialect.positional:
        return dialect
    if dialect.name not in _WITH_FORMAT_PARAMETERS:
        positional = type(dialect)(paramstyle="format")  # type: ignore[call-arg]
        positional.statement_compiler = dialect.statement_compiler
        _WITH_FORMAT_PARAMETERS[dialect.name] = positional
    return _WITH_FORMAT_PARAMETERS[dialect.name]


_WITH_FORMAT_PARAMETERS: dict[str, Dialect] = {}


def _many_plan(statement, keys: tuple[str, ...], dialect) -> _ManyPlan | None:
    """The SQL, the keys in parameter order and their type processors for ``statement`` given
    these keys; None when the statement also needs values the rows do not give (column defaults)."""
    compiled = statement.compile(dialect=_positional(dialect), column_keys=list(keys))
    names = tuple(compiled.positiontup or ())
    if not names or not set(names) <= set(keys) or not set(names) <= compiled.binds.keys():
        return None
    processors = [compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    return _ManyPlan(
        compiled.string,
        names,
        tuple((i, process) for i, process in enumerate(processors) if process is not None),
        _copy_of(statement, names, dialect),
    )


def _copy_of(statement, names: tuple[str, ...], dialect: Dialect) -> str | None:
    """The ``COPY`` that does what ``statement`` does for rows of these keys, when it is a plain
    INSERT of a table's columns on PostgreSQL (no ON CONFLICT, RETURNING, SELECT or values of its own)."""
    if dialect.name != "postgresql" or not isinstance(statement, Insert) or not isinstance(statement.table, Table):
        return None
    if statement._post_values_clause is not None or statement._returning or statement.select is not None:
        return None
    if statement._values or statement._multi_values:
        return None
    quote = dialect.identifier_preparer
    columns = ", ".join(quote.format_column(statement.table.c[name]) for name in names)
    return f"COPY {quote.format_table(statement.table)} ({columns}) FROM STDIN"


class KeptBasis:
    """What a service's kept tallies were derived under, in a one-row table of its own
    (``id`` always 1, ``basis``, ``derived_at``): a report reads the tallies only while the basis
    it would derive now is the stored one (the quotas' rules, the brands' derivation)."""

    ROW_ID = 1

    def __init__(self, table: Table) -> None:
        self.table = table
        self._read = select(table.c.basis).where(table.c.id == self.ROW_ID)

    def stored(self, connection: Connection) -> str | None:
        """The basis the tallies were derived under (None: never, or before they were kept)."""
        return connection.scalar(self._read)

    def store(self, connection: Connection, basis: str, at: datetime) -> None:
        table = self.table
        if connection.execute(
            update(table).where(table.c.id == self.ROW_ID).values(basis=basis, derived_at=at)
        ).rowcount:
            return
        connection.execute(insert(table).values(id=self.ROW_ID, basis=basis, derived_at=at))


def execute_many(connection: Connection, statement, rows: Sequence[dict]) -> None:
    """Run an INSERT / UPDATE / DELETE built once (module level) for each of ``rows`` (every row
    giving the same keys).  On SQLite the statement is compiled once per set of keys and the rows
    go to the DBAPI's ``executemany`` as tuples, each value through the same type processor
    SQLAlchemy would use; on PostgreSQL the same with positional parameters, and a plain INSERT
    is a ``COPY`` instead (one round trip, no statement per row); for statements with column
    defaults this is ``connection.execute(statement, rows)``.

    SQLAlchemy builds and processes a parameter dict per row, which for a batch of projection
    rows costs more than SQLite takes to store them (bench/README.md, "Pipeline throughput")."""
    if not rows:
        return
    dialect = connection.dialect
    plan = None
    if dialect.positional or dialect.name == "postgresql":
        plan_key = (statement, tuple(rows[0]), dialect.name)
        plan = _MANY_PLANS.get(plan_key, _UNPLANNED)
        if plan is _UNPLANNED:
            if len(_MANY_PLANS) >= _MANY_PLANS_LIMIT:
                _MANY_PLANS.clear()
            plan = _MANY_PLANS[plan_key] = _many_plan(statement, plan_key[1], dialect)
    if plan is None:
        connection.execute(statement, list(rows))
        return
    if plan.copy is not None:
        driver = connection.connection.driver_connection  # psycopg's, in this transaction
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(plan.copy) as copy:
            for row in plan.parameters(rows):
                copy.write_row(row)
        return
    connection.exec_driver_sql(plan.sql, plan.parameters(rows))


def keys_in(columns: Sequence, keys: Iterable[tuple], *, name: str = "k") -> tuple[ColumnElement, dict]:
    """``(columns…) IN keys`` in a form both databases answer from an index on ``columns``: the
    clause, and the parameters to execute it with (named ``<name>…``: two of these in one
    statement need two names).

    SQLite scans the whole table for a row-value IN list (``(a, b) IN (VALUES (?, ?), …)``),
    so a batch's look-up of composite keys grew with the table.  This is one term per prefix
    (every column but the last) with the IN list of the last: ``a = ? AND b IN (…) OR a = ?
    AND b IN (…)``, which SQLite (a MULTI-INDEX OR) and PostgreSQL answer by index look-ups.
    The clause for a number of prefixes is built once, its values given as parameters: building
    it anew (a comparison and an IN list a prefix) cost a batch's look-ups more than running them."""
    keys = sorted(set(keys))
    if not keys:
        return false(), {}
    lasts: dict[tuple, list] = {}
    for key in keys:
        lasts.setdefault(tuple(key[:-1]), []).append(key[-1])
    parameters = {}
    for i, (prefix, values) in enumerate(lasts.items()):
        parameters[f"{name}{i}"] = values
        parameters.update((f"{name}{i}_{j}", value) for j, value in enumerate(prefix))
    terms = _prefix_terms(len(lasts))
    for i in range(len(lasts), terms):  # the padding repeats the last term: the same rows
        parameters[f"{name}{i}"] = parameters[f"{name}{len(lasts) - 1}"]
        parameters.update(
            (f"{name}{i}_{j}", parameters[f"{name}{len(lasts) - 1}_{j}"]) for j in range(len(columns) - 1)
        )
    return _keys_in_clause(tuple(columns), terms, name), parameters


def _prefix_terms(prefixes: int) -> int:
    """The number of terms a clause for ``prefixes`` prefixes is built with: the next power of two.

    Every distinct number of terms is a distinct statement, kept by SQLAlchemy's compiled cache
    (500 an engine), :func:`_keys_in_clause`'s and sqlite3's statement cache (128 a
    connection): a batch's prefixes vary from 1 to hundreds, and 8,000 submissions left dedup's
    and quotas' engines with ≈ 200 of these, 1.4 million characters of SQL and their compiled
    forms (every service in one process: 150 MB kept, 52 MB with this and
    :meth:`Databases.release_memory`).  Rounded up, a table has at most a dozen shapes; a padded
    term repeats the last one."""
    return 1 << (prefixes - 1).bit_length()


@burst_memo(maxsize=256)
def _keys_in_clause(columns: tuple, prefixes: int, name: str) -> ColumnElement:
    *prefix_columns, last = columns
    terms = [
        and_(
            *(column == bindparam(f"{name}{i}_{j}") for j, column in enumerate(prefix_columns)),
            last.in_(bindparam(f"{name}{i}", expanding=True)),
        )
        for i in range(prefixes)
    ]
    return terms[0] if len(terms) == 1 else or_(*terms)


@burst_memo(maxsize=512)
def where_once(statement: Select | Delete | Update, *clauses: ColumnElement) -> Select | Delete | Update:
    """``statement.where(*clauses)``, made once for these objects: for a statement built at import
    and the clauses :func:`keys_in` gives (the same object for the same shape).

    SQLAlchemy finds a statement's compiled form by a key it makes by walking the whole statement,
    and keeps that key with the statement object: a ``select(…).where(keys_in clause)`` built anew
    per batch was walked each time (≈ 0.6–0.9 ms for 64 terms, against ≈ 5 µs for the same object
    again; 2.7 % of a pipeline's samples)."""
    return statement.where(*clauses)


class RowsByKey:
    """A table's rows addressed by one key column, through statements built once.

    Projection handlers read the versions they hold, then store the newer ones with the rows
    that go with them (:meth:`store`), a statement per table for a whole batch: building
    ``insert(t).values(...)`` / ``update(t).where(...)`` each time costs SQLAlchemy a new
    statement and a walk for its cache key, more than SQLite takes to run it.  These are built
    once; the values go in as parameters (an UPDATE sets the columns it is given)."""

    def __init__(self, table: Table, key: str) -> None:
        self.table = table
        self.key = key
        column = table.c[key]
        self._insert = insert(table)
        self._update = update(table).where(column == bindparam("_key"))
        many = column.in_(bindparam("_keys", expanding=True))
        self._select_many = {name: select(column, table.c[name]).where(many) for name in table.c.keys()}
        self._delete_many = delete(table).where(many)

    def values(self, connection: Connection, keys: Collection, column: str) -> dict:
        """One column of the rows of ``keys`` that exist, by key: one query for a whole batch."""
        if not keys:
            return {}
        rows = connection.execute(self._select_many[column], {"_keys": list(keys)})
        return {key: value for key, value in rows}

    def insert_many(self, connection: Connection, rows: Mapping[K, dict]) -> None:
        """Insert a row per key (one executemany; every row gives the same columns)."""
        execute_many(connection, self._insert, [{self.key: key, **values} for key, values in rows.items()])

    def update_many(self, connection: Connection, rows: Mapping[K, dict]) -> None:
        """Update the row of each key with its values (one executemany; every row gives the same columns)."""
        execute_many(connection, self._update, [{"_key": key, **values} for key, values in rows.items()])

    def delete_many(self, connection: Connection, keys: Collection) -> None:
        if keys:
            connection.execute(self._delete_many, {"_keys": list(keys)})

    def store(
        self,
        connection: Connection,
        rows: Mapping[K, dict],
        *,
        new: Collection[K],
        children: Sequence[tuple[RowsByKey, list[dict]]] = (),
    ) -> None:
        """Store the newest version of each key: its row (inserted for the keys in ``new``, updated
        for the others) and, in each child table keyed by the same column, the rows given, which
        replace the rows the updated keys had there."""
        self.insert_many(connection, {key: values for key, values in rows.items() if key in new})
        updated = [key for key in rows if key not in new]
        self.update_many(connection, {key: rows[key] for key in updated})
        for child, child_rows in children:
            child.delete_many(connection, updated)
            execute_many(connection, child._insert, child_rows)
