"""What the server checks share: their sources, and the rule that hardware checks need a physical host."""

from __future__ import annotations

from harness.checks import N_, CheckContext
from harness.probes.hardware import Platform, parse_platform
from harness.probes.once import probe
from harness.session import HostSession

SRC_DMI = "DMTF SMBIOS Reference Specification DSP0134 (types 0-3); Linux Documentation/ABI/testing/sysfs-firmware-dmi (/sys/class/dmi/id)"
SRC_OEC = "openeuler-mirror/oec-hardware tests (server compatibility: system, ipmi, memory, disk, raid, network, kdump, watchdog)"


def physical(target: HostSession, xc: CheckContext) -> Platform:
    """Not applicable unless the host is a physical machine (a VM or container has no server hardware of its own)."""
    platform = parse_platform(probe(target, "srv-platform").text)
    if platform.kind == "container":
        xc.not_applicable(
            N_("This host is a container ({detail}): it has no server hardware of its own"), detail=platform.detail
        )
    if platform.kind == "vm":
        xc.not_applicable(
            N_("This host is a virtual machine ({detail}): it has no server hardware of its own"),
            detail=platform.detail,
        )
    return platform
