"""The journal's records, typed: one frozen dataclass per record type, shared by writer and reader.

Each has ``to_json()`` (the dict ``Journal.append`` writes, with its ``type``) and ``parse(dict)``
(raises ``RecordError`` when a field is missing or of the wrong kind). ``parse_record`` turns a
journal line into its record, or None for a type this version does not know. The shapes are also a
JSON Schema: ``harness/schema/journal.schema.json`` (a test holds the two together). Renaming a
field here breaks the writer, the results fold, resume and the progress bar at once, in mypy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from types import UnionType
from typing import Any, ClassVar, TypeVar, Union, get_args, get_origin, get_type_hints

R = TypeVar("R", bound="_Record")


class RecordError(ValueError):
    """A journal record that does not have the shape of its type."""


class _Record:
    TYPE: ClassVar[str] = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.TYPE}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            out[f.name] = [dict(v) for v in value] if isinstance(value, tuple) else value
        return out

    @classmethod
    def parse(cls: type[R], data: Mapping[str, Any]) -> R:
        if data.get("type") != cls.TYPE:
            raise RecordError(f"not a {cls.TYPE} record: type {data.get('type')!r}")
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):  # type: ignore[arg-type]
            if f.name not in data:
                if f.default is not MISSING or f.default_factory is not MISSING:
                    continue
                raise RecordError(f"{cls.TYPE} record without {f.name!r}")
            values[f.name] = _checked(cls.TYPE, f.name, hints[f.name], data[f.name])
        return cls(**values)


def _list_of_objects(value: Any) -> tuple[dict[str, Any], ...] | None:
    if isinstance(value, list | tuple) and all(isinstance(v, dict) for v in value):
        return tuple(dict(v) for v in value)
    return None


def _container(origin: Any, value: Any) -> Any:
    """``value`` as the container type ``origin`` (tuple of objects, list, dict); None when it is not one."""
    if origin is tuple:
        return _list_of_objects(value)
    if origin is list:
        return list(value) if isinstance(value, list | tuple) else None
    if origin is dict:
        return dict(value) if isinstance(value, dict) else None
    return None


def _scalar(hint: Any, value: Any) -> tuple[bool, Any]:
    """(ok, value) for a plain type: ints are accepted for floats, bools never for numbers."""
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return True, float(value)
    if not isinstance(hint, type):
        return True, value
    ok = isinstance(value, hint) and (hint is bool or not isinstance(value, bool))
    return ok, value


def _checked(kind: str, name: str, hint: Any, value: Any) -> Any:
    """``value`` if it is of the field's type, else RecordError naming the record type and the field."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, UnionType):
        if value is None and type(None) in args:
            return None
        return _checked(kind, name, next(a for a in args if a is not type(None)), value)
    if origin is not None:
        converted = _container(origin, value)
        ok = converted is not None
    else:
        ok, converted = _scalar(hint, value)
    if not ok:
        wanted = getattr(hint, "__name__", str(hint))
        raise RecordError(f"{kind} record: {name} must be {wanted}, not {type(value).__name__}")
    return converted


@dataclass(frozen=True)
class PlanRecord(_Record):
    """An attempt (the first run, each resume) starts with the checks it plans, with their metadata."""

    TYPE: ClassVar[str] = "plan"
    time: str = ""
    profile: str = ""
    checks: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class CheckRecord(_Record):
    """One check decided, once per (id, subject)."""

    TYPE: ClassVar[str] = "check"
    id: str
    outcome: str
    subject: str = ""
    layer: str = ""
    severity: str = ""
    title: str = ""
    message: str = ""
    message_key: str = ""
    message_args: dict[str, Any] = field(default_factory=dict)
    measurements: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    started: str | None = None
    duration_s: float = 0.0
    tags: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The check's identity in a run: ``XC-DB-001`` or ``XC-DB-001[pg-main]``."""
        return f"{self.id}[{self.subject}]" if self.subject else self.id


@dataclass(frozen=True)
class FactsRecord(_Record):
    """The facts pass: the identified stack, the summary, its evidence, where the answers came from."""

    TYPE: ClassVar[str] = "facts"
    time: str = ""
    identity: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=lambda: {"kind": "live"})


@dataclass(frozen=True)
class UnreachableRecord(_Record):
    """The host could not be reached, or was lost during a check."""

    TYPE: ClassVar[str] = "unreachable"
    reason: str
    time: str = ""
    detail: str = ""
    lost_mid_run: bool = False
    during: str | None = None


@dataclass(frozen=True)
class ProvisionRecord(_Record):
    """A prepare or cleanup playbook run on the host (written by harness.provision.steps)."""

    TYPE: ClassVar[str] = "provision"
    action: str
    ok: bool = True
    status: str = ""
    rc: int | None = None
    unreachable: bool = False
    task: str | None = None
    message: str = ""
    message_key: str = ""
    message_args: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    evidence: list[str] = field(default_factory=list)
    time: str = ""


@dataclass(frozen=True)
class HostEndRecord(_Record):
    """The worker finished (lost: the host went away; interrupted: the run was asked to stop)."""

    TYPE: ClassVar[str] = "host_end"
    time: str = ""
    lost: bool = False
    interrupted: bool = False


Record = Union[PlanRecord, CheckRecord, FactsRecord, UnreachableRecord, ProvisionRecord, HostEndRecord]  # noqa: UP007
RECORD_TYPES: dict[str, type[_Record]] = {
    cls.TYPE: cls for cls in (PlanRecord, CheckRecord, FactsRecord, UnreachableRecord, ProvisionRecord, HostEndRecord)
}


def parse_record(data: Mapping[str, Any]) -> Record | None:
    """The typed record of a journal line; None for a type this version does not know.

    Raises RecordError for a known type with a missing or mistyped field."""
    cls = RECORD_TYPES.get(str(data.get("type")))
    if cls is None:
        return None
    record: Record = cls.parse(data)  # type: ignore[assignment]
    return record


def read_records(lines: Any) -> list[Record]:
    """Typed records of journal lines (dicts from ``read_journal``); a malformed record is skipped like a torn line."""
    out: list[Record] = []
    for data in lines:
        try:
            record = parse_record(data)
        except RecordError:
            continue
        if record is not None:
            out.append(record)
    return out
