"""The extractor's vocabulary: the word lists, gazetteers and rule tables of `extract/data/`,
read into one frozen `Lexicon` that the pipeline components and the deal readers are given.

`load_lexicon()` reads a data folder once per process; everything else takes the object it
returns as an argument.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from vocab import KINDS, ROLES

DATA = Path(__file__).parent / "data"
PLACE_LEVELS = {
    "countries": "country",
    "regions": "region",
    "world_regions": "world region",
    "states": "state",
}


def freeze(value):
    """Tables as read-only mappings and arrays as tuples, all the way down."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def inflect(
    lemma: str, irregular: Mapping[str, Iterable[str]], es_after: tuple[str, ...]
) -> set[str]:
    """The regular and listed irregular forms of a verb, so cues match without a lemmatizer."""
    forms = {lemma, *irregular.get(lemma, [])}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        ending = "es" if lemma.endswith(es_after) else "s"
        forms |= {lemma + ending, lemma + "ed", lemma + "ing"}
        if (
            len(lemma) <= 4
            and lemma[-1] in "pgtn"
            and lemma[-2] in "aeiou"
            and lemma[-3] not in "aeiou"
        ):
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@dataclass(frozen=True)
class Company:
    name: str
    aliases: tuple[str, ...] = ()
    descriptors: tuple[str, ...] = ()
    sector: str = "other"
    case: bool = False
    ambiguous: bool = False


@dataclass(frozen=True)
class Lexicon:
    """Everything the extractor knows about words, read from one data folder.

    :param words: `lexicon.toml`, by section (`lexicon["deal"]["verbs"]` is the same).
    :param numbers: `numbers.toml`: number words, scales, power units, currencies, qualifiers.
    :param rules: `rules.toml`: tie orders and the tables that relate kinds, roles and sectors.
    :param companies: `companies.jsonl` by canonical name.
    :param accelerators: `accelerators.jsonl` rows; `facilities`: `facilities.jsonl` rows.
    :param places: `places.toml`: a place name's level ("country", "region", "world region"
        or "state").
    :param cues: `cues.toml`, the cue words of the fitted decisions' features.
    :param products: `products.jsonl` rows, when the folder has one.
    :param parent_of: `parents.jsonl`: a company's parent, by canonical names.
    :param verb_forms: every inflection of the deal verbs.
    :param count_nouns: the words a count of accelerators ends in, chip names among them.
    :param sector_of: each company's sector, by canonical name.
    """

    words: Mapping[str, Mapping]
    numbers: Mapping[str, object]
    rules: Mapping[str, Mapping]
    companies: Mapping[str, Company]
    accelerators: tuple[Mapping, ...]
    facilities: tuple[Mapping, ...]
    places: Mapping[str, str]
    cues: Mapping[str, Mapping]
    products: tuple[Mapping, ...]
    parent_of: Mapping[str, str]
    verb_forms: frozenset[str]
    count_nouns: frozenset[str]
    sector_of: Mapping[str, str]

    def __getitem__(self, section: str) -> Mapping:
        return self.words[section]

    def inflect(self, lemma: str) -> set[str]:
        table = self.words["inflection"]
        return inflect(lemma, table["irregular"], table["es_after"])

    def kind_cues(self) -> dict[str, tuple[str, ...]]:
        """Each kind's cue phrases, one-word cues with their inflections ("invest" ->
        "invested"), as the rules and the fitted kind features both read them."""
        out = {}
        for kind, phrases in self["kind"].items():
            if kind not in KINDS:
                continue
            forms = set()
            for p in phrases:
                forms |= self.inflect(p) if " " not in p and "-" not in p else {p}
            out[kind] = tuple(sorted(forms))
        return out

    def product_names(self) -> frozenset[str]:
        """Every product's name and alias, lower case: names that are never a company's."""
        return frozenset(
            n.lower() for row in self.products for n in [row["product"], *row.get("aliases", [])]
        )

    def outlets(self) -> frozenset[str]:
        """The news outlets' names, lower case, each with and without a leading "the" (the
        model tags "The Register" as "Register")."""
        return frozenset(bare_forms(self["org"]["outlets"]))

    def not_parties(self) -> frozenset[str]:
        """Names that are never a party, lower case: the outlets, and the bodies that
        regulate, analyse or frame deals."""
        return self.outlets() | frozenset(bare_forms(self["org"]["not_parties"]))

    def venture_names(self) -> frozenset[str]:
        """The ventures' names, lower case ("stargate"): a venture is neither a party nor a
        site by itself."""
        return frozenset(v.lower() for v in self["sites"]["ventures"])

    def forms(self, lemmas: Iterable[str]) -> set[str]:
        """Every form of every verb listed."""
        return {f for v in lemmas for f in self.inflect(v)}

    @classmethod
    def load(cls, data: Path = DATA) -> Lexicon:
        words = freeze(read_toml(data / "lexicon.toml"))
        rules = freeze(read_toml(data / "rules.toml"))
        check_rules(rules)
        companies = read_companies(data / "companies.jsonl")
        accelerators = freeze(read_jsonl(data / "accelerators.jsonl"))
        table = words["inflection"]
        verb_forms = frozenset(
            f
            for v in words["deal"]["verbs"]
            for f in inflect(v, table["irregular"], table["es_after"])
        )
        return cls(
            words=words,
            numbers=freeze(read_toml(data / "numbers.toml")),
            rules=rules,
            companies=MappingProxyType(companies),
            accelerators=accelerators,
            facilities=freeze(read_jsonl(data / "facilities.jsonl")),
            places=MappingProxyType(read_places(data / "places.toml")),
            cues=freeze(read_toml(data / "cues.toml") if (data / "cues.toml").exists() else {}),
            products=freeze(
                read_jsonl(data / "products.jsonl") if (data / "products.jsonl").exists() else []
            ),
            parent_of=MappingProxyType(
                {r["name"]: r["parent"] for r in read_jsonl(data / "parents.jsonl")}
                if (data / "parents.jsonl").exists()
                else {}
            ),
            verb_forms=verb_forms,
            count_nouns=count_nouns(words, accelerators),
            sector_of=MappingProxyType({c.name: c.sector for c in companies.values()}),
        )


def load_lexicon(data: str | Path | None = None) -> Lexicon:
    """The lexicon of a data folder (the package's own by default), read once per process."""
    return _cached(Path(data).resolve() if data else DATA)


@cache
def _cached(data: Path) -> Lexicon:
    return Lexicon.load(data)


def bare_forms(names: Iterable[str]) -> set[str]:
    """Each name in lower case, and without its leading "the" where it has one."""
    out = set()
    for name in names:
        low = name.lower()
        out |= {low, low[4:]} if low.startswith("the ") else {low}
    return out


def read_toml(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip() and not line.startswith("//")]


def read_companies(path: Path) -> dict[str, Company]:
    """Companies by canonical name; repeated lines for one name merge their aliases."""
    rows: dict[str, dict] = {}
    for row in read_jsonl(path):
        known = rows.get(row["name"])
        if known:
            known["aliases"] += [a for a in row.get("aliases", []) if a not in known["aliases"]]
            known["descriptors"] += [
                d for d in row.get("descriptors", []) if d not in known["descriptors"]
            ]
            continue
        rows[row["name"]] = {
            "name": row["name"],
            "aliases": list(row.get("aliases", [])),
            "descriptors": list(row.get("descriptors", [])),
            "sector": row.get("sector", "other"),
            "case": bool(row.get("case")),
            "ambiguous": bool(row.get("ambiguous")),
        }
    return {
        name: Company(
            **{**r, "aliases": tuple(r["aliases"]), "descriptors": tuple(r["descriptors"])}
        )
        for name, r in rows.items()
    }


def read_places(path: Path) -> dict[str, str]:
    """Known place names -> "country", "region", "world region" or "state"."""
    data = read_toml(path)
    return {
        name: PLACE_LEVELS.get(level, level.rstrip("s"))
        for level, names in data.items()
        for name in names
    }


def count_nouns(words: Mapping, accelerators: tuple[Mapping, ...]) -> frozenset[str]:
    nouns = set(words["figures"]["count_nouns"])
    for chip in accelerators:
        for name in [chip["name"], *chip["aliases"]]:
            if " " not in name:
                nouns |= {name.lower(), name.lower() + "s"}
    return frozenset(nouns)


def check_rules(rules: Mapping) -> None:
    """The rule tables name only vocab's kinds and roles, and order every kind once."""
    kind, role = rules["kind"], rules["roles"]
    if sorted(kind["priority"]) != sorted(KINDS):
        raise ValueError("rules.toml: kind.priority must list every kind of vocab.KINDS once")
    kinds = (
        set(kind["priority"])
        | set(kind["sector_prior"].values())
        | set(kind["verb_bonus"])
        | set(kind["no_vendor_chip"])
        | set(role["said_pairs"])
        | set(role["fill_pairs"])
        | (set(role["verb_roles"]) - {"default"})
    )
    roles = {
        r
        for name in ("said_pairs", "fill_pairs", "verb_roles")
        for listed in role[name].values()
        for r in listed
    }
    if kinds - set(KINDS) or roles - set(ROLES):
        raise ValueError(
            f"rules.toml: unknown kinds {sorted(kinds - set(KINDS))} "
            f"or roles {sorted(roles - set(ROLES))}"
        )
