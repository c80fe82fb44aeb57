"""`deals import-warc`: a WARC the test writes (warcio capturing real HTTP from the local site)
imports to the same events as crawling the same pages; importing again appends nothing; a
killed import goes on from its checkpoint."""

from __future__ import annotations

import gzip
import signal
import sqlite3
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from crawlsite import article
from test_crawl import DEALS, deals_crawl, events, fresh_site, site  # noqa: F401

pytestmark = pytest.mark.slow


def topical(i: int) -> str:
    return article(
        f"Lattice Compute deal {i}",
        [
            f"Lattice Compute will deploy {i},000 NVIDIA H200 GPUs for Borealis AI under a "
            f"${i} billion agreement.",
            "The cluster draws 40 MW in Ohio.",
        ],
        published=f"2024-03-0{i}",
    )


def serve_pages(site, n: int = 6) -> list[str]:
    paths = []
    for i in range(1, n + 1):
        site.add(f"/news/{i}.html", topical(i), etag=f'"news-{i}"')
        paths.append(f"/news/{i}.html")
    site.add("/news/recipes.html", article("A soup for winter", ["Leeks, potatoes, butter."]))
    site.add("/logo.png", b"\x89PNG\r\n", content_type="image/png")
    site.add("/feed.json", '{"deal": "GPU"}', content_type="application/json")
    return paths


def write_warc(site, warc: Path, paths: list[str]) -> None:
    """Fetch the pages with urllib while warcio records every request and response."""
    from warcio.capture_http import capture_http

    with capture_http(str(warc)):
        for path in [*paths, "/news/recipes.html", "/logo.png", "/feed.json", "/missing"]:
            try:
                urllib.request.urlopen(site.url(path), timeout=10).read()
            except urllib.error.HTTPError:
                pass


def capture_dates(warc: Path) -> dict[str, str]:
    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as fh:
        return {
            r.rec_headers.get_header("WARC-Target-URI"): r.rec_headers.get_header("WARC-Date")[:19]
            for r in ArchiveIterator(fh)
            if r.rec_type == "response"
        }


def page_events(db: Path) -> set[tuple]:
    with sqlite3.connect(db) as conn:
        return set(
            conn.execute(
                "SELECT id, type, stream, data FROM events "
                "WHERE type IN ('DocumentFetched', 'ArticleParsed', 'ParseFailed')"
            )
        )


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def import_warc(db: Path, *args: str, env: dict | None = None):
    import os

    return subprocess.run(
        [DEALS, "import-warc", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def sitemap(site, paths) -> str:
    locs = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}</urlset>"
    )


def test_a_warc_imports_to_the_events_a_crawl_of_the_same_pages_appends(fresh_site, tmp_path):
    site = fresh_site
    paths = serve_pages(site)
    site.add("/sitemap.xml", sitemap(site, paths), content_type="application/xml")
    crawled = tmp_path / "crawled.db"
    done = deals_crawl(
        crawled, [{"name": "archive", "url": site.url("/sitemap.xml"), "type": "sitemap"}]
    )
    assert done.returncode == 0, done.stderr
    warc = tmp_path / "capture.warc.gz"
    write_warc(site, warc, paths)
    with gzip.open(warc) as fh:  # gzip per record, requests and responses: a real capture
        assert fh.read().count(b"WARC-Type: request") == len(paths) + 4

    imported = tmp_path / "imported.db"
    first = import_warc(imported, str(warc), "--source", "archive")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "capture.warc.gz: 20 records, 7 HTML pages, 6 on topic: 6 stored, 0 already stored"
    )
    assert page_events(imported) == page_events(crawled)  # same ids, types, streams, data
    with sqlite3.connect(imported) as conn:  # fetched when captured
        fetched_at = dict(conn.execute("SELECT url, substr(fetched_at, 1, 19) FROM pages"))
    assert (
        fetched_at == {url: day for url, day in capture_dates(warc).items() if url in fetched_at}
        and len(fetched_at) == 6
    )

    before = count(imported)
    again = import_warc(imported, str(warc), "--source", "archive")
    assert again.returncode == 0 and count(imported) == before
    assert "imported before" in again.stdout
    copy = tmp_path / "copy.warc.gz"  # the same file under another name is the same file
    copy.write_bytes(warc.read_bytes())
    assert import_warc(imported, str(copy)).returncode == 0 and count(imported) == before

    # into the crawled database: every page is there already, only the checkpoint is new
    into_crawl = import_warc(crawled, str(warc), "--source", "archive")
    assert "0 stored, 6 already stored" in into_crawl.stdout
    assert page_events(crawled) == page_events(imported)


def test_a_killed_import_goes_on_from_its_checkpoint(fresh_site, tmp_path):
    site = fresh_site
    paths = serve_pages(site)
    warc = tmp_path / "capture.warc"  # uncompressed this time
    write_warc(site, warc, paths)
    whole, killed = tmp_path / "whole.db", tmp_path / "killed.db"
    assert import_warc(whole, str(warc)).returncode == 0
    # batches of 5 records (three pages in the first): the fourth page dies in the second
    died = import_warc(killed, str(warc), "--batch", "5", env={"DEALS_CRASH_AT": "import:4"})
    assert died.returncode == -signal.SIGKILL
    assert 0 < len(events(killed, "DocumentFetched")) < 6
    (mark,) = events(killed, "ArchiveImported")
    assert not mark["done"] and mark["offset"] > 0
    went_on = import_warc(killed, str(warc), "--batch", "5")
    assert went_on.returncode == 0, went_on.stderr
    assert f"(went on from byte {mark['offset']:,})" in went_on.stdout
    assert page_events(killed) == page_events(whole)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is not an archive\n", "not a WARC file"),
        (b"", "not a WARC file"),
    ],
)
def test_a_file_that_is_not_a_warc_is_one_line_and_exit_2(tmp_path, content, message):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(content)
    done = import_warc(tmp_path / "deals.db", str(bad))
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert message in done.stderr


def test_two_imports_at_once_write_into_one_new_database(tmp_path):
    """One process per file, as a job queue runs them: both create the database at once."""
    import io
    import os

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    files = []
    for part in (1, 2):
        warc = tmp_path / f"part{part}.warc.gz"
        with open(warc, "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for i in range(1, 6):
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
                )
                writer.write_record(
                    writer.create_warc_record(
                        f"https://news{part}.example.com/{i}.html",
                        "response",
                        payload=io.BytesIO(topical(i).encode()),
                        http_headers=headers,
                    )
                )
        files.append(warc)
    db = tmp_path / "deals.db"
    running = [
        subprocess.Popen(
            [DEALS, "import-warc", "--db", str(db), str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for f in files
    ]
    outputs = [p.communicate(timeout=120) for p in running]
    assert [p.returncode for p in running] == [0, 0], outputs
    assert len(events(db, "DocumentFetched")) == len(events(db, "ArticleParsed")) == 10
    assert sum(e["done"] for e in events(db, "ArchiveImported")) == 2
