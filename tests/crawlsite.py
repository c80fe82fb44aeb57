"""A real HTTP server on 127.0.0.1 for crawl tests: invented pages plus one route per fault.

Routes are plain data (path -> Page) so a test can change a page between two crawls. The
server records every request with its headers, so tests assert what a site owner would see.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    headers: dict = field(default_factory=dict)
    fault: str | None = None  # flaky, slow, pause, reset, loop, huge, bomb


@dataclass
class Hit:
    path: str
    headers: dict
    status: int
    query: str = ""
    at: float = field(default_factory=time.monotonic)  # when the answer was sent


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a crawl with many requests at once is not refused


class Site:
    def __init__(self):
        self.pages: dict[str, Page] = {}
        self.generated: dict[str, Callable[..., Page]] = {}  # path prefix -> page maker
        self.with_query: set[str] = set()  # prefixes whose maker takes the query string too
        self.hits: list[Hit] = []
        self.counts: dict[str, int] = {}
        self.in_flight = self.most_in_flight = 0  # requests being answered at once
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, body: bytes | str = b"", **kwargs) -> Page:
        page = Page(body.encode() if isinstance(body, str) else body, **kwargs)
        self.pages[path] = page
        return page

    def generate(self, prefix: str, make: Callable[..., Page], query: bool = False) -> None:
        """Answer every path under `prefix` with `make(path)`: sites too big to list. With
        `query`, `make(path, query)` gets the parsed query string too (an API's answers)."""
        self.generated[prefix] = make
        if query:
            self.with_query.add(prefix)

    def page(self, path: str, query: str = "") -> Page | None:
        if path in self.pages:
            return self.pages[path]
        for prefix, make in self.generated.items():
            if path.startswith(prefix):
                if prefix in self.with_query:
                    return make(path, {k: v[-1] for k, v in parse_qs(query).items()})
                return make(path)
        return None

    def requested(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def reset(self) -> None:
        self.pages.clear()
        self.generated.clear()
        self.with_query.clear()
        self.hits.clear()
        self.counts.clear()
        self.in_flight = self.most_in_flight = 0

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            with site.lock:
                site.in_flight += 1
                site.most_in_flight = max(site.most_in_flight, site.in_flight)
            try:
                self._answer()
            finally:
                with site.lock:
                    site.in_flight -= 1

        def _answer(self):
            path, _, query = self.path.partition("?")
            page = site.page(path, query)
            with site.lock:
                site.counts[path] = site.counts.get(path, 0) + 1
                count = site.counts[path]
            if page is None:
                return self._send(404, b"not found", "text/plain", path)
            fault = page.fault
            if fault == "flaky" and count == 1:
                return self._send(500, b"try again", "text/plain", path)
            if fault == "slow":
                time.sleep(3)
            if fault == "pause":  # slow enough that a crawler could pile requests up
                time.sleep(0.3)
            if fault == "reset":
                site.hits.append(Hit(path, dict(self.headers), 0))
                # SO_LINGER 0 makes close() send RST: the client sees a connection reset.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True
                return
            if fault == "loop":
                return self._send(302, b"", "text/plain", path, {"Location": path})
            if fault == "huge":
                return self._stream_huge(path)
            if page.etag and self.headers.get("If-None-Match") == page.etag:
                return self._send(304, b"", None, path, {"ETag": page.etag})
            headers = dict(page.headers)
            if page.etag:
                headers["ETag"] = page.etag
            self._send(page.status, page.body, page.content_type, path, headers)

        def _send(self, status, body, content_type, path, headers=None):
            site.hits.append(Hit(path, dict(self.headers), status, self.path.partition("?")[2]))
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        def _stream_huge(self, path):
            """50 MB with no Content-Length: only counting received bytes can stop it."""
            site.hits.append(Hit(path, dict(self.headers), 200))
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
            try:
                for _ in range(50):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass
            self.close_connection = True

    return Handler


def gzip_bomb(size: int = 200 * 1024 * 1024) -> bytes:
    """A ~200 KB gzip body (one member) that inflates to `size` bytes of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: gzip container
    chunk = b"\0" * (1024 * 1024)
    parts = [packer.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + packer.flush()


def article(
    title: str,
    paragraphs: list[str],
    published: str | None = None,
    charset: str = "utf-8",
    extra_head: str = "",
) -> str:
    date_meta = (
        f'<meta property="article:published_time" content="{published}">' if published else ""
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="{charset}">'
        f"<title>{title}</title>{date_meta}{extra_head}</head><body>"
        f"<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        f"<footer>Copyright Example News</footer></body></html>"
    )


def rss(items: list[tuple[str, str, str | None]], title: str = "Example feed") -> str:
    """items: (title, link, RFC 822 date or None)."""
    parts = []
    for item_title, link, date in items:
        pub = f"<pubDate>{date}</pubDate>" if date else ""
        parts.append(f"<item><title>{item_title}</title><link>{link}</link>{pub}</item>")
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.com/</link>"
        f"{''.join(parts)}</channel></rss>"
    )


# -- discovery sources: what GDELT's DOC API and SEC EDGAR answer, in their formats ----------


def gdelt_api(articles: list[dict], cap: int = 250) -> Callable[[str, dict], Page]:
    """A DOC 2.0 API (mode=artlist, format=json) over `articles`, each {"url", "title",
    "seendate": "YYYYMMDDTHHMMSSZ", ...}: those seen in [startdatetime, enddatetime], newest
    first, at most min(maxrecords, cap); a request without a query gets the API's plain-text
    complaint, as the real one answers."""
    import json

    def answer(path: str, query: dict) -> Page:
        if not query.get("query") or query.get("mode") != "artlist":
            return Page(b"Your search did not contain any valid terms.", "text/html")
        start = query.get("startdatetime", "0" * 14)
        end = query.get("enddatetime", "9" * 14)
        found = sorted(
            (a for a in articles if start <= a["seendate"].replace("T", "").rstrip("Z") <= end),
            key=lambda a: a["seendate"],
            reverse=True,
        )
        found = found[: min(int(query.get("maxrecords", 75)), cap)]
        full = [
            {
                "url_mobile": "",
                "socialimage": "",
                "language": "English",
                "sourcecountry": "United States",
                **a,
            }
            for a in found
        ]
        body = json.dumps({"articles": full} if full else {}).encode()
        return Page(body, "application/json; charset=utf-8")

    return answer


def edgar_feed(company: str, cik: str, filings: list[dict]) -> str:
    """EDGAR's browse-edgar Atom output for one company; each filing {"index" (URL), "date",
    "form", "items"}."""
    entries = "".join(
        f"""
  <entry>
    <category label="form type" scheme="https://www.sec.gov/" term="{f["form"]}"/>
    <content type="text/xml">
      <accession-number>{f.get("accession", "0000000000-24-000001")}</accession-number>
      <act>34</act>
      <filing-date>{f["date"]}</filing-date>
      <filing-href>{f["index"]}</filing-href>
      <filing-type>{f["form"]}</filing-type>
      <form-name>Current report</form-name>
      <items-desc>{f.get("items", "items 7.01 and 9.01")}</items-desc>
    </content>
    <id>urn:tag:sec.gov,2008:accession-number={f.get("accession", "1")}</id>
    <link href="{f["index"]}" rel="alternate" type="text/html"/>
    <summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; {f["date"]}</summary>
    <title>{f["form"]}  - Current report</title>
    <updated>{f["date"]}T16:05:12-04:00</updated>
  </entry>"""
        for f in filings
    )
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <company-info>
    <addresses><address type="business"><city>SANTA CLARA</city></address></addresses>
    <cik>{cik}</cik>
    <conformed-name>{company}</conformed-name>
    <state-location>CA</state-location>
  </company-info>{entries}
  <id>https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&amp;CIK={cik}</id>
  <title>{company}  (0000000000)</title>
  <updated>2024-05-02T10:00:00-04:00</updated>
</feed>"""


def filing_index(company: str, date: str, documents: list[tuple[str, str, str]]) -> str:
    """A filing's index page: documents (description, href, type) in EDGAR's tableFile."""
    rows = "".join(
        f"""<tr><td scope="row">{n}</td><td scope="row">{desc}</td>
        <td scope="row"><a href="{href}">{href.rsplit("/", 1)[-1]}</a></td>
        <td scope="row">{kind}</td><td scope="row">20411</td></tr>"""
        for n, (desc, href, kind) in enumerate(documents, 1)
    )
    return f"""<!DOCTYPE html><html><head><title>EDGAR Filing Documents</title></head><body>
<div id="formDiv"><div class="formGrouping"><div class="infoHead">Filing Date</div>
<div class="info">{date}</div></div></div>
<div class="companyInfo"><span class="companyName">{company} (Filer)</span></div>
<table class="tableFile" summary="Document Format Files">
<tr><th scope="col">Seq</th><th scope="col">Description</th><th scope="col">Document</th>
<th scope="col">Type</th><th scope="col">Size</th></tr>{rows}
<tr><td scope="row">&nbsp;</td><td scope="row">Complete submission text file</td>
<td scope="row"><a href="/Archives/edgar/data/1/0001-index.txt">0001.txt</a></td>
<td scope="row">&nbsp;</td><td scope="row">90210</td></tr></table>
<table class="tableFile" summary="Data Files"><tr><td>1</td><td>XBRL</td>
<td><a href="/Archives/x_lab.xml">x_lab.xml</a></td><td>EX-101.LAB</td><td>1</td></tr></table>
</body></html>"""


def press_release(wire: str, title: str, dateline: str, paragraphs: list[str], company: str) -> str:
    """An invented wire release in the structure PR Newswire, Business Wire and GlobeNewswire
    pages share: a dateline opening the first paragraph, the release, then "About" boilerplate,
    forward-looking statements and a media contact block."""
    first, *rest = paragraphs
    lead = {
        "prn": f"{dateline} /PRNewswire/ -- {first}",
        "bw": f"{dateline}--(BUSINESS WIRE)--{first}",
        "gnw": f"{dateline} (GLOBE NEWSWIRE) -- {first}",
    }[wire]
    body = "".join(f"<p>{p}</p>" for p in [lead, *rest])
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title><meta property="og:title" content="{title}"></head><body>
<header><nav><a href="/news">News</a> <a href="/contact">Contact</a></nav></header>
<article><h1>{title}</h1><div class="release-body">{body}
<p><b>About {company}</b></p>
<p>{company} builds and operates cloud infrastructure for artificial intelligence workloads
across North America and Europe. For more information, visit www.example.com.</p>
<p><b>Forward-Looking Statements</b></p>
<p>This press release contains forward-looking statements within the meaning of the Private
Securities Litigation Reform Act of 1995. Actual results may differ materially from those
expressed or implied, and {company} undertakes no obligation to update them.</p>
<p><b>Media Contact:</b></p><p>Jordan Reyes<br>press@example.com<br>+1 555 0100</p>
<p>SOURCE {company}</p></div></article>
<footer>Copyright 2024 Wire Service. All rights reserved.</footer></body></html>"""


def sitemap_site(
    pages: int, story: Callable[[int], bytes], content_type: str = Page.content_type
) -> Site:
    """A site of `pages` generated stories at /news/<i>.html, listed by /sitemap.xml, with a
    robots.txt that allows all: the newsroom the crawl and run benchmarks measure."""
    site = Site()
    site.add("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    locs = "".join(f"<url><loc>{site.base}/news/{i}.html</loc></url>" for i in range(pages))
    site.add(
        "/sitemap.xml",
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">{locs}</urlset>',
        content_type="application/xml",
    )
    site.generate(
        "/news/",
        lambda path: Page(story(int(path[6:].split(".")[0])), content_type=content_type),
    )
    return site
