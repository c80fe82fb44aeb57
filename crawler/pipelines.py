"""Item pipelines: validate, then append events to the log (the only writer in the crawler)."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from crawler.records import article_parsed, document_fetched, sha256_of
from store import Store
from store.faults import crash_point
from store.log import utc_now

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


class ValidateArticle:
    """Drop what is not an article page worth storing; each drop is counted by kind."""

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls()
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
    """Stores the raw body as a blob and appends DocumentFetched (and, inline, ArticleParsed).

    A page whose body is what the source delivered last time appends nothing.
    """

    def __init__(self, crawler, db_path: str, run_id: str | None, inline: bool):
        self.crawler = crawler
        self.db_path = db_path
        self.run_id = run_id
        self.inline = inline
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.get("DEALS_DB"), settings.get("DEALS_RUN_ID"),
                   settings.getbool("DEALS_PARSE_INLINE"))

    def open_spider(self):
        self.store = Store(self.db_path)

    def close_spider(self):
        self.store.close()

    def process_item(self, item: ArticleItem):
        stats = self.crawler.stats
        sha = sha256_of(item.body)
        state = self.crawler.spider.state
        seen = state.pages.get(item.url) if state else None
        stats.inc_value("deals/articles")
        if seen is not None and seen.sha256 == sha:
            stats.inc_value("deals/unchanged")
            return item
        events = [document_fetched(item, sha)]
        if self.inline:
            from crawler.parsing import parse_article

            article = parse_article(item.body, item.final_url,
                                    headers={"Content-Type": item.content_type or ""},
                                    feed_published=item.listed_published)
            events.append(article_parsed(item.url, sha, article))
        meta = {"run_id": self.run_id, "fetched_at": utc_now()}
        with self.store.transaction():
            self.store.put_blob(item.body)
            head = self.store.last_seq()
            positions = self.store.append(events, meta=meta)
            crash_point("fetch")
        stats.inc_value("deals/new" if positions[0] > head else "deals/unchanged")
        return item
