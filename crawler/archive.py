"""Import web archives (WARC): the years of pages before the first crawl.

`deals import-warc FILE...` reads WARC files (Common Crawl News, or any crawler's archive; gzip
per record or not) with warcio, keeps the HTML responses with status 200, drops what the
keyword prefilter (`crawler.relevance`) finds off topic before anything is parsed, and appends
for each page left the DocumentFetched and ArticleParsed events a crawl appends for the same
page (`crawler.records`, `crawler.parsing`): the record's URL is the page's identity, its
capture date is when it was fetched (the events' meta, as for a crawl).

Progress is an `ArchiveImported` event per batch, in the batch's transaction: the byte offset
of the next record (a record boundary) with everything before it stored. An interrupted import
goes on from there; a file read to its end is not read again (nor is a copy of it: files are
known by a fingerprint of their size, head and tail), and a page already stored with the same
body, or from a later capture, appends nothing.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from crawler.items import ArticleItem
from crawler.parse_stage import job_of
from crawler.records import document_fetched, sha256_of
from crawler.relevance import on_topic
from store import NewEvent, Store
from store.errors import ConfigError
from store.faults import crash_point

HTML = ("text/html", "application/xhtml+xml")
MAX_PAGE = 3 * 1024 * 1024  # as DOWNLOAD_MAXSIZE for crawled articles
BATCH_RECORDS = 2000  # records read between two checkpoints ...
BATCH_SECONDS = 5.0  # ... or seconds, whichever comes first: a kill loses at most this much
FINGERPRINT_SPAN = 1024 * 1024


@dataclass
class ImportReport:
    file: str
    fingerprint: str
    records: int = 0  # WARC records read (requests, metadata and all)
    pages: int = 0  # HTML responses with status 200
    on_topic: int = 0  # pages the prefilter kept
    stored: int = 0  # pages appended (DocumentFetched and ArticleParsed or ParseFailed)
    already_stored: int = 0  # same body stored before, or a later capture of the URL
    too_large: int = 0  # pages past MAX_PAGE
    parse_failed: int = 0
    resumed_at: int = 0  # byte offset an earlier, interrupted import had reached
    done_before: bool = False  # the whole file was imported before: nothing read
    offset: int = 0

    def counts(self) -> dict:
        data = asdict(self)
        for key in ("file", "fingerprint", "resumed_at", "done_before"):
            data.pop(key)
        return data

    def line(self) -> str:
        name = Path(self.file).name
        if self.done_before:
            return f"{name}: imported before ({self.stored} pages stored then), nothing to do"
        resumed = f" (went on from byte {self.resumed_at:,})" if self.resumed_at else ""
        failed = f", {self.parse_failed} could not be parsed" if self.parse_failed else ""
        large = f", {self.too_large} too large" if self.too_large else ""
        return (
            f"{name}: {self.records:,} records, {self.pages:,} HTML pages, "
            f"{self.on_topic:,} on topic: {self.stored:,} stored, {self.already_stored:,} "
            f"already stored{large}{failed}{resumed}"
        )


def fingerprint(path: str | Path) -> str:
    """A file's identity for checkpoints: its size and the hashes of its first and last MiB
    (hashing a whole multi-gigabyte archive would cost a second read of it)."""
    size = os.path.getsize(path)
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as fh:
        digest.update(fh.read(FINGERPRINT_SPAN))
        if size > FINGERPRINT_SPAN:
            fh.seek(max(FINGERPRINT_SPAN, size - FINGERPRINT_SPAN))
            digest.update(fh.read())
    return digest.hexdigest()[:32]


def checkpoint(store: Store, print_: str) -> dict | None:
    """The newest ArchiveImported data of the file with this fingerprint, or None."""
    row = store.conn.execute(
        "SELECT data FROM events WHERE stream = ? AND type = 'ArchiveImported' "
        "ORDER BY seq DESC LIMIT 1",
        (f"archive:{print_}",),
    ).fetchone()
    if row is None:
        return None
    import json

    return json.loads(row[0])


def import_warc(
    store: Store,
    path: str | Path,
    *,
    source: str = "warc",
    progress: Callable[[int], None] | None = None,
    run_id: str | None = None,
    batch_records: int = BATCH_RECORDS,
    batch_seconds: float = BATCH_SECONDS,
    workers: int | None = None,
) -> ImportReport:
    """Import one WARC file into `store`; returns what was read and stored.

    :param source: the source name the DocumentFetched events carry
    :param progress: called with the bytes of the file read since the last call
    :param workers: processes parsing the pages kept while the file is read (default: one
        per core but one, at most 4; 0 parses in this process)
    :raises ConfigError: the file is not a WARC file (nothing of it stored)
    """
    from crawler.parse_pool import ParsePool, default_workers

    with ParsePool(default_workers() if workers is None else workers) as pool:
        return _import(
            store, Path(path), source, progress, run_id, batch_records, batch_seconds, pool
        )


def _import(store, path, source, progress, run_id, batch_records, batch_seconds, pool):
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from store.replay import catch_up

    print_ = fingerprint(path)
    report = ImportReport(str(path), print_)
    last = checkpoint(store, print_)
    if last is not None:
        for key, value in last.get("counts", {}).items():
            if hasattr(report, key):
                setattr(report, key, value)
        if last["done"]:
            report.done_before = True
            if progress:
                progress(os.path.getsize(path))
            return report
        report.resumed_at = report.offset = last["offset"]
    catch_up(store)  # the pages projection says what is stored already
    batch = Batch(store, report, source, run_id, pool)
    with open(path, "rb") as fh:
        fh.seek(report.offset)
        if progress and report.offset:
            progress(report.offset)
        records = ArchiveIterator(fh)
        started = time.monotonic()
        try:
            for record in records:
                if record.format != "warc":  # warcio reads any text line as an ARC header
                    raise ArchiveLoadFailed(f"a {record.format.upper()} record, not WARC")
                report.records += 1
                batch.take(record)
                records.read_to_end()
                # where the next record starts (blank lines between records read): warcio's
                # own position, for gzip-per-record and uncompressed files alike
                end = records.offset
                if progress:
                    progress(end - report.offset)
                report.offset = end
                if (
                    report.records % batch_records == 0
                    or time.monotonic() - started > batch_seconds
                ):
                    batch.commit(done=False)
                    started = time.monotonic()
        except ArchiveLoadFailed as exc:
            if report.records == 0 and not report.resumed_at:
                raise ConfigError(f"{path}: not a WARC file ({_one_line(exc)})") from None
            batch.commit(done=False)  # what came before the broken record is kept
            raise ConfigError(
                f"{path}: broken WARC record after byte {report.offset:,} "
                f"({_one_line(exc)}); the records before it are stored"
            ) from None
    if report.records == 0 and not report.resumed_at:
        raise ConfigError(f"{path}: not a WARC file (no record in it)")
    batch.commit(done=True)
    return report


class Batch:
    """Pages read since the last checkpoint, appended with the next one in one transaction."""

    def __init__(self, store: Store, report: ImportReport, source: str, run_id: str | None, pool):
        from crawler.parse_pool import PendingParses

        self.parses = PendingParses(pool)  # parsed in the pool while the file is read on
        self.store = store
        self.report = report
        self.source = source
        self.run_id = run_id
        self.pages: list[tuple[ArticleItem, str, str]] = []  # (item, sha256, captured at)
        self.mine: dict[str, tuple[str, str]] = {}  # url -> (sha256, captured) this import

    def take(self, record) -> None:
        """Keep an HTML response with status 200 that the prefilter finds on topic."""
        if record.rec_type != "response" or record.http_headers is None:
            return
        http = record.http_headers
        if http.get_statuscode() != "200":
            return
        content_type = http.get_header("Content-Type")
        kind = (
            (content_type or record.rec_headers.get_header("WARC-Identified-Payload-Type") or "")
            .split(";")[0]
            .strip()
            .lower()
        )
        if kind not in HTML:
            return
        self.report.pages += 1
        body = record.content_stream().read(MAX_PAGE + 1)
        if len(body) > MAX_PAGE:
            self.report.too_large += 1
            return
        if not body.strip() or not on_topic(body):
            return
        self.report.on_topic += 1
        url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
        if not url.startswith(("http://", "https://")):
            return
        captured = _iso(record.rec_headers.get_header("WARC-Date"))
        sha = sha256_of(body)
        if self._stored(url, sha, captured):
            self.report.already_stored += 1
            return
        self.mine[url] = (sha, captured)
        item = ArticleItem(
            source=self.source,
            url=url,
            final_url=url,
            status=200,
            body=body,
            content_type=content_type,
            etag=http.get_header("ETag"),
            last_modified=http.get_header("Last-Modified"),
        )
        self.pages.append((item, sha, captured))
        self.parses.submit(job_of(item, sha))

    def _stored(self, url: str, sha: str, captured: str) -> bool:
        """Stored before with this body, or from a capture no older than this one."""
        known = self.mine.get(url)
        if known is None:
            known = self.store.conn.execute(
                "SELECT sha256, fetched_at FROM pages WHERE url = ?", (url,)
            ).fetchone()
        if known is None:
            return False
        stored_sha, stored_at = known
        return stored_sha == sha or (stored_at or "") >= captured

    def commit(self, done: bool) -> None:
        """Parse the batch's pages, append their events and the checkpoint, all or nothing."""
        report = self.report
        parsed, _ = self.parses.take(wait=True)  # one event a page, in page order
        report.parse_failed += sum(e.type == "ParseFailed" for e in parsed)
        report.stored += len(self.pages)
        mark = NewEvent(
            "ArchiveImported",
            f"archive:{report.fingerprint}",
            {
                "fingerprint": report.fingerprint,
                "file": Path(report.file).name,
                "offset": report.offset,
                "done": done,
                "counts": report.counts(),
            },
        )
        with self.store.transaction():
            for (item, sha, captured), article in zip(self.pages, parsed):
                self.store.put_blob(item.body)
                self.store.append(
                    document_fetched(item, sha),
                    meta={"run_id": self.run_id, "fetched_at": captured},
                )
                self.store.append(article, meta={"run_id": self.run_id})
                crash_point("import")
            self.store.append(mark, meta={"run_id": self.run_id})
        self.pages = []


def import_files(store: Store, paths: list[Path], **kwargs) -> list[ImportReport]:
    """`import_warc` over several files, in order."""
    return [import_warc(store, path, **kwargs) for path in paths]


def _iso(value: str | None) -> str:
    """A WARC-Date (2024-05-01T10:00:00Z) as the ISO timestamp with offset the log uses."""
    from datetime import datetime, timezone

    try:
        when = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _one_line(value) -> str:
    return " ".join(str(value).split())[:200]
