"""What `deals draw graph` and `deals draw timeline` do, behind the thin click commands."""

from __future__ import annotations

import os
import sqlite3

from graph.pictures import output


def draw_graph(
    conn: sqlite3.Connection,
    path: str | os.PathLike,
    fmt: str | None = None,
    *,
    party: str | None = None,
    depth: int = 2,
    min_mw: float | None = None,
    min_confidence: float | None = None,
) -> tuple[str, int, int]:
    """Write the partnership network; returns (format, companies, partnerships)."""
    from graph.pictures import network

    output.output_file(path)
    output.choose_format(path, fmt)  # a bad target or format stops before any drawing
    graph = network.partner_network(
        conn, party=party, depth=depth, min_mw=min_mw, min_confidence=min_confidence
    )
    title = "Partnerships" + (f" within {depth} deals of {party}" if party else "")
    if min_mw is not None:
        title += f", deals of at least {min_mw:,.0f} MW"
    if min_confidence is not None:
        title += f", deals at least {min_confidence:.0%} sure"
    written = output.save(network.draw(graph, title), path, fmt, title)
    return written, graph.number_of_nodes(), graph.number_of_edges()


def draw_timeline(
    conn: sqlite3.Connection,
    path: str | os.PathLike,
    fmt: str | None = None,
    *,
    by: str = "kind",
    measure: str = "mw",
) -> tuple[str, int]:
    """Write announced capacity per quarter; returns (format, quarters)."""
    from graph.pictures import timeline

    output.output_file(path)
    output.choose_format(path, fmt)
    quarters, groups = timeline.series(conn, by, measure)
    figure = timeline.draw(quarters, groups, by, measure)
    return output.save(figure, path, fmt, f"Announced {measure} per quarter"), len(quarters)
