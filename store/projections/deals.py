"""Deals: many reports merged into one deal each, with figure history, conflicts and curation.

Every report (one deal as one article's latest extraction stated it) is kept in
`deal_reports`. Whenever the reports under a set of parties change (a new article, a
re-extraction, an alias merge, a new article date) that party set is re-clustered from its
reports alone, so the result depends only on the log, never on the order of catch-up batches.
"""

from __future__ import annotations

import json
import re
from datetime import date

from store.projections import catalog
from store.projections.base import Projection, handles
from store.projections.deal_merging import (
    Report, cluster, conflicts, deal_id, name_key, number, roles, summarise)
from vocab import FIGURES, OPERATOR_ROLES

SEP = "\x1f"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

TABLES = {
    "deal_docs": """CREATE TABLE IF NOT EXISTS deal_docs (
        doc_id TEXT PRIMARY KEY,
        url TEXT,
        first_seq INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        extractor_version TEXT,
        extracted_on TEXT NOT NULL,
        published TEXT
    )""",
    "deal_reports": """CREATE TABLE IF NOT EXISTS deal_reports (
        rid INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        party_key TEXT NOT NULL,
        parties TEXT NOT NULL,
        kind TEXT, status TEXT, headline INTEGER NOT NULL,
        gpu_count REAL, chip TEXT, power_mw REAL, value_usd REAL,
        facility TEXT, location TEXT,
        roles TEXT NOT NULL,
        evidence TEXT NOT NULL,
        deal_id TEXT,
        UNIQUE (doc_id, idx)
    )""",
    "deal_reports_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS deal_reports_fts USING fts5(text)",
    "deals": """CREATE TABLE IF NOT EXISTS deals (
        id TEXT PRIMARY KEY,
        party_key TEXT NOT NULL,
        parties TEXT NOT NULL,
        kind TEXT, status TEXT, headline INTEGER NOT NULL,
        gpu_count INTEGER, chip TEXT, power_mw REAL, value_usd REAL,
        facility TEXT, location TEXT,
        first_reported TEXT NOT NULL, last_reported TEXT NOT NULL,
        reports INTEGER NOT NULL, sources INTEGER NOT NULL,
        conflicted INTEGER NOT NULL,
        curation TEXT, curation_reason TEXT
    )""",
    "deal_parties": """CREATE TABLE IF NOT EXISTS deal_parties (
        deal_id TEXT NOT NULL,
        company_key TEXT NOT NULL,
        role TEXT NOT NULL,
        PRIMARY KEY (deal_id, company_key)
    )""",
    "deal_figures": """CREATE TABLE IF NOT EXISTS deal_figures (
        deal_id TEXT NOT NULL, field TEXT NOT NULL, value REAL NOT NULL,
        reported TEXT NOT NULL, doc_id TEXT NOT NULL, url TEXT, conflicting INTEGER NOT NULL
    )""",
    "deal_curation": """CREATE TABLE IF NOT EXISTS deal_curation (
        deal_id TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        reason TEXT,
        seq INTEGER NOT NULL
    )""",
    "deal_articles": """CREATE TABLE IF NOT EXISTS deal_articles (
        url TEXT PRIMARY KEY,
        published TEXT
    )""",
    **catalog.TABLES,
}
INDEXES = (
    "CREATE INDEX IF NOT EXISTS deal_docs_url ON deal_docs (url)",
    "CREATE INDEX IF NOT EXISTS deal_reports_party_key ON deal_reports (party_key)",
    "CREATE INDEX IF NOT EXISTS deal_reports_deal ON deal_reports (deal_id)",
    "CREATE INDEX IF NOT EXISTS deals_party_key ON deals (party_key)",
    "CREATE INDEX IF NOT EXISTS deals_first_reported ON deals (first_reported)",
    "CREATE INDEX IF NOT EXISTS deals_gpu_count ON deals (gpu_count)",
    "CREATE INDEX IF NOT EXISTS deals_power_mw ON deals (power_mw)",
    "CREATE INDEX IF NOT EXISTS deals_value_usd ON deals (value_usd)",
    "CREATE INDEX IF NOT EXISTS deals_chip ON deals (chip COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS deals_facility ON deals (facility COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS deal_parties_company ON deal_parties (company_key)",
    "CREATE INDEX IF NOT EXISTS deal_figures_deal ON deal_figures (deal_id)",
    *catalog.INDEXES,
)


def day(value) -> str | None:
    """The YYYY-MM-DD of an ISO date or timestamp, or None when it is not one."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _evidence(items) -> list[dict]:
    out = []
    for item in items or ():
        if isinstance(item, str):
            item = {"text": item}
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            out.append({"text": item["text"], "start": item.get("start"), "end": item.get("end")})
    return out


class Deals(Projection):
    name = "deals"
    version = 1
    tables = TABLES
    indexes = INDEXES

    @handles("DealsExtracted")
    def extracted(self, conn, event):
        d = event.data
        doc_id = str(d["doc_id"])
        old_keys = self._drop_reports(conn, doc_id)
        previous = conn.execute("SELECT first_seq, extracted_on FROM deal_docs WHERE doc_id = ?",
                                (doc_id,)).fetchone()
        first_seq, extracted_on = previous or (event.seq, event.recorded_at[:10])
        conn.execute(
            "INSERT OR REPLACE INTO deal_docs (doc_id, url, first_seq, seq, extractor_version,"
            " extracted_on, published) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc_id, d.get("url"), first_seq, event.seq, str(d["extractor_version"]),
             extracted_on, day(d.get("published"))))
        touched = catalog.record_entities(conn, d.get("entities"))
        spellings = catalog.spellings(d.get("entities"))
        new_keys = set()
        for idx, deal in enumerate(d["deals"] or ()):
            if isinstance(deal, dict):
                key = self._add_report(conn, doc_id, idx, deal, spellings, touched)
                if key:
                    new_keys.add(key)
        self._recluster(conn, old_keys | new_keys | self._rekey(conn, touched))

    @handles("ArticleParsed")
    def parsed(self, conn, event):
        url, published = event.data["url"], day(event.data.get("published"))
        before = conn.execute("SELECT published FROM deal_articles WHERE url = ?",
                              (url,)).fetchone()
        conn.execute("INSERT OR REPLACE INTO deal_articles (url, published) VALUES (?, ?)",
                     (url, published))
        if before is None or before[0] != published:
            self._recluster(conn, {k for (k,) in conn.execute(
                "SELECT DISTINCT r.party_key FROM deal_reports r JOIN deal_docs d"
                " ON d.doc_id = r.doc_id WHERE d.url = ?", (url,))})

    @handles("AliasMerged")
    def merged(self, conn, event):
        moved = catalog.merge(conn, event.data["alias"], event.data["canonical"])
        self._recluster(conn, self._rekey(conn, moved))

    @handles("DealRejected", "DealConfirmed")
    def curated(self, conn, event):
        action = "rejected" if event.type == "DealRejected" else "confirmed"
        reason = event.data.get("reason") if action == "rejected" else None
        conn.execute("INSERT OR REPLACE INTO deal_curation (deal_id, action, reason, seq)"
                     " VALUES (?, ?, ?, ?)", (event.data["deal_id"], action, reason, event.seq))
        conn.execute("UPDATE deals SET curation = ?, curation_reason = ? WHERE id = ?",
                     (action, reason, event.data["deal_id"]))

    # -- reports ------------------------------------------------------------------------------

    def _drop_reports(self, conn, doc_id: str) -> set[str]:
        keys = {k for (k,) in conn.execute(
            "SELECT DISTINCT party_key FROM deal_reports WHERE doc_id = ?", (doc_id,))}
        conn.execute("DELETE FROM deal_reports_fts WHERE rowid IN"
                     " (SELECT rid FROM deal_reports WHERE doc_id = ?)", (doc_id,))
        conn.execute("DELETE FROM deal_reports WHERE doc_id = ?", (doc_id,))
        return keys

    def _party_key(self, conn, parties: list[str]) -> str:
        return SEP.join(sorted({catalog.lookup(conn, name_key(p)) for p in parties}))

    def _rekey(self, conn, companies: set[str]) -> set[str]:
        """Resolve again the parties of every deal one of `companies` is party to (after a
        merge, a new spelling or a new name); returns the party sets to re-cluster."""
        if not companies:
            return set()
        marks = ",".join("?" * len(companies))
        rows = conn.execute(
            f"SELECT rid, party_key, parties FROM deal_reports WHERE deal_id IN"
            f" (SELECT deal_id FROM deal_parties WHERE company_key IN ({marks}))",
            sorted(companies)).fetchall()
        keys = set()
        for rid, old_key, parties in rows:
            new_key = self._party_key(conn, json.loads(parties))
            if new_key != old_key:
                conn.execute("UPDATE deal_reports SET party_key = ? WHERE rid = ?",
                             (new_key, rid))
            keys |= {old_key, new_key}
        return keys

    def _add_report(self, conn, doc_id: str, idx: int, deal: dict, spellings: dict[str, str],
                    touched: set[str]) -> str | None:
        """Store one report; a party written as the article abbreviated it (AWS) is stored
        under the name the same article's entities resolve it to (Amazon)."""
        def canonical(name):
            return spellings.get(name_key(name), name) if name else name

        parties, seen = [], set()
        for party in (canonical(_name(p)) for p in deal.get("parties") or ()):
            if party and name_key(party) and name_key(party) not in seen:
                seen.add(name_key(party))
                parties.append(party)
        if not parties:
            return None
        for party in parties:
            catalog.register_company(conn, party, touched)
        key = self._party_key(conn, parties)
        raw_roles = deal.get("roles") if isinstance(deal.get("roles"), dict) else {}
        party_roles = {name_key(canonical(k)): str(v) for k, v in raw_roles.items()
                       if v and isinstance(k, str)}
        evidence = _evidence(deal.get("evidence"))
        gpus, mw, usd = (number(deal.get(f)) for f in FIGURES)
        chip, facility = _name(deal.get("chip")), _name(deal.get("facility"))
        cur = conn.execute(
            "INSERT INTO deal_reports (doc_id, idx, party_key, parties, kind, status, headline,"
            " gpu_count, chip, power_mw, value_usd, facility, location, roles, evidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, idx, key, json.dumps(parties), _name(deal.get("kind")),
             _name(deal.get("status")), int(bool(deal.get("headline"))), gpus, chip, mw, usd,
             facility, _name(deal.get("location")),
             json.dumps(party_roles, sort_keys=True),
             json.dumps(evidence)))
        text = "\n".join(e["text"] for e in evidence)
        conn.execute("INSERT INTO deal_reports_fts (rowid, text) VALUES (?, ?)",
                     (cur.lastrowid, text))
        if chip:
            catalog.record_chip(conn, chip)
        if facility:
            operator = next((p for p in parties if party_roles.get(name_key(p)) in OPERATOR_ROLES),
                            None)
            catalog.record_facility(conn, facility, _name(deal.get("location")), operator)
        return key

    # -- clustering ---------------------------------------------------------------------------

    def _recluster(self, conn, keys: set[str]) -> None:
        keys = sorted(keys)
        for key in keys:  # clear every affected party set first: a deal may move between them
            conn.execute("DELETE FROM deal_parties WHERE deal_id IN"
                         " (SELECT id FROM deals WHERE party_key = ?)", (key,))
            conn.execute("DELETE FROM deal_figures WHERE deal_id IN"
                         " (SELECT id FROM deals WHERE party_key = ?)", (key,))
            conn.execute("DELETE FROM deals WHERE party_key = ?", (key,))
        for key in keys:
            for members in cluster(self._load_reports(conn, key)):
                base = ident = deal_id(members[0])
                suffix = 2
                while conn.execute("SELECT 1 FROM deals WHERE id = ?", (ident,)).fetchone():
                    ident, suffix = f"{base}-{suffix}", suffix + 1
                self._write_deal(conn, ident, key, members)

    def _load_reports(self, conn, key: str) -> list[Report]:
        """A party set's reports, oldest article first; ties by article, never by log position,
        which differs between a run and a run interrupted and resumed."""
        rows = conn.execute(
            "SELECT r.rid, r.doc_id, d.url, COALESCE(a.published, d.published, d.extracted_on)"
            " AS reported,"
            " r.parties, r.kind, r.status, r.headline, r.gpu_count, r.chip, r.power_mw,"
            " r.value_usd, r.facility, r.location, r.roles"
            " FROM deal_reports r JOIN deal_docs d ON d.doc_id = r.doc_id"
            " LEFT JOIN deal_articles a ON a.url = d.url"
            " WHERE r.party_key = ? ORDER BY reported, r.doc_id, r.idx", (key,)).fetchall()
        reports = []
        for (rid, doc_id, url, reported, parties, kind, status, headline, gpus, chip, mw, usd,
             facility, location, raw_roles) in rows:
            parties = json.loads(parties)
            resolved = {name_key(p): catalog.lookup(conn, name_key(p)) for p in parties}
            report = Report(
                doc_id, url, reported, tuple(name_key(p) for p in parties), kind, status,
                bool(headline), chip, facility, location,
                {f: v for f, v in zip(FIGURES, (gpus, mw, usd)) if v is not None},
                {resolved[p]: r for p, r in json.loads(raw_roles).items() if p in resolved},
                rid)
            reports.append(report)
        return reports

    def _write_deal(self, conn, ident: str, key: str, members: list[Report]) -> None:
        row = summarise(members)
        party_keys = key.split(SEP)
        names = [conn.execute("SELECT name FROM companies WHERE key = ?", (k,)).fetchone()
                 for k in party_keys]
        parties = sorted((n[0] if n else k for n, k in zip(names, party_keys)), key=str.casefold)
        disputed = conflicts(members)
        curation = conn.execute("SELECT action, reason FROM deal_curation WHERE deal_id = ?",
                                (ident,)).fetchone() or (None, None)
        gpus = row["gpu_count"]
        conn.execute(
            "INSERT INTO deals (id, party_key, parties, kind, status, headline, gpu_count, chip,"
            " power_mw, value_usd, facility, location, first_reported, last_reported, reports,"
            " sources, conflicted, curation, curation_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ident, key, json.dumps(parties, ensure_ascii=False), row["kind"], row["status"],
             int(row["headline"]), None if gpus is None else int(gpus), row["chip"],
             row["power_mw"], row["value_usd"], row["facility"], row["location"],
             row["first_reported"], row["last_reported"], row["reports"], row["sources"],
             int(bool(disputed)), *curation))
        conn.executemany("INSERT INTO deal_parties (deal_id, company_key, role) VALUES (?, ?, ?)",
                         [(ident, k, r) for k, r in roles(members, party_keys).items()])
        flagged = {(f, id(m)) for f, m in disputed}
        conn.executemany(
            "INSERT INTO deal_figures (deal_id, field, value, reported, doc_id, url, conflicting)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(ident, f, m.figures[f], m.reported, m.doc_id, m.url, int((f, id(m)) in flagged))
             for m in members for f in FIGURES if f in m.figures])
        conn.executemany("UPDATE deal_reports SET deal_id = ? WHERE rid = ?",
                         [(ident, m.rid) for m in members])


def _name(value) -> str | None:
    """A name or label as text, control characters removed, or None."""
    if not isinstance(value, str):
        return None
    return " ".join(_CONTROL.sub(" ", value).split()) or None
