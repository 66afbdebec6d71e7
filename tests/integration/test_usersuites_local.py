"""``xcert certify --suite DIR`` through the real command line and worker, on this machine (local://).

A small built-in suite (XCERT_SUITES) keeps it fast; the user suite holds every kind of outcome, files
that do not load, a declared mandatory check and a misuse of an XC- id.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from harness.errors import InputError
from harness.usersuite.stage import MAX_FILES, validate
from tests.conftest import xcert

pytestmark = pytest.mark.integration

BUILTIN = """
from harness.checks import N_, check

@check("XC-OS-961", layer="os", severity="mandatory", title=N_("t"), requirement=N_("r"), remedy=N_("m"))
def test_good(target, xc):
    target.run("true")
"""

USER_TESTS = '''
import os
import shutil
import pytest
import testinfra.utils.ansible_runner

from harness.usersuite import check

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(
    os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("all")


def test_root_exists(host):
    """root is a user."""
    assert host.user("root").exists


def test_no_such_file(host):
    assert host.file("/nonexistent-xcert-usersuite").exists


def test_raises(host):
    host.run("true")
    raise RuntimeError("boom from the user test")


@pytest.mark.slow
def test_skips(host):
    pytest.skip("not today")


@pytest.mark.parametrize("path", ["/etc", "/nonexistent-xcert-dir"])
def test_dirs(host, path):
    assert host.file(path).is_directory


@check("ACME-BASE-001", severity="mandatory", title="sh exists")
def test_sh(host):
    assert host.file("/bin/sh").exists


def _expect(f):
    assert f.exists


def test_helper_asserts(host):
    _expect(host.file("/nonexistent-xcert-helper"))


def test_molecule_env(host):
    assert os.environ["MOLECULE_SCENARIO_NAME"] == "default"
    assert host.run("true").rc == 0
'''

OVERRIDE = '''
import pytest
import testinfra


@pytest.fixture
def host():
    return testinfra.get_host("local://")


def test_own_host(host):
    assert host.run("true").rc == 0
'''

MISUSE = '''
from harness.checks import N_, check

@check("XC-OS-962", layer="os", severity="mandatory", title=N_("t"), requirement=N_("r"), remedy=N_("m"))
def test_pretends(host):
    assert host.run("true").rc == 0
'''


def _suite(tmp_path: Path) -> tuple[Path, Path]:
    builtin = tmp_path / "suites"
    (builtin / "os").mkdir(parents=True)
    (builtin / "os" / "test_good.py").write_text(BUILTIN, encoding="utf-8")
    user = tmp_path / "role" / "molecule" / "default" / "tests"
    user.mkdir(parents=True)
    (user / "test_default.py").write_text(USER_TESTS, encoding="utf-8")
    (user / "test_syntax.py").write_text("def test_x(:\n    pass\n", encoding="utf-8")
    (user / "test_missing.py").write_text("import no_such_module_xcert_user\n", encoding="utf-8")
    (user / "test_env.py").write_text("import os\nX = os.environ['NO_SUCH_VARIABLE_XCERT']\n", encoding="utf-8")
    (user / "test_misuse.py").write_text(MISUSE, encoding="utf-8")
    (user / "test_override.py").write_text(OVERRIDE, encoding="utf-8")
    (user / "helpers.py").write_text("ROOT_FILE = '/etc/passwd'\n", encoding="utf-8")
    (user / "test_helper_module.py").write_text(
        "from helpers import ROOT_FILE\n\n\ndef test_uses_helper(host):\n    assert host.file(ROOT_FILE).exists\n",
        encoding="utf-8",
    )
    return builtin, user


def _run(tmp_path: Path, *args: str, name: str = "run") -> tuple[Any, dict[str, Any], Path]:
    builtin, user = tmp_path / "suites", tmp_path / "role" / "molecule" / "default" / "tests"
    out = tmp_path / name
    proc = xcert("certify", "--suite", str(user), "--out", str(out), "--format", "json,junit,html", *args,
                 env={"XCERT_SUITES": str(builtin)}, timeout=180)
    results = json.loads((out / "results.json").read_text(encoding="utf-8")) if (out / "results.json").exists() else {}
    return proc, results, out


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any], Path, Path]:
    tmp = tmp_path_factory.mktemp("usersuite")
    _suite(tmp)
    proc, results, out = _run(tmp)
    return proc, results, out, tmp


def _rows(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{c['id']}[{c['subject']}]" if c["subject"] else c["id"]: c for c in results["hosts"][0]["checks"]}


def test_outcomes_of_user_tests(run: tuple[Any, dict[str, Any], Path, Path]) -> None:
    proc, results, _, _ = run
    assert proc.returncode == 0, proc.stderr[-3000:]  # only advisory user checks failed: still CERTIFIED
    rows = _rows(results)
    assert rows["XC-OS-961"]["outcome"] == "pass"
    assert rows["USER-default-root-exists"]["outcome"] == "pass"
    assert rows["USER-default-root-exists"]["title"] == "root is a user."
    failed = rows["USER-default-no-such-file"]
    assert failed["outcome"] == "fail" and failed["severity"] == "advisory" and failed["layer"] == "user"
    assert "assert False" in failed["message"] and "/nonexistent-xcert-usersuite" in failed["message"]  # pytest's explanation
    assert failed["evidence"], "the command the test ran is evidence"
    raised = rows["USER-default-raises"]
    assert raised["outcome"] == "error" and "RuntimeError: boom from the user test" in raised["message"]
    assert rows["USER-default-skips"]["outcome"] == "skipped" and "not today" in rows["USER-default-skips"]["message"]
    assert rows["USER-default-dirs[/etc]"]["outcome"] == "pass"
    assert rows["USER-default-dirs[/nonexistent-xcert-dir]"]["outcome"] == "fail"
    sh = rows["ACME-BASE-001"]
    assert (sh["outcome"], sh["severity"], sh["title"]) == ("pass", "mandatory", "sh exists")
    assert rows["USER-default-molecule-env"]["outcome"] == "pass"
    assert rows["USER-helper-module-uses-helper"]["outcome"] == "pass"  # a helper module beside the test
    helper = rows["USER-default-helper-asserts"]  # only the test's own assert is a verdict
    assert helper["outcome"] == "error" and "not in the test itself: assert False" in helper["message"], helper
    assert results["hosts"][0]["verdict"] == "CERTIFIED" and results["hosts"][0]["undecided"] == []


def test_files_that_do_not_load_are_error_rows_naming_file_and_exception(run: tuple[Any, dict[str, Any], Path, Path]) -> None:
    _, results, _, _ = run
    rows = _rows(results)
    label = "role-default"
    syntax = rows[f"USER-IMPORT[{label}/test_syntax.py]"]
    assert syntax["outcome"] == "error" and syntax["severity"] == "advisory" and "SyntaxError" in syntax["message"]
    assert syntax["message"].startswith(f"{label}/test_syntax.py: ")
    assert "no_such_module_xcert_user" in rows[f"USER-IMPORT[{label}/test_missing.py]"]["message"]
    assert "KeyError: 'NO_SUCH_VARIABLE_XCERT'" in rows[f"USER-IMPORT[{label}/test_env.py]"]["message"]
    misuse = rows["USER-misuse-pretends"]
    assert misuse["outcome"] == "error" and "XC- ids are xcert's own" in misuse["message"]
    assert "XC-OS-962" not in rows
    own_host = rows["USER-override-own-host"]
    assert own_host["outcome"] == "error" and "redefines the `host` fixture" in own_host["message"]


def test_the_users_folder_is_not_written_and_the_inventory_is_the_host(run: tuple[Any, dict[str, Any], Path, Path]) -> None:
    _, _, out, tmp = run
    user = tmp / "role" / "molecule" / "default" / "tests"
    assert sorted(p.name for p in user.iterdir()) == sorted(
        ["test_default.py", "test_syntax.py", "test_missing.py", "test_env.py", "test_misuse.py", "test_override.py",
         "helpers.py", "test_helper_module.py"]
    )
    inventory = out / "usersuites" / ".molecule" / "localhost" / "inventory.yml"
    assert oct(inventory.stat().st_mode & 0o777) == "0o600"
    assert "localhost:" in inventory.read_text(encoding="utf-8")
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [e["label"] for e in meta["user_suites"]] == ["role-default"]


def test_reports_have_a_user_checks_section(run: tuple[Any, dict[str, Any], Path, Path]) -> None:
    _, _, out, _ = run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<h4>User checks</h4>" in html and "USER-default-no-such-file" in html and "ACME-BASE-001" in html
    junit = (out / "junit.xml").read_text(encoding="utf-8")
    assert "USER-default-no-such-file" in junit


def test_a_user_check_is_waived_by_its_id_and_a_typo_is_refused(run: tuple[Any, dict[str, Any], Path, Path]) -> None:
    _, _, first, tmp = run
    out = tmp / "waived"
    shutil.copytree(first, out)  # the module's run stays as it was for the other tests
    waivers = tmp / "waivers.yml"
    body = "    justification: the file is made by the role's next release\n    expiry: 2999-12-31\n    approver: QA\n"
    waivers.write_text(f"waivers:\n  - check: USER-default-no-such-file\n{body}", encoding="utf-8")
    proc = xcert("report", str(out), "--waivers", str(waivers), "--format", "json", env={"XCERT_SUITES": str(tmp / "suites")})
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = _rows(json.loads((out / "results.json").read_text(encoding="utf-8")))
    assert rows["USER-default-no-such-file"]["outcome"] == "waived"
    assert rows["USER-default-no-such-file"]["waiver"]["approver"] == "QA"
    assert rows["USER-default-dirs[/nonexistent-xcert-dir]"]["outcome"] == "fail"  # another check: untouched
    typo = tmp / "typo.yml"
    typo.write_text(f"waivers:\n  - check: XC-OS-996\n{body}", encoding="utf-8")
    bad = xcert("report", str(out), "--waivers", str(typo), "--format", "json", env={"XCERT_SUITES": str(tmp / "suites")})
    assert bad.returncode == 3 and "Traceback" not in bad.stderr
    assert f"{typo}:2: waivers[0].check: no such check" in bad.stderr, bad.stderr


def test_k_selects_a_user_check(run: tuple[Any, dict[str, Any], Path, Path]) -> None:
    *_, tmp = run
    proc, results, _ = _run(tmp, "-k", "root_exists", name="selected")
    assert "partial selection" in proc.stderr
    rows = _rows(results)
    assert rows["USER-default-root-exists"]["outcome"] == "pass"
    assert rows["XC-OS-961"]["outcome"] == "skipped" and "Not selected" in rows["XC-OS-961"]["message"]
    assert rows["USER-default-no-such-file"]["outcome"] == "skipped"


def test_resume_decides_the_rest_once_and_refuses_a_changed_suite(run: tuple[Any, dict[str, Any], Path, Path]) -> None:
    _, full, out, tmp = run
    resumed = tmp / "resumed"
    import shutil

    shutil.copytree(out, resumed)
    journal = resumed / "journal" / "localhost.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    first_user = next(i for i, line in enumerate(lines) if '"USER-default-' in line and '"type": "check"' in line)
    journal.write_text("".join(lines[: first_user + 1]), encoding="utf-8")  # a crash after the first user check
    (resumed / "run.json").write_text(
        json.dumps({**json.loads((resumed / "run.json").read_text(encoding="utf-8")), "finished": None}), encoding="utf-8"
    )
    user = tmp / "role" / "molecule" / "default" / "tests"
    env = {"XCERT_SUITES": str(tmp / "suites")}
    without = xcert("certify", "--resume", str(resumed), env=env)
    assert without.returncode == 3 and "give the same --suite" in without.stderr, without.stderr[-500:]
    proc = xcert("certify", "--resume", str(resumed), "--suite", str(user), env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    again = json.loads((resumed / "results.json").read_text(encoding="utf-8"))
    ids = sorted(_rows(again))
    assert ids == sorted(_rows(full)) and len(ids) == len(again["hosts"][0]["checks"])  # each once
    (user / "test_default.py").write_text(USER_TESTS + "\n# changed\n", encoding="utf-8")
    try:
        changed = xcert("certify", "--resume", str(resumed), "--suite", str(user), env=env)
        assert changed.returncode == 3 and "user suites (--suite) changed" in changed.stderr
    finally:
        (user / "test_default.py").write_text(USER_TESTS, encoding="utf-8")


def test_a_missing_suite_folder_is_one_line_and_exit_3(tmp_path: Path) -> None:
    proc = xcert("certify", "--suite", str(tmp_path / "nowhere"), "--out", str(tmp_path / "run"))
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 3 and len(lines) == 1 and "nowhere: --suite: no such folder" in lines[0], proc.stderr
    assert not (tmp_path / "run" / "journal").exists()


@pytest.mark.parametrize("case", ["file", "link-out", "too-many", "twice", "no-python"])
def test_bad_suite_folders_are_refused_naming_the_folder(tmp_path: Path, case: str) -> None:
    target = tmp_path / "suite"
    given = [target]
    if case == "file":
        target.write_text("x", encoding="utf-8")
    else:
        target.mkdir()
        (target / "test_a.py").write_text("def test_a(host):\n    pass\n", encoding="utf-8")
    if case == "link-out":
        os.symlink("/etc/passwd", target / "passwd")
    elif case == "too-many":
        for i in range(MAX_FILES):
            (target / f"f{i}.py").write_text("", encoding="utf-8")
    elif case == "twice":
        given = [target, tmp_path / "." / "suite"]
    elif case == "no-python":
        (target / "test_a.py").unlink()
        (target / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        validate(given)
    assert str(target) in str(raised.value) and "--suite" in str(raised.value) and "\n" not in str(raised.value)


def test_suites_from_xcert_toml_a_broken_conftest_and_a_mandatory_user_check(tmp_path: Path) -> None:
    builtin, _ = _suite(tmp_path)
    user = tmp_path / "mine"
    (user / "sub").mkdir(parents=True)
    (user / "sub" / "conftest.py").write_text("import no_such_conftest_dep_xcert\n", encoding="utf-8")
    (user / "sub" / "test_a.py").write_text("def test_a(host):\n    assert host.run('true').rc == 0\n", encoding="utf-8")
    (user / "test_m.py").write_text(
        "from harness.usersuite import check\n\n\n"
        "@check('ACME-MUST-001', severity='mandatory', title='must hold')\n"
        "def test_must(host):\n    assert host.run('false').rc == 0\n",
        encoding="utf-8",
    )
    config = tmp_path / "xcert.toml"
    config.write_text('suites = ["mine"]\n', encoding="utf-8")
    out = tmp_path / "run"
    proc = xcert("certify", "--out", str(out), "--format", "json",
                 env={"XCERT_SUITES": str(builtin), "XCERT_CONFIG": str(config)}, timeout=180)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    rows = _rows(results)
    assert rows["XC-OS-961"]["outcome"] == "pass"
    broken = rows["USER-IMPORT[mine/sub]"]
    assert broken["outcome"] == "error" and "no_such_conftest_dep_xcert" in broken["message"]
    must = rows["ACME-MUST-001"]
    assert (must["outcome"], must["severity"]) == ("fail", "mandatory")
    # declared mandatory: it decides the certificate like a built-in check
    assert results["hosts"][0]["verdict"] == "NOT_CERTIFIED" and proc.returncode == 1, proc.stderr[-2000:]
    assert not (user / "__pycache__").exists() and not (user / "sub" / "__pycache__").exists()
