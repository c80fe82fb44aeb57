"""The README's examples print what it shows, and every command's --help example runs.

The README's ```console blocks run in order, once per test session, in a fresh folder laid out
like a checkout: the first, `.venv/bin/deals demo`, makes the demo database the others read
and change (benchmarks/readme.py, which `make readme` runs to write their output). Each
example is a test of its own, so a drift names the example. Deal ids are compared exactly:
they are the same in every demo database.

The --help examples run against a demo database too, with the files they name made first;
those that reach the network, wait for a browser or edit a crontab are listed with why.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import REPO

from cli import cli

pytestmark = pytest.mark.slow

_spec = importlib.util.spec_from_file_location("readme_examples", REPO / "benchmarks" / "readme.py")
readme = sys.modules[_spec.name] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme)

EXAMPLES = readme.examples(readme.README.read_text())


@pytest.fixture(scope="session")
def readme_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("readme") / "compute-deals"


@pytest.fixture(scope="session")
def ran(readme_folder):
    """Every README example, run once in order: {index: Example with its output}."""
    found = readme.run_all(readme_folder)
    return {i: example for i, example in enumerate(found)}


def test_the_readme_has_examples_and_the_demo_comes_first():
    assert len(EXAMPLES) > 30
    assert EXAMPLES[0].command == ".venv/bin/deals demo"
    for example in EXAMPLES:  # every example runs the venv's deals, as a fresh clone has it
        assert ".venv/bin/deals " in example.command + " ", example.command
        assert " deals " not in f" {example.command} ".replace(".venv/bin/deals", ""), (
            example.command
        )


@pytest.mark.parametrize(
    "index",
    range(len(EXAMPLES)),
    ids=[f"{i:02d}-{e.command[16:60]}" for i, e in enumerate(EXAMPLES)],
)
def test_a_readme_example_prints_what_the_readme_shows(ran, index):
    example = ran[index]
    assert example.command == EXAMPLES[index].command
    diff = readme.differences(example, readme.demo_dates())
    assert not diff, f"$ {example.command}\n{diff}\n(make readme writes the output again)"


def test_the_demo_export_has_facilities_and_who_runs_them(ran, readme_folder):
    """The demo's campuses reach the graph: at_facility edges, and an operates edge from the
    company that builds and runs one (the README exports deals.graphml from the demo)."""
    import networkx as nx

    graph = nx.read_graphml(readme_folder / "deals.graphml")
    kinds = [d.get("type") for _, _, d in graph.edges(data=True)]
    assert kinds.count("at_facility") >= 4
    assert graph.has_edge("company:meridian%20data%20centers", "facility:cedar%20hollow")
    facilities = {d["name"] for _, d in graph.nodes(data=True) if d.get("type") == "facility"}
    assert {"Cedar Hollow", "Geysir One", "Mesa Verde", "Silver Sage"} <= facilities


def test_loose_comparison_masks_only_what_changes_between_runs():
    dates = {"2025-09-08"}
    line = (
        "last crawl 1d099693cb1a49e2 started 2026-12-02 00:17:06 UTC on 2026-12-02, "
        "deal 34451ab54e of 2025-09-08 (0.7 MB, 106 events)"
    )
    assert readme.loose([line], dates) == [
        "last crawl <run id> started <time> UTC on <date>, deal 34451ab54e of 2025-09-08 "
        "(<size> MB, 106 events)"
    ]


# --- the --help examples ---------------------------------------------------------------------

# Examples that cannot run here, and why.
NOT_RUN = {
    "crawl": "reaches the sites of the bundled sources",
    "run": "reaches the sites of the bundled sources",
    "backfill": "reaches GDELT",
    "serve": "serves until stopped, and opens a browser",
    "cron": "edits the user's crontab",
    "watch": "mails the changes",
}
# The curation commands' examples name deals that are not the demo's; they are kept with
# those commands.
CURATION = {"merge", "unmerge", "split", "edit", "reject", "unreject", "confirm", "history"}


def help_examples() -> list[tuple[str, str]]:
    """(command path, example line) for every `Example:` in every command's help."""
    found = []

    def walk(group, prefix):
        for name, command in sorted(group.commands.items()):
            path = f"{prefix} {name}".strip()
            if isinstance(command, click.Group):
                walk(command, path)
            text = command.help or ""
            for block in re.findall(r"Example:(.*?)(?:\n\s*\n|$)", text, re.DOTALL):
                for line in block.splitlines():
                    line = line.strip().removeprefix("\b").strip()
                    if line.startswith(("deals ", "echo ", "(")):
                        found.append((path, line))

    walk(cli, "")
    return found


HELP_EXAMPLES = help_examples()


def test_every_command_has_an_example():
    have = {path for path, _ in HELP_EXAMPLES}

    def leaves(group, prefix=""):
        for name, command in group.commands.items():
            path = f"{prefix} {name}".strip()
            if isinstance(command, click.Group):
                yield from leaves(command, path)
            else:
                yield path

    missing = sorted(set(leaves(cli)) - have)
    assert not missing, f"commands with no example in their --help: {missing}"


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory):
    """A demo database, and the files the examples name, in one folder."""
    folder = tmp_path_factory.mktemp("help-examples")
    deals = str(Path(sys.executable).parent / "deals")
    made = subprocess.run(
        [deals, "demo", "--db", "demo.db"], cwd=folder, capture_output=True, text=True, timeout=300
    )
    assert made.returncode == 0, made.stderr
    site = REPO / "crawler" / "demo" / "site"
    shutil.copy(site / "press" / "halcyon-borealis-gb200-cluster.html", folder / "page.html")
    shutil.copy(site / "insights" / "index.html", folder / "news.html")
    shutil.copy(REPO / "crawler" / "default_sources.toml", folder / "my-sources.toml")
    shutil.copy(
        REPO / "crawler" / "demo" / "late-wire.warc.gz",
        folder / "CC-NEWS-20240501000000-00001.warc.gz",
    )
    (folder / "gold.jsonl").write_text(
        '{"doc_id": "g1", "title": "Acme AI signs with Lattice Compute", "text": "Acme AI '
        'signed a $4 billion deal with Lattice Compute.", "deals": [{"headline": true, '
        '"parties": ["Acme AI", "Lattice Compute"], "kind": "compute", "value_usd": 4e9}]}\n'
    )
    return folder


@pytest.mark.parametrize("path,line", HELP_EXAMPLES, ids=[p for p, _ in HELP_EXAMPLES])
def test_a_help_example_runs_against_the_demo(demo_folder, tmp_path, path, line):
    top = path.split()[0]
    if top in NOT_RUN:
        pytest.skip(NOT_RUN[top])
    if top in CURATION:
        pytest.skip("curation examples name deals that are not the demo's")
    folder = tmp_path / "here"
    shutil.copytree(demo_folder, folder)
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEALS_DB": str(folder / "demo.db"),
    }
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", line],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{line}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    assert "no deal with id" not in done.stderr, done.stderr


@pytest.mark.parametrize("path,line", HELP_EXAMPLES, ids=[p for p, _ in HELP_EXAMPLES])
def test_a_help_example_is_one_unbroken_line_at_80_columns(path, line):
    """What `deals CMD --help` shows in an 80-column terminal: the example as written, not
    wrapped in the middle of a word (`deals extract-` / `text`)."""
    from click.testing import CliRunner

    shown = (
        CliRunner()
        .invoke(cli, [*path.split(), "--help"], prog_name="deals", terminal_width=80)
        .output
    )
    rows = [row for row in shown.splitlines() if line in row]
    assert rows and rows[0].strip() in (line, f"Example: {line}"), shown
    assert len(rows[0]) <= 80, f"{len(rows[0])} columns: {rows[0]}"
