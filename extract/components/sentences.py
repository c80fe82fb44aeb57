"""The `deals_line_breaks` component: a sentence starts after every line break and after a
dateline.

Headlines, list items, liveblog timestamps and captions then stand alone instead of running
into the next sentence, and the sentence after "SEOUL (Wire) -" starts at its own first word
rather than with the place as its subject. No sentence starts inside the run of capitalised
words that opens a line, where the parser sometimes cuts a name ("Kelpie | AI will expand
..."). It runs before the parser, which keeps boundaries already set.
"""

from spacy.language import Language
from spacy.tokens import Doc

from extract.components.datelines import datelines_of, paragraph_starts
from extract.extensions import register
from extract.lexicon import Lexicon, load_lexicon


def capitalised(token) -> bool:
    return token.is_alpha and (token.is_title or token.is_upper)


class LineBreaks:
    def __init__(self, lexicon: Lexicon):
        register(lexicon)
        org = lexicon["org"]
        self.dashes = frozenset(org["dashes"])
        self.clause_ends = frozenset(org["clause_ends"])
        self.stamps = frozenset(org["date_stamps"])

    def __call__(self, doc: Doc) -> Doc:
        starts = paragraph_starts(doc)
        for start in starts[1:]:
            doc[start].is_sent_start = True
        for start in starts:
            k = start + 1
            while k < len(doc) and capitalised(doc[k - 1]) and capitalised(doc[k]):
                doc[k].is_sent_start = False
                k += 1
        datelines = datelines_of(doc, self.dashes, self.clause_ends, self.stamps, starts)
        for _, _, dash in datelines:
            if dash + 1 < len(doc):
                doc[dash + 1].is_sent_start = True
        doc._.deals_datelines = datelines
        return doc


@Language.factory("deals_line_breaks", default_config={"data_dir": ""})
def make_line_breaks(nlp: Language, name: str, data_dir: str) -> LineBreaks:
    """:param data_dir: folder of the word lists; empty for the package's own."""
    return LineBreaks(load_lexicon(data_dir))
