"""Deal extraction: a spaCy pipeline that turns articles into compute deals with their evidence."""

EXTRACTOR_VERSION = "deals-extract/0.7"
