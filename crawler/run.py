"""The library entry point: crawl sources into the log, parse what was fetched, report.

Scrapy's reactor cannot be restarted (scrapy/scrapy#4826), so `crawl()` runs once per process:
the CLI calls it in its own process, and tests run `deals crawl` in a subprocess.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from crawler.records import crawl_finished, crawl_started
from crawler.sources import Source
from store import DealsError, Store
from store.errors import ConfigError, Interrupted
from store.log import utc_now
from vocab.words import plural


@dataclass
class SourceReport:
    name: str
    reached: bool = False
    requests: int = 0
    articles: int = 0
    new: int = 0
    unchanged: int = 0
    skipped_old: int = 0
    off_topic: int = 0  # pages the keyword prefilter dropped (sources with prefilter = true)
    known_off_topic: int = 0  # entries not requested: the prefilter dropped them before
    out_of_range: int = 0  # entries dated outside a backfill's [since, until]
    already_stored: int = 0  # entries a backfill did not ask for again
    domain_capped: int = 0  # entries past DEALS_DOMAIN_MAX_PAGES for their publisher
    offsite_links: int = 0
    listed_elsewhere: int = 0  # article links another source of the crawl requested
    bad_entries: int = 0  # listing entries with a field that could not be read
    retries: int = 0
    stopped_by: str | None = None  # the budget (a setting, or --max-pages) that stopped it
    over_budget: int = 0  # listed entries the budget left for the next crawl (at least)
    errors: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    error_kind: str | None = None  # how a source not reached failed: dns, timeout, http_404, ...

    def as_event_data(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "name"}


@dataclass
class CrawlReport:
    run_id: str
    sources: dict[str, SourceReport]
    parsed: int = 0
    parse_failed: int = 0  # pages the parser raised on (each has a ParseFailed event)

    @property
    def exit_code(self) -> int:
        """0 when every source was reached, 1 when some were not."""
        return 0 if all(s.reached for s in self.sources.values()) else 1


def crawl(
    db_path: str | Path,
    sources: list[Source],
    *,
    max_pages: int | None = None,
    refresh: bool = False,
    overrides: dict | None = None,
    parse_workers: int | None = None,
    run_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> CrawlReport:
    """Crawl `sources` into the database at `db_path`; every fetched page is parsed on return.

    :param max_pages: at most this many article pages per source
    :param refresh: fetch listed entries even when older than what the source delivered
    :param overrides: Scrapy settings for this run (e.g. {"DOWNLOAD_TIMEOUT": 5})
    :param parse_workers: parse processes, during the crawl and in the parse stage after it
        (default: `DEALS_PARSE_WORKERS`)
    :param run_id: the `deals run` this crawl is part of (default: a new id)
    :param since: a backfill: only entries dated from this day (YYYY-MM-DD) on, and no page
        already stored is requested again (`until`: nor after that day)
    :param progress: called with ("listing_queued" | "listing_read" | "page_queued" |
        "page_answered", n) as the crawl goes on
    """
    from crawler.parse_stage import parse_pending
    from crawler.shared import SharedCrawl
    from crawler.state import load_states
    from store.replay import catch_up

    _refuse_second_run()
    started = time.monotonic()  # DEALS_CRAWL_MAX_SECONDS counts the catch-up parse too
    run_id = run_id or uuid.uuid4().hex[:16]
    meta = {"run_id": run_id}
    settings = build_settings(db_path, run_id, overrides)
    check_ready(sources, settings)
    if parse_workers is not None:
        settings.set("DEALS_PARSE_WORKERS", parse_workers, priority="cmdline")
    with Store(db_path) as store:
        catch_up(store)
        states = load_states(store.conn, [s.name for s in sources])
        shared = SharedCrawl.from_settings(settings, started)
        shared.progress = progress
        options = {"max_pages": max_pages, "refresh": refresh}
        if since:
            options.update(since=since, until=until)
        store.append(
            crawl_started(run_id, utc_now(), [s.name for s in sources], options), meta=meta
        )
        # Pages an interrupted run stored unparsed come first, so articles reach the log in
        # the order their pages were fetched, as in a run that was never interrupted.
        failed: list[tuple[str, str]] = []
        parsed = parse_pending(store, workers=parse_workers, meta=meta, failed=failed)
        reports, signum = run_spiders(
            settings,
            sources,
            states,
            max_pages=max_pages,
            refresh=refresh,
            shared=shared,
            since=since,
            until=until,
        )
        catch_up(store)
        if signum is not None:  # stop now: what was stored stays, the next crawl goes on
            store.append(
                crawl_finished(
                    run_id,
                    utc_now(),
                    {n: r.as_event_data() for n, r in reports.items()},
                    interrupted=signum,
                ),
                meta=meta,
            )
            catch_up(store)
            new = sum(r.new for r in reports.values())
            raise Interrupted(signum, f"{new} new pages stored")
        # Only DEALS_PARSE=stage leaves work here, or pages an interrupted run stored unparsed.
        parsed += parse_pending(store, workers=parse_workers, meta=meta, failed=failed)
        store.append(
            crawl_finished(run_id, utc_now(), {n: r.as_event_data() for n, r in reports.items()}),
            meta=meta,
        )
        catch_up(store)
    in_pipeline = sum(r.errors.get("parse_failed", 0) for r in reports.values())
    return CrawlReport(run_id, reports, parsed, in_pipeline + len(failed))


def check_ready(sources: list[Source], settings) -> None:
    """What a source needs before anything is fetched: EDGAR, a contact email (ConfigError)."""
    from crawler.spiders.edgar import edgar_contact

    for source in sources:
        if source.type == "edgar":
            try:
                edgar_contact(settings)
            except ConfigError as exc:
                raise ConfigError(f"source {source.name}: {exc}") from None


def check_sources_ready(sources: list[Source], overrides: dict | None) -> None:
    """`check_ready` with the settings a crawl with these `--set` overrides would use."""
    check_ready(sources, scrapy_settings(overrides))


# With no delay at all, Scrapy's downloader starts every queued request of a domain before any
# counts against CONCURRENT_REQUESTS_PER_DOMAIN (measured: 8 at once with a limit of 1); any
# delay, even a millisecond, makes it start them one at a time and the limit holds.
MIN_DOWNLOAD_DELAY = 0.001


def build_settings(db_path, run_id: str, overrides: dict | None):
    settings = scrapy_settings(overrides)
    settings.set("DEALS_DB", str(db_path), priority="cmdline")
    settings.set("DEALS_RUN_ID", run_id, priority="cmdline")
    return settings


def scrapy_settings(overrides: dict | None):
    """The project's Scrapy settings with `--set` overrides, each checked (ConfigError)."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    contact = (overrides or {}).get("DEALS_CONTACT_URL")
    if contact:
        from crawler.settings import user_agent

        settings.set("USER_AGENT", user_agent(contact), priority="cmdline")
    for name, value in (overrides or {}).items():
        check_override(settings, name, value)
        settings.set(name, value, priority="cmdline")
    if settings.getfloat("DOWNLOAD_DELAY") < MIN_DOWNLOAD_DELAY:
        settings.set("DOWNLOAD_DELAY", MIN_DOWNLOAD_DELAY, priority="cmdline")
    from crawler.parse_pool import parse_workers
    from crawler.pipelines import PARSE_MODES

    if settings.get("DEALS_PARSE") not in PARSE_MODES:
        raise ConfigError(
            f"DEALS_PARSE must be one of {', '.join(PARSE_MODES)}, "
            f"not {settings.get('DEALS_PARSE')!r}"
        )
    try:
        parse_workers(settings)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return settings


def check_override(settings, name: str, value: str) -> None:
    """A `--set` of an unknown setting or a value of the wrong type is a configuration error
    here, before the crawl, not a traceback from deep inside Scrapy halfway through it."""
    if name not in settings:
        import difflib

        close = difflib.get_close_matches(name.upper(), list(settings), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ConfigError(f"--set {name}: no such setting{hint}")
    from scrapy.settings import BaseSettings

    default = settings[name]
    kind = dict if isinstance(default, BaseSettings) else type(default)
    probe = settings.copy()
    getter = {
        bool: probe.getbool,
        int: probe.getint,
        float: probe.getfloat,
        dict: probe.getdict,
        list: probe.getlist,
    }.get(kind)
    try:
        probe.set(name, value, priority="cmdline")
        number = getter(name) if getter else value
    except (TypeError, ValueError):
        example = "a JSON object" if kind is dict else repr(default)
        raise ConfigError(
            f"--set {name}={value}: expected {kind.__name__}, like {name}={example}"
        ) from None
    if kind in (int, float) and number < 0:
        raise ConfigError(f"--set {name}={value}: must not be negative")


# Scrapy's own lines for a request that failed for good; the crawl's summary counts each
# failure by kind and names each failing source's, so on a terminal they are said once there.
DOWNLOAD_FAILURES = {
    "scrapy.downloadermiddlewares.retry": "Gave up retrying",
    "scrapy.downloadermiddlewares.robotstxt": "Error downloading",
    "scrapy.core.scraper": "Error downloading",
}


class _SaidInTheSummary(logging.Filter):
    def __init__(self, start: str):
        super().__init__()
        self.start = start

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.start)


@contextmanager
def quiet_download_failures(settings):
    """Leave out Scrapy's lines for failed downloads when the log goes to the terminal (not to
    --log FILE, and DEALS_LOG_LEVEL not set): each failure is in the summary already."""
    if (
        settings.get("LOG_FILE")
        or os.environ.get("DEALS_LOG_LEVEL")
        or os.environ.get("DEALS_DEBUG")
    ):
        yield
        return
    added = [
        (logging.getLogger(name), _SaidInTheSummary(start))
        for name, start in DOWNLOAD_FAILURES.items()
    ]
    for logger, quiet in added:
        logger.addFilter(quiet)
    try:
        yield
    finally:
        for logger, quiet in added:
            logger.removeFilter(quiet)


@contextmanager
def one_line_errors():
    """Scrapy logs some failures with a traceback (a robots.txt that timed out, for one); while
    crawling, every log record says what failed in one line instead, whichever logger and
    handler Scrapy sets up. DEALS_DEBUG=1 keeps the tracebacks."""
    if os.environ.get("DEALS_DEBUG"):
        yield
        return
    make = logging.getLogRecordFactory()

    def folded(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            message, said = record.getMessage(), str(error)
            record.msg = (
                f"{message} ({type(error).__name__})"
                if said in message
                else f"{message} ({type(error).__name__}: {said})"
            )
            record.args = ()
            record.exc_info = None
        return record

    logging.setLogRecordFactory(folded)
    try:
        yield
    finally:
        logging.setLogRecordFactory(make)


def run_spiders(
    settings,
    sources: list[Source],
    states: dict,
    *,
    max_pages,
    refresh,
    shared=None,
    since=None,
    until=None,
) -> tuple[dict, int | None]:
    """Run one crawler per source, all in one reactor; one failing source never stops another.

    The sources share `shared` (a `SharedCrawl`): a URL several of them list is requested once,
    and the crawl's page and time budgets hold for all of them together.
    """
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.parse_pool import ParsePool, PendingParses, parse_workers
    from crawler.shared import SharedCrawl
    from crawler.spiders import SPIDERS

    shared = shared or SharedCrawl.from_settings(settings)
    process = AsyncCrawlerProcess(settings)
    crawlers = {}
    workers = parse_workers(settings) if settings.get("DEALS_PARSE") == "workers" else 0
    with ParsePool(workers) as pool:
        parses = PendingParses(pool)  # one queue for all sources: parses in fetch order
        for source in sources:
            crawler = process.create_crawler(SPIDERS[source.type])
            crawlers[source.name] = crawler
            process.crawl(
                crawler,
                source=source,
                state=states[source.name],
                refresh=refresh,
                max_pages=max_pages,
                parses=parses,
                shared=shared,
                since=since,
                until=until,
            )
        received = _note_signals(process)
        with one_line_errors(), quiet_download_failures(settings):
            process.start()
    for crawler in crawlers.values():
        if crawler.spider is not None and crawler.spider.store_error is not None:
            raise crawler.spider.store_error
    reports = {name: source_report(name, crawler) for name, crawler in crawlers.items()}
    return reports, (received[0] if received else None)


def _note_signals(process) -> list[int]:
    """Keep Scrapy's graceful stop on SIGINT and SIGTERM (no new requests, in-flight pages
    stored), and note which signal came so the crawl can end as interrupted."""
    received: list[int] = []
    graceful = process._signal_shutdown

    def noted(signum, frame):
        received.append(signum)
        graceful(signum, frame)

    process._signal_shutdown = noted
    return received


def source_report(name: str, crawler) -> SourceReport:
    """Per-source counts from a finished crawler's stats and its spider's verdict."""
    stats = crawler.stats.get_stats()
    spider = crawler.spider
    errors = {
        k.removeprefix("deals/errors/"): v
        for k, v in sorted(stats.items())
        if k.startswith("deals/errors/")
    }
    errors.update(robots_errors(stats))
    reached = bool(spider and spider.reached)
    error = spider.error if spider else None
    kind = spider.error_kind if spider else None
    if not reached and not error and spider and spider.stopped_by:
        error = f"stopped by {spider.stopped_by} before its listing was read"
        kind = "budget"
    if not reached and not error:
        error = _close_reason(stats) or "source listing was not fetched"
        kind = "not_fetched"
    return SourceReport(
        name=name,
        reached=reached,
        requests=stats.get("downloader/request_count", 0),
        articles=stats.get("deals/articles", 0),
        new=stats.get("deals/new", 0),
        unchanged=stats.get("deals/unchanged", 0),
        skipped_old=stats.get("deals/skipped_old", 0),
        off_topic=stats.get("deals/off_topic", 0),
        out_of_range=stats.get("deals/out_of_range", 0),
        known_off_topic=stats.get("deals/known_off_topic", 0),
        already_stored=stats.get("deals/already_stored", 0),
        domain_capped=stats.get("deals/domain_capped", 0),
        offsite_links=stats.get("deals/offsite_links", 0),
        listed_elsewhere=stats.get("deals/listed_elsewhere", 0),
        bad_entries=stats.get("deals/bad_entries", 0),
        retries=stats.get("retry/count", 0),
        stopped_by=spider.stopped_by if spider else None,
        over_budget=stats.get("deals/over_budget", 0),
        errors=errors,
        error=error,
        error_kind=(kind or "failed") if not reached else None,
    )


def robots_errors(stats: dict) -> dict[str, int]:
    """robots.txt requests that failed, by kind (`robots_txt_timeout`): the crawl goes on
    without the file, and the summary says so instead of Scrapy's log line."""
    from crawler.errors import kind_of_class

    found: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("robotstxt/exception_count/"):
            name = key.rsplit(".", 1)[-1].strip("'<>").removeprefix("class '")
            kind = f"robots_txt_{kind_of_class(name)}"
            found[kind] = found.get(kind, 0) + value
    return dict(sorted(found.items()))


def _close_reason(stats: dict) -> str | None:
    reason = stats.get("finish_reason")
    return None if reason in (None, "finished") else f"crawl closed: {reason}"


def _refuse_second_run() -> None:
    reactor_module = sys.modules.get("twisted.internet.reactor")
    if reactor_module is not None and getattr(reactor_module, "_startedBefore", False):
        raise DealsError(
            "a crawl already ran in this process (Scrapy's reactor cannot "
            "restart): run each crawl in its own process"
        )


def summary_lines(report: CrawlReport) -> list[str]:
    """What `deals crawl` prints: one line per source, then the parse stage."""
    lines = []
    width = max((len(n) for n in report.sources), default=10)
    for name, s in report.sources.items():
        state = "ok    " if s.reached else "FAILED"
        errors = ", ".join(f"{k}={v}" for k, v in s.errors.items())
        line = (
            f"{name:<{width}}  {state} {s.articles:>4} "
            f"{'article' if s.articles == 1 else 'articles'} ({s.new} new, "
            f"{s.unchanged} unchanged), {plural(s.requests, 'request')}"
        )
        for count, what in (
            (s.off_topic, "off topic"),
            (s.known_off_topic, "known off topic"),
            (s.already_stored, "already stored"),
            (s.out_of_range, "outside the dates"),
            (s.domain_capped, "over the per-publisher cap"),
        ):
            if count:
                line += f", {count} {what}"
        if s.offsite_links:
            line += f", {plural(s.offsite_links, 'link')} to other sites not followed"
            if s.reached and not s.articles:
                line += " (list their hosts in the source's allowed_domains to follow them)"
        if s.bad_entries:
            line += f", bad entries: {s.bad_entries}"
        if errors:
            line += f", errors: {errors}"
        if s.stopped_by:
            line += (
                f", stopped by {s.stopped_by} ({s.over_budget} listed entries left for "
                "the next run)"
            )
        if not s.reached and s.error:
            line += f" -- {s.error}"
        lines.append(line)
    new = sum(s.new for s in report.sources.values())
    parsed = (
        f"{report.parse_failed} could not be parsed (see the ParseFailed events), the rest parsed"
        if report.parse_failed
        else "all parsed"
    )
    lines.append(
        f"stored {plural(new, 'new page')}, {parsed} ({report.parsed} in the parse "
        f"stage); run {report.run_id}"
    )
    failing = {n: s.error_kind for n, s in report.sources.items() if not s.reached}
    if offline(failing, len(report.sources)):
        lines.append(
            f"no source could be reached ({error_kinds(failing)}): are you offline? "
            "Check the network (or a proxy, or DNS) and run again; nothing was lost"
        )
    return lines


# How a request fails when the machine has no network (or no DNS): every source failing so
# is more likely the machine than the sites.
NO_NETWORK = ("dns", "connection", "timeout")


def offline(failing: dict[str, str | None], sources: int) -> bool:
    """Whether every one of `sources` failed without a connection ({name: error kind})."""
    return (
        bool(sources)
        and len(failing) >= sources
        and all(kind in NO_NETWORK for kind in failing.values())
    )


def error_kinds(failing: dict[str, str | None]) -> str:
    """'dns 3, timeout 1': how many sources failed each way, most first."""
    from collections import Counter

    counts = Counter(kind or "failed" for kind in failing.values())
    return ", ".join(
        f"{kind} {n}" for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
