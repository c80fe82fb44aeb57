"""Crash points for the crash-safety tests.

`DEALS_CRASH_AT=point:N` kills the process with SIGKILL the N-th time it reaches `point`: a
real, unannounced death in the middle of a stage, at a place a test can name. Unset (always,
outside those tests), a crash point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

_SPEC = os.environ.get("DEALS_CRASH_AT", "")
_POINT, _, _NTH = _SPEC.partition(":")
_seen = 0


def crash_point(name: str) -> None:
    global _seen
    if name != _POINT:
        return
    _seen += 1
    if _seen >= int(_NTH or 1):
        os.kill(os.getpid(), signal.SIGKILL)
