"""Crash injection for the crash tests: CHANGAI_FAILPOINT=<name>[:<n>] SIGKILLs the process at that point.

Reads the environment only. Unset (always, outside tests) a failpoint is one dictionary lookup.
The names mark the windows between durable steps of a run (see README "Data safety").
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "CHANGAI_FAILPOINT"
POINTS = (
    "raw-stored",  # after a document's bytes are kept in raw/, before its .json
    "commit-start",  # after the rebuild-pending marker, before the snapshot is written
    "snapshot-written",  # the new snapshot is complete in its temp folder
    "snapshot-ready",  # the temp folder was renamed .<day>.ready, nothing applied yet
    "snapshot-file-moved",  # one file of a same-day snapshot moved into place, others not yet
    "committed",  # the snapshot is in place, current tables not rebuilt
    "current-written",  # one current table rewritten, others still old
    "rebuilt",  # current tables and datapackage.json written, marker not yet removed
)
_hits: Counter[str] = Counter()


def failpoint(name: str) -> None:
    """Die here, like a kill -9, when CHANGAI_FAILPOINT names this point (and this is its n-th hit)."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    target, _, nth = wanted.partition(":")
    if target != name:
        return
    _hits[name] += 1
    if _hits[name] >= int(nth or 1):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
