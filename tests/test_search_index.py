"""The deals' full-text index: a deal is found by a word of its evidence, after every change."""

from datasette.utils import detect_fts
from deal_events import deal, extracted

from store import Store
from store.projections.articles import Articles
from store.projections.deals import Deals
from store.replay import catch_up, replay

PROJECTIONS = [Articles(), Deals()]


def found(conn, word: str) -> list[str]:
    """Deal ids as Datasette's search box on `deals` finds them (fts_pk: rowid)."""
    return sorted(
        i
        for (i,) in conn.execute(
            "SELECT id FROM deals WHERE rowid IN (SELECT rowid FROM deal_search_fts"
            " WHERE deal_search_fts MATCH ?)",
            (word,),
        )
    )


def deal_ids(conn) -> list[str]:
    return sorted(i for (i,) in conn.execute("SELECT id FROM deals"))


def test_a_deal_is_found_by_a_word_of_its_evidence_and_by_a_party(db_path):
    with Store(db_path) as store:
        store.append(
            [
                extracted("a", deal("Halcyon", "Vantor", evidence="A liquid-cooled hall.")),
                extracted("b", deal("Oracle", "OpenAI", evidence="Abilene campus.")),
            ]
        )
        catch_up(store, PROJECTIONS)
        (halcyon,) = [i for i in deal_ids(store.conn) if found(store.conn, "liquid") == [i]]
        assert found(store.conn, "vantor") == [halcyon]
        assert found(store.conn, "halls") == [halcyon]  # porter stemming, as sqlite-utils sets it
        assert len(found(store.conn, "abilene")) == 1


def test_the_index_follows_new_reports_and_re_extraction(db_path):
    with Store(db_path) as store:
        store.append(extracted("a", deal("Halcyon", "Vantor", evidence="First word: granite.")))
        catch_up(store, PROJECTIONS)
        assert len(found(store.conn, "granite")) == 1
        store.append(
            extracted("a", deal("Halcyon", "Vantor", evidence="Now it says basalt."), version="2")
        )
        catch_up(store, PROJECTIONS)
        assert found(store.conn, "granite") == []
        assert found(store.conn, "basalt") == deal_ids(store.conn)


def test_a_read_command_defers_indexing_to_the_next_catch_up(db_path):
    with Store(db_path) as store:
        store.append(extracted("a", deal("Halcyon", "Vantor", evidence="Granite.")))
        catch_up(store, PROJECTIONS)
        store.append(extracted("b", deal("Oracle", "OpenAI", evidence="Basalt.")))
        catch_up(store, PROJECTIONS, index=False)  # what `deals query` does when behind
        assert found(store.conn, "basalt") == []
        catch_up(store, PROJECTIONS)
        assert len(found(store.conn, "basalt")) == 1


def test_replay_rebuilds_the_index_with_the_deals(db_path):
    with Store(db_path) as store:
        store.append(
            [extracted(d, deal(f"Party {d}", "Vantor", evidence=f"Word{d} here.")) for d in "abcde"]
        )
        catch_up(store, PROJECTIONS)
        before = {w: found(store.conn, w) for w in ("worda", "wordc", "vantor")}
        replay(store, PROJECTIONS)
        assert {w: found(store.conn, w) for w in before} == before
        rows = store.conn.execute(
            "SELECT COUNT(*) FROM deal_search s JOIN deals d ON d.rowid = s.id AND d.id = s.deal_id"
        ).fetchone()[0]
        assert rows == len(deal_ids(store.conn)) == 5


def test_datasette_detects_the_index_as_sqlite_utils_made_it(db_path):
    with Store(db_path) as store:
        store.append(extracted("a", deal("Halcyon", "Vantor")))
        catch_up(store, PROJECTIONS)
        assert detect_fts(store.conn, "deal_search") == "deal_search_fts"
