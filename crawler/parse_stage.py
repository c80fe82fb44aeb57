"""Parse stored pages that have no ArticleParsed event for their current body yet.

Runs after the fetch (and again over everything when the parser changes): bodies come from
the blob store, so no page is downloaded twice. Large batches go to worker processes.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator

from crawler.parsing import PARSER_VERSION, parse_article
from crawler.records import article_parsed, stream_of
from store import Store
from store.faults import crash_point

POOL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves
WINDOW = 400


def pending_pages(store: Store, *, reparse: bool = False) -> list[str]:
    """URLs whose latest fetch is newer than their parse (or parsed by another version)."""
    where = "parse_seq IS NULL OR parse_seq < fetch_seq"
    params: tuple = ()
    if reparse:
        where += " OR parser_version IS NOT ?"
        params = (PARSER_VERSION,)
    return [row[0] for row in store.conn.execute(
        f"SELECT url FROM pages WHERE sha256 IS NOT NULL AND ({where}) ORDER BY fetch_seq",
        params)]


def parse_pending(store: Store, *, workers: int | None = None, reparse: bool = False,
                  meta: dict | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Append ArticleParsed for each pending page; returns how many were parsed.

    The `pages` projection must be caught up first (`store.replay.catch_up`).
    """
    urls = pending_pages(store, reparse=reparse)
    workers = workers or min(os.cpu_count() or 1, 4)
    pool = ProcessPoolExecutor(workers) if workers > 1 and len(urls) >= POOL_THRESHOLD else None
    count = 0
    try:
        # A window at a time, so memory holds a few hundred bodies, never the whole backlog.
        for start in range(0, len(urls), WINDOW):
            jobs = list(_jobs(store, urls[start:start + WINDOW]))
            events = list(pool.map(parse_job, jobs, chunksize=8) if pool
                          else map(parse_job, jobs))
            if events:
                with store.transaction():
                    store.append(events, meta=meta)
                    crash_point("parse")
                count += len(events)
                if progress:
                    progress(len(events))
    finally:
        if pool:
            pool.shutdown()
    return count


def _jobs(store: Store, urls: list[str]) -> Iterator[tuple]:
    for url in urls:
        fetched = None
        for event in store.read(0, types=["DocumentFetched"], stream=stream_of(url)):
            fetched = event.data
        if fetched is None:
            continue
        body = store.get_blob(fetched["sha256"])
        if body is not None:
            yield (url, fetched["sha256"], body, fetched.get("final_url") or url,
                   fetched.get("content_type"), fetched.get("listed_published"))


def job_of(item, sha256: str) -> tuple:
    """The parse job for a page just fetched (an `ArticleItem`)."""
    return (item.url, sha256, item.body, item.final_url or item.url, item.content_type,
            item.listed_published)


def parse_job(job: tuple):
    """(url, sha256, body, final_url, content_type, listed_published) -> ArticleParsed."""
    url, sha, body, final_url, content_type, listed = job
    article = parse_article(body, final_url, headers={"Content-Type": content_type or ""},
                            feed_published=listed)
    return article_parsed(url, sha, article)
