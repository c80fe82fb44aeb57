"""Pictures of the deals: the partnership network and announced capacity over time.

Drawn with matplotlib (Agg, no window, no network) from the read tables; written as SVG, PNG
or an HTML page holding the SVG. `deals query` and `deals export` never import this package.
"""
