"""A streaming GraphML writer for attributes already made scalar, one type per key.

networkx's writers build an XML element object for every attribute value; on the
100,000-deal benchmark that alone took longer than reading and building the whole graph.
This writes the same document networkx writes (keys, then nodes, then edges, edge id = edge
key) as escaped text, and is checked by reading its output back with networkx and igraph.
Unlike networkx it escapes carriage returns in text (&#13;): an XML reader turns a bare one
into a line feed.
"""

from __future__ import annotations

from typing import IO, Iterable
from xml.sax.saxutils import escape, quoteattr

TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
HEADER = (
    "<?xml version='1.0' encoding='utf-8'?>\n<graphml"
    ' xmlns="http://graphml.graphdrawing.org/xmlns"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
_CR = {"\r": "&#13;"}  # a bare \r in XML text is read back as \n
Nodes = list[tuple[str, dict]]
Edges = list[tuple[str, str, str, dict]]


def _text(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return escape(value, _CR) if isinstance(value, str) else repr(value)


def _keys(scope: str, items: Iterable[dict], start: int) -> dict[str, tuple[str, str]]:
    found: dict[str, str] = {}
    for attrs in items:
        for name, value in attrs.items():
            if name not in found:
                found[name] = TYPES[type(value)]
    return {name: (f"d{start + i}", kind) for i, (name, kind) in enumerate(found.items())}


def write_graphml(nodes: Nodes, edges: Edges, out: IO[str], *, directed: bool = True) -> None:
    """Write nodes `(id, attrs)` and edges `(source, target, key, attrs)` as GraphML text."""
    node_keys = _keys("node", (a for _, a in nodes), 0)
    edge_keys = _keys("edge", (a for *_, a in edges), len(node_keys))
    out.write(HEADER)
    for scope, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (key_id, kind) in keys.items():
            out.write(
                f'<key id="{key_id}" for="{scope}" attr.name={quoteattr(name)}'
                f' attr.type="{kind}"/>\n'
            )
    out.write(f'<graph edgedefault="{"directed" if directed else "undirected"}">\n')
    chunk = []
    for node, attrs in nodes:
        chunk.append(f"<node id={quoteattr(node)}>")
        chunk.extend(f'<data key="{node_keys[k][0]}">{_text(v)}</data>' for k, v in attrs.items())
        chunk.append("</node>\n")
        if len(chunk) > 20_000:
            out.write("".join(chunk))
            chunk = []
    for source, target, key, attrs in edges:
        chunk.append(
            f"<edge id={quoteattr(key)} source={quoteattr(source)} target={quoteattr(target)}>"
        )
        chunk.extend(f'<data key="{edge_keys[k][0]}">{_text(v)}</data>' for k, v in attrs.items())
        chunk.append("</edge>\n")
        if len(chunk) > 20_000:
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk))
    out.write("</graph>\n</graphml>\n")
