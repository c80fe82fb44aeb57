"""The `deals_line_breaks` component: a sentence starts after every line break.

Headlines, list items, liveblog timestamps and captions then stand alone instead of running
into the next sentence. It runs before the parser, which keeps boundaries already set.
"""
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("deals_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text:
            doc[i + 1].is_sent_start = True
    return doc
