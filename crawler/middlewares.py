"""Keep every request, redirects included, inside the source's allowed domains (or, for a
discovery source's article, its publisher's), and hosts with a fixed rate at that rate; send
the requests of hosts named in DEALS_HOST_PROXIES through their proxy."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest, NotConfigured
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
        host = urlparse_cached(request).hostname
        # An article of a discovery source carries its own scope (its publisher's domain), kept
        # by its redirects: the source's listing host and its publishers are different sites.
        domains = request.meta.get("deals_scope") or getattr(spider, "allowed_domains", None)
        if domains and not in_domains(host, domains):
            raise IgnoreRequest(f"offsite: {host}")
        if host in getattr(spider, "fixed_rate_hosts", ()):  # robots.txt requests too
            request.meta["autothrottle_dont_adjust_delay"] = True
        return None


class HostProxies:
    """Requests to a host named in DEALS_HOST_PROXIES ({host: proxy URL}) go through that
    HTTP proxy (Scrapy's HttpProxyMiddleware, after this one, does the rest). The demo names
    its pages http://newsroom.demo/... and serves them from whichever local port is free, so
    a page's URL, its identity in the log, never depends on the port."""

    def __init__(self, proxies: dict[str, str]):
        self.proxies = {host.lower(): url for host, url in proxies.items()}

    @classmethod
    def from_crawler(cls, crawler):
        proxies = crawler.settings.getdict("DEALS_HOST_PROXIES")
        if not proxies:
            raise NotConfigured  # no message: Scrapy logs none
        return cls(proxies)

    def process_request(self, request, spider=None):
        proxy = self.proxies.get((urlparse_cached(request).hostname or "").lower())
        if proxy and "proxy" not in request.meta:
            request.meta["proxy"] = proxy
        return None
