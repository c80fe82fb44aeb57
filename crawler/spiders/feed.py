"""RSS and Atom feeds: every entry link is an article."""

from crawler.discovery import parse_feed
from crawler.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    name = "feed"

    def parse_listing(self, response):
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        listing = parse_feed(
            response.body, response.url, content_type, max_size=self.listing_maxsize
        )
        yield from self.follow(listing, response)
