"""The read tables a query sees: the live projections, or the log replayed up to --as-of."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from store.errors import ConfigError
from store.log import Store
from store.projections.articles import Articles
from store.projections.deals import Deals


def projections():
    return [Articles(), Deals()]


def parse_day(text: str | None, option: str) -> str | None:
    """A YYYY-MM-DD date (or ISO timestamp, kept as is), else a one-line ConfigError."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        datetime.fromisoformat(text)
        return text
    except ValueError:
        raise ConfigError(f"{option}: {text!r} is not a date (use YYYY-MM-DD)") from None


def open_view(store: Store, as_of: str | None = None) -> sqlite3.Connection:
    """A connection holding the deal tables, current or as the log knew them at `as_of`.

    Without `as_of` the live projections are caught up first when (and only when) the log has
    moved on, so a read command does not write in the common case.
    """
    from store.replay import catch_up, lag, project_as_of

    chosen = projections()
    if as_of is not None:
        return project_as_of(store, parse_day(as_of, "--as-of"), chosen)
    behind = [p for p in chosen if lag(store, p)]
    if behind:
        catch_up(store, behind)
    return store.conn
