"""Facts -> components of the stack, each with the evidence it rests on and the rule that decided."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from harness import catalog
from harness.facts.snapshot import Facts
from harness.probes.cpuinfo import count_processors, cpuinfo_summary, parse_lscpu
from harness.probes.os_release import parse_os_release, parse_release_line

RELEASE_FILES = ("/etc/kylin-release", "/etc/system-release", "/etc/redhat-release", "/etc/uos-release")


@dataclass
class Component:
    layer: str
    catalog_id: str | None = None
    vendor: str | None = None
    product: str | None = None
    version: str | None = None
    arch: str | None = None
    xinchuang: bool | None = None
    evidence: list[str] = field(default_factory=list)
    rule: str = ""
    confidence: str = "none"  # high | medium | low | none
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def signals_from(facts: Facts) -> dict[str, str]:
    """Flat name -> value map that catalog rules match against."""
    signals: dict[str, str] = {}
    arch = (facts.command("uname-m") or "").strip()
    if arch:
        signals["arch"] = arch
    os_text = facts.file("/etc/os-release") or facts.file("/usr/lib/os-release")
    for key, value in parse_os_release(os_text).items():
        signals[f"os.{key}"] = value
    for path in RELEASE_FILES:
        for key, value in parse_release_line(facts.file(path)).items():
            signals[f"release.{path.rsplit('/', 1)[-1]}.{key}"] = value
    for key, value in cpuinfo_summary(facts.file("/proc/cpuinfo")).items():
        signals[f"cpu.{key}"] = value
    for key, value in parse_lscpu(facts.command("lscpu")).items():
        signals[f"lscpu.{key}"] = value
    for path, data in facts.files.items():
        if path.startswith("/sys/class/dmi/id/"):
            signals[f"dmi.{path.rsplit('/', 1)[-1]}"] = data.decode("utf-8", "replace").strip()
    return signals


def _from_entry(layer: str, entry: catalog.Entry, signals: dict[str, str], lang: str = "en") -> Component:
    version = signals.get(entry.version_from) if entry.version_from else None
    return Component(
        layer=layer,
        catalog_id=entry.id,
        vendor=entry.vendor.get(lang) or entry.vendor.get("en"),
        product=entry.name.get(lang) or entry.name.get("en"),
        version=version,
        arch=signals.get("arch"),
        xinchuang=entry.xinchuang,
        evidence=[f"{k}={signals[k]}" for k in entry.match if k in signals],
        rule=f"catalog:{layer}/{entry.id} ({', '.join(entry.match)})",
        confidence="high" if len(entry.match) >= 2 else "medium",
    )


def identify_os(signals: dict[str, str]) -> Component:
    entry = catalog.best_match("os", signals)
    if entry:
        return _from_entry("os", entry, signals)
    name = signals.get("os.PRETTY_NAME") or signals.get("os.NAME")
    if name:
        return Component(
            layer="os",
            product=name,
            version=signals.get("os.VERSION_ID"),
            arch=signals.get("arch"),
            xinchuang=None,
            evidence=[f"os.{k}={signals['os.' + k]}" for k in ("ID", "NAME", "VERSION_ID") if "os." + k in signals],
            rule="os-release (not in catalog)",
            confidence="low",
            reason="os-release names an OS the catalog does not know",
        )
    return Component(layer="os", reason="no os-release or release file was readable")


def identify_cpu(signals: dict[str, str], facts: Facts) -> Component:
    entry = catalog.best_match("cpu", signals)
    model = signals.get("cpu.model name") or signals.get("lscpu.Model name")
    count = count_processors(facts.file("/proc/cpuinfo"))
    if entry:
        comp = _from_entry("cpu", entry, signals)
        comp.version = model
        if count:
            comp.evidence.append(f"processors={count}")
        return comp
    arch = signals.get("arch")
    vendor = signals.get("cpu.vendor_id") or signals.get("lscpu.Vendor ID") or signals.get("cpu.cpu implementer")
    if arch or vendor:
        return Component(
            layer="cpu",
            vendor=vendor,
            product=model,
            arch=arch,
            evidence=[f"{k}={signals[k]}" for k in ("arch", "cpu.vendor_id", "cpu.cpu implementer") if k in signals],
            rule="uname/cpuinfo (not in catalog)",
            confidence="low",
            reason="the catalog does not know this CPU",
        )
    return Component(layer="cpu", reason="neither uname -m nor /proc/cpuinfo was readable")


def identify(facts: Facts) -> dict[str, Component]:
    """Identify the components a host's facts show."""
    signals = signals_from(facts)
    return {"cpu": identify_cpu(signals, facts), "os": identify_os(signals)}
