"""How counts and amounts are written in every line the tool prints: one place, one style."""

from __future__ import annotations

IRREGULAR = {
    "company": "companies",
    "facility": "facilities",
    "entry": "entries",
    "query": "queries",
    "was": "were",
    "is": "are",
    "has": "have",
}


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 deal', '2 deals', '1,000 articles', '1 company', '3 companies'."""
    form = word if n == 1 else many or IRREGULAR.get(word) or word + "s"
    return f"{n:,} {form}"


def count(value) -> str:
    """200000 -> 200k, 1000000 -> 1M, 1500 -> 1,500; None -> ''."""
    if value is None:
        return ""
    for threshold, size, suffix in (
        (1e12, 1e12, "T"),
        (1e9, 1e9, "B"),
        (1e6, 1e6, "M"),
        (1e4, 1e3, "k"),
    ):
        if value >= threshold:
            return f"{value / size:.3g}{suffix}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def money(value) -> str:
    """US dollars as every command prints them: $780M, $1.05B, $38B; None -> ''."""
    return "" if value is None else "$" + count(value)
