"""The Qt binding itself must not leak or drop references: PySide6 6.12.0 dropped one reference
to True per signal emission into a Python slot, and one to None per
QCoreApplication.processEvents(); a player emitting positions aborted the app within minutes."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    position = Signal(float)


def test_signal_emission_keeps_reference_counts(qtbot: QtBot) -> None:
    emitter = _Emitter()
    seen: list[float] = []
    emitter.position.connect(lambda seconds: seen.append(seconds))
    before = sys.getrefcount(True)
    for step in range(1000):
        emitter.position.emit(step / 10)
    assert len(seen) == 1000
    assert abs(sys.getrefcount(True) - before) < 10
    del qtbot


def test_process_events_keeps_reference_counts(qtbot: QtBot) -> None:
    before = sys.getrefcount(None)
    for _ in range(1000):
        QCoreApplication.processEvents()
    assert abs(sys.getrefcount(None) - before) < 10
    del qtbot
