"""Reading an OSV feed (a .json record or list, a folder of them, or OSV's ``all.zip``): validated and bounded.

The feed is data from someone else: every record is checked against the part of the OSV schema
xcert reads (``osv.schema.json``), sizes are capped, and a bad record is one line naming the file
and the key. What is kept is a normalised list of ``Advisory`` — one per affected package — which
``install`` writes into the run directory, so every rendering and bundle uses the same feed.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location

RUN_FILE = "vuln-feed.json"
MAX_RECORD_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RECORDS = 400_000


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: str
    #: OSV ecosystem as written ("Debian:12", "openEuler:22.03-LTS-SP1")
    ecosystem: str
    package: str
    #: explicit affected versions
    versions: tuple[str, ...]
    #: (introduced, fixed or "", last_affected or "") per ECOSYSTEM range segment
    ranges: tuple[tuple[str, str, str], ...]

    @property
    def ecosystem_base(self) -> str:
        return self.ecosystem.split(":", 1)[0]

    @property
    def release(self) -> str:
        return self.ecosystem.split(":", 1)[1] if ":" in self.ecosystem else ""


def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(resources.files("harness.vulns").joinpath("osv.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _severity(record: dict[str, Any]) -> str:
    for holder in (record.get("database_specific"), *(a.get("database_specific") for a in record.get("affected", []))):
        if isinstance(holder, dict) and isinstance(holder.get("severity"), str):
            return str(holder["severity"]).upper()[:40]
    for item in record.get("severity") or []:
        if item.get("score"):
            return f"{item.get('type', 'CVSS')}: {item['score']}"[:200]
    return "UNKNOWN"


def _segments(events: list[dict[str, str]]) -> Iterator[tuple[str, str, str]]:
    """OSV range events in order: each ``introduced`` opens a segment that ``fixed``/``last_affected`` closes."""
    introduced: str | None = None
    for event in events:
        if "introduced" in event:
            if introduced is not None:
                yield (introduced, "", "")
            introduced = event["introduced"]
        elif "fixed" in event and introduced is not None:
            yield (introduced, event["fixed"], "")
            introduced = None
        elif "last_affected" in event and introduced is not None:
            yield (introduced, "", event["last_affected"])
            introduced = None
    if introduced is not None:
        yield (introduced, "", "")


def advisories(record: dict[str, Any]) -> list[Advisory]:
    if record.get("withdrawn"):
        return []
    out = []
    for affected in record.get("affected") or []:
        ranges = tuple(
            seg
            for r in affected.get("ranges") or []
            if r.get("type") == "ECOSYSTEM"
            for seg in _segments(r.get("events") or [])
        )
        out.append(
            Advisory(
                id=record["id"],
                aliases=tuple(record.get("aliases") or ()),
                summary=str(record.get("summary") or "")[:300],
                severity=_severity(record),
                ecosystem=affected["package"]["ecosystem"],
                package=affected["package"]["name"],
                versions=tuple(affected.get("versions") or ()),
                ranges=ranges,
            )
        )
    return out


def _documents(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each JSON document of the feed, bounded in size and count."""
    total = 0

    def take(name: str, size: int) -> None:
        nonlocal total
        if size > MAX_RECORD_BYTES:
            raise InputError(Location(name), f"a feed record larger than {MAX_RECORD_BYTES} bytes")
        total += size
        if total > MAX_TOTAL_BYTES:
            raise InputError(Location(str(path)), f"the feed is larger than {MAX_TOTAL_BYTES} bytes")

    if path.is_dir():
        files = sorted(p for p in path.rglob("*.json") if p.is_file() and not p.is_symlink())
        for count, file in enumerate(files):
            if count >= MAX_RECORDS:
                raise InputError(Location(str(path)), f"more than {MAX_RECORDS} feed files")
            take(str(file), file.stat().st_size)
            yield str(file), file.read_bytes()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.endswith(".json") and not m.is_dir()]
            if len(members) > MAX_RECORDS:
                raise InputError(Location(str(path)), f"more than {MAX_RECORDS} feed files")
            for member in members:
                name = f"{path}!{member.filename}"
                take(name, member.file_size)
                with archive.open(member) as fh:
                    data = fh.read(MAX_RECORD_BYTES + 1)
                take(name, len(data) - member.file_size)  # a member that lies about its size
                yield name, data
    elif path.is_file():
        take(str(path), path.stat().st_size)
        yield str(path), path.read_bytes()
    else:
        raise InputError(Location(str(path)), "no such vulnerability feed (a .json file, a folder or OSV's all.zip)")


def load_feed(path: Path) -> list[Advisory]:
    """Every advisory of the feed at ``path``; a malformed record is an InputError naming file and key."""
    validator = _validator()
    out: list[Advisory] = []
    for name, data in _documents(path):
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(Location(name), f"not a JSON document ({exc.__class__.__name__})") from None
        records = doc if isinstance(doc, list) else [doc]
        for index, record in enumerate(records):
            error = next(iter(validator.iter_errors(record)), None)
            if error is not None:
                key = "/".join(str(p) for p in error.absolute_path) or "(record)"
                where = f"[{index}]/{key}" if isinstance(doc, list) else key
                raise InputError(Location(name, key=where), f"not an OSV record: {error.message[:160]}")
            out.extend(advisories(record))
    return out


def install(path: Path, run_dir: Path) -> Path:
    """Check a feed and keep its normalised advisories in the run directory, with the source's digest."""
    found = load_feed(path)
    digest = hashlib.sha256()
    for name, data in _documents(path):
        digest.update(name.encode("utf-8", "replace") + b"\0" + data + b"\0")
    target = run_dir / RUN_FILE
    body = {"source": path.name, "sha256": digest.hexdigest(), "advisories": [asdict(a) for a in found]}
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)
    return target


def load_run_feed(run_dir: Path) -> tuple[dict[str, str], list[Advisory]] | None:
    """The feed installed in a run, or None when the run was given none."""
    path = run_dir / RUN_FILE
    if not path.is_file() or path.is_symlink():
        return None
    if path.stat().st_size > MAX_TOTAL_BYTES:  # a run directory is data: never read without a bound
        raise InputError(Location(str(path)), f"larger than {MAX_TOTAL_BYTES} bytes")
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        items = [
            Advisory(
                id=str(a["id"]),
                aliases=tuple(a["aliases"]),
                summary=str(a["summary"]),
                severity=str(a["severity"]),
                ecosystem=str(a["ecosystem"]),
                package=str(a["package"]),
                versions=tuple(str(v) for v in a["versions"]),
                ranges=tuple((str(r[0]), str(r[1]), str(r[2])) for r in a["ranges"]),
            )
            for a in body["advisories"]
        ]
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise InputError(
            Location(str(path)), f"not a vulnerability feed xcert wrote ({exc.__class__.__name__})"
        ) from None
    return {"source": str(body.get("source", "")), "sha256": str(body.get("sha256", ""))}, items
