"""DB layer: SQL compatibility, one check per feature, each in a scratch schema that is always dropped."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from harness.checks import N_, CheckContext, check
from harness.db import features
from harness.db.report import SQL_FEATURE
from harness.db.scratch import Scratch
from harness.db.verdict import decide_feature

#: a feature probe of harness.db.features: what it saw in the scratch schema
FeatureProbe = Callable[[Scratch], Mapping[str, Any]]

_REMEDY = N_("Adapt the application's SQL to this database or enable its compatibility mode; see the evidence.")


#: where each SQL feature is defined (the products' own SQL references follow the standard's clauses)
SQL_SOURCES = {
    'XC-DB-010': 'ISO/IEC 9075-2, <exact numeric type> (DECIMAL, BIGINT)',
    'XC-DB-011': 'ISO/IEC 9075-2, character string types; GB 18030-2022',
    'XC-DB-012': 'ISO/IEC 9075-2, datetime types and WITH TIME ZONE',
    'XC-DB-013': 'ISO/IEC 9075-2, binary and character large objects (BLOB, CLOB)',
    'XC-DB-014': 'ISO/IEC 9075-2, <null ordering> (NULLS FIRST / LAST)',
    'XC-DB-015': 'ISO/IEC 9075-2, transaction statements (COMMIT, ROLLBACK, SAVEPOINT)',
    'XC-DB-016': 'ISO/IEC 9075-2, transaction isolation levels (no dirty read)',
    'XC-DB-017': 'ISO/IEC 9075-2, unique and referential constraints',
    'XC-DB-018': 'ISO/IEC 9075-2, sequence generators and identity columns',
    'XC-DB-019': 'ISO/IEC 9075-2, <view definition>',
    'XC-DB-020': 'ISO/IEC 9075-2, <with clause> and recursive queries',
    'XC-DB-021': 'ISO/IEC 9075-2, window functions',
    'XC-DB-022': 'ISO/IEC 9075-2:2016, SQL/JSON',
    'XC-DB-023': "ISO/IEC 9075-2, MERGE (and the products' upsert forms)",
    'XC-DB-024': 'ISO/IEC 9075-2:2008, OFFSET and FETCH FIRST',
    'XC-DB-025': 'ISO/IEC 9075-4 (SQL/PSM), stored routines',
}


def _sql_check(
    check_id: str,
    title: str,
    requirement: str,
    probe: FeatureProbe,
    severity: str = "mandatory",
    source: str = "",
) -> Callable[[Scratch, CheckContext], None]:
    @check(
        check_id,
        layer="db",
        severity=severity,
        title=title,
        requirement=requirement,
        remedy=_REMEDY,
        source=source or SQL_SOURCES.get(check_id, ""),
        tags=(SQL_FEATURE,),  # the report's SQL feature table selects these by tag
    )
    def _test(db_scratch: Scratch, xc: CheckContext) -> None:
        decide_feature(xc, db_scratch, probe)

    _test.__name__ = f"test_{probe.__name__}"
    _test.__doc__ = requirement
    return _test


test_numeric_bounds = _sql_check(
    "XC-DB-010",
    N_("DECIMAL(38,10) and BIGINT bounds"),
    N_("DECIMAL(38,10) and BIGINT extremes round-trip exactly, and overflow raises an error instead of clipping."),
    features.numeric_bounds,
)
test_chinese_text = _sql_check(
    "XC-DB-011",
    N_("Character types hold Chinese text"),
    N_("VARCHAR(20) and CHAR(20) hold 20 Chinese characters, length counts characters, LIKE finds Chinese."),
    features.chinese_text,
)
test_datetime_tz = _sql_check(
    "XC-DB-012",
    N_("Date, time and time zones"),
    N_("A leap day, TIME and TIMESTAMP round-trip; a time stored at UTC+8 reads correctly at UTC; date arithmetic."),
    features.datetime_tz,
)
test_lob_roundtrip = _sql_check(
    "XC-DB-013",
    N_("BLOB and CLOB round trips"),
    N_("A 1 MiB binary value with every byte value and a 225,000-character text come back unchanged."),
    features.lob_roundtrip,
)
test_null_ordering = _sql_check(
    "XC-DB-014",
    N_("NULL ordering"),
    N_("NULLs sort first or last as asked; the default placement is reported."),
    features.null_ordering,
    severity="advisory",
)
test_transactions = _sql_check(
    "XC-DB-015",
    N_("Transactions: commit, rollback, savepoint"),
    N_(
        "Committed rows are visible to other sessions, rolled-back rows vanish, ROLLBACK TO SAVEPOINT undoes only later work."
    ),
    features.transactions,
)
test_isolation = _sql_check(
    "XC-DB-016",
    N_("Isolation: no dirty read, concurrent updates serialised"),
    N_(
        "At READ COMMITTED an uncommitted change is invisible to others; a second writer of a row waits and loses no update."
    ),
    features.isolation,
)
test_constraints = _sql_check(
    "XC-DB-017",
    N_("Primary, unique and foreign key violations raise"),
    N_("Inserting a duplicate primary key, a duplicate unique value or an orphan row raises an integrity error."),
    features.constraints,
)
test_inline_references = _sql_check(
    "XC-DB-026",
    N_("Inline column REFERENCES enforced"),
    N_(
        "A foreign key declared inline in a column definition (col INT REFERENCES t (id)), as Oracle and PostgreSQL "
        "applications write it, rejects an orphan row; MySQL-mode servers parse it and ignore it."
    ),
    features.inline_references,
    severity="advisory",
    source="ISO/IEC 9075-2 <references specification> in a <column constraint>; MySQL 8.0 Reference Manual "
    "15.1.20.5 FOREIGN KEY Constraints ('MySQL parses but ignores inline REFERENCES specifications')",
)
test_sequences = _sql_check(
    "XC-DB-018",
    N_("Sequences or auto-increment keys"),
    N_(
        "Generated keys are distinct and increasing and the last one can be read back; sequences honour start and step."
    ),
    features.sequences,
)
test_views = _sql_check(
    "XC-DB-019",
    N_("Views"),
    N_("A view with GROUP BY over Chinese keys returns the aggregated rows."),
    features.views,
)
test_ctes = _sql_check(
    "XC-DB-020",
    N_("Common table expressions (WITH, recursive)"),
    N_("A plain and a recursive common table expression return the right result."),
    features.ctes,
)
test_window_functions = _sql_check(
    "XC-DB-021",
    N_("Window functions"),
    N_("ROW_NUMBER, RANK, LAG and SUM OVER (PARTITION BY ... ORDER BY ...) return the right values."),
    features.window_functions,
)
test_json = _sql_check(
    "XC-DB-022",
    N_("JSON documents"),
    N_("A JSON document with Chinese text is stored and its paths are read back."),
    features.json_support,
    severity="advisory",
)
test_upsert = _sql_check(
    "XC-DB-023",
    N_("Upsert"),
    N_("The family's upsert (ON CONFLICT, ON DUPLICATE KEY, MERGE) updates an existing row and inserts a new one."),
    features.upsert,
)
test_paging = _sql_check(
    "XC-DB-024",
    N_("Paging"),
    N_("LIMIT/OFFSET returns the right page; OFFSET ... FETCH NEXT is reported where supported."),
    features.paging,
)
test_routines = _sql_check(
    "XC-DB-025",
    N_("Stored procedure or function"),
    N_("A stored function (and a procedure where the family has CALL) runs and its writes are kept."),
    features.routines,
)
