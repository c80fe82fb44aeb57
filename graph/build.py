"""The knowledge graph as a networkx MultiDiGraph, built from the projection tables alone.

`elements` reads the tables into plain (node, attrs) and (source, target, key, attrs) lists;
`build_graph` makes the MultiDiGraph of them, and the GraphML export streams the same lists
without paying for a graph object it would only iterate over.

Node ids carry their type (`company:nvidia`, `deal:40339d3035`), so a company and a chip of
the same name, or a deal id that looks like a number, never collide. A deal's node id is its
stable id (see store/projections/identity.py): a later report, a re-extraction or a replay
leaves it as it was; ids merged into a deal are its `former_ids` attribute. Rejected deals
are left out: a person has said they are false.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from itertools import combinations

from store.projections.catalog import lookup
from store.projections.deal_merging import name_key
from vocab import DEAL_COLUMNS, OPERATOR_ROLES

VISIBLE = "curation IS NOT 'rejected'"


def _deals(conn) -> list[dict]:
    from graph.query import former_ids

    rows = conn.execute(
        f"SELECT {', '.join(DEAL_COLUMNS)}, edited FROM deals WHERE {VISIBLE} ORDER BY id"
    ).fetchall()
    merged = former_ids(conn)
    deals = []
    for row in rows:
        deal = dict(zip(DEAL_COLUMNS, row))
        deal["edited"] = json.loads(row[-1]) if row[-1] else None
        deal["former_ids"] = merged.get(deal["id"]) or None
        deals.append(deal)
    return deals


def _parties(conn) -> dict[str, list[tuple[str, str]]]:
    parties = defaultdict(list)
    for deal, company, role in conn.execute(
        "SELECT p.deal_id, p.company_key, p.role FROM deal_parties p JOIN deals d"
        f" ON d.id = p.deal_id WHERE d.{VISIBLE} ORDER BY p.deal_id, p.company_key"
    ):
        parties[deal].append((company, role))
    return parties


def _resolve(conn, name: str | None) -> str | None:
    if not name:
        return None
    return lookup(conn, name_key(name))


Nodes = list[tuple[str, dict]]
Edges = list[tuple[str, str, str, dict]]


def build_graph(
    conn: sqlite3.Connection, *, companies_only: bool = False, with_articles: bool = False
):
    """Companies, deals, facilities, chips (and articles) with typed edges between them.

    :param companies_only: only companies and the derived `partner` edges between them
    :param with_articles: add article nodes and `reported_by` edges from each deal
    """
    import networkx as nx

    nodes, edges = elements(conn, companies_only=companies_only, with_articles=with_articles)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def elements(
    conn: sqlite3.Connection, *, companies_only: bool = False, with_articles: bool = False
) -> tuple[Nodes, Edges]:
    """The graph's nodes and edges as lists, in a stable order."""
    deals, parties = _deals(conn), _parties(conn)
    companies = {
        key: (name, parent)
        for key, name, parent in conn.execute(
            "SELECT c.key, c.name, p.name FROM companies c"
            " LEFT JOIN companies p ON p.key = c.parent"
            " WHERE c.key IN (SELECT company_key FROM deal_parties)"
        )
    }
    totals = defaultdict(lambda: [0, 0, 0.0])
    partners = defaultdict(list)
    for deal in deals:
        keys = [k for k, _ in parties[deal["id"]]]
        for key in keys:
            t = totals[key]
            t[0] += 1
            t[1] += deal["gpu_count"] or 0
            t[2] += deal["power_mw"] or 0.0
        for a, b in combinations(sorted(keys), 2):
            partners[a, b].append(deal)
    nodes: Nodes = []
    for key, (deals_n, gpus, mw) in sorted(totals.items()):
        name, parent = companies.get(key, (key, None))
        nodes.append(
            (
                f"company:{key}",
                {
                    "type": "company",
                    "name": name,
                    "deals": deals_n,
                    "gpus": gpus,
                    "mw": mw,
                    "parent": parent,
                },
            )
        )
    edges: Edges = [
        (
            f"company:{a}",
            f"company:{b}",
            "partner",
            {
                "type": "partner",
                "weight": len(shared),
                "kinds": sorted({d["kind"] or "" for d in shared}),
                "first": min(d["first_reported"] for d in shared),
                "last": max(d["last_reported"] for d in shared),
            },
        )
        for (a, b), shared in sorted(partners.items())
    ]
    if not companies_only:
        _add_deals(nodes, edges, conn, deals, parties, set(totals))
        if with_articles:
            _add_articles(nodes, edges, conn, {d["id"] for d in deals})
    return nodes, edges


def _add_deals(nodes, edges, conn, deals, parties, company_keys) -> None:
    facilities = {
        k: (n, loc, op)
        for k, n, loc, op in conn.execute("SELECT key, name, location, operator FROM facilities")
    }
    chips = {k: (n, v) for k, n, v in conn.execute("SELECT key, name, vendor FROM chips")}
    places, accelerators, operates = {}, {}, set()
    for deal in deals:
        node = f"deal:{deal['id']}"
        attrs = {k: v for k, v in deal.items() if k not in ("id", "parties", "curation")}
        names = json.loads(deal["parties"])
        attrs.update(
            type="deal",
            name=f"{' + '.join(names)}: {deal['kind'] or 'deal'}",
            deal_id=deal["id"],
            parties=names,
            confirmed=deal["curation"] == "confirmed",
            headline=bool(deal["headline"]),
            conflicted=bool(deal["conflicted"]),
        )
        nodes.append((node, attrs))
        members = parties[deal["id"]]
        edges.extend(
            (f"company:{c}", node, "party_to", {"type": "party_to", "role": role})
            for c, role in members
        )
        if deal["facility"]:
            key = name_key(deal["facility"])
            if key not in places:
                name, location, operator = facilities.get(key, (deal["facility"], None, None))
                places[key] = {
                    "type": "facility",
                    "name": name,
                    "location": location or deal["location"],
                    "operator": operator,
                }
                if operator:
                    operates.add((_resolve(conn, operator), key))
            edges.append((node, f"facility:{key}", "at_facility", {"type": "at_facility"}))
            operates |= {(c, key) for c, role in members if role in OPERATOR_ROLES}
        if deal["chip"]:
            key = name_key(deal["chip"])
            if key not in accelerators:
                name, vendor = chips.get(key, (deal["chip"], None))
                accelerators[key] = {"type": "chip", "name": name, "vendor": vendor}
            edges.append((node, f"chip:{key}", "uses_chip", {"type": "uses_chip"}))
    nodes.extend((f"facility:{k}", a) for k, a in places.items())
    nodes.extend((f"chip:{k}", a) for k, a in accelerators.items())
    edges.extend(
        (f"company:{c}", f"facility:{f}", "operates", {"type": "operates"})
        for c, f in sorted(operates)
        if c in company_keys
    )


def _add_articles(nodes, edges, conn, deal_ids: set[str]) -> None:
    has_articles = (
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone() is not None
    )
    join = (
        "LEFT JOIN articles a ON a.url = dd.url"
        if has_articles
        else "LEFT JOIN (SELECT NULL AS url, NULL AS title, NULL AS source) a ON 0"
    )
    rows = conn.execute(
        "SELECT r.deal_id, COALESCE(dd.url, dd.doc_id), a.title, a.source,"
        " COALESCE(da.published, dd.published, dd.extracted_on), COUNT(*)"
        f" FROM deal_reports r JOIN deal_docs dd ON dd.doc_id = r.doc_id {join}"
        " LEFT JOIN deal_articles da ON da.url = dd.url"
        " GROUP BY r.deal_id, COALESCE(dd.url, dd.doc_id) ORDER BY r.deal_id, 5, 2"
    )
    seen = set()
    for deal, url, title, source, published, reports in rows:
        if deal not in deal_ids:
            continue
        if url not in seen:
            seen.add(url)
            nodes.append(
                (
                    f"article:{url}",
                    {
                        "type": "article",
                        "name": title or url,
                        "url": url,
                        "source": source,
                        "published": published,
                    },
                )
            )
        edges.append(
            (
                f"deal:{deal}",
                f"article:{url}",
                "reported_by",
                {"type": "reported_by", "reports": reports},
            )
        )
