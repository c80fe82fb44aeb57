"""One spider per source type; each crawler runs one source. Callbacks only make items."""

from crawler.spiders.edgar import EdgarSpider
from crawler.spiders.feed import FeedSpider
from crawler.spiders.gdelt import GdeltSpider
from crawler.spiders.index import IndexSpider
from crawler.spiders.sitemap import SitemapSpider

SPIDERS = {
    "feed": FeedSpider,
    "sitemap": SitemapSpider,
    "index": IndexSpider,
    "gdelt": GdeltSpider,
    "edgar": EdgarSpider,
}

__all__ = ["SPIDERS", "EdgarSpider", "FeedSpider", "GdeltSpider", "IndexSpider", "SitemapSpider"]
