"""The parse pool the item pipeline feeds: same events as parsing in-process, failures kept apart."""

import pytest

from crawler.parse_pool import ParsePool, PendingParses
from crawler.parse_stage import parse_job


def page(i: int) -> tuple:
    url = f"https://news.example/{i}.html"
    body = (
        f"<html lang='en'><head><title>Acme deal {i} | News</title></head><body><article>"
        f"<h1>Acme deal {i}</h1><p>Acme Cloud will deploy {i},000 NVIDIA H100 GPUs at a "
        f"300 MW campus in Texas under a five-year agreement.</p></article></body></html>"
    )
    return (url, f"{i:064x}", body.encode(), url, "text/html; charset=utf-8", "2025-01-02")


@pytest.fixture(scope="module", params=[0, 1], ids=["in-process", "one-worker"])
def pool(request):
    with ParsePool(request.param) as pool:
        yield pool


def test_every_page_comes_back_parsed_as_in_process_and_in_order(pool):
    pending = PendingParses(pool, chunk=3, limit=4)
    jobs = [page(i) for i in range(10)]
    events = []
    for job in jobs:
        pending.submit(job)
        assert len(pending.inflight) * 3 <= 4 + 3  # waits rather than queue without bound
        taken, _ = pending.take(at_least=2)
        assert taken == [] or len(taken) >= 2
        events.extend(taken)
    rest, failed = pending.take(wait=True)
    events.extend(rest)
    assert failed == [] and not pending.inflight and not pending.waiting
    assert [e.encoded() for e in events] == [parse_job(j).encoded() for j in jobs]


def test_a_page_the_parser_fails_on_is_reported_and_the_others_are_kept(pool):
    pending = PendingParses(pool, chunk=4)
    broken = ("https://news.example/broken.html", "f" * 64, None, "x", None, None)
    for job in (page(1), broken, page(2)):
        pending.submit(job)
    events, failed = pending.take(wait=True)
    assert [(e.type, e.data["url"]) for e in events] == [
        ("ArticleParsed", page(1)[0]),
        ("ParseFailed", broken[0]),
        ("ArticleParsed", page(2)[0]),
    ]
    assert events[1].data["error_type"] == "AttributeError"
    assert events[1].data["sha256"] == "f" * 64 and events[1].data["parser_version"]
    ((url, error),) = failed
    assert url == broken[0] and error.startswith("AttributeError")
