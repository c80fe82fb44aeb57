"""The gazetteer and organisation-repair components alone, on a blank English pipeline."""

import pytest
import spacy
from spacy.tokens import Span

import extract.components  # noqa: F401
from extract.components.names import canonical
from extract.lexicon import load_lexicon


@pytest.fixture(scope="module")
def gazetteer():
    nlp = spacy.blank("en")
    nlp.add_pipe("deals_gazetteer")
    return nlp


@pytest.mark.parametrize(
    "text,surface,label,canonical_name",
    [
        ("OpenAI signed with Amazon Web Services.", "Amazon Web Services", "ORG", "Amazon"),
        ("a deal with AWS", "AWS", "ORG", "Amazon"),
        ("Alphabet's Google Cloud said", "Google Cloud", "ORG", "Google"),
        ("Meta Platforms will pay", "Meta Platforms", "ORG", "Meta"),
        ("Nvidia chips", "Nvidia", "ORG", "NVIDIA"),
        ("NEBIUS / MICROSOFT", "NEBIUS", "ORG", "Nebius"),
        ("capacity on Azure", "Azure", "ORG", "Microsoft"),
        ("The ChatGPT maker signed", "The ChatGPT maker", "ORG", "OpenAI"),
        ("the Claude developer said", "the Claude developer", "ORG", "Anthropic"),
        ("running on GB200 NVL72 racks", "GB200 NVL72", "CHIP", "GB200"),
        ("220,000 H100s", "H100s", "CHIP", "H100"),
        ("Trainium2 chips", "Trainium2", "CHIP", "Trainium2"),
        ("one million tensor processing units", "tensor processing units", "CHIP", "TPU"),
        ("Instinct MI450 GPUs", "Instinct MI450", "CHIP", "MI450"),
        ("the Project Rainier cluster", "Project Rainier", "FAC", "Project Rainier"),
    ],
)
def test_gazetteer_names(gazetteer, text, surface, label, canonical_name):
    doc = gazetteer(text)
    found = {(e.text, e.label_, e.kb_id_) for e in doc.ents}
    assert (surface, label, canonical_name) in found


@pytest.mark.parametrize(
    "text",
    [
        "the meta question of scale",
        "an oracle of market sentiment",
        "a lambda function",
    ],
)
def test_common_words_are_not_companies(gazetteer, text):
    assert [e.text for e in gazetteer(text).ents] == []


def repaired(words, spaces, ents):
    nlp = spacy.blank("en")
    repair = nlp.add_pipe("deals_orgs")
    doc = spacy.tokens.Doc(nlp.vocab, words=words, spaces=spaces)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in ents]
    return {(e.text, e.label_, e.kb_id_) for e in repair(doc).ents}


def test_company_suffix_makes_person_an_org():
    ents = repaired(
        ["Strata", "Silicon", "denied", "the", "report", "."],
        [True] * 5 + [False],
        [(0, 2, "PERSON")],
    )
    assert ("Strata Silicon", "ORG", "Strata Silicon") in ents


def test_legal_suffix_is_taken_in_and_dropped_from_the_name():
    ents = repaired(
        ["Sable", "Ridge", ",", "Inc.", "announced", "a", "deal", "."],
        [True, False, True, True, True, True, False, False],
        [(0, 2, "GPE")],
    )
    assert ("Sable Ridge, Inc.", "ORG", "Sable Ridge") in ents


def test_headline_verb_splits_glued_names():
    ents = repaired(
        ["Kestrelline", "Cloud", "Selects", "Voltaris", "Semiconductor"],
        [True] * 4 + [False],
        [(0, 5, "PERSON")],
    )
    assert {
        ("Kestrelline Cloud", "ORG", "Kestrelline Cloud"),
        ("Voltaris Semiconductor", "ORG", "Voltaris Semiconductor"),
    } <= ents


def test_name_before_a_state_is_a_place():
    ents = repaired(
        ["campus", "in", "Barstow", ",", "Texas", "."],
        [True, True, False, True, False, False],
        [(2, 3, "PERSON"), (4, 5, "GPE")],
    )
    assert ("Barstow", "GPE", "") in ents


def test_short_form_gets_the_long_name():
    ents = repaired(
        ["Ironbark", "Digital", "signed", ".", "Ironbark", "said", "."],
        [True, True, False, True, True, False, False],
        [(0, 2, "ORG"), (4, 5, "ORG")],
    )
    assert ("Ironbark", "ORG", "Ironbark Digital") in ents


@pytest.mark.parametrize(
    "text,name",
    [
        ("Okapi Compute, Inc.", "Okapi Compute"),
        ("the Karst Hosting LLC", "Karst Hosting"),
        ("CoreWeave's", "CoreWeave"),
        ("Lumenary, Inc.", "Lumenary"),
        ("Blue Owl Capital", "Blue Owl Capital"),
    ],
)
def test_canonical(text, name):
    assert canonical(text, load_lexicon()["org"]["legal"]) == name


def test_every_factory_is_an_entry_point():
    import tomllib
    from pathlib import Path

    from spacy.language import Language

    table = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    declared = table["project"]["entry-points"]["spacy_factories"]
    ours = {name for name in Language.factories if name.startswith("deals_")}
    assert ours <= set(declared)
    for name, target in declared.items():
        module, attr = target.split(":")
        assert getattr(__import__(module, fromlist=[attr]), attr)
