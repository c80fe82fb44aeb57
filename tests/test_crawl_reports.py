"""What a crawl, a run and the crontab line tell the person reading them: an offline machine,
links to other sites, the lines a terminal shows, a missing contact URL, a bounded cron line.

Real `deals` processes. "Offline" is a machine whose every host name lookup fails: the crawl
gets a resolver that fails each lookup as an offline resolver does (Scrapy's TWISTED_DNS_RESOLVER
setting), so the test sends nothing anywhere; sites are on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from crawlsite import Site, article, rss

pytestmark = pytest.mark.slow

DEALS = str(Path(sys.executable).parent / "deals")
FAST = [
    "--set",
    "AUTOTHROTTLE_ENABLED=False",
    "--set",
    "DOWNLOAD_DELAY=0",
    "--set",
    "RETRY_TIMES=0",
]
NO_NETWORK = '''
import ipaddress

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError


class NoNetwork(CachingThreadedResolver):
    """Every lookup of a name fails, as on a machine with no network (an address is one)."""

    def getHostByName(self, name, timeout=()):
        try:
            return defer.succeed(str(ipaddress.ip_address(name)))
        except ValueError:
            return defer.fail(DNSLookupError(f"no results for hostname lookup: {name}"))
'''


def sources_file(folder: Path, sources: list[dict]) -> Path:
    path = folder / "sources.toml"
    path.write_text(
        "".join(
            "[[source]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in s.items()) + "\n"
            for s in sources
        )
    )
    return path


@pytest.fixture
def offline(tmp_path):
    """(sources file of 12 newsrooms, environment and settings of a machine with no network)"""
    (tmp_path / "no_network.py").write_text(NO_NETWORK)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DEALS_CONTACT_URL": "https://ex.org/c"}
    env.pop("DEALS_LOG_LEVEL", None)
    sources = sources_file(
        tmp_path,
        [
            {
                "name": f"newsroom-{i:02d}",
                "url": f"https://news{i}.example.com/feed.xml",
                "type": "feed",
            }
            for i in range(12)
        ],
    )
    return sources, env, [*FAST, "--set", "TWISTED_DNS_RESOLVER=no_network.NoNetwork"]


def test_offline_the_cron_line_is_short_and_asks_if_the_machine_is_offline(tmp_path, offline):
    sources, env, settings = offline
    db = tmp_path / "deals.db"
    proc = subprocess.run(
        [DEALS, "run", "--db", str(db), "--sources", str(sources), *settings],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1 and proc.stderr == ""
    (line,) = proc.stdout.splitlines()
    run_id = line.split()[2].rstrip(":")
    assert line == (
        f"deals run {run_id}: 0 new articles, 0 new deals, 12 failing sources "
        "(dns 12: newsroom-00, newsroom-01, newsroom-02 and 9 more; see deals "
        "status) -- no source could be reached: are you offline?"
    )
    # every source's own error is kept for `deals status` and `--json`
    with sqlite3.connect(db) as conn:
        (data,) = conn.execute("SELECT data FROM events WHERE type = 'RunFinished'").fetchone()
    finished = json.loads(data)
    assert len(finished["failing_sources"]) == 12 and finished["sources"] == 12
    assert set(finished["failing_kinds"].values()) == {"dns"}
    assert "news7.example.com" in finished["failing_sources"]["newsroom-07"]


def test_offline_a_crawl_says_each_failure_once_and_suggests_the_network(tmp_path, offline):
    """Scrapy's own lines for each failed download are left out: the summary names them."""
    sources, env, settings = offline
    proc = subprocess.run(
        [DEALS, "crawl", "--db", str(tmp_path / "deals.db"), "--sources", str(sources), *settings],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Gave up retrying" not in proc.stderr and "Error downloading" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert sum("news3.example.com" in line for line in lines) == 1
    assert lines[-1] == (
        "no source could be reached (dns 12): are you offline? Check the "
        "network (or a proxy, or DNS) and run again; nothing was lost"
    )


def test_no_offline_hint_when_one_source_is_reached(tmp_path, offline):
    sources, env, settings = offline
    site = Site()
    try:
        site.add("/robots.txt", "", content_type="text/plain")
        site.add("/feed.xml", rss([]), content_type="application/rss+xml")
        text = sources.read_text() + (
            f'[[source]]\nname = "local"\nurl = "{site.url("/feed.xml")}"\ntype = "feed"\n'
        )
        sources.write_text(text)
        proc = subprocess.run(
            [
                DEALS,
                "crawl",
                "--db",
                str(tmp_path / "deals.db"),
                "--sources",
                str(sources),
                *settings,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        site.close()
    assert proc.returncode == 1 and "offline" not in proc.stdout


def test_a_feed_whose_links_are_on_another_site_says_so(tmp_path):
    """A feed that lists seven articles of another host: none is fetched, and the line says
    how many links were left and what to change."""
    site = Site()
    try:
        site.add("/robots.txt", "", content_type="text/plain")
        site.add(
            "/feed.xml",
            rss(
                [
                    (f"Deal {i}", site.url(f"/news/{i}.html", host="localhost"), None)
                    for i in range(7)
                ]
            ),
            content_type="application/rss+xml",
        )
        for i in range(7):
            site.add(f"/news/{i}.html", article(f"Deal {i}", ["Acme and Beta signed a deal."]))
        sources = sources_file(
            tmp_path, [{"name": "wire", "url": site.url("/feed.xml"), "type": "feed"}]
        )
        proc = subprocess.run(
            [DEALS, "crawl", "--db", str(tmp_path / "deals.db"), "--sources", str(sources), *FAST],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        site.close()
    assert proc.returncode == 0, proc.stderr
    (line,) = [x for x in proc.stdout.splitlines() if x.startswith("wire")]
    assert line == (
        "wire  ok        0 articles (0 new, 0 unchanged), 2 requests, 7 links to "
        "other sites not followed (list their hosts in the source's "
        "allowed_domains to follow them)"
    )


def on_a_terminal(args: list[str], env: dict) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (as a person at a shell has it): (exit, stdout,
    what the terminal showed)."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    out = proc.stdout.read().decode()
    proc.wait(timeout=120)
    return proc.returncode, out, shown.decode(errors="replace")


def test_on_a_terminal_each_failure_is_shown_once(tmp_path, offline):
    sources, env, settings = offline
    code, out, shown = on_a_terminal(
        [DEALS, "run", "--db", str(tmp_path / "deals.db"), "--sources", str(sources), *settings],
        env,
    )
    assert code == 1
    mentions = [line for line in shown.splitlines() if "news3.example.com" in line]
    assert len(mentions) == 1 and mentions[0].startswith("newsroom-03  FAILED"), shown
    assert "are you offline?" in shown and "are you offline?" in out


def test_a_crawl_on_a_terminal_warns_once_when_no_contact_url_is_set(tmp_path, offline):
    sources, env, settings = offline
    env = {k: v for k, v in env.items() if k != "DEALS_CONTACT_URL"}
    args = [
        DEALS,
        "crawl",
        "--db",
        str(tmp_path / "deals.db"),
        "--sources",
        str(sources),
        *settings,
    ]
    _, _, shown = on_a_terminal(args, env)
    warning = [line for line in shown.splitlines() if line.startswith("warning:")]
    assert warning == [
        "warning: DEALS_CONTACT_URL is not set, so the crawler's User-Agent "
        "gives the project's page as its contact, not yours: export "
        "DEALS_CONTACT_URL=https://... (or --set DEALS_CONTACT_URL=...)"
    ]
    _, _, given = on_a_terminal([*args, "--set", "DEALS_CONTACT_URL=https://ex.org/me"], env)
    assert "warning:" not in given
    piped = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert "warning:" not in piped.stderr  # cron: no terminal, no warning


def test_cron_takes_the_sources_file_and_settings_and_checks_them(tmp_path):
    sources = sources_file(
        tmp_path, [{"name": "wire", "url": "https://wire.example.com/feed", "type": "feed"}]
    )
    db = tmp_path / "deals.db"
    proc = subprocess.run(
        [
            DEALS,
            "cron",
            "--db",
            str(db),
            "--sources",
            str(sources),
            "--set",
            "DOWNLOAD_TIMEOUT=5",
            "--set",
            "DEALS_CONTACT_URL=https://ex.org/a 50%",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split(" run ", 1)[1] == (
        f"--db {db} --log {tmp_path / 'deals-run.log'} --sources {sources} "
        "--set DOWNLOAD_TIMEOUT=5 --set 'DEALS_CONTACT_URL=https://ex.org/a 50\\%'\n"
    )
    typo = subprocess.run(
        [DEALS, "cron", "--set", "DOWNLOAD_TIMEOT=5"], capture_output=True, text=True, timeout=60
    )
    assert typo.returncode == 2 and typo.stderr == (
        "error: --set DOWNLOAD_TIMEOT: no such setting (did you mean DOWNLOAD_TIMEOUT?)\n"
    )
    missing = subprocess.run(
        [DEALS, "cron", "--sources", str(tmp_path / "none.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "none.toml" in missing.stderr
