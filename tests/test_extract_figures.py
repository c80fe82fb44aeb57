"""The figure parser: counts, power and money in the phrasings news uses, on a blank pipeline."""

import pytest
import spacy

import extract.components  # noqa: F401
from extract.lexicon import load_lexicon
from extract.numbers import Numbers


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("deals_figures")
    return nlp


def figures(nlp, text, kind=None):
    return [f for f in nlp(text)._.deals_figures if kind is None or f.kind == kind]


@pytest.mark.parametrize(
    "text,value,qualifier",
    [
        ("The deal covers 1.2 GW of capacity.", 1200, None),
        ("a 1.2-gigawatt campus", 1200, None),
        ("a 1,121-megawatt reactor", 1121, None),
        ("expanded to 1,920 megawatts", 1920, None),
        ("a 300+ MW campus", 300, "over"),
        ("two gigawatts of data-centre capacity", 2000, None),
        ("6 Gigawatts of accelerators", 6000, None),
        ("well over a gigawatt of compute", 1000, "over"),
        ("about 2.3 GW of new generation", 2300, "about"),
        ("between 1 and 1.5 GW of power", 1500, "range"),
        ("a 750MW site", 750, None),
        ("a 4.5GW build-out", 4500, None),
        ("a 1-GW site in the desert", 1000, None),
        ("up to 500 MW of power", 500, "up to"),
        ("roughly 200 MW of IT load", 200, "about"),
    ],
)
def test_power(nlp, text, value, qualifier):
    (fig,) = figures(nlp, text, "power")
    assert (fig.value, fig.unit, fig.qualifier) == (value, "MW", qualifier)
    assert text[fig.start_char : fig.end_char] == fig.text


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("a seven-year, $38 billion agreement", 38e9, "USD"),
        ("a US$1.5bn investment", 1.5e9, "USD"),
        ("signs $14.2B compute contract", 14.2e9, "USD"),
        ("in a US$1.35bn transaction", 1.35e9, "USD"),
        ("more than $10 billion", 10e9, "USD"),
        ("a $650 million purchase", 650e6, "USD"),
        ("a $1.2 trillion plan", 1.2e12, "USD"),
        ("a €2 billion investment", 2e9, "EUR"),
        ("£500m of debt", 500e6, "GBP"),
        ("$5.8bn of servers", 5.8e9, "USD"),
        ("USD 2.4 billion over five years", 2.4e9, "USD"),
        ("Halvard Signs $12 Billion Licensing Pact With AI Chip Designer Quillon", 12e9, "USD"),
    ],
)
def test_money(nlp, text, value, unit):
    (fig,) = figures(nlp, text, "money")
    assert fig.value == pytest.approx(value) and fig.unit == unit


@pytest.mark.parametrize(
    "text,value,qualifier",
    [
        ("220,000 NVIDIA H100s", 220000, None),
        ("100k GPUs for inference", 100000, None),
        ("a 100k-accelerator fleet", 100000, None),
        ("up to 1 million TPUs", 1000000, "up to"),
        ("as many as one million tensor processing units", 1000000, "up to"),
        ("over 50,000 Blackwell GPUs", 50000, "over"),
        ("roughly 200,000 GPUs", 200000, "about"),
        ("half a million Trainium chips", 500000, None),
        ("50,000 AMD MI450 chips", 50000, None),
        ("a ~200,000-GPU deal", 200000, "about"),
        ("32,000 NVIDIA B300 GPUs", 32000, None),
        ("an additional 8,000 GPUs", 8000, "additional"),
    ],
)
def test_counts(nlp, text, value, qualifier):
    (fig,) = figures(nlp, text, "count")
    assert (fig.value, fig.qualifier) == (value, qualifier)


@pytest.mark.parametrize(
    "text,kind",
    [
        ("tens of thousands of Nvidia GPUs", "count"),
        ("hundreds of thousands of GPUs", "count"),
        ("a multibillion-dollar deal", "money"),
        ("worth tens of billions of dollars", "money"),
    ],
)
def test_vague_amounts_stay_vague(nlp, text, kind):
    (fig,) = figures(nlp, text)
    assert (fig.kind, fig.value, fig.qualifier) == (kind, None, "vague")


@pytest.mark.parametrize(
    "text",
    [
        "trained GPT-4 and Claude 3.5 on the cluster",
        "in 2025 and 2026",
        "each chip draws 600-1,400 W",
        "a 72-GPU rack",
        "8 GPUs per server",
        "tens of thousands of customers",
        "500 million customers",
        "Sonnet 4.5 and Opus 4.1",
        "the MI300X and the H100",
        "power from the restarted Seven Oaks Reactor Unit 1 for its GPU servers",
        "Halvard Signs $12 Billion Licensing Pact With AI Chip Designer Quillon",
        "date 2025-09-18 US chip giant Quillon will invest in Halvard",
    ],
)
def test_not_counts_or_power(nlp, text):
    assert [f for f in figures(nlp, text) if f.kind in ("count", "power")] == []


@pytest.mark.parametrize(
    "words,value",
    [
        (["1,200"], 1200),
        (["two"], 2),
        (["one", "million"], 1e6),
        (["half", "a", "million"], 5e5),
        (["14.2B"], 14.2e9),
        (["1.5bn"], 1.5e9),
        (["100k"], 1e5),
        (["~200,000"], 2e5),
        (["300+"], 300),
        (["twenty", "five"], 25),
        (["1-1.5"], 1.5),
        (["500", "m"], 5e8),
    ],
)
def test_number_words(words, value):
    assert Numbers(load_lexicon()).combine(words) == pytest.approx(value)


def test_figures_serialise_with_span():
    nlp = spacy.blank("en")
    nlp.add_pipe("deals_figures")
    (fig,) = nlp("It agreed to pay $38 billion.")._.deals_figures
    assert fig.as_dict() == {
        "kind": "money",
        "start_char": 17,
        "end_char": 28,
        "text": "$38 billion",
        "value": 38e9,
        "unit": "USD",
        "qualifier": None,
    }
