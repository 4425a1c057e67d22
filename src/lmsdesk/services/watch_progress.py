"""What counts as watched: the playhead moving by itself, not a seek.

The tracker sees position samples from the player's poll. A sample that moved forward by no
more than the wall time since the last one (times the speed, plus slack for poll jitter) was
played; any other move is a seek and only moves the baseline. `watched` is the end of what has
been watched from the start without a gap: playback extends it only while it runs on from
inside that stretch. A video completes when `watched` reaches 90% of its length, so jumping to
the end and letting the last seconds play never completes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COMPLETE_AT = 0.9
#: Slack for poll jitter and libvlc's coarse time updates (it reports every ~0.25-0.5 s).
JITTER_SECONDS = 1.5


@dataclass
class WatchTracker:
    position: float
    watched: float
    duration: float = 0.0
    completed: bool = False
    _last_sample: tuple[float, float] | None = field(default=None, repr=False)
    _unsaved_time: float = field(default=0.0, repr=False)

    def sample(self, position: float, now: float, *, rate: float, playing: bool) -> None:
        """A position read at monotonic time `now`."""
        if playing and self._last_sample is not None:
            last_position, last_now = self._last_sample
            elapsed = max(now - last_now, 0.0)
            moved = position - last_position
            if 0.0 <= moved <= elapsed * max(rate, 0.1) + JITTER_SECONDS:
                if last_position <= self.watched + JITTER_SECONDS:
                    self.watched = max(self.watched, position)
                self._unsaved_time += min(elapsed, JITTER_SECONDS + 1.0)
        self._last_sample = (position, now) if playing else None
        self.position = position

    def seeked(self, position: float) -> None:
        self.position = position
        self._last_sample = None

    def stopped(self) -> None:
        """Paused or ended: the next sample starts a new stretch."""
        self._last_sample = None

    @property
    def should_complete(self) -> bool:
        return (
            not self.completed and self.duration > 0 and self.watched >= COMPLETE_AT * self.duration
        )

    def take_time_spent(self) -> float:
        """Seconds of playback since the last call (sent as progress.add_time)."""
        spent, self._unsaved_time = self._unsaved_time, 0.0
        return spent
