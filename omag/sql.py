"""Querysets compiled to SQL once per process, then run with new ids.

Every reader page not served from the page cache asks the same few small
questions of the database ("this article's tags", "these articles' bylines").
PostgreSQL answers each in a fraction of a millisecond; Django building the
queryset, compiling it to SQL and making model instances of the rows costs
several times that, on every page. A CompiledQuery keeps the ORM as the one
place where a question is written: it has the ORM compile the queryset once
(per database and per shape), then only swaps the ids in its parameters and
reads the rows as the ORM would (its value converters applied)."""

from django.db import connections, router

# Stand for the ids while compiling: no real row has a negative id.
_FIRST_PLACEHOLDER = -1_000_000_001


class CompiledQuery:
    """`build(*ids, **shape)` returns a values_list() queryset of `model`; the
    ids are integers (primary keys) that only appear as parameters of the SQL.
    `shape` holds what changes the SQL itself (a LIMIT, an OFFSET): each shape
    is compiled once. Any other value the queryset holds (a status, say) is
    compiled in with it, so it must not change from one call to the next:
    compiling checks that (no "now" there)."""

    def __init__(self, model, build):
        self.model = model
        self.build = build
        self.compiled = {}

    def rows(self, *ids: int, using=None, **shape) -> list:
        """The rows for these ids, as tuples (lists when a column had to be
        converted, as the ORM's values_list() gives them), from the database
        `using` (e.g. the one the ids were read from), else the router's."""
        using = using or router.db_for_read(self.model)
        key = (using, len(ids), tuple(sorted(shape.items())))
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = self._compile(using, len(ids), shape)
        sql, params, slots, converters = compiled
        params = list(params)
        for position, index in slots:
            params[position] = ids[index]
        connection = connections[using]
        with connection.cursor() as cursor:
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

    def _compile(self, using, count, shape):
        sql, params, slots, converters = self._compile_with(using, count, shape, 0)
        # Compiled again with other placeholders, everything but the ids must
        # be the same: a value that changes from call to call (the time, say)
        # would be frozen in the SQL.
        again, other, other_slots, _ = self._compile_with(using, count, shape, count)
        fixed = [value for n, value in enumerate(params) if n not in dict(slots)]
        if (again, other_slots) != (sql, slots) or fixed != [
            value for n, value in enumerate(other) if n not in dict(other_slots)
        ]:
            raise ValueError(
                f"Only the ids may change from one call to the next: {sql}"
            )
        return sql, params, slots, converters

    def _compile_with(self, using, count, shape, first):
        placeholders = [_FIRST_PLACEHOLDER - first - n for n in range(count)]
        queryset = self.build(*placeholders, **shape)
        if queryset.model is not self.model:
            raise ValueError(f"{queryset.model} is not {self.model}")
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
        slots = [
            (position, placeholders.index(value))
            for position, value in enumerate(params)
            if type(value) is int and value in placeholders
        ]
        if sorted({index for _position, index in slots}) != list(range(count)):
            raise ValueError(f"Every id must be a parameter of the SQL: {sql}")
        columns = [expression for expression, _sql, _alias in compiler.select]
        converters = list(compiler.get_converters(columns).items())
        return sql, tuple(params), slots, converters
