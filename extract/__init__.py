"""Deal extraction: a spaCy pipeline that turns articles into compute deals with their evidence.

The NLP half only annotates a Doc: `pipeline.build_nlp()` adds the `deals_*` components of
`components/` (line breaks, gazetteer, organisations, sites, figures) to the statistical model
as `data/pipeline.toml` lays them out; `extensions.py` declares the attributes they set. The
deals half, `deals/`, reads deals off the annotated Doc. Every word list, gazetteer and rule
table is a file in `data/`, read once into the frozen `lexicon.Lexicon` that both halves are
given. `api.Extractor` puts them together; `runner` feeds it from the event store.
"""

EXTRACTOR_VERSION = "deals-extract/0.13"
