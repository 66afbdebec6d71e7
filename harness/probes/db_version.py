"""A database server's version answer, as a user may have saved it: bare, or as psql/mysql/disql print it."""

from __future__ import annotations

import re

_RULE = re.compile(r"^[\s\-+=|]*$")
_HEADER = re.compile(
    r"^\s*\|?\s*(version|version\(\)|tidb_version\(\)|(lineid\s+)?banner|id_code)\s*\|?\s*$", re.IGNORECASE
)
_FOOTER = re.compile(r"^\s*\(\d+ rows?\)\s*$|^\s*\d+ rows? in set.*$|^\s*used time:.*$|^\s*行号\s.*$", re.IGNORECASE)
_LINENO = re.compile(r"^\s*\d+\s{2,}")


def clean_version_output(text: str | None) -> str:
    """The version text with client table borders, headers and row counts removed, whitespace folded.

    >>> clean_version_output(" version\\n---------\\n PostgreSQL 15.8 on x86_64-pc-linux-gnu\\n(1 row)\\n")
    'PostgreSQL 15.8 on x86_64-pc-linux-gnu'
    """
    kept: list[str] = []
    for raw in (text or "").splitlines():
        if _RULE.match(raw) or _HEADER.match(raw) or _FOOTER.match(raw):
            continue
        line = raw.strip().strip("|").strip()
        line = _LINENO.sub("", line)  # disql prints a row number before each V$VERSION row
        if line:
            kept.append(line)
    return " ".join(" ".join(kept).split())
