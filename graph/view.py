"""The read tables a query sees: the live projections, or the log replayed up to --as-of."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime, time, timezone

from store.errors import ConfigError
from store.log import Store
from store.projections import read_side

DATE_FORMATS = (
    "YYYY-MM-DD, YYYYMMDD or an ISO timestamp with a time zone, e.g. 2025-11-03T09:30:00+00:00"
)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}|\d{8}", re.ASCII)
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2}|\d{8})[T ]\d{2}", re.ASCII)


def parse_date(text: str | None, option: str, *, end_of_day: bool = False) -> str | None:
    """The moment a date option names, as a UTC ISO timestamp with microseconds (the form
    `recorded_at` is written in, so the two compare as text); None stays None.

    YYYY-MM-DD and YYYYMMDD name a UTC day: its first microsecond, or its last with
    `end_of_day`. A timestamp must carry a time zone and names that instant. Anything else
    is a one-line ConfigError naming the option and these formats.
    """
    if text is None:
        return None
    try:
        if _DAY.fullmatch(text):
            digits = text.replace("-", "")
            day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            moment = datetime.combine(day, time.max if end_of_day else time.min, timezone.utc)
        elif _TIMESTAMP.match(text):
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            moment = moment.astimezone(timezone.utc)
        else:
            raise ValueError("not a date")
        return moment.isoformat(timespec="microseconds")
    except (ValueError, OverflowError):
        raise ConfigError(f"{option}: {text!r} is not a date (use {DATE_FORMATS})") from None


def open_view(store: Store, as_of: str | None = None) -> sqlite3.Connection:
    """A connection holding the deal tables, current or as the log knew them at `as_of`.

    Without `as_of` the live projections are caught up first when (and only when) the log has
    moved on, so a read command does not write in the common case.
    """
    from store.replay import catch_up, lag, project_as_of

    chosen = read_side()
    if as_of is not None:
        return project_as_of(store, parse_date(as_of, "--as-of", end_of_day=True), chosen)
    behind = [p for p in chosen if lag(store, p)]
    if behind:  # the deals' search index is for `deals serve`: sqlite-utils stays off this path
        catch_up(store, behind, index=False)
    return store.conn


def as_of_note(store: Store, as_of: str | None) -> str | None:
    """A line for the user when `as_of` is before the log's first event: the view is empty
    because the log did not exist yet, not because nothing happened then."""
    if as_of is None:
        return None
    moment = parse_date(as_of, "--as-of", end_of_day=True)
    row = store.conn.execute("SELECT recorded_at FROM events ORDER BY seq LIMIT 1").fetchone()
    if row is None or moment >= row[0]:
        return None
    return (
        f"note: this database's log starts on {row[0][:10]}, after --as-of {as_of}: "
        "nothing was known yet (--as-of is when the log learned of a deal; "
        "`deals query --until DATE` filters by when it was reported)"
    )
