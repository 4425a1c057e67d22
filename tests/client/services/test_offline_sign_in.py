"""Signing out and back in while the server is out of reach: what is unsynced is said, and an
account that signed in here before opens its downloaded courses with its password."""

from __future__ import annotations

import stat

import pytest

from lmsdesk.contracts.common import Role
from lmsdesk.contracts.enums import ProgressStatus
from lmsdesk.local_db.offline_credentials import FILE_NAME
from lmsdesk.services.learning import LearningService
from lmsdesk.services.purchases import PurchaseService
from lmsdesk.services.session import SessionService, SignInFailed
from lmsdesk.services.sync_overview import SyncService
from lmsdesk.sync.engine import SyncStatus
from lmsdesk_server.demo.seed import demo_id
from tests.support.live_server import PASSWORD, LiveServer
from tests.support.network import CuttableLink

FREE = demo_id("course:offline-first-basics")
TEXT = demo_id("offline-first-basics:text")


def test_an_account_signed_out_offline_signs_back_in_and_its_changes_go_out_later(
    student: SessionService, link: CuttableLink
) -> None:
    assert student.current is not None
    email = student.current.profile.email
    PurchaseService(student).enroll_free(FREE)
    assert SyncService(student).sync().status is SyncStatus.IDLE
    assert student.unsynced_changes() == []

    link.cut()
    learning = LearningService(student)
    learning.complete(learning.lesson(TEXT))
    assert len(student.unsynced_changes()) == 1
    student.sign_out()
    assert student.current is None

    with pytest.raises(SignInFailed) as wrong:
        student.sign_in(link.url, email, "not the password")
    assert wrong.value.field == "password"
    assert student.current is None

    snapshot = student.sign_in(link.url, email.upper(), PASSWORD)
    assert not snapshot.online
    assert LearningService(student).lesson(TEXT).status is ProgressStatus.COMPLETED
    assert len(student.unsynced_changes()) == 1
    assert SyncService(student).sync().status is SyncStatus.OFFLINE

    link.restore()
    assert SyncService(student).sync().status is SyncStatus.IDLE
    assert student.unsynced_changes() == []
    reconnected = student.check_connection()
    assert reconnected is not None
    assert reconnected.online


def test_the_offline_verifier_is_private_and_is_not_the_password(
    student: SessionService,
) -> None:
    assert student.account_dir is not None
    verifier = student.account_dir / FILE_NAME
    assert stat.S_IMODE(verifier.stat().st_mode) == 0o600
    assert PASSWORD not in verifier.read_text()
    assert "argon2id" in verifier.read_text()


def test_an_account_never_signed_in_here_still_needs_the_server(
    student: SessionService, link: CuttableLink, live_server: LiveServer
) -> None:
    stranger = live_server.create_user(Role.STUDENT)
    link.cut()
    with pytest.raises(SignInFailed, match="Cannot reach the server") as failure:
        student.sign_in(link.url, stranger, PASSWORD)
    assert failure.value.field == "server"
