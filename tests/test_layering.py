"""Dependencies point one way: cli -> crawler | extract | graph -> store."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "store": {"cli", "crawler", "extract", "graph", "spacy", "scrapy", "networkx"},
    "crawler": {"cli", "extract", "graph", "spacy"},
    "extract": {"cli", "crawler", "graph", "scrapy"},
    "graph": {"cli", "crawler", "extract", "spacy", "scrapy"},
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
    wrong = {f"{path.relative_to(ROOT)} imports {name}"
             for path in sorted((ROOT / package).rglob("*.py"))
             for name in imported(path) & FORBIDDEN[package]}
    assert not wrong
