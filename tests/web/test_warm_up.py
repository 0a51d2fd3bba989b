"""`loopcoach serve` warms the analysis engine in the background, once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from loopcoach.app import Coach
from loopcoach.cli.serve import start_warm_up
from loopcoach.config import Settings


@pytest.fixture()
def coach(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Coach:
    monkeypatch.setenv("LOOPCOACH_EMBEDDER", "lexical")  # the warm-up path, without the model
    monkeypatch.setenv("LOOPCOACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LOOPCOACH_DATABASE_URL", raising=False)
    return Coach(Settings.from_env())


def test_warm_up_loads_the_analyzer_in_the_background(coach: Coach) -> None:
    thread = start_warm_up(coach)
    assert thread.daemon
    thread.join(120)
    assert not thread.is_alive()
    assert "analyzer" in coach.__dict__
    assert not (Path(coach.settings.data_dir) / "loopcoach.db").exists(), "nothing stored"


def test_warm_up_and_a_request_share_one_analyzer(coach: Coach) -> None:
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(coach.analyzer)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(seen) == 4 and all(a is seen[0] for a in seen)


def test_warm_up_failure_is_not_fatal(
    coach: Coach, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("no model")

    monkeypatch.setattr(coach, "warm_up", broken)
    start_warm_up(coach).join(30)
    assert "warm-up failed" in caplog.text


def test_the_server_settles_its_heap_after_the_warm_up(coach: Coach) -> None:
    """`then` (the server's `heap.settle`) runs once the analyzer is loaded, and after a failed
    warm-up too."""
    seen: list[bool] = []
    start_warm_up(coach, then=lambda: seen.append("analyzer" in coach.__dict__)).join(120)
    assert seen == [True]


def test_then_runs_after_a_failed_warm_up(coach: Coach, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise RuntimeError("no model")

    monkeypatch.setattr(coach, "warm_up", broken)
    seen: list[int] = []
    start_warm_up(coach, then=lambda: seen.append(1)).join(30)
    assert seen == [1]


def test_settle_leaves_what_is_alive_out_of_later_collections() -> None:
    import gc

    from loopcoach.web.heap import settle

    kept = [[n] for n in range(1_000)]  # lists: always tracked by the collector
    assert any(o is kept[0] for o in gc.get_objects())
    try:
        settle()
        assert gc.get_freeze_count() >= len(kept)
        assert not any(o is kept[0] for o in gc.get_objects()), "a collection would walk it"
    finally:
        gc.unfreeze()
