"""Loads the real pipeline once for every extraction test module that asks for it."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@functools.lru_cache(maxsize=None)
def shared_nlp():
    from extract.pipeline import build_nlp

    return build_nlp()


def dev_set_or_skip() -> Path:
    path = SHARED / "eval" / "dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared evaluation set is not part of a clone")
    return path
