"""Prepare article text for the model: decode HTML entities and blank out boilerplate lines.

Returns the cleaned text with a map from each cleaned character to its offset in the text
as given, so that evidence offsets always point into the original article.
"""

from __future__ import annotations

import html
import re

from extract.lexicon import Lexicon

ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);?")
SPACES = {"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": ""}


def unescape(text: str, base: int = 0) -> tuple[str, list[int]]:
    """html.unescape, one entity at a time, keeping the source offset of every output character."""
    out, offsets, pos = [], [], 0
    for m in ENTITY.finditer(text):
        for i in range(pos, m.start()):
            out.append(text[i]), offsets.append(base + i)
        decoded = html.unescape(m.group(0))
        if decoded == m.group(0) and not m.group(0).endswith(";"):
            decoded = m.group(0)
        for ch in decoded:
            out.append(ch), offsets.append(base + m.start())
        pos = m.end()
    for i in range(pos, len(text)):
        out.append(text[i]), offsets.append(base + i)
    chars = [SPACES.get(c, c) for c in out]
    return "".join(chars), offsets


def is_boilerplate(line: str, prefixes: tuple[str, ...]) -> bool:
    s = line.strip()
    if not s:
        return False
    if s.startswith(prefixes):
        return True
    words = s.split()
    return s.startswith("By ") and len(words) <= 5 and all(w[:1].isupper() for w in words)


def clean(text: str, lexicon: Lexicon) -> tuple[str, list[int]]:
    """Cleaned text and the original offset of each of its characters.

    :param lexicon: gives the boilerplate: line prefixes, stop and list headings, bullets.
    """
    lex = lexicon["boilerplate"]
    prefixes = tuple(lex["line_prefixes"])
    stops = tuple(h.lower() for h in lex["stop_headings"])
    decoded, offsets = unescape(text)
    if "&" in decoded:  # doubly escaped text such as "&amp;#39;"
        decoded, again = unescape(decoded)
        offsets = [offsets[i] for i in again]
    lists = tuple(h.lower() for h in lex["list_headings"])
    bullets = tuple(lex["bullets"])
    lines, pos, out_chars, out_offsets, stopped = decoded.split("\n"), 0, [], [], False
    in_list = False
    for line in lines:
        head = line.strip().rstrip(".:").lower()
        if head in stops or (
            head.startswith(lex["about_heading"].lower())
            and len(head.split()) <= 5
            and not head.endswith(".")
        ):
            stopped = True
        # a link list ("Related:" and the bullet lines under it) runs until a line that is not
        # a bullet
        if head.startswith(lists) and len(head.split()) <= 4:
            in_list = True
        elif in_list and not line.strip().startswith(bullets):
            in_list = False
        keep = not stopped and not in_list and not is_boilerplate(line, prefixes)
        for i, ch in enumerate(line + "\n"):
            if i < len(line) and not keep:
                ch = " "
            out_chars.append(ch)
            out_offsets.append(offsets[min(pos + i, len(offsets) - 1)] if offsets else 0)
        pos += len(line) + 1
    return "".join(out_chars[: len(decoded)]), out_offsets[: len(decoded)]
