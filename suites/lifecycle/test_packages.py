"""Lifecycle: the packages a service declares install and uninstall with exit 0.

Source: openEuler ISV technical certification test rules (install and uninstall of the product's packages
exit 0). Runs in the full profile on lab hosts; elsewhere only where the declaration opts in
(``install_test: true``), since it installs and removes packages on the host.
"""

from __future__ import annotations

from dataclasses import asdict

from harness.checks import N_, CheckContext, check
from harness.lifecycle.packages import install_and_remove
from harness.lifecycle.service import Service
from harness.session import HostSession

OPENEULER_ISV = (
    "openEuler ISV technical certification test rules (openEuler community, oec/compatibility "
    "certification: install and uninstall exit 0)"
)


@check(
    "XC-LC-009",
    layer="lifecycle",
    severity="mandatory",
    title=N_("Declared packages install and uninstall cleanly"),
    requirement=N_(
        "Every package a declared service ships (its packages) installs and uninstalls with exit 0, and is seen "
        "installed after the install and gone after the uninstall."
    ),
    remedy=N_("Fix the package's dependencies and maintainer scripts (see the commands' output in the evidence)."),
    profiles=("full", "disruptive"),
    source=OPENEULER_ISV,
    tags=("lifecycle", "packages"),
    timeout_s=1800,
)
def test_packages_install_and_uninstall(target: HostSession, xc: CheckContext) -> None:
    spec = target.spec
    declared = [Service(d) for d in getattr(spec, "services", ()) or () if d.get("packages")]
    if not declared:
        xc.not_applicable(N_("No service of this host declares packages (xc_services packages)"))
        return
    chosen = [s for s in declared if getattr(spec, "lab", False) or s.decl.get("install_test")]
    if not chosen:
        xc.not_applicable(
            N_("Installing packages on a host outside the lab is opt-in: set install_test: true on the service")
        )
        return
    problems: list[str] = []
    skipped: list[str] = []
    installed = 0
    for svc in chosen:
        root = svc.decl.get("package_root")
        run = install_and_remove(target, svc.name, [str(p) for p in svc.decl["packages"]], str(root) if root else None)
        xc.link(target.evidence.document(f"packages-{svc.name}", {"steps": [asdict(s) for s in run.steps]}))
        problems += run.problems
        skipped += run.skipped
        installed += len(run.installed)
    xc.measure("packages_installed_and_removed", installed, "count")
    if problems:
        xc.fail(N_("Package install or uninstall failed: {problems}"), problems="; ".join(problems + skipped))
    if skipped and not installed:
        xc.not_applicable(N_("No declared package could be tested: {reasons}"), reasons="; ".join(skipped))
    if skipped:
        raise RuntimeError("not every declared package could be tested: " + "; ".join(skipped))
    xc.note(N_("{count} declared packages installed and uninstalled cleanly"), count=installed)
