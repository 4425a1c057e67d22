"""A loopback TCP proxy whose link can be cut and restored: the laptop losing its network."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time


class CuttableLink:
    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._chunk = 65536
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._up = threading.Event()
        self._up.set()
        self._closing = threading.Event()
        self._hanging = threading.Event()
        self._held: list[socket.socket] = []
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        self._pause_per_chunk = 0.0

    def slow_down(self, bytes_per_second: int) -> None:
        """Relay at most this fast, like a real network: loopback would otherwise hand a whole
        file to the client's socket buffer before the test could cut the link mid-transfer."""
        self._pause_per_chunk = self._chunk / bytes_per_second

    def cut(self) -> None:
        """Refuse new connections and reset the open ones."""
        self._up.clear()
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.close()
            self._sockets.clear()

    def hang(self) -> None:
        """Accept connections and never answer on them (a hung server, a captive portal)."""
        self._hanging.set()

    def restore(self) -> None:
        self._hanging.clear()
        with self._lock:
            for sock in self._held:
                with contextlib.suppress(OSError):
                    sock.close()
            self._held.clear()
        self._up.set()

    def close(self) -> None:
        self._closing.set()
        self.restore()
        self.cut()
        self._listener.close()
        self._thread.join(5)

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._up.is_set():
                client.close()  # offline: the connection is refused
                continue
            if self._hanging.is_set():
                with self._lock:
                    self._held.append(client)  # accepted, and never a byte back
                continue
            threading.Thread(target=self._pipe, args=(client,), daemon=True).start()

    def _pipe(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self._target, timeout=5)
        except OSError:
            client.close()
            return
        with self._lock:
            self._sockets.update((client, upstream))
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while self._up.is_set():
                for key, _ in selector.select(timeout=0.2):
                    data = key.fileobj.recv(self._chunk)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
                    if self._pause_per_chunk:
                        time.sleep(self._pause_per_chunk)
        except OSError:
            return
        finally:
            selector.close()
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()
            with self._lock:
                self._sockets.difference_update((client, upstream))
