"""Where the lab keeps its files and what it has made (state.json), so ``down`` removes exactly that."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DIR = Path("/tmp/xcert-lab")
DEFAULT_SUBNET = "10.213.0.0/24"
LAB_USER = "xclab"
BRIDGE = "xclab0"
NS_PREFIX = "xclab-"


def lab_dir() -> Path:
    return Path(os.environ.get("XCERT_LAB_DIR") or DEFAULT_DIR)


def lab_tag(directory: Path | None = None) -> str:
    """'' for the default lab; else 4 hex digits of the lab directory, so labs side by side
    (tests of several engineers at once) get their own bridge, namespaces and veths."""
    d = (directory or lab_dir()).resolve()
    return "" if d == DEFAULT_DIR else hashlib.sha1(str(d).encode()).hexdigest()[:4]


def lab_home() -> Path:
    """The lab user's home, shared by every lab (one user, one home; ansible keeps ~/.ansible there)."""
    return Path("/var/tmp/xcert-lab-home")


def authorized_keys() -> Path:
    """Readable by the lab user whatever the lab directory's mode (sshd reads it as that user)."""
    return lab_home() / ".xcert-keys" / (lab_tag() or "default")


def default_subnet() -> str:
    tag = lab_tag()
    return DEFAULT_SUBNET if not tag else f"10.213.{1 + int(tag, 16) % 250}.0/24"


def ns_prefix() -> str:
    return f"xclab{lab_tag()}-"


def bridge_name() -> str:
    return f"xclab{lab_tag() or '0'}"


def veth_name(index: int) -> str:
    return f"xcl{lab_tag()}v{index}"


@dataclass
class LabHost:
    name: str
    netns: str
    veth: str
    address: str
    arch: str = "x86_64"
    identity: str | None = None
    root: str = "/"  # the root sshd runs in ("/" or the aarch64 chroot)
    pid: int | None = None  # the unshare process in the root namespace; verified before it is killed
    vars: dict[str, Any] = field(default_factory=dict)  # extra inventory variables (databases)

    @property
    def dir(self) -> Path:
        return lab_dir() / "hosts" / self.name


@dataclass
class LabState:
    subnet: str = DEFAULT_SUBNET
    bridge: str = field(default_factory=bridge_name)
    user: str = LAB_USER
    created_user: bool = False
    hosts: list[LabHost] = field(default_factory=list)
    dbs: list[dict[str, Any]] = field(default_factory=list)
    mws: list[dict[str, Any]] = field(default_factory=list)  # lab application servers (lab/middleware.py)

    @property
    def gateway(self) -> str:
        return str(ipaddress.ip_network(self.subnet)[1])

    @property
    def prefixlen(self) -> int:
        return ipaddress.ip_network(self.subnet).prefixlen

    def address_for(self, index: int) -> str:
        """Host ``index`` (1-based) gets the subnet's 10+index-th address."""
        net = ipaddress.ip_network(self.subnet)
        if 10 + index >= net.num_addresses - 1:
            raise ValueError(f"subnet {self.subnet} is too small for {index} hosts")
        return str(net[10 + index])


def state_path() -> Path:
    return lab_dir() / "state.json"


def load_state() -> LabState | None:
    path = state_path()
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    hosts = [LabHost(**h) for h in data.pop("hosts", [])]
    return LabState(hosts=hosts, **data)


def save_state(state: LabState) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
    tmp.replace(path)
