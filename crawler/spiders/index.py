"""HTML listing pages: links matching the source's `follow` regex are articles."""

from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.discovery import Entry, Listing
from crawler.spiders.base import SourceSpider


class IndexSpider(SourceSpider):
    name = "index"

    def parse_listing(self, response):
        if not isinstance(response, TextResponse):
            listing = Listing(error="not an HTML page", fatal=True)
        else:
            links = LinkExtractor(unique=True).extract_links(response)
            listing = Listing(entries=[Entry(link.url, None, link.text.strip() or None)
                                       for link in links if link.url != response.url])
        yield from self.follow(listing, response)
