"""Facts -> components of the stack, each with the evidence it rests on, the rule that decided and a
confidence; plus whether the host's identity holds together.

    >>> ident = identify_host(facts)          # Identification
    >>> ident.components["cpu"].catalog_id, ident.consistent, ident.issues
    ('phytium-d2000', True, [])

``identify(facts)`` keeps the older shape (``{layer: Component}``); consistency issues travel inside
the components (``Component.issues``) so checks and results see them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from harness import catalog
from harness.catalog.signals import detected_arch, process_signals, signals_from
from harness.checks import N_, render
from harness.facts.snapshot import Facts
from harness.layers import CATALOG_LAYERS
from harness.probes.arch import arch_tokens, canonical, compatible
from harness.probes.processes import java_main
from harness.terms import message

LAYERS = CATALOG_LAYERS  # the layers identified from a catalog file (harness.layers)


@dataclass
class Component:
    layer: str
    catalog_id: str | None = None
    vendor: str | None = None
    product: str | None = None
    model: str | None = None
    version: str | None = None
    arch: str | None = None
    xinchuang: bool | None = None
    evidence: list[str] = field(default_factory=list)
    rule: str = ""
    confidence: str = "none"  # high | medium | low | none
    reason: str = ""
    note: str = ""
    #: the catalog id and its families, nearest first (a declared family matches its members)
    lineage: list[str] = field(default_factory=list)
    name_zh: str | None = None
    #: layer-specific catalog facts (a database's protocol, default port, driver)
    details: dict[str, Any] = field(default_factory=dict)
    #: contradictions this component is part of (see Identification.issues)
    issues: list[str] = field(default_factory=list)
    #: how it was identified (or why not), in words: a message {key, args} reports translate
    #: (``rule`` and ``reason`` keep the technical text: the catalog rule, the English reason)
    description: dict[str, Any] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return self.catalog_id is not None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Identification:
    components: dict[str, Component]
    issues: list[str] = field(default_factory=list)
    signals: dict[str, str] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        return not self.issues

    def as_dict(self) -> dict[str, Any]:
        """The ``xcert identify --json`` shape: ``xinchuang`` is always true or false there (a
        component the catalog does not know is not a known Xinchuang component; its reason says so)."""
        out: dict[str, Any] = {}
        for layer in LAYERS:
            out[layer] = self.components[layer].as_dict()
            out[layer]["xinchuang"] = bool(out[layer]["xinchuang"])
        out["consistent"] = self.consistent
        out["issues"] = list(self.issues)
        return out


# where each signal comes from, for evidence lines
_ORIGIN = (
    ("arch", "uname -m"),
    ("kernel.version", "/proc/version"),
    ("kernel", "uname -r"),
    ("os.", "/etc/os-release"),
    ("lsb.", "/etc/lsb-release"),
    ("osversion.", "/etc/os-version"),
    ("kyinfo.", "/etc/.kyinfo"),
    ("debian_version", "/etc/debian_version"),
    ("cpu.count", "/proc/cpuinfo processor count"),
    ("cpu.isa", "/proc/cpuinfo layout"),
    ("cpu.", "/proc/cpuinfo"),
    ("lscpu.", "lscpu"),
    ("dmi.processor.", "dmidecode -t 4"),
    ("dmi.", "/sys/class/dmi/id (or dmidecode)"),
    ("db.version", "commands/db-version.txt"),
    ("proc.args", "ps -eo args"),
    ("java.main", "ps -eo args (java main class)"),
)


def _origin(key: str, signals: dict[str, str]) -> str:
    if key.startswith("dmi.processor.") and "src.dmi4" in signals:
        return signals["src.dmi4"]
    if key.startswith(("arm.", "x86.")) or key == "cpu.model_name":
        return signals.get(f"src.{key.split('.')[0] if key != 'cpu.model_name' else 'model'}", "/proc/cpuinfo")
    return next((origin for prefix, origin in _ORIGIN if key.startswith(prefix)), key)


def evidence_line(key: str, signals: dict[str, str]) -> str:
    value = signals.get(key, "")
    return f"{_origin(key, signals)}: {key}={value[:200]}"


def _layer_arch(layer: str, signals: dict[str, str]) -> str | None:
    """The host's architecture for the CPU and the OS; the build's for a database; none for the rest."""
    if layer in ("cpu", "os"):
        return detected_arch(signals)[0]
    if layer == "db":
        tokens = sorted(arch_tokens(signals.get("db.version")))
        return tokens[0] if len(tokens) == 1 else None
    return None


def from_match(layer: str, match: catalog.Match, signals: dict[str, str]) -> Component:
    entry, rule = match.entry, match.rule
    return Component(
        layer=layer,
        catalog_id=entry.id,
        vendor=entry.vendor.get("en"),
        product=entry.name.get("en"),
        version=entry.version(signals),
        arch=_layer_arch(layer, signals),
        xinchuang=entry.xinchuang,
        evidence=[evidence_line(k, signals) for k in rule.when],
        rule=f"catalog {layer}/{entry.id}: " + ", ".join(f"{k} ~ {v}" for k, v in rule.when.items()),
        description=message(
            N_("catalog entry {entry}, matched on {where}"),
            entry=entry.id,
            where=", ".join(dict.fromkeys(_origin(k, signals) for k in rule.when)),
        ),
        confidence=rule.confidence,
        note=rule.note,
        lineage=catalog.lineage(entry),
        name_zh=entry.name.get("zh"),
        details={
            **entry.extra,
            **({"lifecycle": dict(entry.lifecycle)} if entry.lifecycle else {}),
            **({"release": _release(signals)} if layer == "os" and _release(signals) else {}),
            "sources": list(entry.sources),
        },
    )


#: release fields reports show beside an OS's version (UOS: MinorVersion 1001 and EditionName c of
#: /etc/os-version make "20 1001c"; the codename once, in brackets)
_RELEASE_KEYS = (
    ("minor", "osversion.MinorVersion"),
    ("edition", "osversion.EditionName"),
    ("build", "osversion.OsBuild"),
    ("codename", "os.VERSION_CODENAME"),
    ("codename", "lsb.DISTRIB_CODENAME"),
)


def _release(signals: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, key in _RELEASE_KEYS:
        value = signals.get(key, "").strip()
        if value and name not in out:
            out[name] = value[:40]
    return out


def identify_cpu(signals: dict[str, str]) -> Component:
    m = catalog.best("cpu", signals)
    model = signals.get("cpu.model_name")
    arch, arch_key = detected_arch(signals)
    if m:
        comp = from_match("cpu", m, signals)
        comp.model = model or comp.version
        if comp.version == comp.model:
            comp.version = None
        if "cpu.count" in signals:
            comp.evidence.append(evidence_line("cpu.count", signals))
        comp.arch = arch
        if arch_key:
            comp.evidence.append(evidence_line(arch_key, signals))
        return comp
    vendor = signals.get("x86.vendor") or signals.get("arm.implementer")
    if arch or vendor or model:
        return _uncatalogued(
            "cpu",
            signals,
            ("arch", "x86.vendor", "arm.implementer", "arm.part", "cpu.model_name"),
            "uname/cpuinfo",
            N_("unknown: the catalog does not know this CPU"),
            vendor=vendor,
            product=model,
            model=model,
            arch=arch,
        )
    return _unknown("cpu", N_("unknown: neither uname -m, /proc/cpuinfo nor lscpu was readable"))


def _unknown(layer: str, reason: str, **args: Any) -> Component:
    """A layer the facts do not show: the reason in English and as a message reports translate."""
    return Component(layer=layer, reason=render(reason, args), description=message(reason, **args))


def _uncatalogued(
    layer: str, signals: dict[str, str], keys: tuple[str, ...], source: str, why: str, **fields: Any
) -> Component:
    """A component the facts show but the catalog does not know: low confidence, with the reason."""
    return Component(
        layer=layer,
        evidence=[evidence_line(k, signals) for k in keys if k in signals],
        rule=f"{source} (not in catalog)",
        confidence="low",
        reason=why,
        description=message(N_("{why} (read from {where})"), why=message(why), where=source),
        **fields,
    )


def identify_os(signals: dict[str, str]) -> Component:
    m = catalog.best("os", signals)
    if m:
        return from_match("os", m, signals)
    name = signals.get("os.PRETTY_NAME") or signals.get("os.NAME")
    if name:
        return _uncatalogued(
            "os",
            signals,
            ("os.ID", "os.NAME", "os.VERSION_ID"),
            "os-release",
            N_("unknown: os-release names an OS the catalog does not know"),
            product=name,
            version=signals.get("os.VERSION_ID"),
            arch=_layer_arch("os", signals),
        )
    line = next((v for k, v in signals.items() if k.startswith("release.") and k.endswith(".line")), None)
    if line:
        return _uncatalogued(
            "os",
            signals,
            (),
            "release file",
            N_("unknown: only a release file the catalog does not know"),
            product=line,
            arch=_layer_arch("os", signals),
        )
    if "src.os-release" in signals:
        return _unknown(
            "os",
            N_("unknown: {path} has no usable NAME or ID line (empty, truncated, binary or not in os-release format)"),
            path=signals["src.os-release"],
        )
    return _unknown("os", N_("unknown: no os-release or release file was readable"))


def identify_server(signals: dict[str, str]) -> Component:
    m = catalog.best("server", signals)
    model = signals.get("dmi.product_name")
    if m:
        comp = from_match("server", m, signals)
        comp.model = model
        for key in ("dmi.sys_vendor", "dmi.product_name", "dmi.board_name"):
            line = evidence_line(key, signals)
            if key in signals and line not in comp.evidence:
                comp.evidence.append(line)
        return comp
    vendor = signals.get("dmi.sys_vendor") or signals.get("dmi.board_vendor")
    if vendor:
        return _uncatalogued(
            "server",
            signals,
            ("dmi.sys_vendor", "dmi.product_name", "dmi.board_vendor"),
            "DMI",
            N_("unknown: the catalog does not know this server vendor"),
            vendor=vendor,
            product=model,
            model=model,
        )
    return _unknown("server", N_("unknown: no DMI data (/sys/class/dmi/id or dmidecode)"))


def _best_over_processes(layer: str, signals: dict[str, str], processes: list[str]) -> list[Component]:
    found: list[tuple[tuple[int, int], Component]] = []
    for args in processes:
        extra = {"proc.args": args}
        main = java_main(args)
        if main:
            extra["java.main"] = main
        local = {**signals, **extra}
        m = catalog.best(layer, local)
        if m:
            found.append((m.rule.rank, from_match(layer, m, local)))
    found.sort(key=lambda item: item[0], reverse=True)
    return [comp for _, comp in found]


def identify_db(signals: dict[str, str], processes: list[str]) -> Component:
    m = catalog.best("db", signals) if "db.version" in signals else None
    if m:
        return from_match("db", m, signals)
    running = _best_over_processes("db", signals, processes)
    if running:
        comp = running[0]
        others = sorted({c.catalog_id or "?" for c in running[1:] if c.catalog_id != comp.catalog_id})
        if others:
            comp.note = (comp.note + "; " if comp.note else "") + "also running: " + ", ".join(others)
        return comp
    if "db.version" in signals:
        return _uncatalogued(
            "db",
            signals,
            ("db.version",),
            "db-version",
            N_("unknown: the version string names a database the catalog does not know"),
            product=signals["db.version"][:120],
        )
    return _unknown("db", N_("unknown: no database version string and no database process seen"))


def identify_middleware(signals: dict[str, str], processes: list[str]) -> Component:
    running = _best_over_processes("middleware", signals, processes)
    if running:
        comp = running[0]
        others = sorted({c.catalog_id or "?" for c in running[1:] if c.catalog_id != comp.catalog_id})
        if others:
            comp.note = (comp.note + "; " if comp.note else "") + "also running: " + ", ".join(others)
        return comp
    return _unknown("middleware", N_("unknown: no Java application server process seen"))


def _arch_claims(signals: dict[str, str], comps: dict[str, Component]) -> list[tuple[str, str, str]]:
    """(layer, where, ISA) for every piece of evidence that names an architecture."""
    claims: list[tuple[str, str, str]] = []
    if signals.get("cpu.isa"):
        claims.append(("cpu", "/proc/cpuinfo", signals["cpu.isa"]))
    lscpu_arch = canonical(signals.get("lscpu.Architecture"))
    if lscpu_arch:
        claims.append(("cpu", "lscpu Architecture", lscpu_arch))
    cpu = comps["cpu"]
    if cpu.catalog_id:
        entry = catalog.get("cpu", cpu.catalog_id)
        if entry and entry.arch:
            claims.append(("cpu", f"the CPU ({cpu.product})", entry.arch))
    for isa in sorted(arch_tokens(signals.get("kernel"))):
        claims.append(("os", "uname -r", isa))
    texts: dict[str, list[str]] = {}
    for key, value in signals.items():
        if key.startswith(("os.", "lsb.", "release.", "osversion.", "kyinfo.")):
            where = _origin(key, signals) if not key.startswith("release.") else "/etc/" + key.split(".")[1]
            texts.setdefault(where, []).append(value)
    for where, values in sorted(texts.items()):
        for isa in sorted(arch_tokens(" ".join(values))):
            claims.append(("os", where, isa))
    for isa in sorted(arch_tokens(signals.get("db.version"))):
        claims.append(("db", "the database build (db-version)", isa))
    return claims


def check_consistency(signals: dict[str, str], comps: dict[str, Component]) -> list[str]:
    """Contradictions between uname -m, cpuinfo, lscpu, the kernel release, the release files and
    the database build; each issue is also attached to the component it concerns."""
    claims = _arch_claims(signals, comps)
    reference = signals.get("arch")
    ref_where = "uname -m"
    if not reference and claims:
        _, ref_where, reference = claims[0]
    issues: list[str] = []
    if not reference:
        return issues
    for layer, where, isa in claims:
        if not compatible(reference, isa):
            issue = f"{where} says {isa} but {ref_where} says {reference}"
            if issue not in issues:
                issues.append(issue)
                comps[layer].issues.append(issue)
    return issues


def identify_host(facts: Facts) -> Identification:
    """Identify every layer of a host from its facts (a live fact pass or a snapshot)."""
    signals = signals_from(facts)
    processes = process_signals(facts)
    comps = {
        "cpu": identify_cpu(signals),
        "os": identify_os(signals),
        "db": identify_db(signals, processes),
        "server": identify_server(signals),
        "middleware": identify_middleware(signals, processes),
    }
    issues = check_consistency(signals, comps)
    return Identification(comps, issues, signals)


def identify(facts: Facts) -> dict[str, Component]:
    """Identify the components a host's facts show (consistency issues inside each component)."""
    return identify_host(facts).components


def declared_matches(layer: str, declared: str, detected: Component) -> tuple[bool, str]:
    """Whether the detected component is the declared one (by catalog id, name, alias or family).

    Returns ``(ok, declared_id)``; ``declared_id`` is the catalog id when the declaration names one,
    else the declared text.
    """
    entry = catalog.find(layer, declared)
    if entry is None:
        wanted = declared.strip().lower()
        texts = {t.lower() for t in (detected.product, detected.model, detected.catalog_id) if t}
        return wanted in texts, declared.strip()
    return entry.id in detected.lineage, entry.id
