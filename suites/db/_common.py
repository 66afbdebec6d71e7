"""What the database checks on the host share: asking the server one question over a fresh connection."""

from __future__ import annotations

from collections.abc import Callable

from harness.db.connection import DbConnect


def asker(db_connect: DbConnect) -> Callable[[str], object | None]:
    """``ask(sql)``: the single value ``sql`` answers, on a connection of its own (harness.db.service's ``ask``)."""

    def ask(sql: str) -> object | None:
        conn = db_connect("pid")
        value: object | None = conn.scalar(sql)
        conn.rollback()
        return value

    return ask
