"""Entity and sentence lookups that cost the span's size, not the document's.

spaCy's `Span.ents` rebuilds the whole document's entity list on every call and `Doc.sents`
walks every token, so asking them once per sentence or per candidate made extraction time grow
with the square of the text. Both are indexed once per document here.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Span

_ENTS = "deals.ents"
_STARTS = "deals.ent_starts"
_SENTS = "deals.sents"


def _index(doc: Doc) -> tuple[list[Span], list[int]]:
    cached = doc.user_data.get(_ENTS)
    if cached is None:
        ents = list(doc.ents)
        cached = doc.user_data[_ENTS] = ents
        doc.user_data[_STARTS] = [e.start for e in ents]
    return cached, doc.user_data[_STARTS]


def ents_of(span: Span | Doc) -> list[Span]:
    """The entities inside `span` (the same list `span.ents` gives), from the cached index."""
    doc = span if isinstance(span, Doc) else span.doc
    ents, starts = _index(doc)
    if isinstance(span, Doc):
        return ents
    out = []
    for ent in ents[bisect_left(starts, span.start) :]:
        if ent.start >= span.end:
            break
        if ent.end <= span.end:
            out.append(ent)
    return out


def sents_of(doc: Doc) -> list[Span]:
    """The parser's sentences, listed once per document."""
    cached = doc.user_data.get(_SENTS)
    if cached is None:
        cached = doc.user_data[_SENTS] = list(doc.sents)
    return cached
