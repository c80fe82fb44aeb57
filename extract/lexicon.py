"""Word lists and gazetteers, read from `extract/data/` at run time and cached per process."""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

IRREGULAR = {
    "strike": ["struck"], "buy": ["bought"], "sell": ["sold"], "lead": ["led"], "take": ["took", "taken"],
    "win": ["won"], "give": ["gave", "given"], "build": ["built"], "spend": ["spent"], "lay": ["laid"],
    "make": ["made"], "bet": ["bet"], "choose": ["chose", "chosen"], "undertake": ["undertook"],
}


def inflect(lemma: str) -> set[str]:
    """The regular and listed irregular forms of a verb, so cues match without a lemmatizer."""
    forms = {lemma, *IRREGULAR.get(lemma, [])}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        ending = "es" if lemma.endswith(("s", "sh", "ch", "x")) else "s"
        forms |= {lemma + ending, lemma + "ed", lemma + "ing"}
        if len(lemma) <= 4 and lemma[-1] in "pgtn" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@dataclass
class Company:
    name: str
    aliases: list[str] = field(default_factory=list)
    descriptors: list[str] = field(default_factory=list)
    sector: str = "other"
    case: bool = False
    ambiguous: bool = False


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip() and not line.startswith("//")]


@lru_cache(maxsize=None)
def lexicon() -> dict:
    with (DATA / "lexicon.toml").open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=None)
def companies() -> dict[str, Company]:
    """Companies by canonical name; repeated lines for one name merge their aliases."""
    out: dict[str, Company] = {}
    for row in read_jsonl(DATA / "companies.jsonl"):
        known = out.get(row["name"])
        if known:
            known.aliases += [a for a in row.get("aliases", []) if a not in known.aliases]
            known.descriptors += [d for d in row.get("descriptors", []) if d not in known.descriptors]
            continue
        out[row["name"]] = Company(
            name=row["name"], aliases=list(row.get("aliases", [])),
            descriptors=list(row.get("descriptors", [])), sector=row.get("sector", "other"),
            case=bool(row.get("case")), ambiguous=bool(row.get("ambiguous")),
        )
    return out


@lru_cache(maxsize=None)
def accelerators() -> list[dict]:
    return read_jsonl(DATA / "accelerators.jsonl")


@lru_cache(maxsize=None)
def facilities() -> list[dict]:
    return read_jsonl(DATA / "facilities.jsonl")


@lru_cache(maxsize=None)
def verb_forms() -> frozenset[str]:
    return frozenset(f for v in lexicon()["deal"]["verbs"] for f in inflect(v))


@lru_cache(maxsize=None)
def sector_of() -> dict[str, str]:
    return {c.name: c.sector for c in companies().values()}


@lru_cache(maxsize=None)
def places() -> dict[str, str]:
    """Known place names -> "country", "region" or "state"."""
    with (DATA / "places.toml").open("rb") as fh:
        data = tomllib.load(fh)
    singular = {"countries": "country", "regions": "region", "states": "state"}
    return {name: singular.get(level, level.rstrip("s")) for level, names in data.items() for name in names}
