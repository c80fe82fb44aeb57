"""How an organisation's name is written down once the text around it is set aside."""

from __future__ import annotations

from collections.abc import Collection


def canonical(text: str, legal: Collection[str]) -> str:
    """A company name without "the", possessive, legal suffix (one of `legal`, lower case) or
    trailing punctuation."""
    words = text.replace("\n", " ").replace("’", "'").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    while words and (words[-1].lower().strip(".,") in legal or not words[-1].strip(".,")):
        words = words[:-1]
    return " ".join(words).strip(" ,.;:")
