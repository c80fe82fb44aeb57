"""`deals demo`: serve the bundled newsroom on 127.0.0.1, crawl it, extract, report.

Everything runs offline in one process: the site is served from a thread, and the crawl uses
this process's one Scrapy reactor run.
"""

from __future__ import annotations

import importlib.util
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
# The site is local and ours: no need to wait between requests.
OVERRIDES = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
             "CONCURRENT_REQUESTS_PER_DOMAIN": 8}


def run_demo(db_path: str | Path | None = None) -> Iterator[str]:
    """Yield the lines `deals demo` prints, as each step finishes."""
    from crawler.demo.server import serve
    from crawler.run import crawl, summary_lines

    db_path = Path(db_path) if db_path else Path(tempfile.mkdtemp(prefix="deals-demo-")) / "demo.db"
    with serve(SITE, ORIGIN) as base:
        sources = [make_source({**s, "url": s["url"].replace(ORIGIN, base)}) for s in SOURCES]
        yield f"serving the demo newsroom at {base}; database {db_path}"
        report = crawl(db_path, sources, overrides=OVERRIDES)
    yield from summary_lines(report)
    yield from _extract(db_path)


def _extract(db_path: Path) -> Iterator[str]:
    from store import Store
    from store.replay import catch_up

    if importlib.util.find_spec("extract.runner") is None:
        yield "extraction is not available in this installation: articles are stored, no deals"
        return
    from extract.runner import extract_store

    with Store(db_path) as store:
        counts = extract_store(store)
        catch_up(store)
        yield f"extracted {counts['deals']} deals from {counts['articles']} newly parsed articles"
        yield "deals in the database:"
        for event in store.read(types=["DealsExtracted"]):
            for deal in event.data.get("deals", []):
                yield "  " + describe(deal, event.data.get("url") or event.stream)


def describe(deal: dict, url: str) -> str:
    """One line per deal: parties, kind and whichever figures were found."""
    parts = [" + ".join(deal.get("parties") or ["?"]), f"[{deal.get('kind') or 'deal'}]"]
    if deal.get("gpu_count"):
        parts.append(f"{deal['gpu_count']:,} x {deal.get('chip') or 'accelerators'}")
    elif deal.get("chip"):
        parts.append(str(deal["chip"]))
    if deal.get("power_mw"):
        parts.append(f"{deal['power_mw']:,} MW")
    if deal.get("value_usd"):
        parts.append(f"${deal['value_usd'] / 1e9:,.2f}bn")
    for key in ("facility", "location"):
        if deal.get(key):
            parts.append(str(deal[key]))
    return " ".join(parts) + f"  <{url.rsplit('/', 1)[-1]}>"
