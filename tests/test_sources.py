"""Sources files: the bundled defaults are valid, and each mistake is one line naming the source."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from crawler.sources import check_sources, load_sources, select
from store.errors import ConfigError

DEALS = str(Path(sys.executable).parent / "deals")


def write(tmp_path, text: str):
    path = tmp_path / "sources.toml"
    path.write_text(text)
    return path


def test_default_sources_are_valid_and_real_newsrooms():
    sources = load_sources()
    names = {s.name for s in sources}
    assert len(sources) >= 20 and {"nvidia-newsroom", "datacenterdynamics"} <= names
    assert {s.type for s in sources} == {"feed", "sitemap", "index", "gdelt", "edgar"}
    assert all(s.url.startswith("https://") for s in sources)
    wires = {
        s.name: s for s in sources if s.name in ("prnewswire", "businesswire", "globenewswire")
    }
    assert len(wires) == 3 and all(
        s.enabled and s.prefilter and s.type == "feed" for s in wires.values()
    )
    gdelt = [s for s in sources if s.type == "gdelt"]
    assert len(gdelt) >= 3 and all(s.enabled and s.prefilter and s.query for s in gdelt)
    (edgar,) = [s for s in sources if s.type == "edgar"]
    assert not edgar.enabled and "1045810".zfill(10) in edgar.ciks  # needs a contact email


@pytest.mark.parametrize(
    "table, message",
    [
        (
            'name = "a"\nurl = "https://x.example/feed"\ntype = "rss"',
            "source a: unknown type 'rss'",
        ),
        ('name = "b"\nurl = "x.example/feed"\ntype = "feed"', "source b: bad URL 'x.example/feed'"),
        (
            'name = "c"\nurl = "https://x.example/"\ntype = "index"\nfollow = "(["',
            "source c: bad follow regex",
        ),
        (
            'name = "d"\nurl = "https://x.example/"\ntype = "feed"\nenable = false',
            "source d: unknown key 'enable'",
        ),
        ('url = "https://x.example/"\ntype = "feed"', "source #1: missing name"),
    ],
)
def test_each_problem_is_one_line_with_the_source_name(tmp_path, table, message):
    _, problems = check_sources(write(tmp_path, f"[[source]]\n{table}\n"))
    assert len(problems) == 1 and message in problems[0]


def test_bad_toml_and_duplicates(tmp_path):
    _, problems = check_sources(write(tmp_path, "[[source]\nname = 1"))
    assert len(problems) == 1 and "invalid TOML" in problems[0]
    twice = '[[source]]\nname = "a"\nurl = "https://x.example/"\ntype = "feed"\n' * 2
    _, problems = check_sources(write(tmp_path, twice))
    assert problems == [f"{tmp_path / 'sources.toml'}: source a: duplicate name"]


def test_allowed_domains_default_to_the_host_without_www(tmp_path):
    (s,) = load_sources(
        write(
            tmp_path, '[[source]]\nname = "a"\nurl = "https://www.x.example/feed"\ntype = "feed"\n'
        )
    )
    assert s.allowed_domains == ("x.example",) and s.enabled


def test_select_by_name_and_unknown_names():
    sources = load_sources()
    assert "sec-8k" not in {s.name for s in select(sources)}
    assert [s.name for s in select(sources, ["sec-8k"])] == ["sec-8k"]
    with pytest.raises(ConfigError, match="unknown source nope"):
        select(sources, ["nope"])


def test_sources_cli(tmp_path):
    runner = CliRunner()
    listed = runner.invoke(cli, ["sources", "list"])
    assert listed.exit_code == 0 and "nvidia-newsroom" in listed.output
    assert "(disabled)" in listed.output
    ok = runner.invoke(cli, ["sources", "check"])
    assert ok.exit_code == 0 and "sources ok" in ok.output
    bad = write(tmp_path, '[[source]]\nname = "x"\nurl = "nope"\ntype = "blog"\n')
    checked = runner.invoke(cli, ["sources", "check", str(bad)])
    assert checked.exit_code == 2
    assert checked.output.count("error:") == 2 and "Traceback" not in checked.output
    listed_bad = runner.invoke(cli, ["sources", "list", "--sources", str(bad)])
    assert listed_bad.exit_code == 2
    assert listed_bad.output.count("\n") == 1 and "sources check" in listed_bad.output


@pytest.mark.parametrize(
    "name, article, not_article",
    [
        (
            "amd-press-releases",
            "https://ir.amd.com/news-events/press-releases/detail/1260/amd-and-openai-announce",
            "https://ir.amd.com/news-events/press-releases",
        ),
        (
            "oracle-news",
            "https://www.oracle.com/news/announcement/oracle-and-openai-2025-07-22/",
            "https://www.oracle.com/news/",
        ),
        (
            "anthropic-news",
            "https://www.anthropic.com/news/expanding-our-use-of-google-cloud-tpus",
            "https://www.anthropic.com/research/some-paper",
        ),
        (
            "coreweave-newsroom",
            "https://www.coreweave.com/news/coreweave-signs-agreement",
            "https://www.coreweave.com/newsroom",
        ),
        (
            "nebius-newsroom",
            "https://nebius.com/newsroom/nebius-signs-agreement-with-microsoft",
            "https://nebius.com/newsroom",
        ),
    ],
)
def test_default_follow_patterns_take_articles_and_skip_listings(name, article, not_article):
    (source,) = select(load_sources(), [name])
    assert source.follows(article) and not source.follows(not_article)


@pytest.mark.parametrize(
    "text, message",
    [
        ("source = [1]", "source #1: not a table"),
        ('source = [["a", "b"]]', "source #1: not a table"),
        (
            '[[source]]\nname = 7\nurl = "https://x.example/"\ntype = "feed"',
            "source #1: name must be a string, not an integer",
        ),
        (
            '[[source]]\nname = ["a"]\nurl = "https://x.example/"\ntype = "feed"',
            "source #1: name must be a string, not an array",
        ),
        ('[[source]]\nname = "u"\nurl = 5\ntype = "feed"', "source u: url must be a string"),
        (
            '[[source]]\nname = "t"\nurl = "https://x.example/"\ntype = ["feed"]',
            "source t: type must be a string",
        ),
        (
            '[[source]]\nname = "f"\nurl = "https://x.example/"\ntype = "index"\nfollow = 3',
            "source f: follow must be a string",
        ),
        (
            '[[source]]\nname = "p"\nurl = "https://x.example:99999/feed"\ntype = "feed"',
            "source p: bad URL 'https://x.example:99999/feed' (port out of range",
        ),
        ("source = 3", "no [[source]] tables"),
    ],
)
def test_wrong_shapes_and_types_are_one_line_naming_the_source(tmp_path, text, message):
    path = write(tmp_path, text + "\n")
    _, problems = check_sources(path)
    assert len(problems) == 1 and message in problems[0], problems
    with pytest.raises(ConfigError, match="source"):
        load_sources(path)


GOOD = '[[source]]\nname = "{name}"\nurl = "https://x.example/{name}"\ntype = "feed"\n'


@pytest.mark.parametrize(
    "text",
    [
        "source = [1, 2]\n",
        '[[source]]\nname = ["a"]\nurl = "https://x.example/"\ntype = "feed"\n',
        '[[source]]\nname = "p"\nurl = "https://x.example:99999/feed"\ntype = "feed"\n',
    ],
)
@pytest.mark.parametrize("command", ["crawl", "run", "sources list", "sources check"])
def test_the_commands_give_one_line_and_exit_2_on_a_badly_shaped_file(tmp_path, text, command):
    path = write(tmp_path, text)
    args = (
        [*command.split(), str(path)]
        if command == "sources check"
        else [*command.split(), "--sources", str(path)]
    )
    if command in ("crawl", "run"):
        args += ["--db", str(tmp_path / "d.db")]
    done = subprocess.run([DEALS, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr
    assert done.stderr.startswith("error: ") and not (tmp_path / "d.db").exists()


@pytest.mark.parametrize("command", ["crawl", "run"])
def test_no_enabled_source_is_an_error_not_a_silent_success(tmp_path, command):
    disabled = "".join(GOOD.format(name=n) + "enabled = false\n" for n in ("a", "b"))
    path = write(tmp_path, disabled)
    done = subprocess.run(
        [DEALS, command, "--sources", str(path), "--db", str(tmp_path / "d.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and not done.stdout
    assert "no enabled source" in done.stderr and "--source" in done.stderr
    assert not (tmp_path / "d.db").exists()
    with pytest.raises(ConfigError, match="no enabled source"):
        select(load_sources(path))
    assert [s.name for s in select(load_sources(path), ["b"])] == ["b"]
