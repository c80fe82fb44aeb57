"""`deals backfill --since DATE`: sitemaps by their dates, GDELT by time windows, EDGAR by
filing date, through older Atom pages; feeds are left out; a second run asks for no page it
stored, so a backfill a budget stopped goes on where it stopped."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from crawlsite import Page, article, edgar_feed, filing_index, gdelt_api, press_release, rss
from test_crawl import (  # noqa: F401  (fresh_site and site are fixtures)
    DEALS,
    FAST,
    _source_table,
    events,
    fresh_site,
    last_report,
    site,
)

pytestmark = pytest.mark.slow
CONTACT = {"DEALS_CONTACT_EMAIL": "Ana Lopez ana@example.org"}


def backfill(db: Path, sources: list[dict], *args: str, env: dict | None = None):
    toml = db.parent / "sources.toml"
    toml.write_text("".join(_source_table(s) for s in sources))
    return subprocess.run(
        [
            DEALS,
            "backfill",
            "--db",
            str(db),
            "--sources",
            str(toml),
            *FAST,
            "--set",
            "DEALS_GDELT_INTERVAL=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def story(path: str) -> Page:
    return Page(
        article(
            "Lattice Compute deal",
            [f"Lattice Compute will deploy NVIDIA H200 GPUs under a new agreement ({path})."],
        ).encode()
    )


def test_a_backfill_reads_sitemaps_and_gdelt_windows_between_its_dates(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    site.generate("/news/", story)
    days = {
        "/news/old.html": "2022-06-01",
        "/news/a.html": "2023-02-01",
        "/news/b.html": "2024-07-15",
        "/news/late.html": "2025-03-01",
        "/news/undated.html": None,
    }
    locs = "".join(
        f"<url><loc>{site.url(p)}</loc>" + (f"<lastmod>{d}</lastmod>" if d else "") + "</url>"
        for p, d in days.items()
    )
    site.add(
        "/sitemap.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{locs}</urlset>',
        content_type="application/xml",
    )
    listed = [
        {"url": site.url(f"/news/g{i}.html", host="localhost"), "title": f"G {i}", "seendate": seen}
        for i, seen in enumerate(
            [
                "20221231T230000Z",
                "20230105T101500Z",
                "20240229T120000Z",
                "20241231T235900Z",
                "20250101T000100Z",
            ]
        )
    ]
    site.generate("/api/v2/doc/doc", gdelt_api(listed), query=True)
    site.add("/feed.xml", rss([("f", site.url("/news/feed.html"), None)]))
    sources = [
        {"name": "wire-map", "url": site.url("/sitemap.xml"), "type": "sitemap"},
        {"name": "gdelt", "url": site.url("/api/v2/doc/doc"), "type": "gdelt", "query": "GPU"},
        {"name": "blog", "url": site.url("/feed.xml"), "type": "feed"},
    ]
    done = backfill(
        db, sources, "--since", "2023-01-01", "--until", "2024-12-31", "--max-pages", "2"
    )
    assert done.returncode == 0, done.stderr
    assert not site.requested("/feed.xml")  # a feed cannot look back
    (window,) = [h.query for h in site.requested("/api/v2/doc/doc")]
    assert "startdatetime=20230101000000" in window and "enddatetime=20250101000000" in window
    first = {e["url"] for e in events(db, "DocumentFetched")}
    assert len(first) == 4  # two a source: the budget stopped both
    assert set(last_report(db)) == {"wire-map", "gdelt"}

    site.hits.clear()
    again = backfill(db, sources, "--since", "2023-01-01", "--until", "2024-12-31")
    assert again.returncode == 0, again.stderr
    fetched = {e["url"] for e in events(db, "DocumentFetched")}
    assert fetched == {
        site.url(p) for p in ("/news/a.html", "/news/b.html", "/news/undated.html")
    } | {site.url(f"/news/g{i}.html", host="localhost") for i in (1, 2, 3)}
    assert not any(site.requested(url.split(str(site.port))[1]) for url in first)
    report = last_report(db)
    assert report["wire-map"]["out_of_range"] == 2
    assert report["wire-map"]["already_stored"] + report["gdelt"]["already_stored"] == 4
    assert "already stored" in again.stdout


def test_an_edgar_backfill_pages_back_through_older_filings(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    # 40 filings a page, newest first: 41 from 2024-12 back, then two before --since
    dates = [f"2024-{12 - i // 28:02d}-{28 - i % 28:02d}" for i in range(41)]
    dates += ["2022-12-30", "2022-11-01"]
    filings = [
        {"index": site.url(f"/Archives/{i}/index.htm"), "date": d, "form": "8-K"}
        for i, d in enumerate(dates)
    ]

    def feed(path: str, query: dict) -> Page:
        before = query.get("dateb") or "99999999"
        page = [f for f in filings if f["date"].replace("-", "") <= before][:40]
        return Page(
            edgar_feed("LATTICE COMPUTE INC", query["CIK"], page).encode(), "application/atom+xml"
        )

    def index(path: str) -> Page:
        number = path.split("/")[2]
        return Page(
            filing_index(
                "LATTICE COMPUTE INC",
                "2024-01-01",
                [("PRESS RELEASE", f"/Archives/{number}/ex991.htm", "EX-99.1")],
            ).encode()
        )

    site.generate("/cgi-bin/browse-edgar", feed, query=True)
    site.generate(
        "/Archives/",
        lambda path: (
            index(path)
            if path.endswith("index.htm")
            else Page(
                press_release(
                    "gnw",
                    "Lattice Compute orders GPUs",
                    "SAN JOSE, Calif., May 01, 2024",
                    [f"Lattice Compute ordered H200 GPUs under agreement {path}."],
                    "Lattice Compute",
                ).encode()
            )
        ),
    )
    done = backfill(
        db,
        [
            {
                "name": "sec",
                "type": "edgar",
                "ciks": [1045810],
                "url": site.url("/cgi-bin/browse-edgar"),
            }
        ],
        "--since",
        "2023-01-01",
        env=CONTACT,
    )
    assert done.returncode == 0, done.stderr
    pages = [h.query for h in site.requested("/cgi-bin/browse-edgar")]
    assert len(pages) == 2 and "dateb=&" in pages[0]
    assert f"dateb={dates[39].replace('-', '')}" in pages[1]
    assert len(events(db, "DocumentFetched")) == 41
    assert last_report(db)["sec"]["out_of_range"] == 2


def test_backfill_refuses_a_feed_and_bad_dates_in_one_line(tmp_path):
    db = tmp_path / "deals.db"
    feed = [{"name": "blog", "url": "http://127.0.0.1:9/feed.xml", "type": "feed"}]
    for args, message in [
        (["--since", "2023-01-01", "--source", "blog"], "source blog is a feed"),
        (["--since", "2023-01-01"], "no enabled source can look back"),
        (["--since", "last year"], "--since: 'last year' is not a date"),
        (["--since", "2024-01-01", "--until", "2023-01-01"], "is before --since"),
    ]:
        done = backfill(db, feed, *args)
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert message in done.stderr
    assert not db.exists()
