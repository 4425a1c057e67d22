"""`lmsdesk://` links: the installer registers the scheme, the system starts `lmsdesk <link>`
when one is clicked, and a running app receives it (one app per data folder: the second start
hands the link over a local socket and exits). The catalog then shows that course, or starts
buying it for a "Buy" link.

A link comes from a web page: untrusted. Only `lmsdesk://course/<id>[?action=buy]` is
understood (lmsdesk.contracts.storefront.parse_link); anything else is refused with a message.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from lmsdesk.contracts.storefront import CourseLink, parse_link

_log = logging.getLogger(__name__)
_WAIT_MS = 1000
_MAX_LINE = 1024


def instance_name(data_dir: Path) -> str:
    """The local socket of the app using this data folder (one per user and folder)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return f"lmsdesk-{digest}"


def send_to_running(name: str, link: str) -> bool:
    """Hand `link` to the app already running on `name`; False when none answers."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(_WAIT_MS):
        return False
    socket.write((link.strip()[:_MAX_LINE] + "\n").encode())
    sent = socket.waitForBytesWritten(_WAIT_MS)
    socket.disconnectFromServer()
    return sent


class LinkServer(QObject):
    """Listens for links from later starts of the app."""

    received = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        if self._server.listen(self.name):
            return True
        # A socket file left by an app that was killed: nobody answers on it, so take it over.
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(200):
            probe.disconnectFromServer()
            return False  # another app runs here: it gets the links
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            buffer = bytearray()

            def read(socket: QLocalSocket = socket, buffer: bytearray = buffer) -> None:
                buffer.extend(bytes(socket.readAll().data()))
                if b"\n" in buffer or len(buffer) > _MAX_LINE:
                    line = bytes(buffer).split(b"\n", 1)[0][:_MAX_LINE]
                    socket.disconnectFromServer()
                    self.received.emit(line.decode("utf-8", errors="replace"))

            socket.readyRead.connect(read)
            socket.disconnected.connect(socket.deleteLater)


class LinkOpener:
    """Shows the course a link names in the catalog (or starts buying it). A course not on
    this computer yet is shown after the next sync brings it."""

    def __init__(
        self,
        *,
        select: Callable[[uuid.UUID], bool],
        buy: Callable[[uuid.UUID], bool],
        go_to_catalog: Callable[[], None],
        notify: Callable[[str], None],
        raise_window: Callable[[], None],
    ) -> None:
        self._select, self._buy = select, buy
        self._go, self._notify, self._raise = go_to_catalog, notify, raise_window
        self.waiting: CourseLink | None = None

    def open(self, text: str) -> None:
        self._raise()
        link = parse_link(text)
        if link is None:
            _log.warning("not a course link: %r", text[:100])
            self._notify("That link is not one LMSDesk can open.")
            return
        self.waiting = link
        self.retry()
        if self.waiting is not None:
            self._notify("That course is not on this computer yet: it shows after the next sync.")

    def retry(self) -> None:
        """Try the waiting link again (the catalog was redrawn)."""
        link = self.waiting
        if link is None:
            return
        self._go()
        shown = self._buy(link.course_id) if link.buy else self._select(link.course_id)
        if shown:
            self.waiting = None
