"""Which amount in an article is a deal's own: named cues for each (deal, amount) pair.

The rules pick a deal's figures from its own sentences; real articles often state them in the
title, a bullet under the lede or a later sentence, beside other amounts (a campus total, an
option, a valuation). For every amount of the right kind in the article, these features say
where it stands relative to the deal and what its neighbouring words say; weights fitted on
labelled articles pick the deal's amount, or none.
"""

from __future__ import annotations

import math
from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

from extract.spans import sents_of

FIELDS = {"gpu_count": "count", "power_mw": "power", "value_usd": "money"}
QUALIFIERS = ("up to", "over", "about", "at least", "phase", "additional")


def amount(figure) -> float | None:
    """The figure as the deal field holds it, or None when it cannot be that field."""
    if figure.value is None or figure.kind == "money" and figure.unit != "USD":
        return None
    return figure.value


def figure_options(
    doc: Doc,
    deal: dict,
    sentences: list[Span],
    title_end: int,
    context: frozenset[str],
    deal_subjects: frozenset[str],
    named: list[frozenset[str]],
) -> dict[str, list]:
    """field -> [(value, features)] for every amount of the field's kind in the article.

    :param deal: the deal's fields (its parties and the figures the rules picked)
    :param context: the words near an amount that are features (cues.toml, [figure])
    :param deal_subjects: nouns that, as "the <noun>" subject, refer back to a deal
    :param named: the organisations each sentence of the article names (`Article.named`),
        read once for all the article's candidates
    """
    sents = sents_of(doc)
    starts = [s.start for s in sents]

    def index_of(token_i: int) -> int:
        return max(bisect_right(starts, token_i) - 1, 0)

    parties = set(deal["parties"])
    own = {s.start for s in sentences}
    first = index_of(sentences[0].start) if sentences else 0
    out: dict[str, list] = {field: [] for field in FIELDS}
    seen: dict[str, set] = {field: set() for field in FIELDS}
    about_a_deal: dict[int, bool] = {}  # sentence index -> its subject is "the contract"
    for figure in doc._.deals_figures or []:
        field = next((f for f, k in FIELDS.items() if k == figure.kind), None)
        value = amount(figure) if field else None
        if value is None:
            continue
        i = index_of(figure.start)
        sent = sents[i]
        if i not in about_a_deal:
            about_a_deal[i] = any(is_deal_subject(t, deal_subjects) for t in sent)
        near = {t.lower_ for t in doc[max(sent.start, figure.start - 5) : figure.start]} | {
            t.lower_ for t in doc[figure.end : min(sent.end, figure.end + 5)]
        }
        rule = deal.get(field)
        features = {
            f"field_{field}": 1.0,
            "rule_pick": float(rule is not None and abs(rule - value) <= 0.02 * max(value, 1)),
            "in_deal_sentences": float(sent.start in own),
            "in_first_sentence": float(i == first),
            "in_title": float(figure.start_char < title_end),
            "lede": float(i <= 2),
            "after_deal": float(i >= first),
            "sentence_distance": math.log1p(abs(i - first)),
            "names_party": float(bool(named[i] & parties)),
            "names_other_org": float(bool(named[i] - parties)),
            "deal_subject": float(about_a_deal[i]),
            "first_of_kind": float(not seen[field]),
            "repeated": float(value in seen[field]),
            # how large: three GPUs or 0.5 MW are no deal's figures
            f"magnitude_{field}": math.log10(max(value, 1.0)),
            # how likely a deal of this kind states such a figure at all
            f"{field}_of_{deal.get('kind')}": 1.0,
            **{
                f"qualifier_{q.replace(' ', '_')}": float(figure.qualifier == q) for q in QUALIFIERS
            },
            **{f"near_{w}": 1.0 for w in sorted(near & context)},
        }
        seen[field].add(value)
        out[field].append((value, features))
    return out


def is_deal_subject(t: Token, nouns: frozenset[str]) -> bool:
    """ "The contract" in "The contract would require 4.5 gigawatts": the sentence speaks of a
    deal named before."""
    return (
        t.dep_ in ("nsubj", "nsubjpass")
        and t.lower_ in nouns
        and any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in t.children)
    )
