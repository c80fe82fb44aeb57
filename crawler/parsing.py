"""Turn a fetched page into article fields: a pure function of bytes, URL and headers.

Nothing here fetches or stores, so `deals parse-html` and a later re-parse of stored bodies give
exactly what the crawler gives.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Mapping
from urllib.parse import urljoin, urlsplit

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

# 2: wire releases (PR Newswire, Business Wire, GlobeNewswire) lose their dateline and the
# boilerplate after the release (About, forward-looking statements, contacts)
PARSER_VERSION = "parse-2"


@dataclass(frozen=True)
class Article:
    title: str | None
    text: str
    published: str | None  # YYYY-MM-DD
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    canonical_url: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page the way browsers mostly get right, even when the header lies.

    Valid UTF-8 with non-ASCII bytes is almost never anything else, so it wins over a header
    or meta tag that says Latin-1; other bytes use the header, then the meta tag, then
    windows-1252 (what HTML5 means by "latin-1").
    """
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = [http_content_type_encoding(content_type or ""), html_body_declared_encoding(body)]
    for name in declared:
        codec = resolve_encoding(name) if name else None
        if codec and codec not in ("utf-8", "utf8"):
            try:
                return body.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    return body.decode("cp1252", errors="replace")


def parse_article(
    body: bytes,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    feed_published: str | None = None,
) -> Article:
    """Main text (tables kept as text), title, date, authors, language and canonical URL.

    :param body: the raw page as downloaded
    :param url: the page's URL, to resolve relative links
    :param headers: response headers (Content-Type for the charset, Last-Modified is ignored)
    :param feed_published: the date a feed or sitemap gave, used when the page has none
    """
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    html = decode_html(body, headers.get("content-type"))
    tree = _load_tree(html)
    if tree is None:
        return Article(title=None, text="", published=normalise_date(feed_published))
    jsonld = _jsonld_article(tree, url)
    meta = _extract(tree, url)
    text, dateline_day = wire_release(meta.get("text") or "")
    published = (
        normalise_date(jsonld.get("datePublished"))
        or normalise_date(meta.get("date"))
        or dateline_day
        or normalise_date(feed_published)
    )
    return Article(
        title=_title(meta.get("title")) or _clean(jsonld.get("headline")),
        text=text,
        published=published,
        authors=_authors(meta.get("author"), jsonld.get("author")),
        language=_language(tree),
        canonical_url=_canonical(tree, url),
    )


# "SANTA CLARA, Calif., May 1, 2024 /PRNewswire/ -- ", "NEW YORK--(BUSINESS WIRE)--",
# "SAN JOSE, Calif., May 01, 2024 (GLOBE NEWSWIRE) -- ": the wires' datelines, up to where the
# release itself begins.
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|"
    "December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|"
    "Nov\\.?|Dec\\.?"
)
_DATELINE = re.compile(
    r"^(?P<line>[^\n]{0,160}?(?:(?P<day>(?:" + _MONTHS + r")\s+\d{1,2},\s+\d{4})[^\n]{0,20}?)?"
    r"(?:/\s*PRNewswire(?:-[A-Za-z]+)?\s*/|\(\s*BUSINESS\s+WIRE\s*\)|\(\s*GLOBE\s+NEWSWIRE\s*\)|"
    r"/\s*CNW\s*/|\(\s*ACCESSWIRE\s*\))\s*(?:--|\u2013|\u2014|-)+\s*)"
)
# Where the release ends: the "About ..." heading, forward-looking statements, contacts, the
# wire's SOURCE line and links to the original. A line of its own, after the first.
_TAIL = re.compile(
    r"^(?:about [^.!?\n]{1,80}|(?:cautionary (?:note|statement)s?(?: regarding| concerning)? )?"
    r"forward[- ]looking (?:statements?|information)[^\n]{0,60}|safe harbou?r[^\n]{0,80}|"
    r"(?:this|the) (?:press|news) release (?:contains|includes|may contain) forward[- ]looking"
    r"[^\n]*|(?:media|press|investor|company|news)(?: relations)?(?: and [a-z]+ relations)? "
    r"(?:contacts?|inquiries)\s*:?[^\n]{0,80}|contacts?\s*:?|source:?\s+[A-Z][^\n]{0,80}|"
    r"view original content[^\n]*|for (?:further|more) information,? (?:please )?contact"
    r"[^\n]*)$",
    re.IGNORECASE | re.MULTILINE,
)


def wire_release(text: str) -> tuple[str, str | None]:
    """A wire release's text without its dateline and the boilerplate after the release, and
    the dateline's day (YYYY-MM-DD) if it gave one; any other text is returned as it was.

    Only text that opens (in its first three paragraphs) with a wire's dateline is a release:
    a page that merely has an "About us" line keeps it.
    """
    paragraphs = text.split("\n")
    for number, paragraph in enumerate(paragraphs[:3]):
        found = _DATELINE.match(paragraph)
        if found:
            break
    else:
        return text, None
    day = None
    if found.group("day"):
        try:
            day = normalise_date(
                datetime.strptime(
                    " ".join(found.group("day").replace(".", "").split()[:3]), "%B %d, %Y"
                )
            )
        except ValueError:
            day = normalise_date(_abbreviated(found.group("day")))
    paragraphs[number] = paragraph[found.end() :]
    kept = paragraphs[number:]
    for index, line in enumerate(kept[1:], 1):
        if _TAIL.match(line.strip()):
            kept = kept[:index]
            break
    return "\n".join(p for p in kept if p.strip()), day


def _abbreviated(day: str):
    try:
        month, rest = day.replace(".", "").split(None, 1)
        return datetime.strptime(f"{month[:3]} {rest}", "%b %d, %Y")
    except ValueError:
        return None


def _load_tree(html: str):
    import trafilatura

    return trafilatura.load_html(html) if html.strip() else None


def _extract(tree, url: str) -> dict:
    """Main text from a copy of the tree (trafilatura prunes it), metadata from the original.

    Metadata uses trafilatura's meta-tag, JSON-LD and title steps plus htmldate, but not its
    byline search over the whole tree, which cost more than the text extraction itself.
    """
    import trafilatura
    from htmldate import find_date
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

    doc = trafilatura.bare_extraction(
        copy.deepcopy(tree),
        url=url,
        include_tables=True,
        include_comments=False,
        with_metadata=False,
        fast=True,
    )
    meta = examine_meta(tree)
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # trafilatura's JSON-LD reader trips on odd documents
        pass
    author = meta.author if meta.author and " " in meta.author else None
    return {
        "text": doc.text if doc is not None else "",
        "title": meta.title or extract_title(tree),
        "author": author,
        "date": find_date(
            tree, url=url, extensive_search=False, original_date=True, outputformat="%Y-%m-%d"
        ),
    }


def _jsonld_article(tree, url: str) -> dict:
    """The first JSON-LD object that looks like an article (has a headline or datePublished)."""
    from extruct.jsonld import JsonLdExtractor

    try:
        items = JsonLdExtractor().extract_items(tree, base_url=url)
        found = list(_walk_jsonld(items))
    except (ValueError, TypeError, json.JSONDecodeError):
        return {}
    for item in found:
        if isinstance(item, dict) and ("datePublished" in item or "headline" in item):
            return item
    return {}


def _walk_jsonld(node):
    if isinstance(node, list):
        for child in node:
            yield from _walk_jsonld(child)
    elif isinstance(node, dict):
        yield node
        yield from _walk_jsonld(node.get("@graph", []))


# A publication date outside these years is a typo or a trap (9999-12-31 would also become the
# newest date a source delivered and hide its real articles from incremental crawls): dropped.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def normalise_date(value) -> str | None:
    """An ISO date (YYYY-MM-DD) from ISO strings, RFC 822 dates, struct_time or date objects.

    None for what no calendar holds (year 9999 at -14:00 is year 10000 in UTC, month 13) or
    what falls outside FIRST_YEAR..LAST_YEAR: a bad date never raises.
    """
    try:
        day = _to_date(value)
    except (ValueError, OverflowError, TypeError, IndexError):
        return None
    return day.isoformat() if day and FIRST_YEAR <= day.year <= LAST_YEAR else None


def _to_date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, (list, tuple)) and len(value) >= 3 and isinstance(value[0], int):
        return date(*value[:3])
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for parse in (
        lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")),
        parsedate_to_datetime,
    ):
        try:
            parsed = parse(text)
        except (TypeError, ValueError, IndexError):
            continue
        return _to_date(parsed)
    return date.fromisoformat(text[:10])


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")


def _title(title: str | None) -> str | None:
    """The headline without a trailing " | Site name" (a short tail after a separator)."""
    text = _clean(title)
    if not text:
        return None
    cut = max(text.rfind(sep) for sep in _TITLE_SEPARATORS)
    if cut > 0 and len(text[:cut].split()) >= 3 and len(text[cut:].split()) <= 5:
        return text[:cut].strip()
    return text


def _authors(meta_author, jsonld_author) -> list[str]:
    names: list[str] = []
    if meta_author:
        names.extend(a.strip() for a in str(meta_author).split(";"))
    elif jsonld_author:
        for item in jsonld_author if isinstance(jsonld_author, list) else [jsonld_author]:
            names.append(item.get("name", "") if isinstance(item, dict) else str(item))
    seen: list[str] = []
    for name in names:
        name = _clean(name)
        if name and name not in seen:
            seen.append(name)
    return seen


def _canonical(tree, url: str) -> str | None:
    """<link rel=canonical>, else og:url, resolved against the page URL."""
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        for value in tree.xpath(xpath):
            if value.strip():
                return urljoin(url, value.strip())
    return None


def _language(tree) -> str | None:
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in root.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language", "dc.language"):
            candidates.append(meta.get("content"))
    for value in candidates:
        if value and value.strip():
            return value.strip().replace("_", "-").split("-")[0].lower()[:8] or None
    return None


def _clean(value) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None


_MARKUP = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|title|meta|p|div|article|a|br)\b", re.IGNORECASE
)


def html_problem(body: bytes) -> str | None:
    """Why `body` is not an HTML page (binary, or text without markup), or None."""
    head = body[:65536]
    if b"\x00" in head:
        return "a binary file, not an HTML page"
    if not _MARKUP.search(head):
        return "no HTML markup: not an HTML page" if head.strip() else "an empty file"
    return None


def check_html_file(path) -> bytes:
    """The bytes of a saved page; a ConfigError (one line) when it is not HTML."""
    from pathlib import Path

    from store.errors import ConfigError

    body = Path(path).read_bytes()
    problem = html_problem(body)
    if problem:
        raise ConfigError(f"{path}: {problem}")
    return body


def parse_file(path, url: str | None = None) -> dict:
    """`deals parse-html`: one saved page -> the JSON object it prints."""
    from pathlib import Path

    path = Path(path)
    article = parse_article(check_html_file(path), url or path.resolve().as_uri())
    return {"file": str(path), **article.as_dict()}


def file_links(path, url: str | None = None, follow: str | None = None) -> list[dict]:
    """`deals parse-html --links`: the links an index source would read off a saved page,
    and what the crawl would do with each: `follow` (the regex matches, or none was given),
    `no match` (it does not), `off site` (another host than the page's) or `not http`."""
    from pathlib import Path

    from scrapy.http import HtmlResponse

    from crawler.middlewares import in_domains
    from crawler.sources import default_domain
    from crawler.spiders.index import page_links

    path = Path(path)
    page = url or path.resolve().as_uri()
    response = HtmlResponse(page, body=check_html_file(path))
    domain = default_domain(page)
    found = []
    for entry in page_links(response):
        parts = urlsplit(entry.url)
        if parts.scheme not in ("http", "https"):
            verdict = "not http"  # a page read without --url has file: links
        elif domain and not in_domains(parts.hostname, [domain]):
            verdict = "off site"
        elif follow is not None and re.search(follow, entry.url) is None:
            verdict = "no match"
        else:
            verdict = "follow"
        found.append({"file": str(path), "url": entry.url, "text": entry.title, "verdict": verdict})
    return found
