"""Pages the crawler has stored: what conditional requests and incremental crawls need."""

from store.projections.base import Projection, handles


class Pages(Projection):
    name = "pages"
    version = 2  # 2: fetched_at from the event's meta (or its recorded time), not its data
    tables = {
        "pages": """CREATE TABLE IF NOT EXISTS pages (
            url TEXT PRIMARY KEY,
            source TEXT,
            final_url TEXT,
            status INTEGER,
            content_type TEXT,
            etag TEXT,
            last_modified TEXT,
            sha256 TEXT,
            fetched_at TEXT,
            title TEXT,
            published TEXT,
            language TEXT,
            parser_version TEXT,
            fetch_seq INTEGER,
            parse_seq INTEGER
        )""",
    }
    indexes = ("CREATE INDEX IF NOT EXISTS pages_source ON pages (source)",)

    @handles("DocumentFetched")
    def fetched(self, conn, event):
        d = event.data
        conn.execute(
            """INSERT INTO pages (url, source, final_url, status, content_type, etag,
                   last_modified, sha256, fetched_at, fetch_seq)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET source = excluded.source,
                   final_url = excluded.final_url, status = excluded.status,
                   content_type = excluded.content_type, etag = excluded.etag,
                   last_modified = excluded.last_modified, sha256 = excluded.sha256,
                   fetched_at = excluded.fetched_at, fetch_seq = excluded.fetch_seq""",
            (
                d["url"],
                d["source"],
                d["final_url"],
                d["status"],
                d.get("content_type"),
                d.get("etag"),
                d.get("last_modified"),
                d["sha256"],
                fetched_at(event),
                event.seq,
            ),
        )

    @handles("ArticleParsed")
    def parsed(self, conn, event):
        d = event.data
        conn.execute(
            """INSERT INTO pages (url, title, published, language, parser_version, parse_seq)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET title = excluded.title,
                   published = excluded.published, language = excluded.language,
                   parser_version = excluded.parser_version, parse_seq = excluded.parse_seq""",
            (
                d["url"],
                d.get("title"),
                d.get("published"),
                d.get("language"),
                d["parser_version"],
                event.seq,
            ),
        )


def fetched_at(event) -> str:
    """When the page was downloaded: the crawler's stamp in meta, else when it was recorded.

    Event data holds only facts about the content (so a page fetched twice is one event); the
    time of the fetch travels in meta.
    """
    return event.meta.get("fetched_at") or event.recorded_at
