"""Which accelerator a deal is about: the most specific one its sentences name, else one named
where the article repeats its count, a model code inside that count, or the chip maker."""

from __future__ import annotations

from spacy.tokens import Span, Token

from extract.deals.figures import FigurePicker
from extract.deals.syntax import SUBJECTS, Syntax
from extract.lexicon import Lexicon
from extract.spans import ents_of, sents_of


def party_is_subject(sent: Span, parties: set[str]) -> bool:
    return any(
        e.label_ == "ORG" and e.kb_id_ in parties and e.root.dep_ in SUBJECTS for e in ents_of(sent)
    )


def is_subject(token: Token) -> bool:
    """A chip the sentence is about ("AMD's flagship, the MI355X, is rated ..."), not one the
    deal uses."""
    t = token
    for _ in range(3):
        if t.dep_ in SUBJECTS:
            return True
        if t.dep_ not in ("appos", "compound", "conj", "amod", "nmod"):
            return False
        t = t.head
    return False


class ChipPicker:
    def __init__(self, lexicon: Lexicon, syntax: Syntax, figures: FigurePicker):
        self.syntax = syntax
        self.figures = figures
        self.accel = {c["name"]: c for c in lexicon.accelerators}
        self.sectors = lexicon.sector_of
        self.anaphors = frozenset(lexicon["assembly"]["chip_anaphors"])
        self.no_vendor_chip = frozenset(lexicon.rules["kind"]["no_vendor_chip"])

    def rank(self, name: str) -> int:
        return self.accel.get(name, {}).get("rank", 2)

    def refers_to_deal(self, sent: Span) -> bool:
        """The sentence's subject is the deal itself ("The first gigawatt deployment, based on
        ...")."""
        return any(t.dep_ in SUBJECTS and t.lower_ in self.anaphors for t in sent)

    def pick(
        self, sentences: list[Span], parties: set[str] = frozenset(), kind: str | None = None
    ) -> str | None:
        """The most specific accelerator in the sentence stating the deal and the next one;
        later sentences only when their subject is the deal itself. A more specific chip of the
        same vendor in such a sentence refines a family named first (Instinct -> MI450); a
        generation named only as background does not."""
        accel, rank, syntax = self.accel, self.rank, self.syntax

        def chips(scope, objects_only=False):
            out = []
            for s in scope:
                by_clause = syntax.orgs_by_clause(s) if parties else {}
                out += [
                    e.kb_id_
                    for e in ents_of(s)
                    if e.label_ == "CHIP"
                    and not (parties and syntax.foreign_clause(e.root, parties, by_clause))
                    and not (objects_only and is_subject(e.root))
                ]
            return out

        born = chips(sentences[:1])
        rest = sentences[1:]
        anaphoric = chips([s for s in rest if self.refers_to_deal(s)])
        # a deal about money, power or a takeover: hardware a later sentence names is the deal's
        # only when a party is that sentence's subject ("Anthropic said it would use Trainium
        # chips")
        per_sentence = [
            chips([s], objects_only=not self.refers_to_deal(s))
            for s in rest
            if kind not in self.no_vendor_chip or party_is_subject(s, parties)
        ]
        others = [c for found in per_sentence for c in found]
        best = next((n for r in (3, 2) for n in born if rank(n) == r), None)
        if best is not None and rank(best) < 3:
            vendor = accel.get(best, {}).get("vendor")
            finer = next(
                (n for n in anaphoric if rank(n) == 3 and accel.get(n, {}).get("vendor") == vendor),
                None,
            )
            return finer or best
        if best is None and others:
            # "its Grace Blackwell GB300 systems": the most specific name of the first sentence
            # naming one
            first = next(found for found in per_sentence if found)
            best = max(first, key=lambda n: (rank(n), -first.index(n)))
        if best is not None:
            return best
        code = self.model_code(sentences, parties)
        if code:
            return code
        chip, vendor = self.counted_elsewhere(sentences, parties, kind)
        if chip:
            return chip
        if kind in self.no_vendor_chip:
            return None
        own = self.party_plans_chip(sentences, parties)
        if own:
            return own
        if vendor:
            return vendor
        for s in sentences[:3]:
            for e in ents_of(s):
                if (
                    e.label_ == "ORG"
                    and self.sectors.get(e.kb_id_) == "chips"
                    and syntax.is_vendor_mention(e)
                ):
                    return e.kb_id_
        return None

    def party_plans_chip(self, sentences: list[Span], parties: set[str]) -> str | None:
        """A later sentence of the article whose subject is a party and that names no
        organisation outside the deal but chipmakers naming their hardware: the hardware it
        names ("Talvik plans to fill the halls with GB300 systems") is the deal's."""
        if not sentences or len(parties) < 2:
            return None
        syntax, sectors = self.syntax, self.sectors
        doc, first = sentences[0].doc, sentences[0]
        for sent in sents_of(doc):
            if sent.start < first.end or not party_is_subject(sent, parties):
                continue
            orgs = [e for e in ents_of(sent) if e.label_ == "ORG"]
            if any(
                e.kb_id_ not in parties
                and not (sectors.get(e.kb_id_) == "chips" and syntax.is_vendor_mention(e))
                for e in orgs
            ):
                continue
            by_clause = syntax.orgs_by_clause(sent)
            found = [
                e.kb_id_
                for e in ents_of(sent)
                if e.label_ == "CHIP"
                and not is_subject(e.root)
                and not syntax.foreign_clause(e.root, parties, by_clause)
            ]
            if found:
                return max(found, key=lambda n: (self.rank(n), -found.index(n)))
        return None

    def counted_elsewhere(
        self, sentences: list[Span], parties: set[str], kind: str | None
    ) -> tuple[str | None, str | None]:
        """The accelerator, or its maker, named where the article gives the deal's accelerator
        count again ("100,000 GPUs" in the headline, "a target of 100,000 Nvidia GPUs" further
        down)."""
        count = self.figures.first(sentences, "count", parties, kind)
        if not count or not sentences:
            return None, None
        doc = sentences[0].doc
        chip = vendor = None
        for fig in doc._.deals_figures or []:
            if fig.kind != "count" or not fig.value or abs(fig.value - count) > 0.02 * count:
                continue
            for e in ents_of(doc[fig.start : fig.end]):
                if e.label_ == "CHIP" and chip is None:
                    chip = e.kb_id_ or e.text
                elif (
                    e.label_ == "ORG"
                    and self.sectors.get(e.kb_id_) == "chips"
                    and self.syntax.is_vendor_mention(e)
                    and vendor is None
                ):
                    vendor = e.kb_id_
        return chip, vendor

    def model_code(self, sentences: list[Span], parties: set[str]) -> str | None:
        """A product code inside the deal's accelerator count ("100k VX-2 inference
        accelerators")."""
        for sent, fig in self.figures.ordered(sentences[:3], "count", parties, None):
            for t in sent.doc[fig.start : fig.end]:
                if (
                    any(c.isdigit() for c in t.text)
                    and any(c.isalpha() for c in t.text)
                    and t.text[:1].isupper()
                    and not t._.deals_num
                    and t.ent_type_ not in ("ORG", "DATE")
                ):
                    return t.text
        return None
