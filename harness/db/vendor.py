"""A vendor's own Python driver, exercised in a child process.

Vendor drivers are C extensions of unknown manners: ksycopg2 holds the interpreter lock while it
connects (so it would deadlock against xcert's in-process SSH tunnel), and a crash in one must not
take the host's worker down. The child gets the target (password included) on stdin, never argv,
runs the round trip and answers JSON with every statement it ran.

    python -m harness.db.vendor < request.json
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from harness.clock import utc_now_iso
from harness.db.connection import CONNECT_TIMEOUT_S, DbUnavailable, SqlLog, connect
from harness.db.scratch import use
from harness.db.targets import DbTarget

CHILD_TIMEOUT_S = 120.0


def roundtrip(
    target: DbTarget, driver: str, schema: str, text: str, log: SqlLog, endpoint: tuple[str, int] | None = None
) -> dict[str, Any]:
    """Write ``text`` with ``driver`` into ``schema`` and read it back, in a child process.

    Returns ``{"driver_version", "back", "error"}``; raises DbUnavailable when the driver cannot connect.
    """
    request = {
        "target": {**target.public(), "password": target.password},
        "driver": driver,
        "schema": schema,
        "text": text,
        "endpoint": list(endpoint) if endpoint else None,
    }
    started, t0 = utc_now_iso(), time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "harness.db.vendor"],
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=CHILD_TIMEOUT_S + CONNECT_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        log.add(driver, f"-- {driver} child process", None, started, time.monotonic() - t0, error="timeout")
        raise RuntimeError(f"{driver} did not finish within {CHILD_TIMEOUT_S:g} s") from exc
    try:
        answer: dict[str, Any] = json.loads(proc.stdout.decode("utf-8"))
    except ValueError:
        stderr = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(
            f"{driver} child process died (rc {proc.returncode}): {stderr[-1] if stderr else ''}"
        ) from None
    log.statements.extend(answer.get("statements", []))
    if log.on_change is not None:
        log.on_change(log)
    if answer.get("unavailable"):
        raise DbUnavailable(str(answer["unavailable"]))
    return answer


def _child() -> int:
    request = json.loads(sys.stdin.read())
    target = DbTarget.from_mapping({**request["target"], "driver": request["driver"]})
    log = SqlLog()
    answer: dict[str, Any] = {"statements": log.statements}
    endpoint = tuple(request["endpoint"]) if request.get("endpoint") else None
    try:
        conn = connect(target, log, label=request["driver"], endpoint=endpoint)
    except DbUnavailable as exc:
        answer["unavailable"] = str(exc)
        print(json.dumps(answer, ensure_ascii=False, default=str))
        return 0
    try:
        version = getattr(conn.driver, "__version__", None) or getattr(conn.driver, "version", "?")
        answer["driver_version"] = str(version).split()[0]
        use(conn, request["schema"])
        p = conn.ph
        conn.execute("CREATE TABLE xc_vendor (id INT PRIMARY KEY, v VARCHAR(200))")
        conn.execute(f"INSERT INTO xc_vendor VALUES ({p(2)})", (1, request["text"]))
        conn.commit()
        answer["back"] = conn.scalar("SELECT v FROM xc_vendor WHERE id = 1")
        conn.rollback()
    except conn.driver.Error as exc:
        answer["error"] = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    finally:
        conn.close()
    print(json.dumps(answer, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child())
