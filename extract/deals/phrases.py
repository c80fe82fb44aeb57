"""Match word lists against token sequences (lower-cased), so multi-word cues need no regex."""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span


@lru_cache(maxsize=None)
def split(phrase: str) -> tuple[str, ...]:
    out = []
    for word in phrase.lower().replace("-", " - ").replace("'", " '").split():
        out.append(word)
    return tuple(out)


def words(span: Span) -> list[str]:
    return [t.lower_ for t in span if not t.is_space]


@lru_cache(maxsize=None)
def by_first_word(phrases: tuple[str, ...]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        p = split(phrase)
        if p:
            index.setdefault(p[0], []).append(p)
    return index


def count(span_words: list[str], phrases: list[str]) -> int:
    """How many times any of the phrases occurs in the word list."""
    index = by_first_word(tuple(phrases))
    n = 0
    for i, w in enumerate(span_words):
        for p in index.get(w, ()):
            if tuple(span_words[i : i + len(p)]) == p:
                n += 1
    return n
