"""Articles as parsed, with their title and text searchable through FTS5."""

from store.projections.base import Projection, handles


class Articles(Projection):
    name = "articles"
    version = 1
    tables = {
        "articles": """CREATE TABLE IF NOT EXISTS articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            published TEXT,
            source TEXT,
            language TEXT,
            parser_version TEXT
        )""",
        # The text lives only in the index: the log already keeps it once.
        "articles_fts": "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text)",
    }
    indexes = ("CREATE INDEX IF NOT EXISTS articles_published ON articles (published)",)

    @handles("ArticleParsed")
    def parsed(self, conn, event):
        d = event.data
        row = conn.execute("SELECT id FROM articles WHERE url = ?", (d["url"],)).fetchone()
        values = (
            d.get("title"),
            d.get("published"),
            d.get("source"),
            d.get("language"),
            str(d["parser_version"]),
        )
        if row:
            article_id = row[0]
            conn.execute(
                "UPDATE articles SET title = ?, published = ?, source = ?,"
                " language = ?, parser_version = ? WHERE id = ?",
                (*values, article_id),
            )
            conn.execute("DELETE FROM articles_fts WHERE rowid = ?", (article_id,))
        else:
            article_id = conn.execute(
                "INSERT INTO articles (url, title, published, source, language, parser_version)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (d["url"], *values),
            ).lastrowid
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
            (article_id, d.get("title") or "", d.get("text") or ""),
        )
