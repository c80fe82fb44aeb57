"""spaCy components for deal extraction; importing this package registers their factories."""

from extract.components.figures import make_figures
from extract.components.gazetteer import make_gazetteer
from extract.components.orgs import make_orgs
from extract.components.sentences import make_line_breaks
from extract.components.sites import make_sites

__all__ = ["make_figures", "make_gazetteer", "make_line_breaks", "make_orgs", "make_sites"]
