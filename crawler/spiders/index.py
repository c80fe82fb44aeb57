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
            listing = Listing(entries=page_links(response))
        yield from self.follow(listing, response)


def page_links(response: TextResponse) -> list[Entry]:
    """The links of an index page, each once, as entries (the page itself left out)."""
    links = LinkExtractor(unique=True).extract_links(response)
    return [
        Entry(link.url, None, link.text.strip() or None)
        for link in links
        if link.url != response.url
    ]
