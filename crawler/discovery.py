"""Pure functions that turn a listing (feed, sitemap, robots.txt) into entries to fetch.

They take bytes and never expand XML entities: feedparser strips unsafe DOCTYPE entities and
gets bytes (a str may be taken for a path or URL); sitemaps lose their DOCTYPE and go through
Scrapy's `Sitemap` parser options (lxml with `resolve_entities=False`).

One bad entry costs that entry, never the listing: a date no calendar holds is dropped, a
character reference no character has becomes U+FFFD, a link that is not a URL drops its entry;
each such entry is counted in `Listing.bad_entries`.
"""

from __future__ import annotations

import gzip
import io
import json
import re
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
    bad_entries: int = 0  # entries with a field that could not be read (kept or dropped)


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, max_size: int = 50 * 1024 * 1024
) -> Listing:
    """RSS 0.9x/1.0/2.0 or Atom; a malformed feed yields what feedparser could recover."""
    import feedparser

    if not isinstance(body, bytes):
        raise TypeError("parse_feed needs bytes")
    if body[:2] == b"\x1f\x8b":  # gzip bytes served without Content-Encoding
        try:
            body = _gunzip(body, max_size)
        except (OSError, EOFError, ValueError) as exc:
            return Listing(error=f"bad gzip feed: {_one_line(exc)}", fatal=True)
    body, repaired = _valid_char_refs(body)
    try:
        parsed = feedparser.parse(
            body, response_headers={"content-type": content_type or "application/xml"}
        )
    except Exception as exc:  # feedparser's loose parser has more such traps: not a crash
        return Listing(error=f"not a feed: {type(exc).__name__}: {_one_line(exc)}", fatal=True)
    benign = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    bozo = parsed.bozo and not isinstance(parsed.get("bozo_exception"), benign)
    # Relative links resolve against the site the feed names (feeds are often served
    # elsewhere, e.g. by a feed proxy), else against the feed's own URL.
    site = parsed.feed.get("link") or ""
    base = urljoin(url, site) if site.startswith(("http://", "https://", "/")) else url
    entries, bad = [], 0
    for item in parsed.entries:
        link = item.get("link") or _first_alternate(item)
        if not link:
            continue
        try:
            entry, broken = _feed_entry(item, base, link, repaired)
        except (ValueError, TypeError, UnicodeError):  # a link urljoin cannot take
            bad += 1
            continue
        bad += broken
        if entry is not None:
            entries.append(entry)
    if not entries and (bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or "no feed elements"
        return Listing(error=f"not a feed: {_one_line(reason)}", fatal=True, bad_entries=bad)
    error = f"malformed feed: {_one_line(parsed.bozo_exception)}" if bozo else None
    return Listing(entries=entries, error=error, bad_entries=bad)


def _feed_entry(item, base: str, link: str, repaired: bool) -> tuple[Entry | None, bool]:
    """(the entry, or None when its link is unusable; whether a field could not be read)."""
    url = urljoin(base, link.strip())
    title = _text(item.get("title"))
    published, bad_date = _entry_date(item)
    if repaired and REPLACEMENT in url:
        return None, True
    broken = bad_date or (repaired and REPLACEMENT in (title or ""))
    return Entry(url, published, title), broken


REPLACEMENT = "\ufffd"
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]{1,16})|([0-9]{1,20}));")


def _valid_char_refs(body: bytes) -> tuple[bytes, bool]:
    """Character references to no XML character (a lone surrogate, NUL, past U+10FFFF) made
    U+FFFD, as HTML does; feedparser raises on them and loses the whole feed. Returns the
    body and whether anything was replaced."""
    replaced = False

    def fix(match: re.Match) -> bytes:
        nonlocal replaced
        hexa, decimal = match.groups()
        code = int(hexa, 16) if hexa else int(decimal)
        if (
            code in (0x9, 0xA, 0xD)
            or 0x20 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF
        ):
            return match.group(0)
        replaced = True
        return b"&#xFFFD;"

    if b"&#" not in body:
        return body, False
    body = _CHAR_REF.sub(fix, body)
    return body, replaced


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
        io.BytesIO(_without_doctype(body.lstrip())),
        events=("start", "end"),
        recover=True,
        resolve_entities=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )
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
            _sitemap_entry(listing, kind, node, url)
            node.clear()
    except etree.XMLSyntaxError as exc:
        if kind is None:
            return Listing(error=f"not a sitemap: {_one_line(exc)}", fatal=True)
        listing.error = f"malformed sitemap: {_one_line(exc)}"
    if kind is None:
        return Listing(error="not a sitemap: empty document", fatal=True)
    # lxml recovers silently from a document cut short or past its limits: say so, as for feeds
    broken = [
        e
        for e in events.error_log
        if e.level_name == "FATAL" and e.type_name != "ERR_UNDECLARED_ENTITY"
    ]
    if broken and listing.error is None:
        listing.error = f"malformed sitemap: {_one_line(broken[0].message)}"
    return listing


def _sitemap_entry(listing: Listing, kind: str, node, url: str) -> None:
    """Add one <url> or <sitemap> to the listing; a bad one is counted, not raised."""
    loc = _child_text(node, "loc")  # the text before an entity reference, as Scrapy reads it
    if loc is None:
        return
    bad = any(len(child) for child in _children(node, "loc"))  # an entity, never expanded
    try:
        absolute = urljoin(url, loc)
    except ValueError:
        listing.bad_entries += 1
        return
    listing.bad_entries += bad
    if kind == "sitemapindex":
        listing.listings.append(absolute)
        return
    raw = _child_text(node, "publication_date", deep=True) or _child_text(node, "lastmod")
    published = normalise_date(raw)
    if raw and not published and not bad:
        listing.bad_entries += 1
    listing.entries.append(Entry(absolute, published, _child_text(node, "title", deep=True)))


_DOCTYPE = re.compile(
    rb"<!DOCTYPE(?:[^\[>'\"]|'[^']*'|\"[^\"]*\"|\[(?:[^\]'\"]|'[^']*'|\"[^\"]*\")*\])*>",
    re.IGNORECASE,
)


def _without_doctype(body: bytes) -> bytes:
    """The body without a DOCTYPE before its root element: sitemaps have no use for one, and an
    internal subset is where billion-laughs entities live (lxml stops at their first use)."""
    found = _DOCTYPE.search(body, 0, 1024 * 1024)
    if found is None or re.search(rb"<[A-Za-z_]", body[: found.start()]):
        return body
    return body[: found.start()] + body[found.end() :]


def parse_robots(body: bytes, url: str) -> Listing:
    """The sitemaps a robots.txt names in its `Sitemap:` lines."""
    from scrapy.utils.sitemap import sitemap_urls_from_robots

    return Listing(listings=list(sitemap_urls_from_robots(body, base_url=url)))


def _gunzip(body: bytes, max_size: int) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
        data = fh.read(max_size + 1) if max_size else fh.read()  # 0: no limit
    if max_size and len(data) > max_size:
        raise ValueError(f"decompressed sitemap exceeds {max_size} bytes")
    return data


def _children(node, name: str):
    return node.iterchildren("{*}" + name)


def _child_text(node, name: str, deep: bool = False) -> str | None:
    found = node.iterdescendants("{*}" + name) if deep else node.iterchildren("{*}" + name)
    for child in found:
        if child.text and child.text.strip():
            return child.text.strip()
    return None


def _entry_date(item) -> tuple[str | None, bool]:
    """(the entry's date, whether it gave one that could not be read)."""
    unreadable = False
    # dict.get: FeedParserDict.get("updated_parsed") falls back to published with a warning
    for key in ("published_parsed", "updated_parsed", "created_parsed", "published", "updated"):
        value = dict.get(item, key)
        date = normalise_date(value)
        if date:
            return date, False
        unreadable = unreadable or bool(value)
    return None, unreadable


def _first_alternate(item) -> str | None:
    for link in item.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _text(value) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _one_line(value) -> str:
    return " ".join(str(value).split())[:200]


# -- discovery listings: GDELT's DOC API and SEC EDGAR ---------------------------------------

GDELT_MAX_RECORDS = 250  # the DOC API lists at most this many articles per request


def parse_gdelt(body: bytes) -> tuple[Listing, int]:
    """A DOC 2.0 API article list (mode=artlist, format=json): (its entries, how many articles
    it listed). The API answers a bad query or too many requests with a line of plain text and
    status 200; that is a fatal listing error, as a page that is not a feed is."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return Listing(), 0  # no article in the window
    try:
        document = json.loads(text, strict=False)  # the API leaves control characters in titles
    except ValueError:
        return Listing(error=f"not a GDELT article list: {_one_line(text)[:120]}", fatal=True), 0
    articles = document.get("articles", []) if isinstance(document, dict) else None
    if not isinstance(articles, list):
        return Listing(error="not a GDELT article list: no articles array", fatal=True), 0
    listing = Listing()
    for item in articles:
        link = item.get("url") if isinstance(item, dict) else None
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            listing.bad_entries += 1
            continue
        seen = _gdelt_time(item.get("seendate"))
        if item.get("seendate") and seen is None:
            listing.bad_entries += 1
        listing.entries.append(
            Entry(link.strip(), seen.date().isoformat() if seen else None, _text(item.get("title")))
        )
    return listing, len(articles)


def _gdelt_time(value):
    from datetime import datetime, timezone

    try:
        return datetime.strptime(str(value), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def parse_edgar_feed(body: bytes, url: str, forms: tuple[str, ...]) -> Listing:
    """A company's filings as EDGAR's browse-edgar Atom output lists them: one entry per filing
    of the given forms (amendments included), its URL the filing's index page, its date the
    filing date. Parsed like sitemaps: lxml, no DTD, no entity expansion, no network."""
    try:
        root = etree.fromstring(
            _without_doctype(body.lstrip()),
            etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False),
        )
    except etree.XMLSyntaxError as exc:
        return Listing(error=f"not an EDGAR feed: {_one_line(exc)}", fatal=True)
    if root is None or etree.QName(root).localname != "feed":
        return Listing(error="not an EDGAR feed: no Atom feed element", fatal=True)
    company = _child_text(root, "conformed-name", deep=True)
    wanted = {f.upper() for f in forms}
    listing = Listing()
    for entry in root.iterchildren("{*}entry"):
        form = (
            _child_text(entry, "filing-type", deep=True)
            or next((c.get("term") for c in entry.iterchildren("{*}category")), None)
            or ""
        )
        if form.upper().removesuffix("/A") not in wanted:
            continue
        link = _child_text(entry, "filing-href", deep=True) or next(
            (a.get("href") for a in entry.iterchildren("{*}link") if a.get("href")), None
        )
        if not link:
            listing.bad_entries += 1
            continue
        try:
            absolute = urljoin(url, link.strip())
        except ValueError:
            listing.bad_entries += 1
            continue
        raw = _child_text(entry, "filing-date", deep=True) or _child_text(entry, "updated")
        filed = normalise_date(raw)
        listing.bad_entries += bool(raw and not filed)
        items = _child_text(entry, "items-desc", deep=True)
        title = " ".join(p for p in (company, form, items and f"({items})") if p)
        listing.entries.append(Entry(absolute, filed, title or None))
    return listing


def parse_filing_index(body: bytes, url: str, forms: tuple[str, ...]) -> Listing:
    """The documents worth reading on an EDGAR filing index page: the filing itself (8-K) and
    its press-release exhibits (EX-99.*), HTML or text. Entry titles are their descriptions."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(body)
    except (etree.ParserError, ValueError) as exc:
        return Listing(error=f"not a filing index: {_one_line(exc)}", fatal=True)
    wanted = {f.upper() for f in forms}
    listing = Listing()
    for row in tree.xpath("//table[contains(@class, 'tableFile')][1]//tr[td]"):
        cells = row.xpath("./td")
        if len(cells) < 4:
            continue
        kind = cells[3].text_content().strip().upper()
        if kind.removesuffix("/A") not in wanted and not kind.startswith("EX-99"):
            continue
        href = next(iter(cells[2].xpath(".//a/@href")), None)
        if not href:
            continue
        href = href.split("/ix?doc=", 1)[-1] if "/ix?doc=" in href else href
        try:
            absolute = urljoin(url, href.strip())
        except ValueError:
            listing.bad_entries += 1
            continue
        if not absolute.lower().split("?")[0].endswith((".htm", ".html", ".txt")):
            continue
        description = _text(cells[1].text_content()) or kind
        listing.entries.append(Entry(absolute, None, f"{kind}: {description}"))
    if not listing.entries and not tree.xpath("//table[contains(@class, 'tableFile')]"):
        return Listing(error="not a filing index: no document table", fatal=True)
    return listing
