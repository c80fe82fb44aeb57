"""The `deals_line_breaks` component: a sentence starts after every line break.

Headlines, list items, liveblog timestamps and captions then stand alone instead of running
into the next sentence. No sentence starts inside the run of capitalised words that opens a
line, where the parser sometimes cuts a name ("Kelpie | AI will expand ..."). It runs before
the parser, which keeps boundaries already set.
"""

from spacy.language import Language
from spacy.tokens import Doc


def capitalised(token) -> bool:
    return token.is_alpha and (token.is_title or token.is_upper)


@Language.component("deals_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    starts = [0]
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text:
            doc[i + 1].is_sent_start = True
            starts.append(i + 1)
    for start in starts:
        k = start + 1
        while k < len(doc) and capitalised(doc[k - 1]) and capitalised(doc[k]):
            doc[k].is_sent_start = False
            k += 1
    return doc
