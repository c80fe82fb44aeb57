"""What every source spider shares: scope, dedupe, incremental rules, counting, errors.

Subclasses implement `parse_listing(response)` and turn it into requests with `follow()`.
Per-source counts go to the crawler's stats under `deals/`; `crawler.report` reads them.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import scrapy

from crawler.discovery import Entry, Listing
from crawler.errors import classify
from crawler.items import ArticleItem
from crawler.middlewares import in_domains
from crawler.sources import Source, load_sources
from crawler.state import SourceState, conditional_headers


class SourceSpider(scrapy.Spider):
    """Crawls one source. Arguments may be objects (from `crawler.run`) or strings (`-a`)."""

    name = ""  # abstract: `scrapy list` shows only the three concrete spiders

    def __init__(self, source: Source | str | None = None, sources: str | None = None,
                 state: SourceState | None = None, refresh=False, max_pages=None,
                 parses=None, **kwargs):
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
        self.refresh = refresh in (True, "1", "true", "yes")
        self.max_pages = int(max_pages) if max_pages else None
        self.queued: set[str] = set()
        self.listings_seen: set[str] = set()
        self.reached: bool | None = None
        self.error: str | None = None
        self.store_error: Exception | None = None  # set by the pipeline when a write fails

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.state is None:  # `scrapy crawl` without `deals crawl`: read the database
            from crawler.state import read_state

            spider.state = read_state(crawler.settings.get("DEALS_DB"), spider.source.name)
        return spider

    async def start(self):
        yield self.listing_request(self.source.url, root=True)

    # -- listings --------------------------------------------------------------------------

    def listing_request(self, url: str, root: bool = False) -> scrapy.Request | None:
        if url in self.listings_seen:
            return None
        self.listings_seen.add(url)
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                              dont_filter=True, meta={"deals_root": root})

    def parse_listing(self, response):
        raise NotImplementedError

    def follow(self, listing: Listing, response):
        """Requests for a parsed listing: nested listings first, then new articles."""
        root = response.meta.get("deals_root", False)
        if listing.error:
            self.count_error(listing.error.split(":")[0].replace(" ", "_"))
            if root:
                self.error = listing.error
        if root:
            self.reached = not listing.fatal
        for url in listing.listings:
            request = self.listing_request(url)
            if request is not None:
                yield request
        for entry in listing.entries:
            request = self.article_request(entry)
            if request is not None:
                yield request

    def listing_failed(self, failure):
        kind, message = classify(failure)
        self.count_error(kind)
        if failure.request.meta.get("deals_root"):
            self.reached = False
            self.error = f"{failure.request.url}: {message}"

    # -- articles --------------------------------------------------------------------------

    def article_request(self, entry: Entry) -> scrapy.Request | None:
        url = urldefrag(entry.url)[0]
        if url in self.queued or urlsplit(url).scheme not in ("http", "https"):
            return None
        if not in_domains(urlsplit(url).hostname, self.allowed_domains):
            self.count("offsite_links")
            return None
        if not self.source.follows(url):
            return None
        seen = self.state.pages.get(url) if self.state else None
        if (seen and not self.refresh and entry.published and self.state.watermark
                and entry.published <= self.state.watermark):
            self.count("skipped_old")
            return None
        if self.max_pages is not None and len(self.queued) >= self.max_pages:
            return None
        self.queued.add(url)
        return scrapy.Request(
            url, callback=self.parse_article, errback=self.article_failed,
            headers=conditional_headers(seen), dont_filter=True,
            meta={"deals_entry": entry, "handle_httpstatus_list": [304]})

    def parse_article(self, response):
        if response.status == 304:
            self.count("articles")
            self.count("unchanged")
            return
        entry: Entry = response.meta["deals_entry"]
        headers = response.headers
        yield ArticleItem(
            source=self.source.name, url=urldefrag(entry.url)[0], final_url=response.url,
            status=response.status, body=response.body,
            content_type=_header(headers, b"Content-Type"), etag=_header(headers, b"ETag"),
            last_modified=_header(headers, b"Last-Modified"),
            listed_published=entry.published, listed_title=entry.title)

    def article_failed(self, failure):
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
