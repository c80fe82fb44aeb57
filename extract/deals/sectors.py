"""A party's sector: the gazetteer's, else one read from the last word of its name."""

from __future__ import annotations

from extract.lexicon import Lexicon


class Sectors:
    def __init__(self, lexicon: Lexicon):
        self.known = lexicon.sector_of
        self.suffixes = lexicon["sector_suffixes"]

    def __call__(self, name: str) -> str:
        """The gazetteer's sector, else one read from the name's last word ("Halden Grid" ->
        energy); "" when neither says."""
        known = self.known.get(name)
        if known:
            return known
        last = name.split()[-1] if name.split() else ""
        for sector, suffixes in self.suffixes.items():
            if last in suffixes:
                return sector
        return ""
