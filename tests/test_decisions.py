"""Applying fitted decisions: which candidates are deals, which amount goes to which deal."""

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


# P(deal) = sigmoid(keep): kept at 0.5 and above.
KEEP = Decisions(keep=Binary({"keep": 1.0}, 0.0, 0.5))


def candidate(parties, keep, sentence):
    return {
        "parties": parties,
        "kind": "datacenter",
        "features": {"keep": keep},
        "sentence": sentence,
    }


def test_pairs_one_sentence_ties_each_to_each_are_one_agreement_of_them_all():
    venture = [
        candidate(["Harbor Cloud", "Quartzline AI"], 2.0, [10, 40]),
        candidate(["Harbor Cloud", "Tamsin Capital"], 1.0, [10, 40]),
        candidate(["Quartzline AI", "Tamsin Capital"], 0.5, [10, 40]),
    ]
    kept = KEEP.apply(venture)
    assert [d["parties"] for d in kept] == [["Harbor Cloud", "Quartzline AI", "Tamsin Capital"]]


def test_a_name_tied_to_one_of_the_venture_s_parties_only_stays_out_of_it():
    venture = [
        candidate(["Harbor Cloud", "Quartzline AI"], 2.0, [10, 40]),
        candidate(["Harbor Cloud", "Tamsin Capital"], 1.0, [10, 40]),
        candidate(["Quartzline AI", "Tamsin Capital"], 0.5, [10, 40]),
        candidate(["Harbor Cloud", "Orobel AI"], 0.5, [10, 40]),
    ]
    kept = KEEP.apply(venture)
    assert sorted(map(tuple, (d["parties"] for d in kept))) == [
        ("Harbor Cloud", "Orobel AI"),
        ("Harbor Cloud", "Quartzline AI", "Tamsin Capital"),
    ]


def test_two_deals_of_one_company_in_one_sentence_stay_apart():
    two = [
        candidate(["Harbor Cloud", "Quartzline AI"], 2.0, [10, 40]),
        candidate(["Harbor Cloud", "Tamsin Capital"], 1.0, [10, 40]),
        candidate(["Quartzline AI", "Tamsin Capital"], -1.0, [10, 40]),  # no deal between them
        candidate(["Orobel AI", "Tamsin Capital"], 1.0, [50, 80]),  # another sentence
    ]
    kept = KEEP.apply(two)
    assert sorted(map(tuple, (d["parties"] for d in kept))) == [
        ("Harbor Cloud", "Quartzline AI"),
        ("Harbor Cloud", "Tamsin Capital"),
        ("Orobel AI", "Tamsin Capital"),
    ]


def test_the_fitted_status_overrides_the_rules_and_survives_the_file():
    from extract.decisions import Multiclass

    # "reported" scores highest where an attribution cue is on, "announced" elsewhere
    status = Multiclass(
        {"announced": {"cue_reported": -2.0}, "reported": {"cue_reported": 2.0}},
        {"announced": 1.0, "reported": 0.0},
    )
    decisions = Decisions.from_dict(Decisions(status=status).as_dict())
    sourced = {"parties": ["A", "B"], "status": "announced", "features": {"cue_reported": 1.0}}
    signed = {"parties": ["C", "D"], "status": "reported", "features": {}}
    decisions.apply([sourced, signed])
    assert (sourced["status"], signed["status"]) == ("reported", "announced")
    assert decisions.status == status


def test_the_shipped_status_decision_tells_a_source_s_report_from_an_announcement():
    from extract.api import extract_documents

    texts = {
        "told": "Orrin AI signed a deal to rent 40,000 GPUs from Halden Cloud for $3 billion, "
        "people familiar with the matter said. The companies declined to comment.",
        "signed": "Orrin AI signed a $3 billion agreement to rent 40,000 GPUs from Halden "
        "Cloud, the two companies said on Tuesday.",
    }
    found = {
        r["doc_id"]: r["deals"]
        for r in extract_documents([{"doc_id": k, "text": t} for k, t in texts.items()])
    }
    assert [d["status"] for d in found["told"]] == ["reported"]
    assert [d["status"] for d in found["signed"]] == ["announced"]
