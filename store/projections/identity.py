"""Deal identity: every deal id ever shown, what it names now, and what people tied to it.

A deal id is given once, when a deal is first seen: the hash of its founding report (the
earliest in the log of its reports, see `deal_merging.content_id`). From then on the deal
keeps it, whatever arrives later; ids are carried from one clustering to the next by the
reports they held (see `Deals._assign`). The registry keeps every id ever given:

- `live`: a deal in `deals` has it;
- `merged`: its deal was found to be another (`into`), by reports or by a person;
- `legacy`: an id the content-hash scheme of earlier versions gave the same deal;
- `gone`: every report of it was re-extracted away.

Pins tie reports to a deal a person acted on (confirm, reject, edit, merge, split): a pinned
report stays in that deal whatever the clustering says, and two deals with pins never merge
unless a person merges them. Pins follow a report through re-extraction (its `uid`). A pin
from a merge or a split holds whatever the report names; one from a confirmation, rejection
or edit holds while the report names the same companies (a company unmerged later lets its
reports go their own way).

All of it lives in projection tables rebuilt by replay: the same log gives the same ids.
"""

from __future__ import annotations

import json
import sqlite3

LIVE, MERGED, LEGACY, GONE = "live", "merged", "legacy", "gone"

TABLES = {
    "deal_ids": """CREATE TABLE IF NOT EXISTS deal_ids (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        into_id TEXT,
        how TEXT NOT NULL,
        founded_seq INTEGER NOT NULL,
        founded_idx INTEGER NOT NULL,
        split_from TEXT,
        changed_seq INTEGER NOT NULL
    )""",
    "deal_pins": """CREATE TABLE IF NOT EXISTS deal_pins (
        uid TEXT PRIMARY KEY,
        deal_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        party_key TEXT
    )""",
    "deal_merges": """CREATE TABLE IF NOT EXISTS deal_merges (
        merged TEXT NOT NULL,
        into_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        how TEXT NOT NULL,
        uids TEXT NOT NULL,
        PRIMARY KEY (merged, seq)
    )""",
    "deal_history": """CREATE TABLE IF NOT EXISTS deal_history (
        seq INTEGER NOT NULL,
        at TEXT,
        deal_id TEXT NOT NULL,
        other TEXT,
        action TEXT NOT NULL,
        by TEXT NOT NULL,
        reason TEXT,
        detail TEXT
    )""",
    "deal_curation": """CREATE TABLE IF NOT EXISTS deal_curation (
        deal_id TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        reason TEXT,
        seq INTEGER NOT NULL
    )""",
    "deal_overrides": """CREATE TABLE IF NOT EXISTS deal_overrides (
        deal_id TEXT NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (deal_id, field)
    )""",
}
INDEXES = (
    "CREATE INDEX IF NOT EXISTS deal_ids_into ON deal_ids (into_id)",
    "CREATE INDEX IF NOT EXISTS deal_pins_deal ON deal_pins (deal_id)",
    "CREATE INDEX IF NOT EXISTS deal_history_deal ON deal_history (deal_id)",
    "CREATE INDEX IF NOT EXISTS deal_history_other ON deal_history (other)",
)


def born(uid: str) -> tuple[int, int]:
    """A report lineage's place in the log: (seq of the extraction that first stated it, index)."""
    seq, _, idx = uid.partition(".")
    return int(seq), int(idx)


def row(conn: sqlite3.Connection, ident: str):
    return conn.execute(
        "SELECT id, state, into_id, how, founded_seq, founded_idx, split_from"
        " FROM deal_ids WHERE id = ?",
        (ident,),
    ).fetchone()


def resolve(conn: sqlite3.Connection, ident: str | None) -> str | None:
    """The live (or gone) id `ident` stands for now, following merges; None when unknown."""
    seen = set()
    while ident is not None and ident not in seen:
        seen.add(ident)
        found = conn.execute(
            "SELECT state, into_id FROM deal_ids WHERE id = ?", (ident,)
        ).fetchone()
        if found is None:
            return None
        state, into = found
        if state in (LIVE, GONE):
            return ident
        ident = into
    return None


def closure(conn: sqlite3.Connection, ident: str) -> list[str]:
    """`ident` and every id that resolves to it (merged or legacy), oldest merge first."""
    rows = conn.execute(
        "WITH RECURSIVE c(id, depth) AS (SELECT ?, 0 UNION"
        " SELECT d.id, c.depth + 1 FROM deal_ids d JOIN c ON d.into_id = c.id"
        " WHERE d.state IN ('merged', 'legacy') AND c.depth < 64)"
        " SELECT id FROM c ORDER BY depth, id",
        (ident,),
    ).fetchall()
    return [r[0] for r in rows]


def fresh_id(conn: sqlite3.Connection, base: str) -> str:
    """`base`, or `base-2`, `base-3`, ... when taken; an old-scheme alias yields its id to a
    deal founded under it (it named that report's deal first)."""
    ident, suffix = base, 2
    while True:
        found = conn.execute("SELECT state FROM deal_ids WHERE id = ?", (ident,)).fetchone()
        if found is None:
            return ident
        if found[0] == LEGACY:
            conn.execute("DELETE FROM deal_ids WHERE id = ?", (ident,))
            return ident
        ident, suffix = f"{base}-{suffix}", suffix + 1


def register(
    conn,
    ident: str,
    seq: int,
    founded: tuple[int, int],
    *,
    how: str = "reports",
    split_from: str | None = None,
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO deal_ids (id, state, into_id, how, founded_seq, founded_idx,"
        " split_from, changed_seq) VALUES (?, 'live', NULL, ?, ?, ?, ?, ?)",
        (ident, how, founded[0], founded[1], split_from, seq),
    )


def set_state(
    conn, ident: str, state: str, seq: int, *, into: str | None = None, how: str | None = None
) -> None:
    conn.execute(
        "UPDATE deal_ids SET state = ?, into_id = ?, how = COALESCE(?, how),"
        " changed_seq = ? WHERE id = ?",
        (state, into, how, seq, ident),
    )


def add_legacy(conn, alias: str, ident: str, seq: int) -> None:
    """Remember an id the earlier content-hash scheme gave this deal (first come, kept)."""
    if alias != ident:
        conn.execute(
            "INSERT OR IGNORE INTO deal_ids (id, state, into_id, how, founded_seq,"
            " founded_idx, changed_seq) VALUES (?, 'legacy', ?, 'legacy', ?, -1, ?)",
            (alias, ident, seq, seq),
        )


def history(
    conn,
    seq: int,
    at: str | None,
    ident: str,
    action: str,
    *,
    by: str,
    other: str | None = None,
    reason: str | None = None,
    detail: dict | None = None,
) -> None:
    conn.execute(
        "INSERT INTO deal_history (seq, at, deal_id, other, action, by, reason, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq,
            at,
            ident,
            other,
            action,
            by,
            reason,
            json.dumps(detail, sort_keys=True, ensure_ascii=False) if detail else None,
        ),
    )


def pin(conn, uids, ident: str, seq: int) -> None:
    """Tie reports to a deal: a person said which agreement they are (merge, split)."""
    conn.executemany(
        "INSERT OR REPLACE INTO deal_pins (uid, deal_id, seq, party_key) VALUES (?, ?, ?, NULL)",
        [(u, ident, seq) for u in uids],
    )


def hold(conn, ident: str, seq: int) -> None:
    """Keep the reports a person saw in deal `ident` (confirm, reject, edit) while they name
    the same companies; a report already tied to it stays tied as it was."""
    conn.execute(
        "INSERT OR IGNORE INTO deal_pins (uid, deal_id, seq, party_key)"
        " SELECT uid, deal_id, ?, party_key FROM deal_reports WHERE deal_id = ?",
        (seq, ident),
    )


def marks(conn, ident: str, ids: list[str] | None = None) -> tuple[str | None, str | None]:
    """(confirmed|rejected, reason) of a deal: its own mark, else the newest of the ids merged
    into it (`ids`, its closure, when the caller has it)."""
    ids = ids or closure(conn, ident)
    found = {}
    for deal_id, action, reason, seq in _rows(
        conn, "SELECT deal_id, action, reason, seq FROM deal_curation WHERE deal_id IN ({})", ids
    ):
        found[deal_id] = (seq, action, reason)
    if ident in found:
        return found[ident][1:]
    if found:
        return max(found.values())[1:]
    return None, None


def overrides(conn, ident: str, ids: list[str] | None = None) -> dict[str, object]:
    """Field -> value a person set: the deal's own, else the newest of the ids merged into it."""
    ids = ids or closure(conn, ident)
    best: dict[str, tuple] = {}
    for deal_id, name, value, seq in _rows(
        conn, "SELECT deal_id, field, value, seq FROM deal_overrides WHERE deal_id IN ({})", ids
    ):
        rank = (deal_id == ident, seq)
        if name not in best or rank > best[name][0]:
            best[name] = (rank, json.loads(value))
    return {name: value for name, (_, value) in sorted(best.items())}


def _rows(conn, sql: str, ids: list[str]):
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield from conn.execute(sql.format(",".join("?" * len(chunk))), chunk)
