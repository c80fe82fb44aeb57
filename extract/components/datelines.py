"""Where a dateline ends: "SEOUL (Wire) -", "RENO, Nev. --" at the start of a paragraph.

The capitalised place that opens a paragraph before a dash is a place, never a party, and the
sentence the article tells starts after the dash: the parser, left alone, makes the place the
subject of the first sentence. A date stamp before the place ("2025-10-01 SEOUL (Wire) -")
is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from spacy.tokens import Doc

CAPITAL_WORD = re.compile(r"^[A-Z][A-Z.'’-]*$")


def paragraph_starts(doc: Doc) -> list[int]:
    return [0] + [t.i + 1 for t in doc if "\n" in t.text and t.i + 1 < len(doc)]


def datelines_of(
    doc: Doc,
    dashes: Collection[str],
    clause_ends: Collection[str],
    stamps: Collection[str],
    starts: list[int] | None = None,
) -> list[tuple[int, int, int]]:
    """(place start, place end, dash) of every dateline opening a paragraph of `doc`;
    `starts`: the paragraph starts, when the caller has them (`paragraph_starts`)."""
    return [
        found
        for start in (paragraph_starts(doc) if starts is None else starts)
        if (found := dateline_at(doc, start, dashes, clause_ends, stamps))
    ]


def dateline_at(
    doc: Doc,
    start: int,
    dashes: Collection[str],
    clause_ends: Collection[str],
    stamps: Collection[str],
) -> tuple[int, int, int] | None:
    """(place start, place end, dash) of the dateline opening the paragraph at `start`."""
    s = start
    while s < len(doc) and (
        doc[s].is_space
        or doc[s].lower_ in stamps
        or doc[s].like_num
        or doc[s].text in dashes
        and s + 1 < len(doc)
        and doc[s + 1].like_num
    ):
        s += 1
    e = s
    while (
        e < len(doc)
        and e - s < 6
        and (
            doc[e].is_upper
            and CAPITAL_WORD.match(doc[e].text)
            or (doc[e].text == "." and e > s and e + 1 < len(doc) and doc[e + 1].is_upper)
        )
    ):  # "ST. PAUL"
        e += 1
    if e == s or sum(c.isalpha() for c in doc[s:e].text) < 3:
        return None
    for k in range(e, min(len(doc), e + 14)):
        t = doc[k]
        if t.text in dashes:
            return s, e, k
        if "\n" in t.text or t.is_alpha and t.is_lower or t.text in clause_ends:
            return None
    return None
