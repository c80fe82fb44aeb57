"""Render articles.toml into the static demo newsroom under site/ (run after editing articles).

Each section gets the markup of a different kind of publisher, so the demo exercises JSON-LD,
meta tags and <time> elements, tables, an RSS feed, an Atom feed, a Google News sitemap, an
HTML index and robots.txt. Links use the placeholder origin ORIGIN; the demo server swaps in its
own address.

    python -m crawler.demo.build
"""

from __future__ import annotations

import json
import shutil
import tomllib
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

from crawler.demo import ORIGIN, SITE

HERE = Path(__file__).parent
NAMES = {
    "press": "Press releases",
    "wire": "Demo Wire",
    "trade": "Trade press",
    "insights": "Insights",
    "drafts": "Drafts",
}


ARCHIVE = HERE / "late-wire.warc.gz"


def load_articles(table: str = "article") -> list[dict]:
    """The newsroom's articles, or (`archived`) the pages of the demo's web archive."""
    return tomllib.loads((HERE / "articles.toml").read_text(encoding="utf-8"))[table]


def url_of(article: dict) -> str:
    return f"{ORIGIN}/{article['section']}/{article['slug']}.html"


def page(article: dict) -> str:
    """One article page; the head and byline depend on the section's publisher style."""
    title, date, author = (escape(article[k]) for k in ("title", "date", "author"))
    body = "".join(f"<p>{escape(p)}</p>\n" for p in article["paragraphs"])
    if article.get("table"):
        head, *rows = article["table"]
        body += (
            "<table><thead><tr>"
            + "".join(f"<th>{escape(c)}</th>" for c in head)
            + "</tr></thead><tbody>"
            + "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
            )
            + "</tbody></table>\n"
        )
    section = article["section"]
    meta = f'<link rel="canonical" href="{url_of(article)}">'
    byline = ""
    if section == "press":
        meta += (
            '<script type="application/ld+json">'
            + json.dumps(
                {
                    "@context": "https://schema.org",
                    "@type": "NewsArticle",
                    "headline": article["title"],
                    "datePublished": f"{article['date']}T08:00:00Z",
                    "author": {"@type": "Organization", "name": article["author"]},
                }
            )
            + "</script>"
        )
        body += f"<h2>Media contact</h2><p>{author}, press@newsroom.demo</p>\n"
    elif section in ("wire", "drafts"):
        meta += f'<meta property="article:published_time" content="{date}T12:00:00Z">'
        byline = f'<p class="byline">By {author}</p>'
    else:
        meta += (
            f'<meta name="author" content="{author}"><meta property="og:title" content="{title}">'
        )
        byline = f'<p class="byline">{author} &middot; <time datetime="{date}">{date}</time></p>'
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {NAMES[section]}</title>
{meta}</head>
<body><header><a href="/">Demo Newsroom</a> <nav><a href="/press/">Press</a>
<a href="/trade/">Trade</a> <a href="/insights/">Insights</a></nav></header>
<main><article><h1>{title}</h1>{byline}
{body}</article></main>
<aside><h3>Newsletter</h3><p>Get the week's compute deals every Friday.</p></aside>
<footer>Demo Newsroom is an invented publication. Articles about real companies summarise their
public announcements.</footer></body></html>
"""


def rfc822(day: str) -> str:
    return format_datetime(datetime.fromisoformat(day).replace(hour=8, tzinfo=timezone.utc))


def rss(articles: list[dict]) -> str:
    items = "".join(
        f"<item><title>{escape(a['title'])}</title><link>{url_of(a)}</link>"
        f"<guid>{url_of(a)}</guid><pubDate>{rfc822(a['date'])}</pubDate></item>\n"
        for a in articles
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Demo Newsroom press releases</title><link>{ORIGIN}/press/</link>"
        f"<description>Press releases</description>\n{items}</channel></rss>\n"
    )


def atom(articles: list[dict]) -> str:
    entries = "".join(
        f"<entry><title>{escape(a['title'])}</title><id>{url_of(a)}</id>"
        f'<link rel="alternate" href="{url_of(a)}"/><updated>{a["date"]}T09:00:00Z</updated>'
        f"<author><name>{escape(a['author'])}</name></author></entry>\n"
        for a in articles
    )
    latest = max(a["date"] for a in articles)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Demo Newsroom trade press</title><id>{ORIGIN}/trade/</id>"
        f'<link rel="alternate" href="{ORIGIN}/trade/"/><updated>{latest}T09:00:00Z</updated>\n'
        f"{entries}</feed>\n"
    )


def news_sitemap(articles: list[dict]) -> str:
    urls = "".join(
        f"<url><loc>{url_of(a)}</loc><news:news><news:publication><news:name>Demo Wire"
        f"</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{a['date']}</news:publication_date>"
        f"<news:title>{escape(a['title'])}</news:title></news:news></url>\n"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}</urlset>\n"
    )


def sitemap_index() -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{ORIGIN}/sitemaps/wire.xml</loc></sitemap></sitemapindex>\n"
    )


def listing(heading: str, articles: list[dict]) -> str:
    links = "".join(
        f'<li><a href="{url_of(a)}">{escape(a["title"])}</a> {a["date"]}</li>\n' for a in articles
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{heading}'
        f'</title></head><body><h1>{heading}</h1><p><a href="/">Home</a> '
        f'<a href="https://elsewhere.example.com/">Our partner site</a></p>'
        f"<ul>\n{links}</ul></body></html>\n"
    )


def build(site: Path = SITE) -> int:
    articles = sorted(load_articles(), key=lambda a: a["date"], reverse=True)
    if site.exists():
        shutil.rmtree(site)
    by_section = {s: [a for a in articles if a["section"] == s] for s in NAMES}
    files = {
        "robots.txt": "User-agent: *\nDisallow: /drafts/\n\nSitemap: " + ORIGIN + "/sitemap.xml\n",
        "index.html": listing("Demo Newsroom", [a for a in articles if a["section"] != "drafts"]),
        "press/feed.xml": rss(by_section["press"]),
        "trade/atom.xml": atom(by_section["trade"]),
        "sitemap.xml": sitemap_index(),
        "sitemaps/wire.xml": news_sitemap(by_section["wire"] + by_section["drafts"]),
        "insights/index.html": listing("Insights", by_section["insights"]),
    }
    for a in articles:
        files[f"{a['section']}/{a['slug']}.html"] = page(a)
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(articles)


def archived_page(article: dict) -> str:
    title, author = escape(article["title"]), escape(article["author"])
    body = "".join(f"<p>{escape(p)}</p>\n" for p in article["paragraphs"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Late Wire</title>
<meta property="article:published_time" content="{article["date"]}T07:00:00Z">
<link rel="canonical" href="{escape(article["url"])}"></head>
<body><main><article><h1>{title}</h1><p class="byline">By {author}</p>
{body}</article></main><footer>Late Wire is an invented outlet.</footer></body></html>
"""


def build_archive(path: Path = ARCHIVE) -> int:
    """The `archived` pages as one WARC file of responses, each captured on its day; the same
    bytes on every build (record ids from the URL, no gzip time stamp)."""
    import hashlib
    import io
    import uuid

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = load_articles("archived")
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for article in pages:
        body = archived_page(article).encode()
        http = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
            protocol="HTTP/1.1",
        )
        ident = uuid.UUID(hashlib.sha256(article["url"].encode()).hexdigest()[:32])
        writer.write_record(
            writer.create_warc_record(
                article["url"],
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={
                    "WARC-Date": f"{article['date']}T18:00:00Z",
                    "WARC-Record-ID": f"<urn:uuid:{ident}>",
                },
            )
        )
    path.write_bytes(out.getvalue())
    return len(pages)


if __name__ == "__main__":
    print(f"rendered {build()} articles into {SITE}")
    print(f"wrote {build_archive()} archived pages to {ARCHIVE}")
