"""Pure conversions from crawled things to events. Nothing here touches the database.

Event data holds only facts about the content, never when or by which run it was fetched
(that goes in the event's meta), so the same page fetched twice is the same event.
"""

from __future__ import annotations

import hashlib

from crawler.items import ArticleItem
from crawler.parsing import PARSER_VERSION, Article
from store import NewEvent


def stream_of(url: str) -> str:
    return f"doc:{url}"


def sha256_of(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def document_fetched(item: ArticleItem, sha256: str) -> NewEvent:
    return NewEvent(
        "DocumentFetched",
        stream_of(item.url),
        {
            "source": item.source,
            "url": item.url,
            "final_url": item.final_url,
            "status": item.status,
            "content_type": item.content_type,
            "etag": item.etag,
            "last_modified": item.last_modified,
            "sha256": sha256,
            "size": len(item.body),
            "listed_published": item.listed_published,
            "listed_title": item.listed_title,
        },
    )


def page_off_topic(item: ArticleItem, sha256: str) -> NewEvent:
    """A page the keyword prefilter dropped: its URL and body hash, no blob."""
    return NewEvent(
        "PageOffTopic",
        stream_of(item.url),
        {"source": item.source, "url": item.url, "sha256": sha256},
    )


def article_parsed(url: str, sha256: str, article: Article) -> NewEvent:
    return NewEvent(
        "ArticleParsed",
        stream_of(url),
        {
            "url": url,
            "sha256": sha256,
            "parser_version": PARSER_VERSION,
            **article.as_dict(),
        },
    )


def parse_failed(url: str, sha256: str, error: BaseException) -> NewEvent:
    """The parser raised on this body: recorded, so no later run tries it again until
    PARSER_VERSION changes (or the page does)."""
    return NewEvent(
        "ParseFailed",
        stream_of(url),
        {
            "url": url,
            "sha256": sha256,
            "parser_version": PARSER_VERSION,
            "error_type": type(error).__name__,
            "message": " ".join(str(error).split())[:300],
        },
    )


def crawl_started(run_id: str, started_at: str, sources: list[str], options: dict) -> NewEvent:
    return NewEvent(
        "CrawlStarted",
        f"crawl:{run_id}",
        {"run_id": run_id, "started_at": started_at, "sources": sources, "options": options},
    )


def crawl_finished(
    run_id: str, finished_at: str, per_source: dict, interrupted: int | None = None
) -> NewEvent:
    """`interrupted` is the signal that stopped the crawl early, if one did."""
    data = {"run_id": run_id, "finished_at": finished_at, "sources": per_source}
    if interrupted is not None:
        data["interrupted"] = interrupted
    return NewEvent("CrawlFinished", f"crawl:{run_id}", data)
