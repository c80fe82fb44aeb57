"""sqlite-utils on a connection that is inside a catch-up transaction.

sqlite-utils sets up full-text search the way Datasette finds it (an FTS5 table with
`content=[table]` and triggers that keep it in step), but it runs its DDL through
`executescript`, which COMMITs the open transaction first. Here each statement of such a
script runs on its own inside the caller's transaction, so a batch and its checkpoint still
commit together.
"""

from __future__ import annotations

import sqlite3


def exists(conn: sqlite3.Connection, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return found is not None


def database(conn: sqlite3.Connection):
    """A sqlite_utils.Database over `conn` whose scripts keep the current transaction."""
    import sqlite_utils

    class InTransaction(sqlite_utils.Database):
        def executescript(self, sql: str):
            statement = ""
            for line in sql.splitlines(keepends=True):
                statement += line
                if sqlite3.complete_statement(statement):
                    self.conn.execute(statement)
                    statement = ""
            if statement.strip():
                self.conn.execute(statement)

    return InTransaction(conn, recursive_triggers=False, execute_plugins=False)


def enable_fts(conn: sqlite3.Connection, table: str, columns: list[str]) -> None:
    """Index `columns` of `table` in `<table>_fts` with sync triggers, unless already done."""
    if not exists(conn, f"{table}_fts"):
        database(conn)[table].enable_fts(columns, create_triggers=True, tokenize="porter")


def disable_fts(conn: sqlite3.Connection, table: str) -> None:
    """Drop `<table>_fts` and its triggers (a dropped table takes its triggers with it)."""
    conn.execute(f"DROP TABLE IF EXISTS [{table}_fts]")
    for suffix in ("_ai", "_ad", "_au"):
        conn.execute(f"DROP TRIGGER IF EXISTS [{table}{suffix}]")
