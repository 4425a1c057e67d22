"""What counts as watched: playback running on from the watched stretch, not seeks."""

from __future__ import annotations

from lmsdesk.services.watch_progress import WatchTracker

CLOCK = [100.0]  # monotonic seconds, shared so time only moves forward


def _play(tracker: WatchTracker, start: float, end: float, *, rate: float = 1.0) -> None:
    """Samples every 0.25 s of wall time while the playhead runs from start to end."""
    position = start
    while position <= end:
        tracker.sample(position, CLOCK[0], rate=rate, playing=True)
        CLOCK[0] += 0.25
        position += 0.25 * rate


def test_continuous_playback_extends_watched_and_completes_at_ninety_percent() -> None:
    tracker = WatchTracker(position=0.0, watched=0.0, duration=30.0)
    _play(tracker, 0.0, 26.5)
    assert not tracker.should_complete
    _play(tracker, 26.5, 27.25, rate=2.0)
    assert tracker.watched >= 27.0
    assert tracker.should_complete


def test_a_jump_ahead_is_a_seek_not_watching() -> None:
    tracker = WatchTracker(position=0.0, watched=0.0, duration=30.0)
    _play(tracker, 0.0, 5.0)
    _play(tracker, 28.0, 30.0)  # the seek bar dragged to the end, the last seconds played
    assert tracker.watched <= 5.25
    assert not tracker.should_complete


def test_resuming_inside_the_watched_stretch_continues_it() -> None:
    tracker = WatchTracker(position=12.0, watched=12.0, duration=30.0)
    _play(tracker, 12.0, 20.0)
    assert tracker.watched >= 19.75


def test_time_spent_counts_playback_only_once() -> None:
    tracker = WatchTracker(position=0.0, watched=0.0, duration=30.0)
    _play(tracker, 0.0, 10.0)
    assert 9.5 <= tracker.take_time_spent() <= 10.5
    assert tracker.take_time_spent() == 0.0


def test_a_completed_video_does_not_complete_again() -> None:
    tracker = WatchTracker(position=0.0, watched=29.0, duration=30.0, completed=True)
    assert not tracker.should_complete
