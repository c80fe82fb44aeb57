"""Real crawls with `deals crawl` in a subprocess against a local site on 127.0.0.1.

Scrapy's reactor cannot restart, so every crawl is its own process; the server runs here and
records what the crawler asked for, the way a site owner would see it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from crawlsite import Site, article, gzip_bomb, rss

from store.version import __version__

pytestmark = pytest.mark.slow

DEALS = str(Path(sys.executable).parent / "deals")
FAST = [
    "--set",
    "AUTOTHROTTLE_ENABLED=False",
    "--set",
    "DOWNLOAD_DELAY=0",
    "--set",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
]
MAY_2024 = "Wed, 01 May 2024 10:00:00 GMT"
JUNE_2024 = "Mon, 03 Jun 2024 10:00:00 GMT"


@pytest.fixture(scope="module")
def site():
    server = Site()
    yield server
    server.close()


@pytest.fixture
def fresh_site(site):
    site.reset()
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    return site


def deals_crawl(
    db: Path, sources: list[dict], *args: str, timeout: float = 90, env: dict | None = None
):
    """Write a sources file, run `deals crawl` on it, return the finished process."""
    toml = db.parent / "sources.toml"
    toml.write_text("".join(_source_table(s) for s in sources))
    return subprocess.run(
        [DEALS, "crawl", "--db", str(db), "--sources", str(toml), *FAST, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def _source_table(source: dict) -> str:
    lines = ["[[source]]"] + [f"{k} = {json.dumps(v)}" for k, v in source.items()]
    return "\n".join(lines) + "\n\n"


def events(db: Path, event_type: str) -> list[dict]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT data FROM events WHERE type = ? ORDER BY seq", (event_type,))
        return [json.loads(r[0]) for r in rows]


def last_report(db: Path) -> dict:
    return events(db, "CrawlFinished")[-1]["sources"]


def add_articles(site: Site, prefix: str, n: int) -> list[str]:
    paths = []
    for i in range(1, n + 1):
        path = f"/{prefix}/{i}.html"
        site.add(
            path,
            article(
                f"{prefix.title()} deal number {i}",
                [
                    f"Acme Cloud will deploy {i * 1000} NVIDIA H100 GPUs in a new facility.",
                    "The agreement runs for five years and covers 300 MW of capacity in Texas.",
                ],
                published=f"2024-05-0{i}",
            ),
            etag=f'"{prefix}-{i}-v1"',
        )
        paths.append(path)
    return paths


def test_every_source_type_is_crawled_and_parsed(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    feed = add_articles(site, "rss", 2)
    site.add("/private/secret.html", article("Secret deal", ["Nobody may crawl this."]))
    site.add(
        "/feed.xml",
        rss(
            [
                ("one", site.url(feed[0]), MAY_2024),
                ("two", site.url(feed[1]), None),
                ("off", site.url("/rss/9.html", host="localhost"), None),
                ("private", site.url("/private/secret.html"), None),
            ]
        ),
        content_type="application/rss+xml",
    )
    atom = add_articles(site, "atom", 1)
    site.add(
        "/atom.xml",
        f"""<?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title><id>urn:x</id>
        <updated>2024-05-01T00:00:00Z</updated><entry><title>a</title><id>urn:a</id>
        <link href="{site.url(atom[0])}"/><updated>2024-05-01T00:00:00Z</updated></entry>
        </feed>""",
        content_type="application/atom+xml",
    )
    urlset = add_articles(site, "map", 1)
    news = add_articles(site, "gnews", 1)
    site.add(
        "/sitemap-index.xml",
        f"""<?xml version="1.0"?>
        <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>{site.url("/sitemap-1.xml.gz")}</loc></sitemap>
        <sitemap><loc>{site.url("/news-sitemap.xml")}</loc></sitemap></sitemapindex>""",
        content_type="application/xml",
    )
    site.add(
        "/sitemap-1.xml.gz",
        _gzip(f"""<?xml version="1.0"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>{site.url(urlset[0])}</loc><lastmod>2024-05-01</lastmod></url></urlset>"""),
        content_type="application/x-gzip",
    )
    site.add(
        "/news-sitemap.xml",
        f"""<?xml version="1.0"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
        <url><loc>{site.url(news[0])}</loc><news:news><news:publication_date>2024-05-02
        </news:publication_date><news:title>G</news:title></news:news></url></urlset>""",
        content_type="application/xml",
    )
    robots_listed = add_articles(site, "robotsmap", 1)
    site.add(
        "/robots-sitemap.xml",
        f"""<?xml version="1.0"?>
        <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>{site.url(robots_listed[0])}</loc></url></urlset>""",
    )
    site.pages["/robots.txt"].body += f"Sitemap: {site.url('/robots-sitemap.xml')}\n".encode()
    index = add_articles(site, "news", 2)
    site.add(
        "/newsroom",
        "<html><body>"
        + "".join(f'<a href="{p}">story</a>' for p in index)
        + '<a href="/about">About us</a><a href="http://localhost:%d/news/7.html">x</a>'
        "</body></html>" % site.port,
    )

    done = deals_crawl(
        db,
        [
            {"name": "rss", "url": site.url("/feed.xml"), "type": "feed"},
            {"name": "atom", "url": site.url("/atom.xml"), "type": "feed"},
            {"name": "sitemaps", "url": site.url("/sitemap-index.xml"), "type": "sitemap"},
            {
                "name": "robots",
                "url": site.url("/robots.txt"),
                "type": "sitemap",
                "follow": "/robotsmap/",
            },
            {
                "name": "index",
                "url": site.url("/newsroom"),
                "type": "index",
                "follow": r"/news/\d+",
            },
        ],
    )
    assert done.returncode == 0, done.stderr
    fetched = {(e["source"], e["url"]) for e in events(db, "DocumentFetched")}
    expected = (
        {("rss", site.url(p)) for p in feed}
        | {("atom", site.url(atom[0]))}
        | {("sitemaps", site.url(urlset[0])), ("sitemaps", site.url(news[0]))}
        | {("robots", site.url(robots_listed[0]))}
        | {("index", site.url(p)) for p in index}
    )
    assert fetched == expected
    parsed = {e["url"]: e for e in events(db, "ArticleParsed")}
    assert set(parsed) == {url for _, url in expected}
    assert parsed[site.url(feed[0])]["title"] == "Rss deal number 1"
    assert "4000 NVIDIA H100" not in parsed[site.url(feed[0])]["text"]
    assert "1000 NVIDIA H100 GPUs" in parsed[site.url(feed[0])]["text"]
    assert parsed[site.url(news[0])]["published"] == "2024-05-01"
    # robots.txt obeyed, off-domain links never requested, /about not an article
    assert not site.requested("/private/secret.html")
    assert not site.requested("/rss/9.html") and not site.requested("/news/7.html")
    assert not site.requested("/about")
    report = last_report(db)
    assert report["rss"]["errors"] == {"robots_disallowed": 1}
    assert report["rss"]["offsite_links"] == 1
    assert all(r["reached"] for r in report.values())
    assert all(h.headers.get("User-Agent", "").startswith("compute-deals/") for h in site.hits)
    assert "stored 8 new pages, all parsed" in done.stdout


def parsed_by_url(db: Path) -> dict:
    return {e["url"]: e for e in events(db, "ArticleParsed")}


@pytest.mark.parametrize("workers", ["0", "1", "2"])
def test_parse_workers_give_what_inline_parsing_gives(fresh_site, tmp_path, workers):
    site = fresh_site
    paths = add_articles(site, "pool", 7)
    site.add(
        "/feed.xml",
        rss([(p, site.url(p), None) for p in paths]),
        content_type="application/rss+xml",
    )
    sources = [{"name": "pool", "url": site.url("/feed.xml"), "type": "feed"}]
    inline, pooled = tmp_path / "inline.db", tmp_path / "pooled.db"
    assert deals_crawl(inline, sources, "--set", "DEALS_PARSE=inline").returncode == 0
    done = deals_crawl(
        pooled,
        sources,
        "--set",
        "DEALS_PARSE=workers",
        "--set",
        f"DEALS_PARSE_WORKERS={workers}",
        "--set",
        "DEALS_PARSE_BATCH=3",
    )
    assert done.returncode == 0, done.stderr
    assert "stored 7 new pages, all parsed (0 in the parse stage)" in done.stdout
    assert parsed_by_url(pooled) == parsed_by_url(inline)
    with sqlite3.connect(pooled) as conn:
        order = [
            t
            for (t,) in conn.execute(
                "SELECT type FROM events WHERE stream = ? ORDER BY seq",
                (f"doc:{site.url(paths[0])}",),
            )
        ]
        fetched_at = conn.execute("SELECT COUNT(fetched_at) FROM pages").fetchone()[0]
    assert order == ["DocumentFetched", "ArticleParsed"]
    assert fetched_at == 7


@pytest.mark.parametrize("point", ["fetch:3", "parse:1"])
def test_a_crawl_killed_while_parsing_is_completed_by_the_next(fresh_site, tmp_path, point):
    """Killed after storing pages whose parses were still in the pool or not yet appended."""
    site, db = fresh_site, tmp_path / "deals.db"
    paths = add_articles(site, "kill", 8)
    site.add(
        "/feed.xml",
        rss([(p, site.url(p), None) for p in paths]),
        content_type="application/rss+xml",
    )
    sources = [{"name": "kill", "url": site.url("/feed.xml"), "type": "feed"}]
    # capture_output waits for every process holding the pipes: the workers must not outlive
    # the crawl, or this would hang until the timeout.
    killed = deals_crawl(
        db, sources, "--set", "DEALS_PARSE_WORKERS=1", timeout=60, env={"DEALS_CRASH_AT": point}
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    stored = len(events(db, "DocumentFetched"))
    assert stored >= 2 and len(events(db, "ArticleParsed")) < stored

    done = deals_crawl(db, sources)
    assert done.returncode == 0, done.stderr
    fetched = {e["url"] for e in events(db, "DocumentFetched")}
    assert fetched == {site.url(p) for p in paths}
    assert set(parsed_by_url(db)) == fetched
    assert len(events(db, "ArticleParsed")) == 8


def test_recrawl_appends_nothing_and_uses_conditional_requests(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    old, undated = add_articles(site, "inc", 2)
    feed = [("old", site.url(old), MAY_2024), ("undated", site.url(undated), None)]
    site.add("/feed.xml", rss(feed), content_type="application/rss+xml")
    sources = [{"name": "inc", "url": site.url("/feed.xml"), "type": "feed"}]
    # This run parses in the separate stage after the fetch instead of during it.
    first = deals_crawl(db, sources, "--set", "DEALS_PARSE=stage")
    assert first.returncode == 0 and "(2 in the parse stage)" in first.stdout
    assert len(events(db, "DocumentFetched")) == len(events(db, "ArticleParsed")) == 2

    site.hits.clear()
    again = deals_crawl(db, sources)
    assert again.returncode == 0, again.stderr
    assert len(events(db, "DocumentFetched")) == 2
    # The undated entry is asked for conditionally and the server answers 304; the dated one
    # is no newer than what the source already delivered, so it is not requested at all.
    (hit,) = site.requested(undated)
    assert hit.headers.get("If-None-Match") == '"inc-2-v1"' and hit.status == 304
    assert not site.requested(old)
    report = last_report(db)["inc"]
    assert (report["new"], report["unchanged"], report["skipped_old"]) == (0, 1, 1)

    # A changed page is stored once more; --refresh re-fetches the old entry too.
    site.add(undated, article("Inc deal number 2", ["Now 5,000 GPUs, not 2,000."]), etag='"v2"')
    site.add("/feed.xml", rss(feed + [("new", site.url(old), JUNE_2024)]))
    assert deals_crawl(db, sources, "--refresh").returncode == 0
    assert len(events(db, "DocumentFetched")) == 3
    assert len(site.requested(old)) == 1
    assert "5,000 GPUs" in events(db, "ArticleParsed")[-1]["text"]


def test_faults_are_counted_and_nothing_stored_is_lost(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    good = add_articles(site, "good", 1)
    site.add("/good.xml", rss([("good", site.url(good[0]), None)]))
    assert (
        deals_crawl(db, [{"name": "good", "url": site.url("/good.xml"), "type": "feed"}]).returncode
        == 0
    )
    before = events(db, "DocumentFetched") + events(db, "ArticleParsed")

    cp1252 = "Café owners paid €3 million – “a record” – for 1,000 GPUs."
    faults = {
        "flaky": dict(body=article("Flaky", ["Second time lucky."]), fault="flaky"),
        "missing": None,
        "slow": dict(body=article("Slow", ["Too late."]), fault="slow"),
        "reset": dict(fault="reset"),
        "loop": dict(fault="loop"),
        "huge": dict(fault="huge"),
        "bomb": dict(body=gzip_bomb(), headers={"Content-Encoding": "gzip"}),
        "empty": dict(body=b""),
        "cp1252": dict(
            body=article("Caf\u00e9 deal", [cp1252], charset="windows-1252").encode("cp1252"),
            content_type="text/html",
        ),
        "wrongheader": dict(
            body=article("Wrong header", [cp1252], charset="windows-1252").encode("cp1252"),
            content_type="text/html; charset=utf-8",
        ),
    }
    sources = []
    for name, page in faults.items():
        if page is not None:
            site.add(f"/fault/{name}.html", **page)
        site.add(f"/fault/{name}.xml", rss([(name, site.url(f"/fault/{name}.html"), None)]))
        sources.append({"name": name, "url": site.url(f"/fault/{name}.xml"), "type": "feed"})
    listed = add_articles(site, "trunc", 1)
    whole = rss([("t", site.url(listed[0]), None), ("u", site.url("/trunc/2.html"), None)])
    site.add("/truncated.xml", whole[: whole.index("<item>", whole.index("</item>")) + 20])
    site.add("/garbage.xml", "<html><body>This is not a feed</body></html>")
    site.add(
        "/entities.xml",
        """<?xml version="1.0"?>
        <!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
        <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
        <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
        <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
        <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
        <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
        <!ENTITY secret SYSTEM "file:///etc/passwd">]>
        <rss version="2.0"><channel><title>&f;&secret;</title>
        <item><title>&f;</title><link>%s&secret;</link></item>
        </channel></rss>"""
        % site.url("/entity-link"),
    )
    sources += [
        {"name": "truncated", "url": site.url("/truncated.xml"), "type": "feed"},
        {"name": "garbage", "url": site.url("/garbage.xml"), "type": "feed"},
        {"name": "entities", "url": site.url("/entities.xml"), "type": "feed"},
        {"name": "gone", "url": site.url("/gone.xml"), "type": "feed"},
    ]
    done = deals_crawl(db, sources, "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=1")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    report = last_report(db)

    def errors(name):
        return report[name]["errors"]

    assert report["flaky"]["new"] == 1 and report["flaky"]["retries"] == 1
    assert errors("missing") == {"http_404": 1}
    assert errors("slow") == {"timeout": 1}
    assert set(errors("reset")) <= {"connection", "data_loss"} and errors("reset")
    assert errors("loop") == {"redirect_loop": 1}
    assert errors("huge") == {"too_large": 1}
    assert errors("bomb") == {"too_large": 1}
    assert errors("empty") == {"empty_page": 1}
    assert report["truncated"]["reached"] and "malformed_feed" in errors("truncated")
    assert report["truncated"]["new"] == 1
    assert not report["garbage"]["reached"] and "not_a_feed" in errors("garbage")
    assert report["entities"]["new"] == 0
    assert not report["gone"]["reached"] and errors("gone") == {"http_404": 1}
    assert report["gone"]["error"].endswith("HTTP 404")
    parsed = {e["url"]: e for e in events(db, "ArticleParsed")}
    for name in ("cp1252", "wrongheader"):
        assert cp1252 in parsed[site.url(f"/fault/{name}.html")]["text"]
    assert parsed[site.url("/fault/cp1252.html")]["title"] == "Café deal"
    stored = {e["url"] for e in events(db, "DocumentFetched")}
    assert not any(name in url for name in ("huge", "bomb", "empty", "loop") for url in stored)
    after = events(db, "DocumentFetched") + events(db, "ArticleParsed")
    assert all(event in after for event in before)
    status = subprocess.run([DEALS, "status", "--db", str(db)], capture_output=True, text=True)
    assert status.returncode == 0 and "FAILING" in status.stdout


def test_bad_sources_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nname = "x"\nurl = "ftp://nowhere"\ntype = "feed"\n')
    done = subprocess.run(
        [DEALS, "crawl", "--db", str(tmp_path / "d.db"), "--sources", str(bad)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "source x: bad URL" in done.stderr
    assert not (tmp_path / "d.db").exists()


def _gzip(text: str) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return packer.compress(text.encode()) + packer.flush()


@pytest.mark.parametrize(
    "setting, message",
    [
        ("DEALS_PARSE=later", "DEALS_PARSE must be one of workers, inline, stage, not 'later'"),
        (
            "DEALS_PARSE_WORKERS=many",
            "DEALS_PARSE_WORKERS must be a number of processes or auto, not 'many'",
        ),
        (
            "DOWNLOAD_TIMEOUT=soon",
            "--set DOWNLOAD_TIMEOUT=soon: expected int, like DOWNLOAD_TIMEOUT=30",
        ),
        (
            "ROBOTSTXT_OBEY=maybe",
            "--set ROBOTSTXT_OBEY=maybe: expected bool, like ROBOTSTXT_OBEY=True",
        ),
        ("RETRY_TIMES=-1", "--set RETRY_TIMES=-1: must not be negative"),
        (
            "ITEM_PIPELINES=none",
            "--set ITEM_PIPELINES=none: expected dict, like ITEM_PIPELINES=a JSON object",
        ),
        (
            "DOWNLAOD_TIMEOUT=5",
            "--set DOWNLAOD_TIMEOUT: no such setting (did you mean DOWNLOAD_TIMEOUT?)",
        ),
        ("TIMEOUT", "--set 'TIMEOUT': expected NAME=VALUE"),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(tmp_path, setting, message):
    db = tmp_path / "deals.db"
    done = deals_crawl(
        db, [{"name": "a", "url": "http://127.0.0.1:9/feed", "type": "feed"}], "--set", setting
    )
    assert (done.returncode, done.stderr.strip()) == (2, f"error: {message}")
    assert not db.exists()


def test_one_site_never_sees_more_requests_at_once_than_the_per_domain_limit(fresh_site, tmp_path):
    site = fresh_site
    items = []
    for i in range(10):
        site.add(
            f"/slow/{i}.html",
            article(f"Slow story {i}", [f"Paragraph {i} of a story."]),
            fault="pause",
        )
        items.append((f"Slow story {i}", site.url(f"/slow/{i}.html"), MAY_2024))
    site.add("/slow.xml", rss(items), content_type="application/rss+xml")
    contact = "https://ops.example.org/deals-crawler"
    done = deals_crawl(
        tmp_path / "deals.db",
        [{"name": "slow", "url": site.url("/slow.xml"), "type": "feed"}],
        "--set",
        "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        env={"DEALS_CONTACT_URL": contact},
    )
    assert done.returncode == 0, done.stderr
    assert len(events(tmp_path / "deals.db", "DocumentFetched")) == 10
    assert site.most_in_flight <= 2  # even with DOWNLOAD_DELAY=0 (FAST)
    assert {h.headers.get("User-Agent") for h in site.hits} == {
        f"compute-deals/{__version__} (+{contact})"
    }


def test_the_polite_defaults_are_the_effective_settings():
    from crawler.run import scrapy_settings

    settings = scrapy_settings({})
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getfloat("DOWNLOAD_DELAY") > 0
    assert 0 < settings.getint("DOWNLOAD_WARNSIZE") < settings.getint("DOWNLOAD_MAXSIZE")
    assert settings.getint("DOWNLOAD_MAXSIZE") <= 3 * 1024 * 1024  # articles
    assert settings.getint("DEALS_LISTING_MAXSIZE") == 50 * 1024 * 1024  # the sitemap protocol's
    assert 1 <= settings.getint("DEALS_SITEMAP_DEPTH") <= 5
    assert 0 < settings.getint("DEALS_SOURCE_MAX_PAGES") < settings.getint("DEALS_CRAWL_MAX_PAGES")
    assert (
        0
        < settings.getfloat("DEALS_SOURCE_MAX_SECONDS")
        < settings.getfloat("DEALS_CRAWL_MAX_SECONDS")
        < 3600
    )  # an hourly cron job's crawl ends within the hour
    assert 0 < settings.getint("DOWNLOAD_TIMEOUT") <= 60
    assert settings.getint("RETRY_TIMES") >= 1 and 500 in settings.getlist("RETRY_HTTP_CODES")
    assert 0 < settings.getint("REDIRECT_MAX_TIMES") <= 10
    assert settings.getbool("MEMUSAGE_ENABLED") and settings.getint("MEMUSAGE_LIMIT_MB") > 0
    assert not settings.getbool("COOKIES_ENABLED")
    assert "(+http" in settings.get("USER_AGENT")
    with_contact = scrapy_settings({"DEALS_CONTACT_URL": "https://ops.example.org/bot"})
    assert with_contact.get("USER_AGENT") == (
        f"compute-deals/{__version__} (+https://ops.example.org/bot)"
    )


def test_a_robots_txt_that_times_out_is_one_log_line_not_a_traceback(fresh_site, tmp_path):
    site = fresh_site
    site.add("/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain", fault="slow")
    listed = add_articles(site, "calm", 1)
    site.add(
        "/calm.xml",
        rss([("Calm", site.url(listed[0]), MAY_2024)]),
        content_type="application/rss+xml",
    )
    done = deals_crawl(
        tmp_path / "deals.db",
        [{"name": "calm", "url": site.url("/calm.xml"), "type": "feed"}],
        "--set",
        "DOWNLOAD_TIMEOUT=1",
        "--set",
        "RETRY_TIMES=0",
        env={"DEALS_LOG_LEVEL": "WARNING"},
    )  # a log level asked for: every line
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    logged = done.stderr.splitlines()
    assert all(line.startswith("20") for line in logged)  # one line per record, timestamped
    assert any("robots.txt" in line and "DownloadTimeoutError" in line for line in logged)
    assert "errors: robots_txt_timeout=1" in done.stdout  # the summary counts it
    # with no log level asked for, the summary alone says it: no line from Scrapy
    (tmp_path / "again").mkdir()
    quiet = deals_crawl(
        tmp_path / "again" / "deals.db",
        [{"name": "calm", "url": site.url("/calm.xml"), "type": "feed"}],
        "--set",
        "DOWNLOAD_TIMEOUT=1",
        "--set",
        "RETRY_TIMES=0",
    )
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    assert "errors: robots_txt_timeout=1" in quiet.stdout
    assert len(events(tmp_path / "deals.db", "DocumentFetched")) == 1  # the page still came
