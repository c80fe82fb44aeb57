"""Dependencies point one way: cli -> crawler | extract | graph | ops -> store -> vocab.

`deals query` and `deals export` never import spaCy, Scrapy or a plotting library.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLOTTING = {"matplotlib", "plotly", "bokeh", "pyvis", "datasette", "uvicorn", "playwright"}
FORBIDDEN = {
    "vocab": {"cli", "store", "crawler", "extract", "graph", "ops", "spacy", "scrapy", "networkx"},
    "store": {
        "cli",
        "crawler",
        "extract",
        "graph",
        "ops",
        "spacy",
        "scrapy",
        "networkx",
        "sklearn",
    },  # fitted weights are data; the projection applies them itself
    "crawler": {"cli", "extract", "graph", "ops", "spacy"},
    "extract": {"cli", "crawler", "graph", "ops", "scrapy"},
    "graph": {"cli", "crawler", "extract", "ops", "spacy", "scrapy"},
    "ops": {"cli", "graph", "spacy", "scrapy"} | PLOTTING,
}


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_above_or_beside_it(package):
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imported(path) & FORBIDDEN[package]
    }
    assert not wrong


@pytest.mark.parametrize(
    "command", [["query", "--party", "Nobody"], ["export", "-o", "{tmp}/graph.graphml"]]
)
def test_query_and_export_load_no_nlp_crawler_or_plotting_library(tmp_path, command):
    from store import Store

    Store(tmp_path / "deals.db").close()
    args = [a.replace("{tmp}", str(tmp_path)) for a in command] + [
        "--db",
        str(tmp_path / "deals.db"),
    ]
    probe = (
        "import sys, cli\n"
        "try:\n    cli.cli.main(%r, standalone_mode=False)\nexcept BaseException:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))" % (args,)
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = set(eval(proc.stdout.splitlines()[-1]))
    assert "graph" in loaded  # the command really ran
    assert not loaded & ({"spacy", "scrapy", "twisted"} | PLOTTING)
