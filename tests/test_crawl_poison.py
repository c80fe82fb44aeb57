"""A page the parser raises on never stops cron: it gets a ParseFailed event, the other pages
are stored and parsed, and later runs leave it alone until the parser version changes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess

import pytest
from crawlsite import article, rss
from test_crawl import DEALS, deals_crawl, events, fresh_site, last_report, site  # noqa: F401

from crawler.parsing import PARSER_VERSION

pytestmark = pytest.mark.slow
DEEP = 100_000


def jsonld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def plant(site) -> dict[str, str]:
    """Two good pages, one dated year 9999 in JSON-LD, one whose JSON-LD nests 100,000 deep."""
    pages = {
        "good1": article(
            "Good story one", ["Acme Cloud buys 1,000 NVIDIA H100 GPUs."], published="2024-05-01"
        ),
        "future": article(
            "Story from the end of time",
            ["Acme Cloud buys 2,000 GPUs."],
            extra_head=jsonld(
                '{"@type": "NewsArticle", "headline": "Future",'
                ' "datePublished": "9999-12-31T23:59:59-14:00"}'
            ),
        ),
        "deep": article(
            "Story nested too deep",
            ["Acme Cloud buys 3,000 GPUs."],
            extra_head=jsonld('{"@type": "NewsArticle", "about": ' + "[" * DEEP + "]" * DEEP + "}"),
        ),
        "good2": article(
            "Good story two", ["Acme Cloud buys 4,000 NVIDIA H100 GPUs."], published="2024-05-02"
        ),
    }
    for name, body in pages.items():
        site.add(f"/poison/{name}.html", body)
    site.add(
        "/poison.xml",
        rss([(n, site.url(f"/poison/{n}.html"), None) for n in pages]),
        content_type="application/rss+xml",
    )
    return {name: site.url(f"/poison/{name}.html") for name in pages}


def deals_cmd(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([DEALS, *args], capture_output=True, text=True, timeout=120)


def assert_poison_recorded(db, urls):
    parsed = {e["url"]: e for e in events(db, "ArticleParsed")}
    assert set(parsed) == {urls["good1"], urls["good2"], urls["future"]}
    assert parsed[urls["future"]]["published"] != "9999-12-31"
    (failed,) = events(db, "ParseFailed")
    assert failed["url"] == urls["deep"] and failed["error_type"] == "RecursionError"
    assert failed["parser_version"] == PARSER_VERSION and failed["message"] and failed["sha256"]


@pytest.mark.parametrize("mode", ["workers", "inline", "stage"])
def test_a_page_the_parser_raises_on_costs_that_page_only(fresh_site, tmp_path, mode):
    site, db = fresh_site, tmp_path / "deals.db"
    urls = plant(site)
    sources = [{"name": "poison", "url": site.url("/poison.xml"), "type": "feed"}]
    done = deals_crawl(db, sources, "--set", f"DEALS_PARSE={mode}")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert len(events(db, "DocumentFetched")) == 4
    assert_poison_recorded(db, urls)
    assert "stored 4 new pages, 1 could not be parsed" in done.stdout
    assert last_report(db)["poison"]["reached"]

    again = deals_cmd("parse", "--db", str(db))
    assert (again.returncode, again.stdout.strip()) == (0, "parsed 0 stored pages"), again.stderr
    everything = deals_cmd("parse", "--all", "--db", str(db))
    assert everything.returncode == 0, everything.stderr
    recrawl = deals_crawl(db, sources, "--refresh")
    assert recrawl.returncode == 0, recrawl.stderr
    assert len(events(db, "ParseFailed")) == 1 and len(events(db, "ArticleParsed")) == 3


def test_a_poison_page_left_unparsed_by_a_killed_run_no_longer_blocks_every_later_run(
    fresh_site, tmp_path
):
    """The state the old code could never leave: the page stored, its parse still pending."""
    site, db = fresh_site, tmp_path / "deals.db"
    urls = plant(site)
    sources = [{"name": "poison", "url": site.url("/poison.xml"), "type": "feed"}]
    killed = deals_crawl(
        db, sources, "--set", "DEALS_PARSE=stage", env={"DEALS_CRASH_AT": "parse:1"}
    )
    assert killed.returncode == -signal.SIGKILL
    assert len(events(db, "DocumentFetched")) == 4 and not events(db, "ArticleParsed")

    parse = deals_cmd("parse", "--db", str(db))
    assert (parse.returncode, parse.stdout.strip()) == (0, "parsed 3 stored pages"), parse.stderr
    assert "could not parse" in parse.stderr and "RecursionError" in parse.stderr
    assert_poison_recorded(db, urls)
    again = deals_cmd("parse", "--db", str(db))
    assert (again.returncode, again.stdout.strip(), again.stderr) == (
        0,
        "parsed 0 stored pages",
        "",
    )


def test_deals_run_with_a_poison_page_exits_normally(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    urls = plant(site)
    toml = tmp_path / "sources.toml"
    toml.write_text(
        f'[[source]]\nname = "poison"\nurl = "{site.url("/poison.xml")}"\ntype = "feed"\n'
    )
    fast = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
    for _ in range(2):
        done = subprocess.run(
            [DEALS, "run", "--db", str(db), "--sources", str(toml), *fast],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    assert_poison_recorded(db, urls)
    with sqlite3.connect(db) as conn:
        finished = [
            json.loads(d)
            for (d,) in conn.execute(
                "SELECT data FROM events WHERE type = 'RunFinished' ORDER BY seq"
            )
        ]
    assert len(finished) == 2
