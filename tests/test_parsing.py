"""The article parser on invented pages, and `deals parse-html` on saved files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import cli
from crawler.discovery import parse_feed
from crawler.parsing import decode_html, normalise_date, parse_article

RELEASE = """<!doctype html><html lang="en-US"><head><meta charset="utf-8">
<title>Nimbus Compute signs 40,000-GPU agreement with Orion AI | Nimbus Newsroom</title>
<link rel="canonical" href="/news/nimbus-orion">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Nimbus Compute signs 40,000-GPU agreement with Orion AI",
 "datePublished": "2025-03-04T09:00:00Z",
 "author": [{"@type": "Person", "name": "Dana Reyes"}]}</script></head>
<body><nav><a href="/">Home</a> <a href="/careers">Careers</a></nav>
<article><h1>Nimbus Compute signs 40,000-GPU agreement with Orion AI</h1>
<p>Nimbus Compute today announced a multi-year agreement to supply Orion AI with dedicated
capacity at its campus in Abilene, Texas, one of the largest contracts in its history.</p>
<table><tr><th>Phase</th><th>Accelerators</th><th>Power</th></tr>
<tr><td>Phase 1</td><td>16,000 NVIDIA GB200</td><td>120 MW</td></tr>
<tr><td>Phase 2</td><td>24,000 NVIDIA GB300</td><td>180 MW</td></tr></table>
<p>The contract is valued at $4.2 billion over five years, the companies said.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def test_press_release_fields():
    a = parse_article(RELEASE.encode(), "https://nimbus.example.com/news/x?utm=1")
    assert a.title == "Nimbus Compute signs 40,000-GPU agreement with Orion AI"
    assert a.published == "2025-03-04"
    assert a.authors == ["Dana Reyes"]
    assert a.language == "en"
    assert a.canonical_url == "https://nimbus.example.com/news/nimbus-orion"
    assert "valued at $4.2 billion" in a.text and "newsletter" not in a.text


def test_tables_are_kept_as_text():
    text = parse_article(RELEASE.encode(), "https://nimbus.example.com/n").text
    assert "16,000 NVIDIA GB200" in text and "180 MW" in text


@pytest.mark.parametrize(
    "content_type", [None, "text/html", "text/html; charset=utf-8", "text/html; charset=iso-8859-1"]
)
def test_windows_1252_pages_decode_whatever_the_header_says(content_type):
    html = (
        "<html><head><meta charset='windows-1252'><title>Caf\u00e9 deal</title></head>"
        "<body><article><p>Le caf\u00e9 paid \u20ac3 million \u2013 \u201ca record\u201d "
        "\u2013 for 1,000 GPUs and a further set of servers in Lyon.</p></article></body>"
        "</html>"
    ).encode("cp1252")
    a = parse_article(html, "https://x.example/c", headers={"Content-Type": content_type or ""})
    assert "Le caf\u00e9 paid \u20ac3 million \u2013 \u201ca record\u201d" in a.text


def test_utf8_beats_a_latin1_header():
    body = "<p>Z\u00fcrich campus, 50 MW</p>".encode()
    assert decode_html(body, "text/html; charset=iso-8859-1") == "<p>Z\u00fcrich campus, 50 MW</p>"


def test_feed_date_is_the_fallback_and_empty_pages_are_empty():
    page = (
        b"<html><body><article><p>"
        + b"Deal text without any date. " * 10
        + b"</p></article></body></html>"
    )
    assert (
        parse_article(page, "https://x.example/a", feed_published="2024-02-03").published
        == "2024-02-03"
    )
    empty = parse_article(
        b"", "https://x.example/e", feed_published="Sat, 03 Feb 2024 10:00:00 GMT"
    )
    assert (empty.text, empty.title, empty.published) == ("", None, "2024-02-03")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2024-05-01T23:30:00-05:00", "2024-05-02"),
        ("Wed, 01 May 2024 10:00:00 GMT", "2024-05-01"),
        ("2024-05-01", "2024-05-01"),
        ((2024, 5, 1, 0, 0, 0, 2, 122, 0), "2024-05-01"),
        ("yesterday", None),
        (None, None),
    ],
)
def test_dates_normalise_to_iso_days(raw, expected):
    assert normalise_date(raw) == expected


def test_feed_parser_needs_bytes():
    with pytest.raises(TypeError):
        parse_feed("<rss/>", "https://x.example/feed")


def test_parse_html_prints_one_json_object_per_file(tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    first.write_text(RELEASE)
    second.write_text("<html><body></body></html>")
    result = CliRunner().invoke(
        cli, ["parse-html", str(first), str(second), "--url", "https://nimbus.example.com/n"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["file"] for r in rows] == [str(first), str(second)]
    assert set(rows[0]) == {
        "file",
        "title",
        "text",
        "published",
        "authors",
        "language",
        "canonical_url",
    }
    assert rows[0]["published"] == "2025-03-04" and rows[1]["text"] == ""


@pytest.mark.parametrize(
    "body,why",
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 20, "a binary file, not an HTML page"),
        (b"just some notes\nnot a web page\n", "no HTML markup: not an HTML page"),
        (b"", "an empty file"),
    ],
)
def test_parse_html_refuses_a_file_that_is_not_html(tmp_path, body, why):
    """One line, exit 2, and nothing printed for the good file given before it either."""
    good, bad = tmp_path / "a.html", tmp_path / "b.bin"
    good.write_text(RELEASE)
    bad.write_bytes(body)
    result = CliRunner().invoke(cli, ["parse-html", str(good), str(bad)])
    assert result.exit_code == 2
    assert result.output == f"error: {bad}: {why}\n"


INDEX = """<!doctype html><html><head><title>News</title></head><body>
<a href="/">Home</a> <a href="/news/">News</a> <a href="https://partner.example.org/x">Partner</a>
<ul><li><a href="/news/2025/orion-deal.html">Orion signs</a></li>
<li><a href="news/2025/lumen-deal.html">Lumen signs</a></li>
<li><a href="/about/team.html">Our team</a></li></ul></body></html>"""


def test_parse_html_links_says_what_a_follow_pattern_takes(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(INDEX)
    result = CliRunner().invoke(
        cli,
        [
            "parse-html",
            str(page),
            "--url",
            "https://www.nimbus.example.com/news/",
            "--links",
            "--follow",
            r"/news/\d{4}/.+\.html$",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "no match  https://www.nimbus.example.com/  Home",
        "off site  https://partner.example.org/x  Partner",
        "follow    https://www.nimbus.example.com/news/2025/orion-deal.html  Orion signs",
        "follow    https://www.nimbus.example.com/news/news/2025/lumen-deal.html  Lumen signs",
        "no match  https://www.nimbus.example.com/about/team.html  Our team",
    ]


def test_parse_html_follow_needs_links_and_a_regex(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(INDEX)
    alone = CliRunner().invoke(cli, ["parse-html", str(page), "--follow", "x"])
    assert alone.exit_code == 2 and alone.output.startswith("error: --follow goes with --links")
    bad = CliRunner().invoke(cli, ["parse-html", str(page), "--links", "--follow", "(["])
    assert bad.exit_code == 2 and bad.output.startswith("error: --follow '([': not a regex")


def test_parse_html_missing_file_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["parse-html", str(tmp_path / "nope.html")])
    assert result.exit_code == 2 and "does not exist" in result.output
