"""Databases: SQLite files under the data dir (embedded) or one PostgreSQL.

Each service owns its tables.  In the embedded runtime each service also gets
its own SQLite file (``<data-dir>/db/<service>.sqlite3``, WAL mode), so services
never wait on each other's write lock; with ``SHUXIANG_DATABASE_URL`` every
service uses that database, its tables named with the service's prefix.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Delete,
    Engine,
    Float,
    FromClause,
    Insert,
    Integer,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    TypeDecorator,
    Update,
    bindparam,
    cast,
    create_engine,
    delete,
    event,
    false,
    func,
    insert,
    inspect,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql.psycopg import PGCompiler_psycopg
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import registry
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import SQLModel

from shuxiang.i18n import both
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


class DatabaseProblem(RuntimeError):
    """The database cannot be used: what is wrong and what to do, in one line for the operator,
    its URL without the password.  ``serve`` and ``migrate`` say it instead of a traceback."""


def without_password(url: str) -> str:
    """``postgresql://user:secret@host/db`` as ``postgresql://user@host/db``, for a message (as the
    broker's URLs are said: events/broker.py)."""
    scheme, _, rest = url.rpartition("://")
    credentials, at, address = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':', 1)[0]}@{address}" if at else url


@contextmanager
def database_problems(url: str) -> Iterator[None]:
    """Turns what connecting to ``url`` raises into a :class:`DatabaseProblem` that says what to do:
    a URL shuxiang does not run on, a database that does not exist, a refused login, no answer."""
    where = without_password(url)
    try:
        yield
    except (ArgumentError, NoSuchModuleError, ImportError):  # mysql://: no MySQLdb; foo://: no dialect
        raise DatabaseProblem(
            both(
                "{url} is not a database URL shuxiang runs on (postgresql://user:password@host:5432/database): "
                "check SHUXIANG_DATABASE_URL",
                url=where,
            )
        ) from None
    except OperationalError as error:
        reason = str(error.orig or error).strip()  # libpq's own words
        if "database" in reason and "does not exist" in reason:
            raise DatabaseProblem(
                both("the database {url} does not exist: create the database, then run `shuxiang migrate`", url=where)
            ) from None
        if "authentication failed" in reason or ("role" in reason and "does not exist" in reason):
            raise DatabaseProblem(
                both("the database server refused the login of {url}: check SHUXIANG_DATABASE_URL", url=where)
            ) from None
        # the first line names the server and the cause ("… port 8199 failed: Connection refused")
        cause = reason.splitlines()[0].removeprefix("connection failed: ").strip() if reason else repr(error)
        raise DatabaseProblem(
            both(
                "could not reach the database {url} ({cause}): check SHUXIANG_DATABASE_URL and that the "
                "database server is running",
                url=where,
                cause=cause,
            )
        ) from None


CONNECT_TIMEOUT_SECONDS = 10
"""How long a PostgreSQL connection waits for a server that does not answer (a filtered port)."""


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
    timeout = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if url.startswith("postgresql") else {}
    with database_problems(url):
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args=timeout)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_custom_plans)
        if engine.dialect.driver == "psycopg":
            engine.dialect.statement_compiler = ArrayInCompiler
    return engine


def _postgresql_custom_plans(dbapi_connection, _record) -> None:
    """Every statement planned for its own parameters (``plan_cache_mode``), never by a generic plan.

    psycopg prepares a statement run five times; PostgreSQL then plans it for the parameters of
    five executions and afterwards keeps a generic plan, made without them, when that looks no
    dearer — judged on the statistics of the moment.  The batches' look-ups (an inbox's message ids
    as one array, dedup's candidate windows, quotas' partners) are prepared while their tables are
    young, and their generic plans scanned the grown tables: in a replay of 10,000 realistic
    submissions 121 inbox look-ups took 11.7 s (97 ms each) and dedup's window queries 7 s; planned
    for their parameters the server spends ≈ 0.2 s and 0.8 s on them, and the consumers' wall
    time fell from 4.1 to 2.5 ms a submission (``python -m bench.handlers --postgres``).  Planning
    takes ≈ 0.02–3 ms a statement, the rows are the same either way, and the statements stay
    prepared (parsed once)."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    dbapi_connection.commit()


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


def sqlite_file(data_dir: Path, service: str) -> Path:
    """Where a service's SQLite database is (``<data-dir>/db/<service>.sqlite3``)."""
    return Path(data_dir) / "db" / f"{service}.sqlite3"


def sqlite_url(data_dir: Path, service: str) -> str:
    path = sqlite_file(data_dir, service)
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

    def require_tables(self, tables) -> None:
        """:class:`DatabaseProblem` unless the database (``SHUXIANG_DATABASE_URL``) answers and holds
        ``tables``: a service started on a database that was never migrated failed at its first
        query with a traceback (``relation "outbox" does not exist``)."""
        assert self.database_url is not None, "the embedded runtime creates its tables"
        with database_problems(self.database_url):
            existing = set(inspect(self.engine("shared")).get_table_names())
        needed = {table.name for table in tables}
        missing = sorted(needed - existing)
        if missing == sorted(needed):
            raise DatabaseProblem(
                both(
                    "the database {url} has no shuxiang tables: run `shuxiang migrate`",
                    url=without_password(self.database_url),
                )
            )
        if missing:
            shown = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
            raise DatabaseProblem(
                both(
                    "the database {url} lacks the tables of this release ({tables}): run `shuxiang migrate`",
                    url=without_password(self.database_url),
                    tables=shown,
                )
            )

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


_SQLITE_INSTANTS = burst_dict(limit=4096)
"""The text SQLite stores for an instant, by instant (every UTCDateTime column's, one memo)."""


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

        texts = _SQLITE_INSTANTS

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
    clause, and the parameters to execute it with (one, named ``name``: two of these in one
    statement need two names).

    The keys go as one JSON parameter, a list of rows, which the statement reads as a table
    (:class:`KeysIn`): one statement text for any number of keys, so SQLAlchemy compiles it once and
    SQLite prepares it once.  The forms before it cost more than the look-ups: a row-value IN list
    (``(a, b) IN (VALUES (?, ?), …)``) made SQLite scan the whole table, and an OR of one term per
    prefix (``a = ? AND b IN (…) OR …``), though answered from the index, was a new statement for
    every batch — hundreds of terms whose lists SQLAlchemy spelled out at each execution and SQLite
    prepared again (5.8 ms for 500 keys of 300 libraries against 2.7 ms this way, statements not
    cached; ≈ 9 % of the services' CPU in bench.handlers)."""
    rows = sorted(set(map(tuple, keys)))
    if not rows:
        return false(), {}
    return _keys_in_clause(tuple(columns), name), {name: rows}


class KeyRows(TypeDecorator):
    """A list of key rows sent as one JSON text: each value as the column's own type binds it on
    this database (an instant as SQLite's text; on PostgreSQL in ISO form, cast back in SQL)."""

    impl = String
    cache_ok = True

    def __init__(self, column_types: tuple) -> None:
        super().__init__()
        self.column_types = column_types

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        processors = [column_type._cached_bind_processor(dialect) for column_type in self.column_types]  # noqa: SLF001
        if any(processors):
            value = [
                [process(v) if process is not None else v for process, v in zip(processors, row, strict=True)]
                for row in value
            ]
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_scalar)


def _json_scalar(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"a key of type {type(value).__name__} cannot be looked up with keys_in")


class KeysIn(ColumnElement[bool]):
    """``(columns…) IN`` the rows of a JSON parameter (:func:`keys_in`): on SQLite a subquery of
    ``json_each``, on PostgreSQL of ``jsonb_array_elements`` with each value cast to its column's
    type — both planned as index look-ups of ``columns``, one a row."""

    __visit_name__ = "keys_in"
    _traverse_internals = [
        ("columns", InternalTraversal.dp_clauseelement_tuple),
        ("keys", InternalTraversal.dp_clauseelement),
    ]
    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition itself: no "= 1" on SQLite

    def __init__(self, columns: tuple, keys: BindParameter) -> None:
        self.columns = columns
        self.keys = keys


@compiles(KeysIn)
@compiles(KeysIn, "postgresql")
def _keys_in_sql(element: KeysIn, compiler, **kw) -> str:
    """``(columns…) IN (SELECT CAST(value i AS type), … FROM rows)``: the JSON parameter read as a
    table (:func:`_json_table_sql`), each row's i-th value cast to the i-th column's type."""
    dialect = compiler.dialect
    columns = ", ".join(compiler.process(column, **kw) for column in element.columns)
    values = ", ".join(_json_value_sql(dialect, "key_row", i, column.type) for i, column in enumerate(element.columns))
    rows = _json_table_sql(dialect, compiler.process(element.keys, **kw), "key_row")
    return f"({columns}) IN (SELECT {values} FROM {rows})"


def _json_table_sql(dialect: Dialect, parameter: str, alias: str) -> str:
    """A JSON list parameter read as a table of one column ``value``, one row an element: SQLite's
    ``json_each``, PostgreSQL's ``jsonb_array_elements``."""
    if dialect.name == "postgresql":
        return f"jsonb_array_elements(CAST({parameter} AS JSONB)) AS {alias}(value)"
    return f"json_each({parameter}) AS {alias}"


def _json_value_sql(dialect: Dialect, alias: str, i: int, column_type) -> str:
    """The i-th value of a row of :func:`_json_table_sql` cast to what a column of ``column_type``
    compares with: its type on PostgreSQL (:func:`_cast_type`), its affinity on SQLite
    (:func:`_sqlite_affinity`) — so that both search the column's index with it."""
    if dialect.name == "postgresql":
        return f"CAST({alias}.value ->> {i} AS {_cast_type(column_type, dialect)})"
    return f"CAST(json_extract({alias}.value, '$[{i}]') AS {_sqlite_affinity(column_type)})"


def json_rows(dialect: Dialect, name: str, columns: Sequence[Column]) -> tuple[FromClause, list[ColumnElement]]:
    """The rows of a list parameter ``name`` as a table to join, one row a list of values for
    ``columns``: the FROM element, and each value as an expression to compare ``columns`` with
    (cast as :func:`keys_in` casts).  Where keys_in looks keys up, this joins ranges: ``JOIN t ON
    t.a = values[0] AND t.b BETWEEN values[1] AND values[2]`` is an index range scan a row, in one
    statement text for any number of rows (an OR of a term a range was one to plan per shape, and
    PostgreSQL planned its dozens of terms for milliseconds at each execution).  Give the rows
    as ``{name: [[…], …]}``."""
    types = tuple(column.type for column in columns)
    alias = f"{name}_rows"
    parameter = bindparam(name, type_=KeyRows(types))
    if dialect.name == "postgresql":
        rows: FromClause = (
            func.jsonb_array_elements(cast(parameter, JSONB)).table_valued("value").render_derived().alias(alias)
        )
    else:
        rows = func.json_each(parameter).table_valued("value").alias(alias)
    return rows, [literal_column(_json_value_sql(dialect, alias, i, t)) for i, t in enumerate(types)]


def _sqlite_affinity(column_type) -> str:
    """The affinity a key's value is cast to on SQLite: its column's.  Without it SQLite searches
    the index by the leading text columns only (a year and a month read from JSON have none)."""
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, Integer | Boolean):
        return "INTEGER"
    if isinstance(column_type, Float):
        return "REAL"
    if isinstance(column_type, Numeric):
        return "NUMERIC"
    return "TEXT"


def _cast_type(column_type, dialect: Dialect) -> str:
    """The type a key's text is cast to: TEXT for strings (a cast to VARCHAR(n) would cut a longer
    key and find a row it is not), the column's own otherwise."""
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, String):
        return "TEXT"
    return column_type.compile(dialect=dialect)


@burst_memo(maxsize=256)
def _keys_in_clause(columns: tuple, name: str) -> ColumnElement:
    """The clause for these columns, made once (:func:`where_once` then finds the statement too)."""
    return KeysIn(columns, bindparam(name, type_=KeyRows(tuple(column.type for column in columns))))


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
