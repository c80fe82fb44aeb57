"""Bounds on one crawl: sitemap nesting, pages and seconds per source and per crawl, page size.

Each bound is a setting `--set` can change; a source a budget stopped is still reached (exit
0), its report says which budget stopped it and how many listed entries were left, and the
next crawl goes on with those entries before it looks at pages it already has.
"""

from __future__ import annotations

import time

import pytest
from crawlsite import Page, article, rss
from test_crawl import deals_crawl, events, fresh_site, last_report, site  # noqa: F401

pytestmark = pytest.mark.slow


def story(path: str, fault: str | None = None) -> Page:
    number = path.rsplit("/", 1)[1].split(".")[0]
    return Page(
        article(
            f"Story {number} of a big site",
            [f"Acme Cloud signs deal number {number} for NVIDIA H100 GPUs."],
        ).encode(),
        fault=fault,
    )


def urlset(site, paths) -> str:
    locs = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{locs}</urlset>"
    )


def fetched_paths(site, db) -> set[str]:
    return {e["url"].removeprefix(site.base) for e in events(db, "DocumentFetched")}


def test_nested_sitemap_indexes_stop_at_the_depth_limit(fresh_site, tmp_path):
    """A chain of 300 sitemap indexes, each also naming a urlset with one article."""
    site = fresh_site

    def index(path: str) -> Page:
        level = int(path.rsplit("/", 1)[1].split(".")[0])
        return Page(
            (
                '<?xml version="1.0"?><sitemapindex '
                'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{site.url(f'/idx/{level + 1}.xml')}</loc></sitemap>"
                f"<sitemap><loc>{site.url(f'/map/{level}.xml')}</loc></sitemap>"
                "</sitemapindex>"
            ).encode(),
            content_type="application/xml",
        )

    site.generate("/idx/", lambda p: index(p) if int(p[5:-4]) < 300 else Page(status=404))
    site.generate(
        "/map/",
        lambda p: Page(
            urlset(site, [f"/a/{p[5:-4]}.html"]).encode(), content_type="application/xml"
        ),
    )
    site.generate("/a/", story)
    sources = [{"name": "deep", "url": site.url("/idx/0.xml"), "type": "sitemap"}]
    done = deals_crawl(tmp_path / "deals.db", sources)
    assert done.returncode == 0, done.stderr
    # depth 0 is the source's own sitemap; levels 1 to 3 below it are read (the default)
    assert sorted(h.path for h in site.hits if h.path.startswith("/idx/")) == [
        f"/idx/{i}.xml" for i in range(4)
    ]
    assert fetched_paths(site, tmp_path / "deals.db") == {"/a/0.html", "/a/1.html", "/a/2.html"}
    report = last_report(tmp_path / "deals.db")["deep"]
    assert report["reached"] and report["errors"] == {"sitemap_too_deep": 2}

    site.hits.clear()
    deeper = deals_crawl(tmp_path / "deeper.db", sources, "--set", "DEALS_SITEMAP_DEPTH=6")
    assert deeper.returncode == 0, deeper.stderr
    assert len([h for h in site.hits if h.path.startswith("/idx/")]) == 7


def test_a_100000_item_feed_stops_at_the_page_budget_and_the_next_run_goes_on(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    site.generate("/big/", story)
    items = [(f"Story {i}", site.url(f"/big/{i}.html"), None) for i in range(100_000)]
    site.add("/big.xml", rss(items), content_type="application/rss+xml")  # 9 MB, one listing
    sources = [{"name": "big", "url": site.url("/big.xml"), "type": "feed"}]

    clock = time.monotonic()
    first = deals_crawl(db, sources, timeout=180)
    assert first.returncode == 0, first.stderr
    assert time.monotonic() - clock < 120
    report = last_report(db)["big"]
    assert report["reached"] and report["new"] == 500  # DEALS_SOURCE_MAX_PAGES
    assert (report["stopped_by"], report["over_budget"]) == ("DEALS_SOURCE_MAX_PAGES", 99_500)
    assert "stopped by DEALS_SOURCE_MAX_PAGES (99500 listed entries left" in first.stdout
    done_first = fetched_paths(site, db)

    site.hits.clear()
    second = deals_crawl(db, sources, "--set", "DEALS_SOURCE_MAX_PAGES=40", timeout=180)
    assert second.returncode == 0, second.stderr
    assert last_report(db)["big"]["new"] == 40
    requested = {h.path for h in site.hits if h.path.startswith("/big/")}
    assert len(requested) == 40 and not requested & done_first  # new entries first
    assert len(fetched_paths(site, db)) == 540


def test_the_crawl_page_budget_is_shared_by_its_sources(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    site.generate("/s/", story)
    sources = []
    for name in ("left", "right"):
        site.add(
            f"/{name}.xml",
            rss([(f"{name} {i}", site.url(f"/s/{name}{i}.html"), None) for i in range(20)]),
        )
        sources.append({"name": name, "url": site.url(f"/{name}.xml"), "type": "feed"})
    done = deals_crawl(db, sources, "--set", "DEALS_CRAWL_MAX_PAGES=25")
    assert done.returncode == 0, done.stderr
    assert len(events(db, "DocumentFetched")) == 25
    report = last_report(db)
    assert sum(r["over_budget"] for r in report.values()) == 15
    assert "DEALS_CRAWL_MAX_PAGES" in {r["stopped_by"] for r in report.values()}


@pytest.mark.parametrize("setting", ["DEALS_SOURCE_MAX_SECONDS", "DEALS_CRAWL_MAX_SECONDS"])
def test_a_time_budget_stops_a_slow_source_cleanly_and_the_next_run_goes_on(
    fresh_site, tmp_path, setting
):
    site, db = fresh_site, tmp_path / "deals.db"
    site.generate("/slow/", lambda path: story(path, fault="pause"))  # 0.3 s a page
    site.add(
        "/slow.xml", rss([(f"Slow {i}", site.url(f"/slow/{i}.html"), None) for i in range(60)])
    )
    sources = [{"name": "slow", "url": site.url("/slow.xml"), "type": "feed"}]
    args = ["--set", f"{setting}=2", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]

    clock = time.monotonic()
    first = deals_crawl(db, sources, *args)
    assert first.returncode == 0, first.stderr
    assert time.monotonic() - clock < 15  # 60 pages at 0.3 s would take 18 s
    report = last_report(db)["slow"]
    stored = len(events(db, "DocumentFetched"))
    assert report["reached"] and 1 <= report["new"] == stored < 30
    assert report["stopped_by"] == setting and report["over_budget"] == 60 - stored
    assert len(events(db, "ArticleParsed")) == stored  # stopped cleanly: all parsed
    assert f"stopped by {setting}" in first.stdout

    before = fetched_paths(site, db)
    second = deals_crawl(db, sources, *args)
    assert second.returncode == 0, second.stderr
    assert last_report(db)["slow"]["new"] >= 1
    assert len(fetched_paths(site, db)) > len(before)


def test_articles_past_the_article_size_limit_are_dropped_but_big_listings_are_read(
    fresh_site, tmp_path
):
    site, db = fresh_site, tmp_path / "deals.db"
    site.add("/fat/big.html", article("Fat", ["x" * (4 * 1024 * 1024)]))
    site.add("/fat/small.html", article("Slim story", ["Acme buys 1,000 GPUs."]))
    padding = "".join(
        f"<url><loc>{site.url(f'/fat/nothing-{i:07d}.html')}</loc></url>" for i in range(80_000)
    )  # a 5 MB sitemap, allowed by the protocol
    site.add(
        "/fat.xml",
        urlset(site, ["/fat/big.html", "/fat/small.html"]).replace(
            "</urlset>", padding + "</urlset>"
        ),
        content_type="application/xml",
    )
    sources = [
        {
            "name": "fat",
            "url": site.url("/fat.xml"),
            "type": "sitemap",
            "follow": "/fat/(big|small)",
        }
    ]
    done = deals_crawl(db, sources)
    assert done.returncode == 0, done.stderr
    report = last_report(db)["fat"]
    assert report["errors"] == {"too_large": 1}
    assert fetched_paths(site, db) == {"/fat/small.html"}
