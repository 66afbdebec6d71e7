"""Database dialects as data: one module per wire-protocol family, each implementing :class:`Dialect`.

Code that runs SQL asks ``dialect_of(family)`` (or ``dialect_of(conn)``) for the family's words
(types, statements, queries) instead of branching on the family; a new family (an Oracle-compatible
mode, say) is one new module registered in :data:`DIALECTS`. Which *product* a server is comes from
the catalog alone (harness/catalog/db.yml, :mod:`harness.db.identify`); a dialect only asks the
questions and reads the answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from harness.db.connection import DbConnection
    from harness.transport.base import CommandResult

#: the host session's ``run`` (harness.db.service.Run): a command on the database's host, as evidence
Run = Callable[..., "CommandResult"]
#: one query on the server, its single value
Ask = Callable[[str], object | None]


class Dialect(Protocol):
    """What SQL code needs to know about one family."""

    family: str
    #: a statement that returns the single value 1
    one_sql: str
    #: the family's long text / long binary / character-counting and byte-counting functions
    text_type: str
    blob_type: str
    char_length: str
    octet_length: str

    #: a VARCHAR of n characters (not bytes)
    def varchar(self, n: int) -> str: ...

    #: the query answering the server's data directory
    datadir_sql: str
    #: (query, names of its columns) for the server's, database's and client's encodings and collation
    encodings_sql: tuple[str, tuple[str, ...]]
    #: the type of a date and time column without a time zone; statements to run after bulk loading
    timestamp_type: str
    analyze_sql: tuple[str, ...]

    def identify(self, conn: DbConnection) -> tuple[dict[str, str], dict[str, str]]:
        """(catalog signals, settings) from the server's own answers."""
        ...

    def banner_arch(self, signals: dict[str, str]) -> str | None:
        """The build architecture as the version answers say it (None when they do not)."""
        ...

    def version_detail(self, signals: dict[str, str], version: str | None) -> str | None:
        """The catalog's version, with a build number the family adds (Dameng)."""
        ...

    def compat_mode(self, product: str | None, settings: dict[str, str]) -> str | None: ...

    # scratch schemas
    def create_scratch(self, name: str) -> str: ...
    def use_scratch(self, name: str) -> str: ...
    def drop_scratch(self, name: str) -> str: ...
    def scratch_exists(self, name: str) -> tuple[str, tuple[Any, ...]]: ...

    # SQL feature probes (harness/db/features.py): the family's words, the probe's judgement stays there
    utc_text: str  # how 23:30 at UTC+8, read at UTC, prints
    recursive_with: str  # WITH RECURSIVE, or WITH where the keyword is not used
    dual: str  # " FROM DUAL" where a SELECT needs a table
    routine_kind: str

    def datetime_probe(self, c: DbConnection) -> tuple[tuple[Any, ...], Any]:
        """Store a leap day, a TIME, a TIMESTAMP at UTC+8; (the row read at UTC as text, the day after as text)."""
        ...

    def nulls_order_sql(self) -> tuple[str, str, bool]:
        """(NULLs-last query, NULLs-first query, whether to probe the NULLS FIRST/LAST syntax separately)."""
        ...

    def read_committed_sql(self) -> tuple[str, ...]: ...

    def generated_keys(self, c: DbConnection) -> tuple[Any, list[Any] | None]:
        """Three rows with generated keys into xc_seq; (the last key read back, the first two values of a
        sequence from 10 by 5, or None where the family has no sequences)."""
        ...

    def json_probe(self, c: DbConnection, doc: str) -> tuple[Any, ...]:
        """Store ``doc``; (its name, its tags[1], its n.v as an integer) by the family's JSON paths."""
        ...

    def upsert_sql(self, ph: str) -> str:
        """An insert-or-update of (id, v, n) into xc_up: new v, n + 1 on a duplicate id."""
        ...

    def routine_probe(self, c: DbConnection) -> Any:
        """Create xc_add(a, b) (inserting a + b into xc_log) and return xc_add(20, 22)."""
        ...

    # the service on its host (harness/db/service.py) and the performance smoke (harness/db/perf_tools.py)
    #: the family's reference load tool driving XC-DB-050 where installed (None: the Python clients measure it)
    smoke_tool: str | None

    def server_pid(self, run: Run, ask: Ask) -> int | None:
        """The server's main pid as the server tells it (ss did not show it), or None where it cannot."""
        ...

    def datadir_mode_problem(self, mode: int) -> str | None:
        """What the family's own rule finds wrong with the data directory's mode, or None."""
        ...

    def restart_command(self, pid: int, user: str, datadir: str) -> str | None:
        """The family's own restart of a server no unit runs (quoted shell), or None: stop it and start
        its command line again."""
        ...


def dialect_of(family_or_conn: str | Any) -> Dialect:
    """The dialect of a family name, or of a connection / target / scratch (its ``family``)."""
    from harness.db.dialects import dameng, mysql, postgresql

    family = family_or_conn if isinstance(family_or_conn, str) else family_or_conn.family
    table: dict[str, Dialect] = {"postgresql": postgresql.DIALECT, "mysql": mysql.DIALECT, "dameng": dameng.DIALECT}
    try:
        return table[family]
    except KeyError:
        raise ValueError(f"no dialect for the {family!r} family") from None


def try_query(conn: DbConnection, sql: str) -> list[tuple[Any, ...]] | None:
    """A question a server of another product may not understand: None instead of an error."""
    try:
        rows = conn.query(sql)
    except Exception:
        try:
            conn.rollback()
        except Exception:  # the connection is gone: the caller's next statement says so
            return None
        return None
    conn.rollback()
    return rows
