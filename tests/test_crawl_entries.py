"""One bad entry in a feed or sitemap costs that entry, never the source: pure listing parsers,
spider callbacks on real Scrapy responses, then a real crawl on 127.0.0.1."""

from __future__ import annotations

import pytest
from crawlsite import article
from scrapy.http import Request, XmlResponse
from scrapy.utils.test import get_crawler
from test_crawl import deals_crawl, events, fresh_site, last_report, site  # noqa: F401

from crawler.discovery import parse_feed, parse_sitemap
from crawler.parsing import normalise_date
from crawler.sources import make_source
from crawler.spiders import FeedSpider, SitemapSpider
from crawler.state import SourceState

FAR_FUTURE = "9999-12-31T23:59:59-14:00"  # 10000-01-01 in UTC: past what datetime can hold


@pytest.mark.parametrize(
    "raw",
    [
        FAR_FUTURE,
        "Fri, 31 Dec 9999 23:59:59 -1400",
        (10000, 1, 1, 13, 59, 59, 5, 1, 0),
        (2024, 13, 45, 0, 0, 0, 0, 0, 0),
        "0001-01-01T00:00:00+14:00",
        "9999-12-31",
        "1066-10-14",
    ],
)
def test_dates_no_calendar_can_hold_are_dropped_not_raised(raw):
    assert normalise_date(raw) is None


def test_plausible_dates_still_normalise():
    assert normalise_date("2099-12-31T23:00:00-05:00") == "2100-01-01"
    assert normalise_date("1999-06-01") == "1999-06-01"


def _rss(items: str) -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>'
        f"<link>https://news.example.com/</link>{items}</channel></rss>"
    ).encode()


BAD_FEED = _rss(
    f"<item><title>Year 9999</title><link>https://news.example.com/a/1</link>"
    f"<pubDate>{FAR_FUTURE}</pubDate></item>"
    "<item><title>RFC 822 year 9999</title><link>https://news.example.com/a/2</link>"
    "<pubDate>Fri, 31 Dec 9999 23:59:59 -1400</pubDate></item>"
    "<item><title>Half a character &#xD800; here</title>"
    "<link>https://news.example.com/a/3</link></item>"
    "<item><title>Fine</title><link>https://news.example.com/a/4</link>"
    "<pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>"
    "<item><title>Broken link</title><link>http://[news.example.com/a/5</link></item>"
)


def test_a_feed_with_bad_entries_keeps_every_good_one_and_counts_the_bad():
    listing = parse_feed(BAD_FEED, "https://news.example.com/feed")
    assert not listing.fatal
    urls = {e.url: e for e in listing.entries}
    assert set(urls) == {f"https://news.example.com/a/{i}" for i in (1, 2, 3, 4)}
    assert urls["https://news.example.com/a/1"].published is None
    assert urls["https://news.example.com/a/2"].published is None
    assert urls["https://news.example.com/a/3"].title == "Half a character \ufffd here"
    assert urls["https://news.example.com/a/4"].published == "2024-05-01"
    assert listing.bad_entries == 4  # two dates, one character, one link


SITEMAP = """<?xml version="1.0"?>{doctype}
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example.com/a/1</loc><lastmod>2024-05-01</lastmod></url>
<url><loc>https://news.example.com/a/2</loc><lastmod>{FAR_FUTURE}</lastmod></url>
{middle}
<url><loc>https://news.example.com/a/3</loc></url>
</urlset>"""
LAUGHS = (
    '<!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 20}">' for p, n in zip("abcde", "bcdef"))
    + '<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
)


def test_a_sitemap_date_past_year_9999_costs_only_the_date():
    body = SITEMAP.format(doctype="", middle="", FAR_FUTURE=FAR_FUTURE).encode()
    listing = parse_sitemap(body, "https://news.example.com/sitemap.xml")
    assert [(e.url, e.published) for e in listing.entries] == [
        ("https://news.example.com/a/1", "2024-05-01"),
        ("https://news.example.com/a/2", None),
        ("https://news.example.com/a/3", None),
    ]
    assert listing.bad_entries == 1 and listing.error is None


def test_a_billion_laughs_sitemap_still_gives_its_valid_entries():
    middle = (
        "<url><loc>https://news.example.com/laugh&f;</loc></url>"
        "<url><loc>https://news.example.com/b/&secret;</loc></url>"
    )
    body = SITEMAP.format(doctype=LAUGHS, middle=middle, FAR_FUTURE="2024-05-02").encode()
    listing = parse_sitemap(body, "https://news.example.com/sitemap.xml")
    # an entity is never expanded: a <loc> using one keeps the text before it, as in Scrapy
    assert [e.url for e in listing.entries] == [
        "https://news.example.com/a/1",
        "https://news.example.com/a/2",
        "https://news.example.com/laugh",
        "https://news.example.com/b/",
        "https://news.example.com/a/3",
    ]
    assert listing.bad_entries == 2 and listing.error is None


def test_a_sitemap_cut_short_is_counted_as_malformed_not_dropped_silently():
    whole = SITEMAP.format(doctype="", middle="", FAR_FUTURE="2024-05-02")
    listing = parse_sitemap(
        whole[: whole.index("<url><loc>https://news.example.com/a/3")].encode(),
        "https://news.example.com/sitemap.xml",
    )
    assert len(listing.entries) == 2 and listing.error.startswith("malformed sitemap")


def _spider(cls, url):
    crawler = get_crawler(cls)
    source = make_source({"name": "n", "url": url, "type": cls.name})
    return cls.from_crawler(crawler, source=source, state=SourceState())


def test_the_spider_counts_bad_entries_and_the_source_stays_reached():
    spider = _spider(FeedSpider, "https://news.example.com/feed")
    request = Request("https://news.example.com/feed", meta={"deals_root": True})
    response = XmlResponse(url=request.url, body=BAD_FEED, request=request)
    requested = [r.url for r in spider.parse_listing(response)]
    assert len(requested) == 4 and spider.reached is True and spider.error is None
    assert spider.crawler.stats.get_value("deals/bad_entries") == 4


def test_an_entry_the_spider_cannot_request_costs_that_entry():
    spider = _spider(SitemapSpider, "https://news.example.com/sitemap.xml")
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://news.example.com:99999/a/1</loc></url>"
        b"<url><loc>https://news.example.com/a/2</loc></url></urlset>"
    )
    request = Request("https://news.example.com/sitemap.xml", meta={"deals_root": True})
    response = XmlResponse(url=request.url, body=body, request=request)
    assert [r.url for r in spider.parse_listing(response)] == ["https://news.example.com/a/2"]
    assert spider.reached is True
    assert spider.crawler.stats.get_value("deals/bad_entries") == 1


def test_bad_entries_in_a_real_crawl_cost_only_themselves(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    for i in range(1, 5):
        site.add(f"/e/{i}.html", article(f"Entry story {i}", [f"Acme buys {i},000 GPUs."]))
    feed = _rss(
        f"<item><title>Far</title><link>{site.url('/e/1.html')}</link>"
        f"<pubDate>{FAR_FUTURE}</pubDate></item>"
        f"<item><title>Half &#xD800;</title><link>{site.url('/e/2.html')}</link></item>"
    )
    site.add("/bad-feed.xml", feed, content_type="application/rss+xml")
    middle = f"<url><loc>{site.url('/e/laugh')}&f;</loc></url>"
    sitemap = SITEMAP.format(doctype=LAUGHS, middle=middle, FAR_FUTURE=FAR_FUTURE)
    for i in (1, 2, 3):
        sitemap = sitemap.replace(f"https://news.example.com/a/{i}", site.url(f"/e/{i + 1}.html"))
    site.add("/bad-sitemap.xml", sitemap, content_type="application/xml")
    done = deals_crawl(
        db,
        [
            {"name": "feed", "url": site.url("/bad-feed.xml"), "type": "feed"},
            {"name": "map", "url": site.url("/bad-sitemap.xml"), "type": "sitemap"},
        ],
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = last_report(db)
    assert report["feed"]["reached"] and report["map"]["reached"]
    assert report["feed"]["bad_entries"] == 2 and report["map"]["bad_entries"] == 2
    stored = {e["url"] for e in events(db, "DocumentFetched")}
    assert stored == {site.url(f"/e/{i}.html") for i in range(1, 5)}
    assert report["map"]["errors"] == {"http_404": 1}  # /e/laugh, the entity never expanded
    assert not any("aaaa" in hit.path for hit in site.hits)
    assert "bad entries: 2" in done.stdout
