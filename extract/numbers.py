"""Turn the text of number tokens into values: "1,200", "14.2B", "1.5bn", "100k", "two", "half a million"."""
from __future__ import annotations

import re

WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "half": 0.5, "dozen": 12, "hundred": 100,
}
SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mm": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "t": 1e12,
}
POWER_UNITS = {
    "mw": 1.0, "megawatt": 1.0, "megawatts": 1.0, "gw": 1000.0, "gigawatt": 1000.0, "gigawatts": 1000.0,
}
NUMBER = re.compile(r"^[~≈]?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\+?$")
GLUED = re.compile(r"^[~≈]?(\d[\d,]*(?:\.\d+)?)(k|m|mn|mln|b|bn|bln|tn|t|mw|gw|megawatts?|gigawatts?)\+?$", re.I)
RANGE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)[-–](\d[\d,]*(?:\.\d+)?)$")


def _float(digits: str) -> float:
    return float(digits.replace(",", ""))


def token_value(text: str) -> float | None:
    """Value of one token that is a plain number ("1,121", "~200,000", "300+", "two", "1-1.5")."""
    t = text.lower()
    if t in WORDS and t not in ("a", "an", "half", "hundred", "dozen"):
        return float(WORDS[t])
    m = NUMBER.match(t)
    if m:
        return _float(m.group(1) + (m.group(2) or ""))
    m = RANGE.match(t)
    if m:
        return _float(m.group(2))
    return None


def glued(text: str) -> tuple[float, str] | None:
    """A number with its scale or power unit in the same token: "14.2B" -> (14.2, "b"), "750MW" -> (750, "mw")."""
    m = GLUED.match(text)
    if not m:
        return None
    return _float(m.group(1)), m.group(2).lower()


def combine(words: list[str]) -> float | None:
    """Value of a run of number words and scales: ["one", "million"], ["half", "a", "million"], ["1.2", "billion"]."""
    total, current, seen = 0.0, None, False
    for w in (w.lower() for w in words):
        if w in ("and", "-"):
            continue
        g = glued(w)
        if g and g[1] in SCALES:
            total, current = total + (current or 0) + g[0] * SCALES[g[1]], None
        elif w in SCALES and (len(w) > 1 or current is not None):
            total, current = total + (current if current is not None else 1.0) * SCALES[w], None
        elif w == "hundred":
            current = (current or 1.0) * 100
        elif w == "half":
            current = (current or 0) + 0.5
        elif w in ("a", "an"):
            current = 1.0 if current is None else current
        else:
            v = token_value(w)
            if v is None:
                return None
            current = v if current is None else current + v
        seen = True
    if current is not None:
        total += current
    return total if seen else None
