"""Writing the graph as GraphML, GEXF or JSON that other tools read back without surprises.

GraphML takes scalars only, one type per attribute name, and XML text only: all of that is
settled here, in one place, before any writer runs. Files appear whole or not at all.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from graph.graphml import Edges, Nodes, write_graphml
from store.errors import ConfigError

FORMATS = ("graphml", "gexf", "json")
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INT64 = 2 ** 63 - 1


def clean_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (printable text is kept as is)."""
    return text if text.isprintable() else _XML_ILLEGAL.sub("", text)


def _scalar(value, xml: bool):
    """A value GraphML can type, or None to leave the attribute out."""
    kind = type(value)
    if kind is str:
        return clean_text(value) if xml else value
    if value is None or kind is bool:
        return value
    if kind is int:
        return value if -_INT64 <= value <= _INT64 else float(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if not xml:
            return sorted(value) if isinstance(value, (set, frozenset)) else value
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        value = json.dumps(items, ensure_ascii=False, sort_keys=True, default=str)
    elif isinstance(value, (int, float)):  # subclasses such as IntEnum: as plain numbers
        plain = bool if isinstance(value, bool) else int if isinstance(value, int) else float
        return _scalar(plain(value), xml)
    value = str(value)
    return clean_text(value) if xml else value


def _attrs(data: dict, xml: bool) -> dict:
    out = {}
    for k, v in data.items():
        v = _scalar(v, xml)
        if v is not None:
            out[clean_text(k) if xml and type(k) is str else str(k)] = v
    return out


def _unify(items) -> None:
    """Give every attribute name one type: int+float -> float, anything with text -> text."""
    types: dict[str, set] = {}
    for attrs in items:
        for k, v in attrs.items():
            types.setdefault(k, set()).add(type(v))
    mixed = {k: kinds for k, kinds in types.items() if len(kinds) > 1}
    if not mixed:
        return
    for attrs in items:
        for k in mixed.keys() & attrs.keys():
            v = attrs[k]
            attrs[k] = (float(v) if mixed[k] <= {int, float} else
                        json.dumps(v) if isinstance(v, bool) else str(v))


def _node_id(node) -> str:
    text = node if type(node) is str else str(node)
    clean = clean_text(text)
    return clean if clean == text else f"{clean}#{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def prepare(graph, *, xml: bool = True) -> tuple[Nodes, Edges]:
    """Nodes and edges fit for any writer: string ids, no None, no lists or dicts (for XML),
    and one type per attribute name. `graph` is a MultiDiGraph or `build.elements` lists."""
    if isinstance(graph, tuple):
        given_nodes, given_edges = graph
    else:
        given_nodes = graph.nodes(data=True)
        given_edges = graph.edges(keys=True, data=True)
    nodes = [(_node_id(n), _attrs(d, xml)) for n, d in given_nodes]
    edges = [(_node_id(u), _node_id(v), str(key), _attrs(d, xml))
             for u, v, key, d in given_edges]
    _unify([d for _, d in nodes])
    _unify([d for *_, d in edges])
    return nodes, edges


def scalarise(graph, *, xml: bool = True):
    """A MultiDiGraph made of `prepare`d nodes and edges."""
    import networkx as nx

    nodes, edges = prepare(graph, xml=xml)
    out = nx.MultiDiGraph()
    out.add_nodes_from(nodes)
    out.add_edges_from(edges)
    return out


@contextmanager
def _text_out(target):
    """A text stream on a path, or on a binary stream left open afterwards (stdout)."""
    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8", newline="\n") as out:
            yield out
        return
    out = io.TextIOWrapper(target, encoding="utf-8", newline="\n")
    try:
        yield out
        out.flush()
    finally:
        out.detach()


def _write_graphml(graph, target) -> None:
    nodes, edges = prepare(graph, xml=True)
    with _text_out(target) as out:
        write_graphml(nodes, edges, out)


def _write_gexf(graph, target) -> None:
    import networkx as nx

    nx.write_gexf(scalarise(graph, xml=True), target)


def _write_json(graph, target) -> None:
    import networkx as nx

    data = nx.node_link_data(scalarise(graph, xml=False), edges="edges")
    with _text_out(target) as out:
        out.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


WRITERS = {"graphml": _write_graphml, "gexf": _write_gexf, "json": _write_json}


def write(graph, path: str | os.PathLike | None, fmt: str) -> None:
    """Write `graph` (a MultiDiGraph or `build.elements` lists) to `path` (None or '-' for
    stdout) via a temporary file and a rename."""
    if fmt not in WRITERS:
        raise ConfigError(f"unknown export format {fmt!r} (known: {', '.join(WRITERS)})")
    if path is None or str(path) == "-":
        WRITERS[fmt](graph, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    try:
        WRITERS[fmt](graph, tmp)
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
    from graph.build import elements

    nodes, edges = elements(conn, companies_only=companies_only, with_articles=with_articles)
    write((nodes, edges), path, fmt)
    return len(nodes), len(edges)
