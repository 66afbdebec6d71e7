"""The local transport: output, stdin, the deadline and the output cap, on real processes."""

from __future__ import annotations

import time

from harness.transport.local import OUTPUT_CAP, LocalTransport


def test_output_and_exit_status() -> None:
    r = LocalTransport().run("echo out; echo err >&2; exit 3")
    assert (r.rc, r.stdout, r.stderr, r.timed_out, r.truncated) == (3, b"out\n", b"err\n", False, False)


def test_stdin_larger_than_a_pipe_is_fed_whole() -> None:
    data = bytes(range(256)) * 1024  # 256 KiB: more than a pipe buffer, so writing and reading interleave
    r = LocalTransport().run("cat", stdin=data)
    assert r.rc == 0 and r.stdout == data


def test_deadline_kills_the_command() -> None:
    t0 = time.monotonic()
    r = LocalTransport().run("echo started; sleep 30", timeout_s=0.5)
    assert r.timed_out and r.rc == -9 and r.stdout == b"started\n"
    assert time.monotonic() - t0 < 10


def test_a_command_that_closes_its_output_still_meets_the_deadline() -> None:
    r = LocalTransport().run("exec >&- 2>&-; sleep 30", timeout_s=0.5)
    assert r.timed_out and r.rc == -9


def test_output_is_capped() -> None:
    r = LocalTransport().run(f"head -c {OUTPUT_CAP * 2} /dev/zero")
    assert r.truncated and r.rc == -9 and len(r.stdout) == OUTPUT_CAP
