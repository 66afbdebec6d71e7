"""A local port forwarded to a database through the host's own SSH connection (paramiko).

``LocalForward(paramiko_transport, host, port)`` listens on 127.0.0.1 (an ephemeral port) and
carries each accepted connection over a ``direct-tcpip`` channel, so a database that only listens
on the host's loopback is reachable with the credentials the inventory already trusts.
"""

from __future__ import annotations

import select
import socket
import threading
from typing import Any


class TunnelError(RuntimeError):
    """The SSH connection refused to open the forwarded channel."""


class LocalForward:
    def __init__(self, ssh_transport: Any, remote_host: str, remote_port: int) -> None:
        self.ssh = ssh_transport
        self.remote = (remote_host, remote_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.endpoint: tuple[str, int] = ("127.0.0.1", int(self.listener.getsockname()[1]))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        accept = threading.Thread(target=self._accept, name="xcert-db-tunnel", daemon=True)
        accept.start()
        self._threads.append(accept)

    def _accept(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.listener], [], [], 0.2)
            if not ready:
                continue
            try:
                client, peer = self.listener.accept()
            except OSError:
                return
            try:
                channel = self.ssh.open_channel("direct-tcpip", self.remote, peer)
            except Exception:
                client.close()
                continue
            pump = threading.Thread(target=self._pump, args=(client, channel), daemon=True)
            pump.start()
            self._threads.append(pump)

    def _pump(self, client: socket.socket, channel: Any) -> None:
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([client, channel], [], [], 0.2)
                if client in ready:
                    data = client.recv(65536)
                    if not data:
                        break
                    channel.sendall(data)
                if channel in ready:
                    data = channel.recv(65536)
                    if not data:
                        break
                    client.sendall(data)
        except OSError:
            pass
        finally:
            channel.close()
            client.close()

    def close(self) -> None:
        self._stop.set()
        self.listener.close()


def ssh_transport_of(transport: Any) -> Any | None:
    """The paramiko Transport under an xcert transport, if it has one."""
    inner = getattr(transport, "transport", None)
    if inner is not None and hasattr(inner, "open_channel"):
        return inner
    client = getattr(transport, "client", None)
    get = getattr(client, "get_transport", None)
    return get() if callable(get) else None
