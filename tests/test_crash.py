"""SIGKILL at random moments and at every failpoint of a run over a few hundred documents: after each kill
every CSV parses and passes its schema, the next run completes, and the final tables equal an unkilled run's.

The runs are tests/crash_driver.py children (the flow's steps without Prefect, forked from an
already-imported process so kills land in the run, not in start-up); test_real_changai_run_* shows
the driver and the real `changai run` store identical tables, and kills the real command too.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from flows.failpoints import POINTS
from flows.store import DataStore
from tests.crashkit import (  # noqa: F401 - history_fixture provides the `history` fixture
    Zygote,
    assert_every_csv_sound,
    diff_states,
    history_fixture,
    killed_by_sigkill,
    last_phase,
    table_state,
)
from tests.docgen import sync_inbox
from validations.audit import audit

pytestmark = pytest.mark.slow
KILLS_PER_STEP = 8  # three steps: 24 kills at random moments
SEED = int(os.environ.get("CHANGAI_CRASH_SEED", "20261121"))


def test_random_sigkills_never_corrupt_or_lose_data(history, tmp_path: Path) -> None:
    """Per step of the history, kill runs at random moments until KILLS_PER_STEP kills landed inside a
    run. Killed runs pile up (each next run first recovers from the last); a run that finished before
    its kill is checked against the unkilled run and the data dir goes back to the step's start."""
    inbox, stepped = history
    data = tmp_path / "data"
    rng = random.Random(SEED)
    zygote = Zygote()
    phases = tmp_path / "phases.txt"
    hit: Counter[str] = Counter()
    try:
        for i, step in enumerate(stepped):
            sync_inbox(inbox, step.layout)
            kills = attempts = 0
            while kills < KILLS_PER_STEP and attempts < 4 * KILLS_PER_STEP:
                attempts += 1
                pid = zygote.start(inbox, data, step.day, phases)
                time.sleep(rng.uniform(0, step.seconds))
                os.kill(pid, signal.SIGKILL)  # our child, not reaped yet (a zombie at worst): never another process
                status = zygote.wait(pid)
                assert_every_csv_sound(data)
                if killed_by_sigkill(status):
                    kills += 1
                    hit[last_phase(phases)] += 1
                    continue
                assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
                assert diff_states(table_state(data), step.state) == []
                shutil.rmtree(data)  # start the step again, so that the next kill has a whole run to hit
                if i:
                    shutil.copytree(stepped[i - 1].copy, data)
            assert kills == KILLS_PER_STEP, f"only {kills} of {attempts} kills landed inside a run"
            zygote.run(inbox, data, step.day, phases)  # the next run completes...
            assert diff_states(table_state(data), step.state) == []  # ...with the unkilled run's tables
            assert DataStore(data).interrupted_state() == []
    finally:
        zygote.close()
    print(f"\nSIGKILL seed {SEED}; last phase reached before each kill: {dict(hit)}")
    assert sum(hit.values()) >= 20
    assert audit(data).problems == 0


# (failpoint, n-th hit, step of the history): each window between two durable steps, in the step
# where it matters most (same-day file moves need an existing day folder: step 1)
FAILPOINTS = [
    ("raw-stored", 2, 2),
    ("commit-start", 1, 1),
    ("snapshot-written", 1, 2),
    ("snapshot-ready", 1, 0),
    ("snapshot-ready", 1, 1),
    ("snapshot-file-moved", 2, 1),
    ("committed", 1, 2),
    ("current-written", 2, 0),
    ("rebuilt", 1, 2),
]


def test_kill_at_every_failpoint(history, tmp_path: Path) -> None:
    """A deterministic kill in each window between two durable steps, then recovery to the unkilled state."""
    assert {p for p, _, _ in FAILPOINTS} == set(POINTS)
    inbox, stepped = history
    zygote = Zygote()
    try:
        for point, nth, i in FAILPOINTS:
            data = tmp_path / f"{point}-{i}"
            if i:
                shutil.copytree(stepped[i - 1].copy, data)
            step = stepped[i]
            sync_inbox(inbox, step.layout)
            pid = zygote.start(inbox, data, step.day, tmp_path / "phases.txt", failpoint=f"{point}:{nth}")
            assert killed_by_sigkill(zygote.wait(pid)), f"{point} was not reached in step {i}"
            assert_every_csv_sound(data)
            zygote.run(inbox, data, step.day, tmp_path / "phases.txt")
            assert diff_states(table_state(data), step.state) == [], f"after a kill at {point}, step {i}"
            assert audit(data).problems == 0
    finally:
        zygote.close()
