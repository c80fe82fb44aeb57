"""Projections: exactly-once catch-up, rebuild by replay, and equality of the two (property)."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import NewEvent, Store
from store.projections import ALL
from store.replay import catch_up, lag, project_as_of, replay


def dump(store):
    """Every projection table's rows, in a stable order."""
    out = {}
    for projection in ALL:
        for table in projection.tables:
            rows = store.conn.execute(f"SELECT * FROM {table}").fetchall()
            out[table] = sorted(json.dumps(r) for r in rows)
    return out


urls = st.sampled_from([f"http://news.test/{i}" for i in range(5)])
sources = st.sampled_from(["wire", "trade", "lab"])


@st.composite
def content_events(draw):
    kind = draw(st.sampled_from(["fetched", "parsed", "crawl"]))
    url = draw(urls)
    if kind == "fetched":
        return NewEvent(
            "DocumentFetched",
            f"doc:{url}",
            {
                "source": draw(sources),
                "url": url,
                "final_url": url,
                "status": 200,
                "sha256": draw(st.sampled_from(["a" * 64, "b" * 64, "c" * 64])),
                "etag": draw(st.none() | st.text(max_size=5)),
            },
        )
    if kind == "parsed":
        return NewEvent(
            "ArticleParsed",
            f"doc:{url}",
            {
                "url": url,
                "title": draw(st.text(max_size=12)),
                "text": "body",
                "published": draw(st.none() | st.dates().map(str)),
                "parser_version": "1",
            },
        )
    run = draw(st.integers(0, 3))
    per_source = {
        name: {
            "reached": draw(st.booleans()),
            "new": draw(st.integers(0, 3)),
            "articles": draw(st.integers(0, 3)),
            "error": None,
        }
        for name in draw(st.sets(sources, min_size=1))
    }
    return NewEvent("CrawlFinished", f"crawl:{run}", {"run_id": str(run), "sources": per_source})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=st.lists(content_events(), max_size=40),
    cuts=st.lists(st.integers(1, 40), max_size=6),
    batch=st.integers(1, 7),
)
def test_incremental_catch_up_equals_full_replay(events, cuts, batch):
    with Store(":memory:") as store:
        start = 0
        for cut in sorted(set(cuts)) + [len(events)]:
            store.append(events[start:cut])
            catch_up(store, batch_size=batch)
            start = max(start, cut)
        incremental = dump(store)
        assert all(lag(store, p) == 0 for p in ALL)
        replay(store)
        assert dump(store) == incremental


def fetched(url, sha="a" * 64, source="wire"):
    return NewEvent(
        "DocumentFetched",
        f"doc:{url}",
        {"source": source, "url": url, "final_url": url, "status": 200, "sha256": sha},
    )


def test_catch_up_applies_each_event_exactly_once(tmp_path):
    with Store(tmp_path / "d.db") as store:
        store.append([fetched("http://a/1"), fetched("http://a/2")])
        assert catch_up(store)["pages"] == 2
        assert catch_up(store)["pages"] == 0
        store.append(fetched("http://a/1", sha="b" * 64))
        assert lag(store, ALL[0]) == 1
        assert catch_up(store)["pages"] == 1
        assert (
            store.conn.execute("SELECT sha256 FROM pages WHERE url = 'http://a/1'").fetchone()[0]
            == "b" * 64
        )


def test_a_failed_batch_leaves_table_and_checkpoint_together(tmp_path):
    """A crash inside a batch rolls back both its rows and its checkpoint."""
    with Store(tmp_path / "d.db") as store:
        store.append([fetched("http://a/1")])
        catch_up(store)
        store.append([fetched("http://a/2")])
        pages = ALL[0]
        original = pages.handlers["DocumentFetched"]

        def crash(conn, event):
            original(conn, event)
            raise RuntimeError("power cut")

        pages.handlers["DocumentFetched"] = crash
        try:
            try:
                catch_up(store, [pages])
            except RuntimeError:
                pass
        finally:
            pages.handlers["DocumentFetched"] = original
        assert store.conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 1
        assert lag(store, pages) == 1
        catch_up(store, [pages])
        assert store.conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 2


def test_as_of_projection_sees_only_what_was_recorded_by_then(tmp_path):
    with Store(tmp_path / "d.db") as store:
        store.append(fetched("http://a/1"), now="2026-01-01T00:00:00+00:00")
        store.append(fetched("http://a/2"), now="2026-03-01T00:00:00+00:00")
        conn = project_as_of(store, "2026-02-01")
        assert [r[0] for r in conn.execute("SELECT url FROM pages")] == ["http://a/1"]


def test_changed_projection_version_triggers_rebuild(tmp_path):
    with Store(tmp_path / "d.db") as store:
        store.append([fetched("http://a/1")])
        catch_up(store)
        store.conn.execute("UPDATE projection_positions SET version = 0 WHERE name = 'pages'")
        store.conn.execute("DELETE FROM pages")
        assert lag(store, ALL[0]) == 1
        catch_up(store)
        assert store.conn.execute("SELECT COUNT(*) FROM pages").fetchone()[0] == 1
