"""`deals watch`: the material changes since the previous watch, for a cron line to mail.

A change is judged from the projection tables alone: reports from articles first extracted
after the checkpoint are "new"; everything else is what the previous watch already knew.
Re-extracting old articles therefore never raises an alarm.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from vocab import FIGURES
from vocab.words import money

REVISION = 0.20  # a figure moving by more than this is material


@dataclass(frozen=True)
class Thresholds:
    min_gpus: float | None = None
    min_mw: float | None = None
    min_usd: float | None = None
    min_confidence: float | None = None  # the extractor's; a deal a person confirmed passes

    def admit(self, deal: dict) -> bool:
        """True when the extractor is sure enough of the deal and it reaches any figure
        threshold that is set (or none is)."""
        if self.min_confidence is not None and deal.get("curation") != "confirmed":
            confidence = deal.get("confidence")
            if confidence is None or confidence < self.min_confidence:
                return False
        pairs = [
            (self.min_gpus, deal.get("gpu_count")),
            (self.min_mw, deal.get("power_mw")),
            (self.min_usd, deal.get("value_usd")),
        ]
        limits = [(limit, value) for limit, value in pairs if limit is not None]
        return not limits or any(value is not None and value >= limit for limit, value in limits)


_REPORTS = """
    SELECT r.deal_id, r.doc_id, d.first_seq > ? AS fresh, r.status, r.gpu_count, r.power_mw,
           r.value_usd, r.facility, COALESCE(a.published, d.published, d.extracted_on) AS day
    FROM deal_reports r JOIN deal_docs d ON d.doc_id = r.doc_id
    LEFT JOIN deal_articles a ON a.url = d.url
    WHERE r.deal_id IN (SELECT r2.deal_id FROM deal_reports r2 JOIN deal_docs d2
                        ON d2.doc_id = r2.doc_id WHERE d2.first_seq > ? AND d2.first_seq <= ?)
    ORDER BY day, d.first_seq, r.idx
"""


def changes(
    conn: sqlite3.Connection, since: int, until: int, thresholds: Thresholds = Thresholds()
) -> list[dict]:
    """Material changes brought by articles first extracted in (since, until]."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'deal_reports'").fetchone():
        return []
    by_deal: dict[str, list[sqlite3.Row]] = {}
    conn_rows = conn.execute(_REPORTS, (since, since, until)).fetchall()
    for row in conn_rows:
        by_deal.setdefault(row[0], []).append(row)
    deals = _deals(conn, list(by_deal))
    found = []
    for deal_id, rows in by_deal.items():
        deal = deals.get(deal_id)
        if deal is None or deal["curation"] == "rejected":
            continue
        old = [r for r in rows if not r[2]]
        new = [r for r in rows if r[2]]
        if not old:
            if thresholds.admit(deal):
                found.append({"change": "new_deal", **deal})
            continue
        found.extend(_revisions(deal, old, new))
        old_status, new_status = old[-1][3], new[-1][3]
        if old_status and new_status and old_status != new_status:
            found.append({"change": "status", **_head(deal), "from": old_status, "to": new_status})
    found.extend(_new_conflicts(conn, since, until, deals))
    found.extend(_new_facility_parties(conn, since, until))
    return found


def _deals(conn, ids: list[str]) -> dict[str, dict]:
    out = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, parties, kind, status, gpu_count, power_mw, value_usd, chip,"
            f" facility, location, first_reported, curation, conflicted, confidence FROM deals"
            f" WHERE id IN ({marks})",
            chunk,
        ):
            out[row[0]] = {
                "id": row[0],
                "parties": json.loads(row[1]),
                "kind": row[2],
                "status": row[3],
                "gpu_count": row[4],
                "power_mw": row[5],
                "value_usd": row[6],
                "chip": row[7],
                "facility": row[8],
                "location": row[9],
                "first_reported": row[10],
                "curation": row[11],
                "conflicted": bool(row[12]),
                "confidence": row[13],
            }
    return out


def _head(deal: dict) -> dict:
    return {"id": deal["id"], "parties": deal["parties"], "kind": deal["kind"]}


def _revisions(deal: dict, old: list, new: list) -> list[dict]:
    out = []
    for column, field in enumerate(FIGURES, start=4):
        before = next((r[column] for r in reversed(old) if r[column] is not None), None)
        after = next((r[column] for r in reversed(new) if r[column] is not None), None)
        if before and after is not None and abs(after - before) / before > REVISION:
            out.append(
                {"change": "revised", **_head(deal), "field": field, "from": before, "to": after}
            )
    return out


def _new_conflicts(conn, since: int, until: int, deals: dict) -> list[dict]:
    out = []
    for deal_id, field in conn.execute(
        "SELECT DISTINCT f.deal_id, f.field FROM deal_figures f JOIN deal_docs d"
        " ON d.doc_id = f.doc_id WHERE f.conflicting AND d.first_seq > ? AND"
        " d.first_seq <= ? ORDER BY f.deal_id, f.field",
        (since, until),
    ):
        deal = deals.get(deal_id)
        if deal is None or deal["curation"] == "rejected":
            continue
        values = sorted(
            {
                v
                for (v,) in conn.execute(
                    "SELECT value FROM deal_figures WHERE deal_id = ? AND field = ?",
                    (deal_id, field),
                )
            }
        )
        out.append({"change": "conflict", **_head(deal), "field": field, "values": values})
    return out


def _new_facility_parties(conn, since: int, until: int) -> list[dict]:
    """A company newly tied to a facility that earlier reports already named."""
    rows = conn.execute(
        "SELECT r.facility, p.company_key, c.name, MIN(d.first_seq) > ? AS fresh"
        " FROM deal_reports r JOIN deal_docs d ON d.doc_id = r.doc_id"
        " JOIN deal_parties p ON p.deal_id = r.deal_id"
        " LEFT JOIN companies c ON c.key = p.company_key"
        " JOIN deals x ON x.id = r.deal_id"
        " WHERE r.facility IS NOT NULL AND d.first_seq <= ?"
        " AND COALESCE(x.curation, '') != 'rejected'"
        " GROUP BY r.facility COLLATE NOCASE, p.company_key"
        " ORDER BY r.facility COLLATE NOCASE, c.name",
        (since, until),
    ).fetchall()
    by_facility: dict[str, list] = {}
    for facility, key, name, fresh in rows:
        by_facility.setdefault(facility.casefold(), []).append((facility, name or key, fresh))
    out = []
    for entries in by_facility.values():
        if any(not fresh for _, _, fresh in entries):  # the facility was known before
            for facility, name, fresh in entries:
                if fresh:
                    out.append({"change": "facility_party", "facility": facility, "party": name})
    return out


def _figure(field: str, value) -> str:
    return money(value) if field == "value_usd" else f"{value:,.0f}"


def describe(change: dict) -> str:
    """One line of text per change, for mail."""
    kind = change["change"]
    if kind == "facility_party":
        return f"PARTY     {change['facility']}: new party {change['party']}"
    who = " + ".join(change["parties"]) + f" [{change.get('kind') or 'deal'}]"
    if kind == "new_deal":
        figures = []
        if change.get("gpu_count"):
            figures.append(f"{change['gpu_count']:,.0f} x {change.get('chip') or 'accelerators'}")
        if change.get("power_mw"):
            figures.append(f"{change['power_mw']:,.0f} MW")
        if change.get("value_usd"):
            figures.append(money(change["value_usd"]))
        place = ", ".join(x for x in (change.get("facility"), change.get("location")) if x)
        tail = " ".join(figures + ([f"at {place}"] if place else []))
        return f"NEW       {who} {tail}".rstrip() + f"  ({change['status']}, {change['id']})"
    if kind == "revised":
        before, after = change["from"], change["to"]
        field = change["field"]
        return (
            f"REVISED   {who}: {field} {_figure(field, before)} -> {_figure(field, after)} "
            f"({(after - before) / before:+.0%}, {change['id']})"
        )
    if kind == "status":
        return f"STATUS    {who}: {change['from']} -> {change['to']} ({change['id']})"
    values = " vs ".join(_figure(change["field"], v) for v in change["values"])
    return f"CONFLICT  {who}: {change['field']} {values} ({change['id']})"


def watch(store, thresholds: Thresholds = Thresholds(), name: str = "default") -> list[dict]:
    """Changes since this watcher's last checkpoint; then moves the checkpoint (an event)."""
    from store import NewEvent
    from store.replay import catch_up

    head = store.last_seq()
    catch_up(store)
    since = 0
    for event in store.read(types=["WatchCheckpointed"], stream=f"watch:{name}"):
        since = event.data["seq"]
    found = changes(store.conn, since, head, thresholds) if head > since else []
    if head > since:
        store.append(NewEvent("WatchCheckpointed", f"watch:{name}", {"seq": head}))
    return found
