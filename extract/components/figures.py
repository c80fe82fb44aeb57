"""The `deals_figures` component: accelerator counts, power and money found by token patterns.

Sets `doc._.deals_figures`, a list of `Figure` in text order. Vague amounts ("tens of
thousands of GPUs", "multibillion-dollar") are kept with `value=None` so that nothing
later mistakes them for a number.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract.extensions import register
from extract.lexicon import Lexicon, load_lexicon
from extract.numbers import Numbers

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@dataclass
class Figure:
    """One amount in the text: kind is "count", "power" or "money"; value is normalised (MW,
    currency units)."""

    kind: str
    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    value: float | None
    unit: str
    qualifier: str | None = None

    @classmethod
    def of(
        cls, span: Span, kind: str, value: float | None, unit: str, qualifier: str | None
    ) -> "Figure":
        """The figure a matched span states."""
        return cls(
            kind,
            span.start,
            span.end,
            span.start_char,
            span.end_char,
            span.text,
            value,
            unit,
            qualifier,
        )

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("start"), d.pop("end")
        return d


def build_patterns(lexicon: Lexicon, numbers: Numbers) -> dict[str, list]:
    """Token patterns with plain attributes and per-token regexes, which the Matcher runs in C."""
    words = lexicon["figures"]
    number_token = (
        r"[~≈]?\d[\d,]*(?:\.\d+)?(?:[-–]\d[\d,]*(?:\.\d+)?)?(?:"
        + numbers.glued_scales
        + r")?\+?|"
        + "|".join(w for w in numbers.words if w not in numbers.not_alone)
    )
    glued_power = r"^[~≈]?\d[\d,]*(?:\.\d+)?(?:" + numbers.glued_power + r")\+?$"
    mid_words = set(words["mid_words"])
    mid_shape = (
        r"^(?:[A-Z][A-Za-z.-]*|[A-Za-z][\w-]*\d[\w-]*|\d[\w-]*[A-Za-z][\w-]*|"
        + "|".join(sorted(mid_words - {"-"}))
        + "|-)$"
    )
    num = {"LOWER": {"REGEX": f"^(?:{number_token})$"}}
    scale = {"LOWER": {"IN": sorted(numbers.scales)}}
    unit = {"LOWER": {"IN": sorted(numbers.power_units)}}
    plus = {"ORTH": "+", "OP": "?"}
    hyphen = {"ORTH": {"IN": list(words["hyphens"])}, "OP": "?"}
    noun = {"LOWER": {"IN": sorted(lexicon.count_nouns)}}
    stop = sorted(
        set(words["count_not_after"])
        | set(words["count_nouns"])
        | set(numbers.power_units)
        | set(numbers.scales)
        | set(numbers.currencies)
    )
    mid = {"LOWER": {"NOT_IN": stop}, "TEXT": {"REGEX": mid_shape}, "OP": "{0,5}"}
    return {
        "power": [
            [num, plus, hyphen, unit],
            [{"LOWER": {"REGEX": glued_power}}],
            [
                {"LOWER": {"IN": list(words["power_indefinite"])}},
                {"LOWER": "a", "OP": "?"},
                hyphen,
                unit,
            ],
        ],
        "money": [
            [{"LOWER": {"IN": sorted(numbers.currencies)}}, num, dict(scale, OP="?"), plus],
            [num, scale, {"LOWER": {"IN": list(words["dollar_words"])}}],
        ],
        "count": [
            [num, dict(num, OP="?"), dict(scale, OP="?"), plus, hyphen, mid, noun],
            [{"LOWER": "half"}, {"LOWER": "a"}, {"LOWER": "million"}, mid, noun],
        ],
    }


class FigureFinder:
    """Finds figures with a token Matcher, then reads each match's value, unit and qualifier."""

    def __init__(self, nlp: Language, name: str, lexicon: Lexicon):
        words = lexicon["figures"]
        register(lexicon)
        self.numbers = Numbers(lexicon)
        self.count_nouns = lexicon.count_nouns
        self.per_unit = set(words["per_unit"])
        self.energy_after = words["energy_after"]
        self.value_words = words["value_words"]
        self.approx_marks = tuple(words["approx_marks"])
        self.range_joiners = words["range_joiners"]
        self.vague_money = words["vague_money"]
        self.vague_money_after = list(words["vague_money_after"])
        self.vague_large = words["vague_large"]
        self.matcher = Matcher(nlp.vocab)
        for kind, patterns in build_patterns(lexicon, self.numbers).items():
            self.matcher.add(kind, patterns, greedy="LONGEST")
        self.vague = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.vague.add("vague", list(nlp.tokenizer.pipe(words["vague"])))

    def __call__(self, doc: Doc) -> Doc:
        spans = [
            Span(doc, s, e, label=kind)
            for kind, s, e in ((doc.vocab.strings[m], s, e) for m, s, e in self.matcher(doc))
        ]
        dates = iso_date_tokens(doc)
        spans = [sp for sp in spans if not self.priced(sp) and sp.start not in dates]
        spans += [Span(doc, s, e, label="vague") for _, s, e in self.vague(doc)]
        figures = []
        for span in sorted(filter_spans(spans), key=lambda sp: sp.start):
            fig = self.read(span) if span.label_ != "vague" else self.read_vague(span)
            if fig is not None:
                figures.append(fig)
        doc._.deals_figures = figures
        return doc

    def priced(self, span: Span) -> bool:
        """A count whose number follows a currency sign is money read too far: in "$12
        Billion Licensing Pact With AI Chip Designer" the longest match would be a count."""
        return (
            span.label_ == "count"
            and span.start > 0
            and span.doc[span.start - 1].lower_ in self.numbers.currencies
        )

    def read(self, span: Span) -> Figure | None:
        doc, kind, numbers = span.doc, span.label_, self.numbers
        units = numbers.power_units
        if kind == "count" and span.end < len(doc) and doc[span.end].lower_ in self.per_unit:
            return None
        if kind == "count" and any(t.lower_ in units for t in span):
            return None
        if (
            kind == "count"
            and span[0].is_alpha
            and span[0].is_title
            and not span[0].is_sent_start
            and len(span) > 1
            and span[1].is_title
        ):
            return None  # a spelled number inside a name: "Three Mile Island Unit 1"
        if kind == "power" and span.end < len(doc) and doc[span.end].lower_ in self.energy_after:
            return None
        words = [
            t.text for t in span if t._.deals_num or t._.deals_scale or t.lower_ in self.value_words
        ]
        unit = {"count": "count", "money": "USD", "power": "MW"}[kind]
        if kind == "power":
            g = numbers.glued(span[0].text)
            if g and g[1] in units:
                value = g[0] * units[g[1]]
            else:
                value = numbers.combine(
                    words[:-1] if words and words[-1].lower() in units else words
                )
                value = value * units[span[-1].lower_] if value is not None else None
        else:
            if kind == "money":
                unit = numbers.currencies.get(span[0].lower_, "USD")
                words = [w for w in words if w.lower() not in numbers.currencies]
            if kind == "count" and words and words[-1].lower() in self.count_nouns:
                words = words[:-1]
            value = numbers.combine(words)
        if value is None:
            return None
        if kind == "count" and (value < 2 or value != int(value)):
            return None
        qualifier = (
            "over"
            if any(t.text == "+" or t.text.endswith("+") for t in span)
            else self.qualifier(span)
        )
        return Figure.of(span, kind, round(value, 6), unit, qualifier)

    def qualifier(self, span: Span) -> str | None:
        doc = span.doc
        if span.text.startswith(self.approx_marks):
            return "about"
        before = [t.lower_ for t in doc[max(0, span.start - 3) : span.start]]
        if (
            len(before) >= 2
            and before[-1] in self.range_joiners
            and doc[span.start - 2]._.deals_num
        ):
            return "range"
        for words, name in self.numbers.qualifiers:
            if tuple(before[-len(words) :]) == words:
                return name
        return None

    def read_vague(self, span: Span) -> Figure | None:
        doc = span.doc
        after = [t.lower_ for t in doc[span.end : span.end + 6]]
        text = span.text.lower()
        if (
            any(w in text for w in self.vague_money)
            and "of" not in after[:1]
            or (after[:2] == self.vague_money_after or "dollar" in after[:2])
        ):
            kind, unit = "money", "USD"
        elif any(w in self.count_nouns for w in after):
            kind, unit = "count", "count"
        elif any(w in text for w in self.vague_large):
            kind, unit = "money", "USD"
        else:
            return None
        return Figure.of(span, kind, None, unit, "vague")


def iso_date_tokens(doc: Doc) -> set[int]:
    """The tokens of dates written 2025-09-18, which the tokenizer cuts at the hyphens: no
    number in one is a figure ("2025-09-18 US chip giant" holds no 18 chips)."""
    out = set()
    for m in ISO_DATE.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None:
            out |= set(range(span.start, span.end))
    return out


@Language.factory("deals_figures", default_config={"data_dir": ""}, assigns=["doc._.deals_figures"])
def make_figures(nlp: Language, name: str, data_dir: str) -> FigureFinder:
    """:param data_dir: folder of the word lists; empty for the package's own."""
    return FigureFinder(nlp, name, load_lexicon(data_dir))
