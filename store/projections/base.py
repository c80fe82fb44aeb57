"""What a projection is: read tables plus one handler per event type it follows."""

from __future__ import annotations

import sqlite3
from typing import Callable

from store.events import RecordedEvent

Handler = Callable[[sqlite3.Connection, RecordedEvent], None]


def handles(*event_types: str):
    """Mark a method as the handler of these event types."""

    def mark(method):
        method._handles = event_types
        return method

    return mark


class Projection:
    """Subclasses set `name`, `version`, `tables` (name -> DDL) and @handles methods.

    Bumping `version` makes the next catch-up rebuild the projection from the log.
    """

    name: str = ""
    version: int = 1
    tables: dict[str, str] = {}
    indexes: tuple[str, ...] = ()

    def __init__(self):
        self.handlers: dict[str, Handler] = {}
        for attr in dir(type(self)):
            method = getattr(self, attr)
            for event_type in getattr(method, "_handles", ()):
                self.handlers[event_type] = method

    @property
    def event_types(self) -> list[str]:
        return sorted(self.handlers)

    def create(self, conn: sqlite3.Connection) -> None:
        for ddl in self.tables.values():
            conn.execute(ddl)
        for ddl in self.indexes:
            conn.execute(ddl)

    def drop(self, conn: sqlite3.Connection) -> None:
        for table in reversed(list(self.tables)):
            conn.execute(f"DROP TABLE IF EXISTS {table}")

    def apply(self, conn: sqlite3.Connection, event: RecordedEvent) -> None:
        self.handlers[event.type](conn, event)
