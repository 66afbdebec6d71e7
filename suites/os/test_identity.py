"""Identity checks: the host's facts agree with each other, and with the stack the inventory declares."""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.identify import Component, declared_matches


@check(
    "XC-OS-010",
    source="uname(2), proc(5) /proc/cpuinfo, os-release(5) and the database's build string, compared",
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="os",
    severity="mandatory",
    title=N_("Host identity is consistent"),
    requirement=N_(
        "uname -m, /proc/cpuinfo, lscpu, the kernel release, the release files and the database build all "
        "name the same architecture."
    ),
    remedy=N_(
        "Find out why the host contradicts itself (a copied os-release, a foreign-architecture database "
        "build, an emulated userland) and certify a host whose identity holds together."
    ),
)
def test_identity_consistent(identity: dict[str, Component], xc: CheckContext) -> None:
    issues: list[str] = []
    for comp in identity.values():
        issues.extend(i for i in comp.issues if i not in issues)
    if issues:
        xc.fail(N_("The host's identity contradicts itself: {issues}"), issues="; ".join(issues))
    arch = identity["cpu"].arch or identity["os"].arch
    if not arch:
        xc.fail(N_("No architecture could be read (uname -m, /proc/cpuinfo)"))
    xc.note(N_("Every source agrees on {arch}"), arch=arch)


@check(
    "XC-OS-011",
    source="the bundle's declaration (xc_os) against harness/catalog/os.yml",
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="os",
    severity="mandatory",
    title=N_("Declared operating system matches detected"),
    requirement=N_("The operating system declared for the host in the inventory (xc_os) is the one detected on it."),
    remedy=N_("Correct xc_os in the inventory, or certify the host the bundle really names."),
    applies_to={"declared.os": ["*"]},
)
def test_os_matches_declared(identity: dict[str, Component], declared: dict[str, str], xc: CheckContext) -> None:
    detected = identity["os"]
    shown = detected.catalog_id or detected.product or "unknown"
    ok, wanted = declared_matches("os", declared["os"], detected)
    if not ok:
        xc.fail(N_("Declared operating system {declared} but detected {detected}"), declared=wanted, detected=shown)
    xc.note(
        N_("Declared and detected operating system agree: {declared} (detected {detected})"),
        declared=wanted,
        detected=shown,
    )
