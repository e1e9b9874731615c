"""Figures stored from a query, and queries compiled once per process.

Building and compiling a queryset (Django's expressions, joins and SQL) costs far more than
running it for a page or for one team. A `CompiledQuery` builds and compiles its queryset once
per process, with stand-ins for its arguments (ids, lists of ids, texts, days, moments), and
each use puts the real ones in their places: the SQL stays the queryset's, its one
definition. Called, it gives the rows the queryset would give (model instances, with what
it selects related and annotates, or `values_list`'s tuples); `rows()` gives plain tuples,
for the pages that draw rows in Python. Both run a statement prepared once per connection:
planned once, not at every request.

A `StoredQuery` writes the rows of such a queryset (the figures' one definition, computed by
the database) into a model's table in one statement, `INSERT … SELECT … ON CONFLICT DO
UPDATE`, in the transaction of the change that moved them. Two transactions that move the
same rows store them one after the other (an advisory lock, held until commit): the second
computes them once the first has committed, so that neither leaves out the other's change.
"""

import copy
import itertools
import re
import weakref
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import BigIntegerField, F, Value
from django.db.models.lookups import Lookup
from django.utils import timezone
from psycopg.sql import Literal
from psycopg.types.numeric import Int2, Int4

# Stand-ins for the arguments while a query is compiled: ids no row ever has, words no row
# holds, days and moments a thousand years before any. Each query is compiled twice, with two
# sets of them, to prove that only the arguments' places differ.
STAND_IN = -987_654_321
ROUND_APART = 7919


def stand_in(value, i, round_):
    """The stand-in for the `i`-th argument, whose value is `value`, in compilation `round_`
    (0 or 1). The second round spaces them twice as far apart: no argument is then the shift
    of another by the same amount in both."""
    step = i * (round_ + 1)
    # The rounds a prime apart, so that no remainder (an id % 1000) is the same in both.
    number = STAND_IN - ROUND_APART * round_ - step
    if isinstance(value, datetime):
        return datetime(1001, 1, 1, tzinfo=UTC) + timedelta(days=ROUND_APART * round_ + step)
    if isinstance(value, date):
        return date(1001, 1, 1) + timedelta(days=ROUND_APART * round_ + step)
    if isinstance(value, int) and not isinstance(value, bool):
        return number
    if isinstance(value, str):
        return f"stand-in {number}"
    if isinstance(value, list):
        # Ids, as one array parameter (`any_of`): as many as a call has.
        return [number]
    raise TypeError(
        f"a compiled query's arguments are integers, texts, days, moments or lists of ids, "
        f"not a {type(value).__name__}: a query could turn its value into parameters of its own"
    )


@dataclass(frozen=True)
class StartOfDay:
    """Where a day argument goes as a moment: the first moment, in the current time zone, of
    the day `days` after it (a quarter's first moment, or the first after its last day, as
    obstacles.models.start_of gives them). Not a constant shift: a day may last 23 or 25
    hours."""

    days: int

    def of(self, day):
        return timezone.make_aware(datetime.combine(day + timedelta(days=self.days), time.min))


def shift(param, value):
    """How far `param` is from `value` (0 for an equal id; a duration for a day or a moment
    derived from an argument, as `today + DECISION_DUE_SOON` is; a StartOfDay for the first
    moment of a day derived from a day argument), or None if it is not `value` shifted (a
    text, or another type)."""
    if isinstance(param, str | list) or isinstance(value, str | list):
        return 0 if param == value else None
    if isinstance(param, datetime) and type(value) is date:
        day = timezone.localtime(param).date()
        start = StartOfDay((day - value).days)
        return start if start.of(value) == param else None
    try:
        return param - value
    except TypeError:
        return None


class CompiledQuery:
    """The queryset `queryset_of(**arguments)` (ids, lists of ids as `any_of`, texts, days,
    moments), its SQL compiled once per process (and per time zone, which SQL on days
    depends on). Called with the real arguments, it gives its rows as iterating it would
    (model instances with what it selects related and annotates, or `values_list`'s tuples;
    its `prefetch_related` done as usual); `rows()` and `rows_from()` give them as tuples,
    `bound()` gives the SQL and parameters.

    It is compiled twice, with two sets of stand-ins, to find where each argument goes (an
    argument, a value derived from it by adding a constant, such as a week to a day, or the
    first moment of a day derived from a day argument, as a quarter's bounds are). A
    value derived otherwise, or an argument written into the SQL rather than passed as a
    parameter, would be frozen at its stand-in's: compiling refuses both (ValueError), and
    the queryset must take that value as an argument of its own.

    With `literal_constants`, the queryset's own constants (a kind, a quarter's bounds: the
    parameters no argument fills) are written into its SQL as literals: a statement
    prepared once per connection is planned for any arguments (a generic plan, after a few
    runs), and such a plan uses a partial index only if it knows the constant the index's
    condition names, and reads a range well only if it knows its bounds."""

    def __init__(self, queryset_of, literal_constants=False):
        self.queryset_of = queryset_of
        self.literal_constants = literal_constants
        self._compiled = {}

    def compiled(self, arguments):
        """The queryset compiled with stand-ins for `arguments`, its compiler, SQL and
        parameters, and where each argument goes: {parameter index: (name, shift)}."""
        key = (
            tuple(sorted((name, type(value)) for name, value in arguments.items())),
            timezone.get_current_timezone_name(),
        )
        if key not in self._compiled:
            self._compiled[key] = self._compile_twice(arguments)
        return self._compiled[key]

    def _compile_twice(self, arguments):
        names = sorted(arguments)
        rounds = []
        for round_ in (0, 1):
            stand_ins = {name: stand_in(arguments[name], i, round_) for i, name in enumerate(names)}
            rounds.append((stand_ins, *self._compile(stand_ins)))
        (first, queryset, compiler, sql, params), (second, _q, _c, other_sql, other_params) = rounds

        def refuse(why):
            name = queryset.model.__name__
            return ValueError(f"{name}: an argument is not a query parameter of its own ({why})")

        if sql != other_sql or str(STAND_IN)[1:6] in sql:
            raise refuse("it is written into the SQL")
        places = {}
        for i, (param, other) in enumerate(zip(params, other_params, strict=True)):
            for name in names:
                offset = shift(param, first[name])
                if offset is not None and offset == shift(other, second[name]):
                    if param != other:
                        places[i] = (name, offset)
                    break
            else:
                if param != other:
                    raise refuse(f"parameter {i} is computed from one")
        if {name for name, _ in places.values()} != set(names):
            raise refuse("one is left out")
        if self.literal_constants:
            sql, params, places = with_literal_constants(sql, params, places)
        return queryset, compiler, sql, tuple(params), places

    def _compile(self, arguments):
        queryset = self.queryset_of(**arguments)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, params

    def bound(self, arguments):
        """The SQL and its parameters for `arguments`."""
        _queryset, _compiler, sql, params, places = self.compiled(arguments)
        params = list(params)
        for i, (name, offset) in places.items():
            if isinstance(offset, StartOfDay):
                value = offset.of(arguments[name])
            else:
                value = arguments[name] + offset if offset else arguments[name]
            if isinstance(value, int | str) and type(value) is not type(params[i]):
                # As compiled: the driver's type for it (psycopg's Int4 for a Value).
                value = type(params[i])(value)
            params[i] = value
        return sql, params

    def __call__(self, **arguments):
        return self.read_instances(**arguments)()

    def slice(self, offset, limit, **arguments):
        """The `limit` rows from `offset` on of the query (built neither sliced nor
        unordered) for `arguments`, as calling it gives them."""
        sql, params = self.bound(arguments)
        sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset]
        using = self.compiled(arguments)[0].db
        return self._instances(arguments, sql, params, fetch(sql, params, using=using))

    def read(self, make=list, **arguments):
        """Its rows for `arguments` as tuples (`rows()`), made into `make(rows)`, as a Read
        to run with others in one round trip (read_together)."""
        return Read(*self.bound(arguments), make)

    def read_instances(self, **arguments):
        """Its rows for `arguments` as calling it gives them, as a Read (read_together)."""
        sql, params = self.bound(arguments)
        return Read(sql, params, lambda rows: self._instances(arguments, sql, params, rows))

    def _instances(self, arguments, sql, params, fetched):
        queryset, compiler, _sql, _params, _places = self.compiled(arguments)
        # The compiled compiler, its SQL bound to these arguments, its rows those `fetched`
        # from a prepared statement on this thread's connection (as rows() are): Django's own
        # iteration makes them into what the queryset gives (its select, related selections
        # and annotations, as compiled), converting their values as it would have.
        bound = copy.copy(compiler)
        bound.connection = connections[queryset.db]
        bound.as_sql = lambda *args, **kwargs: (sql, params)

        def execute_sql(*args, **kwargs):
            rows = fetched
            if compiler.has_extra_select:
                # Only the columns it reads (Django selects some to order distinct rows by).
                rows = [row[: compiler.col_count] for row in rows]
            return [rows]

        bound.execute_sql = execute_sql
        rows = queryset.all()
        rows.query.get_compiler = lambda *args, **kwargs: bound
        return list(rows)

    def rows(self, **arguments):
        """The rows of the query for `arguments`, as tuples of the database's values."""
        return fetch(*self.bound(arguments))

    def rows_from(self, offset, limit, **arguments):
        """The `limit` rows from `offset` on of the query (built neither sliced nor unordered)
        for `arguments`, as tuples of the database's values."""
        sql, params = self.bound(arguments)
        return fetch(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])


def prefetched(instances, name, rows):
    """Give each of `instances` its `rows` (of the reverse foreign key `name`, read by a
    compiled query rather than by `prefetch_related(name)`, in their order) as that prefetch
    would: `instance.<name>.all()` gives them without a query, each row knows its instance,
    and the manager's other methods query the database as usual."""
    if not instances:
        return
    key = getattr(type(instances[0]), name).field  # the rows' foreign key to the instances
    theirs = {}
    for row in rows:
        theirs.setdefault(key.get_local_related_value(row), []).append(row)
    for instance in instances:
        related = theirs.get(key.get_foreign_related_value(instance), [])
        for row in related:
            key.set_cached_value(row, instance)
        # As prefetch_related fills it: the manager's queryset, its rows already read.
        queryset = getattr(instance, name).get_queryset()
        queryset._result_cache = related
        queryset._prefetch_done = True
        instance.__dict__.setdefault("_prefetched_objects_cache", {})[
            key.remote_field.cache_name
        ] = queryset


def with_literal_constants(sql, params, places):
    """`sql` with its `params` other than the arguments' (at `places`) written in as SQL
    literals (quoted by the driver), the arguments' parameters, and their new places."""
    written, kept, moved = [], [], {}
    i = 0
    for piece in re.split(r"(%[s%])", sql):
        if piece != "%s":
            written.append(piece)
            continue
        if i in places:
            moved[len(kept)] = places[i]
            kept.append(params[i])
            written.append(piece)
        else:
            # A percent sign in a literal stays one once the parameters are put in.
            written.append(Literal(params[i]).as_string(None).replace("%", "%%"))
        i += 1
    return "".join(written), kept, moved


def fetch(sql, params, jit=True, using=DEFAULT_DB_ALIAS):
    """The rows of `sql` run with `params`, as a statement prepared on this thread's
    connection to `using` (unless settings.DB_PREPARED_STATEMENTS is off); see `fetch_each`
    for `jit`."""
    return fetch_each([(sql, params)], jit, using=using)[0]


def fetch_each(statements, jit=True, prepare=True, generic_plan=False, using=DEFAULT_DB_ALIAS):
    """The rows of each of `statements` ((sql, params) pairs), all run in one round trip as
    `fetch` runs one (unless `prepare` is off, each a statement prepared on this thread's
    connection): a page's sections read together rather than a query each.

    With `jit` False, PostgreSQL plans them without JIT compilation: a statement whose
    estimated cost passes jit_above_cost would otherwise spend longer being compiled than
    running. With `generic_plan`, a prepared statement is planned once per connection, for
    any parameters, rather than again at every run for its parameters' values while
    PostgreSQL finds that worth it: for statements that take longer to plan than to run,
    and whose plan depends on no value (ids as one array, their own constants written in)."""
    # Each in one round trip, as one query, and so one implicit transaction: SET LOCAL
    # holds for the statements after it.
    before = [] if jit else ["SET LOCAL jit = off"]
    if generic_plan:
        before.append("SET LOCAL plan_cache_mode = force_generic_plan")
    database = connections[using]
    params = [param for _sql, params in statements for param in params]
    with database.cursor() as cursor:
        if not (prepare and settings.DB_PREPARED_STATEMENTS):
            return results([*before, *(sql for sql, _params in statements)], params, cursor)
        run, ran = executions(database, statements)
        rows = results([*before, *run], params, cursor)
        ran()
        return rows


@dataclass
class Read:
    """A statement to run (`sql` with `params`, a CompiledQuery's), and `make`, which makes
    its rows into what is asked of it: run alone when called, or with others in one round
    trip (read_together)."""

    sql: str
    params: list
    make: object = list

    def __call__(self):
        return read_together(self)[0]


def read_together(*reads, using=DEFAULT_DB_ALIAS, **options):
    """What each of `reads` (Read) makes of its rows, all read in one round trip (`options`:
    fetch_each's)."""
    fetched = fetch_each([(read.sql, read.params) for read in reads], using=using, **options)
    return [read.make(rows) for read, rows in zip(reads, fetched, strict=True)]


def executions(database, statements):
    """`statements` ((sql, params) pairs) as run by name on this thread's connection to
    `database`, each PREPAREd first where the connection has not prepared it yet: the SQL to
    run (one piece a statement, and one before it for each PREPARE), with the statements'
    params in their order; and a function to call once it has run, which records the
    statements it prepared."""
    known = PREPARED.setdefault(database.connection, {})
    run, new = [], {}
    for sql, params in statements:
        name = known.get(sql) or new.get(sql)
        if name is None:
            name = new[sql] = f"headway_{next(STATEMENT_NAMES)}"
            run.append(preparation(name, sql, params))
        run.append(
            f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
        )
    return run, lambda: known.update(new)


def results(statements, params, cursor):
    """The rows of each of `statements` that gives rows (not a PREPARE or a SET), all run in
    one round trip with `params` (psycopg gives each statement's rows as a result set)."""
    cursor.execute("; ".join(statements), params)
    found = [cursor.fetchall()] if cursor.description else []
    while cursor.nextset():
        if cursor.description:
            found.append(cursor.fetchall())
    return found


# Compiled queries are also planned once per connection: PREPARE'd the first time a
# connection runs one, then run by name. PostgreSQL took longer to plan most of the
# dashboard's and the team page's queries than to run them. Connections are persistent, one
# per worker (see DB_CONN_MAX_AGE); behind a pooler in transaction mode, which would not keep
# a connection's statements, DB_PREPARED_STATEMENTS is off.
PREPARED = weakref.WeakKeyDictionary()
STATEMENT_NAMES = itertools.count()


def preparation(name, sql, params):
    """PREPARE `name` for `sql`, its parameters typed as `params`."""
    types = f"({', '.join(map(sql_type, params))})" if params else ""
    places = itertools.count(1)
    # Django's placeholders in PostgreSQL's own (a %% stays: the whole is run with params).
    body = re.sub(r"%[s%]", lambda m: f"${next(places)}" if m[0] == "%s" else "%%", sql)
    return f"PREPARE {name}{types} AS {body}"


# The SQL type of a parameter, by its Python type (the first that it is an instance of).
SQL_TYPES = [
    (bool, "boolean"),
    (Int2, "smallint"),
    (Int4, "integer"),
    (int, "bigint"),
    (Decimal, "numeric"),
    (datetime, "timestamptz"),
    (date, "date"),
    (timedelta, "interval"),
    (str, "text"),
]


def sql_type(param):
    if isinstance(param, list):
        # An array of its values' type (moments, as a query's bounds); ids (`any_of`) when
        # it is empty.
        return f"{sql_type(param[0]) if param else 'bigint'}[]"
    for kind, name in SQL_TYPES:
        if isinstance(param, kind):
            return name
    raise TypeError(f"No SQL type for a {type(param).__name__} parameter")


class AnyOf(Lookup):
    """`field = ANY(array)`: the lookup `any_of` builds."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        field, field_params = self.process_lhs(compiler, connection)
        array, array_params = self.process_rhs(compiler, connection)
        return f"{field} = ANY({array})", (*field_params, *array_params)


def any_of(field, ids):
    """The condition of `field` being one of `ids`, as one array parameter (`field =
    ANY(%s)`): a compiled query takes any number of them, where `field__in` compiles to a
    parameter each, and so to a statement for each number of ids."""
    return AnyOf(F(field), Value(list(ids), output_field=ArrayField(BigIntegerField())))


class StoredQuery:
    """`rows(**arguments)` (a `values_list()` queryset, its values in the order of `columns`,
    names of `model`'s fields; integer arguments, such as ids) stored into `model`'s table by
    `store(**arguments)`: a row whose `unique` fields are already stored replaces the stored
    one's other columns. The argument `lock_on` names (a team) is locked first: each store
    for it waits for the transactions that stored it before to commit."""

    def __init__(self, model, columns, unique, rows, lock_on):
        self.model, self.columns, self.unique, self.rows = model, columns, unique, rows
        self.lock_on = lock_on
        self.query = CompiledQuery(rows)
        self._statement = None

    def statement(self, sql):
        meta = self.model._meta
        names = [meta.get_field(name).column for name in self.columns]
        keys = [meta.get_field(name).column for name in self.unique]
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names if name not in keys)
        return (
            f"INSERT INTO {meta.db_table} ({', '.join(names)}) {sql} "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )

    def store(self, **arguments):
        sql, params = self.query.bound(arguments)
        if self._statement is None:
            self._statement = self.statement(sql)
        # Two statements in one round trip: under READ COMMITTED the second takes its
        # snapshot once the lock is held, so it sees what the lock's last holder committed.
        lock = "SELECT pg_advisory_xact_lock(%s, %s); "
        with connection.cursor() as cursor:
            cursor.execute(
                lock + self._statement, [self.lock_space, arguments[self.lock_on], *params]
            )

    @property
    def lock_space(self):
        """The first key of the advisory lock: one per stored table."""
        return zlib.crc32(self.model._meta.db_table.encode()) & 0x7FFFFFFF

    def store_all(self, queryset):
        """Store the rows of `queryset` (of the same shape: for a full recomputation)."""
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(self.statement(sql), params)


class CountsInStored(models.Model):
    """A row that counts in figures stored elsewhere (a `StoredQuery`'s): saving or deleting
    it stores them again, in the same transaction (`store_figures`). Where it counts (`PLACE`,
    the ids of its parents) is remembered when it is loaded, so that a row moved elsewhere (in
    the administration) stores again the figures of the place it left too.

    A subclass says what to store with `store_figures(places)`: the figures of rows at
    `places` (tuples of PLACE values, its own first).

    Bulk writes (`QuerySet.update`, `bulk_create`) bypass this: the code that uses them
    calls `refresh_stored()` itself.
    """

    PLACE = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.refresh_stored()

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            deleted = super().delete(*args, **kwargs)
            self.refresh_stored()
            return deleted

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_place = instance.place()
        return instance

    def place(self):
        """The values of its PLACE fields."""
        return tuple(self.__dict__.get(name) for name in self.PLACE)

    def refresh_stored(self):
        """Store again the figures it counts in, and those of the place it left, if any."""
        places = [self.place()]
        loaded = getattr(self, "_loaded_place", None)
        if loaded and None not in loaded and loaded != places[0]:
            places.append(loaded)
        self.store_figures(places)
        self._loaded_place = self.place()
