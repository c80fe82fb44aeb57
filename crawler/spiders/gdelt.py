"""GDELT's DOC 2.0 API: a news search over most of the world's online press, listing articles
by time window; each listed article is then fetched from its publisher like any other page.

The API lists at most 250 articles per request, so a window that comes back full is split in
halves, and the halves again, down to 15 minutes (GDELT's own update interval); the listing of
a split window is not followed, its halves list everything it held. A crawl looks back over
the source's `timespan` (or its fixed `start`/`end`); a backfill over [since, until].

Scope: the API host and the publishers are different sites, so the source has no domain list
of its own (unless `allowed_domains` names the publishers it may visit). Every article request
carries its publisher's domain instead, and it and its redirects stay there (see
`crawler.middlewares.StayOnSource`). Robots.txt, AutoThrottle and the per-domain concurrency
hold per publisher as for any page, `DEALS_DOMAIN_MAX_PAGES` caps the pages one source takes
from one publisher in a crawl, and the API itself is asked at most once every
`DEALS_GDELT_INTERVAL` seconds.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit

from crawler import settings as project_settings
from crawler.discovery import GDELT_MAX_RECORDS, parse_gdelt
from crawler.middlewares import in_domains
from crawler.sources import default_domain, timespan_delta
from crawler.spiders.base import SourceSpider

MIN_WINDOW = timedelta(minutes=15)
STAMP = "%Y%m%d%H%M%S"


class GdeltSpider(SourceSpider):
    name = "gdelt"

    def __init__(self, *args, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.publishers = tuple(self.source.allowed_domains)
        self.allowed_domains = []  # the listing host and any publisher: see in_scope
        self.per_domain: Counter[str] = Counter()
        self.now = (now or datetime.now(timezone.utc)).replace(microsecond=0)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.domain_cap = (
            crawler.settings.getint(
                "DEALS_DOMAIN_MAX_PAGES", project_settings.DEALS_DOMAIN_MAX_PAGES
            )
            or None
        )
        return spider

    def rate_limits(self, settings) -> dict[str, float]:
        seconds = settings.getfloat("DEALS_GDELT_INTERVAL", project_settings.DEALS_GDELT_INTERVAL)
        host = urlsplit(self.source.url).hostname
        return {host: seconds} if seconds > 0 and host else {}

    async def start(self):
        self.start_clock()
        start, end = self.window()
        if start < end:
            yield self.window_request(start, end, depth=0)
        else:
            self.reached = True  # nothing to ask for: a window in the future

    def window(self) -> tuple[datetime, datetime]:
        """[start, end) of this crawl: the backfill's days, the source's fixed days, or the
        last `timespan` up to now; never past now."""
        day = timedelta(days=1)
        if self.since:
            start = _day(self.since)
            end = _day(self.until) + day if self.until else self.now
        elif self.source.start:
            start = _day(self.source.start)
            end = _day(self.source.end) + day if self.source.end else self.now
        else:
            start, end = self.now - timespan_delta(self.source.timespan or "1d"), self.now
        return start, min(end, self.now)

    def window_url(self, start: datetime, end: datetime) -> str:
        return (
            self.source.url
            + "?"
            + urlencode(
                {
                    "query": self.source.query,
                    "mode": "artlist",
                    "format": "json",
                    "maxrecords": GDELT_MAX_RECORDS,
                    "sort": "datedesc",
                    "startdatetime": start.strftime(STAMP),
                    "enddatetime": end.strftime(STAMP),
                }
            )
        )

    def window_request(self, start: datetime, end: datetime, depth: int):
        request = self.listing_request(self.window_url(start, end), depth)
        if request is not None:
            request.meta["deals_window"] = (start, end)
        return request

    def parse_listing(self, response):
        listing, listed = parse_gdelt(response.body)
        start, end = response.meta["deals_window"]
        if listed >= GDELT_MAX_RECORDS and end - start > MIN_WINDOW:
            if response.meta.get("deals_root"):
                self.reached = True
            self.count("windows_split")
            middle = start + (end - start) / 2
            middle = middle.replace(microsecond=0)
            depth = response.meta.get("deals_depth", 0) + 1
            for half in ((middle, end), (start, middle)):  # newest first, as the API sorts
                spent = self.page_budget_spent()
                if spent:
                    self.stopped_by = self.stopped_by or spent
                    self.count("over_budget")
                    continue
                request = self.window_request(*half, depth)
                if request is not None:
                    yield request
            return
        if listed >= GDELT_MAX_RECORDS:
            self.count("windows_full")  # 250 articles in 15 minutes: the rest stay unlisted
        yield from self.follow(listing, response)

    def in_scope(self, host: str | None) -> bool:
        return bool(host) and (not self.publishers or in_domains(host, self.publishers))

    def request_scope(self, url: str) -> tuple[str, ...]:
        return (default_domain(url),)

    def article_request(self, entry):
        domain = default_domain(entry.url)
        if self.domain_cap and self.per_domain[domain] >= self.domain_cap:
            self.count("domain_capped")
            return None
        request = super().article_request(entry)
        if request is not None:
            self.per_domain[domain] += 1
        return request


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text[:10]).replace(tzinfo=timezone.utc)
