"""Spider callbacks on real Scrapy responses: what each listing turns into, no network."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem
from crawler.sources import make_source
from crawler.spiders import FeedSpider, IndexSpider, SitemapSpider
from crawler.state import SeenPage, SourceState

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>
<item><title>Old</title><link>https://news.example.com/a/old</link>
<pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
<item><title>New</title><link>https://news.example.com/a/new</link>
<pubDate>Mon, 03 Jun 2024 10:00:00 GMT</pubDate></item>
<item><title>Seen, undated</title><link>https://news.example.com/a/seen#comments</link></item>
<item><title>Elsewhere</title><link>https://other.example.org/a/1</link></item>
</channel></rss>"""


def make_spider(cls, state=None, max_pages=None, **source):
    table = {"name": "n", "url": "https://news.example.com/feed", "type": cls.name, **source}
    crawler = get_crawler(cls)
    return cls.from_crawler(
        crawler, source=make_source(table), state=state or SourceState(), max_pages=max_pages
    )


def listing(spider, body: bytes, url="https://news.example.com/feed", cls=XmlResponse):
    request = Request(url, meta={"deals_root": True})
    return list(spider.parse_listing(cls(url=url, body=body, request=request)))


def test_feed_entries_become_article_requests_inside_the_domain():
    spider = make_spider(FeedSpider)
    urls = [r.url for r in listing(spider, FEED)]
    assert urls == [
        "https://news.example.com/a/old",
        "https://news.example.com/a/new",
        "https://news.example.com/a/seen",
    ]
    assert spider.reached is True
    assert spider.crawler.stats.get_value("deals/offsite_links") == 1


def test_seen_pages_get_conditional_headers_and_old_ones_are_skipped():
    state = SourceState(
        pages={
            "https://news.example.com/a/old": SeenPage("x", '"e1"'),
            "https://news.example.com/a/seen": SeenPage(
                "y", '"e2"', "Tue, 30 Apr 2024 00:00:00 GMT"
            ),
        },
        watermark="2024-05-01",
    )
    spider = make_spider(FeedSpider, state=state)
    requests = {r.url: r for r in listing(spider, FEED)}
    assert "https://news.example.com/a/old" not in requests
    assert requests["https://news.example.com/a/seen"].headers["If-None-Match"] == b'"e2"'
    assert b"If-None-Match" not in requests["https://news.example.com/a/new"].headers
    assert spider.crawler.stats.get_value("deals/skipped_old") == 1


def test_refresh_and_max_pages_take_entries_not_stored_yet_first():
    state = SourceState(
        pages={"https://news.example.com/a/old": SeenPage("x")}, watermark="2024-06-30"
    )
    spider = make_spider(FeedSpider, state=state, max_pages=3)
    spider.refresh = True
    assert [r.url for r in listing(spider, FEED)] == [
        "https://news.example.com/a/new",
        "https://news.example.com/a/seen",
        "https://news.example.com/a/old",
    ]
    capped = make_spider(FeedSpider, state=state, max_pages=2)
    capped.refresh = True
    assert [r.url for r in listing(capped, FEED)] == [
        "https://news.example.com/a/new",
        "https://news.example.com/a/seen",
    ]
    assert capped.stopped_by == "--max-pages"
    assert capped.crawler.stats.get_value("deals/over_budget") == 1


def test_index_follows_only_matching_links():
    spider = make_spider(IndexSpider, url="https://news.example.com/press", follow=r"/press/\d+")
    page = b"""<html><body><a href="/press/1">One</a><a href="/press/2#top">Two</a>
        <a href="/press/1">One again</a><a href="/about">About</a>
        <a href="https://evil.example.net/press/3">Three</a></body></html>"""
    requests = listing(spider, page, "https://news.example.com/press", HtmlResponse)
    assert [r.url for r in requests] == [
        "https://news.example.com/press/1",
        "https://news.example.com/press/2",
    ]


def test_sitemap_index_lists_child_sitemaps_then_articles():
    spider = make_spider(SitemapSpider, url="https://news.example.com/sitemap.xml")
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>https://news.example.com/s1.xml</loc></sitemap></sitemapindex>"""
    (child,) = listing(spider, index, "https://news.example.com/sitemap.xml")
    assert child.url == "https://news.example.com/s1.xml" and child.callback == spider.read_listing
    assert child.meta["download_maxsize"] == 50 * 1024 * 1024  # DEALS_LISTING_MAXSIZE
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://news.example.com/a/1</loc><lastmod>2024-05-01</lastmod></url></urlset>"""
    (article,) = listing(spider, urlset, "https://news.example.com/s1.xml")
    assert article.meta["deals_entry"].published == "2024-05-01"


def test_robots_txt_sitemap_lines_are_listings():
    spider = make_spider(SitemapSpider, url="https://news.example.com/robots.txt")
    robots = b"User-agent: *\nDisallow: /x\nsitemap: /news-sitemap.xml\n"
    (request,) = listing(spider, robots, "https://news.example.com/robots.txt", HtmlResponse)
    assert request.url == "https://news.example.com/news-sitemap.xml"


def test_a_broken_feed_marks_the_source_unreached():
    spider = make_spider(FeedSpider)
    assert listing(spider, b"<html><p>moved</p></html>") == []
    assert spider.reached is False and spider.error.startswith("not a feed")
    assert spider.crawler.stats.get_value("deals/errors/not_a_feed") == 1


@pytest.mark.parametrize("status, yields", [(200, 1), (304, 0)])
def test_article_callback_yields_an_item_unless_not_modified(status, yields):
    spider = make_spider(FeedSpider)
    (request,) = [r for r in listing(spider, FEED) if r.url.endswith("/new")]
    response = HtmlResponse(
        url=request.url,
        status=status,
        body=b"<html><p>Hi</p></html>",
        headers={"ETag": '"abc"'},
        request=request,
    )
    items = list(spider.parse_article(response))
    assert len(items) == yields
    if items:
        item = items[0]
        assert isinstance(item, ArticleItem)
        assert (item.url, item.etag, item.listed_published) == (request.url, '"abc"', "2024-06-03")
