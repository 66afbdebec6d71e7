"""Transports by name, imported lazily so importing harness never pulls in paramiko."""

from __future__ import annotations

import importlib
from typing import Any

from harness.errors import XcertError
from harness.transport.base import CommandResult, CommandTimeout, HostUnreachable, Transport

REGISTRY: dict[str, str] = {
    "local": "harness.transport.local:LocalTransport",
    "ssh": "harness.transport.ssh:SshTransport",
    "snapshot": "harness.transport.snapshot:SnapshotTransport",
}

INSTALL_HINT = {"ssh": "pip install paramiko"}


def transport_class(name: str) -> type[Transport]:
    """The transport class registered as ``name``."""
    try:
        target = REGISTRY[name]
    except KeyError:
        raise XcertError(f"unknown transport {name!r}; known: {', '.join(sorted(REGISTRY))}") from None
    module_name, _, attr = target.partition(":")
    try:
        if name == "ssh":
            from harness.transport.paramiko_import import import_paramiko

            import_paramiko()
        module = importlib.import_module(module_name)
    except ImportError as exc:
        hint = INSTALL_HINT.get(name, "")
        raise XcertError(f"transport {name!r} needs a missing module ({exc.name}); {hint}") from exc
    cls: Any = getattr(module, attr)
    return cls  # type: ignore[no-any-return]


__all__ = ["REGISTRY", "CommandResult", "CommandTimeout", "HostUnreachable", "Transport", "transport_class"]
