"""Named cues about one candidate deal, read off the annotated Doc, for the fitted decisions.

Rules propose candidates (two or more organisations tied by a sentence); these features
describe each one (who the parties are, where and how the article states it) so that weights
fitted on labelled articles decide whether it is a deal and of which kind. Every feature is a
number, most of them 0 or 1; their names are the contract with extract/data/decisions.json.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extract.deals.phrases import count
from extract.lexicon import Lexicon
from extract.spans import ents_of, sents_of
from vocab import FIGURES, KINDS, STATUSES

WORD = re.compile(r"[a-z0-9][a-z0-9&.'-]*")
# features that also get a copy for candidates only the pair finder proposed
PAIR_CROSSED = ("link_", "cue_", "deal_", "in_title", "lede", "unknown_", "implausible", "crowded")


@dataclass(frozen=True)
class Cues:
    """The cue words of extract/data/cues.toml and the gazetteer's names, from a lexicon."""

    generic: frozenset[str]
    function: frozenset[str]
    person: frozenset[str]
    outlet_words: frozenset[str]
    outlets: frozenset[str]
    sentence: dict[str, tuple[str, ...]]
    kind_cues: dict[str, tuple[str, ...]]
    known: frozenset[str]
    sectors: Mapping[str, str]
    products: frozenset[str]
    sector_names: tuple[str, ...]
    deal_nouns: tuple[str, ...]
    verb_forms: frozenset[str]

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> Cues:
        data = lexicon.cues
        party = data["party"]
        return cls(
            generic=frozenset(party["generic_words"]),
            function=frozenset(party["function_words"]),
            person=frozenset(party["person_words"]),
            outlet_words=frozenset(party["outlet_words"]),
            outlets=lexicon.outlets(),
            sentence={k: tuple(v) for k, v in data["sentence"].items()},
            kind_cues=lexicon.kind_cues(),
            known=frozenset(lexicon.companies),
            sectors=lexicon.sector_of,
            products=lexicon.product_names(),
            sector_names=tuple(party["sectors"]),
            deal_nouns=tuple(lexicon["deal"]["nouns"]),
            verb_forms=lexicon.verb_forms,
        )


def _has(text: str, phrases: tuple[str, ...]) -> bool:
    words = f" {' '.join(WORD.findall(text.lower()))} "
    return any(f" {p} " in words for p in phrases)


def _count(text: str, phrases: tuple[str, ...]) -> int:
    words = f" {' '.join(WORD.findall(text.lower()))} "
    return sum(words.count(f" {p} ") for p in phrases)


def _implausible(name: str, c: Cues, persons: set[str]) -> bool:
    """A name the gazetteer does not know that does not read as a company's: a lower-case or
    descriptive word in it, a news outlet, a product, a person."""
    words = WORD.findall(name.lower())
    return (
        not words
        or bool(set(words) & c.generic)
        or any(t[:1].islower() and t.lower() not in c.function for t in name.split())
        or name.lower() in c.outlets
        or words[-1] in c.outlet_words
        or name.lower() in c.products
        or name.lower() in persons
        or bool(set(words) & c.person)
    )


@dataclass(frozen=True)
class Article:
    """What the features read of the whole article, found once per document for all its
    candidates: the organisations each sentence names, the two most named, those of the title,
    the people, the title itself."""

    sents: list[Span]
    named: list[frozenset[str]]
    main: frozenset[str]
    title_orgs: frozenset[str]
    persons: frozenset[str]
    title: Span | None

    @classmethod
    def read(cls, doc: Doc, title_end: int) -> Article:
        sents = sents_of(doc)
        named = [frozenset(e.kb_id_ for e in ents_of(s) if e.label_ == "ORG") for s in sents]
        counts = Counter(name for names in named for name in names)
        return cls(
            sents=sents,
            named=named,
            # ties broken by name, for a fixed order
            main=frozenset(sorted(counts, key=lambda n: (-counts[n], n))[:2]),
            title_orgs=frozenset(
                e.kb_id_ for e in ents_of(doc) if e.label_ == "ORG" and e.start_char < title_end
            ),
            persons=frozenset(e.text.lower() for e in ents_of(doc) if e.label_ == "PERSON"),
            title=doc.char_span(0, title_end, alignment_mode="contract") if title_end else None,
        )


def party_features(parties: list[str], persons: frozenset[str], c: Cues) -> dict[str, float]:
    unknown = [p for p in parties if p not in c.known]
    words = [WORD.findall(p.lower()) for p in unknown]
    sectors = [c.sectors.get(p, "unknown") for p in parties]
    return {
        "parties": min(len(parties), 5),
        "implausible_party": float(any(_implausible(p, c, persons) for p in unknown)),
        "all_known": float(not unknown),
        "unknown_generic": float(any(set(w) & c.generic for w in words)),
        "unknown_all_generic": float(any(w and set(w) <= c.generic | c.function for w in words)),
        "unknown_one_word": float(any(len(w) == 1 for w in words)),
        "unknown_lowercase": float(
            any(
                any(t[:1].islower() and t.lower() not in c.function for t in p.split())
                for p in unknown
            )
        ),
        "outlet": float(
            any(
                p.lower() in c.outlets or (WORD.findall(p.lower()) or [""])[-1] in c.outlet_words
                for p in unknown
            )
        ),
        "product": float(any(p.lower() in c.products for p in parties)),
        "person": float(
            any(p.lower() in persons or set(WORD.findall(p.lower())) & c.person for p in parties)
        ),
        "same_sector": float(len(set(sectors)) == 1 and sectors[0] != "unknown"),
        **{f"sector_{s}": float(s in sectors) for s in c.sector_names},
    }


def place_features(
    article: Article, parties: list[str], first: Span, title_end: int
) -> dict[str, float]:
    sents = article.sents
    index = next((i for i, s in enumerate(sents) if s.start <= first.start < s.end), 0)
    wanted = set(parties)
    mentions = sum(len(named & wanted) for named in article.named)
    together = sum(wanted <= named for named in article.named)
    orgs_here = len({e.kb_id_ for e in ents_of(first) if e.label_ == "ORG"})
    in_title = article.title_orgs & wanted
    return {
        "title_names_all": float(in_title == wanted),
        "title_names_one": float(len(in_title) == 1),
        "main_parties": len(article.main & wanted) / min(2, len(wanted)) if wanted else 0.0,
        "in_title": float(first.start_char < title_end),
        "lede": float(index <= 2),
        "position": index / max(len(sents), 1),
        "sentences_together": math.log1p(together),
        "mentions": math.log1p(mentions),
        "crowded_sentence": float(orgs_here > len(parties) + 2),
        "sentence_tokens": math.log1p(len(first)),
    }


def text_features(sentences: list[Span], c: Cues) -> dict[str, float]:
    first = sentences[0].text if sentences else ""
    scope = " ".join(s.text for s in sentences)
    out = {
        "deal_noun": float(_has(first, c.deal_nouns)),
        "deal_verb": float(bool(set(WORD.findall(first.lower())) & c.verb_forms)),
        "question": float(first.rstrip().endswith("?")),
    }
    for name, phrases in c.sentence.items():
        out[f"cue_{name}"] = float(_has(first, phrases))
    for kind, phrases in c.kind_cues.items():
        out[f"kind_cue_{kind}"] = math.log1p(_count(scope, phrases))
    return out


def _path(a: Token, b: Token) -> list[Token] | None:
    """The tokens on the dependency path from token a to token b (both included)."""
    up_a, up_b = [a, *a.ancestors], [b, *b.ancestors]
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in index_b:
            return up_a[: n + 1] + list(reversed(up_b[: index_b[t.i]]))
    return None


def _link(a: Token, b: Token, path: list[Token], c: Cues) -> dict[str, float]:
    inner = path[1:-1]
    deps = {a.dep_, b.dep_}
    return {
        "link_through_cue": float(
            any(t.lower_ in c.verb_forms or t.lower_ in c.deal_nouns for t in inner)
        ),
        "link_with": float(any(t.lower_ == "with" for t in inner)),
        "link_conjunct": float(
            a.dep_ == "conj" and a.head == b or b.dep_ == "conj" and b.head == a
        ),
        "link_possessive": float(a.dep_ == "poss" or b.dep_ == "poss"),
        "link_subject_object": float(
            bool(deps & {"nsubj", "nsubjpass"}) and bool(deps & {"dobj", "pobj", "dative", "attr"})
        ),
    }


def party_paths(parties: list[str], sentences: list[Span]) -> Iterator[tuple[Token, Token, list]]:
    """(a, b, dependency path) for every two mentions of different parties in one sentence."""
    for sent in sentences:
        roots: dict[str, list[Token]] = {}
        for e in ents_of(sent):
            if e.label_ == "ORG" and e.kb_id_ in parties:
                roots.setdefault(e.kb_id_, []).append(e.root)
        names = list(roots)
        for i, a_name in enumerate(names):
            for b_name in names[i + 1 :]:
                for a in roots[a_name]:
                    for b in roots[b_name]:
                        path = _path(a, b)
                        if path is not None:
                            yield a, b, path


def link_features(paths: list[tuple[Token, Token, list]], c: Cues) -> dict[str, float]:
    """How the grammar of the sentences that name two parties ties them together: the
    shortest dependency path between them, and what lies on the paths (`party_paths`)."""
    best = dict.fromkeys(
        (
            "link_path",
            "link_through_cue",
            "link_with",
            "link_conjunct",
            "link_possessive",
            "link_subject_object",
        ),
        0.0,
    )
    shortest = None
    for a, b, path in paths:
        shortest = len(path) if shortest is None else min(shortest, len(path))
        for name, value in _link(a, b, path, c).items():
            best[name] = max(best[name], value)
    if shortest is not None:
        best["link_path"] = 1.0 / shortest
    return best


def _kind_counts(tokens: list[Token], c: Cues) -> dict[str, int]:
    """How many cue phrases of each kind stand among the tokens, in text order (one-word
    cues in any of their inflections: "invests" and "backed" count)."""
    said = [t.lower_ for t in sorted(tokens, key=lambda t: t.i) if not t.is_space]
    return {kind: count(said, list(phrases)) for kind, phrases in c.kind_cues.items()}


def _clause_around(path: list[Token]) -> list[Token]:
    """The tokens of a dependency path and those at most two arcs below it: the clause that
    ties two parties ("teamed up with X to build a campus", "X-backed Y")."""
    out = {t.i: t for t in path}
    frontier = list(path)
    for _ in range(2):
        frontier = [child for t in frontier for child in t.children if child.i not in out]
        out |= {t.i: t for t in frontier}
    ends = {path[0].i, path[-1].i}
    return [t for i, t in out.items() if i not in ends]


def kind_features(
    paths: list[tuple[Token, Token, list]], sentences: list[Span], title: Span | None, c: Cues
) -> dict[str, float]:
    """Kind cues where they speak of this deal: in the clause that ties its parties (the
    `party_paths`), in the sentence that founds it, and in the article's title."""
    clause: dict[int, Token] = {}
    for _, _, path in paths:
        clause |= {t.i: t for t in _clause_around(path)}
    scopes = {
        "link_kind_": list(clause.values()),
        "first_kind_": list(sentences[0]) if sentences else [],
        "title_kind_": list(title) if title is not None else [],
    }
    return {
        f"{prefix}{kind}": math.log1p(n)
        for prefix, tokens in scopes.items()
        for kind, n in _kind_counts(tokens, c).items()
    }


def figure_features(deal: dict) -> dict[str, float]:
    return {
        f"has_{f}": float(deal.get(f) is not None)
        for f in (*FIGURES, "chip", "facility", "location")
    }


def deal_features(
    doc: Doc,
    deal: dict,
    sentences: list[Span],
    title_end: int,
    c: Cues,
    article: Article | None = None,
) -> dict[str, float]:
    """Every feature of one candidate deal, by name.

    :param deal: the deal's fields (`Deal.fields()`); `c`: the cues, `Cues.from_lexicon()`.
    :param article: `Article.read(doc, title_end)`, read once for all the article's candidates
    """
    article = article or Article.read(doc, title_end)
    parties = deal["parties"]
    features = {"bias_term": 1.0}
    features |= party_features(parties, article.persons, c)
    if sentences:
        features |= place_features(article, parties, sentences[0], title_end)
    features |= text_features(sentences, c)
    paths = list(party_paths(parties, sentences))  # the grammar that ties the parties
    features |= link_features(paths, c)
    features |= kind_features(paths, sentences, article.title, c)
    features |= figure_features(deal)
    features |= {f"rule_kind_{k}": float(deal.get("kind") == k) for k in KINDS}
    features |= {f"rule_status_{s}": float(deal.get("status") == s) for s in STATUSES}
    features["rule_headline"] = float(bool(deal.get("headline")))
    features["pair_only"] = float(bool(deal.get("proposed_by_pairs")))
    features["raiser_carried"] = float(bool(deal.get("raiser_carried")))
    if features["pair_only"]:  # the same cues weigh differently where no rule tied the parties
        features |= {
            f"pair_x_{name}": value
            for name, value in list(features.items())
            if name.startswith(PAIR_CROSSED)
        }
    return features


def article_features(candidates: list[dict[str, float]]) -> None:
    """Cues that compare a candidate with the article's other candidates, added in place: how
    many there are (a roundup or a background-heavy story has many), and whether this one's
    parties are named most often together."""
    count = math.log1p(len(candidates))
    best = max((f.get("sentences_together", 0.0) for f in candidates), default=0.0)
    for f in candidates:
        f["article_candidates"] = count
        f["most_together"] = float(best > 0 and f.get("sentences_together", 0.0) == best)
