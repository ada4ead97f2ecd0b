"""Stored search vectors: each searchable table keeps its weighted Dutch `tsvector` in a column.

Building the vector of every row inside each search costs seconds on ten thousand news
posts (the benchmark measured 9 s). On PostgreSQL a migration adds a generated column
`search_vector` (the database keeps it up to date on every insert and update, also for
`queryset.update()`) with a GIN index, and the search matches and ranks on that column.
Other databases get no column: the site search falls back to word matching there.

The column is built from the same fields and weights the kind registers
(`register_kind(..., stored=True)`); tests/network/test_indexes.py checks on PostgreSQL
that every stored column still equals the vector of the registered fields, so changing a
kind's fields without a migration fails the suite.

The column is kept in the row (`STORAGE MAIN`), not in the table's TOAST side table: a common
word matches most posts, and matching and ranking read the vector of every match. Out of line,
each read was a lookup in the TOAST table and a decompression (the benchmark's "armoede" on
10,000 posts: count 20 ms, ranking 44 ms); in the row, 4 ms and 14 ms. `InlineSearchVector`
moves the vectors of a table made before this rule into its rows.

PostgreSQL refuses to change the type of a column a generated column reads: a migration
that alters such a field (a longer `max_length`, say) runs `RemoveStoredSearchVector(...)`
before the change and `StoredSearchVector(...)` after it.
"""

from django.db.migrations.operations.base import Operation

COLUMN = "search_vector"
CONFIG = "dutch"


def vector_sql(quote_name, columns):
    """SQL of the weighted vector of `columns` ({weight: [column, ...]}); every part immutable."""
    parts = [
        f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({quote_name(column)}::text, '')), '{weight}')"
        for weight, names in columns.items()
        for column in names
    ]
    return " || ".join(parts)


def _index_name(table):
    return f"{table}_search_gin"[:63]


class StoredSearchVector(Operation):
    """Add the generated `search_vector` column with a GIN index to a model's table (PostgreSQL only).

    `fields` maps the weights "A"-"D" to field names, as in `register_kind`.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name, fields):
        self.model_name = model_name
        self.fields = {weight: list(names) for weight, names in fields.items()}

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "fields": self.fields}

    def state_forwards(self, app_label, state):
        """The column is not a model field: Django never reads or writes it."""

    def _add(self, model, schema_editor):
        quote = schema_editor.quote_name
        table = model._meta.db_table
        columns = {
            weight: [model._meta.get_field(name).column for name in names] for weight, names in self.fields.items()
        }
        schema_editor.execute(
            f"ALTER TABLE {quote(table)} ADD COLUMN {quote(COLUMN)} tsvector "
            f"GENERATED ALWAYS AS ({vector_sql(quote, columns)}) STORED"
        )
        schema_editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(COLUMN)} SET STORAGE MAIN")
        schema_editor.execute(
            f"CREATE INDEX {quote(_index_name(table))} ON {quote(table)} USING gin ({quote(COLUMN)})"
        )

    def _remove(self, model, schema_editor):
        quote = schema_editor.quote_name
        table = model._meta.db_table
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(_index_name(table))}")
        schema_editor.execute(f"ALTER TABLE {quote(table)} DROP COLUMN IF EXISTS {quote(COLUMN)}")

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._add(to_state.apps.get_model(app_label, self.model_name), schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._remove(from_state.apps.get_model(app_label, self.model_name), schema_editor)

    def describe(self):
        return f"Stored search vector on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search_vector"


class RemoveStoredSearchVector(StoredSearchVector):
    """The reverse of `StoredSearchVector`: before a field it reads changes type, or when a kind goes."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Remove the stored search vector of {self.model_name}"


class InlineSearchVector(Operation):
    """Keep a table's stored search vectors in its rows (`STORAGE MAIN`), existing rows included.

    Changing the storage applies to rows written afterwards; rewriting every row once (an update
    that changes nothing, which recomputes the generated column) moves the existing vectors.
    Going back leaves the vectors where they are: either place gives the same results.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name):
        self.model_name = model_name

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name}

    def state_forwards(self, app_label, state):
        """Storage is not part of Django's model state."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        quote = schema_editor.quote_name
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {quote(COLUMN)} SET STORAGE MAIN")
        schema_editor.execute(f"UPDATE {table} SET {pk} = {pk}")  # noqa: S608 (quoted names of our own tables)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Keep the stored search vectors of {self.model_name} in its rows"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_search_vector_inline"
