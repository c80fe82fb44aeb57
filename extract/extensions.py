"""The `deals_*` attributes the extractor sets on spaCy objects, all declared here.

Token getters (read by the figure patterns, the figure reader and the organisation repair):
`deals_num`, `deals_scale`, `deals_power_unit`, `deals_glued_power`, `deals_currency`,
`deals_count_noun`, `deals_count_mid`. Doc attributes: `deals_figures`, the figures component's
list of `Figure` (None until it runs); `deals_datelines`, the (place start, place end, dash)
token offsets of the datelines opening paragraphs, read once by the line-break component for
the organisation repair (None until it runs).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from extract.lexicon import Lexicon
from extract.numbers import Numbers


def register(lexicon: Lexicon) -> None:
    """Declare the attributes, with getters that read the words of `lexicon`."""
    numbers = Numbers(lexicon)
    scales, units, currencies = numbers.scales, numbers.power_units, numbers.currencies
    figures = lexicon["figures"]
    count_nouns = lexicon.count_nouns
    not_after = set(figures["count_not_after"])
    generic = set(figures["count_nouns"])
    mid_words = set(figures["mid_words"])

    def count_mid(t: Token) -> bool:
        return (
            t.lower_ not in not_after
            and t.lower_ not in generic
            and t.lower_ not in units
            and t.lower_ not in scales
            and t.lower_ not in currencies
            and (
                t.lower_ in mid_words
                or (t.is_alpha and t.text[:1].isupper())
                or (
                    any(c.isdigit() for c in t.text)
                    and any(c.isalpha() for c in t.text)
                    and numbers.token_value(t.text) is None
                )
            )
        )

    getters = {
        "deals_num": lambda t: (
            numbers.token_value(t.text) is not None
            or (numbers.glued(t.text) or ("", ""))[1] in scales
        ),
        "deals_scale": lambda t: t.lower_ in scales,
        "deals_power_unit": lambda t: t.lower_ in units,
        "deals_glued_power": lambda t: (numbers.glued(t.text) or ("", ""))[1] in units,
        "deals_currency": lambda t: t.lower_ in currencies,
        "deals_count_noun": lambda t: t.lower_ in count_nouns,
        "deals_count_mid": count_mid,
    }
    for name, getter in getters.items():
        Token.set_extension(name, getter=getter, force=True)
    Doc.set_extension("deals_figures", default=None, force=True)
    Doc.set_extension("deals_datelines", default=None, force=True)
