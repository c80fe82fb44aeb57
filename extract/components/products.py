"""Products named inside organisation entities: "Quillon Q7" is the company Quillon and the
accelerator Q7; "Q7 Inference Accelerator" is no company at all.

Products are not a pipeline component of their own: the organisation repair (`deals_orgs`)
runs this on its working list of entities, after splitting and before the document's labels
are settled, so the product words never take part in that vote. A `deals_products` component
that labels products on the Doc would start from here.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from extract.components.names import canonical
from extract.lexicon import Lexicon

CODE = re.compile(r"^[A-Z][A-Za-z]{0,3}-?\d{1,4}[A-Za-z]{0,3}$")  # model numbers: Q7, MI355X, VX-2


class ProductSplitter:
    """Cuts product words and model numbers off the end of unknown organisations' names."""

    def __init__(self, lexicon: Lexicon):
        self.nouns = set(lexicon["org"]["product_nouns"])
        self.legal = set(lexicon["org"]["legal"])
        self.companies = {
            a.lower() for c in lexicon.companies.values() for a in [c.name, *c.aliases]
        }

    @staticmethod
    def is_code(t: Token) -> bool:
        return bool(CODE.match(t.text)) and not t._.deals_num

    def __call__(self, ents: list[Span]) -> list[Span]:
        """A name ending in a model number or a product noun is a product: "Quillon Q7" is the
        company Quillon, "Q7 Inference Accelerator" no company at all."""
        names = {
            canonical(e.text, self.legal).lower() for e in ents if e.label_ == "ORG"
        } | self.companies
        out = []
        for e in ents:
            if e.label_ != "ORG" or e.kb_id_:
                out.append(e)
                continue
            doc, end = e.doc, e.end
            while end > e.start and (
                doc[end - 1].lower_ in self.nouns or self.is_code(doc[end - 1])
            ):
                end -= 1
            if end == e.end:
                out.append(e)
                continue
            if end > e.start and (
                self.is_code(doc[e.end - 1])
                and not self.is_code(doc[end - 1])
                or canonical(doc[e.start : end].text, self.legal).lower() in names
            ):
                out.append(Span(doc, e.start, end, label="ORG"))
            # the model number itself names the accelerator ("Q7")
            out += [
                Span(doc, t.i, t.i + 1, label="CHIP", kb_id=t.text)
                for t in doc[end : e.end]
                if self.is_code(t)
            ][:1]
        return out
