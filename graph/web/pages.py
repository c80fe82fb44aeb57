"""What the deal and company pages show, read from the tables with a plain sqlite3
connection (Datasette's read-only one)."""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import quote

from graph import names
from graph.query import Filters, find_deals
from graph.render import count, money
from graph.show import deal_details
from vocab import FIGURES, UNITS

LABELS = {"gpu_count": "Accelerators", "power_mw": "Power", "value_usd": "Value"}


def figure(field: str, value) -> str:
    """A figure as people read it: 50k accelerators, 1,000 MW, $38B."""
    if value is None:
        return ""
    if field == "value_usd":
        return money(value)
    if field == "power_mw":
        return f"{value:,.0f} {UNITS['power_mw']}"
    return count(value)


def company_path(name_or_key: str) -> str:
    return "/company/" + quote(name_or_key, safe="")


def deal(conn: sqlite3.Connection, text: str) -> dict:
    """One deal: figures, parties with roles, history, evidence grouped by article, curation."""
    found = deal_details(conn, text)
    parties = [
        {"name": n or k, "role": r, "path": company_path(k)}
        for k, n, r in conn.execute(
            "SELECT p.company_key, c.name, p.role FROM deal_parties p LEFT JOIN companies c"
            " ON c.key = p.company_key WHERE p.deal_id = ? ORDER BY c.name COLLATE NOCASE",
            (found["id"],),
        )
    ]
    urls = sorted({e["source"] for e in found["evidence"]})
    titles = (
        dict(
            conn.execute(
                f"SELECT url, title FROM articles WHERE url IN ({','.join('?' * len(urls))})", urls
            )
        )
        if urls
        else {}
    )
    articles: list[dict] = []
    for item in found["evidence"]:
        if not articles or articles[-1]["url"] != item["source"]:
            articles.append(
                {
                    "url": item["source"],
                    "title": titles.get(item["source"]),
                    "reported": item["reported"],
                    "sentences": [],
                }
            )
        articles[-1]["sentences"].append(item["text"])
    figures = [
        {"label": LABELS[f], "value": figure(f, found[f])} for f in FIGURES if found[f] is not None
    ]
    figures += [
        {"label": label, "value": found[key]}
        for key, label in (("chip", "Chip"), ("facility", "Facility"), ("location", "Location"))
        if found[key]
    ]
    history = [
        {**h, "label": LABELS[h["field"]], "shown": figure(h["field"], h["value"])}
        for h in found["history"]
    ]
    return {
        "deal": found,
        "parties": parties,
        "figures": figures,
        "history": history,
        "articles": articles,
    }


def company(conn: sqlite3.Connection, text: str) -> dict:
    """One company: its names, its deals and the totals of their figures."""
    key = names.company_key(conn, text)
    row = conn.execute(
        "SELECT c.name, p.name FROM companies c LEFT JOIN companies p"
        " ON p.key = c.parent WHERE c.key = ?",
        (key,),
    ).fetchone()
    name, parent = row if row else (key, None)
    aliases = [
        a
        for (a,) in conn.execute(
            "SELECT alias FROM company_aliases WHERE canonical_key = ? ORDER BY alias", (key,)
        )
    ]
    deals, _ = find_deals(conn, Filters(parties=[key], limit=0))
    roles = dict(
        conn.execute("SELECT deal_id, role FROM deal_parties WHERE company_key = ?", (key,))
    )
    for d in deals:
        d["role"] = roles.get(d["id"])
        d["shown"] = {f: figure(f, d[f]) for f in FIGURES}
        d["others"] = [{"name": p, "path": company_path(p)} for p in d["parties"] if p != name]
    totals = {f: figure(f, sum(d[f] or 0 for d in deals) or None) for f in FIGURES}
    return {
        "key": key,
        "name": name,
        "parent": parent,
        "aliases": aliases,
        "deals": deals,
        "totals": totals,
        "parent_path": company_path(parent) if parent else None,
    }


def parties_json(value: str) -> list[str] | None:
    """The names in a deals.parties cell, or None when it is not a JSON list of names."""
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        return None
    if isinstance(items, list) and all(isinstance(i, str) for i in items):
        return items
    return None
