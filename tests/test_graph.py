"""The graph: what it holds, and GraphML/GEXF/JSON files other tools read back intact."""

import json

import igraph
import networkx as nx
import pytest
from click.testing import CliRunner
from deal_events import article, deal, extracted

from cli import cli
from graph.build import build_graph, elements
from graph.export import scalarise, write, xml_id
from store import Store
from store.replay import catch_up


@pytest.fixture
def db(db_path):
    with Store(db_path) as store:
        store.append(
            [
                article("abilene", "2025-01-21", "Stargate \x0bbegins", "OpenAI and Oracle."),
                extracted(
                    "abilene",
                    deal(
                        "OpenAI",
                        "Oracle",
                        "SoftBank",
                        gpu_count=400_000,
                        power_mw=1200,
                        chip="GB200",
                        facility="Stargate Abilene",
                        roles={"OpenAI": "buyer", "Oracle": "builder", "SoftBank": "investor"},
                    ),
                ),
                extracted(
                    "amd",
                    deal(
                        "AMD",
                        "OpenAI",
                        kind="chips",
                        power_mw=6000.5,
                        chip="MI450",
                        roles={"AMD": "chip supplier", "OpenAI": "buyer"},
                    ),
                    published="2025-10-06",
                ),
                extracted(
                    "weird",
                    deal("1", "Acme\x00 Labs", kind="other", value_usd=5),
                    published="2025-05-05",
                ),
            ]
        )
        catch_up(store)
    return db_path


def conn_of(path):
    return Store(path, create=False).conn


def test_graph_has_typed_nodes_and_edges(db):
    graph = build_graph(conn_of(db))
    types = sorted({d["type"] for _, d in graph.nodes(data=True)})
    assert types == ["chip", "company", "deal", "facility"]
    roles = {(u, d["role"]) for u, _, d in graph.edges(data=True) if d["type"] == "party_to"}
    assert ("company:oracle", "builder") in roles and ("company:amd", "chip supplier") in roles
    assert graph.has_edge("company:oracle", "facility:stargate abilene", "operates")
    partner = graph.get_edge_data("company:openai", "company:oracle", "partner")
    assert partner["weight"] == 1
    assert graph.get_edge_data("company:amd", "company:openai", "partner")["kinds"] == ["chips"]
    assert graph.nodes["company:openai"]["deals"] == 2


def test_companies_only_and_with_articles(db):
    small = build_graph(conn_of(db), companies_only=True)
    assert {d["type"] for _, d in small.nodes(data=True)} == {"company"}
    assert {k for *_, k in small.edges(keys=True)} == {"partner"}
    full = build_graph(conn_of(db), with_articles=True)
    articles = [n for n, d in full.nodes(data=True) if d["type"] == "article"]
    assert "article:https://news.test/abilene" in articles
    assert full.nodes["article:https://news.test/abilene"]["published"] == "2025-01-21"


@pytest.mark.parametrize("flags", [[], ["--with-articles"], ["--companies-only"]])
def test_graphml_reads_back_in_networkx_and_igraph(db, tmp_path, flags):
    out = tmp_path / "deals.graphml"
    result = CliRunner().invoke(cli, ["export", "-o", str(out), *flags, "--db", str(db)])
    assert result.exit_code == 0, result.output
    expected = build_graph(
        conn_of(db),
        companies_only="--companies-only" in flags,
        with_articles="--with-articles" in flags,
    )
    back = nx.read_graphml(out, force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        expected.number_of_nodes(),
        expected.number_of_edges(),
    )
    assert set(back.nodes) == {xml_id(n) for n in expected.nodes}  # no spaces in XML ids
    ig = igraph.Graph.Read_GraphML(str(out))
    assert (ig.vcount(), ig.ecount()) == (back.number_of_nodes(), back.number_of_edges())
    if not flags:
        deal = next(d for _, d in back.nodes(data=True) if d.get("chip") == "GB200")
        assert deal["gpu_count"] == 400_000 and deal["power_mw"] == 1200.0
        assert deal["headline"] is True and deal["conflicted"] is False
        assert json.loads(deal["parties"]) == ["OpenAI", "Oracle", "SoftBank"]
        vertex = ig.vs.find(
            id=next(n for n, d in back.nodes(data=True) if d.get("chip") == "GB200")
        )
        assert vertex["gpu_count"] == 400_000 and vertex["headline"] is True


def test_graphml_says_what_networkx_own_writer_says(db, tmp_path):
    ours, theirs = tmp_path / "ours.graphml", tmp_path / "theirs.graphml"
    CliRunner().invoke(cli, ["export", "-o", str(ours), "--with-articles", "--db", str(db)])
    nx.write_graphml(scalarise(elements(conn_of(db), with_articles=True)), theirs)
    a, b = (nx.read_graphml(p, force_multigraph=True) for p in (ours, theirs))
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(map(repr, a.edges(keys=True, data=True))) == sorted(
        map(repr, b.edges(keys=True, data=True))
    )


def test_graphml_hygiene(db, tmp_path):
    out = tmp_path / "g.graphml"
    CliRunner().invoke(cli, ["export", "-o", str(out), "--with-articles", "--db", str(db)])
    text = out.read_text()
    assert "\x0b" not in text and "\x00" not in text
    assert 'attr.type="boolean"' in text and ">true<" in text and ">True<" not in text
    names = {}
    for line in text.split("<key ")[1:]:
        attrs = dict(part.split("=", 1) for part in line.split(">")[0].split() if "=" in part)
        names.setdefault((attrs["for"], attrs["attr.name"]), set()).add(attrs["attr.type"])
    assert all(len(t) == 1 for t in names.values())
    back = nx.read_graphml(out, force_multigraph=True)
    assert "company:1" in back and back.nodes["company:1"]["name"] == "1"
    assert "Acme Labs" in {d["name"] for _, d in back.nodes(data=True)}


def test_scalarise_gives_each_attribute_one_type_and_drops_none():
    graph = nx.MultiDiGraph()
    graph.add_node(1, size=3, tag=None, extra={"a": [1]})
    graph.add_node("1", size=2.5, tag="x", flag=True)
    graph.add_node("n", size="big", flag=False)
    ready = scalarise(graph)
    assert set(ready.nodes) == {"1", "n"}  # 1 and "1" are the same id once written: say so
    sizes = {type(d["size"]) for _, d in ready.nodes(data=True)}
    assert sizes == {str}
    assert all(v is not None for _, d in ready.nodes(data=True) for v in d.values())


@pytest.mark.parametrize(
    "fmt, read",
    [
        ("gexf", nx.read_gexf),
        ("json", lambda p: nx.node_link_graph(json.loads(open(p).read()), edges="edges")),
    ],
)
def test_gexf_and_json_round_trip(db, tmp_path, fmt, read):
    out = tmp_path / f"deals.{fmt}"
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    back = read(out)
    expected = build_graph(conn_of(db))
    assert back.number_of_nodes() == expected.number_of_nodes()
    assert back.number_of_edges() == expected.number_of_edges()


class Unprintable:
    def __str__(self):
        raise RuntimeError("cannot print")


def test_a_failed_export_leaves_the_old_file_and_no_temporary(tmp_path):
    out = tmp_path / "keep.graphml"
    out.write_text("old")
    graph = nx.MultiDiGraph()
    graph.add_node("a", size=1.5)
    graph.add_node("b", size=float("nan"))  # dropped, not written as a non-number
    graph.add_edge("a", "b", note=Unprintable())

    with pytest.raises(RuntimeError):
        write(graph, out, "graphml")
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.graphml"]


def test_export_to_a_missing_folder_is_one_line(db, tmp_path):
    target = tmp_path / "no" / "such" / "deals.graphml"
    result = CliRunner().invoke(cli, ["export", "-o", str(target), "--db", str(db)])
    assert result.exit_code == 2
    assert result.output.startswith("error: cannot write") and result.output.count("\n") == 1


def test_export_as_of_shows_the_older_graph(db_path, tmp_path):
    with Store(db_path) as store:
        store.append(
            extracted("a", deal("Meta", "Google"), published="2025-08-20"),
            now="2025-08-21T00:00:00+00:00",
        )
        store.append(
            extracted("b", deal("Meta", "Oracle"), published="2025-09-20"),
            now="2025-09-21T00:00:00+00:00",
        )
    out = tmp_path / "then.graphml"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "-o",
            str(out),
            "--companies-only",
            "--as-of",
            "2025-09-01",
            "--db",
            str(db_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert set(nx.read_graphml(out).nodes) == {"company:meta", "company:google"}


def test_neighbors_path_and_top(db):
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(cli, ["graph", *args, "--db", str(db)])
        assert result.exit_code == 0, result.output
        return result.output

    assert "Oracle" in run("neighbors", "openai") and "AMD" in run("neighbors", "OpenAI")
    assert "AMD" in run("neighbors", "Oracle", "--depth", "2")
    assert "AMD" not in run("neighbors", "Oracle", "--depth", "1")
    hops = run("path", "Oracle", "amd").splitlines()
    assert [h.split("  ")[0] for h in hops] == ["Oracle -> OpenAI", "OpenAI -> AMD"]
    header, first, *_ = run("top").splitlines()
    assert header.split() == ["COMPANY", "DEALS", "GPUS", "MW"] and first.startswith("OpenAI")
    assert run("top", "--by", "mw").splitlines()[1].startswith("OpenAI")
    miss = runner.invoke(cli, ["graph", "path", "Oracle", "Acme Labs", "--db", str(db)])
    assert miss.exit_code == 1 and miss.output.startswith("error: no chain of deals")


def test_top_and_neighbors_show_unknown_figures_as_a_dash(db):
    """A company none of whose deals states accelerators has "-", not 0; a company reached
    only through another shares no deal with the start: "-" too."""
    runner = CliRunner()
    top = runner.invoke(cli, ["graph", "top", "--by", "gpus", "--limit", "50", "--db", str(db)])
    assert top.exit_code == 0, top.output
    rows = {line.split("  ")[0]: line.split() for line in top.output.splitlines()[1:]}
    assert rows["AMD"][-2:] == ["-", "6,000"] and rows["Oracle"][-2:] == ["400,000", "1,200"]
    near = runner.invoke(cli, ["graph", "neighbors", "AMD", "--depth", "2", "--db", str(db)])
    header, *lines = near.output.splitlines()
    assert header.split() == ["DEPTH", "COMPANY", "DEALS", "SHARED", "DEALS"]
    assert any(line.startswith("2") and line.split()[2] == "-" for line in lines), near.output


def test_a_path_from_a_company_to_itself_is_a_usage_error(db):
    result = CliRunner().invoke(cli, ["graph", "path", "OpenAI", "openai", "--db", str(db)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        "error: OpenAI and openai are one company (OpenAI): give two companies"
    )
