"""The `pages` projection the crawler reads its state from: when each page was fetched."""

import pytest

from store import NewEvent, Store
from store.projections import by_name
from store.replay import catch_up, replay

URL = "https://news.example/2025/deal.html"


def fetched(sha: str) -> NewEvent:
    return NewEvent(
        "DocumentFetched",
        f"doc:{URL}",
        {"source": "wire", "url": URL, "final_url": URL, "status": 200, "sha256": sha},
    )


def pages_row(store: Store) -> dict:
    cursor = store.conn.execute("SELECT * FROM pages WHERE url = ?", (URL,))
    return dict(zip([c[0] for c in cursor.description], cursor.fetchone()))


@pytest.fixture
def store():
    with Store(":memory:") as store:
        yield store


def test_fetched_at_is_the_crawler_stamp_in_meta(store):
    store.append(
        fetched("a" * 64),
        meta={"fetched_at": "2025-03-04T05:06:07.000000+00:00"},
        now="2025-03-04T05:06:09.000000+00:00",
    )
    catch_up(store, [by_name("pages")])
    assert pages_row(store)["fetched_at"] == "2025-03-04T05:06:07.000000+00:00"


def test_fetched_at_falls_back_to_when_the_event_was_recorded(store):
    store.append(fetched("a" * 64), now="2025-03-04T05:06:09.000000+00:00")
    catch_up(store, [by_name("pages")])
    assert pages_row(store)["fetched_at"] == "2025-03-04T05:06:09.000000+00:00"


def test_a_refetch_moves_fetched_at_and_replay_gives_the_same_row(store):
    store.append(fetched("a" * 64), meta={"fetched_at": "2025-03-04T00:00:00+00:00"})
    store.append(fetched("b" * 64), meta={"fetched_at": "2025-04-01T00:00:00+00:00"})
    catch_up(store, [by_name("pages")])
    incremental = pages_row(store)
    assert (incremental["sha256"], incremental["fetched_at"]) == (
        "b" * 64,
        "2025-04-01T00:00:00+00:00",
    )
    replay(store, [by_name("pages")])
    assert pages_row(store) == incremental


def test_a_projection_built_by_version_1_is_rebuilt_with_fetched_at(store):
    """Version 1 left fetched_at empty; the version bump makes catch-up rebuild it."""
    store.append(fetched("a" * 64), meta={"fetched_at": "2025-03-04T00:00:00+00:00"})
    catch_up(store, [by_name("pages")])
    store.conn.execute("UPDATE pages SET fetched_at = NULL")
    store.conn.execute("UPDATE projection_positions SET version = 1 WHERE name = 'pages'")
    catch_up(store, [by_name("pages")])
    assert pages_row(store)["fetched_at"] == "2025-03-04T00:00:00+00:00"
