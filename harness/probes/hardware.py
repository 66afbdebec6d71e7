"""Server hardware probes (SERVER_PROBES): platform kind, DMI, memory, errors, storage, network, PCI, TPM.

Pure parsers of the probes' text; the checks in suites/server/ decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from harness.probes.dmi import meaningful, parse_dmidecode

NOT_INSTALLED = re.compile(r"^(\S+): not installed$", re.MULTILINE)


def key_values(text: str | None, sep: str = "=") -> dict[str, str]:
    """``key=value`` lines -> dict (the first occurrence of a key wins)."""
    out: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, s, value = line.partition(sep)
        if s and key.strip() and key.strip() not in out:
            out[key.strip()] = value.strip()
    return out


def missing_tool(text: str | None) -> str | None:
    """The tool a probe reported as not installed, or None."""
    m = NOT_INSTALLED.search(text or "")
    return m.group(1) if m else None


@dataclass(frozen=True)
class Platform:
    kind: str  # "physical", "vm" or "container"
    detail: str

    @property
    def virtual(self) -> bool:
        return self.kind != "physical"


def parse_platform(text: str | None) -> Platform:
    """``srv-platform`` -> what the host is; a container or VM has no firmware or hardware of its own."""
    kv = key_values(text)
    container = kv.get("container", "")
    if container and container != "none":
        return Platform("container", container)
    for marker, name in (("dockerenv", "docker"), ("containerenv", "podman")):
        if kv.get(marker) == "yes":
            return Platform("container", name)
    vm = kv.get("vm", "")
    if vm and vm != "none":
        return Platform("vm", vm)
    if kv.get("hypervisor") == "yes":
        return Platform("vm", "hypervisor flag")
    return Platform("physical", "bare metal")


def dmidecode_records(text: str | None, dmi_type: int) -> list[dict[str, str]]:
    return parse_dmidecode(text).get(dmi_type, [])


def dmi_value(records: list[dict[str, str]], key: str) -> str | None:
    return meaningful(records[0].get(key)) if records else None


@dataclass(frozen=True)
class Dimm:
    locator: str
    size: str
    type: str
    speed: str
    configured_speed: str
    total_width: str
    data_width: str


def parse_dimms(text: str | None) -> list[Dimm]:
    """Populated memory devices (DMI type 17); empty slots are left out."""
    out = []
    for r in dmidecode_records(text, 17):
        size = r.get("Size", "")
        if not size or size.lower().startswith(("no module", "not installed", "0 ")) or size == "0":
            continue
        out.append(
            Dimm(
                locator=r.get("Locator", "?"),
                size=size,
                type=r.get("Type", "Unknown"),
                speed=r.get("Speed", "Unknown"),
                configured_speed=r.get("Configured Memory Speed", r.get("Configured Clock Speed", "Unknown")),
                total_width=r.get("Total Width", ""),
                data_width=r.get("Data Width", ""),
            )
        )
    return out


def ecc_state(text: str | None) -> tuple[bool | None, str]:
    """(ECC enabled?, how it is known): DMI type 16 Error Correction Type, else type 17 widths.

    SMBIOS (DSP0134) type 17 Total Width includes error-correction bits: 72 of 64 data bits is ECC.
    """
    arrays = [r for r in dmidecode_records(text, 16) if "system memory" in r.get("Use", "System Memory").lower()]
    for r in arrays:
        ecc = r.get("Error Correction Type")
        if ecc and ecc.lower() not in ("unknown", "other"):
            return ecc.lower() != "none", f"type 16 Error Correction Type: {ecc}"
    for d in parse_dimms(text):
        t, w = _bits(d.total_width), _bits(d.data_width)
        if t and w:
            return t > w, f"type 17 {d.locator}: Total Width {d.total_width}, Data Width {d.data_width}"
    return None, "no DMI type 16 or 17 data"


def _bits(value: str) -> int | None:
    m = re.match(r"(\d+)\s*bits", value or "")
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class EdacController:
    name: str
    ce: int
    ue: int
    driver: str


def parse_edac(text: str | None) -> list[EdacController] | None:
    """``srv-edac`` -> memory controllers with corrected/uncorrected counts; None when EDAC is absent."""
    if "edac: absent" in (text or ""):
        return None
    out = []
    for line in (text or "").splitlines():
        m = re.match(r"^(mc\d+) ce=(\d+) ue=(\d+)(?: name=(.*))?$", line.strip())
        if m:
            out.append(EdacController(m.group(1), int(m.group(2)), int(m.group(3)), (m.group(4) or "").strip()))
    return out


def parse_mce(text: str | None) -> tuple[str, list[str]]:
    """``srv-mce`` -> (where the kernel log was read from, machine-check lines since boot)."""
    lines = (text or "").splitlines()
    source = lines[0].removeprefix("source=") if lines and lines[0].startswith("source=") else "none"
    return source, [ln for ln in lines[1:] if ln.strip()]


def parse_lsblk_pairs(text: str | None) -> list[dict[str, str]]:
    """``lsblk -P`` lines -> one dict per device."""
    out = []
    for line in (text or "").splitlines():
        pairs = dict(re.findall(r'([A-Z]+)="([^"]*)"', line))
        if pairs:
            out.append({k: v.strip() for k, v in pairs.items()})
    return out


def parse_smart(text: str | None) -> dict[str, dict[str, str]]:
    """``srv-smart`` -> {device: {health, model, firmware}}."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in (text or "").splitlines():
        if line.startswith("== "):
            current = out.setdefault(line[3:].strip(), {})
            continue
        if current is None:
            continue
        key, _, value = line.partition(":")
        value = value.strip()
        k = key.strip().lower()
        if "overall-health" in k or "smart health status" in k:
            current["health"] = value
        elif k in ("device model", "model number", "product"):
            current["model"] = value
        elif k in ("firmware version", "revision"):
            current["firmware"] = value
        elif "unavailable" in line.lower() or "not supported" in line.lower() or "unable to detect" in line.lower():
            current.setdefault("health", "unavailable")
    return out


def pipe_records(text: str | None) -> list[dict[str, str]]:
    """``name|key=value|key=value`` lines -> dicts with ``name``."""
    out = []
    for line in (text or "").splitlines():
        parts = line.strip().split("|")
        if len(parts) < 2 or "=" in parts[0]:
            continue
        rec = {"name": parts[0]}
        for part in parts[1:]:
            k, _, v = part.partition("=")
            rec[k] = v.strip()
        out.append(rec)
    return out


@dataclass
class Bond:
    name: str
    mode: str = ""
    status: str = ""
    slaves: dict[str, str] = field(default_factory=dict)


def parse_bonding(text: str | None) -> list[Bond]:
    """``/proc/net/bonding/*`` -> bonds, their MII status and each slave's."""
    bonds: list[Bond] = []
    slave: str | None = None
    for line in (text or "").splitlines():
        if line.startswith("== "):
            bonds.append(Bond(line[3:].strip()))
            slave = None
            continue
        if not bonds:
            continue
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "Bonding Mode":
            bonds[-1].mode = value
        elif key == "Slave Interface":
            slave = value
        elif key == "MII Status":
            if slave is None:
                bonds[-1].status = value
            else:
                bonds[-1].slaves[slave] = value
    return bonds


@dataclass(frozen=True)
class PciDevice:
    slot: str
    vendor: str
    device: str
    pci_class: str
    driver: str


def parse_pci(text: str | None) -> list[PciDevice]:
    out = []
    for line in (text or "").splitlines():
        m = re.match(
            r"^(\S+) vendor=0x([0-9a-fA-F]{4}) device=0x([0-9a-fA-F]{4}) class=0x([0-9a-fA-F]{6}) driver=(\S*)", line
        )
        if m:
            out.append(PciDevice(m.group(1), m.group(2).lower(), m.group(3).lower(), m.group(4).lower(), m.group(5)))
    return out


def parse_mdstat(text: str | None) -> tuple[dict[str, str], list[str]]:
    """``srv-raid`` -> ({md array: member state like [UU] or [U_]}, RAID/SAS controllers from lspci)."""
    arrays: dict[str, str] = {}
    controllers: list[str] = []
    section = ""
    name = ""
    for line in (text or "").splitlines():
        if line.startswith("== "):
            section = line[3:].strip()
            continue
        if section == "mdstat":
            m = re.match(r"^(md\S*) : (\S+)", line)
            if m:
                name = m.group(1)
                arrays[name] = m.group(2)
            s = re.search(r"\[([U_]+)\]\s*$", line)
            if s and name:
                arrays[name] = s.group(1)
        elif section == "pci" and line.strip():
            controllers.append(line.strip())
    return arrays, controllers
