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
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from graph.graphml import Edges, Nodes, write_graphml
from store.errors import ConfigError

FORMATS = ("graphml", "gexf", "json")
EXTENSIONS = {".graphml": "graphml", ".gexf": "gexf", ".json": "json"}
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INT64 = 2**63 - 1
_SPACE = re.compile(r"\s")  # XML ids have none; % is escaped too, so the map is one-to-one


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
            attrs[k] = (
                float(v)
                if mixed[k] <= {int, float}
                else json.dumps(v)
                if isinstance(v, bool)
                else str(v)
            )


def _node_id(node) -> str:
    text = node if type(node) is str else str(node)
    clean = clean_text(text)
    return clean if clean == text else f"{clean}#{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _percent(match: re.Match) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode())


def xml_id(node) -> str:
    """A node id for GraphML and GEXF: whitespace (and %) percent-encoded, so `company:blue
    owl` is written `company:blue%20owl`; the name stays readable in the `label` attribute."""
    text = _node_id(node).replace("%", "%25").replace(" ", "%20")
    return text if text.isprintable() else _SPACE.sub(_percent, text)  # tabs, NBSP, ...


def prepare(graph, *, xml: bool = True) -> tuple[Nodes, Edges]:
    """Nodes and edges fit for any writer: string ids, no None, no lists or dicts (for XML),
    and one type per attribute name. `graph` is a MultiDiGraph or `build.elements` lists.

    For XML the node ids have no whitespace, each node has a `label` (its name) and the edge
    ids are unique (`e0`, `e1`, ...: a key such as `party_to` repeats); the edge's kind stays
    in its `type` attribute."""
    if isinstance(graph, tuple):
        given_nodes, given_edges = graph
    else:
        given_nodes = graph.nodes(data=True)
        given_edges = graph.edges(keys=True, data=True)
    if not xml:
        nodes = [(_node_id(n), _attrs(d, xml)) for n, d in given_nodes]
        edges = [
            (_node_id(u), _node_id(v), str(key), _attrs(d, xml)) for u, v, key, d in given_edges
        ]
    else:
        nodes, ids = [], {}
        for n, d in given_nodes:
            attrs = _attrs(d, xml)
            name = attrs.get("name")
            attrs.setdefault("label", name if type(name) is str else _node_id(n))
            ids[n] = xml_id(n)
            nodes.append((ids[n], attrs))
        edges = [
            (ids.get(u) or xml_id(u), ids.get(v) or xml_id(v), f"e{i}", _attrs(d, xml))
            for i, (u, v, _, d) in enumerate(given_edges)
        ]
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
    """GEXF reserves an edge's `type` for directed/undirected/mutual: our kind is `kind`."""
    import networkx as nx

    nodes, edges = prepare(graph, xml=True)
    out = nx.MultiDiGraph()
    out.add_nodes_from(nodes)
    out.add_edges_from(
        (u, v, key, {("kind" if k == "type" else k): value for k, value in attrs.items()})
        for u, v, key, attrs in edges
    )
    nx.write_gexf(out, target)


def _write_json(graph, target) -> None:
    import networkx as nx

    data = nx.node_link_data(scalarise(graph, xml=False), edges="edges")
    with _text_out(target) as out:
        out.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


WRITERS = {"graphml": _write_graphml, "gexf": _write_gexf, "json": _write_json}
_KINDS_OF_FILE = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _to_stdout(path) -> bool:
    return path is None or str(path) == "-"


def choose_format(path: str | os.PathLike | None, fmt: str | None) -> str:
    """The format to write: `fmt`, else the one `path`'s extension names (graphml on stdout).
    A `fmt` the extension contradicts, or a file whose extension names none, is a ConfigError.
    """
    if fmt is not None and fmt not in WRITERS:
        raise ConfigError(f"unknown export format {fmt!r} (known: {', '.join(WRITERS)})")
    if _to_stdout(path):
        return fmt or "graphml"
    suffix = Path(path).suffix
    named = EXTENSIONS.get(suffix.lower())
    if fmt is None and named is None:
        raise ConfigError(
            f"cannot tell the format of {path} from its extension: name it"
            " .graphml, .gexf or .json, or give --format"
        )
    if fmt is not None and named is not None and named != fmt:
        raise ConfigError(
            f"--format {fmt} contradicts the {suffix} extension of {path}"
            f" ({named}): drop --format or rename the file"
        )
    return fmt or named


def output_file(path: str | os.PathLike) -> tuple[Path, os.stat_result | None]:
    """The regular file an export replaces (through a symlink to its target) and its stat, or
    None when it does not exist yet. Anything else there (a folder, a pipe, a device) is a
    ConfigError: renaming over it would destroy it, writing into it is not an export."""
    real = Path(os.path.realpath(path))
    try:
        found = os.stat(real)
    except FileNotFoundError:
        return real, None
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(found.st_mode):
        kind = next(
            (name for test, name in _KINDS_OF_FILE if test(found.st_mode)), "a special file"
        )
        raise ConfigError(f"cannot write {path}: it is {kind}, not a regular file")
    return real, found


def _stdout_binary():
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        raise ConfigError("cannot write the export to standard output: it is closed (give -o FILE)")
    return out


def write(graph, path: str | os.PathLike | None, fmt: str | None = None) -> None:
    """Write `graph` (a MultiDiGraph or `build.elements` lists) to `path` (None or '-' for
    stdout) via a temporary file renamed over the target. A symlink is written through (its
    target is replaced, the link kept); a replaced file keeps its permission mode."""
    if _to_stdout(path):
        out = _stdout_binary()
        WRITERS[choose_format(path, fmt)](graph, out)
        out.flush()
        return
    output_file(path)
    fmt = choose_format(path, fmt)
    replace_file(path, lambda tmp: WRITERS[fmt](graph, tmp))


def replace_file(path: str | os.PathLike, write_to: Callable[[str], None]) -> None:
    """Have `write_to` write a temporary file beside `path`, then rename it over the target:
    the file appears whole or not at all. A symlink is written through (its target replaced,
    the link kept), a replaced file keeps its permission mode; a folder, pipe or device at
    `path` is a ConfigError."""
    real, existing = output_file(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    try:
        write_to(tmp)
        if existing is not None:
            mode = stat.S_IMODE(existing.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def export(
    conn, path, fmt: str | None = None, *, companies_only: bool = False, with_articles: bool = False
) -> tuple[int, int]:
    """Build the graph from the read tables and write it; returns (nodes, edges). The format
    and the target are checked before the graph is built."""
    from graph.build import elements

    if _to_stdout(path):
        _stdout_binary()
    else:
        output_file(path)
    fmt = choose_format(path, fmt)
    nodes, edges = elements(conn, companies_only=companies_only, with_articles=with_articles)
    write((nodes, edges), path, fmt)
    return len(nodes), len(edges)
