"""One agreement in many reports, told from a second order or a follow-on agreement.

Invented articles from several outlets go through the real projection; the decision they
exercise is the fitted same-agreement model (store/projections/data/same_agreement.json)."""

import json
from pathlib import Path

import pytest
from deal_events import article, deal, extracted

from store import Store
from store.projections.deal_merging import (
    FEATURES,
    WEIGHTS_FILE,
    Report,
    features,
    load_model,
    name_key,
)
from store.replay import catch_up

PAIRS = Path(WEIGHTS_FILE).with_name("same_agreement_pairs.jsonl")


def groups(*reports):
    """Feed (outlet, day, parties, evidence, fields) reports as ArticleParsed + DealsExtracted
    events, each from its own article; returns each deal's outlets, in date order."""
    events = []
    for n, (outlet, day, parties, evidence, fields) in enumerate(reports):
        doc = f"{outlet}-{n}"
        events += [
            article(doc, day, source=outlet),
            extracted(doc, deal(*parties, evidence=evidence, **fields)),
        ]
    with Store(":memory:") as store:
        store.append(events)
        catch_up(store)
        out = []
        for (deal_id,) in store.conn.execute("SELECT id FROM deals ORDER BY first_reported, id"):
            out.append(
                [
                    doc.rsplit("-", 1)[0]
                    for (doc,) in store.conn.execute(
                        "SELECT r.doc_id FROM deal_reports r JOIN deal_articles a"
                        " ON a.url = 'https://news.test/' || r.doc_id WHERE r.deal_id = ?"
                        " ORDER BY a.published, r.doc_id",
                        (deal_id,),
                    )
                ]
            )
        return sorted(out)


NM = ("Mistral AI", "Nebius")
H200 = {"gpu_count": 20_000, "chip": "H200", "value_usd": 1.5e9}


def test_three_outlets_one_agreement_whatever_kind_each_guessed():
    found = groups(
        (
            "wire",
            "2025-09-01",
            NM[::-1],
            "Nebius will provide Mistral AI with 20,000 NVIDIA"
            " H200 GPUs under a $1.5 billion agreement.",
            dict(H200, kind="chips"),
        ),
        (
            "trade",
            "2025-09-09",
            NM,
            "Mistral AI has signed a $1.5 billion agreement with"
            " Nebius for 20,000 NVIDIA H200 GPUs.",
            dict(H200, kind="compute"),
        ),
        (
            "blog",
            "2025-09-12",
            NM,
            "Nebius and Mistral AI: 20,000 H200s for $1.5bn.",
            dict(H200, kind="datacenter"),
        ),
    )
    assert found == [["wire", "trade", "blog"]]


def test_outlets_disagreeing_on_a_figure_the_same_week_report_one_disputed_agreement():
    found = groups(
        (
            "wire",
            "2025-10-06",
            ("AMD", "OpenAI"),
            "AMD will supply 6 gigawatts of MI450 GPUs to OpenAI.",
            {"kind": "chips", "power_mw": 6000, "chip": "MI450"},
        ),
        (
            "trade",
            "2025-10-07",
            ("OpenAI", "AMD"),
            "The first gigawatt of MI450 GPUs will be deployed for OpenAI next year.",
            {"kind": "chips", "power_mw": 1000, "chip": "MI450"},
        ),
    )
    assert found == [["wire", "trade"]]


ABILENE = {"location": "Abilene, Texas", "kind": "compute"}
VH = ("Vantor Labs", "Halcyon Compute")


@pytest.mark.parametrize(
    "later, expected",
    [
        # a new amount at the same site months later: a follow-on agreement ...
        (
            "Vantor Labs signed a $1.1 billion contract with Halcyon Compute for Abilene capacity.",
            [["trade"], ["wire"]],
        ),
        # ... unless the text says the first one changed
        (
            "Vantor Labs and Halcyon Compute amended their Abilene contract, raising it to"
            " $4.5 billion.",
            [["trade", "wire"]],
        ),
    ],
)
def test_a_new_amount_months_later_is_a_new_agreement_unless_the_text_says_it_changed(
    later, expected
):
    found = groups(
        (
            "trade",
            "2025-06-09",
            VH,
            "Halcyon Compute will host Vantor Labs in Abilene, Texas,"
            " under a $3.4 billion contract.",
            dict(ABILENE, value_usd=3.4e9),
        ),
        (
            "wire",
            "2026-01-20",
            VH,
            later,
            dict(ABILENE, value_usd=4.5e9 if "amended" in later else 1.1e9),
        ),
    )
    assert found == expected


def test_the_same_figures_months_later_are_the_same_agreement_reported_again():
    found = groups(
        (
            "trade",
            "2025-06-09",
            VH,
            "Halcyon Compute will host Vantor Labs in Abilene under a $3.4 billion contract.",
            dict(ABILENE, value_usd=3.4e9),
        ),
        (
            "insights",
            "2025-09-30",
            VH,
            "The $3.4 billion Texas contract Vantor signed with Halcyon in June is on schedule.",
            dict(ABILENE, value_usd=3.4e9, location="Texas"),
        ),
    )
    assert found == [["trade", "insights"]]


@pytest.mark.parametrize(
    "second, expected",
    [
        (
            "Microsoft also signed a second, $2 billion agreement with Nebius.",
            [["trade"], ["wire"]],
        ),
        (
            "Microsoft's agreement with Nebius is worth $2 billion more than reported, a source said.",
            [["wire", "trade"]],
        ),
    ],
)
def test_a_second_order_the_same_week_is_told_from_a_disputed_figure(second, expected):
    found = groups(
        (
            "wire",
            "2025-09-08",
            ("Microsoft", "Nebius"),
            "Nebius will provide Microsoft with GPU capacity worth $17.4 billion.",
            {"value_usd": 17.4e9},
        ),
        ("trade", "2025-09-12", ("Microsoft", "Nebius"), second, {"value_usd": 2e9}),
    )
    assert found == expected


def test_another_site_months_later_and_reversed_roles_are_other_agreements():
    found = groups(
        (
            "trade",
            "2025-06-09",
            VH,
            "Halcyon will host Vantor Labs in Abilene, Texas.",
            dict(ABILENE, value_usd=3.4e9),
        ),
        (
            "trade",
            "2025-08-19",
            VH,
            "Halcyon will host Vantor Labs in Reykjanesbaer, Iceland.",
            dict(ABILENE, value_usd=7.8e8, location="Reykjanesbaer, Iceland"),
        ),
        (
            "wire",
            "2025-03-03",
            ("Granite Cloud", "Halden Cloud"),
            "Granite Cloud will rent 5,000 GPUs from Halden Cloud.",
            {"gpu_count": 5000, "roles": {"Granite Cloud": "buyer", "Halden Cloud": "provider"}},
        ),
        (
            "blog",
            "2025-04-14",
            ("Granite Cloud", "Halden Cloud"),
            "Halden Cloud will rent 3,000 GPUs from Granite Cloud.",
            {"gpu_count": 3000, "roles": {"Granite Cloud": "provider", "Halden Cloud": "buyer"}},
        ),
    )
    assert found == [["blog"], ["trade"], ["trade"], ["wire"]]


# -- the model: fitted, shipped as data, applied without scikit-learn -----------------------------


def side(data: dict) -> Report:
    return Report(
        data["outlet"],
        None,
        data["reported"],
        tuple(name_key(p) for p in data["parties"]),
        data.get("kind"),
        chip=data.get("chip"),
        facility=data.get("facility"),
        location=data.get("location"),
        figures={
            f: float(data[f])
            for f in ("gpu_count", "power_mw", "value_usd")
            if data.get(f) is not None
        },
        roles={name_key(k): v for k, v in (data.get("roles") or {}).items()},
        text=data.get("text", ""),
    )


def test_the_shipped_weights_cover_every_feature_and_record_their_cross_validation():
    shipped = json.loads(WEIGHTS_FILE.read_text())
    assert set(shipped["weights"]) == set(FEATURES)
    assert shipped["cv_accuracy"] >= 0.85 and shipped["pairs"] >= 100


def test_the_shipped_weights_judge_the_labelled_pairs():
    model = load_model()
    pairs = [json.loads(line) for line in PAIRS.read_text().splitlines() if line.strip()]
    assert {p["label"] for p in pairs} == {0, 1}
    right = sum(
        (model.probability(side(p["a"]), side(p["b"])) >= 0.5) == bool(p["label"]) for p in pairs
    )
    assert right / len(pairs) >= 0.95


def test_features_are_symmetric_in_the_two_reports():
    pairs = [json.loads(line) for line in PAIRS.read_text().splitlines() if line.strip()]
    for p in pairs:
        assert features(side(p["a"]), side(p["b"])) == features(side(p["b"]), side(p["a"]))
