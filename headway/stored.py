"""Figures stored from a query, rather than computed again by every page that shows them.

A `StoredQuery` writes the rows of a queryset (the figures' one definition, computed by the
database) into a model's table in one statement, `INSERT … SELECT … ON CONFLICT DO UPDATE`,
in the transaction of the change that moved them. Two transactions that move the same rows
store them one after the other (an advisory lock, held until commit): the second computes
them once the first has committed, so that neither leaves out the other's change.

Building and compiling such a queryset costs far more than running it for one team, so its
SQL is compiled once per process, with stand-in arguments, and each write puts the real ones
in their places (`CompiledQuery`). Pages read some of their querysets the same way: a
`CompiledQuery` called with its arguments gives the rows the queryset would give (model
instances, with what it selects related and annotates, or `values_list`'s tuples).
"""

import copy
import zlib
from datetime import UTC, date, datetime, timedelta

from django.db import connection, connections, models, transaction

# Stand-ins for the arguments while the query is compiled: ids no row ever has (and words
# no row holds, for a text argument; days and moments of the 19th century, for a day or a
# moment). The query is compiled twice, with two sets of them, to prove that only the
# arguments' places differ.
STAND_IN = -987_654_321
OTHER_STAND_IN = -876_543_219
STAND_IN_DAY = date(1800, 1, 1)
STAND_IN_MOMENT = datetime(1800, 1, 1, tzinfo=UTC)


def stand_ins(arguments, first):
    """A stand-in for each argument, of its type: an integer, a text, a day or a moment."""
    chosen = {}
    for i, name in enumerate(sorted(arguments)):
        value = arguments[name]
        if isinstance(value, bool) or not isinstance(value, int | str | date):
            raise TypeError(
                f"{name}: a compiled query's arguments are integers, texts, days or moments"
            )
        if isinstance(value, datetime):
            chosen[name] = STAND_IN_MOMENT + timedelta(seconds=first % 10_000 + i)
        elif isinstance(value, date):
            chosen[name] = STAND_IN_DAY + timedelta(days=first % 10_000 + i)
        else:
            chosen[name] = first - i if isinstance(value, int) else f"stand-in {first - i}"
    return chosen


class CompiledQuery:
    """The queryset `queryset_of(**arguments)` (integer, text, day or moment arguments, such
    as ids, slugs and `today`), its SQL compiled once per process; each call puts the real
    arguments in their places and gives its rows, as iterating it would (model instances
    with what it selects related and annotates, or `values_list`'s tuples; its
    `prefetch_related` done as usual).

    An argument must reach the SQL as a parameter of its own, unchanged: one that is
    inlined, or a parameter computed from one (`today + 14 days`, a share of the quarter),
    would be frozen at its stand-in's value, so compiling refuses both."""

    def __init__(self, queryset_of):
        self.queryset_of = queryset_of
        self._compiled = None

    def compiled(self, arguments):
        """The queryset compiled with stand-ins for `arguments`, its compiler, SQL and
        parameters, and where each argument goes among the parameters."""
        if self._compiled is None:
            first = stand_ins(arguments, STAND_IN)
            queryset, compiler, sql, params = self._compile(first)
            places = {
                i: name
                for i, param in enumerate(params)
                for name, stand_in in first.items()
                if isinstance(param, type(stand_in)) and param == stand_in
            }
            _queryset, _compiler, other_sql, other_params = self._compile(
                stand_ins(arguments, OTHER_STAND_IN)
            )
            moved = [
                i
                for i, (param, other) in enumerate(zip(params, other_params, strict=True))
                if param != other and i not in places
            ]
            if (
                set(places.values()) != set(arguments)
                or str(STAND_IN)[1:6] in sql
                or other_sql != sql
                or moved
            ):
                raise ValueError(
                    f"{queryset.model.__name__}: an argument is not a query parameter of its own"
                )
            self._compiled = queryset, compiler, sql, tuple(params), places
        return self._compiled

    def _compile(self, arguments):
        queryset = self.queryset_of(**arguments)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, params

    def bound(self, arguments):
        """The SQL and its parameters for `arguments`."""
        _queryset, _compiler, sql, params, places = self.compiled(arguments)
        params = list(params)
        for i, name in places.items():
            # As compiled: an int or a str, or the driver's type for it (psycopg's Int4 for a
            # Value); a day or a moment as given.
            value = arguments[name]
            params[i] = type(params[i])(value) if isinstance(params[i], int | str) else value
        return sql, params

    def __call__(self, **arguments):
        queryset, compiler, _sql, _params, _places = self.compiled(arguments)
        sql, params = self.bound(arguments)
        # The compiled compiler, its SQL bound to these arguments, on this thread's
        # connection: Django's own iteration reads the rows from it (its select, related
        # selections and annotations, as compiled).
        bound = copy.copy(compiler)
        bound.connection = connections[queryset.db]
        bound.as_sql = lambda *args, **kwargs: (sql, params)
        rows = queryset.all()
        rows.query.get_compiler = lambda *args, **kwargs: bound
        return list(rows)


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
