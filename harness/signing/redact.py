"""Redaction of a run for a bundle: host names, IP and MAC addresses, serial numbers and user names.

Each distinct value gets one placeholder (``host-1``, ``ip-1``, ``mac-1``, ``serial-1``,
``user-1``) used in every file and every path, so the evidence still reads consistently. Values
come from the run (inventory names, slugs, addresses and users in run.json; hostnames and
interfaces in results.json) and from patterns found in every text (IPv4, IPv6, MAC, DMI serials
and UUIDs, a CPU's serial line). JSON files are redacted string by string (so escapes such as
``\\n`` never hide a value) and written again; other files as text. Values are replaced as whole
tokens: a short name inside a longer word (``vm`` in ``vmx``) is left, since it is not the name.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_TOKEN_LEFT = r"(?<![A-Za-z0-9_.:-])"
_TOKEN_RIGHT = r"(?![A-Za-z0-9_-])"
_MAC = re.compile(r"(?<![\w:-])(?:[0-9A-Fa-f]{2}([:-]))(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w])(?!\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:%[\w.-]+)?(?![\w:])")
_SERIAL_LINE = re.compile(
    r"^[ \t]*(?:Serial Number|Serial|UUID|Asset Tag|SerialNumber|Board Serial)[ \t]*[:=][ \t]*(\S[^\r\n]*?)[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_NOT_A_VALUE = {
    "not specified",
    "none",
    "n/a",
    "default string",
    "to be filled by o.e.m.",
    "not present",
    "unknown",
    "not applicable",
    "0",
    "0000000000000000",
}
_SERIAL_FILES = ("product_serial", "board_serial", "chassis_serial", "product_uuid")


def _ipv6(candidate: str) -> str | None:
    bare = candidate.split("%", 1)[0]
    if bare.count(":") < 2 or bare == "::":
        return None
    try:
        ipaddress.IPv6Address(bare)
    except ValueError:
        return None
    return candidate


def _ipv4(candidate: str) -> str | None:
    try:
        ipaddress.IPv4Address(candidate)
    except ValueError:
        return None
    return candidate


class Redactor:
    """Collects values to hide, then replaces each with its placeholder wherever it stands as a token."""

    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._pattern: re.Pattern[str] | None = None

    def add(self, kind: str, value: str | None) -> None:
        value = (value or "").strip()
        if len(value) < 2 or value.lower() in _NOT_A_VALUE or value in self.mapping:
            return
        if kind == "ip":
            value = value.split("/", 1)[0]
            if value in self.mapping:
                return
        self._counts[kind] = self._counts.get(kind, 0) + 1
        self.mapping[value] = f"{kind}-{self._counts[kind]}"
        self._pattern = None
        if kind == "ip" and "%" in value:
            self.add("ip", value.split("%", 1)[0])

    def scan(self, text: str) -> None:
        """Add every address and serial the patterns find in ``text``."""
        for match in _MAC.finditer(text):
            self.add("mac", match.group(0))
        for match in _IPV4.finditer(text):
            self.add("ip", _ipv4(match.group(0)))
        for match in _IPV6.finditer(text):
            self.add("ip", _ipv6(match.group(0)))
        for match in _SERIAL_LINE.finditer(text):
            self.add("serial", match.group(1))

    def sub(self, text: str) -> str:
        if not self.mapping:
            return text
        if self._pattern is None:
            values = sorted(self.mapping, key=len, reverse=True)
            self._pattern = re.compile(_TOKEN_LEFT + "(?:" + "|".join(map(re.escape, values)) + ")" + _TOKEN_RIGHT)
        return self._pattern.sub(lambda m: self.mapping[m.group(0)], text)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _map_strings(value: Any, fn: Any) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {fn(str(k)): _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, fn) for v in value]
    return value


def _serial_files(value: Any, redactor: Redactor) -> None:
    """The facts pass keeps /sys/class/dmi/id/*_serial as files: their content is a serial."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and str(key).rsplit("/", 1)[-1] in _SERIAL_FILES:
                redactor.add("serial", item)
            _serial_files(item, redactor)
    elif isinstance(value, list):
        for item in value:
            _serial_files(item, redactor)
    elif isinstance(value, str) and "/sys/class/dmi/id/" in value:
        # the one-pass script's output: a boundary line naming the file, then its content
        lines = value.splitlines()
        for index, line in enumerate(lines[:-1]):
            if line.rstrip().rsplit("/", 1)[-1] in _SERIAL_FILES and "/sys/class/dmi/id/" in line:
                redactor.add("serial", lines[index + 1])


def _load(path: Path) -> tuple[str, Any]:
    """("json", doc) / ("jsonl", [doc|raw line]) / ("text", str)."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    if path.suffix == ".json":
        try:
            return "json", json.loads(text)
        except ValueError:
            return "text", text
    if path.suffix == ".jsonl":
        docs: list[Any] = []
        for line in text.splitlines():
            try:
                docs.append(json.loads(line))
            except ValueError:
                docs.append(line)  # a torn last line stays text
        return "jsonl", docs
    return "text", text


def collect(run_dir: Path, rels: list[str], redactor: Redactor) -> None:
    """Pass one: the run's own names, addresses and users, then what the patterns find in every file."""
    for name in ("run.json", "results.json"):
        try:
            doc = json.loads((run_dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for host in doc.get("hosts", []):
            for key in ("name", "slug"):
                redactor.add("host", host.get(key))
            redactor.add("user", host.get("user"))
            facts = host.get("facts") or {}
            redactor.add("host", facts.get("hostname"))
            for iface in facts.get("interfaces", []) or []:
                redactor.add("mac", iface.get("mac"))
                for addr in iface.get("addresses", []) or []:
                    redactor.add("ip", addr)
            address = host.get("address")
            kind = "ip" if address and (_ipv4(address) or _ipv6(address)) else "host"
            redactor.add(kind, address)
    for rel in rels:
        kind, doc = _load(run_dir / rel)
        _serial_files(doc, redactor)
        for text in _strings(doc) if kind != "text" else [doc]:
            redactor.scan(text)


def redact_file(src: Path, dst: Path, redactor: Redactor) -> None:
    kind, doc = _load(src)
    if kind == "json":
        out = json.dumps(_map_strings(doc, redactor.sub), ensure_ascii=False, indent=1) + "\n"
    elif kind == "jsonl":
        lines = [
            redactor.sub(d) if isinstance(d, str) else json.dumps(_map_strings(d, redactor.sub), ensure_ascii=False)
            for d in doc
        ]
        out = "".join(line + "\n" for line in lines)
    else:
        out = redactor.sub(doc)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(out.encode("utf-8", errors="surrogateescape"))


def redact_run(run_dir: Path, rels: list[str], out_dir: Path) -> tuple[list[str], Redactor]:
    """Write redacted copies of ``rels`` under ``out_dir`` (paths redacted too); returns the new paths."""
    redactor = Redactor()
    collect(run_dir, rels, redactor)
    written = []
    for rel in rels:
        new_rel = "/".join(redactor.sub(part) for part in rel.split("/"))
        redact_file(run_dir / rel, out_dir / new_rel, redactor)
        written.append(new_rel)
    return sorted(written), redactor
