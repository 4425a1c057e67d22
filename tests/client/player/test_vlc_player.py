"""The player on real libvlc with the demo video and dummy outputs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from lmsdesk.player.vlc_player import VideoPlayer, create_instance, has_sound_card, probe_video
from lmsdesk_server.resources import resources_dir
from tests.support.media import fake_mp4

VIDEO = resources_dir() / "demo" / "welcome.mp4"
SUBTITLES = resources_dir() / "demo" / "welcome.vtt"


@pytest.fixture(scope="module")
def instance() -> Any:
    return create_instance(headless=True)


@pytest.fixture
def player(instance: Any, qapp: object) -> Iterator[VideoPlayer]:
    del qapp  # requested so the QApplication exists before any QObject
    video = VideoPlayer(instance, poll_ms=50)
    yield video
    video.close()


def _position_reaches(qtbot: QtBot, player: VideoPlayer, seconds: float) -> None:
    qtbot.waitUntil(lambda: player.position() >= seconds, timeout=8000)


def test_opening_at_a_saved_position_resumes_within_a_second(
    player: VideoPlayer, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(player.duration_changed, timeout=5000) as duration:
        player.open(VIDEO, start_at=17.0)
    assert duration.args == [pytest.approx(30.0, abs=0.5)]
    _position_reaches(qtbot, player, 0.01)
    assert player.position() == pytest.approx(17.0, abs=1.0)


def test_seek_reads_back_and_skip_moves_ten_seconds(player: VideoPlayer, qtbot: QtBot) -> None:
    with qtbot.waitSignal(player.playing_changed, timeout=5000):
        player.open(VIDEO)
    qtbot.waitUntil(lambda: player.duration() > 0, timeout=5000)
    player.seek(20.0)
    qtbot.waitUntil(lambda: player.position() >= 20.0, timeout=5000)
    assert player.position() == pytest.approx(20.0, abs=0.5)
    player.skip(-10)
    qtbot.waitUntil(lambda: player.position() < 15.0, timeout=5000)
    assert player.position() == pytest.approx(10.0, abs=0.7)


def test_double_speed_plays_twice_as_fast(player: VideoPlayer, qtbot: QtBot) -> None:
    with qtbot.waitSignal(player.playing_changed, timeout=5000):
        player.open(VIDEO)
    _position_reaches(qtbot, player, 0.5)
    assert player.step_rate(+3) == 2.0  # 1 -> 1.25 -> 1.5 -> 2
    start_position, start = player.position(), time.monotonic()
    _position_reaches(qtbot, player, start_position + 4.0)
    elapsed = time.monotonic() - start
    assert 1.3 < elapsed < 3.0, f"4 s of video took {elapsed:.2f} s at 2x"
    assert player.step_rate(+1) == 2.0, "2x is the fastest speed"


def test_pause_stops_the_playhead(player: VideoPlayer, qtbot: QtBot) -> None:
    with qtbot.waitSignal(player.playing_changed, timeout=5000):
        player.open(VIDEO)
    _position_reaches(qtbot, player, 0.5)
    with qtbot.waitSignal(player.playing_changed, timeout=5000) as paused:
        player.pause()
    assert paused.args == [False]
    held = player.position()
    qtbot.wait(600)
    assert player.position() == pytest.approx(held, abs=0.05)


def test_end_of_video_is_reported(player: VideoPlayer, qtbot: QtBot) -> None:
    with qtbot.waitSignal(player.ended, timeout=8000):
        player.open(VIDEO, start_at=28.5)


def test_subtitles_load_and_turn_off(player: VideoPlayer, qtbot: QtBot) -> None:
    with qtbot.waitSignal(player.playing_changed, timeout=5000):
        player.open(VIDEO, subtitles=SUBTITLES)
    qtbot.waitUntil(lambda: player._player.video_get_spu_count() > 0, timeout=5000)
    assert player._player.video_get_spu() >= 0, "subtitles are shown by default"
    player.set_subtitles_on(False)
    assert player._player.video_get_spu() == -1
    player.set_subtitles_on(True)
    assert player._player.video_get_spu() >= 0


def test_a_damaged_video_says_it_cannot_be_played_instead_of_a_black_box(
    player: VideoPlayer, qtbot: QtBot, tmp_path: Path
) -> None:
    damaged = tmp_path / "lecture.mp4"
    damaged.write_bytes(fake_mp4(200_000))  # an MP4's first box, then nothing a demuxer reads
    with qtbot.waitSignal(player.failed, timeout=8000) as failed:
        player.open(damaged)
    assert "cannot be played" in failed.args[0]
    assert player.duration() == 0


def test_probing_tells_a_playable_video_from_a_damaged_one(tmp_path: Path) -> None:
    good = probe_video(VIDEO)
    assert good.checked
    assert good.playable
    assert good.duration_seconds == pytest.approx(30.0, abs=0.5)
    damaged = tmp_path / "lecture.mp4"
    damaged.write_bytes(fake_mp4(200_000))
    bad = probe_video(damaged)
    assert bad.checked
    assert not bad.playable
    subtitles_only = probe_video(SUBTITLES)
    assert not subtitles_only.has_video, "a length is not enough: a video needs a video track"


def test_a_machine_without_a_sound_card_is_recognised(tmp_path: Path) -> None:
    assert not has_sound_card(tmp_path / "no-such-dir")
    (tmp_path / "snd").mkdir()
    assert not has_sound_card(tmp_path / "snd"), "a control device alone plays nothing"
    (tmp_path / "snd" / "pcmC0D0p").touch()
    assert has_sound_card(tmp_path / "snd")
