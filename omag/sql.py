"""Querysets compiled to SQL once per process, then run with new values.

Every reader page not served from the page cache asks the same few small
questions of the database ("this article's tags", "these articles' bylines",
"the newest articles now"). PostgreSQL answers each in a fraction of a
millisecond; Django building the queryset and compiling it to SQL costs
several times that, on every page. A CompiledQuery keeps the ORM as the one
place where a question is written: it has the ORM compile the queryset once
(per database and per shape), then only swaps the values in its parameters
and reads the rows as the ORM would (its value converters applied)."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections, router

# Stand for the values while compiling: no real row has a negative id, no
# slug holds a control character, and nothing was published in 1901.
_FIRST_ID = -1_000_000_001
_FIRST_MOMENT = datetime(1901, 1, 1, tzinfo=UTC)


class CompiledQuery:
    """`build(*values, **shape)` returns a values_list() queryset of `model`;
    the values are integers (primary keys), strings (a slug) or aware
    datetimes (compared with a DateTimeField) that only appear as parameters
    of the SQL. `shape` holds
    what changes the SQL itself (a LIMIT, an OFFSET): each shape is compiled
    once. Any other value the queryset holds (a status, say) is compiled in
    with it, so it must not change from one call to the next: compiling checks
    that (no timezone.now() there: pass the time as a value)."""

    def __init__(self, model, build):
        self.model = model
        self.build = build
        self.compiled = {}

    def rows(self, *values, using=None, **shape) -> list:
        """The rows for these values, as tuples (lists when a column had to be
        converted, as the ORM's values_list() gives them), from the database
        `using` (e.g. the one the ids were read from), else the router's."""
        using = using or router.db_for_read(self.model)
        kinds = tuple(_kind(value) for value in values)
        key = (using, kinds, tuple(sorted(shape.items())))
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = self._compile(using, kinds, shape)
        sql, params, slots, converters = compiled
        connection = connections[using]
        params = list(params)
        for position, index in slots:
            value = values[index]
            if kinds[index] is datetime:
                value = connection.ops.adapt_datetimefield_value(value)
            params[position] = value
        with _cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for index, (functions, expression) in converters:
                for function in functions:
                    row[index] = function(row[index], expression, connection)
            converted.append(row)
        return converted

    def _compile(self, using, kinds, shape):
        sql, params, slots, converters = self._compile_with(using, kinds, shape, 0)
        # Compiled again with other placeholders, everything but the values
        # must be the same: a value that changes from call to call (the time,
        # say) would be frozen in the SQL.
        again, other, other_slots, _ = self._compile_with(
            using, kinds, shape, len(kinds)
        )
        if (again, other_slots) != (sql, slots) or _fixed(params, slots) != _fixed(
            other, other_slots
        ):
            raise ValueError(
                f"Only the values given may change from one call to the next: {sql}"
            )
        return sql, params, slots, converters

    def _compile_with(self, using, kinds, shape, first):
        adapt = connections[using].ops.adapt_datetimefield_value
        placeholders = [_placeholder(kind, first + n) for n, kind in enumerate(kinds)]
        queryset = self.build(*placeholders, **shape)
        if queryset.model is not self.model:
            raise ValueError(f"{queryset.model} is not {self.model}")
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        # Each placeholder as it appears among the parameters.
        stand_ins = [
            adapt(value) if kind is datetime else value
            for value, kind in zip(placeholders, kinds, strict=True)
        ]
        slots = [
            (position, stand_ins.index(param))
            for position, param in enumerate(params)
            if type(param) in (int, str, datetime) and param in stand_ins
        ]
        if sorted({index for _position, index in slots}) != list(range(len(kinds))):
            raise ValueError(f"Every value must be a parameter of the SQL: {sql}")
        columns = [expression for expression, _sql, _alias in compiler.select]
        converters = list(compiler.get_converters(columns).items())
        return sql, tuple(params), slots, converters


def _cursor(connection):
    """On PostgreSQL (settings.DATABASE_PREPARED_STATEMENTS), a cursor that
    binds the values on the server: the statement is then prepared once per
    connection, and PostgreSQL skips parsing and planning it on every page,
    which costs it more than running these small queries. Django's own
    cursors bind on the client and are never prepared."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
    # As connection.cursor() wraps its own: logged when queries are.
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


def _kind(value):
    for kind in (datetime, int, str):
        if isinstance(value, kind) and not isinstance(value, bool):
            return kind
    raise TypeError(f"Not an id, a string or a datetime: {value!r}")


def _placeholder(kind, n):
    if kind is datetime:
        return _FIRST_MOMENT + timedelta(days=n)
    if kind is str:
        return f"\x1fomag-placeholder-{n}"
    return _FIRST_ID - n


def _fixed(params, slots):
    """The parameters that are not the values given."""
    given = {position for position, _index in slots}
    return [param for position, param in enumerate(params) if position not in given]
