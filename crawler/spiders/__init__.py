"""One spider per source type; each crawler runs one source. Callbacks only make items."""

from crawler.spiders.feed import FeedSpider
from crawler.spiders.index import IndexSpider
from crawler.spiders.sitemap import SitemapSpider

SPIDERS = {"feed": FeedSpider, "sitemap": SitemapSpider, "index": IndexSpider}

__all__ = ["SPIDERS", "FeedSpider", "IndexSpider", "SitemapSpider"]
