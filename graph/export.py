"""Writing the graph as GraphML, GEXF or JSON that other tools read back without surprises.

GraphML takes scalars only, one type per attribute name, and XML text only: all of that is
settled here, in one place, before the networkx writers run. Files appear whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
import tempfile
from pathlib import Path

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriterLxml

FORMATS = ("graphml", "gexf", "json")
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INT64 = 2 ** 63 - 1


def clean_text(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _scalar(value, xml: bool):
    """A value GraphML can type, or None to leave the attribute out."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= _INT64 else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if not xml:
            return sorted(value) if isinstance(value, (set, frozenset)) else value
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        value = json.dumps(items, ensure_ascii=False, sort_keys=True, default=str)
    value = str(value)
    return clean_text(value) if xml else value


def _unify(items) -> None:
    """Give every attribute name one type: int+float -> float, anything with text -> text."""
    types: dict[str, set] = {}
    for attrs in items:
        for k, v in attrs.items():
            types.setdefault(k, set()).add(type(v))
    for attrs in items:
        for k, v in attrs.items():
            kinds = types[k]
            if len(kinds) > 1:
                attrs[k] = (float(v) if kinds <= {int, float} else
                            json.dumps(v) if isinstance(v, bool) else str(v))


def _node_id(node) -> str:
    text = str(node)
    clean = clean_text(text)
    return clean if clean == text else f"{clean}#{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def scalarise(graph: nx.MultiDiGraph, *, xml: bool = True) -> nx.MultiDiGraph:
    """A copy fit for the writers: string ids, no None, no lists or dicts (for XML)."""
    out = nx.MultiDiGraph()
    nodes = [(_node_id(n), {clean_text(str(k)) if xml else str(k): s for k, v in d.items()
                            if (s := _scalar(v, xml)) is not None})
             for n, d in graph.nodes(data=True)]
    edges = [(_node_id(u), _node_id(v), str(key), {k: s for k, val in d.items()
                                                   if (s := _scalar(val, xml)) is not None})
             for u, v, key, d in graph.edges(keys=True, data=True)]
    _unify([d for _, d in nodes])
    _unify([d for *_, d in edges])
    out.add_nodes_from(nodes)
    out.add_edges_from(edges)
    return out


class _GraphMLWriter(GraphMLWriterLxml):
    """networkx's streaming writer, with booleans spelled true/false as GraphML wants."""

    def add_attributes(self, scope, xml_obj, data, default):
        for k, v in data.items():
            text = ("true" if v else "false") if isinstance(v, bool) else str(v)
            xml_obj.append(self.add_data(str(k), self.attr_type(str(k), scope, v), text,
                                         scope, default.get(k)))


def _write_graphml(graph, target) -> None:
    writer = _GraphMLWriter(target, prettyprint=False)
    writer.add_graph_element(graph)
    writer.dump()


def _write_json(graph, target) -> None:
    data = nx.node_link_data(graph, edges="edges")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if isinstance(target, (str, os.PathLike)):
        Path(target).write_text(text + "\n", encoding="utf-8")
    else:
        target.write(text.encode() + b"\n")


WRITERS = {"graphml": _write_graphml, "gexf": lambda g, t: nx.write_gexf(g, t),
           "json": _write_json}


def write(graph: nx.MultiDiGraph, path: str | os.PathLike | None, fmt: str) -> None:
    """Write `graph` to `path` (None or '-' for stdout) via a temporary file and a rename."""
    ready = scalarise(graph, xml=fmt != "json")
    if path is None or str(path) == "-":
        WRITERS[fmt](ready, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        WRITERS[fmt](ready, tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def export(conn, path, fmt: str = "graphml", *, companies_only: bool = False,
           with_articles: bool = False) -> tuple[int, int]:
    """Build the graph from the read tables and write it; returns (nodes, edges)."""
    from graph.build import build_graph

    graph = build_graph(conn, companies_only=companies_only, with_articles=with_articles)
    write(graph, path, fmt)
    return graph.number_of_nodes(), graph.number_of_edges()
