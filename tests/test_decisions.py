"""Applying fitted decisions: which amount goes to which deal."""

from extract.decisions import Binary, Decisions

# P(amount is the deal's) = sigmoid(fit): the weights stand for fitted ones.
FIGURES = Decisions(figures=Binary({"fit": 1.0}, 0.0, 0.5))


def deal(parties, *options):
    return {
        "parties": parties,
        "features": {},
        "figure_options": {"value_usd": [(value, {"fit": fit}) for value, fit in options]},
    }


def test_an_amount_goes_to_the_deal_it_fits_best_and_no_other():
    campus = deal(["Aligned", "Lambda"], (700e6, 3.0))
    backer = deal(["Lambda", "Vantor"], (700e6, 1.0), (50e6, 0.5))
    FIGURES.assign_figures([backer, campus])
    assert campus["value_usd"] == 700e6
    assert backer["value_usd"] == 50e6  # its next likely amount


def test_no_amount_likely_enough_leaves_the_figure_empty():
    weak = deal(["A", "B"], (1e9, -1.0))
    FIGURES.assign_figures([weak])
    assert weak["value_usd"] is None


def test_each_figure_field_has_its_own_threshold_and_it_survives_the_file():
    decisions = Decisions(
        figures=Binary({"fit": 1.0}, 0.0, 0.5), figure_thresholds={"gpu_count": 0.2}
    )
    one = {
        "parties": ["A", "B"],
        "features": {},
        "figure_options": {
            "gpu_count": [(20000, {"fit": -1.0})],  # p = 0.27: above 0.2
            "value_usd": [(1e9, {"fit": -1.0})],  # p = 0.27: below the 0.5 default
        },
    }
    reread = Decisions.from_dict(decisions.as_dict())
    reread.assign_figures([one])
    assert (one["gpu_count"], one["value_usd"]) == (20000, None)
    assert reread == decisions


def test_a_candidate_is_weighed_against_the_article_s_others():
    from extract.deal_features import article_features

    candidates = [{"sentences_together": 1.0}, {"sentences_together": 2.0}, {}]
    article_features(candidates)
    assert [c["most_together"] for c in candidates] == [0.0, 1.0, 0.0]
    assert len({c["article_candidates"] for c in candidates}) == 1
