"""The learning curve's shares of training articles (benchmarks/eval_folds.py --train-share):
stable from run to run, nested, and of the size asked for."""

import importlib.util

from conftest import REPO

_spec = importlib.util.spec_from_file_location("eval_folds", REPO / "benchmarks" / "eval_folds.py")
eval_folds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(eval_folds)

ARTICLES = [f"article-{n:03d}" for n in range(400)]


def share(fraction: float, draw: int = 0) -> set[str]:
    return {a for a in ARTICLES if eval_folds.in_share(a, fraction, draw)}


def test_a_share_holds_about_that_fraction_of_the_articles():
    for fraction in (0.25, 0.5, 0.75):
        assert abs(len(share(fraction)) / len(ARTICLES) - fraction) < 0.08
    assert share(1.0) == set(ARTICLES)


def test_a_larger_share_holds_the_smaller_ones_articles():
    assert share(0.25) < share(0.5) < share(0.75)


def test_another_draw_holds_other_articles():
    assert share(0.5, draw=0) != share(0.5, draw=1)
    assert share(0.5, draw=1) == share(0.5, draw=1)
