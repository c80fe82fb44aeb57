"""A person's corrections, appended to the log as events.

confirm, reject, unreject, edit, merge (two deals or two company names), unmerge and split:
each function checks the correction against the read tables (one-line errors for anything
that does not fit), appends one event and brings the deals projection level with it, so the
next command sees the change. The events name deal ids, which never change (see
store/projections/identity.py), so every correction survives new reports, re-extraction and
replay. graph/ only reads; this module only appends.
"""

from __future__ import annotations

import math
import re
import sqlite3

from store import NewEvent, Store
from store.errors import ConfigError, DealsError
from store.log import utc_now
from store.projections.deal_merging import name_key
from store.projections.deals import EDITABLE, Deals, split_id
from store.projections.lookup import UnknownName, company_key, company_name, find_deal, suggest
from store.replay import catch_up
from vocab import FIGURES, KINDS, ROLES, STATUSES


def level(store: Store) -> sqlite3.Connection:
    """The store's connection with the deals projection caught up."""
    catch_up(store, [Deals()])
    return store.conn


def _append(store: Store, event: NewEvent, now: str | None) -> None:
    store.append(event, now=now)
    level(store)


def _data(deal_id: str, now: str | None, reason: str | None, **more) -> dict:
    data = {"deal_id": deal_id, "at": now or utc_now(), **more}
    if reason:
        data["reason"] = reason
    return data


# -- confirm, reject, unreject -------------------------------------------------------------------


def judge(
    store: Store, deal: str, action: str, reason: str | None = None, *, now: str | None = None
) -> str:
    """Confirm or reject a deal (by id, former id or unique prefix); returns its id."""
    ident = find_deal(level(store), deal).id
    event_type = {"reject": "DealRejected", "confirm": "DealConfirmed"}[action]
    _append(store, NewEvent(event_type, f"deal:{ident}", _data(ident, now, reason)), now)
    return ident


def unreject(store: Store, deal: str, reason: str | None = None, *, now: str | None = None) -> str:
    """Withdraw a rejection: the deal is back in queries and exports; returns its id."""
    conn = level(store)
    ident = find_deal(conn, deal).id
    mark = conn.execute("SELECT curation FROM deals WHERE id = ?", (ident,)).fetchone()[0]
    if mark != "rejected":
        raise ConfigError(f"deal {ident} is not rejected")
    _append(store, NewEvent("DealUnrejected", f"deal:{ident}", _data(ident, now, reason)), now)
    return ident


# -- edit ---------------------------------------------------------------------------------------


def check_value(field: str, value):
    """A value for `field` as the deal table holds it, or a one-line error."""
    if field not in EDITABLE:
        raise suggest("field", field, list(EDITABLE))
    if field in FIGURES:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
        ):
            raise ConfigError(f"--set {field}: {value!r} is not a number")
        return int(value) if field == "gpu_count" else float(value)
    text = " ".join(str(value).split())
    if field in ("kind", "status"):
        allowed = KINDS if field == "kind" else STATUSES
        if text.lower() not in allowed:
            raise suggest(field, text, list(allowed))
        return text.lower()
    if not text:
        raise ConfigError(f"--set {field}: give a value (or --clear {field})")
    return text


def _party(conn, ident: str, name: str) -> str:
    """The name of a party to deal `ident` that `name` stands for."""
    parties = [
        company_name(conn, k)
        for (k,) in conn.execute(
            "SELECT company_key FROM deal_parties WHERE deal_id = ? ORDER BY company_key", (ident,)
        )
    ]
    try:
        key = company_key(conn, name)
    except UnknownName:
        key = None
    if (
        key is None
        or not conn.execute(
            "SELECT 1 FROM deal_parties WHERE deal_id = ? AND company_key = ?", (ident, key)
        ).fetchone()
    ):
        raise suggest(f"party to deal {ident}", name, parties)
    return company_name(conn, key)


def edit(
    store: Store,
    deal: str,
    values: dict | None = None,
    roles: dict | None = None,
    clear=(),
    reason: str | None = None,
    *,
    now: str | None = None,
) -> tuple[str, dict]:
    """Set values a person knows (they win over every report), roles of parties, or hand
    fields back to the reports (`clear`). Returns the deal id and what was recorded."""
    conn = level(store)
    ident = find_deal(conn, deal).id
    values = {field: check_value(field, value) for field, value in (values or {}).items()}
    given_roles = {}
    for name, role in (roles or {}).items():
        role = str(role).strip().lower().replace(" ", "_")
        if role not in ROLES and role != "party":
            raise suggest("role", role, [*ROLES, "party"])
        given_roles[_party(conn, ident, name)] = role
    cleared = []
    for field in clear or ():
        cleared.append(field if field in EDITABLE else _party(conn, ident, field))
    if not (values or given_roles or cleared):
        raise ConfigError(
            "nothing to change: give --set FIELD=VALUE, --role NAME=ROLE or --clear FIELD"
        )
    change = {
        k: v for k, v in (("set", values), ("roles", given_roles), ("clear", sorted(cleared))) if v
    }
    _append(
        store, NewEvent("DealEdited", f"deal:{ident}", _data(ident, now, reason, **change)), now
    )
    return ident, change


# -- merge, unmerge, split -----------------------------------------------------------------------

_DEAL_ID = re.compile(r"[0-9a-f]{4,10}(-\d+)?", re.IGNORECASE)


def names_deals(store: Store, first: str, second: str) -> bool:
    """Whether `deals merge FIRST SECOND` is about deals: both are written as deal ids (hex,
    four to ten digits) and at least one of them names a deal."""
    if not all(_DEAL_ID.fullmatch(x.strip()) for x in (first, second)):
        return False
    conn = level(store)
    for text in (first, second):
        try:
            find_deal(conn, text)
            return True
        except DealsError:
            pass
    return False


def merge_deals(
    store: Store, deal: str, into: str, reason: str | None = None, *, now: str | None = None
) -> tuple[str, str]:
    """Record that `deal` is the agreement `into` names: `into` keeps its id and `deal`
    resolves to it. Returns (merged id, surviving id)."""
    conn = level(store)
    source, target = find_deal(conn, deal).id, find_deal(conn, into).id
    if source == target:
        raise ConfigError(f"{deal} and {into} are already one deal ({target})")
    _append(
        store,
        NewEvent("DealMerged", f"deal:{source}", _data(source, now, reason, into=target)),
        now,
    )
    return source, target


def merge_companies(
    store: Store,
    alias: str,
    canonical: str,
    *,
    force: bool = False,
    reason: str | None = None,
    now: str | None = None,
) -> list[str]:
    """Record that `alias` names the company `canonical`. Both must be companies seen in
    deals unless `force`; two parties of one deal are refused unless `force`. Returns the
    deals both are party to (the ones the merge makes one party of two)."""
    conn = level(store)
    if name_key(alias) == name_key(canonical):
        raise ConfigError(f"{alias!r} and {canonical!r} are already the same name")
    if not force:
        for name in (alias, canonical):
            company_key(conn, name)
    shared = _shared_deals(conn, alias, canonical)
    if shared and not force:
        more = f" and {len(shared) - 1} more" if len(shared) > 1 else ""
        raise ConfigError(
            f"{alias} and {canonical} are both parties to deal {shared[0]}{more}:"
            " merging them makes one party of two (give --force if they really"
            " are one company)"
        )
    data = {"alias": alias, "canonical": canonical, "at": now or utc_now()}
    if reason:
        data["reason"] = reason
    _append(store, NewEvent("AliasMerged", "curation:companies", data), now)
    return shared


def _shared_deals(conn, a: str, b: str) -> list[str]:
    try:
        keys = [company_key(conn, a), company_key(conn, b)]
    except UnknownName:
        return []
    if keys[0] == keys[1]:  # one company already (an article spelled it out): nothing collapses
        return []
    return [
        i
        for (i,) in conn.execute(
            "SELECT deal_id FROM deal_parties WHERE company_key = ? INTERSECT"
            " SELECT deal_id FROM deal_parties WHERE company_key = ? ORDER BY 1",
            keys,
        )
    ]


def unmerge(
    store: Store, target: str, reason: str | None = None, *, now: str | None = None
) -> tuple[str, str, str]:
    """Undo a merge: a deal id merged into another gets its reports and id back, or a
    company name merged by a person is its own company again. Returns (what, name, from):
    ("deal", id, surviving id) or ("company", name, canonical name)."""
    conn = level(store)
    text = target.strip()
    merged = conn.execute(
        "SELECT id, into_id FROM deal_ids WHERE state = 'merged' AND how != 'run'"
        " AND id >= ? AND id < ?"
        " ORDER BY id LIMIT 2",
        (text.lower(), text.lower() + "\U0010ffff"),
    ).fetchall()
    exact = [m for m in merged if m[0] == text.lower()]
    if exact or len(merged) == 1:
        ident, into = (exact or merged)[0]
        survivor = find_deal(conn, into).id
        _append(store, NewEvent("DealUnmerged", f"deal:{ident}", _data(ident, now, reason)), now)
        return "deal", ident, survivor
    row = conn.execute(
        "SELECT alias, canonical_key FROM company_aliases WHERE alias_key = ? AND how = 'merged'",
        (name_key(text),),
    ).fetchone()
    if row is None:
        if len(merged) > 1:
            raise UnknownName(f"deal id {text!r} is ambiguous: {merged[0][0]}, {merged[1][0]}, ...")
        raise UnknownName(
            f"nothing merged is named {text!r}: give a deal id that was merged"
            " into another, or a company name merged by `deals merge`"
        )
    data = {"alias": text, "at": now or utc_now()}
    if reason:
        data["reason"] = reason
    _append(store, NewEvent("AliasUnmerged", "curation:companies", data), now)
    return "company", text, company_name(conn, row[1])


def split(
    store: Store,
    deal: str,
    articles: list[str],
    reason: str | None = None,
    *,
    now: str | None = None,
) -> tuple[str, str]:
    """Record that the reports of `articles` (URLs among the deal's sources) are another
    agreement. The deal keeps its id with its other reports; returns (its id, the new id)."""
    conn = level(store)
    ident = find_deal(conn, deal).id
    sources = sorted(
        {
            u
            for (u,) in conn.execute(
                "SELECT COALESCE(d.url, r.doc_id) FROM deal_reports r JOIN deal_docs d"
                " ON d.doc_id = r.doc_id WHERE r.deal_id = ?",
                (ident,),
            )
        }
    )
    chosen = sorted({a.strip() for a in articles if a.strip()})
    if not chosen:
        raise ConfigError("give the articles to split off with --article URL")
    for url in chosen:
        if url not in sources:
            raise suggest(f"source of deal {ident}", url, sources)
    if len(chosen) == len(sources):
        raise ConfigError(
            f"every source of deal {ident} was given: nothing would be left;"
            " to drop the deal, reject it"
        )
    base = split_id(ident, chosen)
    new, suffix = base, 2
    while conn.execute(
        "SELECT 1 FROM deal_ids WHERE id = ? AND state != 'legacy'", (new,)
    ).fetchone():
        new, suffix = f"{base}-{suffix}", suffix + 1
    _append(
        store,
        NewEvent(
            "DealSplit", f"deal:{ident}", _data(ident, now, reason, articles=chosen, new_id=new)
        ),
        now,
    )
    return ident, new
