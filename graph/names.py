"""Finding the company, chip, facility or deal a user named, or suggesting what they meant."""

from __future__ import annotations

import difflib
import sqlite3

from store.errors import DealsError
from store.projections.catalog import lookup
from store.projections.deal_merging import name_key


class UnknownName(DealsError):
    """A name that matches nothing; the message carries the closest known names."""

    exit_code = 2


def suggest(what: str, name: str, known: list[str]) -> UnknownName:
    by_key = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(name.casefold(), list(by_key), n=3, cutoff=0.6)
    close += [k for k in by_key if name.casefold() in k and k not in close]
    hint = f" (did you mean: {', '.join(by_key[k] for k in close[:3])}?)" if close else ""
    return UnknownName(f"no {what} named {name!r}{hint}")


def company_key(conn: sqlite3.Connection, name: str) -> str:
    """The resolved key of a company, through aliases and case-insensitively."""
    key = lookup(conn, name_key(name))
    if conn.execute("SELECT 1 FROM deal_parties WHERE company_key = ? LIMIT 1",
                    (key,)).fetchone():
        return key
    known = [n for (n,) in conn.execute(
        "SELECT name FROM companies WHERE key IN (SELECT company_key FROM deal_parties)")]
    raise suggest("company with deals", name, known)


def company_name(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT name FROM companies WHERE key = ?", (key,)).fetchone()
    return row[0] if row else key


def deal_column_value(conn: sqlite3.Connection, column: str, name: str) -> str:
    """Check a chip or facility name against the deals that mention one."""
    if conn.execute(f"SELECT 1 FROM deals WHERE {column} = ? COLLATE NOCASE LIMIT 1",
                    (name,)).fetchone():
        return name
    known = [n for (n,) in conn.execute(
        f"SELECT DISTINCT {column} FROM deals WHERE {column} IS NOT NULL")]
    raise suggest(column, name, known)


def deal_id(conn: sqlite3.Connection, text: str) -> str:
    """A deal id, or the one deal whose id starts with `text`."""
    text = text.strip().lower()
    if conn.execute("SELECT 1 FROM deals WHERE id = ?", (text,)).fetchone():
        return text
    matches = [i for (i,) in conn.execute(
        "SELECT id FROM deals WHERE id >= ? AND id < ? ORDER BY id LIMIT 4",
        (text, text + "\U0010ffff"))] if text else []
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UnknownName(f"deal id {text!r} is ambiguous: {', '.join(matches[:3])}, ...")
    close = [i for (i,) in conn.execute(
        "SELECT id FROM deals WHERE substr(id, 1, 3) = ? LIMIT 3", (text[:3],))]
    hint = f" (did you mean: {', '.join(close)}?)" if close else ""
    raise UnknownName(f"no deal with id {text!r}{hint}")
