"""Sitemaps: a urlset, a sitemap index (followed), gzipped files, or a robots.txt's Sitemap:
lines."""

from urllib.parse import urlsplit

from crawler.discovery import parse_robots, parse_sitemap
from crawler.spiders.base import SourceSpider


class SitemapSpider(SourceSpider):
    name = "sitemap"

    def parse_listing(self, response):
        if urlsplit(response.url).path.endswith("/robots.txt"):
            listing = parse_robots(response.body, response.url)
        else:
            listing = parse_sitemap(response.body, response.url, max_size=self.listing_maxsize)
        yield from self.follow(listing, response)
