"""Server firmware and identity records: DMI system, board, BIOS and chassis, boot mode.

On a virtual machine or in a container these describe the hypervisor or the host outside, not a server:
those checks are not applicable there, with the reason, never a pass.
"""

from __future__ import annotations

import re

from harness.checks import N_, CheckContext, check
from harness.probes.hardware import dmi_value, dmidecode_records, key_values, missing_tool, parse_platform
from harness.probes.once import probe
from harness.session import HostSession
from suites.server._common import SRC_DMI, physical


def _dmi(target: HostSession, xc: CheckContext, dmi_type: int, sysfs_keys: dict[str, str]) -> dict[str, str]:
    """One DMI record: dmidecode (with become) fills what sysfs (readable without root) lacks."""
    physical(target, xc)
    sysfs = key_values(probe(target, "srv-dmi-sysfs").text)
    out = {label: sysfs[k].strip() for label, k in sysfs_keys.items() if sysfs.get(k, "").strip()}
    text = probe(target, "srv-dmidecode").text
    if not missing_tool(text):
        records = dmidecode_records(text, dmi_type)
        for label in sysfs_keys:
            v = dmi_value(records, label)
            if v and label not in out:
                out[label] = v
    return out


def _record(xc: CheckContext, what: str, fields: dict[str, str], needed: tuple[str, ...]) -> None:
    absent = [k for k in needed if not fields.get(k)]
    if absent:
        xc.fail(
            N_("{what}: {fields} could not be read (run with become for dmidecode)"),
            what=what,
            fields=", ".join(absent),
        )
    xc.note(N_("{what}: {fields}"), what=what, fields="; ".join(f"{k}={v}" for k, v in fields.items()))


@check(
    "XC-SRV-100",
    layer="server",
    severity="advisory",
    title=N_("Platform kind recorded (physical, virtual machine or container)"),
    requirement=N_(
        "Whether the host is bare metal, a virtual machine or a container is recorded; hardware checks depend on it."
    ),
    remedy=N_("Install systemd-detect-virt (systemd) on the host."),
    source="systemd-detect-virt(1); Linux arch/x86 X86_FEATURE_HYPERVISOR",
    tags=("server", "platform"),
)
def test_platform(target: HostSession, xc: CheckContext) -> None:
    result = probe(target, "srv-platform")
    if not result.text.strip():
        raise RuntimeError("the platform probe printed nothing")
    p = parse_platform(result.text)
    xc.measure("physical", not p.virtual, "bool")
    if p.kind == "container":
        xc.note(N_("Platform: a container ({detail})"), detail=p.detail)
    elif p.kind == "vm":
        xc.note(N_("Platform: a virtual machine ({detail})"), detail=p.detail)
    else:
        xc.note(N_("Platform: bare metal ({detail})"), detail=p.detail)


@check(
    "XC-SRV-101",
    layer="server",
    severity="advisory",
    title=N_("DMI system information recorded"),
    requirement=N_("The system manufacturer and product name (SMBIOS type 1) are recorded."),
    remedy=N_("Run as root (become) so dmidecode can read the SMBIOS tables."),
    source=SRC_DMI,
    tags=("server", "dmi"),
)
def test_dmi_system(target: HostSession, xc: CheckContext) -> None:
    f = _dmi(
        target, xc, 1, {"Manufacturer": "sys_vendor", "Product Name": "product_name", "Version": "product_version"}
    )
    _record(xc, "System", f, ("Manufacturer", "Product Name"))


@check(
    "XC-SRV-102",
    layer="server",
    severity="advisory",
    title=N_("DMI baseboard recorded"),
    requirement=N_("The baseboard manufacturer and product (SMBIOS type 2) are recorded."),
    remedy=N_("Run as root (become) so dmidecode can read the SMBIOS tables."),
    source=SRC_DMI,
    tags=("server", "dmi"),
)
def test_dmi_board(target: HostSession, xc: CheckContext) -> None:
    f = _dmi(target, xc, 2, {"Manufacturer": "board_vendor", "Product Name": "board_name", "Version": "board_version"})
    _record(xc, "Baseboard", f, ("Manufacturer", "Product Name"))


#: SMBIOS 3.x chassis types (DSP0134 7.4.1) a server is built as
SERVER_CHASSIS = {
    "17": "Main Server Chassis",
    "23": "Rack Mount Chassis",
    "25": "Multi-system chassis",
    "28": "Blade",
    "29": "Blade Enclosure",
    "7": "Tower",
}


@check(
    "XC-SRV-103",
    layer="server",
    severity="advisory",
    title=N_("DMI chassis recorded"),
    requirement=N_("The chassis manufacturer and type (SMBIOS type 3) are recorded."),
    remedy=N_("Run as root (become) so dmidecode can read the SMBIOS tables."),
    source=SRC_DMI + " 7.4.1 (chassis types)",
    tags=("server", "dmi"),
)
def test_dmi_chassis(target: HostSession, xc: CheckContext) -> None:
    f = _dmi(target, xc, 3, {"Manufacturer": "chassis_vendor", "Type": "chassis_type"})
    if f.get("Type") in SERVER_CHASSIS:
        f["Type"] = f"{f['Type']} ({SERVER_CHASSIS[f['Type']]})"
    _record(xc, "Chassis", f, ("Manufacturer", "Type"))


@check(
    "XC-SRV-104",
    layer="server",
    severity="advisory",
    title=N_("BIOS/UEFI firmware vendor and version recorded"),
    requirement=N_("The firmware vendor and version (SMBIOS type 0) are recorded."),
    remedy=N_("Run as root (become) so dmidecode can read the SMBIOS tables."),
    source=SRC_DMI,
    tags=("server", "firmware"),
)
def test_bios_version(target: HostSession, xc: CheckContext) -> None:
    f = _dmi(target, xc, 0, {"Vendor": "bios_vendor", "Version": "bios_version"})
    _record(xc, "BIOS", f, ("Vendor", "Version"))


@check(
    "XC-SRV-105",
    layer="server",
    severity="advisory",
    title=N_("BIOS/UEFI firmware release date recorded"),
    requirement=N_(
        "The firmware release date (SMBIOS type 0, MM/DD/YYYY) is recorded, so its age can be judged against the vendor's releases."
    ),
    remedy=N_("Run as root (become) so dmidecode can read the SMBIOS tables."),
    source=SRC_DMI + " 7.1 (BIOS Release Date, mm/dd/yyyy)",
    tags=("server", "firmware"),
)
def test_bios_date(target: HostSession, xc: CheckContext) -> None:
    f = _dmi(target, xc, 0, {"Release Date": "bios_date"})
    date = f.get("Release Date", "")
    m = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", date)
    if not m:
        xc.fail(N_("The firmware release date could not be read (got {date!r})"), date=date)
    xc.note(N_("Firmware released {date}"), date=f"{m.group(3)}-{m.group(1)}-{m.group(2)}")


@check(
    "XC-SRV-106",
    layer="server",
    severity="advisory",
    title=N_("Boot mode (UEFI or legacy BIOS) recorded"),
    requirement=N_(
        "Whether the host booted through UEFI (/sys/firmware/efi) or legacy BIOS, and its Secure Boot state, is recorded."
    ),
    remedy=N_("Nothing to do unless the bundle requires UEFI: then switch the firmware to UEFI boot."),
    source="Linux Documentation/admin-guide/efi-stub.rst and Documentation/ABI/testing/sysfs-firmware-efi",
    tags=("server", "firmware"),
)
def test_boot_mode(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    kv = key_values(probe(target, "srv-boot").text)
    mode = kv.get("mode")
    if mode not in ("uefi", "legacy"):
        raise RuntimeError("the boot probe printed no mode")
    secure = {"1": "on", "0": "off"}.get(kv.get("secureboot", ""), "unknown")
    xc.measure("uefi", mode == "uefi", "bool")
    xc.note(N_("Boot mode {mode}, Secure Boot {secure}"), mode=mode, secure=secure if mode == "uefi" else "n/a")


@check(
    "XC-SRV-107",
    layer="server",
    severity="mandatory",
    title=N_("DMI tables and sysfs agree on the system"),
    requirement=N_("dmidecode's system manufacturer and product name are the ones /sys/class/dmi/id shows."),
    remedy=N_("Update the server's firmware or BMC: its SMBIOS tables contradict themselves."),
    source=SRC_DMI,
    tags=("server", "dmi", "consistency"),
    waivable=False,
)
def test_dmi_consistent(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    sysfs = key_values(probe(target, "srv-dmi-sysfs").text)
    text = probe(target, "srv-dmidecode").text
    if missing_tool(text):
        xc.not_applicable(N_("{tool} is not installed"), tool="dmidecode")
    records = dmidecode_records(text, 1)
    if not records or not sysfs.get("sys_vendor"):
        xc.not_applicable(N_("dmidecode (become) and /sys/class/dmi/id are not both readable"))
    pairs = [("Manufacturer", "sys_vendor"), ("Product Name", "product_name")]
    for label, key in pairs:
        a, b = (dmi_value(records, label) or "").strip(), sysfs.get(key, "").strip()
        if a and b and a != b:
            xc.fail(N_("{field}: dmidecode says {a!r}, sysfs {b!r}"), field=label, a=a, b=b)
    xc.note(
        N_("dmidecode and sysfs agree: {vendor} {product}"),
        vendor=sysfs.get("sys_vendor"),
        product=sysfs.get("product_name", ""),
    )
