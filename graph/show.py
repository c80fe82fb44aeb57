"""`deals show` and `deals history`: one deal with its parties, figures and their history,
every source, and every change people made to it (and every id it was known by)."""

from __future__ import annotations

import json
import sqlite3

from graph import names
from graph.query import COLUMNS, as_dict, attach_former_ids, attach_sources
from graph.render import count, money
from store.projections import identity
from vocab.words import plural

LABELS = {"gpu_count": "accelerators", "power_mw": "power (MW)", "value_usd": "value (USD)"}
BY_PERSON = " (set by a person)"


def actions(conn: sqlite3.Connection, ident: str) -> list[dict]:
    """Every change to the deal `ident` and to the ids that resolve to it, oldest first:
    what people did (confirm, reject, edit, merge, split, ...) and what reports did to its
    identity (merged with another, split off, gone, back)."""
    ids = identity.closure(conn, ident)
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT seq, at, deal_id, other, action, by, reason, detail FROM deal_history"
        f" WHERE deal_id IN ({marks}) OR other IN ({marks}) ORDER BY seq, rowid",
        ids + ids,
    ).fetchall()
    return [
        {
            "seq": seq,
            "at": at,
            "deal_id": deal,
            "other": other,
            "action": action,
            "by": by,
            "reason": reason,
            "detail": json.loads(detail) if detail else {},
        }
        for seq, at, deal, other, action, by, reason, detail in rows
    ]


def deal_details(conn: sqlite3.Connection, text: str) -> dict:
    found = names.find_deal(conn, text)
    ident = found.id
    row = conn.execute(
        f"SELECT {', '.join(COLUMNS)}, curation_reason FROM deals WHERE id = ?", (ident,)
    ).fetchone()
    deal = as_dict(row[:-1])
    deal["curation_reason"] = row[-1]
    deal["named"], deal["note"] = found.named, found.note
    attach_sources(conn, [deal])
    attach_former_ids(conn, [deal])
    registry = identity.row(conn, ident)
    deal["split_from"] = registry[6] if registry else None
    deal["edited_values"] = identity.overrides(conn, ident) if deal["edited"] else {}
    deal["roles"] = {
        names.company_name(conn, key): role
        for key, role in conn.execute(
            "SELECT company_key, role FROM deal_parties WHERE deal_id = ? ORDER BY company_key",
            (ident,),
        )
    }
    deal["history"] = [
        {"field": f, "value": v, "reported": r, "source": u or doc, "conflicting": bool(c)}
        for f, v, r, doc, u, c in conn.execute(
            "SELECT field, value, reported, doc_id, url, conflicting FROM deal_figures"
            " WHERE deal_id = ? ORDER BY field, reported, rowid",
            (ident,),
        )
    ]
    deal["actions"] = actions(conn, ident)
    deal["evidence"], seen = [], set()
    for doc, url, reported, evidence in conn.execute(
        "SELECT r.doc_id, d.url, COALESCE(a.published, d.published, d.extracted_on),"
        " r.evidence FROM deal_reports r JOIN deal_docs d ON d.doc_id = r.doc_id"
        " LEFT JOIN deal_articles a ON a.url = d.url WHERE r.deal_id = ?"
        " ORDER BY 3, r.doc_id, r.idx",
        (ident,),
    ):
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


def describe(action: dict, names_of=None) -> str:
    """One line for one change: when, what, by whom, why."""
    at = (action["at"] or "")[:16].replace("T", " ")
    detail, what = action["detail"], action["action"]
    if what == "edited":
        parts = [
            f"{k}={_figure(k, v) if k in LABELS else v}" for k, v in detail.get("set", {}).items()
        ]
        parts += [f"role {n}={r}" for n, r in detail.get("roles", {}).items()]
        parts += [f"{k} back to the reports" for k in detail.get("clear", [])]
        text = ", ".join(parts)
    elif what == "merged":
        text = f"{action['deal_id']} into {action['other']}"
    elif what == "unmerged":
        text = (
            f"{action['deal_id']} out of {action['other']}"
            if action["other"]
            else action["deal_id"]
        )
    elif what == "renamed":
        text = f"{action['deal_id']} is {action['other']} (an earlier report of the same run)"
    elif what == "split":
        text = f"{action['other']} split off {action['deal_id']}"
        if detail.get("articles"):
            text += ": " + " ".join(detail["articles"])
    else:
        text = action["deal_id"] if what in ("gone", "revived") else ""
    if detail.get("named"):
        text = (text + " " if text else "") + f"(as {detail['named']})"
    if detail.get("applied") is False:
        text += " (nothing to change)"
    who = "by a person" if action["by"] == "person" else "by reports"
    why = f": {action['reason']}" if action.get("reason") else ""
    return f"{at:<16}  {what:<10} {text + '  ' if text else ''}{who}{why}"


def deal_text(deal: dict) -> str:
    flags = [deal["status"] or "status unknown"]
    if deal["conflicted"]:
        flags.append("CONFLICTED")
    if deal["curation"]:
        flags.append(
            deal["curation"]
            + (f": {deal['curation_reason']}" if deal.get("curation_reason") else "")
        )
    edited = deal.get("edited_values") or {}

    def mark(field: str) -> str:
        return BY_PERSON if field in edited else ""

    lines = [
        f"deal {deal['id']}  {deal['kind'] or 'kind unknown'}{mark('kind')}  ({', '.join(flags)})"
    ]
    if deal.get("note"):
        lines.append(f"note      {deal['note']}")
    roles_set = {k[5:] for k in edited if k.startswith("role:")}
    lines.append(
        "parties   "
        + ", ".join(
            f"{p} ({r}{', set by a person' if names.name_key(p) in roles_set else ''})"
            for p, r in deal["roles"].items()
        )
    )
    figures = [f"{LABELS[f]} {_figure(f, deal[f])}{mark(f)}" for f in LABELS if deal[f] is not None]
    figures += [f"chip {deal['chip']}{mark('chip')}"] if deal["chip"] else []
    lines.append("figures   " + (", ".join(figures) or "none stated"))
    if deal["facility"]:
        lines.append(f"facility  {deal['facility']}{mark('facility')}")
    if deal["location"]:
        lines.append(f"location  {deal['location']}{mark('location')}")
    if deal.get("former_ids"):
        lines.append("former    " + ", ".join(deal["former_ids"]) + " (merged into this deal)")
    if deal.get("split_from"):
        lines.append(f"split     off {deal['split_from']}")
    lines.append(
        f"reported  {deal['first_reported']} to {deal['last_reported']}: "
        f"{plural(deal['reports'], 'report')} from "
        f"{plural(len(deal['sources']), 'source')}"
    )
    if deal.get("confidence") is not None:
        confidence = deal["confidence"]
        lines.append(f"confidence {confidence:.2f} that this is a deal (its surest report's)")
    if deal["history"]:
        lines.append("figures reported")
        for h in deal["history"]:
            flag = "  conflicting" if h["conflicting"] else ""
            lines.append(
                f"  {LABELS[h['field']]:<13} {_figure(h['field'], h['value']):>9}  "
                f"{h['reported']}  {h['source']}{flag}"
            )
    if deal.get("actions"):
        lines.append("history")
        lines.extend("  " + describe(a) for a in deal["actions"])
    lines.append("evidence")
    article = None
    for e in deal["evidence"]:
        if (e["reported"], e["source"]) != article:
            article = (e["reported"], e["source"])
            lines.append(f"  {e['reported']}  {e['source']}")
        lines.append(f'    "{e["text"]}"')
    return "\n".join(lines)


def render_history(deal: dict) -> str:
    """`deals history`: the deal in one line, then every change, oldest first."""
    lines = [
        f"deal {deal['id']}  {' + '.join(deal['parties'])}  {deal['kind'] or 'deal'}"
        f"  ({deal['curation'] or 'not curated'})"
    ]
    if deal.get("note"):
        lines.append(f"note  {deal['note']}")
    if not deal["actions"]:
        lines.append("no changes: no person has acted on this deal and its id never moved")
    lines.extend(describe(a) for a in deal["actions"])
    return "\n".join(lines)
