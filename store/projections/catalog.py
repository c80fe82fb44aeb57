"""Companies (with aliases and parent), facilities and chips: the names deals refer to.

These tables belong to the deals projection (see deals.py): deals are keyed by resolved
company names, so the alias map and the deals must move in the same transaction. Resolving a
name is one lookup: a curated merge re-points every alias of the name it folds.
"""

from __future__ import annotations

import sqlite3

from store.projections.deal_merging import name_key

TABLES = {
    "companies": """CREATE TABLE IF NOT EXISTS companies (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        parent TEXT
    )""",
    "company_aliases": """CREATE TABLE IF NOT EXISTS company_aliases (
        alias_key TEXT PRIMARY KEY,
        alias TEXT NOT NULL,
        canonical_key TEXT NOT NULL,
        how TEXT NOT NULL
    )""",
    "facilities": """CREATE TABLE IF NOT EXISTS facilities (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        location TEXT,
        operator TEXT
    )""",
    "chips": """CREATE TABLE IF NOT EXISTS chips (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        vendor TEXT
    )""",
}
INDEXES = (
    "CREATE INDEX IF NOT EXISTS company_aliases_canonical ON company_aliases (canonical_key)",
)
COMPANY_LABELS = {"ORG", "COMPANY"}
FACILITY_LABELS = {"FACILITY", "FAC", "CAMPUS"}
CHIP_LABELS = {"CHIP", "ACCELERATOR", "GPU"}


def resolve(conn: sqlite3.Connection, key: str) -> str:
    """The key a curated merge folded `key` into, else `key`."""
    row = conn.execute(
        "SELECT canonical_key FROM company_aliases WHERE alias_key = ? AND how = 'merged'", (key,)
    ).fetchone()
    return row[0] if row else key


def lookup(conn: sqlite3.Connection, key: str) -> str:
    """The company a name stands for: a curated merge first, else the name an article spelled
    out for it (Quillon for Quillon Semiconductor, AWS for Amazon), else the name itself.

    The alias table holds, for each spelling, the least of the names articles expanded it to,
    so the answer depends on what the log holds, never on the order it arrived in.
    """
    row = conn.execute(
        "SELECT canonical_key FROM company_aliases WHERE alias_key = ?"
        " ORDER BY how = 'merged' DESC LIMIT 1",
        (key,),
    ).fetchone()
    return row[0] if row else key


def register_company(conn: sqlite3.Connection, name: str, renamed: set | None = None) -> str:
    """Record a company name as seen; returns its resolved key.

    Of several spellings of one key (NVIDIA, Nvidia) the least in code-point order names the
    company, so the name never depends on which article came first; keys whose name changed
    are added to `renamed`, as their deals must be rewritten.
    """
    key = resolve(conn, name_key(name))
    before = conn.execute("SELECT name FROM companies WHERE key = ?", (key,)).fetchone()
    if before is None:
        conn.execute("INSERT INTO companies (key, name) VALUES (?, ?)", (key, name))
    elif name_key(name) == key and name < before[0]:
        conn.execute("UPDATE companies SET name = ? WHERE key = ?", (name, key))
        if renamed is not None:
            renamed.add(key)
    return key


def record_entities(conn: sqlite3.Connection, entities) -> set[str]:
    """Names the extractor recognised: aliases it resolved, parents, facilities, chips.

    Returns the company keys whose deals must be looked at again: renamed, or a spelling that
    now resolves elsewhere.
    """
    touched: set[str] = set()
    for entity in entities or ():
        if not isinstance(entity, dict):
            continue
        label = str(entity.get("label") or "").upper()
        name = entity.get("canonical") or entity.get("name") or entity.get("text")
        if not isinstance(name, str) or not name_key(name):
            continue
        if label in COMPANY_LABELS:
            key = register_company(conn, name, touched)
            touched |= _record_seen_alias(conn, entity.get("text"), key)
            parent = entity.get("parent")
            if isinstance(parent, str) and name_key(parent) and name_key(parent) != key:
                conn.execute(
                    "UPDATE companies SET parent = COALESCE(min(parent, ?1), parent, ?1)"
                    " WHERE key = ?2",
                    (register_company(conn, parent, touched), key),
                )
        elif label in FACILITY_LABELS:
            record_facility(conn, name, entity.get("location"), entity.get("operator"))
        elif label in CHIP_LABELS:
            record_chip(conn, name, entity.get("vendor"))
    return touched


def spellings(entities) -> dict[str, str]:
    """One article's abbreviations of companies (key -> the name it stands for there)."""
    found: dict[str, str] = {}
    for entity in entities or ():
        if (
            not isinstance(entity, dict)
            or str(entity.get("label") or "").upper() not in COMPANY_LABELS
        ):
            continue
        text, name = entity.get("text"), entity.get("canonical") or entity.get("name")
        if (
            isinstance(text, str)
            and isinstance(name, str)
            and name_key(name)
            and name_key(text)
            and name_key(text) != name_key(name)
        ):
            found[name_key(text)] = min(name, found.get(name_key(text), name))
    return found


def _record_seen_alias(conn, text, canonical_key: str) -> set[str]:
    """Remember that an article spelled `canonical_key` as `text`; returns the company keys
    whose deals may now resolve differently (the spelling's, and its previous target)."""
    if not isinstance(text, str) or not name_key(text) or name_key(text) == canonical_key:
        return set()
    key = name_key(text)
    before = conn.execute(
        "SELECT canonical_key, how FROM company_aliases WHERE alias_key = ?", (key,)
    ).fetchone()
    if before is None:
        conn.execute(
            "INSERT INTO company_aliases (alias_key, alias, canonical_key, how)"
            " VALUES (?, ?, ?, 'seen')",
            (key, text, canonical_key),
        )
        return {key}
    if before[1] == "seen" and canonical_key < before[0]:
        conn.execute(
            "UPDATE company_aliases SET alias = ?, canonical_key = ? WHERE alias_key = ?",
            (text, canonical_key, key),
        )
        return {key, before[0]}
    return set()


def record_facility(conn, name: str, location=None, operator=None) -> None:
    """Of competing values the least is kept (as for names): never the first to arrive."""
    conn.execute(
        """INSERT INTO facilities (key, name, location, operator) VALUES (?1, ?2, ?3, ?4)
           ON CONFLICT (key) DO UPDATE SET name = min(name, excluded.name),
               location = COALESCE(min(location, ?3), location, ?3),
               operator = COALESCE(min(operator, ?4), operator, ?4)""",
        (name_key(name), name, _text(location), _text(operator)),
    )


def record_chip(conn, name: str, vendor=None) -> None:
    conn.execute(
        """INSERT INTO chips (key, name, vendor) VALUES (?1, ?2, ?3)
           ON CONFLICT (key) DO UPDATE SET name = min(name, excluded.name),
               vendor = COALESCE(min(vendor, ?3), vendor, ?3)""",
        (name_key(name), name, _text(vendor)),
    )


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def merge(conn: sqlite3.Connection, alias: str, canonical: str) -> set[str]:
    """Fold `alias` (and every name resolving to it) into `canonical`.

    Returns the company keys whose deals must be re-keyed. Merging B into A after A into B
    swaps which name is canonical.
    """
    target = name_key(canonical)
    before = resolve(conn, target)
    conn.execute("DELETE FROM company_aliases WHERE alias_key = ?", (target,))
    conn.execute("INSERT OR IGNORE INTO companies (key, name) VALUES (?, ?)", (target, canonical))
    folded = resolve(conn, name_key(alias))
    # deals under `before` may hold `canonical` as written: they move back to it
    touched = {before, folded} - {target}
    if folded != target:
        row = conn.execute("SELECT name, parent FROM companies WHERE key = ?", (folded,)).fetchone()
        conn.execute(
            "UPDATE company_aliases SET canonical_key = ? WHERE canonical_key = ?", (target, folded)
        )
        conn.execute(
            "INSERT OR REPLACE INTO company_aliases (alias_key, alias, canonical_key, how)"
            " VALUES (?, ?, ?, 'merged')",
            (folded, row[0] if row else alias, target),
        )
        if name_key(alias) != folded:
            conn.execute(
                "INSERT OR REPLACE INTO company_aliases (alias_key, alias, canonical_key, how)"
                " VALUES (?, ?, ?, 'merged')",
                (name_key(alias), alias, target),
            )
        conn.execute("DELETE FROM companies WHERE key = ?", (folded,))
        conn.execute("UPDATE companies SET parent = ? WHERE parent = ?", (target, folded))
        if row and row[1]:
            conn.execute(
                "UPDATE companies SET parent = COALESCE(parent, ?) WHERE key = ?", (row[1], target)
            )
    conn.execute("UPDATE companies SET parent = NULL WHERE parent = key")
    return touched


def unmerge(conn: sqlite3.Connection, alias: str) -> set[str]:
    """Make `alias` its own company again, undoing a person's merge of it into another.

    Returns the company keys whose deals must be re-keyed. Spellings articles gave the alias
    (recorded while it was merged) stay with the company it was merged into.
    """
    key = name_key(alias)
    row = conn.execute(
        "SELECT alias, canonical_key FROM company_aliases WHERE alias_key = ? AND how = 'merged'",
        (key,),
    ).fetchone()
    if row is None:
        return set()
    conn.execute("DELETE FROM company_aliases WHERE alias_key = ?", (key,))
    conn.execute("INSERT OR IGNORE INTO companies (key, name) VALUES (?, ?)", (key, row[0]))
    return {key, row[1]}
