"""Molecule's and testinfra's conventions in a host worker, pointed at the host being certified.

Before pytest starts, a worker whose run has user suites:

- writes ``<run>/usersuites/.molecule/<slug>/inventory.yml`` (0600, no secrets): the certified host
  alone, under its inventory name, with the connection values xcert resolved (those the provisioning
  inventory has, harness.provision.resolved); a local host is ``ansible_connection: local``
- sets ``MOLECULE_INVENTORY_FILE`` (and ``ANSIBLE_INVENTORY``) to it, so ``AnsibleRunner(os.environ['MOLECULE_INVENTORY_FILE'])
  .get_hosts('all')`` answers ``[<the certified host>]``, and the other ``MOLECULE_*`` variables
  Molecule exports that tests read (scenario name and directories, the ephemeral directory, driver)
- puts the virtual environment's ``bin`` first on ``PATH`` (``ansible-inventory`` is found) and sets
  ``PYTHONDONTWRITEBYTECODE`` (nothing is written next to the tests)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

from harness.inventory import HostSpec

#: Molecule's driver for hosts it did not create (Molecule 6 calls it "default")
DRIVER = "default"


def inventory_vars(spec: HostSpec) -> dict[str, object]:
    if spec.connection == "local":
        return {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    if spec.connection == "ssh":
        from harness.provision.resolved import _unsafe, host_vars, ssh_args

        out = {str(k): v for k, v in host_vars(spec).items()}
        args = ssh_args(spec, spec.ssh_args)  # xcert's known_hosts policy, as provisioning passes it
        if args:
            out["ansible_ssh_args"] = _unsafe(args)
        return out
    # a host certified from a snapshot has no connection: never let Ansible reach anything in its name
    return {"ansible_connection": "xcert_snapshot_has_no_connection", "ansible_host": "127.0.0.1"}


def write_inventory(spec: HostSpec, path: Path) -> Path:
    from harness.provision.resolved import _Dumper  # the !unsafe tagging of the provisioning inventory

    data = {"all": {"hosts": {str.__str__(spec.name): inventory_vars(spec)}}}
    text = "# Written by xcert: the host being certified (harness/usersuite/molecule.py); no secrets.\n"
    text += yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.is_symlink():
        raise OSError(f"{path}: is a symbolic link")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return path


def _write_instance_config(spec: HostSpec, path: Path) -> None:
    """Molecule's instance config (a list of the instances it made): here the certified host, no secrets."""
    entry = {"instance": spec.name, "address": spec.address, "port": spec.port, "user": spec.user or ""}
    if spec.key_file:
        entry["identity_file"] = spec.key_file
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(yaml.safe_dump([entry], sort_keys=False, allow_unicode=True))


def scenario_of(source: str) -> str:
    """The Molecule scenario a suite came from (``.../molecule/<scenario>/tests``), else ``default``."""
    parts = Path(source).parts
    if len(parts) >= 3 and parts[-1] == "tests" and parts[-3] == "molecule":
        return parts[-2]
    if len(parts) >= 2 and parts[-2] == "molecule":
        return parts[-1]
    return "default"


def environment(run_dir: Path, slug: str, spec: HostSpec, first: tuple[str, Path, str]) -> dict[str, str]:
    """The variables to set: ``first`` is the (label, copied folder, source path) of the first suite."""
    base = run_dir / "usersuites" / ".molecule" / slug
    inventory = write_inventory(spec, base / "inventory.yml")
    _label, folder, source = first
    _write_instance_config(spec, base / "instance_config.yml")
    scenario = scenario_of(source)
    venv_bin = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    return {
        "PATH": venv_bin + (os.pathsep + path if path else ""),
        "PYTHONDONTWRITEBYTECODE": "1",
        "MOLECULE_INVENTORY_FILE": str(inventory),
        # testinfra.get_host("ansible://<host>") and AnsibleRunner() without a file read Ansible's default inventory
        "ANSIBLE_INVENTORY": str(inventory),
        "MOLECULE_EPHEMERAL_DIRECTORY": str(base),
        "MOLECULE_SCENARIO_NAME": scenario,
        "MOLECULE_SCENARIO_DIRECTORY": str(folder.parent if folder.name == "tests" else folder),
        "MOLECULE_PROJECT_DIRECTORY": str(folder),
        "MOLECULE_DRIVER_NAME": DRIVER,
        "MOLECULE_VERIFIER_TEST_DIRECTORY": str(folder),
        "MOLECULE_INSTANCE_CONFIG": str(base / "instance_config.yml"),
        "MOLECULE_DEBUG": "False",
    }


__all__ = ["DRIVER", "environment", "inventory_vars", "scenario_of", "write_inventory"]
