"""SEC EDGAR: the current reports (8-K) of a list of companies and their press releases.

For each CIK and form of the source (8-K by default), EDGAR's company browse page in Atom lists
the latest filings; each filing's index page names its documents, and the filing
itself and its press-release exhibits (EX-99.1, EX-99.2, ...) are fetched as articles, dated by
the filing. A backfill pages back through older filings (`dateb`) until `--since`.

EDGAR's fair-access rules: a User-Agent naming who runs the crawler with an email address
(`DEALS_CONTACT_EMAIL`, or a mailto: `DEALS_CONTACT_URL`; a crawl refuses an edgar source
without one) and at most 10 requests a second (`DEALS_EDGAR_MAX_RATE`): EDGAR's host gets a
download slot of one request at a time, 1/rate seconds apart, whatever `--set` says.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from crawler import settings as project_settings
from crawler.discovery import Entry, Listing, parse_edgar_feed, parse_filing_index
from crawler.spiders.base import RATE_PRIORITY, SourceSpider
from store.errors import ConfigError

PAGE = 40  # filings per Atom page, EDGAR's largest
EDGAR_MAX_RATE = 10.0  # requests a second, EDGAR's published limit
_EMAIL = re.compile(r"[^@\s<>()]+@[^@\s<>()]+\.[A-Za-z]{2,}")


def edgar_contact(settings) -> str:
    """Who runs the crawler, for EDGAR's User-Agent: `DEALS_CONTACT_EMAIL` ("Name email"), or
    the address of a mailto: `DEALS_CONTACT_URL`. ConfigError when neither gives an email."""
    contact = (settings.get("DEALS_CONTACT_EMAIL") or "").strip()
    if not contact:
        url = (settings.get("DEALS_CONTACT_URL") or "").strip()
        contact = url[7:] if url.lower().startswith("mailto:") else ""
    if not _EMAIL.search(contact):
        raise ConfigError(
            "EDGAR needs a contact in the User-Agent: set DEALS_CONTACT_EMAIL='Your Name "
            "you@example.org' (or DEALS_CONTACT_URL=mailto:you@example.org) in the "
            "environment or with --set"
        )
    return " ".join(contact.split())


class EdgarSpider(SourceSpider):
    name = "edgar"

    def configure(self, settings) -> None:
        from crawler.settings import BOT_NAME
        from store.version import __version__

        settings.set(
            "USER_AGENT",
            f"{BOT_NAME}/{__version__} ({edgar_contact(settings)})",
            priority=RATE_PRIORITY,
        )
        super().configure(settings)

    def rate_limits(self, settings) -> dict[str, float]:
        rate = settings.getfloat("DEALS_EDGAR_MAX_RATE", project_settings.DEALS_EDGAR_MAX_RATE)
        rate = min(rate or EDGAR_MAX_RATE, EDGAR_MAX_RATE)
        host = urlsplit(self.source.url).hostname
        return {host: 1.0 / rate}

    async def start(self):
        self.start_clock()
        for cik in self.source.ciks:
            for form in self.source.forms:
                request = self.feed_request(cik, form, self.until, depth=0)
                if request is not None:
                    yield request

    def feed_request(self, cik: str, form: str, before: str | None, depth: int):
        query = {
            "action": "getcompany",
            "CIK": cik,
            "type": form,
            "dateb": (before or "").replace("-", ""),
            "owner": "include",
            "count": PAGE,
            "output": "atom",
        }
        request = self.listing_request(f"{self.source.url}?{urlencode(query)}", depth)
        if request is not None:
            request.meta.update(deals_kind="feed", deals_cik=cik, deals_form=form)
        return request

    def parse_listing(self, response):
        if response.meta.get("deals_kind") == "filing":
            yield from self.read_filing(response)
        else:
            yield from self.read_feed(response)

    def read_feed(self, response):
        listing = parse_edgar_feed(response.body, response.url, self.source.forms)
        yield from self.follow(
            Listing(error=listing.error, fatal=listing.fatal, bad_entries=listing.bad_entries),
            response,
        )
        depth = response.meta.get("deals_depth", 0) + 1
        for filing in listing.entries:
            if not self.in_range(filing.published):
                self.count("out_of_range")
                continue
            if (
                not self.backfill
                and not self.refresh
                and filing.published
                and self.state
                and self.state.watermark
                and filing.published < self.state.watermark
            ):
                self.count("skipped_old")  # filed before the newest document stored
                continue
            spent = self.page_budget_spent()
            if spent:
                self.stopped_by = self.stopped_by or spent
                self.count("over_budget")
                continue
            request = self.listing_request(filing.url, depth)
            if request is not None:
                request.meta.update(deals_kind="filing", deals_filing=filing)
                yield request
        dates = [f.published for f in listing.entries if f.published]
        if self.backfill and len(listing.entries) >= PAGE and dates and min(dates) >= self.since:
            # older filings are on the next page: those filed on or before the oldest here
            request = self.feed_request(
                response.meta["deals_cik"], response.meta["deals_form"], min(dates), depth - 1
            )
            if request is not None:
                yield request

    def read_filing(self, response):
        filing: Entry = response.meta["deals_filing"]
        documents = parse_filing_index(response.body, response.url, self.source.forms)
        documents.entries = [
            Entry(
                d.url, filing.published, f"{filing.title}: {d.title}" if filing.title else d.title
            )
            for d in documents.entries
        ]
        yield from self.follow(documents, response)
