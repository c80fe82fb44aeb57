"""Deals: many reports merged into one deal each, with figure history, conflicts and curation.

Every report (one deal as one article's latest extraction stated it) is kept in
`deal_reports`. Whenever the reports under a set of parties change (a new article, a
re-extraction, an alias merge, a new article date, a person's correction) that party set is
re-clustered from its reports and the pins people set (see deal_merging.cluster), so the
grouping depends only on the log, never on the order of catch-up batches.

A deal's id is given once and kept (see identity.py): each new grouping takes over the ids of
the previous one through the reports they share, so an earlier-dated report, another outlet,
a re-extraction or a replay never renames a deal. Confirmations, rejections, edits, merges
and splits are attached to ids and to the reports a person saw, so they survive all of these.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from datetime import date

from store.projections import catalog, identity
from store.projections.base import Projection, handles
from store.projections.deal_merging import (
    Report,
    cluster,
    conflicts,
    content_id,
    name_key,
    number,
    probability,
    roles,
    summarise,
)
from store.projections.identity import GONE, LIVE, MERGED
from vocab import FIGURES, OPERATOR_ROLES

SEP = "\x1f"
GROUP_SEP = "\x1e"  # between party sets, for a deal a person merged across them
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EDITABLE = ("kind", "status", *FIGURES, "chip", "facility", "location")

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
        uid TEXT NOT NULL,
        home TEXT,
        cohort TEXT,
        confidence REAL,
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
        curation TEXT, curation_reason TEXT,
        edited TEXT,
        confidence REAL
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
    "deal_articles": """CREATE TABLE IF NOT EXISTS deal_articles (
        url TEXT PRIMARY KEY,
        published TEXT
    )""",
    **identity.TABLES,
    **catalog.TABLES,
}
INDEXES = (
    "CREATE INDEX IF NOT EXISTS deal_docs_url ON deal_docs (url)",
    "CREATE INDEX IF NOT EXISTS deal_reports_party_key ON deal_reports (party_key)",
    "CREATE INDEX IF NOT EXISTS deal_reports_deal ON deal_reports (deal_id)",
    "CREATE INDEX IF NOT EXISTS deal_reports_uid ON deal_reports (uid)",
    "CREATE INDEX IF NOT EXISTS deals_party_key ON deals (party_key)",
    "CREATE INDEX IF NOT EXISTS deals_first_reported ON deals (first_reported)",
    "CREATE INDEX IF NOT EXISTS deals_gpu_count ON deals (gpu_count)",
    "CREATE INDEX IF NOT EXISTS deals_power_mw ON deals (power_mw)",
    "CREATE INDEX IF NOT EXISTS deals_value_usd ON deals (value_usd)",
    "CREATE INDEX IF NOT EXISTS deals_chip ON deals (chip COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS deals_facility ON deals (facility COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS deal_parties_company ON deal_parties (company_key)",
    "CREATE INDEX IF NOT EXISTS deal_figures_deal ON deal_figures (deal_id)",
    *identity.INDEXES,
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


def split_id(deal: str, articles) -> str:
    """The id proposed for the reports `articles` split off `deal` (before any suffix)."""
    basis = "\x1f".join(["split", deal, *sorted(articles)])
    return hashlib.sha256(basis.encode()).hexdigest()[:10]


def _evidence(items) -> list[dict]:
    out = []
    for item in items or ():
        if isinstance(item, str):
            item = {"text": item}
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            out.append({"text": item["text"], "start": item.get("start"), "end": item.get("end")})
    return out


def _at(event) -> str:
    at = event.data.get("at")
    return at if isinstance(at, str) and at else event.recorded_at


def _in(conn, sql: str, values, extra=()) -> list:
    """Rows of `sql` whose `{}` is a list of placeholders for `values`, in chunks."""
    values = sorted(v for v in values if v is not None)
    out = []
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        out.extend(conn.execute(sql.format(",".join("?" * len(chunk))), [*chunk, *extra]))
    return out


class Deals(Projection):
    name = "deals"
    version = 3
    tables = TABLES
    indexes = INDEXES

    @handles("DealsExtracted")
    def extracted(self, conn, event):
        d = event.data
        doc_id = str(d["doc_id"])
        dropped = self._drop_reports(conn, doc_id)
        previous = conn.execute(
            "SELECT first_seq, extracted_on FROM deal_docs WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        first_seq, extracted_on = previous or (event.seq, event.recorded_at[:10])
        conn.execute(
            "INSERT OR REPLACE INTO deal_docs (doc_id, url, first_seq, seq, extractor_version,"
            " extracted_on, published) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                d.get("url"),
                first_seq,
                event.seq,
                str(d["extractor_version"]),
                extracted_on,
                day(d.get("published")),
            ),
        )
        touched = catalog.record_entities(conn, d.get("entities"))
        spellings = catalog.spellings(d.get("entities"))
        new_keys = set()
        for idx, deal in enumerate(d["deals"] or ()):
            if isinstance(deal, dict):
                key = self._add_report(
                    conn,
                    doc_id,
                    event.seq,
                    idx,
                    deal,
                    spellings,
                    touched,
                    dropped,
                    event.meta.get("run_id"),
                )
                if key:
                    new_keys.add(key)
        old_keys = {r["party_key"] for r in dropped}
        self._recluster(
            conn,
            event,
            old_keys | new_keys | self._rekey(conn, touched),
            {r["deal_id"] for r in dropped},
        )

    @handles("ArticleParsed")
    def parsed(self, conn, event):
        url, published = event.data["url"], day(event.data.get("published"))
        before = conn.execute(
            "SELECT published FROM deal_articles WHERE url = ?", (url,)
        ).fetchone()
        conn.execute(
            "INSERT OR REPLACE INTO deal_articles (url, published) VALUES (?, ?)", (url, published)
        )
        if before is None or before[0] != published:
            self._recluster(
                conn,
                event,
                {
                    k
                    for (k,) in conn.execute(
                        "SELECT DISTINCT r.party_key FROM deal_reports r JOIN deal_docs d"
                        " ON d.doc_id = r.doc_id WHERE d.url = ?",
                        (url,),
                    )
                },
            )

    @handles("AliasMerged")
    def merged(self, conn, event):
        moved = catalog.merge(conn, event.data["alias"], event.data["canonical"])
        self._recluster(conn, event, self._rekey(conn, moved))

    @handles("AliasUnmerged")
    def unmerged_alias(self, conn, event):
        moved = catalog.unmerge(conn, event.data["alias"])
        self._recluster(conn, event, self._rekey(conn, moved))

    # -- curation -----------------------------------------------------------------------------

    def _target(self, conn, event, field: str = "deal_id") -> tuple[str, str | None]:
        """(the id the event names, the live deal it stands for now or None)."""
        named = str(event.data[field]).strip().lower()
        live = identity.resolve(conn, named)
        state = conn.execute("SELECT state FROM deal_ids WHERE id = ?", (live,)).fetchone()
        return named, live if state and state[0] == LIVE else None

    def _note(self, conn, event, ident: str, action: str, named: str, **more) -> None:
        detail = dict(more.pop("detail", None) or {})
        if named != ident:
            detail["named"] = named
        identity.history(
            conn,
            event.seq,
            _at(event),
            ident,
            action,
            by="person",
            reason=event.data.get("reason"),
            detail=detail or None,
            **more,
        )

    def _uids(self, conn, deal: str) -> list[str]:
        return [
            u
            for (u,) in conn.execute(
                "SELECT uid FROM deal_reports WHERE deal_id = ? ORDER BY uid", (deal,)
            )
        ]

    def _keys(self, conn, deals) -> set[str]:
        return {
            k
            for (k,) in _in(
                conn, "SELECT DISTINCT party_key FROM deal_reports WHERE deal_id IN ({})", deals
            )
        }

    def _hold(self, conn, event, deal: str) -> None:
        """Tie the reports a person just saw to `deal`, then regroup around it."""
        identity.hold(conn, deal, event.seq)
        self._recluster(conn, event, self._keys(conn, [deal]), {deal})

    @handles("DealRejected", "DealConfirmed")
    def judged(self, conn, event):
        named, live = self._target(conn, event)
        action = "rejected" if event.type == "DealRejected" else "confirmed"
        target = live or identity.resolve(conn, named) or named
        conn.execute(
            "INSERT OR REPLACE INTO deal_curation (deal_id, action, reason, seq)"
            " VALUES (?, ?, ?, ?)",
            (target, action, event.data.get("reason"), event.seq),
        )
        self._note(conn, event, target, action, named)
        if live:
            self._hold(conn, event, live)

    @handles("DealUnrejected")
    def unrejected(self, conn, event):
        named, live = self._target(conn, event)
        target = live or identity.resolve(conn, named) or named
        _in(
            conn,
            "DELETE FROM deal_curation WHERE action = 'rejected' AND deal_id IN ({})",
            identity.closure(conn, target),
        )
        self._note(conn, event, target, "unrejected", named)
        if live:
            self._hold(conn, event, live)

    @handles("DealEdited")
    def edited(self, conn, event):
        named, live = self._target(conn, event)
        target = live or identity.resolve(conn, named) or named
        values = event.data.get("set") or {}
        for field in sorted(values):
            if field in EDITABLE:
                conn.execute(
                    "INSERT OR REPLACE INTO deal_overrides (deal_id, field, value, seq)"
                    " VALUES (?, ?, ?, ?)",
                    (target, field, json.dumps(values[field]), event.seq),
                )
        given_roles = event.data.get("roles") or {}
        for name in sorted(given_roles):
            key = catalog.lookup(conn, name_key(name))
            conn.execute(
                "INSERT OR REPLACE INTO deal_overrides (deal_id, field, value, seq)"
                " VALUES (?, ?, ?, ?)",
                (target, f"role:{key}", json.dumps(given_roles[name]), event.seq),
            )
        for field in event.data.get("clear") or ():
            field = str(field)
            if field not in EDITABLE and not field.startswith("role:"):
                field = f"role:{catalog.lookup(conn, name_key(field))}"
            _in(
                conn,
                "DELETE FROM deal_overrides WHERE deal_id IN ({}) AND field = ?",
                identity.closure(conn, target),
                (field,),
            )
        detail = {k: event.data[k] for k in ("set", "roles", "clear") if event.data.get(k)}
        self._note(conn, event, target, "edited", named, detail=detail)
        if live:
            self._hold(conn, event, live)

    @handles("DealMerged")
    def deal_merged(self, conn, event):
        named, source = self._target(conn, event)
        into_named, into = self._target(conn, event, "into")
        if source is None or into is None or source == into:
            self._note(
                conn,
                event,
                identity.resolve(conn, named) or named,
                "merged",
                named,
                other=into or into_named,
                detail={"applied": False},
            )
            return
        moved = self._uids(conn, source)
        conn.execute(
            "INSERT OR REPLACE INTO deal_merges (merged, into_id, seq, how, uids)"
            " VALUES (?, ?, ?, 'person', ?)",
            (source, into, event.seq, json.dumps(moved)),
        )
        conn.execute("UPDATE deal_pins SET deal_id = ? WHERE deal_id = ?", (into, source))
        identity.pin(conn, moved + self._uids(conn, into), into, event.seq)
        identity.set_state(conn, source, MERGED, event.seq, into=into, how="person")
        self._note(conn, event, source, "merged", named, other=into)
        self._recluster(conn, event, self._keys(conn, [source, into]), {source, into})

    @handles("DealUnmerged")
    def deal_unmerged(self, conn, event):
        named = str(event.data["deal_id"]).strip().lower()
        found = identity.row(conn, named)
        if found is None or found[1] != MERGED or found[3] == "run":
            self._note(
                conn,
                event,
                identity.resolve(conn, named) or named,
                "unmerged",
                named,
                detail={"applied": False},
            )
            return
        survivor = identity.resolve(conn, found[2])
        record = conn.execute(
            "SELECT uids FROM deal_merges WHERE merged = ? ORDER BY seq DESC LIMIT 1", (named,)
        ).fetchone()
        uids = set(json.loads(record[0])) if record else set()
        back = [u for (u,) in _in(conn, "SELECT uid FROM deal_reports WHERE uid IN ({})", uids)]
        identity.set_state(conn, named, LIVE, event.seq, into=None, how="person")
        identity.pin(conn, back, named, event.seq)
        ids = {named}
        if survivor:
            ids.add(survivor)
            identity.pin(
                conn, [u for u in self._uids(conn, survivor) if u not in uids], survivor, event.seq
            )
        self._note(conn, event, named, "unmerged", named, other=survivor)
        keys = self._keys(conn, ids) | {
            k
            for (k,) in _in(
                conn, "SELECT DISTINCT party_key FROM deal_reports WHERE uid IN ({})", back
            )
        }
        self._recluster(conn, event, keys, ids)

    @handles("DealSplit")
    def deal_split(self, conn, event):
        named, live = self._target(conn, event)
        articles = {str(a) for a in event.data.get("articles") or ()}
        members = conn.execute(
            "SELECT r.uid, r.doc_id, d.url FROM deal_reports r JOIN deal_docs d"
            " ON d.doc_id = r.doc_id WHERE r.deal_id = ? ORDER BY r.uid",
            (live,),
        ).fetchall()
        moving = [u for u, doc, url in members if url in articles or doc in articles]
        staying = [u for u, doc, url in members if u not in moving]
        if live is None or not moving or not staying:
            self._note(
                conn,
                event,
                identity.resolve(conn, named) or named,
                "split",
                named,
                detail={"articles": sorted(articles), "applied": False},
            )
            return
        new = identity.fresh_id(conn, str(event.data.get("new_id") or split_id(live, articles)))
        identity.register(conn, new, event.seq, (event.seq, -1), how="split", split_from=live)
        identity.pin(conn, moving, new, event.seq)
        identity.pin(conn, staying, live, event.seq)
        self._note(
            conn, event, live, "split", named, other=new, detail={"articles": sorted(articles)}
        )
        self._recluster(conn, event, self._keys(conn, [live]), {live, new})

    # -- reports ------------------------------------------------------------------------------

    def _drop_reports(self, conn, doc_id: str) -> list[dict]:
        """Remove an article's reports; returns what a re-extraction's reports may inherit."""
        dropped = [
            {
                "idx": idx,
                "party_key": key,
                "raw": {name_key(p) for p in json.loads(parties)},
                "kind": kind,
                "deal_id": deal,
                "uid": uid,
                "home": home,
                "cohort": cohort,
            }
            for idx, key, parties, kind, deal, uid, home, cohort in conn.execute(
                "SELECT idx, party_key, parties, kind, deal_id, uid, home, cohort FROM deal_reports"
                " WHERE doc_id = ? ORDER BY idx",
                (doc_id,),
            )
        ]
        conn.execute(
            "DELETE FROM deal_reports_fts WHERE rowid IN"
            " (SELECT rid FROM deal_reports WHERE doc_id = ?)",
            (doc_id,),
        )
        conn.execute("DELETE FROM deal_reports WHERE doc_id = ?", (doc_id,))
        return dropped

    @staticmethod
    def _inherit(dropped: list[dict], key: str, raw: set[str], kind: str | None) -> dict | None:
        """The earlier report of the same article this one restates, if any: the same companies
        first, then the same kind, then the most names in common; it is taken from the pool."""
        best, rank = None, None
        for old in dropped:
            overlap = len(old["raw"] & raw) / max(len(old["raw"] | raw), 1)
            if old["party_key"] != key and not overlap:
                continue
            mine = (old["party_key"] == key, old["kind"] == kind, overlap, -old["idx"])
            if rank is None or mine > rank:
                best, rank = old, mine
        if best is not None:
            dropped.remove(best)
        return best

    def _party_key(self, conn, parties: list[str]) -> str:
        return SEP.join(sorted({catalog.lookup(conn, name_key(p)) for p in parties}))

    def _rekey(self, conn, companies: set[str]) -> set[str]:
        """Resolve again the parties of every deal one of `companies` is party to (after a
        merge, a new spelling or a new name); returns the party sets to re-cluster."""
        if not companies:
            return set()
        rows = _in(
            conn,
            "SELECT rid, party_key, parties FROM deal_reports WHERE deal_id IN"
            " (SELECT deal_id FROM deal_parties WHERE company_key IN ({}))",
            companies,
        )
        keys = set()
        for rid, old_key, parties in rows:
            new_key = self._party_key(conn, json.loads(parties))
            if new_key != old_key:
                conn.execute("UPDATE deal_reports SET party_key = ? WHERE rid = ?", (new_key, rid))
            keys |= {old_key, new_key}
        return keys

    def _add_report(
        self,
        conn,
        doc_id: str,
        seq: int,
        idx: int,
        deal: dict,
        spellings: dict[str, str],
        touched: set[str],
        dropped: list[dict],
        cohort: str | None = None,
    ) -> str | None:
        """Store one report; a party written as the article abbreviated it (AWS) is stored
        under the name the same article's entities resolve it to (Amazon). A report restating
        one of the article's earlier extraction keeps that one's lineage and deal."""

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
        kind = _name(deal.get("kind"))
        before = self._inherit(dropped, key, seen, kind) or {}
        raw_roles = deal.get("roles") if isinstance(deal.get("roles"), dict) else {}
        party_roles = {
            name_key(canonical(k)): str(v) for k, v in raw_roles.items() if v and isinstance(k, str)
        }
        evidence = _evidence(deal.get("evidence"))
        gpus, mw, usd = (number(deal.get(f)) for f in FIGURES)
        chip, facility = _name(deal.get("chip")), _name(deal.get("facility"))
        cur = conn.execute(
            "INSERT INTO deal_reports (doc_id, idx, party_key, parties, kind, status, headline,"
            " gpu_count, chip, power_mw, value_usd, facility, location, roles, evidence,"
            " deal_id, uid, home, cohort, confidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                idx,
                key,
                json.dumps(parties),
                kind,
                _name(deal.get("status")),
                int(bool(deal.get("headline"))),
                gpus,
                chip,
                mw,
                usd,
                facility,
                _name(deal.get("location")),
                json.dumps(party_roles, sort_keys=True),
                json.dumps(evidence),
                before.get("deal_id"),
                before.get("uid") or f"{seq}.{idx}",
                before.get("home"),
                before.get("cohort", cohort) if before else cohort,
                probability(deal.get("confidence")),
            ),
        )
        text = "\n".join(e["text"] for e in evidence)
        conn.execute(
            "INSERT INTO deal_reports_fts (rowid, text) VALUES (?, ?)", (cur.lastrowid, text)
        )
        if chip:
            catalog.record_chip(conn, chip)
        if facility:
            operator = next(
                (p for p in parties if party_roles.get(name_key(p)) in OPERATOR_ROLES), None
            )
            catalog.record_facility(conn, facility, _name(deal.get("location")), operator)
        return key

    # -- clustering ---------------------------------------------------------------------------

    def _component(self, conn, keys: set[str], ids: set[str]) -> tuple[set[str], set[str]]:
        """The party sets and deals to regroup together: those given, the deals holding their
        reports or pins, and the party sets of those deals' reports and pins."""
        keys, ids = set(keys), {i for i in ids if i}
        pinned = conn.execute("SELECT 1 FROM deal_pins LIMIT 1").fetchone() is not None
        while True:
            more_ids = ids | {
                i
                for (i,) in _in(
                    conn,
                    "SELECT DISTINCT deal_id FROM deal_reports WHERE party_key IN ({})"
                    " AND deal_id IS NOT NULL",
                    keys,
                )
            }
            if pinned:
                more_ids |= {
                    i
                    for (i,) in _in(
                        conn,
                        "SELECT DISTINCT p.deal_id FROM deal_reports r JOIN deal_pins p"
                        " ON p.uid = r.uid WHERE r.party_key IN ({})",
                        keys,
                    )
                }
            more_keys = keys | self._keys(conn, more_ids)
            if pinned:
                more_keys |= {
                    k
                    for (k,) in _in(
                        conn,
                        "SELECT DISTINCT r.party_key FROM deal_pins p JOIN deal_reports r"
                        " ON r.uid = p.uid WHERE p.deal_id IN ({})",
                        more_ids,
                    )
                }
            if more_keys == keys and more_ids == ids:
                return keys, ids
            keys, ids = more_keys, more_ids

    def _recluster(self, conn, event, keys: set[str], ids: set[str] = frozenset()) -> None:
        keys, ids = self._component(conn, keys, ids)
        if not keys and not ids:
            return
        for table, column in (
            ("deal_parties", "deal_id"),
            ("deal_figures", "deal_id"),
            ("deals", "id"),
        ):
            _in(conn, f"DELETE FROM {table} WHERE {column} IN ({{}})", ids)
        reports = self._load_reports(conn, keys)
        groups = cluster(reports)
        for ident, members in zip(self._assign(conn, event, groups, ids), groups):
            self._write_deal(conn, ident, members)
            first = min(members, key=lambda m: (m.reported, m.doc_id, m.idx))
            identity.add_legacy(conn, content_id(first), ident, event.seq)

    def _assign(self, conn, event, groups: list[list[Report]], old_ids: set[str]) -> list[str]:
        """The id of each group: the deal a person pinned it to; else the id of the previous
        deal most of whose reports it holds (the oldest, when it holds several: the others are
        found to be the same agreement and resolve to it); else an id merged or lost before,
        back with its reports; else a new id founded by its earliest report in the log."""
        seq, at = event.seq, _at(event)
        idents: list[str | None] = [g[0].pin if g[0].pin is not None else None for g in groups]
        taken = {i for i in idents if i}
        known = _in(
            conn,
            "SELECT id, state, founded_seq, founded_idx FROM deal_ids WHERE id IN ({})",
            {m.previous for g in groups for m in g}
            | {m.home for g in groups for m in g}
            | old_ids
            | taken,
        )
        states = {i: state for i, state, _, _ in known}
        founded = {i: (s, x) for i, _, s, x in known}
        for i, ident in enumerate(idents):  # a deal a person tied reports to is live
            if ident is not None and states.get(ident) != LIVE:
                if ident in states:
                    identity.set_state(conn, ident, LIVE, seq)
                    identity.history(conn, seq, at, ident, "revived", by="reports")
                else:
                    identity.register(
                        conn, ident, seq, identity.born(groups[i][0].uid), how="person"
                    )
                states[ident] = LIVE
        claims: dict[str, Counter] = defaultdict(Counter)
        for i, group in enumerate(groups):
            for m in group:
                if m.previous and states.get(m.previous) == LIVE and m.previous not in taken:
                    claims[m.previous][i] += 1 + 1000 * (m.home == m.previous)
        won: dict[int, list[str]] = defaultdict(list)
        for old, per_group in sorted(claims.items()):
            won[max(per_group, key=lambda i: (per_group[i], -i))].append(old)
        for i, group in enumerate(groups):
            ranked = sorted(won[i], key=lambda x: (founded.get(x, (seq, 0)), x))
            if idents[i] is None and ranked:
                idents[i] = ranked.pop(0)
                idents[i] = self._refound(conn, event, group, idents[i], founded, states)
            for old in ranked:  # one agreement after all: the older id stays
                uids = sorted(m.uid for m in group if m.previous == old)
                conn.execute(
                    "INSERT OR REPLACE INTO deal_merges (merged, into_id, seq, how,"
                    " uids) VALUES (?, ?, ?, 'reports', ?)",
                    (old, idents[i], seq, json.dumps(uids)),
                )
                identity.set_state(conn, old, MERGED, seq, into=idents[i], how="reports")
                identity.history(conn, seq, at, old, "merged", by="reports", other=idents[i])
                states[old] = MERGED
        used = set(taken) | {i for i in idents if i}
        for i, group in enumerate(groups):
            if idents[i] is not None:
                continue
            back = Counter(
                m.home
                for m in group
                if m.home and m.home not in used and self._revivable(conn, m.home, states)
            )
            if back:
                top = max(back.values())
                ident = min(
                    (h for h in back if back[h] == top), key=lambda h: (founded.get(h, (seq, 0)), h)
                )
                identity.set_state(conn, ident, LIVE, seq, how="reports")
                identity.history(conn, seq, at, ident, "revived", by="reports")
            else:
                founder = self._founder(group)
                ident = identity.fresh_id(conn, content_id(founder))
                parents = Counter(m.previous for m in group if m.previous)
                parent = min(parents, key=lambda p: (-parents[p], p)) if parents else None
                identity.register(conn, ident, seq, identity.born(founder.uid), split_from=parent)
                if parent:
                    identity.history(conn, seq, at, parent, "split", by="reports", other=ident)
            states[ident] = LIVE
            idents[i] = ident
            used.add(ident)
        for old in sorted(old_ids - used):
            if states.get(old) == LIVE:
                identity.set_state(conn, old, GONE, seq)
                identity.history(conn, seq, at, old, "gone", by="reports")
        return idents

    @staticmethod
    def _founder(group: list[Report]) -> Report:
        """The report a new deal's id is made from: its earliest report in the log; among the
        reports one `deals run` brought (a crawl appends them in whatever order pages
        arrived), the earliest-dated, so that two runs over the same news give the same ids."""
        earliest = min(group, key=lambda m: identity.born(m.uid))
        if earliest.cohort is None:
            return earliest
        return min(
            (m for m in group if m.cohort == earliest.cohort),
            key=lambda m: (m.reported, m.doc_id, m.idx),
        )

    def _refound(
        self, conn, event, group: list[Report], ident: str, founded: dict, states: dict
    ) -> str:
        """`ident`, unless an earlier-dated report of the run that founded it has arrived
        since: then the deal takes the id that report founds (the id a run with the pages in
        another order gives) and `ident` resolves to it. Once the run is over its ids stay."""
        founder = self._founder(group)
        first = "{}.{}".format(*founded.get(ident, (None, None)))
        if (
            founder.uid == first
            or founder.cohort is None
            or not any(m.uid == first and m.cohort == founder.cohort for m in group)
        ):
            return ident
        new = identity.fresh_id(conn, content_id(founder))
        identity.register(conn, new, event.seq, identity.born(founder.uid))
        identity.set_state(conn, ident, MERGED, event.seq, into=new, how="run")
        identity.history(conn, event.seq, _at(event), ident, "renamed", by="reports", other=new)
        states[ident], states[new] = MERGED, LIVE
        return new

    @staticmethod
    def _revivable(conn, ident: str, states: dict) -> bool:
        if states.get(ident) == GONE:
            return True
        found = identity.row(conn, ident)
        return found is not None and found[1] == MERGED and found[3] == "reports"

    def _load_reports(self, conn, keys: set[str]) -> list[Report]:
        """The party sets' reports, oldest article first; ties by article, never by log
        position, which differs between a run and a run interrupted and resumed."""
        rows = _in(
            conn,
            "SELECT r.rid, r.doc_id, r.idx, d.url,"
            " COALESCE(a.published, d.published, d.extracted_on) AS reported,"
            " r.parties, r.kind, r.status, r.headline, r.gpu_count, r.chip, r.power_mw,"
            " r.value_usd, r.facility, r.location, r.roles, r.evidence, r.party_key,"
            " r.uid, r.deal_id, r.home, p.deal_id, r.cohort, r.confidence"
            " FROM deal_reports r JOIN deal_docs d ON d.doc_id = r.doc_id"
            " LEFT JOIN deal_articles a ON a.url = d.url"
            " LEFT JOIN deal_pins p ON p.uid = r.uid"
            " AND (p.party_key IS NULL OR p.party_key = r.party_key)"
            " WHERE r.party_key IN ({})",
            keys,
        )
        rows.sort(key=lambda r: (r[4], r[1], r[2]))
        reports, lookups, pins = [], {}, {}
        for (
            rid,
            doc_id,
            idx,
            url,
            reported,
            parties,
            kind,
            status,
            headline,
            gpus,
            chip,
            mw,
            usd,
            facility,
            location,
            raw_roles,
            evidence,
            key,
            uid,
            previous,
            home,
            pin,
            cohort,
            confidence,
        ) in rows:
            parties = json.loads(parties)
            for p in parties:
                if name_key(p) not in lookups:
                    lookups[name_key(p)] = catalog.lookup(conn, name_key(p))
            if pin is not None and pin not in pins:
                pins[pin] = identity.resolve(conn, pin) or pin
            reports.append(
                Report(
                    doc_id,
                    url,
                    reported,
                    tuple(name_key(p) for p in parties),
                    kind,
                    status,
                    bool(headline),
                    chip,
                    facility,
                    location,
                    {f: v for f, v in zip(FIGURES, (gpus, mw, usd)) if v is not None},
                    {lookups[p]: r for p, r in json.loads(raw_roles).items() if p in lookups},
                    rid,
                    "\n".join(e.get("text") or "" for e in json.loads(evidence)),
                    key,
                    uid,
                    pins.get(pin),
                    previous,
                    home,
                    idx,
                    cohort,
                    confidence,
                )
            )
        return reports

    def _write_deal(self, conn, ident: str, members: list[Report]) -> None:
        row = summarise(members)
        sets = sorted({m.party_key for m in members})
        party_keys = sorted({k for key in sets for k in key.split(SEP)})
        names = [
            conn.execute("SELECT name FROM companies WHERE key = ?", (k,)).fetchone()
            for k in party_keys
        ]
        parties = sorted((n[0] if n else k for n, k in zip(names, party_keys)), key=str.casefold)
        ids = identity.closure(conn, ident)
        fixed = identity.overrides(conn, ident, ids)
        for name in EDITABLE:
            if name in fixed:
                row[name] = fixed[name]
        disputed = [(f, m) for f, m in conflicts(members) if f not in fixed]
        curation = identity.marks(conn, ident, ids)
        party_roles = roles(members, party_keys)
        for name, value in fixed.items():
            if name.startswith("role:"):
                key = catalog.lookup(conn, name[5:])
                if key in party_roles:
                    party_roles[key] = value
        gpus = row["gpu_count"]
        conn.execute(
            "INSERT INTO deals (id, party_key, parties, kind, status, headline, gpu_count, chip,"
            " power_mw, value_usd, facility, location, first_reported, last_reported, reports,"
            " sources, conflicted, curation, curation_reason, edited, confidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ident,
                GROUP_SEP.join(sets),
                json.dumps(parties, ensure_ascii=False),
                row["kind"],
                row["status"],
                int(row["headline"]),
                None if gpus is None else int(gpus),
                row["chip"],
                row["power_mw"],
                row["value_usd"],
                row["facility"],
                row["location"],
                row["first_reported"],
                row["last_reported"],
                row["reports"],
                row["sources"],
                int(bool(disputed)),
                *curation,
                json.dumps(sorted(fixed)) if fixed else None,
                row["confidence"],
            ),
        )
        conn.executemany(
            "INSERT INTO deal_parties (deal_id, company_key, role) VALUES (?, ?, ?)",
            [(ident, k, r) for k, r in party_roles.items()],
        )
        flagged = {(f, id(m)) for f, m in disputed}
        conn.executemany(
            "INSERT INTO deal_figures (deal_id, field, value, reported, doc_id, url, conflicting)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (ident, f, m.figures[f], m.reported, m.doc_id, m.url, int((f, id(m)) in flagged))
                for m in members
                for f in FIGURES
                if f in m.figures
            ],
        )
        conn.executemany(
            "UPDATE deal_reports SET deal_id = ?, home = COALESCE(home, ?) WHERE rid = ?",
            [(ident, ident, m.rid) for m in members],
        )


def _name(value) -> str | None:
    """A name or label as text, control characters removed, or None."""
    if not isinstance(value, str):
        return None
    return " ".join(_CONTROL.sub(" ", value).split()) or None
