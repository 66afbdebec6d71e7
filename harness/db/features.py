"""SQL compatibility probes: each runs in a scratch schema and says whether the feature holds.

A probe returns what it observed (for the check's message and measurements) or raises
:class:`Unsupported` naming what did not hold. A driver error on a live connection means the
server refused the SQL (the feature is missing, ``fail``); a lost connection is re-raised by the
caller as an error.
"""

from __future__ import annotations

import decimal
import hashlib
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from harness.db.dialects import Dialect, dialect_of
from harness.db.scratch import Scratch

Probe = Callable[[Scratch], dict[str, Any]]


class Unsupported(AssertionError):
    """The server answered, but not as the feature requires."""


def _expect(cond: bool, what: str) -> None:
    if not cond:
        raise Unsupported(what)


def _d(s: Scratch) -> Dialect:
    return dialect_of(s.family)


def _raises(s: Scratch, sql: str, params: Any = None) -> str | None:
    """Run ``sql`` expecting the server to refuse it; the error's class name, or None if accepted."""
    try:
        s.conn.execute(sql, params)
    except s.conn.driver.Error as exc:
        s.conn.rollback()
        return type(exc).__name__
    s.conn.rollback()
    return None


def numeric_bounds(s: Scratch) -> dict[str, Any]:
    c, p = s.conn, s.conn.ph
    c.execute("CREATE TABLE xc_num (id INT PRIMARY KEY, d DECIMAL(38,10), b BIGINT)")
    big = decimal.Decimal("9999999999999999999999999999.9999999999")
    small = decimal.Decimal("-9999999999999999999999999999.9999999999")  # not -big: that rounds to 28 digits
    tiny = decimal.Decimal("0.0000000001")
    rows = [(1, big, 9223372036854775807), (2, small, -9223372036854775808), (3, tiny, 0)]
    c.executemany(f"INSERT INTO xc_num (id, d, b) VALUES ({p(3)})", rows)
    c.commit()
    back = c.query("SELECT id, d, b FROM xc_num ORDER BY id")
    _expect(
        [(int(r[0]), decimal.Decimal(str(r[1])), int(r[2])) for r in back] == rows,
        f"DECIMAL(38,10)/BIGINT values changed on the way: {back}",
    )
    summed = c.scalar("SELECT SUM(d) FROM xc_num WHERE id IN (2, 3)")
    want = decimal.Decimal("-9999999999999999999999999999.9999999998")
    _expect(decimal.Decimal(str(summed)) == want, f"SUM of DECIMAL(38,10) gave {summed}, expected {want}")
    overflow = _raises(s, f"INSERT INTO xc_num (id, d, b) VALUES (4, 0, {9223372036854775807} + 1)")
    _expect(overflow is not None, "BIGINT overflow was accepted silently")
    too_wide = _raises(
        s, f"INSERT INTO xc_num (id, d, b) VALUES ({p(3)})", (5, decimal.Decimal("99999999999999999999999999999"), 0)
    )
    _expect(too_wide is not None, "a value wider than DECIMAL(38,10) was accepted silently")
    return {"bigint_overflow_error": overflow, "decimal_overflow_error": too_wide}


CHINESE_20 = "中华人民共和国信创数据库兼容性测试通过"  # 19 characters
CHINESE_20 += "！"


def chinese_text(s: Scratch) -> dict[str, Any]:
    c, p = s.conn, s.conn.ph
    length_fn = _d(s).char_length
    c.execute(f"CREATE TABLE xc_zh (id INT PRIMARY KEY, v VARCHAR(20), f CHAR(20), t {_d(s).text_type})")
    c.execute(f"INSERT INTO xc_zh (id, v, f, t) VALUES ({p(4)})", (1, CHINESE_20, CHINESE_20, CHINESE_20 * 100))
    c.commit()
    row = c.query(f"SELECT v, f, t, {length_fn}(v) FROM xc_zh WHERE id = 1")[0]
    _expect(row[0] == CHINESE_20, f"VARCHAR(20) returned {row[0]!r}")
    _expect(str(row[1]).rstrip() == CHINESE_20, f"CHAR(20) returned {row[1]!r}")
    _expect(row[2] == CHINESE_20 * 100, "the long text column changed")
    _expect(int(row[3]) == 20, f"{length_fn} counts {row[3]} for 20 characters (byte semantics?)")
    like = c.scalar("SELECT COUNT(*) FROM xc_zh WHERE v LIKE " + p(), ("%信创%",))
    _expect(int(like) == 1, "LIKE '%信创%' found nothing")
    return {"varchar20_holds_20_chinese": True}


def datetime_tz(s: Scratch) -> dict[str, Any]:
    c = s.conn
    row, nxt = _d(s).datetime_probe(c)
    utc = _d(s).utc_text
    c.rollback()
    _expect(str(row[0]) == "2024-02-29", f"leap day came back as {row[0]}")
    _expect(str(row[1]).startswith("23:59:59"), f"TIME came back as {row[1]}")
    _expect(str(row[2]).startswith("2024-02-29 23:30:00"), f"TIMESTAMP came back as {row[2]}")
    _expect(str(row[3]).startswith(utc), f"23:30 at UTC+8 read at UTC is {row[3]}, expected {utc}")
    _expect(str(nxt) == "2024-03-01", f"2024-02-29 + 1 day is {nxt}")
    return {"utc_view": str(row[3])}


def lob_roundtrip(s: Scratch) -> dict[str, Any]:
    c, p = s.conn, s.conn.ph
    c.execute(f"CREATE TABLE xc_lob (id INT PRIMARY KEY, b {_d(s).blob_type}, t {_d(s).text_type})")
    blob = bytes(range(256)) * 16 + os.urandom(1 << 20)
    clob = "信创Ωж😀abc\n" * 25000
    c.execute(f"INSERT INTO xc_lob (id, b, t) VALUES ({p(3)})", (1, blob, clob))
    c.commit()
    row = c.query("SELECT b, t FROM xc_lob WHERE id = 1")[0]
    c.rollback()
    got_b = bytes(row[0]) if not hasattr(row[0], "read") else bytes(row[0].read())
    got_t = row[1] if not hasattr(row[1], "read") else row[1].read()
    _expect(hashlib.sha256(got_b).digest() == hashlib.sha256(blob).digest(), f"BLOB changed ({len(got_b)} bytes back)")
    _expect(got_t == clob, f"CLOB changed ({len(got_t)} characters back of {len(clob)})")
    return {"blob_bytes": len(blob), "clob_chars": len(clob)}


def null_ordering(s: Scratch) -> dict[str, Any]:
    c, p = s.conn, s.conn.ph
    c.execute("CREATE TABLE xc_null (id INT PRIMARY KEY, v INT)")
    c.executemany(f"INSERT INTO xc_null (id, v) VALUES ({p(2)})", [(1, 3), (2, None), (3, 1)])
    c.commit()
    default = [r[0] for r in c.query("SELECT v FROM xc_null ORDER BY v")]
    default_order = "nulls_last" if default[-1] is None else "nulls_first"
    last_sql, first_sql, probe_syntax = _d(s).nulls_order_sql()
    last = [r[0] for r in c.query(last_sql)]
    first = [r[0] for r in c.query(first_sql)]
    syntax = _raises(s, "SELECT v FROM xc_null ORDER BY v NULLS LAST") is None if probe_syntax else True
    c.rollback()
    _expect(last == [1, 3, None], f"NULLs-last order gave {last}")
    _expect(first == [None, 1, 3], f"NULLs-first order gave {first}")
    return {"default": default_order, "nulls_first_last_syntax": syntax}


def transactions(s: Scratch) -> dict[str, Any]:
    c, p = s.conn, s.conn.ph
    c.execute("CREATE TABLE xc_tx (id INT PRIMARY KEY, v VARCHAR(10))")
    c.commit()
    other = s.open("observer")
    c.execute(f"INSERT INTO xc_tx VALUES ({p(2)})", (1, "commit"))
    c.commit()
    seen = other.query("SELECT v FROM xc_tx WHERE id = 1")
    other.rollback()
    _expect(seen == [("commit",)], "a committed row is not visible to another session")
    c.execute(f"INSERT INTO xc_tx VALUES ({p(2)})", (2, "rollback"))
    c.rollback()
    _expect(c.query("SELECT COUNT(*) FROM xc_tx WHERE id = 2")[0][0] == 0, "a rolled-back row is still there")
    c.execute(f"INSERT INTO xc_tx VALUES ({p(2)})", (3, "kept"))
    c.execute("SAVEPOINT xc_sp")
    c.execute(f"INSERT INTO xc_tx VALUES ({p(2)})", (4, "undone"))
    c.execute("ROLLBACK TO SAVEPOINT xc_sp")
    c.commit()
    ids = [int(r[0]) for r in c.query("SELECT id FROM xc_tx ORDER BY id")]
    c.rollback()
    _expect(ids == [1, 3], f"after ROLLBACK TO SAVEPOINT the rows are {ids}, expected [1, 3]")
    return {"savepoint": True}


def _read_committed(conn: Any) -> None:
    for sql in dialect_of(conn).read_committed_sql():
        conn.execute(sql)
    conn.commit()


def isolation(s: Scratch) -> dict[str, Any]:
    a, p = s.conn, s.conn.ph
    a.execute("CREATE TABLE xc_iso (id INT PRIMARY KEY, v INT)")
    a.execute(f"INSERT INTO xc_iso VALUES ({p(2)})", (1, 1))
    a.commit()
    b = s.open("reader")
    _read_committed(a)
    _read_committed(b)
    a.execute("UPDATE xc_iso SET v = 100 WHERE id = 1")
    dirty = b.scalar("SELECT v FROM xc_iso WHERE id = 1")
    b.rollback()
    a.rollback()
    _expect(int(dirty) == 1, f"dirty read: an uncommitted 100 was visible ({dirty})")
    # concurrent update: B's update of the row A holds must wait for A, then apply on A's result
    a.execute("UPDATE xc_iso SET v = v + 1 WHERE id = 1")
    done = threading.Event()
    failure: list[BaseException] = []

    def second() -> None:
        try:
            b.execute("UPDATE xc_iso SET v = v + 1 WHERE id = 1")
            b.commit()
        except BaseException as exc:
            failure.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=second, daemon=True)
    worker.start()
    blocked = not done.wait(0.5)
    a.commit()
    worker.join(30)
    if failure:
        b.rollback()
        raise failure[0]
    final = a.scalar("SELECT v FROM xc_iso WHERE id = 1")
    a.rollback()
    _expect(blocked, "a second writer of the same row did not wait for the first (no row lock)")
    _expect(int(final) == 3, f"two increments of 1 left {final}, expected 3 (lost update)")
    return {"dirty_read": False, "writer_waited": blocked}


def constraints(s: Scratch) -> dict[str, Any]:
    c, p = s.conn, s.conn.ph
    c.execute("CREATE TABLE xc_parent (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE)")
    # table-level: MySQL-mode servers parse an inline column REFERENCES and ignore it (XC-DB-026 reports that)
    c.execute(
        "CREATE TABLE xc_child (id INT PRIMARY KEY, pid INT NOT NULL, "
        "CONSTRAINT xc_child_fk FOREIGN KEY (pid) REFERENCES xc_parent (id))"
    )
    c.execute(f"INSERT INTO xc_parent VALUES ({p(2)})", (1, "a"))
    c.commit()
    integrity = c.driver.IntegrityError
    seen: dict[str, Any] = {}
    for what, sql, params in (
        ("primary key", f"INSERT INTO xc_parent VALUES ({p(2)})", (1, "b")),
        ("unique", f"INSERT INTO xc_parent VALUES ({p(2)})", (2, "a")),
        ("foreign key", f"INSERT INTO xc_child VALUES ({p(2)})", (1, 42)),
    ):
        try:
            c.execute(sql, params)
            c.commit()
        except integrity as exc:
            c.rollback()
            seen[what] = type(exc).__name__
            continue
        raise Unsupported(f"a {what} violation was accepted")
    return seen


def inline_references(s: Scratch) -> dict[str, Any]:
    """A foreign key declared inline (``col INT REFERENCES t (id)``, SQL standard, Oracle, PostgreSQL) is enforced."""
    c, p = s.conn, s.conn.ph
    c.execute("CREATE TABLE xc_iparent (id INT PRIMARY KEY)")
    c.execute("CREATE TABLE xc_ichild (id INT PRIMARY KEY, pid INT REFERENCES xc_iparent (id))")
    c.execute(f"INSERT INTO xc_iparent VALUES ({p()})", (1,))
    c.commit()
    try:
        c.execute(f"INSERT INTO xc_ichild VALUES ({p(2)})", (1, 42))
        c.commit()
    except c.driver.IntegrityError as exc:
        c.rollback()
        return {"inline_references_enforced": True, "error": type(exc).__name__}
    raise Unsupported(
        "an orphan row was accepted: the inline column REFERENCES was parsed and not enforced "
        "(declare the foreign key at table level: FOREIGN KEY (col) REFERENCES ...)"
    )


def sequences(s: Scratch) -> dict[str, Any]:
    c = s.conn
    last, seq = _d(s).generated_keys(c)
    if seq is not None:
        _expect([int(x) for x in seq] == [10, 15], f"a sequence from 10 by 5 gave {seq}")
    ids = [int(r[0]) for r in c.query("SELECT id FROM xc_seq ORDER BY id")]
    c.commit()
    _expect(len(set(ids)) == 3 and ids == sorted(ids), f"generated keys {ids} are not distinct and increasing")
    _expect(int(last) == ids[-1], f"the last generated key reads {last}, the table holds {ids[-1]}")
    return {"keys": ids}


def _orders(s: Scratch) -> None:
    c, p = s.conn, s.conn.ph
    c.execute("CREATE TABLE xc_ord (id INT PRIMARY KEY, grp VARCHAR(10), amount INT)")
    c.executemany(
        f"INSERT INTO xc_ord VALUES ({p(3)})",
        [(1, "北京", 10), (2, "北京", 30), (3, "上海", 20), (4, "上海", 20), (5, "深圳", 5)],
    )
    c.commit()


def views(s: Scratch) -> dict[str, Any]:
    _orders(s)
    c = s.conn
    c.execute("CREATE VIEW xc_totals AS SELECT grp, SUM(amount) AS total, COUNT(*) AS n FROM xc_ord GROUP BY grp")
    c.commit()
    rows = {str(r[0]): (int(r[1]), int(r[2])) for r in c.query("SELECT grp, total, n FROM xc_totals")}
    c.rollback()
    _expect(rows == {"北京": (40, 2), "上海": (40, 2), "深圳": (5, 1)}, f"the view returned {rows}")
    return {"rows": len(rows)}


def ctes(s: Scratch) -> dict[str, Any]:
    _orders(s)
    c = s.conn
    recursive, dual = _d(s).recursive_with, _d(s).dual
    total = c.scalar(
        f"{recursive} n (x) AS (SELECT 1{dual} UNION ALL SELECT x + 1 FROM n WHERE x < 10) SELECT SUM(x) FROM n"
    )
    big = c.scalar(
        "WITH g AS (SELECT grp, SUM(amount) AS t FROM xc_ord GROUP BY grp) SELECT COUNT(*) FROM g WHERE t >= 40"
    )
    c.rollback()
    _expect(int(total) == 55, f"a recursive CTE summing 1..10 gave {total}")
    _expect(int(big) == 2, f"a plain CTE gave {big}")
    return {"recursive": True}


def window_functions(s: Scratch) -> dict[str, Any]:
    _orders(s)
    c = s.conn
    rows = c.query(
        "SELECT id, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY amount DESC, id) AS rn, "
        "SUM(amount) OVER (PARTITION BY grp) AS total, "
        "LAG(amount) OVER (ORDER BY id) AS prev, "
        "RANK() OVER (ORDER BY amount DESC) AS rk FROM xc_ord ORDER BY id"
    )
    c.rollback()
    got = [(int(r[0]), int(r[1]), int(r[2]), None if r[3] is None else int(r[3]), int(r[4])) for r in rows]
    want = [(1, 2, 40, None, 4), (2, 1, 40, 10, 1), (3, 1, 40, 30, 2), (4, 2, 40, 20, 2), (5, 1, 5, 20, 5)]
    _expect(got == want, f"window functions gave {got}")
    return {"functions": "ROW_NUMBER, SUM OVER, LAG, RANK"}


JSON_DOC = '{"name": "信创", "tags": ["db", "中文"], "n": {"v": 42}}'


def json_support(s: Scratch) -> dict[str, Any]:
    c = s.conn
    row = _d(s).json_probe(c, JSON_DOC)
    c.rollback()
    _expect((row[0], row[1], int(row[2])) == ("信创", "中文", 42), f"JSON paths gave {row}")
    return {"paths": 3}


def upsert(s: Scratch) -> dict[str, Any]:
    c, p = s.conn, s.conn.ph
    c.execute("CREATE TABLE xc_up (id INT PRIMARY KEY, v VARCHAR(10), n INT)")
    c.execute(f"INSERT INTO xc_up VALUES ({p(3)})", (1, "old", 1))
    c.commit()
    sql = _d(s).upsert_sql(p(3))
    c.execute(sql, (1, "new", 1))
    c.execute(sql, (2, "fresh", 1))
    c.commit()
    rows = [(int(r[0]), str(r[1]), int(r[2])) for r in c.query("SELECT id, v, n FROM xc_up ORDER BY id")]
    c.rollback()
    _expect(rows == [(1, "new", 2), (2, "fresh", 1)], f"upsert left {rows}")
    return {"rows": rows}


def paging(s: Scratch) -> dict[str, Any]:
    c, p = s.conn, s.conn.ph
    c.execute("CREATE TABLE xc_page (id INT PRIMARY KEY)")
    c.executemany(f"INSERT INTO xc_page VALUES ({p()})", [(i,) for i in range(1, 101)])
    c.commit()
    page = [int(r[0]) for r in c.query("SELECT id FROM xc_page ORDER BY id LIMIT 10 OFFSET 20")]
    fetch_sql = "SELECT id FROM xc_page ORDER BY id OFFSET 20 ROWS FETCH NEXT 10 ROWS ONLY"
    try:
        fetch: list[int] | None = [int(r[0]) for r in c.query(fetch_sql)]
    except c.driver.Error:
        c.rollback()
        fetch = None
    c.rollback()
    _expect(page == list(range(21, 31)), f"LIMIT 10 OFFSET 20 gave {page[:3]}...")
    _expect(fetch in (None, list(range(21, 31))), f"OFFSET ... FETCH NEXT gave {fetch}")
    return {"offset_fetch_syntax": fetch is not None}


def routines(s: Scratch) -> dict[str, Any]:
    c = s.conn
    c.execute("CREATE TABLE xc_log (v INT)")
    got = _d(s).routine_probe(c)
    c.commit()
    logged = c.scalar("SELECT COUNT(*) FROM xc_log WHERE v = 42")
    c.rollback()
    _expect(int(got) == 42, f"xc_add(20, 22) returned {got}")
    _expect(int(logged) == 1, "the routine's INSERT was not kept")
    return {"routine": _d(s).routine_kind}


def wait_for(predicate: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
