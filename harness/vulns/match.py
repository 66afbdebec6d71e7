"""Installed packages against advisories, with the distributions' own version ordering (univers:
DebianVersion follows dpkg's algorithm, RpmVersion rpm's ``rpmvercmp``), never string comparison."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from harness.vulns.feed import Advisory

#: os-release ID (and ID_LIKE) -> (OSV ecosystem, package format). Ecosystem names are OSV's
#: (https://ossf.github.io/osv-schema/#affectedpackage-field).
ECOSYSTEMS: dict[str, tuple[str, str]] = {
    "debian": ("Debian", "dpkg"),
    "ubuntu": ("Ubuntu", "dpkg"),
    "openeuler": ("openEuler", "rpm"),
    "rhel": ("Red Hat", "rpm"),
    "almalinux": ("AlmaLinux", "rpm"),
    "rocky": ("Rocky Linux", "rpm"),
    "opensuse-leap": ("openSUSE", "rpm"),
}


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    #: the source package (Debian and openEuler advisories name source packages)
    source: str
    source_version: str


@dataclass(frozen=True)
class Finding:
    advisory: str
    aliases: tuple[str, ...]
    severity: str
    package: str
    version: str
    fixed: str
    summary: str


def parse_dpkg(text: str) -> list[Package]:
    """``dpkg-query -W -f '${binary:Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\n'``."""
    out = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0] or not parts[1]:
            continue
        name = parts[0].split(":", 1)[0]  # libc6:amd64
        source = parts[2] if len(parts) > 2 and parts[2] else name
        source_version = parts[3] if len(parts) > 3 and parts[3] else parts[1]
        out.append(Package(name, parts[1], source, source_version))
    return out


def parse_rpm(text: str) -> list[Package]:
    """``rpm -qa --qf '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{SOURCERPM}\\n'``."""
    out = []
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0] or not parts[1]:
            continue
        version = parts[1][2:] if parts[1].startswith("0:") else parts[1]
        source = parts[0]
        srpm = parts[2] if len(parts) > 2 else ""
        if srpm.endswith(".src.rpm") and srpm.count("-") >= 2:
            source = srpm[: -len(".src.rpm")].rsplit("-", 2)[0]
        out.append(Package(parts[0], version, source, version))
    return out


def _key(kind: str, version: str) -> object:
    from univers.versions import DebianVersion, RpmVersion

    return DebianVersion(version) if kind == "dpkg" else RpmVersion(version)


def affected(advisory: Advisory, version: str, kind: str) -> tuple[bool, str]:
    """(affected?, the fixed version when known)."""
    if version in advisory.versions:
        return True, ""
    have = _key(kind, version)
    for introduced, fixed, last in advisory.ranges:
        low_ok = introduced == "0" or _key(kind, introduced) <= have  # type: ignore[operator]
        if not low_ok:
            continue
        if fixed and have < _key(kind, fixed):  # type: ignore[operator]
            return True, fixed
        if last and have <= _key(kind, last):  # type: ignore[operator]
            return True, ""
        if not fixed and not last:
            return True, ""
    return False, ""


def release_matches(advisory: Advisory, release: str) -> bool:
    """An advisory for ``Debian:12`` applies to Debian 12; one without a release to every release.
    openEuler's ``22.03-LTS-SP1`` is matched by its prefix against the host's VERSION_ID (22.03)."""
    if not advisory.release or not release:
        return True
    return (
        advisory.release == release
        or advisory.release.startswith(release + "-")
        or advisory.release.startswith(release + ":")
    )


def find(
    advisories: Iterable[Advisory], packages: Iterable[Package], ecosystem: str, release: str, kind: str
) -> list[Finding]:
    by_name: dict[str, list[Package]] = {}
    for pkg in packages:
        by_name.setdefault(pkg.source, []).append(pkg)
        if pkg.name != pkg.source:
            by_name.setdefault(pkg.name, []).append(pkg)
    seen: set[tuple[str, str]] = set()
    out = []
    for adv in advisories:
        if adv.ecosystem_base != ecosystem or not release_matches(adv, release):
            continue
        for pkg in by_name.get(adv.package, []):
            version = pkg.source_version if adv.package == pkg.source else pkg.version
            try:
                hit, fixed = affected(adv, version, kind)
            except ValueError:  # a version string the distribution's ordering cannot read (InvalidVersion)
                continue
            if hit and (adv.id, pkg.name) not in seen:
                seen.add((adv.id, pkg.name))
                out.append(Finding(adv.id, adv.aliases, adv.severity, pkg.name, pkg.version, fixed, adv.summary))
    return sorted(out, key=lambda f: (_rank(f.severity), f.advisory, f.package))


def _rank(severity: str) -> int:
    order = ("CRITICAL", "HIGH", "MODERATE", "MEDIUM", "IMPORTANT", "LOW")
    return next((i for i, s in enumerate(order) if severity.startswith(s)), len(order))


def ecosystem_for(os_release: Mapping[str, str]) -> tuple[str, str] | None:
    ids = [os_release.get("ID", "").lower(), *os_release.get("ID_LIKE", "").lower().split()]
    return next((ECOSYSTEMS[i] for i in ids if i in ECOSYSTEMS), None)
