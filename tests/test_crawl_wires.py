"""Wire releases (PR Newswire, Business Wire, GlobeNewswire): the parser keeps the release and
drops its dateline and the boilerplate after it. Invented pages in the wires' structure."""

from __future__ import annotations

import pytest
from crawlsite import article, press_release

from crawler.parsing import parse_article, wire_release
from crawler.relevance import on_topic

DEAL = [
    "Lattice Compute will deploy 20,000 NVIDIA H200 GPUs for Borealis AI under a "
    "$1.2 billion, three-year agreement.",
    "The cluster will draw 40 MW at a campus in Columbus, Ohio, and come online in 2025.",
]
BOILERPLATE = (
    "About Lattice Compute",
    "builds and operates",
    "Forward-Looking",
    "Litigation",
    "Media Contact",
    "press@example.com",
    "SOURCE Lattice",
    "Copyright",
    "PRNewswire",
    "BUSINESS WIRE",
    "GLOBE NEWSWIRE",
    "SANTA CLARA",
)


@pytest.mark.parametrize(
    "wire, dateline, day",
    [
        ("prn", "SANTA CLARA, Calif., May 1, 2024", "2024-05-01"),
        ("bw", "SANTA CLARA, Calif.--(BUSINESS WIRE)--", None),
        ("bw", "SANTA CLARA, Calif.--May 1, 2024", "2024-05-01"),
        ("gnw", "SANTA CLARA, Calif., Sept. 03, 2024", "2024-09-03"),
    ],
)
def test_a_wire_release_keeps_its_body_and_loses_dateline_and_boilerplate(wire, dateline, day):
    if wire == "bw" and "BUSINESS WIRE" in dateline:  # the wire's mark without a date
        page = press_release(
            "bw", "Lattice Compute signs GPU deal", "SANTA CLARA, Calif.", DEAL, "Lattice Compute"
        )
    else:
        page = press_release(
            wire, "Lattice Compute signs GPU deal", dateline, DEAL, "Lattice Compute"
        )
    parsed = parse_article(page.encode(), "https://www.example.com/news/lattice.html")
    assert parsed.text == "\n".join(DEAL)
    assert not [b for b in BOILERPLATE if b in parsed.text]
    assert parsed.title == "Lattice Compute signs GPU deal"
    assert parsed.published == day


def test_the_release_ends_at_the_first_boilerplate_line_of_any_kind():
    body = (
        "NEW YORK, March 4, 2025 /PRNewswire/ -- Halcyon Compute ordered 5,000 B200 GPUs.\n"
        "The order is worth $300 million.\n"
        "View original content to download multimedia: https://www.prnewswire.com/x.html\n"
        "SOURCE Halcyon Compute"
    )
    assert wire_release(body) == (
        "Halcyon Compute ordered 5,000 B200 GPUs.\nThe order is worth $300 million.",
        "2025-03-04",
    )
    investor = (
        "AUSTIN, Texas, Jan. 7, 2025 (GLOBE NEWSWIRE) -- Kestrel signs a PPA.\n"
        "Investor Relations Contact: ir@example.com"
    )
    assert wire_release(investor) == ("Kestrel signs a PPA.", "2025-01-07")


def test_a_page_that_is_not_a_wire_release_keeps_every_line():
    text = "Acme buys 1,000 GPUs.\nAbout Acme\nAcme makes things.\nContacts:"
    assert wire_release(text) == (text, None)
    page = article(
        "About the cluster",
        ["Acme buys 1,000 GPUs.", "About Acme", "Forward-looking statements are ours to make."],
    )
    assert "About Acme" in parse_article(page.encode(), "https://acme.example/a").text


def test_the_prefilter_keeps_releases_about_deals_and_drops_the_rest():
    deal = press_release("prn", "GPU deal", "NEW YORK, May 1, 2024", DEAL, "Lattice Compute")
    dividend = press_release(
        "bw",
        "Quarterly dividend",
        "OMAHA, Neb.--May 1, 2024",
        ["The board declared a dividend of $0.25 per share."],
        "Acme Foods",
    )
    assert on_topic(deal.encode()) and not on_topic(dividend.encode())
