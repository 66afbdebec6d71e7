"""The PCI vendor ids of domestic silicon (pci.yml beside this module), each with its source."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass(frozen=True)
class PciVendor:
    id: str
    en: str
    zh: str
    source: str


@functools.cache
def vendors() -> dict[str, PciVendor]:
    """{4-hex-digit vendor id: PciVendor}."""
    text = resources.files("harness.catalog").joinpath("pci.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    out = {}
    for raw in data.get("vendors", []):
        vid = str(raw["id"]).lower()
        if len(vid) != 4 or not raw.get("source"):
            raise ValueError(f"pci.yml: vendor {vid!r} needs a 4-digit id and a source")
        out[vid] = PciVendor(vid, str(raw["en"]), str(raw.get("zh") or raw["en"]), str(raw["source"]))
    return out
