"""`deals run`, the cron job end to end: lock, crawl, extract, project, and its run record.

Each stage is idempotent, so a killed or interrupted run is finished by the next one.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from ops.lock import RunLock
from ops.run_log import RunLog
from ops.run_records import RunSummary, deal_count, run_finished, run_started
from store import Store
from store.errors import Interrupted
from store.log import check_database, utc_now
from store.replay import catch_up

Progress = Callable[[str, int | None], tuple]  # (label, total) -> (context, update)


def run_job(
    path: str | Path,
    sources,
    *,
    max_pages,
    overrides,
    workers,
    log_file: Path | None = None,
    echo: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Check the database, take the run lock, then crawl, extract and project.

    :param echo: called with each crawl summary line (the CLI shows them on a terminal)
    :param progress: makes a progress bar for extraction (the CLI's, on a terminal)
    :raises Interrupted: on SIGINT or SIGTERM, after the run is recorded as interrupted
    """
    check_database(path)  # a file that is not a database gets no lock file beside it
    with RunLock(path), RunLog(log_file) as log:
        return _run(
            path,
            sources,
            max_pages=max_pages,
            overrides=overrides,
            workers=workers,
            log=log,
            echo=echo,
            progress=progress,
        )


def _run(path, sources, *, max_pages, overrides, workers, log, echo, progress) -> RunSummary:
    from crawler.run import crawl, summary_lines
    from extract.runner import extract_store, pending_articles

    run_id = uuid.uuid4().hex[:16]
    summary = RunSummary(run_id)
    with Store(path) as store:
        store.append(
            run_started(
                run_id, utc_now(), {"max_pages": max_pages, "sources": [s.name for s in sources]}
            ),
            meta={"run_id": run_id},
        )
    log.line(f"run {run_id} started: {len(sources)} sources, database {path}")
    clock = time.perf_counter()
    seconds = {}
    try:
        report = crawl(path, sources, max_pages=max_pages, overrides=overrides, run_id=run_id)
        seconds["crawl"] = time.perf_counter() - clock
        for line in summary_lines(report):
            log.line(line)
            if echo:
                echo(line)
        summary.crawl_run_id, summary.exit_code = report.run_id, report.exit_code
        summary.new_articles = sum(s.new for s in report.sources.values())
        summary.failing_sources = {
            name: s.error or "failed" for name, s in report.sources.items() if not s.reached
        }
        summary.failing_kinds = {
            name: s.error_kind or "failed" for name, s in report.sources.items() if not s.reached
        }
        summary.sources = len(report.sources)
        with Store(path) as store:
            before = deal_count(store)
            todo = pending_articles(store)
            bar, update = progress("extracting", len(todo)) if progress else (nullcontext(), None)
            with bar:
                counts = extract_store(
                    store, workers=workers, progress=update, todo=todo, run_id=run_id
                )
            seconds["extract"] = time.perf_counter() - clock - seconds["crawl"]
            log.line(f"extracted {counts['deals']} deals from {counts['articles']} articles")
            catch_up(store)
            seconds["project"] = time.perf_counter() - clock - sum(seconds.values())
            summary.articles_extracted = counts["articles"]
            summary.new_deals = max(deal_count(store) - before, 0)
    except Interrupted as stop:
        summary.interrupted = stop.signum
        summary.exit_code = stop.exit_code
        _record(path, summary, seconds, log)
        stop.done = stop.done or "what was stored is kept"
        raise
    _record(path, summary, seconds, log)
    return summary


def _record(path, summary: RunSummary, seconds: dict, log: RunLog) -> None:
    summary.seconds = {stage: round(s, 3) for stage, s in seconds.items()}
    with Store(path) as store:
        store.append(run_finished(summary, utc_now()), meta={"run_id": summary.run_id})
    log.line(summary.line())
