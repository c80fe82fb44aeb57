"""The read side: queries over the projection tables, the networkx graph and its export.

Modules used by `deals query` and `deals show` (view, names, query, render, show) import only
the standard library and `store`; networkx is imported by build, export and analysis alone.
"""
