"""Exactly once: a URL several sources of one crawl list is fetched once and stored once per
change, whichever source gets to it first."""

from __future__ import annotations

from collections import Counter

import pytest
from crawlsite import article, rss
from test_crawl import deals_crawl, events, fresh_site, last_report, site  # noqa: F401

pytestmark = pytest.mark.slow


def test_a_url_listed_by_four_sources_is_fetched_once_per_crawl(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    paths = [f"/shared/{i}.html" for i in range(1, 4)]
    for i, path in enumerate(paths, 1):
        # slow pages: every source has its listing before the first article is answered
        site.add(
            path,
            article(f"Shared story {i}", [f"Acme buys {i},000 GPUs."]),
            etag=f'"s{i}-v1"',
            fault="pause",
        )
    site.add(
        "/feed.xml",
        rss([(p, site.url(p), None) for p in paths]),
        content_type="application/rss+xml",
    )
    site.add(
        "/atom.xml",
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>A</title><id>urn:a</id><updated>2024-05-01T00:00:00Z</updated>"
        + "".join(
            f'<entry><title>{p}</title><id>urn:{p}</id><link href="{site.url(p)}"/>'
            "<updated>2024-05-01T00:00:00Z</updated></entry>"
            for p in paths
        )
        + "</feed>",
        content_type="application/atom+xml",
    )
    site.add(
        "/sitemap.xml",
        '<?xml version="1.0"?><urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
        + "</urlset>",
        content_type="application/xml",
    )
    site.add(
        "/newsroom",
        "<html><body>" + "".join(f'<a href="{p}">story</a>' for p in paths) + "</body></html>",
    )
    sources = [
        {"name": "rss", "url": site.url("/feed.xml"), "type": "feed"},
        {"name": "atom", "url": site.url("/atom.xml"), "type": "feed"},
        {"name": "map", "url": site.url("/sitemap.xml"), "type": "sitemap"},
        {"name": "index", "url": site.url("/newsroom"), "type": "index", "follow": "/shared/"},
    ]

    first = deals_crawl(db, sources)
    assert first.returncode == 0, first.stderr
    assert Counter(h.path for h in site.hits if h.path in paths) == Counter(paths)
    assert sorted(e["url"] for e in events(db, "DocumentFetched")) == [site.url(p) for p in paths]
    report = last_report(db)
    assert sum(r["listed_elsewhere"] for r in report.values()) == 9
    assert sum(r["new"] for r in report.values()) == 3

    # One article changes; a refresh asks for each URL once and stores the change once.
    site.add(
        paths[1],
        article("Shared story 2", ["Acme now buys 9,000 GPUs."]),
        etag='"s2-v2"',
        fault="pause",
    )
    site.hits.clear()
    again = deals_crawl(db, sources, "--refresh")
    assert again.returncode == 0, again.stderr
    assert Counter(h.path for h in site.hits if h.path in paths) == Counter(paths)
    fetched = [e["url"] for e in events(db, "DocumentFetched")]
    assert Counter(fetched)[site.url(paths[1])] == 2 and len(fetched) == 4
    report = last_report(db)
    assert (
        sum(r["new"] for r in report.values()),
        sum(r["unchanged"] for r in report.values()),
    ) == (1, 2)
    # pages another source stored are asked for conditionally too
    assert all(h.headers.get("If-None-Match") for h in site.hits if h.path in paths)


@pytest.mark.parametrize("late", ["filtered", "whole"])
def test_a_page_a_source_keeps_whole_is_kept_whichever_source_fetched_it_first(
    fresh_site, tmp_path, late
):
    """An off-topic page listed both by a source with the keyword prefilter and by one that
    keeps every page is stored either way: which source's listing comes first is timing."""
    site, db = fresh_site, tmp_path / "deals.db"
    path = "/wire/strike.html"
    site.add(path, article("Tram drivers end strike", ["Drivers accepted a new pay offer."]))
    for name in ("filtered", "whole"):
        site.add(
            f"/{name}.xml",
            rss([(path, site.url(path), None)]),
            content_type="application/rss+xml",
            fault="slow" if name == late else None,
        )
    sources = [
        {"name": "filtered", "url": site.url("/filtered.xml"), "type": "feed", "prefilter": True},
        {"name": "whole", "url": site.url("/whole.xml"), "type": "feed"},
    ]
    done = deals_crawl(db, sources)
    assert done.returncode == 0, done.stderr
    assert [e["url"] for e in events(db, "DocumentFetched")] == [site.url(path)]
