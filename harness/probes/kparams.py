"""Database prerequisites: kernel parameters, the database user's limits, block queues, mounts."""

from __future__ import annotations

from harness.probes.hostprobe import kv_pairs, lines


def sysctl_values(text: str | None) -> dict[str, str]:
    """``kernel/sem = 250 32000 100 128`` -> ``{"kernel.sem": "250 32000 100 128"}``; unreadable
    keys (``= ?``) are left out."""
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        key, sep, value = raw.partition(" = ")
        value = " ".join(value.split())
        if sep and key.strip() and value and value != "?":
            out[key.strip().replace("/", ".")] = value
    return out


def user_limits(text: str | None) -> dict[str, dict[str, str]]:
    """``user dmdba nofile=65536 ...`` / ``self root nofile=...`` -> ``{"dmdba": {...}, "self:root": {...}}``."""
    out: dict[str, dict[str, str]] = {}
    for tag in ("user", "self"):
        for rest in lines(text, tag):
            name, _, pairs = rest.partition(" ")
            values = kv_pairs(pairs)
            if values:
                out[name if tag == "user" else f"self:{name}"] = values
    return out


def block_queues(text: str | None) -> dict[str, dict[str, str]]:
    """``vda scheduler=none,[mq-deadline] read_ahead_kb=128 nr_requests=256`` per device."""
    out: dict[str, dict[str, str]] = {}
    for raw in (text or "").splitlines():
        name, _, rest = raw.partition(" ")
        if rest and name != "end":
            out[name] = kv_pairs(rest)
    return out


def active_scheduler(value: str) -> str | None:
    """``none,[mq-deadline],kyber`` -> ``mq-deadline``; a single value without brackets is itself."""
    for word in value.replace(",", " ").split():
        if word.startswith("[") and word.endswith("]"):
            return word[1:-1]
    words = value.replace(",", " ").split()
    return words[0] if len(words) == 1 else None


def mounts(text: str | None) -> dict[str, dict[str, str]]:
    """``/opt /  ext4 rw,relatime`` (path asked, mount target, type, options) per path asked."""
    out: dict[str, dict[str, str]] = {}
    for raw in (text or "").splitlines():
        parts = raw.split()
        if len(parts) >= 4 and parts[0].startswith("/"):
            out[parts[0]] = {"target": parts[1], "fstype": parts[2], "options": parts[3]}
    return out


def service_states(text: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        parts = raw.split()
        if len(parts) >= 2:
            out[parts[0]] = parts[1]
    return out


def removeipc(text: str | None) -> str | None:
    """The effective RemoveIPC (a logind.conf line wins over systemctl show), lower case."""
    value = None
    for raw in (text or "").splitlines():
        raw = raw.strip()
        if raw.startswith("RemoveIPC=") or (raw.startswith("conf ") and "=" in raw):
            value = raw.split("=", 1)[1].strip().lower()
    return value
