"""The deals' full-text index: what Datasette's search box on the `deals` table searches.

`deal_search` holds each deal's parties and evidence sentences, indexed by `deal_search_fts`
the way sqlite-utils sets it up. It is derived from the deals tables, not from the log: while
a catch-up applies events, triggers on `deals` note the deals written or removed, and
`refresh` re-indexes only those. A row's id is its deal's rowid, the key Datasette's
`fts_pk` compares, so the index is rebuilt whenever the deals table is.
"""

from __future__ import annotations

import sqlite3

from store.projections import fts

FOLLOWS = "deals"  # the projection whose tables this index is made from
TABLE = "deal_search"
COLUMNS = ["parties", "evidence"]
_DIRTY = "deal_search_dirty"
_TRIGGERS = {
    "deals_search_ai": f"AFTER INSERT ON deals BEGIN INSERT OR IGNORE INTO {_DIRTY}"
    " VALUES (new.id); END",
    "deals_search_ad": f"AFTER DELETE ON deals BEGIN INSERT OR IGNORE INTO {_DIRTY}"
    " VALUES (old.id); END",
}
_ROWS = f"""INSERT INTO {TABLE} (id, deal_id, parties, evidence)
    SELECT d.rowid, d.id,
        (SELECT group_concat(p.value, ', ') FROM json_each(d.parties) p),
        (SELECT group_concat(json_extract(e.value, '$.text'), char(10))
           FROM deal_reports r, json_each(r.evidence) e WHERE r.deal_id = d.id)
    FROM deals d WHERE d.id IN (SELECT deal_id FROM {_DIRTY})"""


def track(conn: sqlite3.Connection) -> None:
    """Have `deals` note its changed rows (call before applying events to it)."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {_DIRTY} (deal_id TEXT PRIMARY KEY)")
    for name, body in _TRIGGERS.items():
        conn.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def _create(conn: sqlite3.Connection) -> None:
    fts.database(conn)[TABLE].create(
        {"id": int, "deal_id": str, "parties": str, "evidence": str}, pk="id", not_null={"deal_id"}
    )
    fts.enable_fts(conn, TABLE, COLUMNS)
    conn.execute(f"INSERT OR IGNORE INTO {_DIRTY} SELECT id FROM deals")  # index every deal


def refresh(conn: sqlite3.Connection) -> int:
    """Re-index the deals written since the last refresh; returns how many were noted."""
    if not fts.exists(conn, "deals"):
        return 0
    track(conn)
    if not fts.exists(conn, TABLE):
        _create(conn)
    noted = conn.execute(f"SELECT COUNT(*) FROM {_DIRTY}").fetchone()[0]
    if noted:
        conn.execute(f"DELETE FROM {TABLE} WHERE deal_id IN (SELECT deal_id FROM {_DIRTY})")
        conn.execute(_ROWS)
        conn.execute(f"DELETE FROM {_DIRTY}")
    return noted


def drop(conn: sqlite3.Connection) -> None:
    """Forget the index (the deals table is being rebuilt); the next refresh makes it anew."""
    for name in _TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    fts.disable_fts(conn, TABLE)
    conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
    conn.execute(f"DROP TABLE IF EXISTS {_DIRTY}")
