"""Finding the company, chip, facility or deal a user named, or suggesting what they meant.

Read-side lookups over the deals projection, kept here (below graph/ and ops/) so that both
the read commands and the curation writers resolve names and ids the same way.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from dataclasses import dataclass

from store.errors import DealsError
from store.projections import identity
from store.projections.catalog import lookup
from store.projections.deal_merging import name_key

_ID = re.compile(r"[0-9a-f]{1,10}(-\d+)?")


class UnknownName(DealsError):
    """A name that matches nothing; the message carries the closest known names."""

    exit_code = 2


class DealGone(DealsError):
    """An id that named a deal whose every report was re-extracted away."""


def suggest(what: str, name: str, known: list[str]) -> UnknownName:
    by_key = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(name.casefold(), list(by_key), n=3, cutoff=0.6)
    close += [k for k in by_key if name.casefold() in k and k not in close]
    hint = f" (did you mean: {', '.join(by_key[k] for k in close[:3])}?)" if close else ""
    return UnknownName(f"no {what} named {name!r}{hint}")


def company_key(conn: sqlite3.Connection, name: str) -> str:
    """The resolved key of a company, through aliases and case-insensitively."""
    key = lookup(conn, name_key(name))
    if conn.execute("SELECT 1 FROM deal_parties WHERE company_key = ? LIMIT 1", (key,)).fetchone():
        return key
    known = [
        n
        for (n,) in conn.execute(
            "SELECT name FROM companies WHERE key IN (SELECT company_key FROM deal_parties)"
        )
    ]
    raise suggest("company with deals", name, known)


def company_name(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT name FROM companies WHERE key = ?", (key,)).fetchone()
    return row[0] if row else key


def deal_column_value(conn: sqlite3.Connection, column: str, name: str) -> str:
    """Check a chip or facility name against the deals that mention one."""
    if conn.execute(
        f"SELECT 1 FROM deals WHERE {column} = ? COLLATE NOCASE LIMIT 1", (name,)
    ).fetchone():
        return name
    known = [
        n
        for (n,) in conn.execute(f"SELECT DISTINCT {column} FROM deals WHERE {column} IS NOT NULL")
    ]
    raise suggest(column, name, known)


@dataclass(frozen=True)
class FoundDeal:
    id: str  # the deal's id now
    named: str  # the id (or prefix) as the user wrote it, completed
    note: str | None = None  # how `named` leads to `id`, when it is not `id` itself


def _prefixed(conn, table: str, text: str) -> list[str]:
    return [
        i
        for (i,) in conn.execute(
            f"SELECT id FROM {table} WHERE id >= ? AND id < ? ORDER BY id LIMIT 4",
            (text, text + "\U0010ffff"),
        )
    ]


def _how(conn, named: str, ident: str) -> str:
    """One line: why the id a user gave is now shown as another."""
    state, how = conn.execute("SELECT state, how FROM deal_ids WHERE id = ?", (named,)).fetchone()
    if state == identity.LEGACY:
        return f"{named} is an earlier id of deal {ident}"
    when = conn.execute(
        "SELECT substr(at, 1, 10), reason FROM deal_history WHERE deal_id = ?"
        " AND action = 'merged' ORDER BY seq DESC, rowid DESC LIMIT 1",
        (named,),
    ).fetchone() or (None, None)
    on = f" on {when[0]}" if when[0] else ""
    if how == "run":
        return f"{named} was the id of deal {ident} until an earlier report of the same run arrived"
    if how == "person":
        why = f": {when[1]}" if when[1] else ""
        return f"{named} was merged into {ident}{on} by a person{why}"
    return f"{named} was merged into {ident}{on}: later reports showed they are one agreement"


def find_deal(conn: sqlite3.Connection, text: str) -> FoundDeal:
    """The deal an id names, however old the id: a live id, an id merged into another deal,
    an id the earlier content-hash scheme gave, or a unique prefix of any of them."""
    text = text.strip().lower()
    has_registry = (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'deal_ids'").fetchone() is not None
    )
    if conn.execute("SELECT 1 FROM deals WHERE id = ?", (text,)).fetchone():
        return FoundDeal(text, text)
    candidates = (
        [text]
        if has_registry and conn.execute("SELECT 1 FROM deal_ids WHERE id = ?", (text,)).fetchone()
        else []
    )
    if not candidates and text:
        live = _prefixed(conn, "deals", text)
        if len(live) == 1:
            return FoundDeal(live[0], live[0])
        if len(live) > 1:
            raise UnknownName(f"deal id {text!r} is ambiguous: {', '.join(live[:3])}, ...")
        if has_registry:
            candidates = _prefixed(conn, "deal_ids", text)
            targets = {identity.resolve(conn, c) for c in candidates}
            if len(targets) > 1:
                raise UnknownName(
                    f"deal id {text!r} is ambiguous: {', '.join(candidates[:3])}, ..."
                )
    if candidates:
        named = candidates[0]
        ident = identity.resolve(conn, named)
        if (
            ident is not None
            and conn.execute("SELECT 1 FROM deals WHERE id = ?", (ident,)).fetchone()
        ):
            return FoundDeal(ident, named, None if ident == named else _how(conn, named, ident))
        if ident is not None:
            raise DealGone(
                f"deal {ident} has no reports any more: the articles that reported"
                " it were extracted again and no longer state it"
            )
    close = []
    if _ID.fullmatch(text) and len(text) >= 4:  # a mistyped id: ids sharing its start
        close = [
            i
            for (i,) in conn.execute(
                "SELECT id FROM deals WHERE substr(id, 1, 3) = ? ORDER BY id LIMIT 3", (text[:3],)
            )
        ]
    hint = f" (did you mean: {', '.join(close)}?)" if close else ""
    raise UnknownName(f"no deal with id {text!r}{hint}")


def deal_id(conn: sqlite3.Connection, text: str) -> str:
    """A deal id, or the one deal whose id (or former id) starts with `text`."""
    return find_deal(conn, text).id
