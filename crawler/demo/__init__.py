"""The demo newsroom `deals demo` crawls: invented articles served on 127.0.0.1.

Everything runs offline in one process: the site is served from a thread, and the crawl uses
this process's one Scrapy reactor run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from crawler.sources import make_source

SITE = Path(__file__).parent / "site"
ORIGIN = "http://newsroom.demo"  # the origin the static files are written with

SOURCES = [
    {"name": "demo-press", "url": f"{ORIGIN}/press/feed.xml", "type": "feed"},
    {"name": "demo-trade", "url": f"{ORIGIN}/trade/atom.xml", "type": "feed"},
    {"name": "demo-wire", "url": f"{ORIGIN}/sitemap.xml", "type": "sitemap"},
    {
        "name": "demo-insights",
        "url": f"{ORIGIN}/insights/index.html",
        "type": "index",
        "follow": r"/insights/[a-z0-9-]+\.html$",
    },
]
# What `deals demo --backfill DATE` reads: the sources that can look back.
BACKFILL_SOURCES = [
    SOURCES[2],
    {
        "name": "demo-gdelt",
        "url": f"{ORIGIN}/api/v2/doc/doc",
        "type": "gdelt",
        "query": '(GPU OR GPUs OR "data center") (deal OR agreement)',
    },
]
# The site is local and ours: no need to wait between requests.
OVERRIDES = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DEALS_GDELT_INTERVAL": 0,
}


def crawl_demo(
    db_path: str | Path = "demo.db",
    since: str | None = None,
    progress=None,
    run_id: str | None = None,
) -> Iterator[str]:
    """Serve the newsroom, crawl it into `db_path`; yield the lines `deals demo` prints.

    The pages are http://newsroom.demo/...: the server on 127.0.0.1 answers as a proxy for
    that origin on whichever port is free, so a page's URL (its identity in the log) and the
    deal ids made from it are the same in every run. With `since` (YYYY-MM-DD), a backfill
    from that day of the sources that can look back (the wire's sitemap and a GDELT-format
    search over the newsroom) instead of the crawl. `run_id` names the crawl's run.
    """
    from crawler.demo.server import serve
    from crawler.run import crawl, summary_lines

    with serve(SITE, ORIGIN, proxy=True) as proxy:
        sources = [make_source(s) for s in (BACKFILL_SOURCES if since else SOURCES)]
        what = f", backfilling it since {since}" if since else ""
        yield (
            f"serving the demo newsroom {ORIGIN} from 127.0.0.1, offline{what}; database {db_path}"
        )
        overrides = {**OVERRIDES, "DEALS_HOST_PROXIES": {urlsplit(ORIGIN).hostname: proxy}}
        report = crawl(
            db_path, sources, overrides=overrides, since=since, progress=progress, run_id=run_id
        )
    yield from summary_lines(report)
