"""Public testinfra suites from Ansible roles' Molecule scenarios, run unmodified with ``--suite``
against a real lab host over SSH (tests/data/usersuites/SOURCES.md names each file's source and licence).

Their expectations are made true and false on the lab host: ``/tmp/hello-world.txt`` is created for the
first run and removed for the second; rsyslog and Prometheus are not installed on this machine, so those
tests fail with testinfra's own assertion explanation; the files Prometheus's role must remove are absent,
so those pass. Every user check is advisory: the built-in checks alone decide the verdict, and all of them
are decided although one of the user's files does not load.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, xcert
from tests.integration.lab_fixture import Lab, host_of, lab_session, results

pytestmark = pytest.mark.integration

DATA = ROOT / "tests" / "data" / "usersuites"
HELLO = Path("/tmp/hello-world.txt")  # what ckaserer/ansible-role-example's test looks for
OWN = '''
import os


def test_runs_on_the_lab_host(host):
    assert host.check_output("hostname") == "instance"  # Molecule's template expects its instance name


def test_inventory_names_the_host(host):
    import testinfra.utils.ansible_runner

    runner = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"])
    assert runner.get_hosts("all") == [host.check_output("hostname")]


def test_ansible_reaches_the_host(host):
    assert host.ansible.get_variables()["inventory_hostname"] == "lab1"
    assert host.ansible("setup")["ansible_facts"]["ansible_hostname"] == "lab1"
'''


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "1")


def _certify(lab: Lab, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert lab.inventory is not None
    return xcert("certify", "-i", str(lab.inventory), "--no-provision", "--out", str(out), *args, env=lab.env, timeout=600)


@pytest.fixture(scope="module")
def runs(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("usersuites-lab")
    own = tmp / "own"
    own.mkdir()
    (own / "test_own.py").write_text(OWN, encoding="utf-8")
    (own / "test_broken.py").write_text("import os\nX = os.environ['MOLECULE_NO_SUCH_VARIABLE']\n", encoding="utf-8")
    suites = [DATA / n for n in ("ckaserer-example", "crgwilson-rsyslog", "cloudalchemy-prometheus", "blunix-apache2")]
    args = [a for s in [*suites, own] for a in ("--suite", str(s))]
    HELLO.write_text("hello from xcert's user suite test\n", encoding="utf-8")
    try:
        first = _certify(lab, tmp / "present", *args)
        HELLO.unlink()
        second = _certify(lab, tmp / "absent", "--suite", str(suites[0]), "-k", "hello_world")
    finally:
        HELLO.unlink(missing_ok=True)
    yield {"first": first, "second": second, "present": tmp / "present", "absent": tmp / "absent"}


def _checks(out: Path) -> dict[str, dict[str, Any]]:
    host = host_of(results(out), "lab1")
    return {f"{c['id']}[{c['subject']}]" if c["subject"] else c["id"]: c for c in host["checks"]}


def _evidence(out: Path, check: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads((out / ref).read_text(encoding="utf-8")) for ref in check["evidence"]]


def test_a_file_the_test_expects_passes_when_present_and_fails_when_absent(runs: dict[str, Any]) -> None:
    assert runs["first"].returncode in (0, 1, 2), runs["first"].stderr[-3000:]
    present = _checks(runs["present"])["USER-default-hello-world-file"]
    assert present["outcome"] == "pass" and present["layer"] == "user" and present["severity"] == "advisory"
    commands = [e for e in _evidence(runs["present"], present) if e.get("kind") == "command"]
    assert any(e["command"] == "test -e /tmp/hello-world.txt" and e["rc"] == 0 for e in commands), commands
    absent = _checks(runs["absent"])["USER-default-hello-world-file"]
    assert absent["outcome"] == "fail"
    assert absent["message"].startswith("assert False") and "<file /tmp/hello-world.txt>.exists" in absent["message"]
    commands = [e for e in _evidence(runs["absent"], absent) if e.get("kind") == "command"]
    assert any(e["command"] == "test -e /tmp/hello-world.txt" and e["rc"] == 1 for e in commands), commands
    # -k picked the user check; the built-ins are recorded as not selected
    others = [c for c in _checks(runs["absent"]).values() if c["id"].startswith("XC-")]
    assert others and all(c["outcome"] == "skipped" for c in others)


def test_packages_and_files_the_roles_install_are_missing_here(runs: dict[str, Any]) -> None:
    checks = _checks(runs["present"])
    rsyslog = checks["USER-default-default-packages"]
    assert rsyslog["outcome"] == "fail" and "<package rsyslog>.is_installed" in rsyslog["message"]
    # File.contains() greps a file that is not there: testinfra's own run_expect raises (grep exits 2), before
    # the test's assert is reached: an error, not a verdict
    config = checks["USER-default-default-config"]
    assert config["outcome"] == "error" and "Unexpected exit code 2" in config["message"]
    assert config["message"].startswith("UserSuiteError: an assert in testinfra."), config["message"]
    for d in ("/etc/prometheus", "/etc/prometheus/rules", "/var/lib/prometheus"):
        row = checks[f"USER-default-directories[{d}]"]
        assert row["outcome"] == "fail" and f"<file {d}>.is_directory" in row["message"]
    assert checks["USER-default-files[/usr/local/bin/promtool]"]["outcome"] == "fail"
    for f in ("/etc/prometheus/rules/ansible_managed.rules", "/opt/prometheus"):
        assert checks[f"USER-default-absent[{f}]"]["outcome"] == "pass"  # the role must remove them: absent here
    assert checks["USER-default-socket"]["outcome"] == "fail"
    service = checks["USER-default-service"]
    assert service["outcome"] == "fail" and "<service prometheus>.is_enabled" in service["message"]
    version = checks["USER-default-version"]
    assert version["outcome"] == "fail" and "prometheus, version 2.3.0" in version["message"]
    assert checks["USER-module-pkg-management-module-package-absent"]["outcome"] == "pass"
    assert checks["USER-module-pkg-management-module-package-present"]["outcome"] == "pass"


def test_the_tests_ran_on_the_lab_host_through_the_molecule_inventory(runs: dict[str, Any], lab: Lab) -> None:
    checks = _checks(runs["present"])
    hostname = checks["USER-own-runs-on-the-lab-host"]
    assert hostname["outcome"] == "fail" and "'lab1' == 'instance'" in hostname["message"].replace('"', "'")
    assert checks["USER-own-inventory-names-the-host"]["outcome"] == "pass"
    # host.ansible runs Ansible through that inventory, against the lab host; its result is evidence
    ansible = checks["USER-own-ansible-reaches-the-host"]
    assert ansible["outcome"] == "pass", ansible["message"]
    docs = [e for e in _evidence(runs["present"], ansible) if e.get("module") == "setup"]
    assert docs and docs[0]["result"]["ansible_facts"]["ansible_hostname"] == "lab1"
    inventory = runs["present"] / "usersuites" / ".molecule" / "lab1" / "inventory.yml"
    text = inventory.read_text(encoding="utf-8")
    assert oct(inventory.stat().st_mode & 0o777) == "0o600"
    assert lab.host("lab1")["address"] in text and "ansible_connection: !unsafe 'ssh'" in text
    assert "password" not in text


def test_a_file_that_does_not_load_is_a_row_and_every_builtin_is_decided(runs: dict[str, Any]) -> None:
    host = host_of(results(runs["present"]), "lab1")
    checks = _checks(runs["present"])
    broken = checks["USER-IMPORT[own/test_broken.py]"]
    assert broken["outcome"] == "error" and "KeyError: 'MOLECULE_NO_SUCH_VARIABLE'" in broken["message"]
    assert host["undecided"] == []
    builtins = [c for c in host["checks"] if c["id"].startswith("XC-")]
    assert len(builtins) > 40 and not any(c["id"].endswith("-000") for c in builtins)
    # advisory user checks never decide the verdict: the built-ins alone do
    mandatory = [c for c in host["checks"] if c["severity"] == "mandatory"]
    assert all(c["id"].startswith("XC-") for c in mandatory)
    html = (runs["present"] / "report.html").read_text(encoding="utf-8")
    assert "<h4>User checks</h4>" in html and "USER-default-hello-world-file" in html
