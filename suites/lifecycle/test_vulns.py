"""Known vulnerabilities, offline: the host's installed packages against the OSV feed given with --vuln-feed."""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.facts.snapshot import Facts
from harness.probes.os_release import parse_os_release
from harness.session import HostSession
from harness.vulns.feed import load_run_feed
from harness.vulns.match import ecosystem_for, find, parse_dpkg, parse_rpm

#: findings quoted in the message; all of them are in the measurement and the evidence
SHOWN = 5


@check(
    "XC-LC-010",
    layer="lifecycle",
    severity="advisory",
    title=N_("No installed package has a known vulnerability in the supplied feed"),
    requirement=N_(
        "No installed package (rpm or dpkg) is at a version an advisory of the supplied OSV feed lists as affected."
    ),
    remedy=N_("Update the packages named to the fixed versions the advisories give, then certify again."),
    source="openEuler ISV technical certification: a CVE scan of the product's packages; OSV schema "
    "https://ossf.github.io/osv-schema/",
    tags=("vulnerability",),
)
def test_no_known_vulnerable_packages(facts: Facts, target: HostSession, xc: CheckContext) -> None:
    feed = load_run_feed(target.evidence.run_dir)
    if feed is None:
        xc.not_applicable(N_("No vulnerability feed was given (xcert certify --vuln-feed FILE)"))
        return
    meta, advisories = feed
    fields = parse_os_release(facts.file("/etc/os-release") or facts.file("/usr/lib/os-release"))
    eco = ecosystem_for(fields)
    if eco is None:
        xc.not_applicable(N_("OSV has no ecosystem for the operating system {id}"), id=fields.get("ID") or "unknown")
        return
    ecosystem, kind = eco
    result = target.probe("packages-rpm" if kind == "rpm" else "packages-dpkg")
    packages = parse_rpm(result.text) if kind == "rpm" else parse_dpkg(result.text)
    if not packages:
        raise RuntimeError(f"the installed package list could not be read ({kind}, exit {result.rc})")
    release = fields.get("VERSION_ID", "").split(".")[0] if ecosystem == "Debian" else fields.get("VERSION_ID", "")
    findings = find(advisories, packages, ecosystem, release, kind)
    xc.measure("packages", len(packages), "count")
    xc.measure("advisories_in_feed", len(advisories), "count")
    xc.measure("findings", len(findings), "count")
    if findings:
        shown = "; ".join(
            f"{f.advisory} [{f.severity}] {f.package} {f.version}" + (f" (fixed {f.fixed})" if f.fixed else "")
            for f in findings[:SHOWN]
        )
        more = len(findings) - SHOWN
        xc.fail(
            N_("{count} vulnerable packages: {findings}{more}"),
            count=len(findings),
            findings=shown,
            more=f" (+{more})" if more > 0 else "",
        )
    xc.note(
        N_("{packages} packages checked against {advisories} advisories of {feed} (sha256 {digest}): none affected"),
        packages=len(packages),
        advisories=len(advisories),
        feed=meta["source"],
        digest=meta["sha256"][:16],
    )
