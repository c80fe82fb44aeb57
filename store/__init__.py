"""The event log: the only source of truth. Everything else is a projection of it."""

from store.errors import (  # noqa: E402
    ConcurrencyError,
    DatabaseLocked,
    DatabaseMissing,
    DealsError,
    NotADatabase,
    SchemaTooNew,
)
from store.events import NewEvent, RecordedEvent  # noqa: E402
from store.log import Store, default_db_path  # noqa: E402
from store.version import __version__  # noqa: F401  (re-exported)

__all__ = [
    "ConcurrencyError",
    "DatabaseLocked",
    "DatabaseMissing",
    "DealsError",
    "NewEvent",
    "NotADatabase",
    "RecordedEvent",
    "SchemaTooNew",
    "Store",
    "default_db_path",
]
