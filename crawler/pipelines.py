"""Item pipelines: validate, then append events to the log (the only writer in the crawler)."""

from __future__ import annotations

import logging
import sqlite3

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawler.items import ArticleItem
from crawler.parse_pool import ParsePool, PendingParses, parse_workers
from crawler.parse_stage import failures, job_of, parse_or_fail
from crawler.records import document_fetched, page_off_topic, sha256_of
from crawler.relevance import on_topic
from store import Store
from store.faults import crash_point
from store.log import utc_now

logger = logging.getLogger(__name__)
PARSE_MODES = ("workers", "inline", "stage")
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


class ValidateArticle:
    """Drop what is not an article page worth storing; each drop is counted by kind."""

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls()
        pipeline.crawler = crawler
        pipeline.stats = crawler.stats
        return pipeline

    def process_item(self, item: ArticleItem):
        if not item.body.strip():
            self._drop("empty_page", f"empty page: {item.url}")
        media_type = (item.content_type or "text/html").split(";")[0].strip().lower()
        if media_type not in HTML_TYPES:
            self._drop("not_html", f"not HTML ({media_type}): {item.url}")
        return item

    def _drop(self, kind: str, reason: str):
        self.stats.inc_value(f"deals/errors/{kind}")
        raise DropItem(reason)


class EventLogPipeline:
    """Stores the raw body as a blob, appends DocumentFetched, and has the page parsed.

    `DEALS_PARSE` says how: "workers" (a process pool parses while the crawl goes on; the
    ArticleParsed events are appended in batches), "inline" (in this process, in the same
    transaction) or "stage" (after the crawl, by `crawler.parse_stage`). A page whose body is
    what the source delivered last time appends nothing.
    """

    def __init__(
        self, crawler, db_path: str, run_id: str | None, parse: str = "workers", batch: int = 50
    ):
        if parse not in PARSE_MODES:
            raise ValueError(f"DEALS_PARSE must be one of {', '.join(PARSE_MODES)}, not {parse!r}")
        self.crawler = crawler
        self.db_path = db_path
        self.run_id = run_id
        self.parse = parse
        self.batch = batch
        self.store: Store | None = None
        self.pending: PendingParses | None = None
        self.own_pool: ParsePool | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            crawler,
            settings.get("DEALS_DB"),
            settings.get("DEALS_RUN_ID"),
            settings.get("DEALS_PARSE", "workers"),
            settings.getint("DEALS_PARSE_BATCH", 50),
        )

    def open_spider(self):
        self.store = Store(self.db_path)
        if self.parse == "workers":
            self.pending = getattr(self.crawler.spider, "parses", None)
            if self.pending is None:  # `scrapy crawl`: no run-wide pool came with the spider
                self.own_pool = ParsePool(parse_workers(self.crawler.settings))
                self.pending = PendingParses(self.own_pool)

    def close_spider(self):
        try:
            if self.pending is not None:
                events, failed = self.pending.take(wait=True)
                if self.crawler.spider.store_error is None:
                    self._append_parsed(events, failed)
        except sqlite3.Error as exc:
            self.crawler.spider.store_error = exc
        finally:
            if self.own_pool is not None:
                self.own_pool.close()
            self.store.close()

    def process_item(self, item: ArticleItem):
        if self.crawler.spider.store_error is not None:
            raise DropItem(f"not stored (the database failed): {item.url}")
        try:
            return self._save(item)
        except sqlite3.Error as exc:
            # Disk full, read-only, corrupt: no later page can be stored either, so stop this
            # source and let `crawler.run` raise the error once the crawl has wound down.
            self.crawler.spider.store_error = exc
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))
            raise DropItem(f"not stored ({exc}): {item.url}") from None

    def _save(self, item: ArticleItem):
        stats = self.crawler.stats
        sha = sha256_of(item.body)
        source = getattr(self.crawler.spider, "source", None)
        shared = self.crawler.spider.shared
        if (
            source is not None
            and source.prefilter
            and not (shared is not None and item.url in shared.kept)
            and not on_topic(item.body)
        ):
            # a page about something else (a wire's dividend notice, a GDELT hit on sports):
            # no blob, one small event so no later crawl asks for it again
            if shared is not None:
                shared.dropped.add(item.url)
            stats.inc_value("deals/off_topic")
            with self.store.transaction():
                self.store.append(page_off_topic(item, sha), meta={"run_id": self.run_id})
            return item
        state = self.crawler.spider.state
        seen = state.pages.get(item.url) if state else None
        stats.inc_value("deals/articles")
        if seen is not None and seen.sha256 == sha:
            stats.inc_value("deals/unchanged")
            return item
        events = [document_fetched(item, sha)]
        if self.parse == "inline":
            events.append(parse_or_fail(job_of(item, sha)))
        meta = {"run_id": self.run_id, "fetched_at": utc_now()}
        with self.store.transaction():
            self.store.put_blob(item.body)
            head = self.store.last_seq()
            positions = self.store.append(events, meta=meta)
            crash_point("fetch")
        new = positions[0] > head
        if new:
            self._count_failures(failures(events[1:]))
        stats.inc_value("deals/new" if new else "deals/unchanged")
        if self.pending is not None:
            if new:
                self.pending.submit(job_of(item, sha))
            self._append_parsed(*self.pending.take(at_least=self.batch))
        return item

    def _count_failures(self, failed: list[tuple[str, str]]) -> None:
        for url, error in failed:
            self.crawler.stats.inc_value("deals/errors/parse_failed")
            logger.error(
                "could not parse %s: %s (recorded as ParseFailed; not tried again "
                "until the parser changes)",
                url,
                error,
            )

    def _append_parsed(self, events: list, failed: list[tuple[str, str]]) -> None:
        """Append ArticleParsed and ParseFailed events from the pool; `failed` names the
        latter's pages for the log."""
        self._count_failures(failed)
        if events:
            with self.store.transaction():
                self.store.append(events, meta={"run_id": self.run_id})
                crash_point("parse")
