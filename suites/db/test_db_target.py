"""DB layer: the declared database answers, and says what it is (product, version, architecture)."""

from __future__ import annotations

from typing import Any

from harness import catalog
from harness.checks import N_, CheckContext, check
from harness.db import service
from harness.db.connection import DbConnect
from harness.db.dialects import dialect_of
from harness.db.identify import ServerIdentity, protocol_of
from harness.db.targets import DbTarget
from harness.db.verdict import served_by_host
from harness.session import HostSession
from suites.db._common import asker


@check(
    "XC-DB-001",
    source="PEP 249 (Python DB-API 2.0) connect, and the driver's documentation",
    layer="db",
    severity="mandatory",
    title=N_("Database reachable and the login accepted"),
    requirement=N_("The declared database accepts a connection with the declared user through its Python driver."),
    remedy=N_("Check the port, the database name, the user and password, and the server's client authentication."),
)
def test_db_reachable(db_target: DbTarget, db_connect: DbConnect, xc: CheckContext) -> None:
    conn = db_connect("login")
    probe = dialect_of(db_target.family).one_sql
    value = conn.scalar(probe)
    conn.rollback()
    if value is None or int(value) != 1:
        xc.fail(N_("{sql} returned {value}"), sql=probe, value=value)
    xc.note(
        N_("{driver} connected to {host}:{port} as {user}"),
        driver=conn.driver_name,
        host=db_target.host,
        port=db_target.port,
        user=db_target.user,
    )


@check(
    "XC-DB-002",
    source="the server's own version answers (version(), @@version_comment) matched by harness/catalog/db.yml",
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="db",
    severity="mandatory",
    title=N_("Database product identified from the server's answers"),
    requirement=N_(
        "The server's version query names a product and version known to the catalog, "
        "and it is the product the inventory declares."
    ),
    remedy=N_("Declare the product the server really is (xc_db_targets[].product), or add the product to the catalog."),
)
def test_db_identified(
    db_target: DbTarget, db_identity: ServerIdentity, declared: dict[str, str], xc: CheckContext
) -> None:
    ident = db_identity
    if ident.product is None:
        xc.fail(N_("The version string names no known product: {raw}"), raw=ident.raw_version[:200])
    if not catalog.load("db"):
        raise RuntimeError("the catalog has no db layer (harness/catalog/db.yml)")
    entry = catalog.find("db", ident.product)
    if entry is None:
        xc.fail(N_("{product} {version} is not in the catalog"), product=ident.name, version=ident.version or "")
    wanted = db_target.product or declared.get("db")
    if wanted:
        want_entry = catalog.find("db", wanted)
        want_id = want_entry.id if want_entry else wanted.lower()
        # a product declared by its family (oceanbase) is met by a member of it (oceanbase-seekdb), and back
        related = want_id in catalog.lineage(entry) or (
            want_entry is not None and entry.id in catalog.lineage(want_entry)
        )
        if not related:
            xc.fail(
                N_("Declared {declared}, but the server is {product} {version}"),
                declared=wanted,
                product=ident.name,
                version=ident.version or "",
            )
    if protocol_of(entry) != db_target.family:
        xc.fail(
            N_("{product} does not speak the declared {family} protocol"), product=ident.name, family=db_target.family
        )
    xc.note(
        N_("{product} {version} ({arch}), compatibility mode {mode}"),
        product=ident.name,
        version=ident.version or "?",
        arch=ident.arch or "?",
        mode=ident.compat_mode or "-",
    )


@check(
    "XC-DB-003",
    source="System V ABI ELF header e_machine of the server binary, and the server's build string",
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="db",
    severity="mandatory",
    title=N_("Database build matches the host's CPU architecture"),
    requirement=N_(
        "The architecture the server was built for (from its version answers, else from its binary's ELF header) "
        "is the host's architecture."
    ),
    remedy=N_("Install the server build for this CPU architecture (for example aarch64 on Kunpeng or Phytium)."),
)
def test_db_arch(
    db_target: DbTarget,
    db_identity: ServerIdentity,
    db_connect: DbConnect,
    summary: dict[str, Any],
    target: HostSession,
    xc: CheckContext,
) -> None:
    if not served_by_host(db_target, target.spec.address, target.spec.connection):
        xc.not_applicable(N_("The database runs on {host}, not on this host"), host=db_target.host)
    host_arch = summary.get("arch")
    if not host_arch:
        raise RuntimeError("the host's architecture is not known (uname -m)")
    arch, where = db_identity.arch, "version"
    if not arch:
        # the server does not say (MySQL-family builds with an empty @@version_compile_machine, Dameng):
        # its binary does, through the host's own connection
        pid = service.server_pid(target.run, db_target.port, asker(db_connect), db_target.family)
        if pid is None:
            raise RuntimeError(
                f"{db_identity.name or 'the server'} does not report the architecture it was built for, "
                f"and no process listening on port {db_target.port} was found to read it from"
            )
        arch, where = service.binary_arch(target.run, pid), "binary"
        if not arch:
            raise RuntimeError(f"the server binary (pid {pid}) is not an ELF file of a known architecture")
    if arch != host_arch:
        xc.fail(N_("The server is a {server} build on a {host} host"), server=arch, host=host_arch)
    if where == "binary":
        xc.note(N_("{arch} server binary (its ELF header) on a {arch} host"), arch=host_arch)
        return
    xc.note(N_("{arch} server on a {arch} host"), arch=host_arch)
