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
