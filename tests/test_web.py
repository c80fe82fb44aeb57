"""`deals serve` in process: Datasette's read-only view of the tables, the metadata, the
canned queries and the project's pages (the browser tests drive the same pages for real)."""

import asyncio
import json

import pytest
from deal_events import article, curation, deal, extracted

from store import Store
from store.replay import catch_up


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "deals.db"
    with Store(path) as store:
        store.append(
            [
                article("a", "2025-01-10", title="Halcyon and Vantor sign"),
                article("b", "2025-04-02", title="Kestrel powers Halcyon", text="A nuclear PPA."),
                extracted(
                    "a",
                    deal(
                        "Halcyon Compute",
                        "Vantor Labs",
                        gpu_count=18000,
                        power_mw=220.0,
                        value_usd=3.4e9,
                        chip="B200",
                        evidence="Halcyon will supply a liquid-cooled cluster.",
                        roles={"Halcyon Compute": "provider", "Vantor Labs": "buyer"},
                        confidence=0.913,
                    ),
                ),
                extracted(
                    "b",
                    deal(
                        "Kestrel Power",
                        "Halcyon Compute",
                        kind="power",
                        power_mw=300.0,
                        evidence="Kestrel will deliver 300 MW.",
                        roles={"Kestrel Power": "power_supplier"},
                    ),
                ),
            ]
        )
        catch_up(store)
        halcyon_vantor = store.conn.execute(
            "SELECT id FROM deals WHERE parties LIKE '%Vantor%'"
        ).fetchone()[0]
        store.append(curation("DealConfirmed", deal_id=halcyon_vantor))
        catch_up(store)
    return path


def get(path, url):
    """GET `url` from a Datasette over `path`: (status, text)."""
    from graph.web.serve import datasette_for

    async def fetch():
        ds = datasette_for(path)
        await ds.invoke_startup()
        response = await ds.client.get(url)
        return response.status_code, response.text

    return asyncio.run(fetch())


def get_json(path, url):
    status, text = get(path, url)
    assert status == 200, text
    return json.loads(text)


def test_the_log_and_index_tables_are_hidden(filled):
    tables = {t["name"]: t["hidden"] for t in get_json(filled, "/deals.json")["tables"]}
    assert not tables["deals"] and not tables["companies"] and not tables["articles"]
    for internal in (
        "events",
        "blobs",
        "projection_positions",
        "deal_search",
        "deal_search_fts",
        "articles_fts",
        "deal_reports_fts_data",
    ):
        assert tables.get(internal, True), internal


def test_every_shown_table_and_column_is_described(filled):
    from graph.web.metadata import TABLES

    status, page = get(filled, "/deals")
    assert status == 200
    import sqlite3

    conn = sqlite3.connect(filled)
    for table, meta in TABLES.items():
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        assert columns, table
        assert meta["description"]
        assert set(columns) <= set(meta["columns"]), (table, set(columns) - set(meta["columns"]))


def test_deals_are_faceted_sortable_and_searchable(filled):
    found = get_json(filled, "/deals/deals.json?_shape=objects")
    assert {f for f in found["facet_results"]} >= {"kind", "status", "chip", "parties"}
    assert len(found["rows"]) == 2
    by_value = get_json(filled, "/deals/deals.json?_sort_desc=power_mw&_shape=objects")
    assert [r["power_mw"] for r in by_value["rows"]] == [300.0, 220.0]
    for sort in ("gpu_count", "value_usd"):
        assert get(filled, f"/deals/deals?_sort_desc={sort}")[0] == 200
    searched = get_json(filled, "/deals/deals.json?_search=liquid&_shape=objects")
    assert [json.loads(r["parties"]) for r in searched["rows"]] == [
        ["Halcyon Compute", "Vantor Labs"]
    ]
    faceted = get_json(filled, "/deals/deals.json?kind=power&_shape=objects")
    assert [r["kind"] for r in faceted["rows"]] == ["power"]
    articles = get_json(filled, "/deals/articles.json?_search=nuclear&_shape=objects")
    assert [r["title"] for r in articles["rows"]] == ["Kestrel powers Halcyon"]


@pytest.mark.parametrize(
    "query, params, expected",
    [
        ("biggest_deals", "", 2),
        ("company_deals", "?company=kestrel", 1),
        ("conflicts", "", 0),
        ("this_week", "", 2),
        ("deals_at_facility", "?facility=x", 0),
    ],
)
def test_canned_queries_run(filled, query, params, expected):
    found = get_json(filled, f"/deals/{query}.json{params}{'&' if params else '?'}_shape=array")
    assert len(found) == expected


def test_cells_link_to_deal_and_company_pages(filled):
    status, page = get(filled, "/deals/deals")
    assert status == 200
    assert 'href="/company/Halcyon%20Compute"' in page
    (deal_id,) = [
        r["id"]
        for r in get_json(filled, "/deals/deals.json?_shape=array")
        if "Vantor" in r["parties"]
    ]
    assert f'href="/deals/deals/{deal_id}"' in page  # Datasette's row link, which leads to:
    assert get(filled, f"/deals/deals/{deal_id}")[0] == 302
    assert get(filled, "/deals/companies/kestrel~20power")[0] == 302
    assert "$3.4B" in page and "18k" in page


def test_deal_page_shows_figures_evidence_and_curation(filled):
    (row,) = get_json(filled, "/deals/deals.json?_search=liquid&_shape=array")
    status, page = get(filled, f"/deal/{row['id']}")
    assert status == 200
    for said in (
        "18k",
        "220 MW",
        "$3.4B",
        "B200",
        "Halcyon will supply a liquid-cooled cluster.",
        "https://news.test/a",
        "Halcyon and Vantor sign",
        "confirmed",
        "confidence 0.91",
        'href="/company/halcyon%20compute"',
    ):
        assert said in page, said
    assert get(filled, "/deal/ffffffffff")[0] == 404


def test_company_page_draws_its_partners_inline(filled):
    status, page = get(filled, "/company/halcyon%20compute")
    assert status == 200
    assert "<svg" in page and "Kestrel Power" in page and "Vantor Labs" in page
    assert "http://www.w3.org/2000/svg" in page  # an inline SVG, not an image to fetch
    assert get(filled, "/company/nobody")[0] == 404


def test_datasette_reads_without_writing_and_cron_keeps_writing(filled):
    """The pages read through `mode=ro`; a writer meanwhile meets no lock."""
    from graph.web.serve import datasette_for

    async def scenario():
        ds = datasette_for(filled)
        await ds.invoke_startup()
        db = ds.get_database()
        assert (await db.execute("SELECT COUNT(*) FROM deals")).first()[0] == 2
        with pytest.raises(Exception, match="readonly"):
            await db.execute_fn(lambda conn: conn.execute("CREATE TABLE t (a)"))
        with Store(filled) as store:  # what `deals run` does, while Datasette is open
            store.append(extracted("c", deal("Oracle", "OpenAI", evidence="Abilene.")))
            catch_up(store)
        return (await db.execute("SELECT COUNT(*) FROM deals")).first()[0]

    assert asyncio.run(scenario()) == 3
