"""Keep every request, redirects included, inside the source's allowed domains."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached


def in_domains(host: str | None, domains) -> bool:
    """example.com allows example.com and any subdomain of it, nothing else."""
    host = (host or "").lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


class StayOnSource:
    """Unlike Scrapy's OffsiteMiddleware, this also checks `dont_filter` requests.

    Article requests skip the duplicate filter (the spider deduplicates them itself, so that a
    redirect loop ends in "max redirections" instead of a silent drop), which would otherwise
    let a redirect lead them off-site.
    """

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls()
        middleware.crawler = crawler
        return middleware

    def process_request(self, request, spider=None):
        spider = self.crawler.spider
        domains = getattr(spider, "allowed_domains", None)
        if domains and not in_domains(urlparse_cached(request).hostname, domains):
            raise IgnoreRequest(f"offsite: {urlparse_cached(request).hostname}")
        return None
