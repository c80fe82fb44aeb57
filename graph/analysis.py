"""The questions people ask of a partnership graph: neighbours, paths, the biggest players."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from itertools import combinations

from graph import names
from store.errors import ConfigError, DealsError

TOP_BY = {
    "deals": "COUNT(*)",
    "gpus": "SUM(COALESCE(d.gpu_count, 0))",
    "mw": "SUM(COALESCE(d.power_mw, 0))",
}


def partner_graph(conn: sqlite3.Connection):
    """Companies joined when they share a deal; each edge lists the shared deals' ids."""
    import networkx as nx

    graph = nx.Graph()
    parties = defaultdict(list)
    for deal, company in conn.execute(
        "SELECT p.deal_id, p.company_key FROM deal_parties p JOIN deals d ON d.id = p.deal_id"
        " WHERE d.curation IS NOT 'rejected' ORDER BY p.deal_id, p.company_key"
    ):
        parties[deal].append(company)
    for deal, keys in parties.items():
        graph.add_nodes_from(keys)
        for a, b in combinations(keys, 2):
            if graph.has_edge(a, b):
                graph[a][b]["deals"].append(deal)
            else:
                graph.add_edge(a, b, deals=[deal])
    return graph


def neighbors(conn: sqlite3.Connection, name: str, depth: int = 1) -> list[dict]:
    """Companies within `depth` deals of `name`, nearest first, with the deals shared."""
    import networkx as nx

    start = names.company_key(conn, name)
    graph = partner_graph(conn)
    if start not in graph:
        return []
    reach = nx.single_source_shortest_path_length(graph, start, cutoff=depth)
    found = []
    for key, distance in sorted(reach.items(), key=lambda kv: (kv[1], kv[0])):
        if key == start:
            continue
        shared = graph[start][key]["deals"] if graph.has_edge(start, key) else []
        found.append(
            {
                "name": names.company_name(conn, key),
                "depth": distance,
                "deals": len(shared),
                "deal_ids": shared,
            }
        )
    return found


def path(conn: sqlite3.Connection, a: str, b: str) -> list[dict]:
    """The shortest chain of deals from company `a` to company `b`."""
    import networkx as nx

    start, end = names.company_key(conn, a), names.company_key(conn, b)
    if start == end:
        same = names.company_name(conn, start)
        raise ConfigError(f"{a} and {b} are one company ({same}): give two companies")
    graph = partner_graph(conn)
    try:
        keys = nx.shortest_path(graph, start, end)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        raise DealsError(f"no chain of deals links {a} and {b}") from None
    return [
        {
            "from": names.company_name(conn, x),
            "to": names.company_name(conn, y),
            "deal_ids": graph[x][y]["deals"],
        }
        for x, y in zip(keys, keys[1:])
    ]


def top(conn: sqlite3.Connection, by: str = "deals", limit: int = 10) -> list[dict]:
    """Companies ranked by number of deals, accelerators or megawatts across their deals."""
    if by not in TOP_BY:
        raise ConfigError(f"--by: {by!r} is not one of {', '.join(TOP_BY)}")
    rows = conn.execute(  # a sum is NULL (unknown) when no deal of the company states it
        f"SELECT c.name, COUNT(*), SUM(d.gpu_count), SUM(d.power_mw),"
        f" {TOP_BY[by]} AS score FROM deal_parties p JOIN deals d ON d.id = p.deal_id"
        f" JOIN companies c ON c.key = p.company_key WHERE d.curation IS NOT 'rejected'"
        f" GROUP BY p.company_key ORDER BY score DESC, c.name LIMIT ?",
        (limit,),
    )
    return [{"name": n, "deals": k, "gpus": g, "mw": m} for n, k, g, m, _ in rows]
