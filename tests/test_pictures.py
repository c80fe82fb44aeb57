"""`deals draw graph` and `deals draw timeline`: SVG, PNG and HTML files, written whole."""

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import REPO
from deal_events import article, deal, extracted

from store import Store
from store.replay import catch_up

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def filled(db_path):
    with Store(db_path) as store:
        store.append(
            [
                article("a", "2025-01-10"),
                article("b", "2025-04-02"),
                article("c", "2025-09-30"),
                extracted(
                    "a",
                    deal(
                        "Halcyon Compute",
                        "Vantor Labs",
                        gpu_count=18000,
                        power_mw=220.0,
                        value_usd=3.4e9,
                        roles={"Halcyon Compute": "provider", "Vantor Labs": "buyer"},
                        confidence=0.62,
                    ),
                ),
                extracted(
                    "b",
                    deal(
                        "Kestrel Power",
                        "Halcyon Compute",
                        kind="power",
                        power_mw=300.0,
                        roles={"Kestrel Power": "power_supplier"},
                        confidence=0.97,
                    ),
                ),
                extracted("c", deal("OpenAI", "Oracle", value_usd=3e11)),
            ]
        )
        catch_up(store)
    return db_path


def deals(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def texts(svg_path) -> set[str]:
    return {t.text for t in ET.parse(svg_path).iter(f"{SVG}text") if t.text}


@pytest.mark.parametrize(
    "name, magic", [("g.svg", b"<?xml"), ("g.png", b"\x89PNG"), ("g.html", b"<!DOCTYPE html>")]
)
def test_draw_graph_writes_the_format_of_the_extension(filled, tmp_path, name, magic):
    result = deals("draw", "graph", "--db", str(filled), "-o", str(tmp_path / name))
    assert result.returncode == 0, result.stderr
    assert "5 companies, 3 partnerships" in result.stderr
    assert (tmp_path / name).read_bytes().startswith(magic)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_graph_labels_every_company_as_text(filled, tmp_path):
    out = tmp_path / "g.svg"
    assert deals("draw", "graph", "--db", str(filled), "-o", str(out)).returncode == 0
    assert {"Halcyon Compute", "Vantor Labs", "Kestrel Power", "OpenAI", "Oracle"} <= texts(out)


def test_graph_around_a_party_and_above_a_power_floor(filled, tmp_path):
    out = tmp_path / "g.svg"
    result = deals(
        "draw",
        "graph",
        "--db",
        str(filled),
        "-o",
        str(out),
        "--party",
        "halcyon compute",
        "--depth",
        "1",
    )
    assert result.returncode == 0, result.stderr
    assert {"Halcyon Compute", "Vantor Labs", "Kestrel Power"} <= texts(out)
    assert "OpenAI" not in texts(out)
    assert (
        deals("draw", "graph", "--db", str(filled), "-o", str(out), "--min-mw", "250").returncode
        == 0
    )
    assert "Vantor Labs" not in texts(out) and "Kestrel Power" in texts(out)
    sure = deals("draw", "graph", "--db", str(filled), "-o", str(out), "--min-confidence", "0.9")
    assert sure.returncode == 0, sure.stderr
    assert "Kestrel Power" in texts(out)
    assert "Vantor Labs" not in texts(out) and "OpenAI" not in texts(out)  # 0.62, and none


@pytest.mark.parametrize("by, measure", [("kind", "mw"), ("party", "usd"), ("kind", "gpus")])
def test_timeline_has_a_bar_or_line_per_quarter(filled, tmp_path, by, measure):
    out = tmp_path / "t.svg"
    result = deals(
        "draw", "timeline", "--db", str(filled), "-o", str(out), "--by", by, "--measure", measure
    )
    assert result.returncode == 0, result.stderr
    labels = texts(out)
    assert "2025 Q1" in labels
    if measure == "mw":  # Q1 220 MW, Q2 300 MW, nothing in Q3: the quarters between are shown
        assert {"2025 Q2"} <= labels


def test_an_output_that_is_not_a_regular_file_is_refused(filled, tmp_path):
    (tmp_path / "dir.svg").mkdir()
    result = deals("draw", "graph", "--db", str(filled), "-o", str(tmp_path / "dir.svg"))
    assert result.returncode == 2
    assert (
        result.stderr == f"error: cannot write {tmp_path / 'dir.svg'}: it is a folder, not"
        " a regular file\n"
    )


def test_format_and_extension_must_agree(filled, tmp_path):
    result = deals(
        "draw", "timeline", "--db", str(filled), "-o", str(tmp_path / "t.png"), "--format", "svg"
    )
    assert result.returncode == 2 and "contradicts" in result.stderr
    result = deals("draw", "timeline", "--db", str(filled), "-o", str(tmp_path / "t.pdf"))
    assert result.returncode == 2 and "cannot tell the format" in result.stderr
    assert not (tmp_path / "t.png").exists()


def test_a_hundred_companies_each_get_a_readable_label(tmp_path):
    """Labels at 100 nodes: every company named, at a font size people can read."""
    import networkx as nx

    from graph.pictures import network
    from graph.pictures.output import svg_text

    graph = nx.barabasi_albert_graph(100, 2, seed=3)
    graph = nx.relabel_nodes(graph, {i: f"company {i:03d}" for i in graph})
    for i, key in enumerate(graph):
        graph.nodes[key].update(
            name=f"Company {i:03d}",
            sector="chips" if i % 3 else "power",
            mw=float(i * 10),
            deals=1,
            gpus=0,
        )
    nx.set_edge_attributes(graph, 1, "weight")
    svg = svg_text(network.draw(graph, "a hundred companies"))
    root = ET.fromstring(svg)
    labels = [t for t in root.iter(f"{SVG}text") if (t.text or "").startswith("Company ")]
    assert len(labels) == 100
    sizes = {float(t.get("style").split("font-size:")[1].split("px")[0]) for t in labels}
    assert min(sizes) >= 7
