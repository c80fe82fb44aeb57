"""Which of a sentence's figures a deal covers: its accelerator count, power and value.

A figure in a clause that names other organisations and none of the deal's belongs to another
deal; words around a figure (options, later phases, totals, estimates, per-unit ratings, grid
demand...) say it is not what the agreement covers.
"""

from __future__ import annotations

from spacy.tokens import Span

from extract.deals.syntax import SUBJECTS, Syntax, entity_tokens
from extract.lexicon import Lexicon

MIN_COUNT = 500  # smaller counts are racks, servers or examples, not what a deal covers


def figures_in(sent: Span) -> list:
    return [
        f
        for f in (sent.doc._.deals_figures or [])
        if sent.start_char <= f.start_char < sent.end_char
    ]


def fig_root(sent: Span, fig):
    return sent.doc[fig.start : fig.end].root


class FigurePicker:
    def __init__(self, lexicon: Lexicon, syntax: Syntax):
        words = lexicon["assembly"]
        self.syntax = syntax
        self.soft = frozenset(words["figure_vetoes"])
        self.hard = frozenset(words["figure_hard_vetoes"])
        self.totals = frozenset(words["total_words"])
        self.money_only = frozenset(words["money_only_vetoes"])
        self.spending = frozenset(words["spend_words"])
        self.value_lead = frozenset(words["value_lead"])
        self.each = frozenset(words["each_words"])
        self.articles = frozenset(lexicon["grammar"]["indefinite_articles"])
        self.project_nouns = frozenset(lexicon["sites"]["project_nouns"])

    def vetoed(self, sent: Span, fig, kind: str | None = None) -> bool:
        """Words near the figure, or in the clause around it, that say the agreement does not
        cover it."""
        soft, hard, totals = self.soft, self.hard, self.totals
        doc = sent.doc
        names = entity_tokens(sent)
        lo, hi = max(sent.start, fig.start - 4), min(sent.end, fig.end + 3)
        window = [t for t in doc[lo:hi] if not (fig.start <= t.i < fig.end) and t.i not in names]
        hits = {t.lower_ for t in window}
        if "grid" in hits and any(
            t.lower_ == "grid" and doc[t.i - 1].lower_ == "the" and doc[t.i - 2].lower_ == "to"
            for t in window
        ):
            hits.discard("grid")  # "add 835 MW to the grid" is the plant's output
        if fig.kind != "money":
            hits -= self.money_only
        for t in window:
            if t.lower_ in self.spending and any(
                c.lower_ == "with" and any(g.ent_type_ == "ORG" for g in c.children)
                for c in t.children
            ):
                # "$22 billion of spending with X" is what is spent under a deal with X
                hits.discard(t.lower_)
        if kind == "acquisition":
            hits -= totals  # buying a company buys its whole portfolio
        if hits & hard:
            return True
        before = {t.lower_ for t in doc[max(sent.start, fig.start - 3) : fig.start]}
        if fig.kind == "money" and before & self.value_lead and not hits & hard:
            hits = set()  # "worth about $3.7 billion in revenue" is the deal's value
        if hits & soft:
            return True
        return self.structurally_vetoed(sent, fig)

    def structurally_vetoed(self, sent: Span, fig) -> bool:
        doc = sent.doc
        root = fig_root(sent, fig)
        # "a gigawatt of capacity costs ...": an indefinite unit, not an amount
        if fig.kind == "power" and doc[fig.start].lower_ in self.articles and fig.qualifier is None:
            return True
        head = root.head
        # "an $11 billion campus": the cost of a site, not the value of the deal
        if (
            fig.kind == "money"
            and root.dep_ in ("compound", "nmod", "amod", "nummod")
            and head.lower_ in self.project_nouns
        ):
            return True
        # "Each building is designed to run up to 50,000 chips": a per-unit rating
        for verb in [root, *root.ancestors]:
            for c in verb.children:
                if c.dep_ in SUBJECTS and any(d.lower_ in self.each for d in c.children):
                    return True
        # "X was valued at $31 billion": a company's valuation
        if fig.kind == "money":
            for t in root.ancestors:
                if t.lower_ == "valued":
                    if any(
                        c.dep_ in ("nsubjpass", "nsubj") and c.ent_type_ == "ORG"
                        for c in t.children
                    ):
                        return True
                    break
        return False

    def ordered(self, sentences: list[Span], kind: str, parties: set[str], deal_kind: str | None):
        """(sentence, figure) of a kind in the deal's sentences, in order, that nothing
        vetoes."""
        syntax = self.syntax
        for sent in sentences:
            by_clause = syntax.orgs_by_clause(sent) if parties else {}
            for fig in figures_in(sent):
                if fig.kind != kind:
                    continue
                if parties and syntax.foreign_clause(fig_root(sent, fig), parties, by_clause):
                    continue
                if self.vetoed(sent, fig, deal_kind):
                    continue
                yield sent, fig

    def first(
        self,
        sentences: list[Span],
        kind: str,
        parties: set[str] = frozenset(),
        deal_kind: str | None = None,
    ):
        """The first figure of a kind in the deal's sentences that nothing around it vetoes."""
        for sent, fig in self.ordered(sentences, kind, parties, deal_kind):
            if fig.value is None:
                return None
            if kind == "money" and fig.unit != "USD":
                if any(f.kind == "money" and f.unit == "USD" and f.value for f in figures_in(sent)):
                    continue
                return None
            if kind == "count" and fig.value < MIN_COUNT:
                continue
            return fig.value
        return None
