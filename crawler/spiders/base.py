"""What every source spider shares: scope, dedupe, incremental rules, budgets, counting, errors.

Subclasses implement `parse_listing(response)` and turn it into requests with `follow()`.
Per-source counts go to the crawler's stats under `deals/`; `crawler.run` reads them.

Bounds (settings, 0 turns one off): `DEALS_SITEMAP_DEPTH` levels of nested sitemaps,
`DEALS_SOURCE_MAX_PAGES` article requests (`--max-pages` overrides it) and
`DEALS_SOURCE_MAX_SECONDS` per source; `DEALS_CRAWL_MAX_PAGES` and `DEALS_CRAWL_MAX_SECONDS` for
all sources of a crawl together (`crawler.shared.SharedCrawl`). A budget stops a source cleanly:
requests under way finish, their pages are stored and parsed, and `stopped_by` names it.
"""

from __future__ import annotations

import logging
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro

from crawler import settings as project_settings
from crawler.discovery import Entry, Listing
from crawler.errors import classify
from crawler.items import ArticleItem
from crawler.middlewares import in_domains
from crawler.shared import SharedCrawl
from crawler.sources import Source, load_sources
from crawler.state import SourceState, conditional_headers

logger = logging.getLogger(__name__)
TIME_BUDGETS = ("DEALS_SOURCE_MAX_SECONDS", "DEALS_CRAWL_MAX_SECONDS")
RATE_PRIORITY = 60  # above `--set` (cmdline, 40): a rate a site requires is not for a run to lower


class SourceSpider(scrapy.Spider):
    """Crawls one source. Arguments may be objects (from `crawler.run`) or strings (`-a`)."""

    name = ""  # abstract: `scrapy list` shows only the concrete spiders
    fixed_rate_hosts: frozenset[str] | set[str] = frozenset()

    def __init__(
        self,
        source: Source | str | None = None,
        sources: str | None = None,
        state: SourceState | None = None,
        refresh=False,
        max_pages=None,
        parses=None,
        shared: SharedCrawl | None = None,
        since: str | None = None,
        until: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not isinstance(source, Source):
            matches = [s for s in load_sources(sources) if s.name == source]
            if not matches:
                raise ValueError(f"unknown source {source!r}: pass -a source=NAME")
            source = matches[0]
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self.state = state
        self.parses = parses  # the run's `crawler.parse_pool.PendingParses`, if any
        self.shared = shared  # the run's `SharedCrawl`, if any
        self.refresh = refresh in (True, "1", "true", "yes")
        self.max_pages = int(max_pages) if max_pages else None
        # A backfill (`deals backfill --since`): only entries dated in [since, until] (undated
        # ones too), and no page already stored is asked for again, so a rerun goes on.
        self.since = since or None  # YYYY-MM-DD
        self.until = until or None  # YYYY-MM-DD
        self.queued: set[str] = set()
        self.answered = 0  # article requests that came back, with a page or a failure
        self.listings_seen: set[str] = set()
        self.reached: bool | None = None
        self.error: str | None = None
        self.error_kind: str | None = None  # how the source's own listing failed: dns, http_404
        self.stopped_by: str | None = None  # the budget that stopped this source, if one did
        self.store_error: Exception | None = None  # set by the pipeline when a write fails
        self.timer = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if spider.state is None:  # `scrapy crawl` without `deals crawl`: read the database
            from crawler.state import read_state

            spider.state = read_state(settings.get("DEALS_DB"), spider.source.name)
        if spider.shared is None:  # `scrapy crawl`: a crawl of this one source
            spider.shared = SharedCrawl.from_settings(settings)

        def setting(name: str, get=settings.getint):  # the project's default if unset
            return get(name, getattr(project_settings, name)) or None  # 0: no bound

        spider.page_budget = (
            (spider.max_pages, "--max-pages")
            if spider.max_pages
            else (setting("DEALS_SOURCE_MAX_PAGES"), "DEALS_SOURCE_MAX_PAGES")
        )
        spider.max_seconds = setting("DEALS_SOURCE_MAX_SECONDS", settings.getfloat)
        spider.sitemap_depth = setting("DEALS_SITEMAP_DEPTH")
        spider.listing_maxsize = settings.getint(  # 0: no limit, as for DOWNLOAD_MAXSIZE
            "DEALS_LISTING_MAXSIZE", project_settings.DEALS_LISTING_MAXSIZE
        )
        spider.configure(settings)
        return spider

    @property
    def backfill(self) -> bool:
        return self.since is not None

    def configure(self, settings) -> None:
        """Per-source settings, before Scrapy freezes them: hosts with a fixed request rate
        (`rate_limits`) get a download slot of one request at a time, that delay apart, which
        AutoThrottle leaves alone and `--set` cannot lower."""
        limits = self.rate_limits(settings)
        if not limits:
            return
        slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
        for host, seconds in limits.items():
            slots[host] = {"concurrency": 1, "delay": seconds, "jitter": 0}
        settings.set("DOWNLOAD_SLOTS", slots, priority=RATE_PRIORITY)
        self.fixed_rate_hosts = set(limits)

    def rate_limits(self, settings) -> dict[str, float]:
        """{host: seconds between requests} this source must keep to; none by default."""
        return {}

    def in_scope(self, host: str | None) -> bool:
        """Whether an article on `host` may be requested."""
        return in_domains(host, self.allowed_domains)

    def request_scope(self, url: str) -> tuple[str, ...] | None:
        """Domains an article request and its redirects must stay in, when the source's
        `allowed_domains` do not say (discovery sources list pages of many publishers)."""
        return None

    def note(self, what: str, n: int = 1) -> None:
        """Tell the run's progress display (if any) that listings or pages moved on."""
        if self.shared is not None and self.shared.progress is not None:
            self.shared.progress(what, n)

    async def start(self):
        self.start_clock()
        yield self.listing_request(self.source.url, depth=0)

    def closed(self, reason):
        if self.timer is not None:
            self.timer.cancel()
        if self.stopped_by in TIME_BUDGETS and len(self.queued) > self.answered:
            self.count("over_budget", len(self.queued) - self.answered)

    # -- budgets ---------------------------------------------------------------------------

    def start_clock(self) -> None:
        """Close this source when its time, or the crawl's, is up."""
        limits = [
            (self.max_seconds, TIME_BUDGETS[0]),
            (self.shared.seconds_left(), TIME_BUDGETS[1]),
        ]
        limits = [(seconds, name) for seconds, name in limits if seconds is not None]
        if limits:
            seconds, name = min(limits)
            self.timer = call_later(seconds, self.out_of_time, name)

    def out_of_time(self, budget: str) -> None:
        self.timer = None
        self.stopped_by = self.stopped_by or budget
        logger.info("%s: %s spent, closing the source", self.source.name, budget)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="deals_budget"))

    def page_budget_spent(self) -> str | None:
        """The page budget this source has used up, if any."""
        limit, name = self.page_budget
        if limit is not None and len(self.queued) >= limit:
            return name
        if self.shared.pages_spent():
            return "DEALS_CRAWL_MAX_PAGES"
        return None

    # -- listings --------------------------------------------------------------------------

    def listing_request(self, url: str, depth: int) -> scrapy.Request | None:
        if url in self.listings_seen:
            return None
        self.listings_seen.add(url)
        self.note("listing_queued")
        return scrapy.Request(
            url,
            callback=self.read_listing,
            errback=self.listing_failed,
            dont_filter=True,
            meta={
                "deals_root": depth == 0,
                "deals_depth": depth,
                # feeds and sitemaps may be bigger than any article (DOWNLOAD_MAXSIZE)
                "download_maxsize": self.listing_maxsize,
                "download_warnsize": self.listing_maxsize // 2,
            },
        )

    def read_listing(self, response):
        """`parse_listing`, where anything it raises is one counted error, not a lost source."""
        self.note("listing_read")
        try:
            yield from self.parse_listing(response)
        except Exception as exc:
            self.count_error("unreadable_listing")
            message = (
                f"{response.url}: could not read the listing: {type(exc).__name__}: "
                f"{' '.join(str(exc).split())[:200]}"
            )
            logger.error(message)
            if response.meta.get("deals_root"):
                self.reached = bool(self.reached)
                self.error = self.error or message
                self.error_kind = self.error_kind or "unreadable_listing"

    def parse_listing(self, response):
        raise NotImplementedError

    def follow(self, listing: Listing, response):
        """Requests for a parsed listing: nested listings first, then new articles, the entries
        not stored yet before those to check again (so a budget never starves new ones)."""
        root = response.meta.get("deals_root", False)
        if listing.error:
            kind = listing.error.split(":")[0].replace(" ", "_")
            self.count_error(kind)
            if root:
                self.error = listing.error
                self.error_kind = kind
        if listing.bad_entries:
            self.count("bad_entries", listing.bad_entries)
        if root:  # a source with several listings (edgar: one per company) is reached by one
            self.reached = bool(self.reached) or not listing.fatal
        depth = response.meta.get("deals_depth", 0) + 1
        for url in listing.listings:
            if self.sitemap_depth is not None and depth > self.sitemap_depth:
                self.count_error("sitemap_too_deep")
                continue
            spent = self.page_budget_spent()
            if spent:
                self.stopped_by = self.stopped_by or spent
                continue
            request = self.listing_request(url, depth)
            if request is not None:
                yield request
        pages = self.state.pages if self.state else {}
        for entry in sorted(listing.entries, key=lambda e: urldefrag(e.url)[0] in pages):
            try:
                request = self.article_request(entry)
            except ValueError:  # Scrapy refuses the URL (a port past 65535, a bad IPv6 host)
                self.count("bad_entries")
                continue
            if request is not None:
                yield request

    def listing_failed(self, failure):
        self.note("listing_read")
        kind, message = classify(failure)
        self.count_error(kind)
        if failure.request.meta.get("deals_root"):
            self.reached = bool(self.reached)
            self.error = f"{failure.request.url}: {message}"
            self.error_kind = kind

    # -- articles --------------------------------------------------------------------------

    def article_request(self, entry: Entry) -> scrapy.Request | None:
        url = urldefrag(entry.url)[0]
        if url in self.queued or urlsplit(url).scheme not in ("http", "https"):
            return None
        if not self.in_scope(urlsplit(url).hostname):
            self.count("offsite_links")
            return None
        if not self.source.follows(url):
            return None
        if not self.in_range(entry.published):
            self.count("out_of_range")
            return None
        if self.state and url in self.state.off_topic and not self.refresh:
            self.count("known_off_topic")  # the prefilter dropped it before: not again
            return None
        seen = self.state.pages.get(url) if self.state else None
        if seen and self.backfill:
            self.count("already_stored")
            return None
        if (
            seen
            and not self.refresh
            and entry.published
            and self.state.watermark
            and entry.published <= self.state.watermark
        ):
            self.count("skipped_old")
            return None
        if self.shared.taken(url, self.source.prefilter):  # another source requested it
            self.count("listed_elsewhere")
            return None
        spent = self.page_budget_spent()
        if spent:
            self.stopped_by = self.stopped_by or spent
            self.count("over_budget")
            return None
        meta = {"deals_entry": entry, "handle_httpstatus_list": [304]}
        scope = self.request_scope(url)
        if scope:
            meta["deals_scope"] = scope
        request = scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            headers=conditional_headers(seen),
            dont_filter=True,
            meta=meta,
        )
        self.queued.add(url)
        self.shared.claim(url)
        self.note("page_queued")
        return request

    def in_range(self, published: str | None) -> bool:
        """An entry's date is inside the backfill's [since, until] (an undated one is)."""
        if not published:
            return True
        return (self.since is None or published >= self.since) and (
            self.until is None or published <= self.until
        )

    def parse_article(self, response):
        self.answered += 1
        self.note("page_answered")
        if response.status == 304:
            self.count("articles")
            self.count("unchanged")
            return
        entry: Entry = response.meta["deals_entry"]
        headers = response.headers
        yield ArticleItem(
            source=self.source.name,
            url=urldefrag(entry.url)[0],
            final_url=response.url,
            status=response.status,
            body=response.body,
            content_type=_header(headers, b"Content-Type"),
            etag=_header(headers, b"ETag"),
            last_modified=_header(headers, b"Last-Modified"),
            listed_published=entry.published,
            listed_title=entry.title,
        )

    def article_failed(self, failure):
        self.answered += 1
        self.note("page_answered")
        kind, _ = classify(failure)
        self.count_error(kind)

    # -- counting --------------------------------------------------------------------------

    def count(self, name: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"deals/{name}", n)

    def count_error(self, kind: str) -> None:
        self.count(f"errors/{kind}")


def _header(headers, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None
