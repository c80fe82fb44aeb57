"""Shared fixtures: paths to the repository and to the optional shared evaluation data."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "deals.db"


def shared_or_skip(*parts: str) -> Path:
    """A path under ../shared, or a clean skip where a user's clone has no such folder."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared evaluation data is not part of a clone")
    return path
