"""`deals export -o PATH`: what it does to the path it is given, and files other tools read back.

Every special file here is made inside tmp_path: a regression must never replace a real device.
"""

import json
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph
import networkx as nx
import pytest
from click.testing import CliRunner
from deal_events import article, deal, extracted

from cli import cli
from store import Store
from store.replay import catch_up

DEALS = str(Path(sys.executable).parent / "deals")
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
GEXF = "{http://www.gexf.net/1.2draft}"


@pytest.fixture
def db(db_path):
    with Store(db_path) as store:
        store.append(
            [
                article("abilene", "2025-01-21", "Stargate\r\nbegins", "OpenAI and Oracle."),
                extracted(
                    "abilene",
                    deal(
                        "OpenAI",
                        "Oracle",
                        "Blue Owl",
                        gpu_count=400_000,
                        chip="GB200",
                        facility="Stargate Abilene",
                        roles={"OpenAI": "buyer", "Oracle": "builder"},
                    ),
                ),
                extracted(
                    "amd",
                    deal("AMD", "OpenAI", kind="chips", power_mw=6000, chip="MI450"),
                    published="2025-10-06",
                ),
            ]
        )
        catch_up(store)
    return db_path


def export(db, *args):
    return CliRunner().invoke(cli, ["export", *args, "--db", str(db)])


def one_line_error(result, code=2):
    assert result.exit_code == code, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output


def test_export_refuses_special_files(db, tmp_path):
    fifo, folder = tmp_path / "fifo", tmp_path / "folder"
    os.mkfifo(fifo)
    folder.mkdir()
    targets = [fifo, folder]
    device = tmp_path / "null"
    try:  # a private copy of /dev/null (needs root); the real one is never handed to a test
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        targets.append(device)
    except PermissionError:
        pass
    for target in targets:
        result = export(db, "-o", str(target))
        one_line_error(result)
        assert "not a regular file" in result.output and str(target) in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and folder.is_dir()
    if device in targets:
        assert stat.S_ISCHR(device.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["deals.db", *(t.name for t in targets)]
    )  # no temporary file left behind
    link = tmp_path / "to-fifo.graphml"
    link.symlink_to(fifo)
    one_line_error(export(db, "-o", str(link)))
    assert link.is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)


def test_export_writes_through_a_symlink(db, tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "deals.graphml"
    target.write_text("old")
    link = tmp_path / "deals.graphml"
    link.symlink_to(target)
    result = export(db, "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert nx.read_graphml(target).number_of_nodes() > 0
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["deals.graphml"]
    dangling = tmp_path / "later.graphml"
    dangling.symlink_to(tmp_path / "real" / "later.graphml")
    assert export(db, "-o", str(dangling)).exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "real" / "later.graphml").is_file()


def test_export_keeps_the_file_mode(db, tmp_path):
    private = tmp_path / "private.graphml"
    private.write_text("old")
    private.chmod(0o600)
    assert export(db, "-o", str(private)).exit_code == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert nx.read_graphml(private).number_of_nodes() > 0
    fresh = tmp_path / "fresh.graphml"
    assert export(db, "-o", str(fresh)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize(
    "name, opens",
    [
        ("g.graphml", lambda p: nx.read_graphml(p, force_multigraph=True)),
        ("g.GEXF", nx.read_gexf),
        ("g.json", lambda p: nx.node_link_graph(json.loads(p.read_text()), edges="edges")),
    ],
)
def test_export_format_follows_the_extension(db, tmp_path, name, opens):
    out = tmp_path / name
    result = export(db, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert opens(out).number_of_nodes() == 9


@pytest.mark.parametrize(
    "name, fmt", [("g.gexf", "graphml"), ("g.graphml", "json"), ("g.json", "gexf")]
)
def test_format_contradicting_the_extension(db, tmp_path, name, fmt):
    out = tmp_path / name
    out.write_text("old")
    result = export(db, "--format", fmt, "-o", str(out))
    one_line_error(result)
    assert f"--format {fmt}" in result.output and out.suffix in result.output
    assert out.read_text() == "old"


def test_unknown_extension_needs_format(db, tmp_path):
    result = export(db, "-o", str(tmp_path / "g.xml"))
    one_line_error(result)
    assert "--format" in result.output and not (tmp_path / "g.xml").exists()
    result = export(db, "--format", "gexf", "-o", str(tmp_path / "g.xml"))
    assert result.exit_code == 0 and "<gexf" in (tmp_path / "g.xml").read_text()
    assert "<graphml" in export(db).output
    assert export(db, "-o", "-", "--format", "json").output.startswith("{")


def _xml_ids(path, ns):
    root = ET.parse(path).getroot()
    nodes = [n.get("id") for n in root.iter(f"{ns}node")]
    edges = [(e.get("id"), e.get("source"), e.get("target")) for e in root.iter(f"{ns}edge")]
    return nodes, edges


@pytest.mark.parametrize("fmt, ns", [("graphml", GRAPHML), ("gexf", GEXF)])
def test_xml_ids_have_no_spaces_and_are_unique(db, tmp_path, fmt, ns):
    out = tmp_path / f"g.{fmt}"
    assert export(db, "--with-articles", "-o", str(out)).exit_code == 0
    nodes, edges = _xml_ids(out, ns)
    assert len(nodes) == len(set(nodes)) == 11
    assert not [n for n in nodes if any(c.isspace() for c in n)]
    assert "company:blue%20owl" in nodes and "facility:stargate%20abilene" in nodes
    ids = [e for e, _, _ in edges if e is not None]
    assert len(ids) == len(set(ids))
    assert {s for _, s, _ in edges} | {t for *_, t in edges} <= set(nodes)
    back = nx.read_graphml(out, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(out)
    assert back.nodes["company:blue%20owl"]["label"] == "Blue Owl"
    assert back.nodes["company:blue%20owl"]["name"] == "Blue Owl"
    if fmt == "graphml":
        ig = igraph.Graph.Read_GraphML(str(out))
        assert (ig.vcount(), ig.ecount()) == (len(nodes), len(edges))
        assert ig.vs.find(id="company:blue%20owl")["label"] == "Blue Owl"


def test_gexf_edge_kind_is_its_own_attribute(db, tmp_path):
    out = tmp_path / "g.gexf"
    assert export(db, "-o", str(out)).exit_code == 0
    root = ET.parse(out).getroot()
    assert {e.get("type") for e in root.iter(f"{GEXF}edge")} <= {None, "directed"}
    back = nx.read_gexf(out)
    kinds = sorted({d["kind"] for *_, d in back.edges(data=True)})
    assert kinds == ["at_facility", "operates", "partner", "party_to", "uses_chip"]
    assert all(d.get("type", "directed") == "directed" for *_, d in back.edges(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_keeps_carriage_returns_in_text(db, tmp_path, fmt):
    out = tmp_path / f"g.{fmt}"
    assert export(db, "--with-articles", "-o", str(out)).exit_code == 0
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    title = "Stargate\r\nbegins"
    assert back.nodes["article:https://news.test/abilene"]["name"] == title
    assert back.nodes["article:https://news.test/abilene"]["label"] == title
    if fmt == "graphml":
        assert title in igraph.Graph.Read_GraphML(str(out)).vs["name"]


def test_export_to_a_closed_stdout(db):
    proc = subprocess.run(
        [DEALS, "export", "--db", str(db)],
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr
    for fmt in ("graphml", "gexf", "json"):  # a reader that left: quiet, as `deals query | head`
        reader = subprocess.Popen(
            [DEALS, "export", "--format", fmt, "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        reader.stdout.close()
        assert (reader.wait(), reader.stderr.read()) == (0, b"")
