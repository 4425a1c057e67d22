"""A server too busy to answer (503 with Retry-After) is left alone as long as it asks, and
longer each time it asks again; automatic syncs wait, "Sync now" does not."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from lmsdesk.sync.engine import SyncOutcome, SyncStatus
from lmsdesk.ui.sync_controller import MAX_BACKOFF_SECONDS, SyncController, backoff_seconds
from lmsdesk.ui.tasks import TaskManager


class BusyServer:
    """A SyncService whose server answers "busy, retry after 1 s" a given number of times."""

    def __init__(self, busy_times: int) -> None:
        self.busy_times = busy_times
        self.calls = 0

    def on_local_change(self, _callback: Callable[[], None]) -> None:
        pass

    def sync(self, _report: object) -> SyncOutcome:
        self.calls += 1
        if self.calls <= self.busy_times:
            return SyncOutcome(SyncStatus.OFFLINE, retry_after=1.0)
        return SyncOutcome(SyncStatus.IDLE)


@pytest.fixture
def tasks() -> Iterator[TaskManager]:
    manager = TaskManager()
    yield manager
    manager.shutdown()


@pytest.fixture
def make_controller(tasks: TaskManager) -> Iterator[Callable[[BusyServer], SyncController]]:
    parent = QObject()  # owns the controllers for the test's length
    yield lambda server: SyncController(service=server, tasks=tasks, parent=parent)  # type: ignore[arg-type]
    parent.deleteLater()


def test_the_wait_doubles_with_each_refusal_and_is_capped() -> None:
    assert [backoff_seconds(2.0, n, 0.0) for n in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert backoff_seconds(2.0, 30, 0.0) == MAX_BACKOFF_SECONDS
    assert backoff_seconds(0.0, 1, 0.0) == 1.0, "never a tight loop, whatever the header says"
    assert 0.8 * 4.0 <= backoff_seconds(2.0, 2, -0.2) <= backoff_seconds(2.0, 2, 0.2) <= 4.8


def test_automatic_syncs_wait_for_a_busy_server_and_resume_after(
    qtbot: QtBot, make_controller: Callable[[BusyServer], SyncController]
) -> None:
    server = BusyServer(busy_times=1)
    controller = make_controller(server)
    with qtbot.waitSignal(controller.finished, timeout=5000) as first:
        controller.sync_now()
    assert first.args[0].retry_after == 1.0
    assert controller.backing_off

    # A local change or the minute timer during the wait does not knock again...
    controller.sync_if_allowed()
    qtbot.wait(100)
    assert server.calls == 1
    # ...the backoff timer does, once the wait is over, and then all is normal again.
    with qtbot.waitSignal(controller.finished, timeout=5000) as second:
        pass
    assert second.args[0].status is SyncStatus.IDLE
    assert server.calls == 2
    assert not controller.backing_off


def test_sync_now_is_the_users_to_press_even_during_a_wait(
    qtbot: QtBot, make_controller: Callable[[BusyServer], SyncController]
) -> None:
    server = BusyServer(busy_times=5)
    controller = make_controller(server)
    with qtbot.waitSignal(controller.finished, timeout=5000):
        controller.sync_now()
    with qtbot.waitSignal(controller.finished, timeout=5000):
        controller.sync_now()
    assert server.calls == 2
    controller.stop()
