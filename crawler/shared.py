"""What the sources of one crawl share: the article URLs already requested and the crawl's
page and time budgets. Each source runs in its own Scrapy crawler, all in one process."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class SharedCrawl:
    max_pages: int | None = None  # DEALS_CRAWL_MAX_PAGES; None: no cap
    deadline: float | None = None  # on the `time.monotonic()` clock; None: no limit
    claimed: set[str] = field(default_factory=set)  # article URLs some source requested
    # A page a source without the keyword prefilter lists is kept, whichever source requested
    # it first: `kept` holds the URLs such a source listed, `dropped` those the prefilter
    # dropped in this crawl (such a source asks for them again), so what a crawl stores does
    # not depend on the order in which its sources' answers came.
    kept: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    # called with ("listing_queued" | "listing_read" | "page_queued" | "page_answered", n)
    progress: Callable[[str, int], None] | None = None

    @classmethod
    def from_settings(cls, settings, started: float | None = None) -> "SharedCrawl":
        """Budgets from `DEALS_CRAWL_MAX_PAGES` and `DEALS_CRAWL_MAX_SECONDS` (0: none), the
        time counted from `started` (a `time.monotonic()` reading; default now)."""
        from crawler import settings as defaults

        pages = settings.getint("DEALS_CRAWL_MAX_PAGES", defaults.DEALS_CRAWL_MAX_PAGES) or None
        seconds = (
            settings.getfloat("DEALS_CRAWL_MAX_SECONDS", defaults.DEALS_CRAWL_MAX_SECONDS) or None
        )
        started = time.monotonic() if started is None else started
        return cls(pages, started + seconds if seconds else None)

    def taken(self, url: str, prefilter: bool) -> bool:
        """Whether another source of this crawl has `url` in hand. A source that keeps every
        page marks it kept, and takes it again when the prefilter dropped it."""
        if not prefilter:
            self.kept.add(url)
            return url in self.claimed and url not in self.dropped
        return url in self.claimed

    def claim(self, url: str) -> bool:
        """True when no source of this crawl has requested `url` yet (it is now claimed)."""
        if url in self.claimed:
            return False
        self.claimed.add(url)
        return True

    def pages_spent(self) -> bool:
        return self.max_pages is not None and len(self.claimed) >= self.max_pages

    def seconds_left(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
