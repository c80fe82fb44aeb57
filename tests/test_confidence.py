"""How sure the extractor is that a deal is a deal: carried from extraction to the deal, shown
by `deals show`, and a filter of `deals query` (invented companies and sentences)."""

import json

import pytest
from click.testing import CliRunner
from deal_events import article, deal, extracted

from cli import cli
from store import Store


@pytest.fixture
def scored(db_path):
    with Store(db_path) as store:
        store.append(
            [
                article("sure", "2025-04-02"),
                extracted("sure", deal("Arvale Compute", "Brisk Labs", confidence=0.95)),
                article("doubtful", "2025-04-03"),
                extracted("doubtful", deal("Corvid Systems", "Dunmore AI", confidence=0.55)),
                article("doubtful-again", "2025-04-09"),
                extracted("doubtful-again", deal("Corvid Systems", "Dunmore AI", confidence=0.8)),
                article("unsure", "2025-04-05"),
                extracted("unsure", deal("Elmstead Power", "Fenwick Cloud", confidence=0.52)),
                article("old", "2025-04-06"),
                extracted("old", deal("Galloway Labs", "Harrow Data")),  # before 0.13: none
                article("broken", "2025-04-07"),
                extracted("broken", deal("Ivel Grid", "Juniper Racks", confidence="very")),
            ]
        )
    return db_path


def run(db, *args):
    return CliRunner().invoke(cli, [*args, "--db", str(db)])


def found(db, *args) -> dict[str, float | None]:
    result = run(db, "query", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return {" + ".join(d["parties"]): d["confidence"] for d in json.loads(result.output)}


def test_a_deal_is_as_sure_as_its_surest_report(scored):
    deals = found(scored)
    assert deals["Arvale Compute + Brisk Labs"] == 0.95
    assert deals["Corvid Systems + Dunmore AI"] == 0.8  # 0.55, then a plainer article: 0.8
    assert deals["Galloway Labs + Harrow Data"] is None
    assert deals["Ivel Grid + Juniper Racks"] is None  # a malformed value is no confidence


def test_min_confidence_keeps_the_deals_the_extractor_is_sure_of(scored):
    assert set(found(scored, "--min-confidence", "0.9")) == {"Arvale Compute + Brisk Labs"}
    assert set(found(scored, "--min-confidence", "0.75")) == {
        "Arvale Compute + Brisk Labs",
        "Corvid Systems + Dunmore AI",
    }
    assert len(found(scored, "--min-confidence", "0")) == 3  # deals with no confidence drop out


def test_a_deal_a_person_confirmed_passes_any_threshold(scored):
    ident = next(
        d["id"]
        for d in json.loads(run(scored, "query", "--format", "json").output)
        if d["parties"] == ["Elmstead Power", "Fenwick Cloud"]
    )
    assert run(scored, "confirm", ident, "--reason", "read the filing").exit_code == 0
    assert set(found(scored, "--min-confidence", "0.9")) == {
        "Arvale Compute + Brisk Labs",
        "Elmstead Power + Fenwick Cloud",
    }


@pytest.mark.parametrize("value", ["high", "1.5", "-0.1", "nan"])
def test_a_confidence_that_is_no_probability_is_a_one_line_error(scored, value):
    result = run(scored, "query", "--min-confidence", value)
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"error: --min-confidence: {value!r} is not a number from 0 to 1 (e.g. 0.9)"
    ]
    assert len(found(scored)) == 5  # nothing lost


def test_show_says_how_sure_the_extractor_is(scored):
    ident = next(
        d["id"]
        for d in json.loads(run(scored, "query", "--format", "json").output)
        if d["parties"] == ["Arvale Compute", "Brisk Labs"]
    )
    result = run(scored, "show", ident)
    assert result.exit_code == 0, result.output
    assert "confidence 0.95 that this is a deal (its surest report's)" in result.output.splitlines()
