"""Bundle definitions: the roles of a bundle and the components each accepts, read and checked once.

A bundle file (YAML, ``inventories/bundles/*.yml``)::

    schema: xcert-bundle-def/1
    name: Example bundle
    version: "2026.1"
    vendor: Example Co.
    validity_days: 365          # a result older than this no longer counts
    roles:
      database:
        profile: full           # the profile each host of the role must have passed
        ports: [5432]           # what the role exposes to the roles that need it
        accepts:                # catalog ids or families, with optional version ranges (PEP 440)
          cpu: [phytium, hygon-c86]
          db: [{id: postgresql, versions: ">=15,<17"}]
      application:
        profile: quick
        needs: [database]
        accepts: {os: [kylin-server-v10]}

    >>> bundle = load_bundle(Path("inventories/bundles/tianjin-example.yml"))
    >>> [r.name for r in bundle.roles]
    ['database', 'application']

Any problem (schema, unknown key, unknown catalog id, bad version range) is an InputError naming the
file, line and key: exit 3.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from harness import catalog
from harness.bundles.yamlmarks import Path_, dotted, line_of, load_with_lines
from harness.errors import InputError, Location

SCHEMA_ID = "xcert-bundle-def/1"
LAYERS = ("cpu", "os", "db", "server", "middleware")
PROFILE_RANK = {"quick": 0, "full": 1, "disruptive": 2}
_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def parse_version(text: str | None) -> Version | None:
    """The first dotted number of a detected version (``V10 (Sword)`` -> 10, ``15.4 (Debian)`` -> 15.4)."""
    if not text:
        return None
    match = _NUMBER.search(text)
    if match is None:
        return None
    try:
        return Version(match.group(0))
    except InvalidVersion:
        return None


@dataclass(frozen=True)
class Accepted:
    """One accepted component of a layer: a catalog id or family, and a version range."""

    layer: str
    id: str
    versions: str = ""

    @property
    def spec(self) -> SpecifierSet | None:
        return SpecifierSet(self.versions) if self.versions else None

    def matches(self, lineage: list[str], version: str | None) -> bool:
        """True when a detected component (its catalog lineage and version) is this one."""
        if self.id not in lineage:
            return False
        spec = self.spec
        if spec is None:
            return True
        parsed = parse_version(version)
        return parsed is not None and spec.contains(parsed, prereleases=True)

    def label(self) -> str:
        return f"{self.id} {self.versions}" if self.versions else self.id


@dataclass(frozen=True)
class Role:
    name: str
    profile: str
    accepts: dict[str, tuple[Accepted, ...]]
    ports: tuple[int, ...] = ()
    needs: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Bundle:
    name: str
    version: str
    vendor: str
    validity_days: int
    roles: tuple[Role, ...]
    source: str
    example: bool = False
    description: str = ""
    sources: tuple[dict[str, str], ...] = field(default_factory=tuple)

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)


@functools.cache
def _schema() -> dict[str, Any]:
    text = resources.files("harness.schema").joinpath("bundle.schema.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def catalog_ids(layer: str) -> frozenset[str]:
    """Every catalog id and family name of a layer (a bundle may name either)."""
    ids: set[str] = set()
    for entry in catalog.load(layer):
        ids.add(entry.id)
        if entry.family:
            ids.add(entry.family)
    return frozenset(ids)


def _schema_problem(data: Any) -> tuple[Path_, str] | None:
    """The first schema violation as (key path, message); unknown keys are named themselves."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if not errors:
        return None
    err = errors[0]
    # a oneOf failure: the most specific reason is in its context
    while err.context:
        err = sorted(err.context, key=lambda e: -len(e.absolute_path))[0]
    path: Path_ = tuple(err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set(err.schema.get("properties", {}))
        extra = sorted(str(k) for k in err.instance if k not in allowed)
        if extra:
            return (*path, extra[0]), "unknown key"
    if err.validator == "required":
        return path, err.message
    return path, err.message


def _where(source: Path, lines: dict[Path_, int], path: Path_) -> Location:
    return Location(str(source), line_of(lines, path), dotted(path) or None)


def _accepted(layer: str, raw: Any, path: Path_, source: Path, lines: dict[Path_, int]) -> Accepted:
    item_id = raw if isinstance(raw, str) else str(raw["id"])
    versions = "" if isinstance(raw, str) else str(raw.get("versions") or "")
    if item_id not in catalog_ids(layer):
        key = path if isinstance(raw, str) else (*path, "id")
        raise InputError(_where(source, lines, key), f"unknown {layer} catalog id {item_id!r}")
    if versions:
        try:
            SpecifierSet(versions)
        except InvalidSpecifier:
            raise InputError(
                _where(source, lines, (*path, "versions")),
                f"bad version range {versions!r} (PEP 440 specifiers, e.g. '>=15,<17')",
            ) from None
    return Accepted(layer, item_id, versions)


def load_bundle(source: Path) -> Bundle:
    """Read and check a bundle file; an InputError names file, line and key on any problem."""
    data, lines = load_with_lines(source, "bundle file")
    problem = _schema_problem(data)
    if problem is not None:
        path, message = problem
        raise InputError(_where(source, lines, path), message)
    roles = []
    for role_name, raw in data["roles"].items():
        accepts = {
            layer: tuple(
                _accepted(layer, item, ("roles", role_name, "accepts", layer, i), source, lines)
                for i, item in enumerate(items)
            )
            for layer, items in raw["accepts"].items()
        }
        for i, needed in enumerate(raw.get("needs", [])):
            if needed not in data["roles"] or needed == role_name:
                raise InputError(
                    _where(source, lines, ("roles", role_name, "needs", i)), f"needs an unknown role {needed!r}"
                )
        roles.append(
            Role(
                name=role_name,
                profile=raw["profile"],
                accepts=accepts,
                ports=tuple(raw.get("ports", [])),
                needs=tuple(raw.get("needs", [])),
                description=raw.get("description", ""),
            )
        )
    return Bundle(
        name=data["name"],
        version=data["version"],
        vendor=data["vendor"],
        validity_days=int(data["validity_days"]),
        roles=tuple(roles),
        source=str(source),
        example=bool(data.get("example", False)),
        description=data.get("description", ""),
        sources=tuple(data.get("sources", [])),
    )
