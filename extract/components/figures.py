"""The `deals_figures` component: accelerator counts, power and money found by token patterns.

Sets `doc._.deals_figures`, a list of `Figure` in text order. Vague amounts ("tens of
thousands of GPUs", "multibillion-dollar") are kept with `value=None` so that nothing
later mistakes them for a number.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extract import lexicon
from extract.numbers import POWER_UNITS, SCALES, WORDS, combine, glued, token_value

CURRENCIES = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
              "c$": "CAD", "a$": "AUD", "¥": "JPY", "s$": "SGD", "hk$": "HKD", "nok": "NOK", "sek": "SEK"}
QUALIFIERS = [  # longest first; the words before a figure that change how it reads
    (("as", "many", "as"), "up to"), (("as", "much", "as"), "up to"), (("up", "to"), "up to"),
    (("well", "over"), "over"), (("more", "than"), "over"), (("in", "excess", "of"), "over"),
    (("north", "of"), "over"), (("at", "least"), "at least"), (("close", "to"), "about"),
    (("an", "estimated"), "about"), (("over",), "over"), (("above",), "over"), (("exceeding",), "over"),
    (("about",), "about"), (("around",), "about"), (("approximately",), "about"), (("roughly",), "about"),
    (("some",), "about"), (("nearly",), "about"), (("almost",), "about"), (("circa",), "about"),
    (("~",), "about"), (("approx",), "about"), (("first",), "phase"), (("initial",), "phase"),
    (("additional",), "additional"), (("another",), "additional"), (("further",), "additional"),
]
MID_WORDS = {"of", "its", "their", "the", "additional", "new", "more", "advanced", "custom", "ai", "next-generation",
             "latest", "tensor", "processing", "graphics", "dedicated", "data", "center", "centre", "-", "high-end",
             "cutting-edge", "in-house", "liquid-cooled", "accelerated", "flagship", "own", "inference", "training", "'s", "’s"}
PER_UNIT = {"rack", "racks", "server", "servers", "node", "nodes", "tray", "trays", "board", "boards", "chassis",
            "pod", "per", "each"}


@dataclass
class Figure:
    """One amount in the text: kind is "count", "power" or "money"; value is normalised (MW, currency units)."""
    kind: str
    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    value: float | None
    unit: str
    qualifier: str | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("start"), d.pop("end")
        return d


def _count_nouns() -> set[str]:
    nouns = set(lexicon.lexicon()["figures"]["count_nouns"])
    for chip in lexicon.accelerators():
        for name in [chip["name"], *chip["aliases"]]:
            if " " not in name:
                nouns |= {name.lower(), name.lower() + "s"}
    return nouns


def register_extensions() -> None:
    """Token getters the figure patterns (and the organisation repair) read."""
    count_nouns = _count_nouns()
    not_after = set(lexicon.lexicon()["figures"]["count_not_after"])
    generic = set(lexicon.lexicon()["figures"]["count_nouns"])
    getters = {
        "deals_num": lambda t: token_value(t.text) is not None or (glued(t.text) or ("", ""))[1] in SCALES,
        "deals_scale": lambda t: t.lower_ in SCALES,
        "deals_power_unit": lambda t: t.lower_ in POWER_UNITS,
        "deals_glued_power": lambda t: (glued(t.text) or ("", ""))[1] in POWER_UNITS,
        "deals_currency": lambda t: t.lower_ in CURRENCIES,
        "deals_count_noun": lambda t: t.lower_ in count_nouns,
        "deals_count_mid": lambda t: t.lower_ not in not_after and t.lower_ not in generic and t.lower_ not in POWER_UNITS
        and t.lower_ not in SCALES and t.lower_ not in CURRENCIES and (
            t.lower_ in MID_WORDS or (t.is_alpha and t.text[:1].isupper()) or (
                any(c.isdigit() for c in t.text) and any(c.isalpha() for c in t.text) and token_value(t.text) is None)),
    }
    for name, getter in getters.items():
        Token.set_extension(name, getter=getter, force=True)
    Doc.set_extension("deals_figures", default=None, force=True)


NUMBER_TOKEN = (r"[~≈]?\d[\d,]*(?:\.\d+)?(?:[-–]\d[\d,]*(?:\.\d+)?)?(?:k|m|mn|mln|b|bn|bln|tn|t)?\+?|"
                + "|".join(w for w in WORDS if w not in ("a", "an", "half", "hundred", "dozen")))
GLUED_POWER = r"^[~≈]?\d[\d,]*(?:\.\d+)?(?:mw|gw|megawatts?|gigawatts?)\+?$"
MID_SHAPE = r"^(?:[A-Z][A-Za-z.-]*|[A-Za-z][\w-]*\d[\w-]*|\d[\w-]*[A-Za-z][\w-]*|" + "|".join(
    sorted(MID_WORDS - {"-"})) + "|-)$"


def build_patterns(count_nouns: set[str], not_after: set[str], generic: set[str]) -> dict[str, list]:
    """Token patterns with plain attributes and per-token regexes, which the Matcher runs in C."""
    num = {"LOWER": {"REGEX": f"^(?:{NUMBER_TOKEN})$"}}
    scale = {"LOWER": {"IN": sorted(SCALES)}}
    unit = {"LOWER": {"IN": sorted(POWER_UNITS)}}
    plus = {"ORTH": "+", "OP": "?"}
    hyphen = {"ORTH": {"IN": ["-", "–"]}, "OP": "?"}
    noun = {"LOWER": {"IN": sorted(count_nouns)}}
    stop = sorted(not_after | generic | set(POWER_UNITS) | set(SCALES) | set(CURRENCIES))
    mid = {"LOWER": {"NOT_IN": stop}, "TEXT": {"REGEX": MID_SHAPE}, "OP": "{0,5}"}
    return {
        "power": [
            [num, plus, hyphen, unit],
            [{"LOWER": {"REGEX": GLUED_POWER}}],
            [{"LOWER": {"IN": ["a", "one", "half"]}}, {"LOWER": "a", "OP": "?"}, hyphen, unit],
        ],
        "money": [
            [{"LOWER": {"IN": sorted(CURRENCIES)}}, num, dict(scale, OP="?"), plus],
            [num, scale, {"LOWER": {"IN": ["dollars", "usd"]}}],
        ],
        "count": [
            [num, dict(num, OP="?"), dict(scale, OP="?"), plus, hyphen, mid, noun],
            [{"LOWER": "half"}, {"LOWER": "a"}, {"LOWER": "million"}, mid, noun],
        ],
    }


class FigureFinder:
    """Finds figures with a token Matcher, then reads each match's value, unit and qualifier."""

    def __init__(self, nlp: Language, name: str):
        lex = lexicon.lexicon()["figures"]
        self.count_nouns = _count_nouns()
        register_extensions()
        self.matcher = Matcher(nlp.vocab)
        patterns = build_patterns(self.count_nouns, set(lex["count_not_after"]), set(lex["count_nouns"]))
        for kind, patterns in patterns.items():
            self.matcher.add(kind, patterns, greedy="LONGEST")
        self.vague = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.vague.add("vague", list(nlp.tokenizer.pipe(lex["vague"])))

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, s, e, label=kind) for kind, s, e in
                 ((doc.vocab.strings[m], s, e) for m, s, e in self.matcher(doc))]
        spans += [Span(doc, s, e, label="vague") for _, s, e in self.vague(doc)]
        figures = []
        for span in sorted(filter_spans(spans), key=lambda sp: sp.start):
            fig = self.read(span) if span.label_ != "vague" else self.read_vague(span)
            if fig is not None:
                figures.append(fig)
        doc._.deals_figures = figures
        return doc

    def read(self, span: Span) -> Figure | None:
        doc, kind = span.doc, span.label_
        if kind == "count" and span.end < len(doc) and doc[span.end].lower_ in PER_UNIT | {"apiece"}:
            return None
        if kind == "count" and any(t.lower_ in POWER_UNITS for t in span):
            return None
        if kind == "power" and span.end < len(doc) and doc[span.end].lower_ in ("hours", "hour", "-hours"):
            return None
        words = [t.text for t in span if t._.deals_num or t._.deals_scale or t.lower_ in ("a", "half")]
        unit = {"count": "count", "money": "USD", "power": "MW"}[kind]
        if kind == "power":
            g = glued(span[0].text)
            if g and g[1] in POWER_UNITS:
                value = g[0] * POWER_UNITS[g[1]]
            else:
                value = combine(words[:-1] if words and words[-1].lower() in POWER_UNITS else words)
                value = value * POWER_UNITS[span[-1].lower_] if value is not None else None
        else:
            if kind == "money":
                unit = CURRENCIES.get(span[0].lower_, "USD")
                words = [w for w in words if w.lower() not in CURRENCIES]
            if kind == "count" and words and words[-1].lower() in self.count_nouns:
                words = words[:-1]
            value = combine(words)
        if value is None:
            return None
        if kind == "count" and (value < 2 or value != int(value)):
            return None
        qualifier = "over" if any(t.text == "+" or t.text.endswith("+") for t in span) else self.qualifier(span)
        return Figure(kind, span.start, span.end, span.start_char, span.end_char, span.text,
                      round(value, 6), unit, qualifier)

    def qualifier(self, span: Span) -> str | None:
        doc = span.doc
        if span.text.startswith(("~", "≈")):
            return "about"
        before = [t.lower_ for t in doc[max(0, span.start - 3):span.start]]
        if len(before) >= 2 and before[-1] in ("and", "to", "-", "–") and doc[span.start - 2]._.deals_num:
            return "range"
        for words, name in QUALIFIERS:
            if tuple(before[-len(words):]) == words:
                return name
        return None

    def read_vague(self, span: Span) -> Figure | None:
        doc = span.doc
        after = [t.lower_ for t in doc[span.end:span.end + 6]]
        text = span.text.lower()
        if any(w in text for w in ("billion", "dollar", "million-dollar")) and "of" not in after[:1] or (
                after[:2] == ["of", "dollars"] or "dollar" in after[:2]):
            kind, unit = "money", "USD"
        elif any(w in self.count_nouns for w in after):
            kind, unit = "count", "count"
        elif any(w in text for w in ("billion", "trillion")):
            kind, unit = "money", "USD"
        else:
            return None
        return Figure(kind, span.start, span.end, span.start_char, span.end_char, span.text, None, unit, "vague")


@Language.factory("deals_figures", default_config={}, assigns=["doc._.deals_figures"])
def make_figures(nlp: Language, name: str) -> FigureFinder:
    return FigureFinder(nlp, name)
