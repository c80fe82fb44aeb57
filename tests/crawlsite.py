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
from typing import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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


class Site:
    def __init__(self):
        self.pages: dict[str, Page] = {}
        self.generated: dict[str, Callable[[str], Page]] = {}  # path prefix -> page maker
        self.hits: list[Hit] = []
        self.counts: dict[str, int] = {}
        self.in_flight = self.most_in_flight = 0  # requests being answered at once
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
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

    def generate(self, prefix: str, make: Callable[[str], Page]) -> None:
        """Answer every path under `prefix` with `make(path)`: sites too big to list."""
        self.generated[prefix] = make

    def page(self, path: str) -> Page | None:
        if path in self.pages:
            return self.pages[path]
        for prefix, make in self.generated.items():
            if path.startswith(prefix):
                return make(path)
        return None

    def requested(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]

    def reset(self) -> None:
        self.pages.clear()
        self.generated.clear()
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
            path = self.path.split("?")[0]
            page = site.page(path)
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
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
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
            site.hits.append(Hit(path, dict(self.headers), status))
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


def article(title: str, paragraphs: list[str], published: str | None = None,
            charset: str = "utf-8", extra_head: str = "") -> str:
    date_meta = (f'<meta property="article:published_time" content="{published}">'
                 if published else "")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="en"><head><meta charset="{charset}">'
            f"<title>{title}</title>{date_meta}{extra_head}</head><body>"
            f"<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            f"<footer>Copyright Example News</footer></body></html>")


def rss(items: list[tuple[str, str, str | None]], title: str = "Example feed") -> str:
    """items: (title, link, RFC 822 date or None)."""
    parts = []
    for item_title, link, date in items:
        pub = f"<pubDate>{date}</pubDate>" if date else ""
        parts.append(f"<item><title>{item_title}</title><link>{link}</link>{pub}</item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>http://example.com/</link>"
            f"{''.join(parts)}</channel></rss>")
