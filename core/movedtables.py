"""A migration operation for a model that moves to another app and keeps its table.

When the news moved from the network app to its own (news/migrations/0001_initial.py), the
network app's old migrations stopped creating the news tables, so that the network app depends on
no other app. Databases made before the move hold the tables and their rows; a new database does
not. `CreateUnlessTableExists` gives both the same end: the operations always change the state,
and change the database only where `table` is missing.
"""

from django.db.migrations.operations import SeparateDatabaseAndState


class CreateUnlessTableExists(SeparateDatabaseAndState):
    """Apply `operations` to the state always, and to the database only when `table` does not exist.

    Reversing drops what the operations made: before this migration the models did not exist.
    """

    def __init__(self, table, operations):
        super().__init__(database_operations=operations, state_operations=operations)
        self.table = table

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"table": self.table, "operations": self.state_operations}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if self.table not in schema_editor.connection.introspection.table_names():
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Create {self.table} and what goes with it, unless the table exists (kept from before a move)"
