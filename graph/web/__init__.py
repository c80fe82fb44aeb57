"""The web pages `deals serve` shows: Datasette over the database, read-only, with the
project's metadata, canned queries and a small plugin for the deal and company pages."""
