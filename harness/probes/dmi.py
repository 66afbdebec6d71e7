"""DMI/SMBIOS: ``dmidecode`` output and the sysfs files under /sys/class/dmi/id/."""

from __future__ import annotations

import re

#: values firmware writes when the vendor left a field empty; they identify nothing
PLACEHOLDERS = re.compile(
    r"^(|to be filled by o\.?e\.?m\.?|default string|not specified|none|system product name|"
    r"system manufacturer|o\.?e\.?m\.?|0+|<out of spec>|unknown|not applicable|n/?a)$",
    re.IGNORECASE,
)

_HANDLE = re.compile(r"^Handle 0x[0-9A-Fa-f]+, DMI type (\d+)")


def meaningful(value: str | None) -> str | None:
    """The value stripped, or None when it is empty or a firmware placeholder."""
    if value is None:
        return None
    value = value.strip()
    return None if PLACEHOLDERS.match(value) else value


def parse_dmidecode(text: str | None) -> dict[int, list[dict[str, str]]]:
    """``dmidecode`` text -> {DMI type: [record fields]}; fields are ``Key: value`` lines.

    >>> parse_dmidecode("Handle 0x0001, DMI type 1, 27 bytes\\nSystem Information\\n\\tManufacturer: Huawei\\n")
    {1: [{'Manufacturer': 'Huawei'}]}
    """
    records: dict[int, list[dict[str, str]]] = {}
    current: dict[str, str] | None = None
    for raw in (text or "").splitlines():
        m = _HANDLE.match(raw)
        if m:
            current = {}
            records.setdefault(int(m.group(1)), []).append(current)
            continue
        if current is None or not raw.startswith(("\t", " ")):
            continue
        key, sep, value = raw.strip().partition(":")
        if sep and key and value.strip():
            current.setdefault(key.strip(), value.strip())
    return records


def dmi_signals(dmidecode: str | None, sysfs: dict[str, str]) -> dict[str, str]:
    """One flat view of the system (type 1), board (type 2) and processor (type 4) records.

    sysfs names win where both exist (readable without root); dmidecode fills the gaps and
    alone gives the processor record (Phytium and Zhaoxin put their product name there).
    """
    out: dict[str, str] = {}
    for name, value in sysfs.items():
        v = meaningful(value)
        if v:
            out[name] = v
    records = parse_dmidecode(dmidecode)
    fill = {
        1: {
            "Manufacturer": "sys_vendor",
            "Product Name": "product_name",
            "Version": "product_version",
            "Family": "product_family",
        },
        2: {"Manufacturer": "board_vendor", "Product Name": "board_name"},
        0: {"Vendor": "bios_vendor", "Version": "bios_version"},
    }
    for dmi_type, keys in fill.items():
        for record in records.get(dmi_type, [])[:1]:
            for key, name in keys.items():
                v = meaningful(record.get(key))
                if v and name not in out:
                    out[name] = v
    for record in records.get(4, []):
        if meaningful(record.get("Version")) or meaningful(record.get("Manufacturer")):
            for key in ("Manufacturer", "Version", "Family", "Core Count", "Thread Count", "Socket Designation"):
                v = meaningful(record.get(key))
                if v:
                    out[f"processor.{key.lower().replace(' ', '_')}"] = v
            sockets = sum(1 for r in records[4] if meaningful(r.get("Version")))
            out["processor.sockets"] = str(sockets)
            break
    return out
