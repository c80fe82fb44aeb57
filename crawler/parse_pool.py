"""Parse fetched pages in worker processes while the crawl keeps downloading.

One pool serves every source crawled in a run. The pipeline submits a page once its
DocumentFetched event is committed and appends the ArticleParsed events that are ready in
batches, so the event loop spends its time fetching and storing, not in trafilatura. Pages a
broken pool (a worker killed) was holding are parsed in-process; a page the parser raised on
gets a ParseFailed event in its place; one left unparsed by a crash is picked up by the parse
stage that runs after every crawl.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.parse_stage import failures, parse_or_fail

Job = tuple  # (url, sha256, body, final_url, content_type, listed_published)


def default_workers() -> int:
    """One core stays with the crawl itself; at most 4 parse workers."""
    return max(0, min((os.cpu_count() or 1) - 1, 4))


def parse_workers(settings) -> int:
    """`DEALS_PARSE_WORKERS` from Scrapy settings; unset or "auto" means `default_workers()`."""
    value = settings.get("DEALS_PARSE_WORKERS")
    if value in (None, "", "auto"):
        return default_workers()
    if str(value).isdigit():
        return int(value)
    raise ValueError(f"DEALS_PARSE_WORKERS must be a number of processes or auto, not {value!r}")


class ParsePool:
    """A process pool for `parse_article`; `workers=0` parses in the calling process."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor = None
        if workers > 0:
            self.executor = ProcessPoolExecutor(
                workers, initializer=_worker_started, initargs=(os.getpid(),)
            )
            self.executor.submit(_warm_up)  # fork the workers now, before the crawl starts

    def submit(self, jobs: list[Job]) -> Future:
        """A future of the jobs' ArticleParsed events, in order."""
        if self.executor is not None:
            try:
                return self.executor.submit(parse_jobs, jobs)
            except (BrokenProcessPool, RuntimeError):
                self.executor = None
        future: Future = Future()
        future.set_result(parse_jobs(jobs))
        return future

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None

    def __enter__(self) -> "ParsePool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PendingParses:
    """The pages handed to the pool, and their parses, in the order the pages were stored.

    One instance serves every source of a run, so ArticleParsed events reach the log in the
    order of their DocumentFetched events whichever pipeline appends them (the order a later
    stage, like extraction, meets articles in). Pages go to the pool `chunk` at a time (one
    task each: a task costs the event loop more than pickling a page does), at most `limit`
    pages in flight; past that, `submit` waits for the oldest task, which bounds memory when
    the pool falls behind the crawl.
    """

    def __init__(self, pool: ParsePool, chunk: int = 8, limit: int = 64):
        self.pool = pool
        self.chunk = chunk
        self.limit = limit
        self.waiting: list[Job] = []
        self.inflight: deque[tuple[list[Job], Future]] = deque()
        self.events: list = []
        self.failed: list[tuple[str, str]] = []

    def submit(self, job: Job) -> None:
        self.waiting.append(job)
        if len(self.waiting) >= self.chunk:
            self._send()
        if len(self.inflight) * self.chunk > self.limit:
            self.inflight[0][1].exception()  # wait: the pool is behind the crawl

    def take(self, at_least: int = 1, wait: bool = False) -> tuple[list, list[tuple[str, str]]]:
        """The parses finished so far, in page order, once there are `at_least` of them (all
        pages' when `wait`): one ArticleParsed or ParseFailed event a page, and the
        (url, error) of each page the parser raised on."""
        if wait:
            self._send()
        while self.inflight and (wait or self.inflight[0][1].done()):
            jobs, future = self.inflight.popleft()
            results = _result(jobs, future)
            self.events.extend(results)
            self.failed.extend(failures(results))
        if not wait and len(self.events) < at_least:
            return [], []
        events, failed, self.events, self.failed = self.events, self.failed, [], []
        return events, failed

    def _send(self) -> None:
        if self.waiting:
            self.inflight.append((self.waiting, self.pool.submit(self.waiting)))
            self.waiting = []


def parse_jobs(jobs: list[Job]) -> list:
    """Each job's ArticleParsed event, or its ParseFailed event if the parser raised."""
    return [parse_or_fail(job) for job in jobs]  # one bad page never loses the others'


def _result(jobs: list[Job], future: Future) -> list:
    try:
        return future.result()
    except BrokenProcessPool:
        return parse_jobs(jobs)  # a worker died (killed, out of memory): parse them here


def _warm_up() -> None:
    import trafilatura  # noqa: F401

    import crawler.parsing  # noqa: F401


def _worker_started(parent: int) -> None:
    """Ignore Ctrl-C (the parent handles it) and exit if the parent dies without closing us."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
