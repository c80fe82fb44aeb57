"""What a source already delivered, read from the `pages` projection before a crawl.

It gives the validators for conditional requests and the date below which listed entries
that were already stored are not fetched again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SeenPage:
    sha256: str | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SourceState:
    pages: dict[str, SeenPage] = field(default_factory=dict)
    watermark: str | None = None  # newest publication date (YYYY-MM-DD) already stored


def load_state(conn: sqlite3.Connection, source: str) -> SourceState:
    """Pages stored for `source`; empty when the projection does not exist yet."""
    try:
        rows = conn.execute(
            "SELECT url, sha256, etag, last_modified, published FROM pages WHERE source = ?",
            (source,)).fetchall()
    except sqlite3.OperationalError:
        return SourceState()
    state = SourceState()
    for url, sha, etag, last_modified, published in rows:
        state.pages[url] = SeenPage(sha, etag, last_modified)
        if published and (state.watermark is None or published > state.watermark):
            state.watermark = published[:10]
    return state


def conditional_headers(page: SeenPage | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a page seen before."""
    if page is None:
        return {}
    headers = {}
    if page.etag:
        headers["If-None-Match"] = page.etag
    if page.last_modified:
        headers["If-Modified-Since"] = page.last_modified
    return headers


def read_state(db_path, source: str) -> SourceState:
    """load_state from a database file, read-only; empty when there is no database yet."""
    from pathlib import Path

    if not db_path or not Path(db_path).exists():
        return SourceState()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return load_state(conn, source)
    finally:
        conn.close()
