"""Which database product a server is, from its own answers: the catalog (harness/catalog/db.yml) decides.

A family's dialect (:mod:`harness.db.dialects`) asks the questions and turns the answers into
catalog signals (``db.version``, ``db.version_comment``); the catalog's rules, among the entries
that speak the family's protocol, name the product and its version. There is no second recognizer.

    >>> parse_version("postgresql", "KingbaseES V008R006C006B0013PS003 on x86_64-pc-linux-gnu, compiled by gcc").product
    'kingbasees-v8'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from harness import catalog
from harness.db.dialects import dialect_of
from harness.db.identify_arch import normalize_arch

if TYPE_CHECKING:
    from harness.db.connection import DbConnection

__all__ = ["ServerIdentity", "identify_server", "normalize_arch", "parse_signals", "parse_version", "protocol_of"]


@dataclass
class ServerIdentity:
    """What the server says it is."""

    family: str
    product: str | None = None
    name: str | None = None
    version: str | None = None
    arch: str | None = None
    compat_mode: str | None = None
    xinchuang: bool | None = None
    raw_version: str = ""
    settings: dict[str, str] = field(default_factory=dict)
    #: the catalog ids of the product and its families, nearest first (``oceanbase-seekdb``, ``oceanbase``)
    lineage: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def protocol_of(entry: catalog.Entry) -> str | None:
    value = entry.extra.get("protocol")
    return str(value) if value else None


def recognise(family: str, signals: dict[str, str]) -> catalog.Match | None:
    """The catalog entry of ``family``'s protocol whose best holding rule ranks highest (ties: file order)."""
    found: catalog.Match | None = None
    for entry in catalog.load("db"):
        if protocol_of(entry) != family:
            continue
        rule = entry.best_rule(signals)
        if rule is not None and (found is None or rule.rank > found.rule.rank):
            found = catalog.Match(entry, rule)
    return found


def parse_signals(family: str, signals: dict[str, str]) -> ServerIdentity:
    """Product, version and build architecture from a family's signals."""
    dialect = dialect_of(family)
    ident = ServerIdentity(family=family, raw_version=signals.get("db.version", "").strip())
    match = recognise(family, signals)
    if match is not None:
        entry = match.entry
        ident.product = entry.id
        ident.name = entry.name.get("en") or entry.id
        ident.xinchuang = entry.xinchuang
        ident.version = dialect.version_detail(signals, entry.version(signals))
        ident.lineage = catalog.lineage(entry)
    ident.arch = dialect.banner_arch(signals)
    return ident


def parse_version(
    family: str, text: str, compile_machine: str | None = None, comment: str | None = None
) -> ServerIdentity:
    """:func:`parse_signals` of a version string (MySQL family: ``@@version_compile_machine`` and
    ``@@version_comment`` too)."""
    signals = {"db.version": (text or "").strip()}
    if comment:
        signals["db.version_comment"] = comment.strip()
    if compile_machine:
        signals["db.compile_machine"] = compile_machine.strip()
    return parse_signals(family, signals)


def identify_server(conn: DbConnection) -> ServerIdentity:
    """Ask the server of ``conn`` what it is; raises the driver's error when even the version query fails."""
    dialect = dialect_of(conn.family)
    signals, settings = dialect.identify(conn)
    ident = parse_signals(conn.family, signals)
    ident.settings = settings
    ident.compat_mode = dialect.compat_mode(ident.product, settings)
    return ident
