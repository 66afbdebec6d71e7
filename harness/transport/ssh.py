"""Run commands on a host over SSH through paramiko: one persistent connection per host.

Host keys are checked against known_hosts (an unknown or changed key is refused unless the
spec opts into trust on first use); ``TCP_NODELAY`` is set on the socket (without it every
command pays Nagle plus delayed ACK, about 40 ms: LAB-NOTES); every command has a timeout
after which its whole process group is killed on the host. Connection failures raise
``HostUnreachable`` with one of the reasons in ``REASONS``.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import paramiko

from harness.checks import N_
from harness.clock import utc_now_iso
from harness.transport.base import DEFAULT_TIMEOUT_S, CommandResult, HostUnreachable, Transport
from harness.transport.local import OUTPUT_CAP

# the reasons are codes in results.json; reports show them translated (multihost.po)
REFUSED, TIMEOUT, AUTH, HOST_KEY, LOST, NETWORK = (
    N_("refused"),
    N_("timeout"),
    N_("authentication"),
    N_("host key"),
    N_("lost"),
    N_("network"),
)
REASONS = (REFUSED, TIMEOUT, AUTH, HOST_KEY, LOST, NETWORK)
CONNECT_TIMEOUT_S = 10.0
KEEPALIVE_S = 5
#: the wrapper prints the remote shell's pid (its process group) on stderr's first line
_PID_MARK = b"@@XCERT-PID "
#: sudo's prompt (``sudo -p``) and the command's announcement once sudo let it run, each + a random token
_PROMPT = "[xcert become "
_SUCCESS = "XCERT-BECOME-OK-"


class _TrustOnFirstUse(paramiko.MissingHostKeyPolicy):
    """Accept an unknown key and record it in the known_hosts file (``--accept-new-host-keys``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        entry = paramiko.hostkeys.HostKeyEntry([hostname], key)
        with self.path.open("a", encoding="ascii") as fh:
            fh.write(entry.to_line() or "")


def _known_host_name(address: str, port: int) -> str:
    return address if port == 22 else f"[{address}]:{port}"


def _ssh_config(spec: Any) -> dict[str, Any]:
    """The ssh_config entry for the spec's address (``~/.ssh/config`` or the spec's own file)."""
    path = Path(getattr(spec, "ssh_config", None) or Path.home() / ".ssh" / "config").expanduser()
    if not path.is_file():
        return {}
    config = paramiko.SSHConfig.from_path(str(path))
    return dict(config.lookup(spec.address))


def _open_socket(address: str, port: int, timeout_s: float) -> socket.socket:
    try:
        sock = socket.create_connection((address, port), timeout=timeout_s)
    except ConnectionRefusedError as exc:
        raise HostUnreachable(REFUSED, f"{address}:{port}: {exc.strerror or exc}") from exc
    except TimeoutError as exc:
        raise HostUnreachable(TIMEOUT, f"{address}:{port}: no answer in {timeout_s:g} s") from exc
    except OSError as exc:
        raise HostUnreachable(NETWORK, f"{address}:{port}: {exc.strerror or exc}") from exc
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class SshTransport(Transport):
    """``SshTransport(spec)`` connects at once; ``run`` reuses the one connection."""

    def __init__(self, spec: Any, connect_timeout_s: float = CONNECT_TIMEOUT_S) -> None:
        self.spec = spec
        config = _ssh_config(spec)
        self.address = str(config.get("hostname", spec.address))
        self.port = int(spec.port if spec.port != 22 else config.get("port", 22))
        self.user = spec.user or config.get("user") or os.environ.get("USER", "root")
        self.become = bool(spec.become)
        self.become_password: str | None = getattr(spec, "become_password", None)
        self._killing = False
        self.timeout_s = float(getattr(spec, "connect_timeout", None) or connect_timeout_s)
        self._jump: paramiko.SSHClient | None = None
        key_files = [spec.key_file] if spec.key_file else list(config.get("identityfile", []))
        jump = getattr(spec, "jump", None) or config.get("proxyjump")
        known = getattr(spec, "known_hosts", None)
        self.known_hosts = Path(known or Path.home() / ".ssh" / "known_hosts").expanduser()
        proxy = getattr(spec, "proxy_command", None) or config.get("proxycommand")
        sock: Any
        if proxy and str(proxy).lower() != "none":
            sock = self._via_proxy_command(str(proxy))
        elif jump:
            sock = self._via_jump(str(jump), key_files)
        else:
            sock = _open_socket(self.address, self.port, self.timeout_s)
        self.client = self._client()
        try:
            self._connect(self.client, self.address, self.port, self.user, key_files, sock, spec.password)
        except HostUnreachable:
            self.close()  # the socket and a jump host's connection go with it
            raise
        transport = self.client.get_transport()
        assert transport is not None
        transport.set_keepalive(KEEPALIVE_S)
        self.transport = transport

    # ------------------------------------------------------------------ connecting

    def _client(self) -> paramiko.SSHClient:
        client = paramiko.SSHClient()
        if self.known_hosts.is_file():
            client.load_host_keys(str(self.known_hosts))
        if getattr(self.spec, "accept_new_host_keys", False):
            client.set_missing_host_key_policy(_TrustOnFirstUse(self.known_hosts))
        else:
            client.set_missing_host_key_policy(paramiko.RejectPolicy())
        return client

    def _connect(
        self,
        client: paramiko.SSHClient,
        address: str,
        port: int,
        user: str,
        key_files: list[str],
        sock: Any,
        password: str | None,
    ) -> None:
        started = time.monotonic()
        try:
            client.connect(
                address,
                port=port,
                username=user,
                password=password,
                key_filename=[str(Path(k).expanduser()) for k in key_files] or None,  # type: ignore[arg-type]
                allow_agent=True,
                look_for_keys=not key_files,
                sock=sock,
                timeout=self.timeout_s,
                banner_timeout=self.timeout_s,
                auth_timeout=self.timeout_s,
            )
        except paramiko.BadHostKeyException as exc:
            raise HostUnreachable(
                HOST_KEY,
                f"the host key of {_known_host_name(address, port)} has CHANGED from the one in "
                f"{self.known_hosts} (got {exc.key.get_name()} {exc.key.get_fingerprint().hex()}); refused",
            ) from exc
        except paramiko.AuthenticationException as exc:
            raise HostUnreachable(AUTH, f"{user}@{address}:{port}: {exc}") from exc
        except paramiko.SSHException as exc:
            transport = client.get_transport()
            cause = getattr(transport, "saved_exception", None) if transport is not None else None
            stalled = time.monotonic() - started >= self.timeout_s * 0.9
            # paramiko may report a banner timeout as "No existing session": the elapsed time tells
            if "banner" in f"{exc} {cause}".lower() or ("no existing session" in str(exc).lower() and stalled):
                raise HostUnreachable(TIMEOUT, f"{address}:{port}: no SSH banner in {self.timeout_s:g} s") from exc
            if "not found in known_hosts" in str(exc):
                raise HostUnreachable(
                    HOST_KEY,
                    f"{_known_host_name(address, port)} is not in {self.known_hosts}; refused "
                    "(add its key, or pass --accept-new-host-keys to trust it on first use)",
                ) from exc
            raise HostUnreachable(LOST if "reset" in str(exc).lower() else NETWORK, f"{address}:{port}: {exc}") from exc
        except TimeoutError as exc:
            raise HostUnreachable(TIMEOUT, f"{address}:{port}: SSH handshake timed out") from exc
        except OSError as exc:
            raise HostUnreachable(NETWORK, f"{address}:{port}: {exc}") from exc

    def _via_proxy_command(self, command: str) -> Any:
        """The socket is a command's stdin/stdout (``ProxyCommand``, as OpenSSH and Ansible's paramiko run it)."""
        tokens = {"%h": self.address, "%p": str(self.port), "%r": self.user, "%%": "%"}
        line = re.sub(r"%[hpr%]", lambda m: tokens[m.group(0)], command)
        try:
            return paramiko.ProxyCommand(line)
        except (paramiko.SSHException, OSError) as exc:
            raise HostUnreachable(NETWORK, f"ProxyCommand {line!r}: {exc}") from exc

    def _via_jump(self, jump: str, key_files: list[str]) -> Any:
        """Open a channel to the target through a jump host (``[user@]host[:port]``)."""
        juser, _, jhostport = jump.rpartition("@")
        jhost, _, jport = jhostport.partition(":")
        port = int(jport or 22)
        jsock = _open_socket(jhost, port, self.timeout_s)
        self._jump = self._client()
        self._connect(self._jump, jhost, port, juser or self.user, key_files, jsock, None)
        jt = self._jump.get_transport()
        assert jt is not None
        try:
            return jt.open_channel("direct-tcpip", (self.address, self.port), ("127.0.0.1", 0))
        except paramiko.ChannelException as exc:
            raise HostUnreachable(REFUSED, f"{self.address}:{self.port} via {jump}: {exc}") from exc

    # ------------------------------------------------------------------ running

    def wrap(self, command: str, become_token: str = "") -> str:
        """The command line sent to the host: pid first (for the timeout kill), become via sudo.

        With a become password, sudo prompts with ``become_token`` (its own unique prompt, ``-p``) and
        the command announces itself with the same token on stdout once sudo let it run: the password
        is written only after the prompt, and the command's own input only after the announcement.
        """
        inner = f"exec /bin/sh -c {shlex.quote(command)}"
        if self.become and self.become_password:
            token = become_token or secrets.token_hex(16)
            announce = f"printf '%s\\n' {shlex.quote(_SUCCESS + token)}; exec /bin/sh -c {shlex.quote(command)}"
            prompt = shlex.quote(_PROMPT + token + "] ")
            inner = f"exec sudo -S -p {prompt} -H -- /bin/sh -c {shlex.quote(announce)}"
        elif self.become:
            inner = f"exec sudo -n -H -- /bin/sh -c {shlex.quote(command)}"
        return f"printf '%s%s\\n' {shlex.quote(_PID_MARK.decode())} \"$$\" >&2; LC_ALL=C; export LC_ALL; {inner}"

    def _session(self) -> paramiko.Channel:
        if not self.transport.is_active():
            raise HostUnreachable(LOST, f"{self.address}:{self.port}: connection closed")
        try:
            return self.transport.open_session(timeout=self.timeout_s)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise HostUnreachable(LOST, f"{self.address}:{self.port}: {exc or type(exc).__name__}") from exc

    def run(self, command: str, timeout_s: float = DEFAULT_TIMEOUT_S, stdin: bytes | None = None) -> CommandResult:
        started = utc_now_iso()
        t0 = time.monotonic()
        chan = self._session()
        io = _ChannelIO(chan)
        interrupted = False
        token = secrets.token_hex(16) if self.become and self.become_password else ""
        try:
            timed_out, rc = self._exchange(io, command, token, t0 + timeout_s, stdin)
        except (OSError, EOFError, paramiko.SSHException) as exc:
            raise HostUnreachable(LOST, f"{self.address}:{self.port}: {exc or type(exc).__name__}") from exc
        except HostUnreachable:
            raise
        except BaseException:
            # the check's own timeout (SIGALRM) or an abort: what the command started must not outlive it
            interrupted = True
            raise
        finally:
            pid = _split_pid(io.err) if not interrupted else self._await_pid(chan, io.err)
            chan.close()
            if interrupted and pid:
                self._kill(pid)
        if (timed_out or io.capped) and pid:
            self._kill(pid)  # past the timeout, or past the output cap: the command is stopped
        return _result(command, rc, io, t0, started, timed_out)

    def _exchange(
        self, io: _ChannelIO, command: str, token: str, deadline: float, stdin: bytes | None
    ) -> tuple[bool, int]:
        """Run the command on the open channel: sudo's prompt, then its input, then its output; (timed out, rc)."""
        chan = io.chan
        chan.exec_command(self.wrap(command, token))
        timed_out = False
        if token:
            timed_out = not self._become(io, token, deadline, command)
        if not timed_out and not io.capped:
            if not io.input_closed and not chan.exit_status_ready():
                if stdin:
                    chan.sendall(stdin)
                chan.shutdown_write()
            timed_out = not io.pump(deadline, self._alive(command))
        if timed_out or io.capped:
            return timed_out, -9
        rc = chan.recv_exit_status()
        if rc == -1 and self._lost_meanwhile():
            # the channel closed without an exit status because the connection went (paramiko closes the
            # channels before it marks the transport inactive): a lost host, never a command's result
            raise HostUnreachable(LOST, f"{self.address}:{self.port}: connection lost during {command!r}")
        return False, rc

    def _lost_meanwhile(self, settle_s: float = 1.0) -> bool:
        """After a channel closed without an exit status: did the connection go? (-1 stays for a killed command)."""
        deadline = time.monotonic() + settle_s
        while self.transport.is_active():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def _await_pid(self, chan: paramiko.Channel, err: bytearray, wait_s: float = 2.0) -> int | None:
        """The remote shell's pid, reading stderr for it if it has not arrived yet (a command cut short)."""
        deadline = time.monotonic() + wait_s
        with contextlib.suppress(OSError, EOFError, paramiko.SSHException):
            while b"\n" not in err and time.monotonic() < deadline and not chan.closed:
                if chan.recv_stderr_ready():
                    err += chan.recv_stderr(65536)
                else:
                    chan.status_event.wait(0.01)
        return _split_pid(err)

    def _alive(self, command: str) -> Callable[[], None]:
        def check() -> None:
            if not self.transport.is_active():
                raise HostUnreachable(LOST, f"{self.address}:{self.port}: connection lost during {command!r}")

        return check

    def _become(self, io: _ChannelIO, token: str, deadline: float, command: str) -> bool:
        """Answer sudo's own prompt (if it comes) until the command announces itself; False on timeout.

        Nothing is written before sudo asks: with NOPASSWD or a cached ticket the password is never sent.
        A second prompt (a wrong password) gets end of input, so sudo gives up instead of waiting.
        """
        prompt = (_PROMPT + token + "] ").encode()
        success = (_SUCCESS + token + "\n").encode()
        answered = False
        alive = self._alive(command)

        def settled() -> bool:
            nonlocal answered
            if io.out.startswith(success):
                del io.out[: len(success)]
                return True
            at = io.err.find(prompt)
            if at >= 0:
                del io.err[at : at + len(prompt)]
                if answered:
                    io.chan.shutdown_write()  # a wrong password: no second try
                    io.input_closed = True
                    return True
                assert self.become_password is not None
                io.chan.sendall(self.become_password.encode() + b"\n")
                answered = True
            return len(io.out) >= len(success) and not success.startswith(bytes(io.out[: len(success)]))

        return io.pump(deadline, alive, until=settled)

    def _kill(self, pid: int) -> None:
        """Kill the timed-out command's process group on the host (sshd made its shell a group leader)."""
        # sshd made the command's shell a session leader; sudo (no pty) keeps the session but may
        # start its own process group, so the session is what holds everything the command started
        kill = f"pkill -KILL -s {pid} 2>/dev/null || kill -KILL -- -{pid} 2>/dev/null; true"
        if self.become and self.become_password:
            if self._killing:
                return
            self._killing = True  # through run(): sudo's prompt answered as for any command
            try:
                with contextlib.suppress(HostUnreachable, paramiko.SSHException, OSError):
                    self.run(kill, timeout_s=self.timeout_s)
            finally:
                self._killing = False
            return
        if self.become:
            kill = f"sudo -n /bin/sh -c {shlex.quote(kill)}"
        with contextlib.suppress(HostUnreachable, paramiko.SSHException, OSError):
            chan = self._session()
            chan.exec_command(kill)
            chan.settimeout(self.timeout_s)
            chan.recv_exit_status()
            chan.close()

    def close(self) -> None:
        self.client.close()
        if self._jump is not None:
            self._jump.close()


#: how long output may still arrive after the exit status, when the channel's EOF does not come
EOF_GRACE_S = 1.0


class _ChannelIO:
    """A channel's output as it arrives, capped: past ``OUTPUT_CAP`` reading stops (and the caller kills)."""

    def __init__(self, chan: paramiko.Channel) -> None:
        self.chan = chan
        self.out = bytearray()
        self.err = bytearray()
        self.capped = False
        self.input_closed = False

    def pump(self, deadline: float, alive: Callable[[], None], until: Callable[[], bool] | None = None) -> bool:
        """Read until the command ends (or ``until()`` holds, or the cap is reached); False on timeout."""
        chan = self.chan
        pause = 0.0005
        exited_at: float | None = None
        while True:
            got = False
            while chan.recv_ready() and not self.capped:
                self.out += chan.recv(65536)
                got = True
                self.capped = len(self.out) > OUTPUT_CAP
            while chan.recv_stderr_ready() and not self.capped:
                self.err += chan.recv_stderr(65536)
                got = True
                self.capped = len(self.err) > OUTPUT_CAP + 4096
            if self.capped or (until is not None and got and until()):
                return True
            if chan.exit_status_ready() and not chan.recv_ready() and not chan.recv_stderr_ready():
                # sshd may send the exit status before the last of the output: the output is whole at the
                # channel's EOF (or close); a command whose background child keeps stdout open gets a grace
                if chan.eof_received or chan.closed:
                    return True
                if exited_at is None:
                    exited_at = time.monotonic()
                elif time.monotonic() - exited_at > EOF_GRACE_S:
                    return True
            alive()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            # the exit status arrives without waking a select() on the channel, so wait on it,
            # briefly at first (a short command costs one round trip) and longer while it runs
            pause = 0.0005 if got else min(pause * 2, 0.05)
            chan.status_event.wait(min(remaining, pause))


def _result(command: str, rc: int, io: _ChannelIO, t0: float, started: str, timed_out: bool) -> CommandResult:
    stderr = bytes(io.err)
    if stderr.startswith(_PID_MARK):
        stderr = stderr.partition(b"\n")[2]
    return CommandResult(
        command=command,
        rc=rc,
        stdout=bytes(io.out[:OUTPUT_CAP]),
        stderr=stderr[:OUTPUT_CAP],
        duration_s=time.monotonic() - t0,
        started=started,
        timed_out=timed_out,
        truncated=io.capped or len(io.out) > OUTPUT_CAP or len(stderr) > OUTPUT_CAP,
    )


def _split_pid(err: bytearray) -> int | None:
    if not err.startswith(_PID_MARK):
        return None
    line = bytes(err).partition(b"\n")[0][len(_PID_MARK) :]
    try:
        pid = int(line)
    except ValueError:
        return None
    return pid if pid > 1 else None
