"""Catching projections up with the log, and rebuilding them from scratch.

Each batch of events and the checkpoint that records it commit in one transaction, so a crash
between batches neither loses nor repeats an event.
"""

from __future__ import annotations

import sqlite3
from itertools import islice
from typing import Callable, Iterable

from store.faults import crash_point
from store.log import Store
from store.projections import ALL, Projection, search

Progress = Callable[[int], None]


def _position(store: Store, projection: Projection) -> tuple[int, int | None]:
    row = store.conn.execute(
        "SELECT seq, version FROM projection_positions WHERE name = ?", (projection.name,)
    ).fetchone()
    return (row[0], row[1]) if row else (0, None)


def _set_position(store: Store, projection: Projection, seq: int) -> None:
    store.conn.execute(
        "INSERT INTO projection_positions (name, seq, version) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, version = excluded.version",
        (projection.name, seq, projection.version),
    )


def reset(store: Store, projection: Projection) -> None:
    with store.transaction() as conn:
        if projection.name == search.FOLLOWS:
            search.drop(conn)
        projection.drop(conn)
        projection.create(conn)
        _set_position(store, projection, 0)


def catch_up(
    store: Store,
    projections: Iterable[Projection] | None = None,
    *,
    batch_size: int = 1000,
    progress: Progress | None = None,
    index: bool = True,
) -> dict[str, int]:
    """Apply the events each projection has not seen; returns how many each applied.

    Then, with `index`, the deals' full-text index takes in the deals that changed.
    """
    applied = {}
    head = store.last_seq()
    chosen = list(projections or ALL)
    for projection in chosen:
        position, version = _position(store, projection)
        if version != projection.version:
            reset(store, projection)
            position = 0
        count = 0
        events = store.read(position, types=projection.event_types)
        while True:
            batch = list(islice(events, batch_size))
            with store.transaction() as conn:
                projection.create(conn)
                if index and projection.name == search.FOLLOWS:
                    search.track(conn)
                for event in batch:
                    projection.apply(conn, event)
                    crash_point("project")
                # Past the last event it handles, the projection is level with the whole log.
                last = batch[-1].seq if batch else position
                if len(batch) < batch_size:
                    last = max(last, head)
                _set_position(store, projection, last)
            position = last
            count += len(batch)
            if progress and batch:
                progress(len(batch))
            if len(batch) < batch_size:
                break
        applied[projection.name] = count
    if index and any(p.name == search.FOLLOWS for p in chosen):
        with store.transaction() as conn:
            search.refresh(conn)
    return applied


def replay(
    store: Store,
    projections: Iterable[Projection] | None = None,
    *,
    progress: Progress | None = None,
    index: bool = True,
) -> dict[str, int]:
    """Drop and rebuild projections from the log alone (and the deals' search index)."""
    chosen = list(projections or ALL)
    for projection in chosen:
        reset(store, projection)
    return catch_up(store, chosen, progress=progress, index=index)


def lag(store: Store, projection: Projection) -> int:
    """Events the projection has yet to apply."""
    position, version = _position(store, projection)
    if version != projection.version:
        position = 0
    types = projection.event_types
    marks = ",".join("?" * len(types))
    return store.conn.execute(
        f"SELECT COUNT(*) FROM events WHERE seq > ? AND type IN ({marks})", [position, *types]
    ).fetchone()[0]


def project_as_of(
    store: Store, until: str, projections: Iterable[Projection] | None = None
) -> sqlite3.Connection:
    """The projections as the log knew them at `until`, built in a private in-memory database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    chosen = list(projections or ALL)
    conn.execute("BEGIN")
    for projection in chosen:
        projection.create(conn)
    for event in store.read(
        0, types=sorted({t for p in chosen for t in p.event_types}), until=until
    ):
        for projection in chosen:
            if event.type in projection.handlers:
                projection.apply(conn, event)
    conn.execute("COMMIT")
    return conn
