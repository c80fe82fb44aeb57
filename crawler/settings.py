"""Only the Scrapy settings we set: politeness, safety bounds and our pipeline.

`deals crawl --set NAME=VALUE` overrides any of them for one run.
"""

import os

from store.version import __version__

BOT_NAME = "compute-deals"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Where the event log lives; `deals crawl --db` sets it.
DEALS_DB = os.environ.get("DEALS_DB", "deals.db")
# Site owners need a way to reach whoever runs the crawler: set your own page or mailto: URL.
DEALS_CONTACT_URL = os.environ.get(
    "DEALS_CONTACT_URL", "https://github.com/compute-deals/compute-deals#crawler"
)


def user_agent(contact_url: str) -> str:
    return f"compute-deals/{__version__} (+{contact_url})"


USER_AGENT = user_agent(DEALS_CONTACT_URL)
# SEC EDGAR wants a name and an email address in the User-Agent ("Ana Lopez ana@example.org");
# an edgar source refuses to crawl without one (a mailto: DEALS_CONTACT_URL also serves).
DEALS_CONTACT_EMAIL = os.environ.get("DEALS_CONTACT_EMAIL", "")
# Requests a second to EDGAR's host (its fair-access limit is 10; a higher value counts as 10).
DEALS_EDGAR_MAX_RATE = 10.0
# Seconds between two requests to the GDELT DOC API (it asks for no more than one every 5 s).
DEALS_GDELT_INTERVAL = 5.0
# Article pages a discovery source (gdelt) takes from one publisher in a crawl; 0: no cap.
DEALS_DOMAIN_MAX_PAGES = 100
# How fetched pages are parsed: "workers" (a process pool parses while the crawl goes on),
# "inline" (in the item pipeline) or "stage" (after the crawl). Workers measured fastest
# (docs/BENCHMARKS.md, "Crawl"). The stage still runs after every crawl for any page left
# unparsed, and over everything when the parser changes.
DEALS_PARSE = "workers"
DEALS_PARSE_WORKERS = "auto"  # one per core but one, at most 4; 0 parses in-process
DEALS_PARSE_BATCH = 50  # ArticleParsed events per append

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5

# An article page bigger than this is dropped, also after decompression (gzip bombs): news
# pages are well under 1 MB of HTML. Feeds, sitemaps and index pages may be bigger, up to the
# sitemap protocol's own 50 MB (DEALS_LISTING_MAXSIZE).
DOWNLOAD_MAXSIZE = 3 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
DEALS_LISTING_MAXSIZE = 50 * 1024 * 1024

# Bounds on one crawl; 0 turns one off. A source a budget stops is still reached; its report
# says which budget stopped it, and the next crawl requests the entries it left first.
DEALS_SITEMAP_DEPTH = 3  # levels of nested sitemaps read below a source's own URL
DEALS_SOURCE_MAX_PAGES = 500  # article requests per source (`--max-pages` overrides it)
DEALS_CRAWL_MAX_PAGES = 5000  # article requests per crawl, all sources together
DEALS_SOURCE_MAX_SECONDS = 1200.0  # wall time per source
DEALS_CRAWL_MAX_SECONDS = 2700.0  # wall time per crawl: an hourly cron job ends within the hour
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = 1024
MEMUSAGE_WARNING_MB = 768

# Each article response yields one item and the pipeline writes synchronously, so Scrapy's
# default of 100 concurrent items only costs 100 asyncio tasks per response (measured).
CONCURRENT_ITEMS = 4
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPCACHE_ENABLED = os.environ.get("DEALS_HTTPCACHE", "") == "1"
HTTPCACHE_DIR = "httpcache"

DOWNLOADER_MIDDLEWARES = {
    # Stays ahead of everything so redirects and dont_filter requests are checked too.
    "crawler.middlewares.StayOnSource": 90,
    "crawler.middlewares.HostProxies": 95,  # before Scrapy's HttpProxyMiddleware (750)
}
# Hosts reached through an HTTP proxy, {host: proxy URL}: the demo's newsroom.demo is served
# from a local port that may change, while its pages' URLs must not.
DEALS_HOST_PROXIES: dict[str, str] = {}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidateArticle": 100,
    "crawler.pipelines.EventLogPipeline": 500,
}
LOG_LEVEL = os.environ.get("DEALS_LOG_LEVEL", "WARNING")
FEED_EXPORT_ENCODING = "utf-8"
