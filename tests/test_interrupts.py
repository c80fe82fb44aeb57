"""Ctrl-C and SIGTERM: stop promptly, keep what was stored, say so, exit 130 or 143.

Real `deals` processes against a slow site on 127.0.0.1, real signals.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.crawlsite import Site, article

pytestmark = pytest.mark.slow
DEALS = str(Path(sys.executable).parent / "deals")
FAST = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=0"]
PAGES = 30


@pytest.fixture
def slow_site(tmp_path):
    site = Site()
    items = []
    for i in range(PAGES):
        site.add(
            f"/story/{i}",
            article(
                f"Story {i}",
                [
                    f"Brightwater Cloud agreed to provide Korrin Labs with {i + 1},000 "
                    "NVIDIA H100 GPUs in Reno, Nevada, the companies said."
                ],
            ),
            fault="pause",
        )
        items.append(f"<item><title>Story {i}</title><link>{site.url(f'/story/{i}')}</link></item>")
    site.add(
        "/feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"{''.join(items)}</channel></rss>",
        content_type="application/rss+xml",
    )
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "slow"\ntype = "feed"\nurl = "{site.url("/feed.xml")}"\n'
    )
    yield site, sources
    site.close()


def events(db: Path, kind: str) -> list[dict]:
    with sqlite3.connect(db) as conn:
        return [
            json.loads(d)
            for (d,) in conn.execute("SELECT data FROM events WHERE type = ? ORDER BY seq", (kind,))
        ]


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [DEALS, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_fetches(site: Site, n: int) -> None:
    deadline = time.monotonic() + 60
    while len([h for h in site.hits if h.path.startswith("/story/")]) < n:
        assert time.monotonic() < deadline, "the crawl never started"
        time.sleep(0.05)


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_the_crawl_stops_it_records_it_and_the_next_run_finishes(
    slow_site, tmp_path, signum, code
):
    site, sources = slow_site
    db = tmp_path / "deals.db"
    proc = start(
        "run",
        "--db",
        str(db),
        "--sources",
        str(sources),
        *FAST,
        "--set",
        "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    )
    wait_for_fetches(site, 3)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    name = signal.Signals(signum).name
    assert f"interrupted by {name}" in err and "Traceback" not in err
    assert "the next run" in err
    (finished,) = events(db, "RunFinished")
    assert finished["interrupted"] == signum and finished["exit_code"] == code
    (crawl,) = events(db, "CrawlFinished")
    assert crawl["interrupted"] == signum
    fetched = len(events(db, "DocumentFetched"))
    assert 0 < fetched < PAGES  # it stopped fetching
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = subprocess.run(
        [DEALS, "run", "--db", str(db), "--sources", str(sources), *FAST],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert len(events(db, "DocumentFetched")) == PAGES
    assert len(events(db, "DealsExtracted")) == PAGES


def test_ctrl_c_during_extraction_exits_130_and_the_next_extract_finishes(slow_site, tmp_path):
    site, sources = slow_site
    db = tmp_path / "deals.db"
    subprocess.run(
        [DEALS, "crawl", "--db", str(db), "--sources", str(sources), *FAST],
        capture_output=True,
        check=True,
        timeout=300,
    )
    proc = start("extract", "--db", str(db))
    time.sleep(1.0)  # while the model loads: extracting 30 short pages is quicker than that
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Aborted" not in err and "interrupted by SIGINT" in err
    done = subprocess.run(
        [DEALS, "extract", "--db", str(db)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert len(events(db, "DealsExtracted")) == PAGES
