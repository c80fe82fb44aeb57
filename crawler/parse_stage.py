"""Parse stored pages that have no ArticleParsed event for their current body yet.

Runs after the fetch (and again over everything when the parser changes): bodies come from
the blob store, so no page is downloaded twice. Large batches go to worker processes.

A page the parser raises on (RecursionError on JSON-LD nested 100,000 deep, say) gets a
ParseFailed event instead; this parser version never tries that body again, so one poison page
cannot stop every later run.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator

from crawler.parsing import PARSER_VERSION, parse_article
from crawler.records import article_parsed, parse_failed, stream_of
from store import Store
from store.faults import crash_point

logger = logging.getLogger(__name__)
POOL_THRESHOLD = 200  # below this, starting worker processes costs more than it saves
WINDOW = 400


def pending_pages(store: Store, *, reparse: bool = False) -> list[str]:
    """URLs whose latest fetch is newer than their parse (or parsed by another version), but
    for bodies this parser version already failed on."""
    where = "parse_seq IS NULL OR parse_seq < fetch_seq"
    params: tuple = ()
    if reparse:
        where += " OR parser_version IS NOT ?"
        params = (PARSER_VERSION,)
    failed = {
        (e.data["url"], e.data["sha256"])
        for e in store.read(types=["ParseFailed"])
        if e.data.get("parser_version") == PARSER_VERSION
    }
    return [
        url
        for url, sha in store.conn.execute(
            f"SELECT url, sha256 FROM pages WHERE sha256 IS NOT NULL AND ({where}) "
            "ORDER BY fetch_seq",
            params,
        )
        if (url, sha) not in failed
    ]


def parse_pending(
    store: Store,
    *,
    workers: int | None = None,
    reparse: bool = False,
    meta: dict | None = None,
    progress: Callable[[int], None] | None = None,
    failed: list[tuple[str, str]] | None = None,
) -> int:
    """Append ArticleParsed for each pending page; returns how many were parsed.

    A page the parser raises on gets a ParseFailed event, a warning in the log and, when
    `failed` is given, its (url, error) appended there. The `pages` projection must be caught
    up first (`store.replay.catch_up`).
    """
    urls = pending_pages(store, reparse=reparse)
    workers = workers or min(os.cpu_count() or 1, 4)
    pool = ProcessPoolExecutor(workers) if workers > 1 and len(urls) >= POOL_THRESHOLD else None
    count = 0
    try:
        # A window at a time, so memory holds a few hundred bodies, never the whole backlog.
        for start in range(0, len(urls), WINDOW):
            jobs = list(_jobs(store, urls[start : start + WINDOW]))
            events = list(
                pool.map(parse_or_fail, jobs, chunksize=8) if pool else map(parse_or_fail, jobs)
            )
            if events:
                with store.transaction():
                    store.append(events, meta=meta)
                    crash_point("parse")
                for url, error in failures(events):
                    logger.warning(
                        "could not parse %s: %s (recorded as ParseFailed; not "
                        "tried again until the parser changes)",
                        url,
                        error,
                    )
                    if failed is not None:
                        failed.append((url, error))
                count += sum(e.type == "ArticleParsed" for e in events)
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
            yield (
                url,
                fetched["sha256"],
                body,
                fetched.get("final_url") or url,
                fetched.get("content_type"),
                fetched.get("listed_published"),
            )


def job_of(item, sha256: str) -> tuple:
    """The parse job for a page just fetched (an `ArticleItem`)."""
    return (
        item.url,
        sha256,
        item.body,
        item.final_url or item.url,
        item.content_type,
        item.listed_published,
    )


def parse_job(job: tuple):
    """(url, sha256, body, final_url, content_type, listed_published) -> ArticleParsed."""
    url, sha, body, final_url, content_type, listed = job
    article = parse_article(
        body, final_url, headers={"Content-Type": content_type or ""}, feed_published=listed
    )
    return article_parsed(url, sha, article)


def parse_or_fail(job: tuple):
    """`parse_job`, or a ParseFailed event when the parser raises: one page, never the run."""
    try:
        return parse_job(job)
    except Exception as exc:  # RecursionError, OverflowError, ...: whatever a page provokes
        return parse_failed(job[0], job[1], exc)


def failures(events) -> list[tuple[str, str]]:
    """(url, "ErrorType: message") of each ParseFailed event among `events`."""
    return [
        (e.data["url"], f"{e.data['error_type']}: {e.data['message']}")
        for e in events
        if e.type == "ParseFailed"
    ]
