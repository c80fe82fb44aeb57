"""Discovery sources against local servers that speak their formats: GDELT's DOC API (an
article list pointing at pages of other hosts) and SEC EDGAR (Atom feed, filing index, 8-K and
its press-release exhibit). Real `deals crawl` runs in a subprocess, as in test_crawl.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from crawlsite import Page, article, edgar_feed, filing_index, gdelt_api, press_release
from test_crawl import deals_crawl, events, fresh_site, last_report, site  # noqa: F401

pytestmark = pytest.mark.slow
NO_WAIT = ("--set", "DEALS_GDELT_INTERVAL=0")
CONTACT = {"DEALS_CONTACT_EMAIL": "Ana Lopez ana@example.org"}
DEAL = [
    "Lattice Compute will deploy 20,000 NVIDIA H200 GPUs for Borealis AI under a "
    "$1.2 billion, three-year agreement.",
    "The cluster draws 40 MW in Ohio.",
]


def seen(hours_ago: float) -> str:
    when = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    return when.strftime("%Y%m%dT%H%M%SZ")


def test_a_gdelt_article_list_leads_to_pages_on_other_hosts(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    publisher = "localhost"  # another host than the API's 127.0.0.1: another site
    for i in (1, 2, 3):
        site.add(f"/pub/deal-{i}.html", article(f"Lattice Compute deal {i}", DEAL))
    site.add("/pub/weather.html", article("Sunny all week", ["No rain is expected."]))
    site.add(
        "/pub/moved.html",
        status=301,
        headers={"Location": site.url("/pub/deal-1.html?via=redirect")},
    )
    listed = [
        {
            "url": site.url(f"/pub/deal-{i}.html", host=publisher),
            "title": f"Deal {i}",
            "seendate": seen(i),
            "domain": publisher,
        }
        for i in (1, 2, 3)
    ]
    listed += [
        {
            "url": site.url("/pub/weather.html", host=publisher),
            "title": "Weather",
            "seendate": seen(4),
        },
        {"url": site.url("/pub/moved.html", host=publisher), "title": "Moved", "seendate": seen(5)},
        {"url": "ftp://example.org/x", "title": "Not a page", "seendate": seen(6)},
        {
            "url": site.url("/pub/deal-9.html", host=publisher),
            "title": "Too old",
            "seendate": seen(50),
        },
    ]
    site.generate("/api/v2/doc/doc", gdelt_api(listed), query=True)
    done = deals_crawl(
        db,
        [
            {
                "name": "gpu-deals",
                "type": "gdelt",
                "url": site.url("/api/v2/doc/doc"),
                "query": '"GPU" AND (deal OR agreement)',
                "timespan": "1d",
            }
        ],
        *NO_WAIT,
    )
    assert done.returncode == 0, done.stderr
    fetched = {e["url"]: e for e in events(db, "DocumentFetched")}
    assert set(fetched) == {site.url(f"/pub/deal-{i}.html", host=publisher) for i in (1, 2, 3)}
    assert {e["listed_title"] for e in fetched.values()} == {"Deal 1", "Deal 2", "Deal 3"}
    assert {e["url"] for e in events(db, "ArticleParsed")} == set(fetched)
    (api,) = site.requested("/api/v2/doc/doc")
    assert "mode=artlist" in api.query and "format=json" in api.query
    assert "maxrecords=250" in api.query and "startdatetime=" in api.query
    report = last_report(db)["gpu-deals"]
    assert report["reached"] and report["off_topic"] == 1 and report["bad_entries"] == 1
    # the redirect to another host than the publisher's is refused; robots.txt asked per host
    assert report["errors"] == {"offsite": 1}
    assert not [h for h in site.hits if "via=redirect" in h.query]
    assert "1 off topic" in done.stdout
    (dropped,) = events(db, "PageOffTopic")  # no blob, but the next crawl knows it
    assert dropped["url"] == site.url("/pub/weather.html", host=publisher)

    site.hits.clear()
    again = deals_crawl(
        db,
        [
            {
                "name": "gpu-deals",
                "type": "gdelt",
                "url": site.url("/api/v2/doc/doc"),
                "query": "GPU",
            }
        ],
        *NO_WAIT,
    )
    assert again.returncode == 0, again.stderr
    assert not site.requested("/pub/weather.html")
    assert last_report(db)["gpu-deals"]["known_off_topic"] == 1


def test_a_full_gdelt_window_is_split_in_halves_until_each_lists_everything(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    site.generate(
        "/pub/",
        lambda path: Page(
            article("Lattice Compute deal", [f"{path}: " + DEAL[0], DEAL[1]]).encode()
        ),
    )
    listed = [
        {"url": site.url(f"/pub/{i}.html"), "title": f"Deal {i}", "seendate": seen(i * 0.07)}
        for i in range(300)
    ]
    site.generate("/api/v2/doc/doc", gdelt_api(listed), query=True)
    done = deals_crawl(
        db,
        [
            {
                "name": "wide",
                "type": "gdelt",
                "url": site.url("/api/v2/doc/doc"),
                "query": "GPU",
                "timespan": "1d",
            }
        ],
        *NO_WAIT,
        "--set",
        "DEALS_DOMAIN_MAX_PAGES=280",
    )
    assert done.returncode == 0, done.stderr
    windows = [h.query for h in site.requested("/api/v2/doc/doc")]
    assert len(windows) == 3  # the day came back full (250): its two halves list the rest
    assert len(events(db, "DocumentFetched")) == 280
    report = last_report(db)["wide"]
    assert report["domain_capped"] == 20 and report["reached"]


def test_an_api_complaint_fails_the_gdelt_source_in_one_line(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    site.add(
        "/api/v2/doc/doc", "Please limit requests to one every 5 seconds.", content_type="text/html"
    )
    done = deals_crawl(
        db,
        [{"name": "busy", "type": "gdelt", "url": site.url("/api/v2/doc/doc"), "query": "GPU"}],
        *NO_WAIT,
    )
    assert done.returncode == 1
    report = last_report(db)["busy"]
    assert not report["reached"] and "Please limit requests" in report["error"]


CIK = "1045810"
FILING = f"/Archives/edgar/data/{CIK}/000104581024000050"


def edgar_site(site) -> None:
    release = press_release(
        "bw",
        "Lattice Compute and Borealis AI sign $1.2 billion GPU agreement",
        "SANTA CLARA, Calif.--May 1, 2024",
        DEAL,
        "Lattice Compute",
    )
    site.add(f"{FILING}/ex991.htm", release)
    site.add(
        f"{FILING}/lc-20240501.htm",
        article(
            "Form 8-K",
            [
                "Item 7.01 Regulation FD Disclosure. On May 1, 2024, Lattice Compute issued a press "
                "release announcing a GPU supply agreement with Borealis AI. A copy is furnished as "
                "Exhibit 99.1."
            ],
        ),
    )
    site.add(
        f"{FILING}/0001045810-24-000050-index.htm",
        filing_index(
            "LATTICE COMPUTE INC",
            "2024-05-01",
            [
                ("8-K", f"/ix?doc={FILING}/lc-20240501.htm", "8-K"),
                ("PRESS RELEASE", f"{FILING}/ex991.htm", "EX-99.1"),
                ("GRAPHIC", f"{FILING}/logo.jpg", "GRAPHIC"),
            ],
        ),
    )
    site.add(
        "/Archives/q/0001-index.htm",
        filing_index(
            "LATTICE COMPUTE INC", "2024-04-20", [("10-Q", "/Archives/q/10q.htm", "10-Q")]
        ),
    )
    filings = [
        {
            "index": site.url(f"{FILING}/0001045810-24-000050-index.htm"),
            "date": "2024-05-01",
            "form": "8-K",
        },
        {"index": site.url("/Archives/q/0001-index.htm"), "date": "2024-04-20", "form": "10-Q"},
    ]
    site.generate(
        "/cgi-bin/browse-edgar",
        lambda path, query: Page(
            edgar_feed("LATTICE COMPUTE INC", query["CIK"], filings).encode(),
            "application/atom+xml",
        ),
        query=True,
    )


EDGAR_SOURCE = {"name": "sec-8k", "type": "edgar", "ciks": [int(CIK)]}


def test_an_edgar_8k_and_its_press_release_exhibit_give_articles(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    edgar_site(site)
    done = deals_crawl(
        db, [{**EDGAR_SOURCE, "url": site.url("/cgi-bin/browse-edgar")}], env=CONTACT
    )
    assert done.returncode == 0, done.stderr
    fetched = {e["url"]: e for e in events(db, "DocumentFetched")}
    exhibit, filing = site.url(f"{FILING}/ex991.htm"), site.url(f"{FILING}/lc-20240501.htm")
    assert set(fetched) == {exhibit, filing}  # no 10-Q, no picture, no XBRL
    assert fetched[exhibit]["listed_published"] == "2024-05-01"
    assert fetched[exhibit]["listed_title"] == (
        "LATTICE COMPUTE INC 8-K (items 7.01 and 9.01): EX-99.1: PRESS RELEASE"
    )
    parsed = {e["url"]: e for e in events(db, "ArticleParsed")}
    assert "20,000 NVIDIA H200 GPUs" in parsed[exhibit]["text"]
    assert parsed[exhibit]["published"] == "2024-05-01"
    (feed,) = site.requested("/cgi-bin/browse-edgar")
    assert "CIK=0001045810" in feed.query and "type=8-K" in feed.query
    assert "output=atom" in feed.query
    # EDGAR's rules: who runs the crawler, with an email; at most 10 requests a second, even
    # with DOWNLOAD_DELAY=0 and 8 requests per domain on the command line (FAST)
    assert {h.headers["User-Agent"] for h in site.hits} == {
        f"compute-deals/{__import__('store').__version__} (Ana Lopez ana@example.org)"
    }
    times = sorted(h.at for h in site.hits)
    assert len(times) >= 5 and min(b - a for a, b in zip(times, times[1:])) >= 0.09


def test_an_edgar_source_without_a_contact_email_is_refused_before_anything(fresh_site, tmp_path):
    site, db = fresh_site, tmp_path / "deals.db"
    done = deals_crawl(
        db,
        [{**EDGAR_SOURCE, "url": site.url("/cgi-bin/browse-edgar")}],
        env={"DEALS_CONTACT_EMAIL": "", "DEALS_CONTACT_URL": "https://x.org"},
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith("error: source sec-8k: EDGAR needs a contact")
    assert not db.exists() and not site.hits
