"""docs/CHECKS.md from the host checks' own metadata: ``python -m tests.unit.suites.hostchecks_doc``."""

from __future__ import annotations

import sys

from tests.unit.suites.test_hostcheck_metadata import host_checks

GROUPS = (
    ("cpu-abi", "CPU and ABI"),
    ("pagesize", "Page size and binaries"),
    ("exec-control", "Execution control and integrity"),
    ("sm-crypto", "National cryptography (SM2/SM3/SM4)"),
    ("db-prereq", "Database prerequisites"),
    ("platform", "Platform services"),
    ("mlps", "MLPS 2.0 security baseline (GB/T 22239-2019 level 3)"),
)

INTRO = """# Host checks (issue 15)

What breaks software on Xinchuang hosts, checked on the host itself. Each check's requirement comes from
the source named here (also in its `source=` metadata and in the test plan of every run); thresholds for
database prerequisites and the per-release data (page size, kernel series, ISO architectures, LoongArch ABI
world, package manager) live in `harness/catalog/requirements.yml`, each entry with its source. Where no
source gives a number, the check records the fact and passes only if it could be read; a fact that cannot
be had is `error` (the message says which) or `not_applicable` (with the reason), never a pass.

Every check carries its group's tag (`cpu-abi`, `pagesize`, `exec-control`, `sm-crypto`, `db-prereq`,
`platform`, `mlps`) in its metadata and in each run's test plan, so reports can group and select by it.
Running one group alone (e.g. only `mlps`) needs tag selection in `xcert certify`, which is not there yet:
pytest's own `-m` cannot be used, because a check it deselects is never decided (the run is INCOMPLETE).
Database prerequisites apply when the host declares a database (`xc_db`) and judge against that product's
guide (openGauss, OceanBase, DM8, KingbaseES, GBase 8a/8s); for a product whose guide gives no value the
fact is recorded. Checks marked *full* run only in the full (and disruptive) profile.

Probes are the named commands in `HOST_PROBES` (harness/facts/manifest.py); a snapshot can carry their
output as `commands/<probe>.txt`. A probe whose tool is absent prints `xcert-missing: <tool>`.
Regenerate this page with `python -m tests.unit.suites.hostchecks_doc > docs/CHECKS.md` (a test compares).
"""


def render() -> str:
    metas = sorted(host_checks(), key=lambda m: (m.layer, int(m.id.split("-")[2])))
    out = [INTRO]
    for tag, title in GROUPS:
        # a check in two groups (SELinux for the database) is listed under its more specific one
        rows = [m for m in metas if tag in m.tags and not (tag == "exec-control" and "db-prereq" in m.tags)]
        out.append(f"## {title} ({len(rows)})\n")
        out.append("| id | severity | profiles | title | applies to | source |")
        out.append("|---|---|---|---|---|---|")
        for m in rows:
            profiles = "quick, full" if "quick" in m.profiles else "full"
            applies = "; ".join(f"{k}: {', '.join(v)}" for k, v in m.applies_to.items()) or "all"
            source = m.source.replace("|", "\\|")
            out.append(f"| {m.id} | {m.severity} | {profiles} | {m.title} | {applies} | {source} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
