"""The evaluation's interval: how far a deal F1 measured on some articles may move on others
like them (`deals eval`, benchmarks/eval_folds.py), on invented gold and predictions."""

from extract.scoring import (
    confidence_line,
    f1_change_interval,
    f1_interval,
    precision_by_confidence,
    score,
)


def deal(*parties):
    return {"headline": True, "parties": list(parties), "kind": "compute", "status": "announced"}


def articles(right: int, wrong: int):
    """Articles of one headline deal each: `right` found, `wrong` read with another party."""
    gold, pred = {}, {}
    for n in range(right + wrong):
        doc = f"a{n:02d}"
        gold[doc] = {"doc_id": doc, "deals": [deal("Arvale Compute", f"Brisk Labs {n}")]}
        found = f"Brisk Labs {n}" if n < right else "Corvid Systems"
        pred[doc] = {"doc_id": doc, "deals": [deal("Arvale Compute", found)]}
    return gold, pred


def test_interval_holds_the_score_and_shows_how_far_it_may_move():
    gold, pred = articles(right=14, wrong=6)
    f1 = score(gold, pred)["f1"]
    low, high = f1_interval(gold, pred)
    assert f1 == 0.7
    assert 0.4 < low < f1 < high < 1.0
    assert f1_interval(gold, pred) == (low, high)  # drawn with a fixed seed


def test_articles_read_without_error_leave_no_doubt():
    gold, pred = articles(right=12, wrong=0)
    assert f1_interval(gold, pred) == (1.0, 1.0)


def test_a_change_is_judged_on_the_same_articles_drawn_again():
    gold, before = articles(right=14, wrong=6)
    _, after = articles(right=16, wrong=4)  # the same articles, two more read right
    change, low, high = f1_change_interval(gold, before, after)
    assert change == 0.1
    assert 0.0 <= low < change < high  # it never does worse on any draw
    assert high - low < f1_interval(gold, after)[1] - f1_interval(gold, after)[0]
    assert f1_change_interval(gold, before, before) == (0.0, 0.0, 0.0)


def test_deals_are_counted_right_or_wrong_in_the_band_of_their_confidence():
    gold, pred = articles(right=3, wrong=2)
    for n, confidence in enumerate((0.95, 0.55, 0.75, 0.92, 0.6)):  # a03 and a04 are wrong
        pred[f"a{n:02d}"]["deals"][0]["confidence"] = confidence
    pred["a00"]["deals"].append(deal("Elmstead Power", "Fenwick Cloud"))  # no confidence
    bands = precision_by_confidence(gold, pred)
    assert [(b["from"], b["to"], b["right"], b["deals"]) for b in bands] == [
        (0.5, 0.7, 1, 2),
        (0.7, 0.9, 1, 1),
        (0.9, 1.0, 1, 2),
    ]
    assert confidence_line(bands) == "0.5-0.7: 1/2 right, 0.7-0.9: 1/1 right, 0.9-1.0: 1/2 right"
