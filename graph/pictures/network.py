"""The partnership network as a picture: companies sized by the megawatts of their deals,
coloured by the part they play in them, joined by edges as thick as the deals they share."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter, defaultdict

from graph import names
from graph.query import SURE_ENOUGH
from vocab import ROLES

#: What a company mostly is, read off the roles it takes in its deals.
SECTORS = {
    "buyer": "AI developer",
    "investee": "AI developer",
    "provider": "cloud & compute",
    "seller": "cloud & compute",
    "builder": "data centres",
    "operator": "data centres",
    "target": "data centres",
    "chip_supplier": "chips",
    "power_supplier": "power",
    "investor": "capital",
}
assert set(SECTORS) == set(ROLES), "every role names a sector"
COLOURS = {
    "AI developer": "#4e79a7",
    "cloud & compute": "#f28e2b",
    "data centres": "#76b7b2",
    "chips": "#e15759",
    "power": "#59a14f",
    "capital": "#b07aa1",
    "other": "#9c9c9c",
}
MAX_LABELS = 120


def partner_network(
    conn: sqlite3.Connection,
    *,
    party: str | None = None,
    depth: int = 2,
    min_mw: float | None = None,
    min_confidence: float | None = None,
):
    """An undirected networkx Graph of companies; nodes carry name, sector, deals, gpus, mw;
    edges carry `weight` (deals shared). With `party`, only companies within `depth` deals
    of it; with `min_mw`, only deals of at least that many megawatts; with `min_confidence`,
    only deals the extractor is that sure of or a person confirmed."""
    import networkx as nx

    where, params = "d.curation IS NOT 'rejected'", []
    if min_mw is not None:
        where += " AND d.power_mw >= ?"
        params.append(min_mw)
    if min_confidence is not None:
        where += f" AND {SURE_ENOUGH}"
        params.append(min_confidence)
    members = defaultdict(list)
    figures = {}
    for deal, key, role, gpus, mw in conn.execute(
        "SELECT p.deal_id, p.company_key, p.role, d.gpu_count, d.power_mw FROM deal_parties p"
        f" JOIN deals d ON d.id = p.deal_id WHERE {where} ORDER BY p.deal_id, p.company_key",
        params,
    ):
        members[deal].append((key, role))
        figures[deal] = (gpus or 0, mw or 0.0)
    graph = nx.Graph()
    roles: dict[str, Counter] = defaultdict(Counter)
    for deal, parties in members.items():
        gpus, mw = figures[deal]
        for key, role in parties:
            if key not in graph:
                graph.add_node(key, deals=0, gpus=0, mw=0.0)
            node = graph.nodes[key]
            node["deals"] += 1
            node["gpus"] += gpus
            node["mw"] += mw
            roles[key][role] += 1
        keys = [k for k, _ in parties]
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
                graph.add_edge(a, b, weight=weight)
    for key in graph:
        common = roles[key].most_common(1)
        graph.nodes[key]["sector"] = SECTORS.get(common[0][0], "other") if common else "other"
        graph.nodes[key]["name"] = names.company_name(conn, key)
    if party is not None:
        start = names.company_key(conn, party)
        if start not in graph:
            return nx.Graph()
        near = nx.single_source_shortest_path_length(graph, start, cutoff=depth)
        graph = graph.subgraph(near).copy()
        graph.graph["centre"] = start
    return graph


def _layout(graph):
    import networkx as nx

    if len(graph) <= 2:
        return nx.circular_layout(graph)
    # Kamada-Kawai spaces nodes evenly (readable labels); components are laid out apart.
    parts = sorted(nx.connected_components(graph), key=len, reverse=True)
    positions, column = {}, 0.0
    for part in parts:
        sub = graph.subgraph(part)
        pos = nx.kamada_kawai_layout(sub) if len(sub) > 2 else nx.circular_layout(sub)
        size = math.sqrt(len(sub))
        for key, (x, y) in pos.items():
            positions[key] = (column + x * size, y * size)
        column += 2.2 * size + 0.6
    return positions


def draw(graph, title: str = "Partnerships"):
    """A matplotlib Figure of the network (no pyplot: no global state, safe in a server)."""
    import networkx as nx
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    n = len(graph)
    side = min(28.0, max(7.0, 2.1 * math.sqrt(max(n, 1))))
    figure = Figure(figsize=(side * 1.25, side), layout="constrained")
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, fontsize=13, loc="left")
    if not n:
        ax.text(0.5, 0.5, "no deals match", ha="center", va="center", fontsize=12)
        return figure
    pos = _layout(graph)
    top_mw = max((d["mw"] for _, d in graph.nodes(data=True)), default=0) or 1.0
    sizes = [90 + 1400 * math.sqrt(d["mw"] / top_mw) for _, d in graph.nodes(data=True)]
    colours = [COLOURS[d["sector"]] for _, d in graph.nodes(data=True)]
    weights = [d["weight"] for *_, d in graph.edges(data=True)]
    nx.draw_networkx_edges(
        graph,
        pos,
        ax=ax,
        width=[0.8 + 1.4 * (w - 1) for w in weights],
        edge_color="#7f7f7f",
        alpha=0.55,
    )
    centre = graph.graph.get("centre")
    nx.draw_networkx_nodes(
        graph,
        pos,
        ax=ax,
        node_size=sizes,
        node_color=colours,
        edgecolors=["#222222" if k == centre else "white" for k in graph],
        linewidths=[2.2 if k == centre else 0.8 for k in graph],
    )
    ranked = sorted(graph, key=lambda k: (-graph.nodes[k]["mw"], -graph.nodes[k]["deals"], k))
    fontsize = 10 if n <= 30 else 8.5 if n <= 80 else 7.5
    radius = dict(zip(graph, (math.sqrt(s) / 2 for s in sizes)))  # points
    for key in ranked[:MAX_LABELS]:  # above its node, on a light box legible over edges
        ax.annotate(
            graph.nodes[key]["name"],
            pos[key],
            xytext=(0, radius[key] + 1.5),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=fontsize,
            bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    present = [s for s in COLOURS if any(d["sector"] == s for _, d in graph.nodes(data=True))]
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=9, color=COLOURS[s], label=s)
        for s in present
    ]
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        frameon=False,
        fontsize=9,
        title="sector; size: MW in its deals; edge width: deals shared",
        title_fontsize=9,
    )
    ax.margins(0.08)
    return figure
