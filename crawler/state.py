"""What a source already delivered, read from the `pages` projection before a crawl.

It gives the validators for conditional requests (for every page stored, by any source) and
the date below which listed entries that were already stored are not fetched again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class SeenPage:
    sha256: str | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SourceState:
    # every page stored, whichever source stored it: a URL two sources list is one page
    pages: dict[str, SeenPage] = field(default_factory=dict)
    watermark: str | None = None  # newest publication date (YYYY-MM-DD) this source stored
    # pages the keyword prefilter dropped (PageOffTopic), whichever source fetched them
    off_topic: set[str] = field(default_factory=set)


def load_states(
    conn: sqlite3.Connection, sources: list[str], today: date | None = None
) -> dict[str, SourceState]:
    """Each source's state, all sharing one `pages` dict; empty before the projection exists.

    A date after tomorrow (`today` + 1) is no watermark: a page claiming to be from the future
    would otherwise hide every dated entry of its source from incremental crawls.
    """
    pages: dict[str, SeenPage] = {}
    try:
        off_topic = {
            url
            for (url,) in conn.execute(
                "SELECT json_extract(data, '$.url') FROM events WHERE type = 'PageOffTopic'"
            )
        }
    except sqlite3.OperationalError:  # no log yet
        off_topic = set()
    states = {name: SourceState(pages, off_topic=off_topic) for name in sources}
    try:
        rows = conn.execute(
            "SELECT url, source, sha256, etag, last_modified, published FROM pages"
        ).fetchall()
    except sqlite3.OperationalError:
        return states
    latest = ((today or date.today()) + timedelta(days=1)).isoformat()
    for url, source, sha, etag, last_modified, published in rows:
        pages[url] = SeenPage(sha, etag, last_modified)
        state = states.get(source)
        day = published[:10] if published else None
        if state and day and day <= latest and (state.watermark is None or day > state.watermark):
            state.watermark = day
    return states


def load_state(conn: sqlite3.Connection, source: str) -> SourceState:
    """One source's state (`load_states` for several)."""
    return load_states(conn, [source])[source]


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
