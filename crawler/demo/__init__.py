"""The demo newsroom `deals demo` crawls: invented articles served on 127.0.0.1.

Everything runs offline in one process: the site is served from a thread, and the crawl uses
this process's one Scrapy reactor run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Iterator

from crawler.sources import make_source

SITE = Path(__file__).parent / "site"
ORIGIN = "http://newsroom.demo"  # the origin the static files are written with

SOURCES = [
    {"name": "demo-press", "url": f"{ORIGIN}/press/feed.xml", "type": "feed"},
    {"name": "demo-trade", "url": f"{ORIGIN}/trade/atom.xml", "type": "feed"},
    {"name": "demo-wire", "url": f"{ORIGIN}/sitemap.xml", "type": "sitemap"},
    {"name": "demo-insights", "url": f"{ORIGIN}/insights/index.html", "type": "index",
     "follow": r"/insights/[a-z0-9-]+\.html$"},
]
# What `deals demo --backfill DATE` reads: the sources that can look back.
BACKFILL_SOURCES = [
    SOURCES[2],
    {"name": "demo-gdelt", "url": f"{ORIGIN}/api/v2/doc/doc", "type": "gdelt",
     "query": '(GPU OR GPUs OR "data center") (deal OR agreement)'},
]
# The site is local and ours: no need to wait between requests.
OVERRIDES = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
             "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "DEALS_GDELT_INTERVAL": 0}


def crawl_demo(db_path: str | Path | None = None, since: str | None = None,
               progress=None) -> Iterator[str]:
    """Serve the newsroom, crawl it into `db_path`; yield the lines `deals demo` prints.

    The first line names the database (a fresh one in a temporary directory by default). With
    `since` (YYYY-MM-DD), a backfill from that day of the sources that can look back (the
    wire's sitemap and a GDELT-format search over the newsroom) instead of the crawl.
    """
    from crawler.demo.server import serve
    from crawler.run import crawl, summary_lines

    db_path = Path(db_path) if db_path else Path(tempfile.mkdtemp(prefix="deals-demo-")) / "demo.db"
    with serve(SITE, ORIGIN) as base:
        sources = [make_source({**s, "url": s["url"].replace(ORIGIN, base)})
                   for s in (BACKFILL_SOURCES if since else SOURCES)]
        what = f", backfilling it since {since}" if since else ""
        yield f"serving the demo newsroom at {base}{what}; database {db_path}"
        report = crawl(db_path, sources, overrides=OVERRIDES, since=since, progress=progress)
    yield from summary_lines(report)
