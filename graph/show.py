"""`deals show`: one deal with its parties, figures and their history, and every source."""

from __future__ import annotations

import json
import sqlite3

from graph import names
from graph.query import FIELDS, as_dict, attach_sources
from graph.render import count, money

LABELS = {"gpu_count": "accelerators", "power_mw": "power (MW)", "value_usd": "value (USD)"}


def deal_details(conn: sqlite3.Connection, text: str) -> dict:
    ident = names.deal_id(conn, text)
    row = conn.execute(f"SELECT {', '.join(FIELDS[:-1])}, curation_reason FROM deals"
                       " WHERE id = ?", (ident,)).fetchone()
    deal = as_dict(row[:-1])
    deal["curation_reason"] = row[-1]
    attach_sources(conn, [deal])
    deal["roles"] = {names.company_name(conn, key): role for key, role in conn.execute(
        "SELECT company_key, role FROM deal_parties WHERE deal_id = ? ORDER BY company_key",
        (ident,))}
    deal["history"] = [
        {"field": f, "value": v, "reported": r, "source": u or doc, "conflicting": bool(c)}
        for f, v, r, doc, u, c in conn.execute(
            "SELECT field, value, reported, doc_id, url, conflicting FROM deal_figures"
            " WHERE deal_id = ? ORDER BY field, reported, rowid", (ident,))]
    deal["evidence"], seen = [], set()
    for doc, url, reported, evidence in conn.execute(
            "SELECT r.doc_id, d.url, COALESCE(a.published, d.published, d.extracted_on),"
            " r.evidence FROM deal_reports r JOIN deal_docs d ON d.doc_id = r.doc_id"
            " LEFT JOIN deal_articles a ON a.url = d.url WHERE r.deal_id = ?"
            " ORDER BY 3, r.doc_id, r.idx", (ident,)):
        for item in json.loads(evidence):
            said = (url or doc, item.get("text"))
            if said not in seen:  # a headline and a report of the same article repeat it
                seen.add(said)
                deal["evidence"].append({"source": url or doc, "reported": reported, **item})
    return deal


def _figure(name: str, value) -> str:
    if name == "value_usd":
        return money(value)
    return count(value) if name == "gpu_count" else f"{value:,.0f}"


def render(deal: dict) -> str:
    flags = [deal["status"] or "status unknown"]
    if deal["conflicted"]:
        flags.append("CONFLICTED")
    if deal["curation"]:
        flags.append(deal["curation"] + (f": {deal['curation_reason']}"
                                         if deal.get("curation_reason") else ""))
    lines = [f"deal {deal['id']}  {deal['kind'] or 'kind unknown'}  ({', '.join(flags)})",
             "parties   " + ", ".join(f"{p} ({r})" for p, r in deal["roles"].items())]
    figures = [f"{LABELS[f]} {_figure(f, deal[f])}" for f in LABELS if deal[f] is not None]
    figures += [f"chip {deal['chip']}"] if deal["chip"] else []
    lines.append("figures   " + (", ".join(figures) or "none stated"))
    if deal["facility"] or deal["location"]:
        lines.append("facility  " + ", ".join(x for x in (deal["facility"], deal["location"]) if x))
    lines.append(f"reported  {deal['first_reported']} to {deal['last_reported']}: "
                 f"{deal['reports']} reports from {len(deal['sources'])} sources")
    if deal["history"]:
        lines.append("history")
        for h in deal["history"]:
            mark = "  conflicting" if h["conflicting"] else ""
            lines.append(f"  {LABELS[h['field']]:<13} {_figure(h['field'], h['value']):>9}  "
                         f"{h['reported']}  {h['source']}{mark}")
    lines.append("evidence")
    article = None
    for e in deal["evidence"]:
        if (e["reported"], e["source"]) != article:
            article = (e["reported"], e["source"])
            lines.append(f"  {e['reported']}  {e['source']}")
        lines.append(f"    \"{e['text']}\"")
    return "\n".join(lines)
