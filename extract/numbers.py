"""Turn the text of number tokens into values: "1,200", "14.2B", "1.5bn", "100k", "two",
"half a million", with the number words, scales and units of the lexicon's `numbers.toml`."""

from __future__ import annotations

import re

from extract.lexicon import Lexicon

NUMBER = re.compile(r"^[~≈]?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\+?$")
RANGE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)[-–](\d[\d,]*(?:\.\d+)?)$")


def _float(digits: str) -> float:
    return float(digits.replace(",", ""))


class Numbers:
    """Reads values off token texts; built once from a lexicon."""

    def __init__(self, lexicon: Lexicon):
        tables = lexicon.numbers
        self.words = tables["words"]
        self.scales = tables["scales"]
        self.power_units = tables["power_units"]
        self.currencies = tables["currencies"]
        self.qualifiers = tuple((tuple(q["words"]), q["reads"]) for q in tables["qualifiers"])
        self.not_alone = tables["not_alone"]
        self.fillers = tables["fillers"]
        self.articles = tables["articles"]
        self.glued_scales = "|".join(tables["glued_scales"])
        self.glued_power = "|".join(tables["glued_power"])
        self.glued_re = re.compile(
            r"^[~≈]?(\d[\d,]*(?:\.\d+)?)("
            + "|".join([*tables["glued_scales"], *tables["glued_power"]])
            + r")\+?$",
            re.I,
        )

    def token_value(self, text: str) -> float | None:
        """Value of one token that is a plain number ("1,121", "~200,000", "300+", "two",
        "1-1.5")."""
        t = text.lower()
        if t in self.words and t not in self.not_alone:
            return float(self.words[t])
        m = NUMBER.match(t)
        if m:
            return _float(m.group(1) + (m.group(2) or ""))
        m = RANGE.match(t)
        if m:
            return _float(m.group(2))
        return None

    def glued(self, text: str) -> tuple[float, str] | None:
        """A number with its scale or power unit in the same token: "14.2B" -> (14.2, "b"),
        "750MW" -> (750, "mw")."""
        m = self.glued_re.match(text)
        if not m:
            return None
        return _float(m.group(1)), m.group(2).lower()

    def combine(self, words: list[str]) -> float | None:
        """Value of a run of number words and scales: ["one", "million"], ["half", "a",
        "million"], ["1.2", "billion"]."""
        scales = self.scales
        total, current, seen = 0.0, None, False
        for w in (w.lower() for w in words):
            if w in self.fillers:
                continue
            g = self.glued(w)
            if g and g[1] in scales:
                total, current = total + (current or 0) + g[0] * scales[g[1]], None
            elif w in scales and (len(w) > 1 or current is not None):
                total, current = total + (current if current is not None else 1.0) * scales[w], None
            elif w == "hundred":
                current = (current or 1.0) * 100
            elif w == "half":
                current = (current or 0) + 0.5
            elif w in self.articles:
                current = 1.0 if current is None else current
            else:
                v = self.token_value(w)
                if v is None:
                    return None
                current = v if current is None else current + v
            seen = True
        if current is not None:
            total += current
        return total if seen else None
