"""The declared application servers of a host, each paired with the running JVM that is it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.probes.middleware import Jvm, parse_jvms, server_of


def declared(spec: Any) -> list[Mapping[str, Any]]:
    return [dict(t) for t in (getattr(spec, "mw_targets", None) or ())]


def _paths(target: Mapping[str, Any]) -> list[str]:
    return [str(target[k]) for k in ("base", "home") if target.get(k)]


def jvm_of(target: Mapping[str, Any], jvms: Sequence[Jvm]) -> Jvm | None:
    """The JVM whose command line (a -D home/base property) or working directory names the target's directories."""
    paths = _paths(target)
    for jvm in jvms:
        values = set(jvm.properties().values()) | {jvm.cwd}
        if any(p in values for p in paths):
            return jvm
    for jvm in jvms:  # a product's JVM whose own home property we do not know: same product, one instance
        server = server_of(jvm)
        if server is not None and server.product == target.get("product") and len(jvms) == 1:
            return jvm
    return None


def pair(spec: Any, jvms_text: str | None) -> list[tuple[Mapping[str, Any], Jvm | None]]:
    jvms = parse_jvms(jvms_text)
    return [(t, jvm_of(t, jvms)) for t in declared(spec)]
