"""Where the extractor keeps things: the pipeline as its layout file says, word lists in one
frozen lexicon checked against vocab, deal records with vocab's fields, and a deals half that
only reads the Doc."""

from __future__ import annotations

import ast
import dataclasses
import shutil
import tomllib
from pathlib import Path

import pytest
from extract_support import shared_nlp

from extract.deals.record import Deal
from extract.lexicon import DATA, Lexicon, load_lexicon
from extract.pipeline import LAYOUT, placement
from extract.scoring import NUMERIC, TEXTUAL
from vocab import DEAL_FIELDS, KINDS

ROOT = Path(__file__).resolve().parent.parent


def test_the_pipeline_adds_the_components_in_the_layouts_order():
    layout = tomllib.loads(LAYOUT.read_text())
    ours = [name for name in shared_nlp().pipe_names if name.startswith("deals_")]
    assert ours == [c["factory"] for c in layout["component"]]


@pytest.mark.parametrize(
    "names,before,after,where",
    [
        (
            ["tok2vec", "tagger", "parser", "ner"],
            ["tagger", "parser", "ner"],
            [],
            {"before": "tagger"},
        ),
        (["tok2vec", "parser", "tagger"], ["tagger", "parser"], [], {"before": "parser"}),
        (["tagger", "deals_gazetteer", "ner"], [], ["ner", "deals_gazetteer"], {"after": "ner"}),
        (
            ["tagger", "deals_gazetteer"],
            [],
            ["ner", "deals_gazetteer"],
            {"after": "deals_gazetteer"},
        ),
        (["tagger"], ["ner"], [], {}),
    ],
)
def test_placement(names, before, after, where):
    assert placement(names, before, after) == where


def test_the_lexicon_is_read_once_and_frozen():
    lexicon = load_lexicon()
    assert load_lexicon() is lexicon
    with pytest.raises(dataclasses.FrozenInstanceError):
        lexicon.verb_forms = frozenset()
    with pytest.raises(TypeError):
        lexicon["deal"]["verbs"] = ()
    assert isinstance(lexicon["deal"]["verbs"], tuple)


def test_the_rules_name_only_vocabs_kinds(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    rules = data / "rules.toml"
    rules.write_text(rules.read_text().replace('"acquisition", "power"', '"merger", "power"', 1))
    with pytest.raises(ValueError, match="kind.priority"):
        Lexicon.load(data)


def test_kind_priority_orders_every_kind_once():
    assert sorted(load_lexicon().rules["kind"]["priority"]) == sorted(KINDS)


def test_a_deal_record_has_vocabs_fields_in_order():
    names = [f.name for f in dataclasses.fields(Deal)]
    assert set(DEAL_FIELDS) <= set(names)
    deal = Deal(**{name: None for name in DEAL_FIELDS})
    assert list(deal.fields()) == list(DEAL_FIELDS)


def test_scoring_compares_deal_fields():
    assert set(NUMERIC) | set(TEXTUAL) <= set(DEAL_FIELDS)


SPACY_BUILDERS = {
    "Span",
    "Doc",
    "Token",
    "Language",
    "Matcher",
    "PhraseMatcher",
    "load",
    "blank",
    "English",
}


@pytest.mark.parametrize(
    "path", sorted((ROOT / "extract" / "deals").glob("*.py")), ids=lambda p: p.name
)
def test_the_deals_half_builds_no_spacy_objects(path):
    tree = ast.parse(path.read_text())
    spacy_imports = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "spacy"
    ]
    assert all(node.module == "spacy.tokens" for node in spacy_imports)
    assert not any(
        isinstance(node, ast.Import) and any(a.name.startswith("spacy") for a in node.names)
        for node in ast.walk(tree)
    )
    calls = {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
    }
    assert not calls & SPACY_BUILDERS
    assert "nlp" not in {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
