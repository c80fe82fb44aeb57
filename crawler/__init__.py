"""Scrapy spiders that collect compute-deal news politely, incrementally and safely.

`crawler.run.crawl()` is the entry point; `crawler.parsing` is the pure article parser.
"""
