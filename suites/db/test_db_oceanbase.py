"""DB layer, OceanBase only (OceanBase CE/EE tenants, seekdb): compatibility mode, tenant and resources,
character sets for Chinese data, migration-relevant defaults, sequences, the vendor's client.

A server the catalog does not place under ``oceanbase`` gets these checks as not_applicable.
"""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.db import oceanbase
from harness.db.connection import DbConnect
from harness.db.identify import ServerIdentity
from harness.db.scratch import Scratch
from harness.db.targets import DbTarget
from harness.session import HostSession

_REMEDY_MODE = N_(
    "Declare the tenant's real mode (xc_db_targets[].compat_mode) or certify a tenant of the mode needed."
)


def _oceanbase_only(db_identity: ServerIdentity, xc: CheckContext) -> None:
    if "oceanbase" not in (db_identity.lineage or []):
        xc.not_applicable(N_("{product} is not OceanBase"), product=db_identity.name or "the server")


def _facts(db_connect: DbConnect) -> oceanbase.ObFacts:
    conn = db_connect("oceanbase")
    try:
        return oceanbase.read_facts(conn)
    finally:
        conn.close()


@check(
    "XC-DB-060",
    layer="db",
    severity="mandatory",
    title=N_("OceanBase compatibility mode is the declared one"),
    requirement=N_(
        "The tenant's compatibility mode (ob_compatibility_mode: MySQL or Oracle; a server without it is MySQL "
        "mode only, as seekdb is) is the mode the inventory declares (xc_db_targets[].compat_mode)."
    ),
    remedy=_REMEDY_MODE,
    source="OceanBase Database 4.x documentation, system variable ob_compatibility_mode (MYSQL | ORACLE, per "
    "tenant); seekdb 1.4.0.0 has no such variable and no Oracle mode (pylibseekdb 1.4.0.post1, measured)",
    tags=("oceanbase",),
)
def test_ob_compat_mode(
    db_target: DbTarget, db_identity: ServerIdentity, db_connect: DbConnect, xc: CheckContext
) -> None:
    _oceanbase_only(db_identity, xc)
    facts = _facts(db_connect)
    holds, mode = oceanbase.decide_compat(facts, db_target.compat_mode)
    if not holds:
        xc.fail(
            N_("Declared {declared} mode, but the tenant is in {mode} mode"), declared=db_target.compat_mode, mode=mode
        )
    if db_target.compat_mode is None:
        xc.note(N_("{mode} mode (none declared)"), mode=mode)
        return
    xc.note(N_("{mode} mode, as declared"), mode=mode)


@check(
    "XC-DB-061",
    layer="db",
    severity="advisory",
    title=N_("OceanBase tenant and resource settings recorded"),
    requirement=N_(
        "The tenants (DBA_OB_TENANTS, where the server has the view) and the resource parameters (cpu_count, "
        "memory_limit, memory_budget, system_memory, log_disk_size, datafile_size, datafile_maxsize) are read "
        "from the server and recorded; nothing is judged (no source gives the numbers)."
    ),
    remedy=N_("Grant the declared user read access to the oceanbase schema and SHOW PARAMETERS."),
    source="OceanBase Database 4.x documentation: view DBA_OB_TENANTS, SHOW PARAMETERS; seekdb: memory_budget "
    "sets the budget, memory_limit is ignored (shared/LAB-NOTES.md)",
    tags=("oceanbase",),
)
def test_ob_resources(db_identity: ServerIdentity, db_connect: DbConnect, xc: CheckContext) -> None:
    _oceanbase_only(db_identity, xc)
    facts = _facts(db_connect)
    if not facts.parameters:
        raise RuntimeError("SHOW PARAMETERS answered none of the resource parameters")
    for name, text in facts.parameters.items():
        value = oceanbase.parameter_value(name, text)
        if value is not None:
            xc.measure(f"param_{name}", value, "count" if name == "cpu_count" else "bytes")
    tenants = "; ".join(f"{t['name']} ({t['type']}, {t['mode']})" for t in facts.tenants)
    xc.note(
        N_("Tenants: {tenants}; parameters: {parameters}"),
        tenants=tenants or ("no tenant view: a single-tenant server" if not facts.tenant_view else "-"),
        parameters=oceanbase.describe(facts.parameters),
    )


@check(
    "XC-DB-062",
    layer="db",
    severity="advisory",
    title=N_("Character sets for Chinese data (GB18030, GBK)"),
    requirement=N_(
        "The server offers the GB18030 character set (GB 18030-2022 is a mandatory national standard) beside "
        "UTF-8; whether GBK is offered is reported. Data kept in GBK or GB18030 by the application needs them."
    ),
    remedy=N_("Keep data in utf8mb4 and convert at the application, or use a build or tenant that offers GB18030."),
    source="GB 18030-2022 Information technology - Chinese coded character set (mandatory national standard); "
    "OceanBase 4.x MySQL mode character sets (utf8mb4, gbk, gb18030); information_schema.CHARACTER_SETS",
    tags=("oceanbase", "i18n"),
)
def test_ob_chinese_charsets(db_identity: ServerIdentity, db_connect: DbConnect, xc: CheckContext) -> None:
    _oceanbase_only(db_identity, xc)
    facts = _facts(db_connect)
    if not facts.charsets:
        raise RuntimeError("information_schema.CHARACTER_SETS answered no character set")
    holds, missing = oceanbase.decide_charsets(facts)
    xc.measure("gb18030", "gb18030" in facts.charsets, "bool")
    xc.measure("gbk", "gbk" in facts.charsets, "bool")
    if not holds:
        xc.fail(
            N_("No {missing} character set; the server offers {charsets}"),
            missing=", ".join(missing),
            charsets=", ".join(facts.charsets),
        )
    xc.note(N_("Character sets: {charsets}"), charsets=", ".join(facts.charsets))


@check(
    "XC-DB-063",
    layer="db",
    severity="advisory",
    title=N_("Defaults a migrating application assumes (isolation, identifier case, time zone)"),
    requirement=N_(
        "The default isolation level, lower_case_table_names and the time zone are read and compared with what "
        "MySQL applications (REPEATABLE-READ, 0, SYSTEM) and Oracle applications (READ COMMITTED) assume; the "
        "differences are recorded, not judged."
    ),
    remedy=N_("Set the session or tenant defaults the application assumes, or adapt the application."),
    source="MySQL 8.0 Reference Manual: transaction_isolation (default REPEATABLE-READ), lower_case_table_names "
    "(default 0 on Unix), time_zone (default SYSTEM); Oracle Database Concepts, Data Concurrency and Consistency "
    "(default READ COMMITTED)",
    tags=("oceanbase", "migration"),
)
def test_ob_migration_defaults(db_identity: ServerIdentity, db_connect: DbConnect, xc: CheckContext) -> None:
    _oceanbase_only(db_identity, xc)
    facts = _facts(db_connect)
    missing = [k for k in ("lower_case_table_names", "transaction_isolation", "time_zone") if k not in facts.settings]
    if missing:
        raise RuntimeError(f"the server does not answer {', '.join(missing)}")
    gaps = oceanbase.migration_gaps(facts)
    xc.measure("differences", len(gaps), "count")
    xc.note(
        N_("Settings: {settings}; differences: {gaps}"),
        settings=oceanbase.describe(facts.settings),
        gaps=oceanbase.describe(gaps),
    )


@check(
    "XC-DB-064",
    layer="db",
    severity="advisory",
    title=N_("Sequences (CREATE SEQUENCE, NEXTVAL)"),
    requirement=N_(
        "A sequence starting at 10 is created and NEXTVAL returns 10: applications moving from Oracle use "
        "sequences where MySQL applications use AUTO_INCREMENT."
    ),
    remedy=N_("Use AUTO_INCREMENT columns, or a build or tenant mode that offers sequences."),
    source="OceanBase Database 4.x documentation, MySQL mode CREATE SEQUENCE; Oracle Database SQL Language "
    "Reference, CREATE SEQUENCE",
    tags=("oceanbase", "migration"),
)
def test_ob_sequences(db_identity: ServerIdentity, db_scratch: Scratch, xc: CheckContext) -> None:
    _oceanbase_only(db_identity, xc)
    holds, detail = oceanbase.sequences_supported(db_scratch.conn, db_scratch.name)
    xc.measure("supported", holds, "bool")
    if not holds:
        xc.fail(N_("No sequences: {detail}"), detail=detail)
    xc.note(N_("Sequences work: {detail}"), detail=detail)


@check(
    "XC-DB-065",
    layer="db",
    severity="advisory",
    title=N_("The vendor's client (obclient) runs where installed"),
    requirement=N_("Where obclient is installed on the host, it runs and reports its version."),
    remedy=N_("Reinstall obclient from the vendor's packages for this CPU architecture and OS."),
    source="OceanBase documentation: obclient, the OceanBase command-line client",
    tags=("oceanbase",),
)
def test_ob_client(db_identity: ServerIdentity, target: HostSession, xc: CheckContext) -> None:
    _oceanbase_only(db_identity, xc)
    found = target.run("command -v obclient || true").text.strip()
    if not found:
        xc.not_applicable(N_("obclient is not installed on the host"))
    result = target.run("obclient -V")
    version = (result.text or result.stderr.decode(errors="replace")).strip().splitlines()
    if result.rc != 0:
        xc.fail(N_("{path} does not run (rc {rc}): {output}"), path=found, rc=result.rc, output=" ".join(version)[:200])
    xc.note(N_("{path}: {version}"), path=found, version=(version or ["?"])[0][:160])
