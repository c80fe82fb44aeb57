"""Pure functions that turn a listing (feed, sitemap, robots.txt) into entries to fetch.

They take bytes and never expand XML entities: feedparser strips unsafe DOCTYPE entities and
gets bytes (a str may be taken for a path or URL); sitemaps go through Scrapy's `Sitemap` parser
options (lxml with `resolve_entities=False`).
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from crawler.parsing import normalise_date


@dataclass(frozen=True)
class Entry:
    url: str
    published: str | None = None  # YYYY-MM-DD
    title: str | None = None


@dataclass
class Listing:
    """Entries found, nested listings to read next (sitemap index), and what went wrong."""

    entries: list[Entry] = field(default_factory=list)
    listings: list[str] = field(default_factory=list)
    error: str | None = None  # recoverable: entries may still be there
    fatal: bool = False  # nothing usable: the source was not reached


def parse_feed(body: bytes, url: str, content_type: str | None = None,
               max_size: int = 50 * 1024 * 1024) -> Listing:
    """RSS 0.9x/1.0/2.0 or Atom; a malformed feed yields what feedparser could recover."""
    import feedparser

    if not isinstance(body, bytes):
        raise TypeError("parse_feed needs bytes")
    if body[:2] == b"\x1f\x8b":  # gzip bytes served without Content-Encoding
        try:
            body = _gunzip(body, max_size)
        except (OSError, EOFError, ValueError) as exc:
            return Listing(error=f"bad gzip feed: {_one_line(exc)}", fatal=True)
    parsed = feedparser.parse(body, response_headers={
        "content-type": content_type or "application/xml"})
    benign = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    bozo = parsed.bozo and not isinstance(parsed.get("bozo_exception"), benign)
    # Relative links resolve against the site the feed names (feeds are often served
    # elsewhere, e.g. by a feed proxy), else against the feed's own URL.
    site = parsed.feed.get("link") or ""
    base = urljoin(url, site) if site.startswith(("http://", "https://", "/")) else url
    entries = []
    for item in parsed.entries:
        link = item.get("link") or _first_alternate(item)
        if not link:
            continue
        published = _entry_date(item)
        entries.append(Entry(urljoin(base, link.strip()), published, _text(item.get("title"))))
    if not entries and (bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no feed elements"
        return Listing(error=f"not a feed: {_one_line(reason)}", fatal=True)
    error = f"malformed feed: {_one_line(parsed.bozo_exception)}" if bozo else None
    return Listing(entries=entries, error=error)


def parse_sitemap(body: bytes, url: str, max_size: int = 50 * 1024 * 1024) -> Listing:
    """A urlset (Google News dates included), a sitemap index, gzipped or not.

    Streams with lxml's iterparse using the options of Scrapy's own `Sitemap` (recover, no
    entity resolution, no network), but keeps nested elements such as news:publication_date.
    """
    if body[:2] == b"\x1f\x8b":
        try:
            body = _gunzip(body, max_size)
        except (OSError, EOFError, ValueError) as exc:
            return Listing(error=f"bad gzip sitemap: {_one_line(exc)}", fatal=True)
    events = etree.iterparse(
        io.BytesIO(body.lstrip()), events=("start", "end"), recover=True, resolve_entities=False,
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    listing, kind = Listing(), None
    try:
        for event, node in events:
            name = etree.QName(node).localname if isinstance(node.tag, str) else ""
            if kind is None:
                kind = name
                if kind not in ("urlset", "sitemapindex"):
                    return Listing(error=f"not a sitemap: root element {kind!r}", fatal=True)
                continue
            if event != "end" or name not in ("url", "sitemap"):
                continue
            loc = _child_text(node, "loc")
            if loc and kind == "sitemapindex":
                listing.listings.append(urljoin(url, loc))
            elif loc:
                published = (_child_text(node, "publication_date", deep=True)
                             or _child_text(node, "lastmod"))
                listing.entries.append(Entry(urljoin(url, loc), normalise_date(published),
                                             _child_text(node, "title", deep=True)))
            node.clear()
    except etree.XMLSyntaxError as exc:
        if kind is None:
            return Listing(error=f"not a sitemap: {_one_line(exc)}", fatal=True)
        listing.error = f"malformed sitemap: {_one_line(exc)}"
    if kind is None:
        return Listing(error="not a sitemap: empty document", fatal=True)
    return listing


def parse_robots(body: bytes, url: str) -> Listing:
    """The sitemaps a robots.txt names in its `Sitemap:` lines."""
    from scrapy.utils.sitemap import sitemap_urls_from_robots

    return Listing(listings=list(sitemap_urls_from_robots(body, base_url=url)))


def _gunzip(body: bytes, max_size: int) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
        data = fh.read(max_size + 1)
    if len(data) > max_size:
        raise ValueError(f"decompressed sitemap exceeds {max_size} bytes")
    return data


def _child_text(node, name: str, deep: bool = False) -> str | None:
    found = node.iterdescendants("{*}" + name) if deep else node.iterchildren("{*}" + name)
    for child in found:
        if child.text and child.text.strip():
            return child.text.strip()
    return None


def _entry_date(item) -> str | None:
    # dict.get: FeedParserDict.get("updated_parsed") falls back to published with a warning
    for key in ("published_parsed", "updated_parsed", "created_parsed", "published", "updated"):
        date = normalise_date(dict.get(item, key))
        if date:
            return date
    return None


def _first_alternate(item) -> str | None:
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _text(value) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _one_line(value) -> str:
    return " ".join(str(value).split())[:200]
