"""flows/gcfreeze.py: what a block freezes is out of collections until the outermost block ends; a pause restores."""

from __future__ import annotations

import gc
import weakref

from flows.gcfreeze import freeze_more, gc_frozen, gc_paused


class Node:
    other: Node


def frozen_cycle() -> weakref.ref:
    """A reference cycle nobody else holds, frozen by freeze_more: only a collection after unfreezing frees it."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    freeze_more()
    return alive


def test_frozen_until_the_outermost_block_ends() -> None:
    assert gc.get_freeze_count() == 0
    with gc_frozen():
        assert gc.get_freeze_count() > 0
        with gc_frozen():
            alive = frozen_cycle()
        gc.collect()
        # (counts are no test here: frozen objects still go when nothing refers to them any more)
        assert alive() is not None, "an inner block unfroze the outer one's objects"
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert alive() is None


def test_freeze_more_outside_a_block_freezes_nothing() -> None:
    freeze_more()
    assert gc.get_freeze_count() == 0


def test_garbage_frozen_in_a_block_is_collected_after_it() -> None:
    with gc_frozen():
        alive = frozen_cycle()
        gc.collect()
        assert alive() is not None  # frozen: left alone
    gc.collect()
    assert alive() is None


def test_a_pause_restores_what_was_there() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled(), "a pause enabled a collector that was off"
    finally:
        gc.enable()


def test_the_site_build_leaves_nothing_frozen_and_collection_on(tmp_path) -> None:
    from flows.site import build_site

    build_site(tmp_path / "empty")
    assert gc.get_freeze_count() == 0 and gc.isenabled()
