"""Ad-hoc targets as URLs, as InSpec takes them: ``-t ssh://user@host:port``, ``-t local://``.

Each URL becomes a one-host YAML inventory in a private temporary directory, read by ansible-core
like any other source (so ansible.cfg, ssh_config and the resolution all apply), and removed after.
A password in the URL is refused: it would sit in the shell history and run.json.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from harness.errors import InputError, Location

SCHEMES = ("ssh", "local")


def is_target(source: str) -> bool:
    return source.split("://", 1)[0] in SCHEMES and "://" in source


def _host(url: str) -> tuple[str, dict[str, object]]:
    where = Location(url, key="--target")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(where, f"not a target URL ({exc})") from None
    if parts.scheme == "local":
        if parts.netloc or parts.path not in ("", "/"):
            raise InputError(where, "local:// takes no host (it is this machine)")
        return "localhost", {"ansible_connection": "local"}
    if parts.password is not None:
        raise InputError(where, "a password in the URL is refused (use an inventory with Ansible Vault)")
    if not parts.hostname:
        raise InputError(where, "no host (ssh://[user@]host[:port])")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(where, "only ssh://[user@]host[:port] is understood")
    hostvars: dict[str, object] = {"ansible_host": parts.hostname, "ansible_connection": "ssh"}
    if port is not None:
        hostvars["ansible_port"] = port
    if parts.username:
        hostvars["ansible_user"] = parts.username
    return parts.hostname, hostvars


@contextlib.contextmanager
def materialised(sources: Sequence[str]) -> Iterator[tuple[list[str], dict[str, str]]]:
    """``sources`` with each target URL replaced by an inventory file; and file -> URL, for messages."""
    urls = [s for s in sources if is_target(s)]
    if not urls:
        yield list(sources), {}
        return
    with tempfile.TemporaryDirectory(prefix="xcert-targets-") as tmp:
        os.chmod(tmp, 0o700)
        names: dict[str, str] = {}
        out: list[str] = []
        for index, source in enumerate(sources):
            if not is_target(source):
                out.append(source)
                continue
            name, hostvars = _host(source)
            if name in names:
                raise InputError(Location(source, key="--target"), f"host {name} is given twice")
            path = Path(tmp) / f"target-{index}.yml"
            import yaml  # only for ssh:// targets: the command line does not pay for it

            path.write_text(yaml.safe_dump({"all": {"hosts": {name: hostvars}}}), encoding="utf-8")
            names[name] = source
            out.append(str(path))
        yield out, {str(Path(tmp) / f"target-{i}.yml"): s for i, s in enumerate(sources) if is_target(s)}


__all__ = ["SCHEMES", "is_target", "materialised"]
