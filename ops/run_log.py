"""The plain log `deals run --log FILE` appends to: timestamped lines, one per step."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path


class RunLog:
    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self._fh = None

    def __enter__(self) -> "RunLog":
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("a", encoding="utf-8")
        return self

    def line(self, text: str) -> None:
        if self._fh:
            stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self._fh.write(f"{stamp} {text}\n")
            self._fh.flush()

    def __exit__(self, *exc) -> None:
        if self._fh:
            self._fh.close()
