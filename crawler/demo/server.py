"""A tiny threaded HTTP server for the demo site, with ETags so re-crawls get 304s."""

from __future__ import annotations

import hashlib
import mimetypes
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


PREFERRED_PORT = 8391
GDELT_PATH = "/api/v2/doc/doc"  # the demo's stand-in for GDELT's DOC API


def gdelt_answer(base: str, query: str) -> bytes:
    """What GDELT's DOC API (mode=artlist, format=json) would list of the demo's articles
    between startdatetime and enddatetime: each seen at noon of its day, newest first."""
    import json
    from urllib.parse import parse_qs

    from crawler.demo.build import load_articles

    asked = {k: v[-1] for k, v in parse_qs(query).items()}
    start, end = asked.get("startdatetime", "0" * 14), asked.get("enddatetime", "9" * 14)
    found = []
    for article in load_articles():
        seen = article["date"].replace("-", "") + "120000"
        if article["section"] != "drafts" and start <= seen <= end:
            found.append(
                {
                    "url": f"{base}/{article['section']}/{article['slug']}.html",
                    "title": article["title"],
                    "seendate": f"{seen[:8]}T{seen[8:]}Z",
                    "domain": urlsplit(base).hostname,
                    "language": "English",
                }
            )
    found.sort(key=lambda a: a["seendate"], reverse=True)
    limit = min(int(asked.get("maxrecords", 75)), 250)
    return json.dumps({"articles": found[:limit]} if found else {}).encode()


@contextmanager
def serve(root: Path, placeholder: str, port: int = PREFERRED_PORT, *, proxy: bool = False):
    """Serve `root` on 127.0.0.1; yields the base URL.

    Occurrences of `placeholder` (the origin the static files were written with) become the
    real base URL, so feeds carry absolute links; the preferred port keeps those the same from
    one run to the next while it is free (any free port does otherwise).

    With `proxy`, the server answers as an HTTP proxy for the `placeholder` origin instead, on
    any free port: the pages keep the placeholder's URLs (their identity in the log) whatever
    the port, and the URL yielded is the proxy's (crawler.middlewares.HostProxies).
    """
    handler = _handler(Path(root).resolve(), placeholder)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", 0 if proxy else port), handler)
    except OSError:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.base = placeholder if proxy else base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def _handler(root: Path, placeholder: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
            if path == GDELT_PATH:
                return self._send(
                    200,
                    gdelt_answer(self.server.base, urlsplit(self.path).query),
                    "application/json; charset=utf-8",
                )
            target = (root / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if root not in target.parents or not target.is_file():
                return self._send(404, b"not found", "text/plain")
            body = target.read_bytes()
            if self.server.base != placeholder:
                body = body.replace(placeholder.encode(), self.server.base.encode())
            etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, b"", None, etag)
            kind = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
            self._send(200, body, kind or "application/octet-stream", etag)

        def _send(self, status, body, content_type, etag=None):
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
